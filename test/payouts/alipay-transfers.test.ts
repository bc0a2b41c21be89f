// Withdrawals to Alipay through the real adapter (AlipayClient over the official SDK) against the loopback
// gateway fake, which verifies every RSA2 request and signs every answer: SUCCESS, FAIL for a frozen payee,
// DEALING settled by the sweep's query, a lost answer resent under the same out_biz_no, a short balance.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from '../support/api.js';
import { describeEachDatabase } from '../support/harness.js';
import { expectReconciled, summary } from '../support/rules-kit.js';
import { ledgerSteps, pastBackoff, payoutOf, startPayoutWorld, transfersOf, withdrawTo, type PayoutWorld } from './kit.js';

const TRANSFER = 'alipay.fund.trans.uni.transfer';
const QUERY = 'alipay.fund.trans.common.query';

describeEachDatabase('payouts: Alipay transfers', (kind) => {
  let w: PayoutWorld;
  let payees = 0;
  beforeAll(async () => {
    w = await startPayoutWorld(kind);
  });
  afterAll(async () => w?.close());

  /** A payee the fake knows, by logon id and real name. */
  function payee(options: { frozen?: boolean; dealing?: boolean } = {}) {
    payees += 1;
    const account = `payee${payees}.${kind}@example.com`;
    w.fakes.alipay.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: account, name: '王五', ...options });
    return { account, realName: '王五' };
  }
  const calls = (method: string, outBizNo: string) => w.fakes.alipay.requests.filter((r) => r.method === method && r.biz?.out_biz_no === outBizNo).length;

  it('SUCCESS: paid from Alipay’s answer; the payee got the net amount; ledger right', async () => {
    const m = await w.funded(10_000);
    const to = payee();
    const res = await withdrawTo(w.app, m, 'alipay', 8_000, to);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'paid', netFen: 7_920 });
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ provider: 'alipay_transfer', state: 'SUCCESS', next_try_at: null });
    const sent = w.fakes.alipay.transfers.get(t!.business_no)!;
    expect(sent).toMatchObject({ amountFen: 7_920, payeeKey: `ALIPAY_LOGON_ID:${to.account}`, status: 'SUCCESS' });
    expect(t!.provider_ref).toBe(sent.orderId);
    expect(w.fakes.alipay.receivedFen(to.account)).toBe(7_920);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 2_000, withdrawingFen: 0, withdrawnFen: 8_000 });
    await expectReconciled(w.app, w.finance.token);
  });

  it('FAIL for a frozen payee: failed with the reason, funds back; the payee got nothing', async () => {
    const m = await w.funded(5_000);
    const to = payee({ frozen: true });
    const res = await withdrawTo(w.app, m, 'alipay', 5_000, to);
    expect(res.body.status).toBe('failed');
    expect(res.body.failureReason).toMatch(/^PAYEE_ACCOUNT_STATUS_ERROR: /);
    expect(w.fakes.alipay.receivedFen(to.account)).toBe(0);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0 });
    expect(await ledgerSteps(w.app, res.body.id, 'payout.release')).toBe(1);
    // a wrong name is Alipay's refusal too
    const wrongName = await withdrawTo(w.app, m, 'alipay', 1_000, { account: payee().account, realName: '赵六' });
    expect(wrongName.body.failureReason).toMatch(/^PAYEE_USER_INFO_ERROR/);
    await expectReconciled(w.app, w.finance.token);
  });

  it('DEALING: stays processing; the sweep queries on backoff and applies SUCCESS once Alipay settles', async () => {
    const m = await w.funded(6_000);
    const to = payee({ dealing: true });
    const res = await withdrawTo(w.app, m, 'alipay', 3_000, to);
    expect(res.body.status).toBe('processing');
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ state: 'DEALING', tries: 1 });

    // still dealing: asked, still processing, asked again later
    w.app.clock.advanceMs(61_000);
    await w.app.services.payouts.resendStuck();
    expect(calls(QUERY, t!.business_no)).toBe(1);
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('processing');

    w.fakes.alipay.settleTransfer(t!.business_no, 'SUCCESS');
    pastBackoff(w.app);
    await w.app.services.payouts.resendStuck();
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    expect(calls(TRANSFER, t!.business_no)).toBe(1); // asked, never sent again
    await w.app.services.payouts.resendStuck();
    expect(await ledgerSteps(w.app, res.body.id, 'payout.paid')).toBe(1);

    // and one that Alipay fails while dealing: funds back; the member's refresh finds it at once
    const second = await withdrawTo(w.app, m, 'alipay', 3_000, to);
    const [t2] = await transfersOf(w.app, second.body.id);
    w.fakes.alipay.settleTransfer(t2!.business_no, 'FAIL');
    const refreshed = await call(w.app, 'POST', `/api/me/payouts/${second.body.id}/refresh`, { token: m.token });
    expect(refreshed.body).toMatchObject({ status: 'failed' });
    expect(refreshed.body.failureReason).toMatch(/^PAYEE_ACCOUNT_STATUS_ERROR/);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 3_000, withdrawingFen: 0, withdrawnFen: 3_000 });
    await expectReconciled(w.app, w.finance.token);
  });

  it('an answer lost on the way (unverifiable) and a 502: resent under the same out_biz_no; one transfer, paid once', async () => {
    const m = await w.funded(4_000);
    const to = payee();
    const balance = w.fakes.alipay.balanceFen;
    w.fakes.alipay.tamperNextResponse();
    const res = await withdrawTo(w.app, m, 'alipay', 2_000, to);
    expect(res.body.status).toBe('processing');
    const [t] = await transfersOf(w.app, res.body.id);
    expect(t).toMatchObject({ state: null, last_error: 'RESPONSE_SIGNATURE_INVALID' });
    expect(w.fakes.alipay.transfers.get(t!.business_no)?.status).toBe('SUCCESS'); // Alipay did pay

    w.fakes.alipay.failNext(TRANSFER, { httpStatus: 502 });
    w.app.clock.advanceMs(61_000);
    await w.app.services.payouts.resendStuck();
    expect((await transfersOf(w.app, res.body.id))[0]).toMatchObject({ state: null, last_error: 'HTTP_502' });

    w.app.clock.advanceMs(121_000);
    await w.app.services.payouts.resendStuck();
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    expect(calls(TRANSFER, t!.business_no)).toBe(3);
    expect(w.fakes.alipay.receivedFen(to.account)).toBe(1_980);
    expect(w.fakes.alipay.balanceFen).toBe(balance - 1_980);
    await expectReconciled(w.app, w.finance.token);
  });

  it('the merchant balance is short: stays processing, retried slowly, paid after finance tops up', async () => {
    const m = await w.funded(2_000);
    const to = payee();
    const balance = w.fakes.alipay.balanceFen;
    w.fakes.alipay.setBalance(100);
    const res = await withdrawTo(w.app, m, 'alipay', 2_000, to);
    expect(res.body.status).toBe('processing');
    expect((await transfersOf(w.app, res.body.id))[0]).toMatchObject({ last_error: 'PAYER_BALANCE_NOT_ENOUGH', state: null });
    w.fakes.alipay.setBalance(balance);
    pastBackoff(w.app);
    await w.app.services.payouts.resendStuck();
    expect((await payoutOf(w.app, m, res.body.id)).status).toBe('paid');
    expect(w.fakes.alipay.receivedFen(to.account)).toBe(1_980);
  });
});
