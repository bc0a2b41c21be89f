// Orders left unpaid past the rules' window are closed by the job (未付款自动关闭): their stock
// comes back, paid and younger orders are untouched, 0 turns it off, and a payment that still
// arrives for a closed order is kept as a refund due, never applied.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { devPaymentBody, devPaymentSecret, signDev } from '../support/reliability.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { setRules } from '../support/rules-kit.js';

const MINUTE = 60_000;
const BASE: RuleConfigInput = { binding: { trigger: 'registration' }, distributor: { mode: 'automatic' }, order: { shippingFen: 0 } };

describeEachDatabase('unpaid orders close after the window', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;

  const stock = async () => (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;
  const status = async (orderId: number) => (await app.services.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status;
  const checkout = async (quantity: number) => {
    const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity }], checkoutKey: `unpaid-${Math.random()}` } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    buyer = await register(app, { nickname: 'unpaid-buyer' });
    [skuId] = (await createProduct(app, owner, [{ priceFen: 1_000, stock: 20 }])).skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  it('closes what waited longer than unpaidCloseMinutes (default 30), gives the stock back, leaves the rest', async () => {
    const before = await stock();
    const old = await checkout(3);
    const paying = await checkout(2);
    const pay = await call(app, 'POST', `/api/orders/${paying}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    expect(pay.status).toBe(200);
    const paid = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    app.clock.advanceMs(20 * MINUTE);
    const young = await checkout(4);
    expect(await stock()).toBe(before - 10);

    app.clock.advanceMs(9 * MINUTE); // the first two are 29 minutes old
    expect(await app.services.orders.closeUnpaid()).toEqual({ closed: 0 });
    app.clock.advanceMs(2 * MINUTE);
    expect(await app.services.orders.closeUnpaid()).toEqual({ closed: 2 });
    expect({ old: await status(old), paying: await status(paying), paid: await status(paid.id), young: await status(young) }).toEqual({ old: 'closed', paying: 'closed', paid: 'paid', young: 'pending_payment' });
    expect(await stock()).toBe(before - 5);
    expect(await app.services.orders.closeUnpaid()).toEqual({ closed: 0 });

    // the buyer can no longer pay it; a payment already under way is kept as a refund due
    expect((await call(app, 'POST', `/api/orders/${old}/pay`, { token: buyer.token, body: { provider: 'dev' } })).status).toBe(409);
    const body = devPaymentBody(pay.body.outTradeNo, pay.body.amountFen);
    const late = await call(app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(devPaymentSecret(app.services.config.jwtSecret), body) } });
    expect(late.status).toBe(200);
    expect(late.body.outcome).toBe('duplicate');
    expect(await status(paying)).toBe('closed');
    const event = await app.services.db.selectFrom('payment_events').select('outcome').where('event_key', '=', `pay-${pay.body.outTradeNo}`).executeTakeFirstOrThrow();
    expect(event.outcome).toBe('refund_due:order_closed');
  });

  it('unpaidCloseMinutes 0 keeps unpaid orders open however old', async () => {
    await setRules(app, owner, { order: { unpaidCloseMinutes: 0 } }, BASE);
    const order = await checkout(1);
    app.clock.advanceDays(3);
    expect(await app.services.orders.closeUnpaid()).toEqual({ closed: 0 });
    expect(await status(order)).toBe('pending_payment');
    await setRules(app, owner, { order: { unpaidCloseMinutes: 60 } }, BASE);
    // this one and the young order of the test before
    expect(await app.services.orders.closeUnpaid()).toEqual({ closed: 2 });
    expect(await status(order)).toBe('closed');
  });
});
