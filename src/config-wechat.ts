// What the server sends to WeChat users outside its own pages: the 小程序码 on posters and the income
// alerts (mini-program subscribe messages, 公众号 template messages). Read from the environment beside
// the WeChat apps themselves (WECHAT_MP_*, WECHAT_OA_* in config.ts); docs/going-live.md explains each.
import { z } from 'zod';

const onOff = z.enum(['on', 'off']);
export const wechatReachEnvSchema = z.object({
  /** which version a 小程序码 opens and a subscribe message jumps to */
  WECHAT_MP_VERSION: z.enum(['release', 'trial', 'develop']).default('release'),
  /** the page a scanned 小程序码 opens (it reads the scene) */
  WECHAT_MP_CODE_PAGE: z.string().default('pages/index/index'),
  WECHAT_MP_CODE_CHECK_PATH: onOff.default('on'),
  WECHAT_MP_CODE_WIDTH: z.coerce.number().int().min(280).max(1280).default(430),
  /** every income alert outside the app, whatever is configured below */
  WECHAT_ALERTS: onOff.default('on'),
  WECHAT_MP_INCOME_TEMPLATE_ID: z.string().optional(),
  WECHAT_MP_INCOME_FIELDS: z.string().default('thing1=source;amount2=amount;time3=time;thing4=note'),
  WECHAT_MP_INCOME_PAGE: z.string().default('pages/index/index'),
  WECHAT_OA_INCOME_TEMPLATE_ID: z.string().optional(),
  WECHAT_OA_INCOME_FIELDS: z.string().default('thing1=source;amount2=amount;time3=time'),
  /** the shop page the template message opens, on PUBLIC_URL */
  WECHAT_OA_INCOME_PATH: z.string().default('/'),
});
export type WechatReachEnv = z.infer<typeof wechatReachEnvSchema>;

/** What an alert can say, each formatted for the keyword type it fills (thing, amount, time …). */
export const ALERT_FACTS = ['amount', 'source', 'note', 'time', 'order'] as const;
export type AlertFact = (typeof ALERT_FACTS)[number];

/** template keyword → the fact that fills it, e.g. [['amount2', 'amount'], ['thing1', 'source']] */
export type AlertFields = Array<[keyword: string, fact: AlertFact]>;

export interface WechatReachConfig {
  miniProgram: {
    version: 'release' | 'trial' | 'develop';
    codePage: string;
    codeCheckPath: boolean;
    codeWidth: number;
  };
  alerts: {
    enabled: boolean;
    /** subscribe messages (订阅消息) in the mini-program */
    mp?: { templateId: string; fields: AlertFields; page: string };
    /** template messages (模板消息) from the 公众号, opening the shop at url */
    oa?: { templateId: string; fields: AlertFields; url?: string };
  };
}

export const DEFAULT_WECHAT_REACH: WechatReachConfig = {
  miniProgram: { version: 'release', codePage: 'pages/index/index', codeCheckPath: true, codeWidth: 430 },
  alerts: { enabled: true },
};

type Problem = { setting: string; problem: string };

const KEYWORD_RE = /^[a-z_]+\d+$/;
const PAGE_RE = /^[A-Za-z0-9_\-./]+$/;

/** "thing1=source;amount2=amount" → pairs; every malformed part is a problem. */
export function parseAlertFields(text: string, setting: string, problems: Problem[]): AlertFields {
  const fields: AlertFields = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [keyword, fact] = part.split('=').map((x) => x.trim());
    if (!keyword || !KEYWORD_RE.test(keyword) || !(ALERT_FACTS as readonly string[]).includes(fact ?? '')) {
      problems.push({ setting, problem: `"${part}" must be keyword=fact with a template keyword such as thing1 and a fact among ${ALERT_FACTS.join(', ')}` });
      continue;
    }
    fields.push([keyword, fact as AlertFact]);
  }
  if (fields.length === 0) problems.push({ setting, problem: 'names no template keyword' });
  return fields;
}

function pagePath(value: string, setting: string, problems: Problem[], query: boolean): string {
  const [path = '', q] = value.split('?');
  if (path.startsWith('/') || !PAGE_RE.test(path) || (q !== undefined && !query)) {
    problems.push({ setting, problem: `must be a mini-program page such as pages/index/index (no leading /${query ? '' : ', no query'})` });
  }
  return value;
}

/** The settings, and every problem with them (a template without its app, a malformed field list). */
export function wechatReach(env: WechatReachEnv, context: { publicUrl?: string; oaAppid?: string; mpAppid?: string }): { config: WechatReachConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const miniProgram = {
    version: env.WECHAT_MP_VERSION,
    codePage: pagePath(env.WECHAT_MP_CODE_PAGE, 'WECHAT_MP_CODE_PAGE', problems, false),
    codeCheckPath: env.WECHAT_MP_CODE_CHECK_PATH === 'on',
    codeWidth: env.WECHAT_MP_CODE_WIDTH,
  };
  const alerts: WechatReachConfig['alerts'] = { enabled: env.WECHAT_ALERTS === 'on' };
  if (env.WECHAT_MP_INCOME_TEMPLATE_ID) {
    if (!context.mpAppid) problems.push({ setting: 'WECHAT_MP_INCOME_TEMPLATE_ID', problem: 'needs the mini-program (WECHAT_MP_APPID, WECHAT_MP_SECRET): subscribe messages are sent under it' });
    alerts.mp = {
      templateId: env.WECHAT_MP_INCOME_TEMPLATE_ID,
      fields: parseAlertFields(env.WECHAT_MP_INCOME_FIELDS, 'WECHAT_MP_INCOME_FIELDS', problems),
      page: pagePath(env.WECHAT_MP_INCOME_PAGE, 'WECHAT_MP_INCOME_PAGE', problems, true),
    };
  }
  if (env.WECHAT_OA_INCOME_TEMPLATE_ID) {
    if (!context.oaAppid) problems.push({ setting: 'WECHAT_OA_INCOME_TEMPLATE_ID', problem: 'needs the 公众号 (WECHAT_OA_APPID, WECHAT_OA_SECRET): template messages are sent under it' });
    if (!env.WECHAT_OA_INCOME_PATH.startsWith('/')) problems.push({ setting: 'WECHAT_OA_INCOME_PATH', problem: 'must be a path on PUBLIC_URL, starting with /' });
    const base = context.publicUrl?.replace(/\/+$/, '');
    alerts.oa = {
      templateId: env.WECHAT_OA_INCOME_TEMPLATE_ID,
      fields: parseAlertFields(env.WECHAT_OA_INCOME_FIELDS, 'WECHAT_OA_INCOME_FIELDS', problems),
      ...(base ? { url: `${base}${env.WECHAT_OA_INCOME_PATH}` } : {}),
    };
  }
  return { config: { miniProgram, alerts }, problems };
}
