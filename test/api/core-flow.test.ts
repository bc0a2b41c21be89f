import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('the newcomer flow: chain of five, pay, refund half, withdraw', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let finance: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { tierRatesBp: { '1': [1000, 500, 300] }, freezeDays: 7 }, payout: { minAmountFen: 100, autoApproveMaxFen: 0 } } });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    finance = await hqMember(app, 'finance');
    chain = await registerChain(app, 5);
    const product = await createProduct(app, owner, [{ priceFen: 10_000 }]);
    skuId = product.skus[0].id;
  });
  afterAll(async () => app?.close());

  it('pays three levels, halves them on a half refund, and lets the earner withdraw', async () => {
    const [top, second, third, fourth, buyer] = chain;
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect(order.status).toBe('paid');

    const earnings = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/commission/summary', { token: m.token })).body;
    expect((await earnings(fourth)).pendingFen).toBe(1000);
    expect((await earnings(third)).pendingFen).toBe(500);
    expect((await earnings(second)).pendingFen).toBe(300);
    expect((await earnings(top)).pendingFen).toBe(0);
    expect((await earnings(buyer)).pendingFen).toBe(0);

    const refund = await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, {
      token: support.token,
      body: { lines: [{ lineId: order.lines[0].id, amountFen: 5000 }], reason: '退一半', idempotencyKey: 'refund-half-1' },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('succeeded');
    expect((await earnings(fourth)).pendingFen).toBe(500);
    expect((await earnings(third)).pendingFen).toBe(250);
    expect((await earnings(second)).pendingFen).toBe(150);

    // completion starts the freeze; after 7 days the sweep makes it available
    expect((await call(app, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: buyer.token })).status).toBe(200);
    expect((await earnings(fourth)).frozenFen).toBe(500);
    app.clock.advanceDays(7);
    await app.services.commission.unfreezeDue();
    expect((await earnings(fourth)).availableFen).toBe(500);

    const payout = await call(app, 'POST', '/api/me/payouts', {
      token: fourth.token,
      body: { amountFen: 500, channel: 'alipay', destination: { account: 'fourth@example.com', realName: '张三' }, idempotencyKey: 'payout-fourth-1' },
    });
    expect(payout.body).toMatchObject({ status: "reviewing" });
    expect(payout.status).toBe(201);
    expect(payout.body.status).toBe('reviewing');
    expect(payout.body.destination.realName).toBe('张*');
    const approved = await call(app, 'POST', `/api/admin/payouts/${payout.body.id}/approve`, { token: finance.token });
    expect(approved.body.status).toBe('paid');
    const after = await earnings(fourth);
    expect(after.availableFen).toBe(0);
    expect(after.withdrawnFen).toBe(500);

    const report = await call(app, 'GET', '/api/admin/reconciliation', { token: finance.token });
    expect(report.body.checks.filter((c: { differences: unknown[] }) => c.differences.length > 0)).toEqual([]);
    expect(report.body.ok).toBe(true);
  });
});

describeEachDatabase('checkout with a shipping address', (kind) => {
  let app: TestApp;
  afterAll(async () => app?.close());

  it('keeps the address on the order, whole for the buyer and fulfilment, masked for finance', async () => {
    app = await startTestApp(kind);
    const owner = await hqMember(app, 'owner');
    const finance = await hqMember(app, 'finance');
    const [buyer] = await registerChain(app, 1);
    const sku = (await createProduct(app, owner, [{ priceFen: 500 }])).skus[0].id;
    const address = { name: '王小明', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku, quantity: 1 }], checkoutKey: 'address-order-1', shippingAddress: address } });
    expect(order.status).toBe(201);
    expect(order.body.shippingAddress).toEqual(address);
    expect((await call(app, 'GET', `/api/admin/orders/${order.body.id}`, { token: owner.token })).body.shippingAddress).toEqual(address);
    const masked = (await call(app, 'GET', `/api/admin/orders/${order.body.id}`, { token: finance.token })).body.shippingAddress;
    expect(masked).toMatchObject({ name: '王*明', phone: '139****5678', regionCode: '440305' });
    const bad = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku, quantity: 1 }], checkoutKey: 'address-order-2', shippingAddress: { ...address, regionCode: '44' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});
