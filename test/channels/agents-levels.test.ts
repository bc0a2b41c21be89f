// Non-regional agents with levels (sales award, referral award), terms, and yearly targets by quarter.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { quarterBounds, splitYearly } from '../../src/modules/agents/targets.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

it('splits a yearly target evenly by largest remainder and bounds quarters at Shanghai midnight', () => {
  expect(splitYearly(1_000_003)).toEqual([250_001, 250_001, 250_001, 250_000]);
  expect(splitYearly(0)).toEqual([0, 0, 0, 0]);
  const bounds = quarterBounds(2027);
  expect(bounds[0].toISOString()).toBe('2026-12-31T16:00:00.000Z');
  expect(bounds[1].toISOString()).toBe('2027-03-31T16:00:00.000Z');
  expect(bounds[4].toISOString()).toBe('2027-12-31T16:00:00.000Z');
});

describeEachDatabase('non-regional agents: levels, sales and referral awards, terms, targets', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let skuId: number;
  let gold: { id: number };
  const term = { termStart: '2026-01-01T00:00:00+08:00', termEnd: '2028-01-01T00:00:00+08:00' };

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
    const level = await call(app, 'POST', '/api/admin/agent-levels', { token: owner.token, body: { name: '金牌代理', salesAwardBp: 500, referralAwardFen: 8_800, complianceOverride: { reason: '测试：推荐现金奖经法务审核' } } });
    // a cash referral award pays for recruiting alone: only under a compliance override (test/compliance/guard.test.ts)
    expect(level.status).toBe(201);
    gold = level.body;
  });
  afterAll(async () => app?.close());

  const agentEarnings = async (m: RegisteredMember) => (await call(app, 'GET', '/api/agent/earnings', { token: m.token })).body;
  const appoint = (memberId: number, body: Record<string, unknown> = {}) =>
    call(app, 'POST', '/api/admin/agents/non-regional', { token: owner.token, body: { memberId, levelId: gold.id, ...term, ...body } });
  async function reconciled() {
    const rec = await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(rec.body.ok, JSON.stringify(rec.body)).toBe(true);
  }

  it('pays the nearest agent up the chain its level rate, the buyer included, and reverses it with a refund', async () => {
    const [a, b, c] = await registerChain(app, 3);
    const appointedA = await appoint(a.id);
    expect(appointedA.status).toBe(201);
    expect(appointedA.body).toMatchObject({ kind: 'non_regional', levelName: '金牌代理', state: 'active', referralAward: null });

    await buyAndPay(app, c, [{ skuId, quantity: 1 }]);
    expect((await agentEarnings(a)).summary.pendingFen).toBe(500);

    // B becomes an agent below A: A earns the referral award, once; B is now C's nearest agent
    const appointedB = await appoint(b.id);
    expect(appointedB.body.referralAward).toEqual({ earnerId: a.id, amountFen: 8_800, points: 0 });
    expect((await appoint(b.id)).body.code).toBe('AGENT_EXISTS');
    await call(app, 'POST', `/api/admin/agents/${appointedB.body.id}/level`, { token: owner.token, body: { levelId: gold.id } });
    const earningsA = await agentEarnings(a);
    expect(earningsA.referralAwards).toHaveLength(1);
    expect(earningsA.summary.referralAwardFen).toBe(8_800);

    const order = await buyAndPay(app, c, [{ skuId, quantity: 2 }]);
    expect((await agentEarnings(b)).summary.pendingFen).toBe(1_000);
    expect((await agentEarnings(a)).summary.pendingFen).toBe(500);
    // an agent's own purchase pays its own sales award
    await buyAndPay(app, b, [{ skuId, quantity: 1 }]);
    expect((await agentEarnings(b)).summary.pendingFen).toBe(1_500);

    const refund = await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: support.token, body: { lines: [{ lineId: order.lines[0].id, amountFen: 5_000 }], reason: '退一件', idempotencyKey: 'agent-sales-refund-1' } });
    expect(refund.status).toBe(201);
    // a quarter of the ¥200 line is refunded: a quarter of its ¥10 award goes back
    expect((await agentEarnings(b)).summary.pendingFen).toBe(1_250);
    const items = (await agentEarnings(b)).items;
    expect(items.find((e: { orderId: number }) => e.orderId === order.id)).toMatchObject({ kind: 'agent_sales', amountFen: 1_000, reversedFen: 250, rateBp: 500 });

    // B's orders: the two that paid it a sales award, net of the refund
    const orders = (await call(app, 'GET', '/api/agent/orders', { token: b.token })).body.items;
    expect(orders.map((o: { id: number }) => o.id)).toContain(order.id);
    expect(orders.find((o: { id: number }) => o.id === order.id)).toMatchObject({ goodsPaidFen: 20_000, refundedFen: 5_000, awardFen: 750 });
    await reconciled();
  });

  it("shows agents their own agency only, as the 'agent' party; others get 404 and HQ screens stay closed", async () => {
    const [a] = await registerChain(app, 1);
    const outsider = await register(app);
    await appoint(a.id);
    const me = await call(app, 'GET', '/api/me', { token: a.token });
    expect(me.body.parties).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'agent' })]));
    expect((await call(app, 'GET', '/api/agent/me', { token: a.token })).body).toMatchObject({ memberId: a.id, state: 'active' });
    for (const path of ['/api/agent/me', '/api/agent/earnings', '/api/agent/orders', '/api/agent/targets']) {
      const res = await call(app, 'GET', path, { token: outsider.token });
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'AGENT_NOT_FOUND']);
    }
    expect((await call(app, 'GET', '/api/admin/agents', { token: a.token })).status).toBe(403);
    expect((await call(app, 'POST', '/api/admin/agent-levels', { token: a.token, body: { name: 'x', salesAwardBp: 1, referralAwardFen: 0 } })).status).toBe(403);
    const bad = await call(app, 'POST', '/api/admin/agent-levels', { token: owner.token, body: { name: '金牌代理', salesAwardBp: 100, referralAwardFen: 0 } });
    expect(bad.body.code).toBe('AGENT_LEVEL_NAME_TAKEN');
    const badTerm = await appoint((await register(app)).id, { termStart: '2027-01-01T00:00:00Z', termEnd: '2026-01-01T00:00:00Z' });
    expect(badTerm.body.code).toBe('AGENT_TERM_INVALID');
  });

  it('counts target progress by Shanghai quarter across a year boundary, net of refunds', async () => {
    const [agentMember, buyer] = await registerChain(app, 2);
    const agent = (await appoint(agentMember.id)).body;
    const regionalMember = await register(app);
    const regional = await call(app, 'POST', '/api/admin/agents', { token: owner.token, body: { memberId: regionalMember.id, regionCode: '440300', rateBp: 300, ...term } });
    expect(regional.status).toBe(201);

    const even = await call(app, 'PUT', `/api/admin/agents/${agent.id}/targets/2027`, { token: owner.token, body: { yearFen: 1_000_003 } });
    expect(even.body.quarters.map((q: { targetFen: number }) => q.targetFen)).toEqual([250_001, 250_001, 250_001, 250_000]);
    const set = await call(app, 'PUT', `/api/admin/agents/${regional.body.id}/targets/2027`, { token: owner.token, body: { quartersFen: [40_000, 50_000, 60_000, 70_000] } });
    expect(set.status).toBe(200);
    expect((await call(app, 'PUT', `/api/admin/agents/${agent.id}/targets/2027`, { token: owner.token, body: { quartersFen: [1, 2, 3] } })).status).toBe(400);
    expect((await call(app, 'PUT', `/api/admin/agents/${agent.id}/targets/2027`, { token: owner.token, body: { yearFen: -5 } })).status).toBe(400);

    // 23:30 on 31 December in Shanghai: still 2026 Q4; an hour later: 2027 Q1
    const address = { name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号', regionCode: '440305' };
    const buyShipped = async (key: string, quantity: number) => {
      const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity }], checkoutKey: key, shippingAddress: address } });
      const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
      await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
      return order.body;
    };
    app.clock.advanceMs(new Date('2026-12-31T15:30:00Z').getTime() - app.clock.now().getTime());
    await buyShipped('target-dec', 1);
    app.clock.advanceMs(3_600_000);
    const january = await buyShipped('target-jan', 3);
    await call(app, 'POST', `/api/admin/orders/${january.id}/refunds`, { token: support.token, body: { lines: [{ lineId: january.lines[0].id, amountFen: 10_000 }], reason: '退一件', idempotencyKey: 'target-refund-jan' } });

    const regional2026 = (await call(app, 'GET', `/api/admin/agents/${regional.body.id}/targets?year=2026`, { token: owner.token })).body;
    expect(regional2026.quarters.map((q: { achievedFen: number }) => q.achievedFen)).toEqual([0, 0, 0, 10_000]);
    expect(regional2026.hasTarget).toBe(false);
    const regional2027 = (await call(app, 'GET', `/api/agent/targets?year=2027`, { token: regionalMember.token })).body;
    expect(regional2027.quarters[0]).toMatchObject({ quarter: 1, targetFen: 40_000, achievedFen: 20_000, progressPermille: 500 });
    expect(regional2027).toMatchObject({ targetFen: 220_000, achievedFen: 20_000, progressPermille: 90, years: [2027] });

    // the non-regional agent: orders that paid it a sales award (the same two orders)
    const own = (await call(app, 'GET', '/api/agent/targets', { token: agentMember.token })).body;
    expect(own.year).toBe(2027);
    expect(own.quarters[0]).toMatchObject({ targetFen: 250_001, achievedFen: 20_000, progressPermille: 79 });
    const own2026 = (await call(app, 'GET', '/api/agent/targets?year=2026', { token: agentMember.token })).body;
    expect(own2026.achievedFen).toBe(10_000);
    // another agent's targets are not reachable from the agent's pages (no id to forge), nor HQ's
    expect((await call(app, 'GET', `/api/admin/agents/${regional.body.id}/targets`, { token: agentMember.token })).status).toBe(403);
    await reconciled();
  });

  it('pays nothing outside a term: an upcoming agent is passed over, an expired one earns no award and shows as expired', async () => {
    const [top, middle, buyer] = await registerChain(app, 3);
    const topAgent = (await appoint(top.id)).body;
    const later = new Date(app.clock.now().getTime() + 30 * 86_400_000).toISOString();
    const middleAgent = await appoint(middle.id, { termStart: later, termEnd: '2029-01-01T00:00:00Z' });
    expect(middleAgent.body.state).toBe('upcoming');
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await agentEarnings(middle)).summary.pendingFen).toBe(0);
    expect((await agentEarnings(top)).summary.pendingFen).toBe(500);

    // the top agent's term ends: no sales award, no referral award, state expired
    await call(app, 'POST', `/api/admin/agents/${topAgent.id}/term`, { token: owner.token, body: { termStart: '2026-01-01T00:00:00Z', termEnd: new Date(app.clock.now().getTime() - 1000).toISOString() } });
    expect((await call(app, 'GET', `/api/admin/agents/${topAgent.id}`, { token: owner.token })).body.state).toBe('expired');
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await agentEarnings(top)).summary.pendingFen).toBe(500);
    const newcomer = await register(app, { inviteCode: top.inviteCode });
    expect((await appoint(newcomer.id)).body.referralAward).toBeNull();
    // only the award for the middle agent, appointed while the top agent was in term
    expect((await agentEarnings(top)).referralAwards.map((r: { appointedAgentId: number }) => r.appointedAgentId)).toEqual([middleAgent.body.id]);
    const audit = await app.services.db.selectFrom('audit_log').select(['action']).where('target_type', '=', 'agent').where('target_id', '=', String(topAgent.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['agent.create', 'agent.term']));
    await reconciled();
  });
});
