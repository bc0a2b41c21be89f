import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';

async function payPickupOrder(app: TestApp, buyer: RegisteredMember, skuId: number, storeId: number, key: string) {
  const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key, pickupStoreId: storeId } });
  if (order.status !== 201) throw new Error(JSON.stringify(order.body));
  const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
  return (await call(app, 'GET', `/api/orders/${order.body.id}`, { token: buyer.token })).body;
}

async function setUpStores(app: TestApp) {
  const owner = await hqMember(app, 'owner');
  const shenzhen = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '深圳南山店', regionCode: '440305', address: '科技园', latitude: 22.54, longitude: 113.95 } });
  const guangzhou = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '广州天河店', regionCode: '440106', address: '体育西路', latitude: 23.13, longitude: 113.32 } });
  const staff = await register(app, { nickname: '店员' });
  expect((await call(app, 'POST', `/api/admin/stores/${shenzhen.body.id}/staff`, { token: owner.token, body: { memberId: staff.id } })).status).toBe(204);
  const sku = (await createProduct(app, owner, [{ priceFen: 2_000 }])).skus[0].id;
  return { owner, shenzhen: shenzhen.body, guangzhou: guangzhou.body, staff, sku };
}

describeEachDatabase('stores: nearest, pickup codes, redemption once', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { order: { shippingFen: 800 } } });
  });
  afterAll(async () => app?.close());

  it('lists the nearest open stores first', async () => {
    const { shenzhen, guangzhou } = await setUpStores(app);
    const near = await call(app, 'GET', '/api/stores/nearby?lat=22.53&lng=113.93&limit=2');
    expect(near.body.items.map((s: { id: number }) => s.id)).toEqual([shenzhen.id, guangzhou.id]);
    expect(near.body.items[0].distanceM).toBeLessThan(3_000);
    expect(near.body.items[1].distanceM).toBeGreaterThan(90_000);
  });

  it('gives a pickup order a code only its buyer sees; staff of that store redeem it once, which completes the order', async () => {
    const { shenzhen, guangzhou, staff, sku, owner } = await setUpStores(app);
    const [distributor, buyer] = await registerChain(app, 2);
    const order = await payPickupOrder(app, buyer, sku, shenzhen.id, 'pickup-1');
    expect(order.deliveryMethod).toBe('pickup');
    expect(order.shippingFen).toBe(0);
    expect(order.pickup.code).toMatch(/^\d{10}$/);
    expect((await call(app, 'GET', `/api/admin/orders/${order.id}`, { token: owner.token })).body.pickup).toBeNull();

    const outsider = await register(app);
    expect((await call(app, 'POST', '/api/store/redemptions', { token: outsider.token, body: { code: order.pickup.code } })).body.code).toBe('PICKUP_CODE_NOT_FOUND');
    const redeemed = await call(app, 'POST', '/api/store/redemptions', { token: staff.token, body: { code: order.pickup.code } });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.status).toBe('completed');
    const again = await call(app, 'POST', '/api/store/redemptions', { token: staff.token, body: { code: order.pickup.code } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PICKUP_ALREADY_REDEEMED');
    // redemption started the freeze of the distributor's commission
    expect((await call(app, 'GET', '/api/me/commission/summary', { token: distributor.token })).body).toMatchObject({ pendingFen: 0, frozenFen: 200 });

    const closed = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku, quantity: 1 }], checkoutKey: 'pickup-2', pickupStoreId: 999_999 } });
    expect(closed.body.code).toBe('STORE_NOT_AVAILABLE');
    expect(guangzhou.id).toBeGreaterThan(0);
  });
});

describeOnPostgres('stores under concurrency [postgres]', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 20 });
  });
  afterAll(async () => app?.close());

  it('redeems a code exactly once when ten clerks try at the same moment', async () => {
    const { shenzhen, staff, sku } = await setUpStores(app);
    const [, buyer] = await registerChain(app, 2);
    const order = await payPickupOrder(app, buyer, sku, shenzhen.id, 'pickup-race');
    const attempts = await Promise.all(Array.from({ length: 10 }, () => call(app, 'POST', '/api/store/redemptions', { token: staff.token, body: { code: order.pickup.code } })));
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 409).every((a) => a.body.code === 'PICKUP_ALREADY_REDEEMED')).toBe(true);
    expect(attempts.filter((a) => a.status === 409)).toHaveLength(9);
  });
});
