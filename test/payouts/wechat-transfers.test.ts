// Withdrawals to WeChat balance through the real 商家转账 adapter, against the loopback fake that checks
// every request's signature and signs every answer and notification: the receiver's confirmation, the
// verified notification, duplicates and late ones, expiry, retries under one out_bill_no, the sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptWechatpayResource, signWechatpayMessage } from '../../src/modules/payments/wechatpay-crypto.js';
import { call } from '../support/api.js';
import { describeEachDatabase } from '../support/harness.js';
import { expectReconciled, summary } from '../support/rules-kit.js';
import { ledgerSteps, MCHID, PAYOUT_APPID, pastBackoff, payoutOf, PUB_KEY_ID, startPayoutWorld, TRANSFER_BILLS, transfersOf, withdrawTo, type PayoutWorld } from './kit.js';

describeEachDatabase('payouts: WeChat 商家转账', (kind) => {
  let w: PayoutWorld;
  beforeAll(async () => {
    w = await startPayoutWorld(kind);
  });
  afterAll(async () => w?.close());

  const sweep = () => w.app.services.payouts.resendStuck();
  // the raw bytes as WeChat sends them (call() sets the content type itself)
  const notify = (headers: Record<string, string>, body: string) =>
    call(w.app, 'POST', '/api/payouts/wechat/notify', { headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type')), body });

  it('transfer → WAIT_USER_CONFIRM → the receiver confirms → verified notification → paid; ledger right; repeats change nothing', async () => {
    const m = await w.funded(10_000);
    const res = await withdrawTo(w.app, m, 'wechat', 5_000);
    expect(res.status).toBe(201);
    // sent, but nothing is paid until WeChat says so
    expect(res.body).toMatchObject({ status: 'processing', netFen: 4_950, awaitingConfirmation: true });
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ provider: 'wechat_transfer', attempt: 1, state: 'WAIT_USER_CONFIRM', net_fen: 4_950, finished_at: null });
    expect(t!.business_no).toMatch(/^[A-Za-z0-9]{1,32}$/);
    const bill = w.fakes.wechat.getBill(t!.business_no)!;
    expect(bill).toMatchObject({ openid: m.openid, amountFen: 4_950, appid: PAYOUT_APPID, sceneId: '1005' });
    expect(bill.userName).toBeUndefined(); // under ¥2,000 the real name stays with us
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 5_000 });

    const confirm = await call(w.app, 'GET', `/api/me/payouts/${res.body.id}/wechat-confirm`, { token: m.token });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toEqual({ mchId: MCHID, appId: PAYOUT_APPID, package: bill.packageInfo });

    await w.fakes.wechat.confirm(t!.business_no, { duplicate: true });
    const delivered = w.fakes.wechat.notifications.at(-1)!;
    expect(delivered.answers).toEqual([204, 204]);
    const paid = await payoutOf(w.app, m, res.body.id);
    expect(paid).toMatchObject({ status: 'paid', awaitingConfirmation: false });
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0, withdrawnFen: 5_000 });
    expect(await ledgerSteps(w.app, res.body.id, 'payout.paid')).toBe(1);
    expect(await ledgerSteps(w.app, res.body.id, 'payout.fee')).toBe(1);
    const [done] = await transfersOf(w.app, res.body.id);
    expect(done).toMatchObject({ state: 'SUCCESS', package_info: null, next_try_at: null, provider_ref: bill.transferBillNo });

    // a late re-delivery, a sweep, a refresh: all answer and change nothing
    await w.fakes.wechat.notify(t!.business_no);
    expect(w.fakes.wechat.notifications.at(-1)!.answers).toEqual([204]);
    pastBackoff(w.app);
    await sweep();
    expect((await call(w.app, 'POST', `/api/me/payouts/${res.body.id}/refresh`, { token: m.token })).body.status).toBe('paid');
    expect(await ledgerSteps(w.app, res.body.id, 'payout.paid')).toBe(1);
    expect((await call(w.app, 'GET', `/api/me/payouts/${res.body.id}/wechat-confirm`, { token: m.token })).body.code).toBe('PAYOUT_NOT_AWAITING_CONFIRMATION');
    await expectReconciled(w.app, w.finance.token);
  });

  it('never confirmed → CANCELLED → failed, funds back; a retry is a new attempt with a new out_bill_no; a late notice of the old one changes nothing', async () => {
    const m = await w.funded(3_000);
    const res = await withdrawTo(w.app, m, 'wechat', 3_000);
    const [first] = await transfersOf(w.app, res.body.id);
    await w.fakes.wechat.expire(first!.business_no);
    const failed = await payoutOf(w.app, m, res.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/^WECHAT_NOT_CONFIRMED/);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 3_000, withdrawingFen: 0 });

    const retried = await call(w.app, 'POST', `/api/admin/payouts/${res.body.id}/retry`, { token: w.finance.token });
    expect(retried.body).toMatchObject({ status: 'processing', attempts: 2, awaitingConfirmation: true });
    const [, second] = await transfersOf(w.app, res.body.id);
    expect(second!.business_no).not.toBe(first!.business_no);
    expect(w.fakes.wechat.getBill(second!.business_no)!.state).toBe('WAIT_USER_CONFIRM');

    await w.fakes.wechat.notify(first!.business_no); // attempt 1's CANCELLED again, late
    expect(w.fakes.wechat.notifications.at(-1)!.answers).toEqual([204]);
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('processing');
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 0, withdrawingFen: 3_000 });
    await w.fakes.wechat.confirm(second!.business_no);
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    expect(await ledgerSteps(w.app, res.body.id, 'payout.release')).toBe(1);
    await expectReconciled(w.app, w.finance.token);
  });

  it('SYSTEM_ERROR, then an answer that fails verification: retried with backoff under the same out_bill_no; one bill, money moved once', async () => {
    const m = await w.funded(2_000);
    const before = w.fakes.wechat.balanceFen;
    const posts = () => w.fakes.wechat.calls.get(`POST ${TRANSFER_BILLS}`) ?? 0;
    const postsBefore = posts();
    w.fakes.wechat.failNext(TRANSFER_BILLS, { status: 500, code: 'SYSTEM_ERROR' });
    const res = await withdrawTo(w.app, m, 'wechat', 2_000);
    expect(res.body).toMatchObject({ status: 'processing', awaitingConfirmation: false });
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ state: null, last_error: 'SYSTEM_ERROR', tries: 1 });
    expect(w.fakes.wechat.getBill(t!.business_no)).toBeUndefined();
    // not yet due: the sweep leaves it alone
    expect(await sweep()).toBe(0);
    expect(posts()).toBe(postsBefore + 1);

    // the bill is made, but its answer is altered on the way: the outcome is unknown, so ask again later
    w.app.clock.advanceMs(61_000);
    w.fakes.wechat.tamperNextResponse();
    await sweep();
    const [afterTamper] = await transfersOf(w.app, res.body.id);
    expect(afterTamper).toMatchObject({ state: null, last_error: 'RESPONSE_UNVERIFIED', tries: 2 });
    expect(w.fakes.wechat.getBill(t!.business_no)!.state).toBe('WAIT_USER_CONFIRM');
    // the second wait is twice the first
    expect(new Date(afterTamper!.next_try_at!).getTime() - w.app.clock.now().getTime()).toBe(120_000);

    w.app.clock.advanceMs(121_000);
    await sweep();
    const [accepted] = await transfersOf(w.app, res.body.id);
    expect(accepted).toMatchObject({ state: 'WAIT_USER_CONFIRM', last_error: null, tries: 3 });
    expect(posts()).toBe(postsBefore + 3);
    expect(w.fakes.wechat.balanceFen).toBe(before - 1_980);
    await w.fakes.wechat.confirm(t!.business_no);
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    await expectReconciled(w.app, w.finance.token);
  });

  it('a lost notification is found by the sweep (query), once the backoff is over; each payout paid once', async () => {
    const m = await w.funded(4_000);
    const a = await withdrawTo(w.app, m, 'wechat', 2_000);
    const b = await withdrawTo(w.app, m, 'wechat', 2_000);
    const [ta] = await transfersOf(w.app, a.body.id);
    const [tb] = await transfersOf(w.app, b.body.id);
    await w.fakes.wechat.confirm(ta!.business_no, { dropped: true });
    await w.fakes.wechat.confirm(tb!.business_no, { dropped: true });
    expect((await payoutOf(w.app, m, a.body.id)).status).toBe('processing');

    // not due yet: the notification is waited for first
    await sweep();
    expect((await payoutOf(w.app, m, a.body.id)).status).toBe('processing');
    pastBackoff(w.app);
    await sweep();
    for (const p of [a, b]) {
      expect((await payoutOf(w.app, m, p.body.id)).status).toBe('paid');
      expect(await ledgerSteps(w.app, p.body.id, 'payout.paid')).toBe(1);
    }
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 0, withdrawingFen: 0, withdrawnFen: 4_000 });
    await expectReconciled(w.app, w.finance.token);
  });

  it('refresh asks WeChat now and is limited per payout (429 PAYOUT_REFRESH_TOO_SOON with retryAfterSeconds)', async () => {
    const m = await w.funded(1_000);
    const res = await withdrawTo(w.app, m, 'wechat', 1_000);
    const [t] = await transfersOf(w.app, res.body.id);
    await w.fakes.wechat.confirm(t!.business_no, { dropped: true });
    const first = await call(w.app, 'POST', `/api/me/payouts/${res.body.id}/refresh`, { token: m.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: res.body.id, status: 'paid' });

    const other = await w.funded(1_000);
    const pending = await withdrawTo(w.app, other, 'wechat', 1_000);
    expect((await call(w.app, 'POST', `/api/me/payouts/${pending.body.id}/refresh`, { token: other.token })).body.status).toBe('processing');
    const again = await call(w.app, 'POST', `/api/me/payouts/${pending.body.id}/refresh`, { token: other.token });
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ code: 'PAYOUT_REFRESH_TOO_SOON' });
    expect(again.body.retryAfterSeconds).toBeGreaterThan(0);
    w.app.clock.advanceMs(10_000);
    expect((await call(w.app, 'POST', `/api/me/payouts/${pending.body.id}/refresh`, { token: other.token })).status).toBe(200);
    // someone else's payout is not there at all
    expect((await call(w.app, 'POST', `/api/me/payouts/${pending.body.id}/refresh`, { token: m.token })).status).toBe(404);
    expect((await call(w.app, 'GET', `/api/me/payouts/${pending.body.id}/wechat-confirm`, { token: m.token })).body.code).toBe('PAYOUT_NOT_FOUND');
  });

  it('no WeChat link for the payout app → failed with WECHAT_NOT_LINKED, funds back, nothing sent', async () => {
    const m = await w.funded(1_000, { openid: null });
    const res = await withdrawTo(w.app, m, 'wechat', 1_000);
    expect(res.body.status).toBe('failed');
    expect(res.body.failureReason).toMatch(/^WECHAT_NOT_LINKED/);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 1_000, withdrawingFen: 0 });
  });

  it('from ¥2,000 the real name goes (encrypted) as user_name; a FAIL bill fails with WeChat’s reason', async () => {
    const m = await w.funded(300_000);
    const res = await withdrawTo(w.app, m, 'wechat', 250_000, { realName: '李四' });
    const [t] = await transfersOf(w.app, res.body.id);
    const bill = w.fakes.wechat.getBill(t!.business_no)!;
    expect(bill.amountFen).toBe(247_500);
    expect(bill.userName).toBe('李四');
    expect(bill.userNameCiphertext).not.toContain('李四');
    await w.fakes.wechat.failBill(t!.business_no, 'ACCOUNT_FROZEN');
    const failed = await payoutOf(w.app, m, res.body.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.failureReason).toMatch(/^ACCOUNT_FROZEN: 该用户账户被冻结/);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 300_000, withdrawingFen: 0 });
  });

  it('NOT_ENOUGH at the merchant: stays processing, asked again slowly; goes through after a top-up, same bill number', async () => {
    const m = await w.funded(5_000);
    const balance = w.fakes.wechat.balanceFen;
    w.fakes.wechat.topUp(-balance + 100);
    const res = await withdrawTo(w.app, m, 'wechat', 5_000);
    expect(res.body.status).toBe('processing');
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ last_error: 'NOT_ENOUGH', state: null });
    expect(new Date(t!.next_try_at!).getTime() - w.app.clock.now().getTime()).toBe(30 * 60_000);
    w.fakes.wechat.topUp(balance);
    pastBackoff(w.app);
    await sweep();
    expect((await transfersOf(w.app, res.body.id))[0]).toMatchObject({ state: 'WAIT_USER_CONFIRM', business_no: t!.business_no });
  });

  describe('notifications that are not WeChat’s are refused (4xx {code: FAIL}) and change nothing', () => {
    it('a forged body, a missing signature, an unknown bill, a wrong amount', async () => {
      const m = await w.funded(1_000);
      const res = await withdrawTo(w.app, m, 'wechat', 1_000);
      const [t] = await transfersOf(w.app, res.body.id);
      await w.fakes.wechat.confirm(t!.business_no, { dropped: true });
      const real = w.fakes.wechat.notifications.at(-1)!;

      const forged = await notify(real.headers, real.body.replace('"MCHTRANSFER', ' "MCHTRANSFER'));
      expect(forged.status).toBe(401);
      expect(forged.body).toEqual({ code: 'FAIL', message: 'PAYOUT_NOTIFICATION_UNVERIFIED' });
      const { 'Wechatpay-Signature': _signature, ...unsigned } = real.headers;
      expect((await notify(unsigned, real.body)).status).toBe(401);
      expect((await payoutOf(w.app, m, res.body.id)).status).toBe('processing');

      // signed with WeChat's key (the test holds the fake's), but about an amount we did not send
      const signed = (resource: Record<string, unknown>) => {
        const enc = encryptWechatpayResource(JSON.stringify(resource), w.keys.apiV3Key, 'mch_payment', 'abcdefabcdef');
        const body = JSON.stringify({ id: `evt-${Date.now()}`, create_time: '2026-11-20T12:00:00+08:00', resource_type: 'encrypt-resource', event_type: 'MCHTRANSFER.BILL.FINISHED', summary: '商家转账单据终态通知', resource: { original_type: 'mch_payment', ...enc } });
        const ts = String(Math.floor(Date.now() / 1000));
        const nonce = 'n0nce0n0nce0n0nce0n0nce0n0nce012';
        return { body, headers: { 'content-type': 'application/json', 'Wechatpay-Timestamp': ts, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': PUB_KEY_ID, 'Wechatpay-Signature': signWechatpayMessage(`${ts}\n${nonce}\n${body}\n`, w.keys.platform.privateKey), 'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048' } };
      };
      const base = { mchid: MCHID, transfer_bill_no: 'X1', state: 'SUCCESS', create_time: '2026-11-20T12:00:00+08:00', update_time: '2026-11-20T12:00:01+08:00' };
      const wrongAmount = signed({ ...base, out_bill_no: t!.business_no, transfer_amount: 99_999 });
      const refused = await notify(wrongAmount.headers, wrongAmount.body);
      expect(refused.status).toBe(422);
      expect(refused.body).toEqual({ code: 'FAIL', message: 'PAYOUT_AMOUNT_MISMATCH' });
      const unknown = signed({ ...base, out_bill_no: 'W2026NOSUCHBILLA1', transfer_amount: 990 });
      expect((await notify(unknown.headers, unknown.body)).body).toEqual({ code: 'FAIL', message: 'PAYOUT_TRANSFER_UNKNOWN' });
      expect((await payoutOf(w.app, m, res.body.id)).status).toBe('processing');

      // WeChat's own notification still applies
      const accepted = await notify(real.headers, real.body);
      expect(accepted.status).toBe(204);
      expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    });
  });

  it('the confirm route answers only for a WeChat payout that waits (409 codes), and lists say which wait', async () => {
    const m = await w.funded(3_000);
    const ali = await withdrawTo(w.app, m, 'alipay', 1_000);
    expect((await call(w.app, 'GET', `/api/me/payouts/${ali.body.id}/wechat-confirm`, { token: m.token })).body.code).toBe('PAYOUT_NOT_WECHAT');
    const wx = await withdrawTo(w.app, m, 'wechat', 1_000);
    const list = await call(w.app, 'GET', '/api/me/payouts', { token: m.token });
    const mine = new Map(list.body.items.map((p: { id: number; awaitingConfirmation: boolean }) => [p.id, p.awaitingConfirmation]));
    expect(mine.get(wx.body.id)).toBe(true);
    expect(mine.get(ali.body.id)).toBe(false);
  });
});
