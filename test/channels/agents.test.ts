import { afterAll, beforeAll, expect, it } from 'vitest';
import { regionalDifferentials } from '../../src/modules/agents/differential.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

it('differentials: province 10 %, city 7 %, district 4 % pay 3 %, 3 %, 4 %', () => {
  const shares = regionalDifferentials([
    { memberId: 3, rateBp: 400 },
    { memberId: 2, rateBp: 700 },
    { memberId: 1, rateBp: 1_000 },
  ]);
  expect(shares).toEqual([
    { memberId: 3, level: 1, differentialBp: 400 },
    { memberId: 2, level: 2, differentialBp: 300 },
    { memberId: 1, level: 3, differentialBp: 300 },
  ]);
  // without a district agent the city earns its whole rate
  expect(regionalDifferentials([{ memberId: 2, rateBp: 700 }, { memberId: 1, rateBp: 1_000 }]).map((s) => s.differentialBp)).toEqual([700, 300]);
});

describeEachDatabase('regional agents earn tier differentials on orders in their region', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let agents: Record<'province' | 'city' | 'district', RegisteredMember>;
  let ids: Record<'province' | 'city' | 'district', number>;
  let skuId: number;
  const term = { termStart: '2026-01-01T00:00:00+08:00', termEnd: '2027-01-01T00:00:00+08:00' };
  const address = (regionCode: string) => ({ name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号', regionCode });

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    agents = { province: await register(app), city: await register(app), district: await register(app) };
    const province = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: agents.province.id, regionCode: '440000', rateBp: 1_000, ...term } });
    const city = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: agents.city.id, regionCode: '440300', parentAgentId: province.body.id, rateBp: 700, ...term } });
    const district = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: agents.district.id, regionCode: '440305', parentAgentId: city.body.id, rateBp: 400, ...term } });
    expect([province.status, city.status, district.status]).toEqual([201, 201, 201]);
    ids = { province: province.body.id, city: city.body.id, district: district.body.id };
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  async function pendingOf(m: RegisteredMember) {
    return (await call(app, 'GET', '/api/me/commission/summary', { token: m.token })).body.pendingFen as number;
  }

  it('pays 4 %, 3 %, 3 % on a ¥100 order shipped to the district, and reverses them with a refund', async () => {
    const buyer = await register(app);
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: 'agent-order-1', shippingAddress: address('440305') } });
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    expect([await pendingOf(agents.district), await pendingOf(agents.city), await pendingOf(agents.province)]).toEqual([400, 300, 300]);

    const support = await hqMember(app, 'support');
    const lineId = order.body.lines[0].id;
    await call(app, 'POST', `/api/admin/orders/${order.body.id}/refunds`, { token: support.token, body: { lines: [{ lineId, amountFen: 10_000 }], reason: '全部退款', idempotencyKey: 'agent-refund-1' } });
    expect([await pendingOf(agents.district), await pendingOf(agents.city), await pendingOf(agents.province)]).toEqual([0, 0, 0]);
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token })).body.ok).toBe(true);
  });

  it('pays only the covering agents: another city of the province pays the province its whole rate', async () => {
    const buyer = await register(app);
    const before = await pendingOf(agents.province);
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: 'agent-order-2', shippingAddress: address('440106') } });
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    expect((await pendingOf(agents.province)) - before).toBe(1_000);
    // an order with no address pays no agent
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await pendingOf(agents.province)) - before).toBe(1_000);
  });

  it('refuses a child rate above its parent, a parent rate below a child, a second agent for a region, and a region outside the parent', async () => {
    const extra = await register(app);
    const above = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: extra.id, regionCode: '440304', parentAgentId: ids.city, rateBp: 800, ...term } });
    expect(above.body.code).toBe('AGENT_RATE_ABOVE_PARENT');
    const below = await call(app, 'POST', `/api/admin/agents/${ids.city}/rate`, { token: owner.token, body: { rateBp: 300 } });
    expect(below.body.code).toBe('AGENT_RATE_BELOW_CHILD');
    const taken = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: extra.id, regionCode: '440305', parentAgentId: ids.city, rateBp: 300, ...term } });
    expect(taken.body.code).toBe('REGION_TAKEN');
    const outside = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: extra.id, regionCode: '110105', parentAgentId: ids.city, rateBp: 300, ...term } });
    expect(outside.body.code).toBe('AGENT_PARENT_INVALID');
    const operator = await hqMember(app, 'finance');
    expect((await call(app, 'POST', `/api/admin/agents/${ids.city}/rate`, { token: operator.token, body: { rateBp: 600 } })).status).toBe(403);
  });

  it('stops paying an agent whose term has ended', async () => {
    app.clock.advanceDays(400);
    const buyer = await register(app);
    const before = await pendingOf(agents.district);
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: 'agent-order-3', shippingAddress: address('440305') } });
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    expect(await pendingOf(agents.district)).toBe(before);
  });
});
