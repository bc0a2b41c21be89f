// A payment that arrives for an order closed first (the buyer paid late) is money due back:
// reconciliation lists it; finance returns it through the provider that took it, audited, once;
// reconciliation clears when the provider confirms. A payment that paid its order cannot be returned.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcile } from '../../src/jobs/reconcile.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { devPaymentBody, devPaymentSecret, signDev } from '../support/reliability.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const BASE: RuleConfigInput = { binding: { trigger: 'registration' }, distributor: { mode: 'automatic' }, order: { shippingFen: 0, unpaidCloseMinutes: 30 } };

describeEachDatabase('a late payment is returned through its rail', (kind) => {
  let app: TestApp;
  let finance: RegisteredMember;
  let support: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    const owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
    buyer = await register(app, { nickname: 'late-payer' });
    [skuId] = (await createProduct(app, owner, [{ priceFen: 2_500, stock: 20 }])).skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  const paymentsCheck = async () => (await reconcile(app.services.db)).checks.find((c) => c.name === 'payments_without_order')!;

  /** An order closed by the unpaid job while its payment was under way, then paid late. */
  async function latePayment() {
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `late-${Math.random()}` } });
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    app.clock.advanceMs(31 * 60_000);
    await app.services.orders.closeUnpaid();
    const body = devPaymentBody(pay.body.outTradeNo, pay.body.amountFen);
    const late = await call(app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(devPaymentSecret(app.services.config.jwtSecret), body) } });
    expect(late.body.outcome).toBe('duplicate');
    return { orderId: order.body.id as number, outTradeNo: pay.body.outTradeNo as string, amountFen: pay.body.amountFen as number };
  }

  it('finance returns it once; the provider confirms; reconciliation clears; the audit log has it', async () => {
    const late = await latePayment();
    expect((await paymentsCheck()).differences.map((d) => d.out_trade_no)).toContain(late.outTradeNo);
    // the order was never paid, so the order refund refuses it, as before
    const asRefund = await call(app, 'POST', `/api/admin/orders/${late.orderId}/refunds`, { token: support.token, body: { lines: [], shippingFen: 0, reason: '迟到的付款', idempotencyKey: `late-refund-${late.orderId}` } });
    expect(asRefund.status).toBe(409);
    // support may not return money; finance may
    const body = { reason: '订单已关闭后才付款，原路退回', idempotencyKey: `return-${late.outTradeNo}` };
    expect((await call(app, 'POST', `/api/admin/payments/${late.outTradeNo}/return`, { token: support.token, body })).status).toBe(403);
    const returned = await call(app, 'POST', `/api/admin/payments/${late.outTradeNo}/return`, { token: finance.token, body });
    expect(returned.status).toBe(201);
    // the dev provider confirms at once, through the same verified refund notification path
    expect(returned.body).toMatchObject({ outTradeNo: late.outTradeNo, provider: 'dev', amountFen: late.amountFen, status: 'succeeded', duplicate: false });
    expect((await paymentsCheck()).differences.map((d) => d.out_trade_no)).not.toContain(late.outTradeNo);
    // a replay answers the same return; another key for the same payment is refused
    const replay = await call(app, 'POST', `/api/admin/payments/${late.outTradeNo}/return`, { token: finance.token, body });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: returned.body.id, refundNo: returned.body.refundNo, duplicate: true });
    const again = await call(app, 'POST', `/api/admin/payments/${late.outTradeNo}/return`, { token: finance.token, body: { ...body, idempotencyKey: `return-again-${late.outTradeNo}` } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAYMENT_ALREADY_RETURNED');
    const dev = app.services.payments as unknown as { providers: Map<string, { refundsRequested: Array<{ refundNo: string }> }> };
    expect(dev.providers.get('dev')!.refundsRequested.filter((r) => r.refundNo === returned.body.refundNo)).toHaveLength(1); // asked once: a finished return is not asked again on replay
    const audit = await app.services.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'payment.return').where('target_id', '=', String(late.orderId)).execute();
    expect(audit).toEqual([{ action: 'payment.return', actor_id: finance.id }]);
    // the order stays closed; nothing was credited or reversed
    const order = await app.services.db.selectFrom('orders').select(['status', 'paid_at']).where('id', '=', late.orderId).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'closed', paid_at: null });
  });

  it('a payment that paid its order is not due back (409 PAYMENT_NOT_DUE_BACK); an unknown one is 404; bad input is 400', async () => {
    const paid = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const payment = await app.services.db.selectFrom('payments').select('out_trade_no').where('order_id', '=', paid.id).where('status', '=', 'succeeded').executeTakeFirstOrThrow();
    const refused = await call(app, 'POST', `/api/admin/payments/${payment.out_trade_no}/return`, { token: finance.token, body: { reason: '试试看', idempotencyKey: `return-paid-${paid.id}` } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PAYMENT_NOT_DUE_BACK');
    expect((await call(app, 'POST', '/api/admin/payments/P000000000000000/return', { token: finance.token, body: { reason: '不存在的', idempotencyKey: 'return-unknown-1' } })).status).toBe(404);
    expect((await call(app, 'POST', `/api/admin/payments/${payment.out_trade_no}/return`, { token: finance.token, body: { reason: '' } })).status).toBe(400);
    expect(await app.services.db.selectFrom('payment_returns').select('id').where('idempotency_key', 'in', [`return-paid-${paid.id}`, 'return-unknown-1']).execute()).toEqual([]);
  });
});
