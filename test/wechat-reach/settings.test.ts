// The wechat-reach settings as read from the environment (config-wechat.ts through loadConfig), and the
// template data an alert becomes under WeChat's value rules.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { templateData } from '../../src/modules/wechat-reach/messages.js';

const base = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: 'memory://' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.setting);
  }
}

describe('wechat-reach settings', () => {
  it('defaults: the home page, the released version, check_path on, 430 px, alerts on with no template (nothing is sent)', () => {
    expect(loadConfig(base).wechatReach).toEqual({
      miniProgram: { version: 'release', codePage: 'pages/index/index', codeCheckPath: true, codeWidth: 430 },
      alerts: { enabled: true },
    });
  });

  it('reads both templates, their keyword → fact lists, the page and the shop URL', () => {
    const config = loadConfig({
      ...base,
      PUBLIC_URL: 'https://shop.example.com/',
      WECHAT_MP_APPID: 'wxmp',
      WECHAT_MP_SECRET: 's',
      WECHAT_OA_APPID: 'wxoa',
      WECHAT_OA_SECRET: 's',
      WECHAT_MP_VERSION: 'trial',
      WECHAT_MP_CODE_PAGE: 'pages/shop/index',
      WECHAT_MP_CODE_CHECK_PATH: 'off',
      WECHAT_MP_CODE_WIDTH: '600',
      WECHAT_MP_INCOME_TEMPLATE_ID: 'tplMp',
      WECHAT_MP_INCOME_FIELDS: 'character_string1=order; amount2=amount',
      WECHAT_MP_INCOME_PAGE: 'pages/earnings/index?from=alert',
      WECHAT_OA_INCOME_TEMPLATE_ID: 'tplOa',
      WECHAT_OA_INCOME_PATH: '/me/earnings',
    });
    expect(config.wechatReach).toEqual({
      miniProgram: { version: 'trial', codePage: 'pages/shop/index', codeCheckPath: false, codeWidth: 600 },
      alerts: {
        enabled: true,
        mp: { templateId: 'tplMp', fields: [['character_string1', 'order'], ['amount2', 'amount']], page: 'pages/earnings/index?from=alert' },
        oa: { templateId: 'tplOa', fields: [['thing1', 'source'], ['amount2', 'amount'], ['time3', 'time']], url: 'https://shop.example.com/me/earnings' },
      },
    });
  });

  it('names every problem: a template without its app, a malformed field list, a page with a leading /, a width out of range', () => {
    expect(problems({ WECHAT_MP_INCOME_TEMPLATE_ID: 't', WECHAT_OA_INCOME_TEMPLATE_ID: 't' })).toEqual(['WECHAT_MP_INCOME_TEMPLATE_ID', 'WECHAT_OA_INCOME_TEMPLATE_ID']);
    expect(problems({ WECHAT_MP_APPID: 'a', WECHAT_MP_SECRET: 's', WECHAT_MP_INCOME_TEMPLATE_ID: 't', WECHAT_MP_INCOME_FIELDS: 'thing1=source;amount=amount;thing3=price' })).toEqual(['WECHAT_MP_INCOME_FIELDS', 'WECHAT_MP_INCOME_FIELDS']);
    expect(problems({ WECHAT_MP_CODE_PAGE: '/pages/index/index' })).toEqual(['WECHAT_MP_CODE_PAGE']);
    expect(problems({ WECHAT_MP_CODE_PAGE: 'pages/index/index?x=1' })).toEqual(['WECHAT_MP_CODE_PAGE']);
    expect(problems({ WECHAT_MP_CODE_WIDTH: '100' })).toEqual(['WECHAT_MP_CODE_WIDTH']);
    expect(problems({ WECHAT_ALERTS: 'maybe' })).toEqual(['WECHAT_ALERTS']);
  });

  it('fits each value to its keyword type: thing ≤ 20, phrase ≤ 5, amount with its sign, time with the date (Shanghai)', () => {
    const data = templateData(
      [['thing1', 'note'], ['short_thing2', 'note'], ['phrase3', 'source'], ['amount4', 'amount'], ['time5', 'time'], ['date6', 'time'], ['character_string7', 'order'], ['thing8', 'source']],
      { amountFen: 123_456, level: 2, orderId: 42, at: new Date('2026-11-20T16:05:00Z') },
    );
    expect(data).toEqual({
      thing1: { value: '订单付款后已计入待结算' },
      short_thing2: { value: '订单付款后' },
      phrase3: { value: '二级佣金' },
      amount4: { value: '¥1234.56' },
      time5: { value: '2026年11月21日 00:05' },
      date6: { value: '2026年11月21日 00:05' },
      character_string7: { value: '42' },
      thing8: { value: '二级佣金' },
    });
  });
});
