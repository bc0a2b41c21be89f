// Withdrawals leaving through real providers, in Chromium against the loopback fakes: a distributor
// withdraws to WeChat balance in the shop, confirms receipt inside WeChat (a WeixinJSBridge injected by the
// test performs the receiver's confirmation at the 商家转账 fake), and the payout is paid from WeChat's
// signed notification; outside WeChat the page says to open it in WeChat. A withdrawal to Alipay is paid
// from the Alipay gateway fake's answer.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { payoutConfig, providerKeys, startFakes, MCHID, PAYOUT_APPID, type Fakes } from '../payouts/kit.js';
import { api, current, expectNoHorizontalOverflow, freePort, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';
import type { Page } from 'playwright-core';

// one distributor per channel: the demo allows three withdrawals a day per member
const WECHAT_DISTRIBUTOR = '13900000003';
const ALIPAY_DISTRIBUTOR = '13900000002';
const FINANCE = '13800000002';
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN';

let base: string;
let fakes: Fakes;
let finance: string;
const members = new Map<string, { token: string; id: number }>();

beforeAll(async () => {
  const keys = providerKeys();
  fakes = await startFakes(keys);
  // the server's URL goes into the notify URLs before it starts
  const port = await freePort();
  ({ base } = await startWorld({ features: false, config: payoutConfig(keys, fakes, `http://127.0.0.1:${port}`), port }));
  finance = (await login(FINANCE)).token;
  for (const phone of [WECHAT_DISTRIBUTOR, ALIPAY_DISTRIBUTOR]) {
    const m = await login(phone);
    members.set(phone, { token: m.token, id: m.member.id });
    expect((await api<{ distributorStatus: string }>('GET', '/api/me', { token: m.token })).distributorStatus).toBe('active');
    await api('POST', '/api/admin/adjustments', { token: finance, body: { memberId: m.member.id, amountFen: 10_000, reason: '测试入账', idempotencyKey: `e2e-adj-${randomBytes(6).toString('hex')}` } });
  }
  // the member once signed in with WeChat under the payout app (that sign-in is go-live.test.ts's): its link is the fixture
  const wechatMember = members.get(WECHAT_DISTRIBUTOR)!;
  await current().app.services.db.insertInto('member_wechat_identities').values({ member_id: wechatMember.id, app_kind: 'oa', appid: PAYOUT_APPID, openid: `oE2e_${randomBytes(6).toString('hex')}`, unionid: null, created_at: new Date() }).execute();
});

afterAll(async () => {
  await stopWorld();
  await fakes?.close();
});

async function signedInWithdrawPage(phone: string, options: { wechat: boolean }): Promise<Page> {
  const context = await newContext({ ...MOBILE, ...(options.wechat ? { userAgent: WECHAT_UA } : {}) });
  const page = await context.newPage();
  if (options.wechat) {
    // WeChat's bridge as the receiver uses it: requestMerchantTransfer confirms the bill at the fake
    await page.exposeFunction('__receiverConfirms', async (params: { mchId: string; appId: string; package: string }) => {
      const row = await current().app.services.db.selectFrom('payout_transfers').select('business_no').where('package_info', '=', params.package).executeTakeFirst();
      if (!row || params.mchId !== MCHID || params.appId !== PAYOUT_APPID) return false;
      await fakes.wechat.confirm(row.business_no);
      return true;
    });
    await page.addInitScript(() => {
      const w = window as unknown as { WeixinJSBridge: unknown; __receiverConfirms: (p: unknown) => Promise<boolean> };
      w.WeixinJSBridge = {
        invoke(name: string, params: unknown, callback: (res: { err_msg: string }) => void) {
          if (name !== 'requestMerchantTransfer') return callback({ err_msg: `${name}:fail` });
          void w.__receiverConfirms(params).then((ok) => callback({ err_msg: ok ? 'requestMerchantTransfer:ok' : 'requestMerchantTransfer:fail' }));
        },
      };
    });
  }
  await page.goto(`${base}/login`);
  await page.getByTestId('login-phone').fill(phone);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('fx_token'))).toBeTruthy();
  await page.goto(`${base}/centre/withdraw`);
  await page.getByTestId('withdraw-page').waitFor();
  return page;
}

/** Fills the form and submits; answers the new payout's number (told apart through the API, not the list's timing). */
async function withdraw(page: Page, phone: string, yuan: string, channel: 'wechat' | 'alipay', fields: { realName: string; account?: string }): Promise<string> {
  const before = new Set((await payouts(phone)).map((p) => p.payoutNo));
  await page.getByTestId('withdraw-amount').fill(yuan);
  await page.getByTestId(`withdraw-channel-${channel}`).click();
  await page.locator(`[data-testid=withdraw-channel-${channel}][data-selected=true]`).waitFor();
  await page.getByTestId('withdraw-realname').fill(fields.realName);
  if (fields.account) await page.getByTestId('withdraw-account').fill(fields.account);
  await page.getByTestId('withdraw-submit').click();
  await page.getByTestId('withdraw-success').waitFor();
  const fresh = (await payouts(phone)).filter((p) => !before.has(p.payoutNo));
  expect(fresh).toHaveLength(1);
  await item(page, fresh[0]!.payoutNo).waitFor();
  return fresh[0]!.payoutNo;
}

const item = (page: Page, payoutNo: string) => page.locator(`[data-testid=payout-item][data-payout-no="${payoutNo}"]`);

type Listed = { id: number; payoutNo: string; status: string; awaitingConfirmation: boolean; netFen: number };
async function payouts(phone: string): Promise<Listed[]> {
  return (await api<{ items: Listed[] }>('GET', '/api/me/payouts?limit=50', { token: members.get(phone)!.token })).items;
}
async function payoutByNo(phone: string, payoutNo: string): Promise<Listed> {
  return (await payouts(phone)).find((p) => p.payoutNo === payoutNo)!;
}

describe('withdrawals through the providers, in the shop', () => {
  it('to WeChat balance: waits for 确认收款; inside WeChat the receiver confirms; paid from WeChat’s notification', async () => {
    const page = await signedInWithdrawPage(WECHAT_DISTRIBUTOR, { wechat: true });
    const payoutNo = await withdraw(page, WECHAT_DISTRIBUTOR, '20', 'wechat', { realName: '黄推客' });
    // sent to WeChat, not paid: the money waits for the receiver
    await item(page, payoutNo).locator('[data-testid=payout-status][data-status=processing]').waitFor();
    const confirm = item(page, payoutNo).getByTestId('payout-confirm');
    await confirm.waitFor();
    expect((await payoutByNo(WECHAT_DISTRIBUTOR, payoutNo)).awaitingConfirmation).toBe(true);
    await expectNoHorizontalOverflow(page, 'withdraw awaiting confirmation');
    await shot(page, 'shop-withdraw-wechat-confirm');

    await confirm.click();
    await page.getByTestId('withdraw-confirm-ok').waitFor();
    await item(page, payoutNo).locator('[data-testid=payout-status][data-status=paid]').waitFor({ timeout: 15_000 });
    expect(await item(page, payoutNo).getByTestId('payout-confirm').count()).toBe(0);

    // the state came from WeChat: the fake holds one SUCCESS bill for it and notified the server, which took it
    const payout = await payoutByNo(WECHAT_DISTRIBUTOR, payoutNo);
    const [t] = await current().app.services.db.selectFrom('payout_transfers').selectAll().where('payout_id', '=', payout.id).execute();
    expect(fakes.wechat.getBill(t!.business_no)).toMatchObject({ state: 'SUCCESS', amountFen: payout.netFen });
    expect(fakes.wechat.notifications.filter((n) => n.outBillNo === t!.business_no).flatMap((n) => n.answers)).toEqual([204]);
    await shot(page, 'shop-withdraw-wechat-paid');
  });

  it('outside WeChat 确认收款 says to open the page in WeChat; the receiver confirms there and the shop shows it paid', async () => {
    const page = await signedInWithdrawPage(WECHAT_DISTRIBUTOR, { wechat: false });
    const payoutNo = await withdraw(page, WECHAT_DISTRIBUTOR, '15', 'wechat', { realName: '黄推客' });
    await item(page, payoutNo).getByTestId('payout-confirm').click();
    await page.getByTestId('withdraw-open-in-wechat').waitFor();
    expect((await payoutByNo(WECHAT_DISTRIBUTOR, payoutNo)).status).toBe('processing');

    // in WeChat, elsewhere: the notification pays it and the page hears of it live
    const { id } = await payoutByNo(WECHAT_DISTRIBUTOR, payoutNo);
    const [t] = await current().app.services.db.selectFrom('payout_transfers').select('business_no').where('payout_id', '=', id).execute();
    await fakes.wechat.confirm(t!.business_no);
    await item(page, payoutNo).locator('[data-testid=payout-status][data-status=paid]').waitFor({ timeout: 15_000 });
  });

  it('to Alipay: paid from the Alipay gateway’s answer; the payee received the net amount', async () => {
    fakes.alipay.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: 'huang@example.com', name: '黄推客' });
    const page = await signedInWithdrawPage(ALIPAY_DISTRIBUTOR, { wechat: false });
    const payoutNo = await withdraw(page, ALIPAY_DISTRIBUTOR, '30', 'alipay', { realName: '黄推客', account: 'huang@example.com' });
    await item(page, payoutNo).locator('[data-testid=payout-status][data-status=paid]').waitFor();
    const payout = await payoutByNo(ALIPAY_DISTRIBUTOR, payoutNo);
    expect(fakes.alipay.receivedFen('huang@example.com')).toBe(payout.netFen);

    // a frozen account: Alipay refuses, the shop shows why, and the money is back
    fakes.alipay.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: 'frozen@example.com', name: '黄推客', frozen: true });
    const refused = await withdraw(page, ALIPAY_DISTRIBUTOR, '10', 'alipay', { realName: '黄推客', account: 'frozen@example.com' });
    await item(page, refused).locator('[data-testid=payout-status][data-status=failed]').waitFor();
    await expect.poll(() => item(page, refused).getByTestId('payout-reason').textContent()).toMatch(/PAYEE_ACCOUNT_STATUS_ERROR/);
    const summary = await api<{ availableFen: number; withdrawingFen: number }>('GET', '/api/me/commission/summary', { token: members.get(ALIPAY_DISTRIBUTOR)!.token });
    expect(summary.withdrawingFen).toBe(0);
    await shot(page, 'shop-withdraw-alipay');

    const report = await api<{ ok: boolean; checks: Array<{ name: string; differences: unknown[] }> }>('GET', '/api/admin/reconciliation', { token: finance });
    expect(report.checks.filter((c) => c.differences.length > 0)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
