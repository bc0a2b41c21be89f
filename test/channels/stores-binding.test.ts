// Store region protection: a customer binds to one store (first pickup or QR scan) and no other
// store claims them (no 撞单); HQ rebinds with a reason; staff may be distributors; store pages are scoped.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('stores: customer binding and region protection', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let nanshan: { id: number };
  let nanshanWest: { id: number };
  let staffA: RegisteredMember;
  let staffB: RegisteredMember;
  let skuId: number;
  let orderCounter = 0;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    // two stores in the same district
    nanshan = (await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '南山店', regionCode: '440305', address: '科技园', latitude: 22.54, longitude: 113.95 } })).body;
    nanshanWest = (await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '南山西店', regionCode: '440305', address: '蛇口', latitude: 22.49, longitude: 113.91 } })).body;
    staffA = await register(app, { nickname: '南山店员' });
    staffB = await register(app, { nickname: '西店店员' });
    await call(app, 'POST', `/api/admin/stores/${nanshan.id}/staff`, { token: owner.token, body: { memberId: staffA.id, role: 'manager' } });
    await call(app, 'POST', `/api/admin/stores/${nanshanWest.id}/staff`, { token: owner.token, body: { memberId: staffB.id } });
    skuId = (await createProduct(app, owner, [{ priceFen: 3_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  async function pickup(buyer: RegisteredMember, storeId: number) {
    orderCounter += 1;
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `store-binding-${orderCounter}`, pickupStoreId: storeId } });
    if (order.status !== 201) throw new Error(JSON.stringify(order.body));
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    return (await call(app, 'GET', `/api/orders/${order.body.id}`, { token: buyer.token })).body;
  }
  const summary = async (staff: RegisteredMember, storeId: number) => (await call(app, 'GET', `/api/store/${storeId}/summary`, { token: staff.token })).body;
  const customerIds = async (staff: RegisteredMember, storeId: number) => (await call(app, 'GET', `/api/store/${storeId}/customers`, { token: staff.token })).body.items.map((c: { memberId: number }) => c.memberId);
  async function reconciled() {
    const rec = await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(rec.body.ok, JSON.stringify(rec.body)).toBe(true);
  }

  it('binds a customer on the first pickup; later pickups at another store of the region stay credited to the first (no 撞单)', async () => {
    const buyer = await register(app);
    await pickup(buyer, nanshan.id);
    expect((await call(app, 'GET', '/api/me/store', { token: buyer.token })).body.store).toMatchObject({ storeId: nanshan.id, source: 'pickup' });

    // scanning the other store's code claims nothing
    const scan = await call(app, 'POST', `/api/stores/${nanshanWest.id}/bind`, { token: buyer.token });
    expect(scan.body).toEqual({ storeId: nanshan.id, newlyBound: false, claimed: false });

    // picked up (and redeemed) at the other store, credited to the bound one
    const elsewhere = await pickup(buyer, nanshanWest.id);
    const redeemed = await call(app, 'POST', '/api/store/redemptions', { token: staffB.token, body: { code: elsewhere.pickup.code } });
    expect(redeemed.status).toBe(200);
    const westOrders = (await call(app, 'GET', `/api/store/${nanshanWest.id}/orders`, { token: staffB.token })).body.items;
    expect(westOrders.find((o: { id: number }) => o.id === elsewhere.id)).toMatchObject({ creditedStoreId: nanshan.id, pickupStoreId: nanshanWest.id });
    const homeOrders = (await call(app, 'GET', `/api/store/${nanshan.id}/orders`, { token: staffA.token })).body.items;
    expect(homeOrders.filter((o: { creditedStoreId: number }) => o.creditedStoreId === nanshan.id)).toHaveLength(2);

    expect(await summary(staffA, nanshan.id)).toMatchObject({ boundCustomers: 1, creditedOrders: 2, creditedNetFen: 6_000 });
    expect(await summary(staffB, nanshanWest.id)).toMatchObject({ boundCustomers: 0, creditedOrders: 0, pickupsRedeemed: 1 });
    expect(await customerIds(staffA, nanshan.id)).toEqual([buyer.id]);
    expect(await customerIds(staffB, nanshanWest.id)).toEqual([]);
    await reconciled();
  });

  it('binds by scanning a store QR code, and the first pickup elsewhere does not move the customer', async () => {
    const buyer = await register(app);
    const scan = await call(app, 'POST', `/api/stores/${nanshanWest.id}/bind`, { token: buyer.token });
    expect(scan.body).toEqual({ storeId: nanshanWest.id, newlyBound: true, claimed: true });
    expect((await call(app, 'POST', `/api/stores/${nanshanWest.id}/bind`, { token: buyer.token })).body.newlyBound).toBe(false);
    const order = await pickup(buyer, nanshan.id);
    const westOrders = (await call(app, 'GET', `/api/store/${nanshanWest.id}/orders`, { token: staffB.token })).body.items;
    expect(westOrders.find((o: { id: number }) => o.id === order.id)).toMatchObject({ creditedStoreId: nanshanWest.id, pickupStoreId: nanshan.id });
    expect(await customerIds(staffB, nanshanWest.id)).toContain(buyer.id);
    expect((await call(app, 'POST', '/api/stores/999999/bind', { token: buyer.token })).status).toBe(404);
  });

  it('lets HQ rebind a customer with a reason, audited, and credits later orders to the new store', async () => {
    const buyer = await register(app);
    await pickup(buyer, nanshan.id);
    const finance = await hqMember(app, 'finance');
    expect((await call(app, 'POST', `/api/admin/store-customers/${buyer.id}/rebind`, { token: finance.token, body: { storeId: nanshanWest.id, reason: '顾客搬家' } })).status).toBe(403);
    expect((await call(app, 'POST', `/api/admin/store-customers/${buyer.id}/rebind`, { token: operator.token, body: { storeId: nanshanWest.id } })).status).toBe(400);
    expect((await call(app, 'POST', `/api/admin/store-customers/${buyer.id}/rebind`, { token: operator.token, body: { storeId: nanshan.id, reason: '不变' } })).body.code).toBe('STORE_BINDING_UNCHANGED');
    const moved = await call(app, 'POST', `/api/admin/store-customers/${buyer.id}/rebind`, { token: operator.token, body: { storeId: nanshanWest.id, reason: '顾客搬家' } });
    expect(moved.body).toEqual({ memberId: buyer.id, storeId: nanshanWest.id, previousStoreId: nanshan.id });
    const binding = (await call(app, 'GET', `/api/admin/store-customers/${buyer.id}`, { token: owner.token })).body;
    expect(binding.store).toMatchObject({ storeId: nanshanWest.id, source: 'hq' });
    expect(binding.history.map((h: { source: string; reason: string | null }) => [h.source, h.reason])).toEqual([['pickup', null], ['hq', '顾客搬家']]);
    const audit = await app.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'store.customer.rebind').where('target_id', '=', String(buyer.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: operator.id, reason: '顾客搬家' });

    const order = await pickup(buyer, nanshan.id);
    const westOrders = (await call(app, 'GET', `/api/admin/stores/${nanshanWest.id}/orders`, { token: owner.token })).body.items;
    expect(westOrders.find((o: { id: number }) => o.id === order.id)).toMatchObject({ creditedStoreId: nanshanWest.id });
  });

  it('lets store staff be distributors: a staff member earns commission on a friend’s pickup and still redeems it', async () => {
    const friend = await register(app, { inviteCode: staffA.inviteCode });
    const order = await pickup(friend, nanshan.id);
    expect((await call(app, 'GET', '/api/me/commission/summary', { token: staffA.token })).body.pendingFen).toBeGreaterThan(0);
    expect((await call(app, 'POST', '/api/store/redemptions', { token: staffA.token, body: { code: order.pickup.code } })).status).toBe(200);
    expect((await call(app, 'GET', '/api/me/commission/summary', { token: staffA.token })).body.frozenFen).toBeGreaterThan(0);
    await reconciled();
  });

  it("scopes the store party's pages to the caller's own stores", async () => {
    const me = await call(app, 'GET', '/api/me', { token: staffA.token });
    expect(me.body.parties).toEqual(expect.arrayContaining([{ kind: 'store', id: nanshan.id, name: '南山店' }]));
    const outsider = await register(app);
    for (const path of ['summary', 'orders', 'customers']) {
      expect((await call(app, 'GET', `/api/store/${nanshanWest.id}/${path}`, { token: staffA.token })).body.code).toBe('STORE_NOT_FOUND');
      expect((await call(app, 'GET', `/api/store/${nanshan.id}/${path}`, { token: outsider.token })).status).toBe(404);
    }
    // staff see customers' phones masked
    const customers = (await call(app, 'GET', `/api/store/${nanshan.id}/customers`, { token: staffA.token })).body.items;
    expect(customers.every((c: { phone: string }) => c.phone.includes('*'))).toBe(true);
    expect((await call(app, 'GET', `/api/admin/stores/${nanshan.id}/customers`, { token: staffA.token })).status).toBe(403);
  });
});
