// Value analytics on a hand-built scenario; every expected number is worked out below by hand.
//
// Timeline (Shanghai time; T0 = 2026-11-20 12:00, the test clock's start), product ¥100 a unit,
// default rules: bind at registration, everyone a distributor at once, 10 % / 5 % / 3 %, 7 freeze days.
//   T0      A and Y register (no link). Share-link views of A's link: visitor-b twice, visitor-e, visitor-x.
//   T0+1d   B registers with A's invite and visitor-b's key; C under B; X with visitor-x's key but no
//           invite (so X is unbound); C, signed in, opens A's link as visitor-c (a view, not a registration).
//   T0+2d   D registers under C.        (1) B pays ¥100; B confirms receipt.
//   T0+4d   (2) B pays ¥200, confirms.  (3) C pays ¥100.
//   T0+5d   (4) D pays ¥300.  (5) Y pays ¥100.  (6) X pays ¥100 via A's share link (a sharer).
//   T0+6d   (7) Y pays ¥100 as a pickup order.  Then ¥100 of (4) is refunded.
// Tree: A → B → C → D; X and Y unbound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { credit, key, withdraw } from '../support/rules-kit.js';
import { shareBp } from '../../src/modules/insights/service.js';

describe('shares in basis points', () => {
  it('rounds half up and is 0 of nothing', () => {
    expect(shareBp(2, 7)).toBe(2857);
    expect(shareBp(5, 7)).toBe(7143);
    expect(shareBp(1, 8)).toBe(1250);
    expect(shareBp(3, 0)).toBe(0);
  });
});

describeEachDatabase('insights: member value, trends, funnel, cycle times, channel figures', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let auditor: RegisteredMember;
  let support: RegisteredMember;
  const m = {} as Record<'A' | 'B' | 'C' | 'D' | 'X' | 'Y', RegisteredMember>;
  const get = (url: string, who: RegisteredMember = operator) => call(app, 'GET', url, { token: who.token });
  const visit = (inviteCode: string, visitorKey: string, token?: string) =>
    call(app, 'POST', '/api/referral/visits', { token, body: { inviteCode, visitorKey } }).then((res) => expect(res.status).toBe(200));

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    finance = await hqMember(app, 'finance');
    auditor = await hqMember(app, 'auditor');
    support = await hqMember(app, 'support');
    const product = await createProduct(app, owner, [{ priceFen: 10_000 }]);
    const sku = product.skus[0].id;
    const store = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '南山店', regionCode: '440305', address: '科技园 1 号', latitude: 22.54, longitude: 113.95 } });
    expect(store.status).toBe(201);

    // T0
    m.A = await register(app, { nickname: 'A' });
    m.Y = await register(app, { nickname: 'Y' });
    await visit(m.A.inviteCode, 'visitor-b-0001');
    await visit(m.A.inviteCode, 'visitor-b-0001');
    await visit(m.A.inviteCode, 'visitor-e-0001');
    await visit(m.A.inviteCode, 'visitor-x-0001');
    // T0+1d
    app.clock.advanceDays(1);
    m.B = await register(app, { nickname: 'B', inviteCode: m.A.inviteCode, visitorKey: 'visitor-b-0001' });
    m.C = await register(app, { nickname: 'C', inviteCode: m.B.inviteCode });
    m.X = await register(app, { nickname: 'X', visitorKey: 'visitor-x-0001' });
    await visit(m.A.inviteCode, 'visitor-c-0001', m.C.token);
    // T0+2d
    app.clock.advanceDays(1);
    m.D = await register(app, { nickname: 'D', inviteCode: m.C.inviteCode });
    const o1 = await buyAndPay(app, m.B, [{ skuId: sku, quantity: 1 }]);
    expect((await call(app, 'POST', `/api/orders/${o1.id}/confirm-receipt`, { token: m.B.token })).status).toBe(200);
    // T0+4d
    app.clock.advanceDays(2);
    const o2 = await buyAndPay(app, m.B, [{ skuId: sku, quantity: 2 }]);
    expect((await call(app, 'POST', `/api/orders/${o2.id}/confirm-receipt`, { token: m.B.token })).status).toBe(200);
    await buyAndPay(app, m.C, [{ skuId: sku, quantity: 1 }]);
    // T0+5d
    app.clock.advanceDays(1);
    const o4 = await buyAndPay(app, m.D, [{ skuId: sku, quantity: 3 }]);
    await buyAndPay(app, m.Y, [{ skuId: sku, quantity: 1 }]);
    await buyAndPay(app, m.X, [{ skuId: sku, quantity: 1 }], { sharerInviteCode: m.A.inviteCode });
    // T0+6d
    app.clock.advanceDays(1);
    const o7 = await buyAndPay(app, m.Y, [{ skuId: sku, quantity: 1 }], { pickupStoreId: store.body.id });
    expect(o7.deliveryMethod).toBe('pickup');
    const refund = await call(app, 'POST', `/api/admin/orders/${o4.id}/refunds`, {
      token: support.token,
      body: { lines: [{ lineId: o4.lines[0].id, amountFen: 10_000 }], reason: '退一件', idempotencyKey: key('refund') },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
  });
  afterAll(async () => app?.close());

  it('member value: own spend net of refunds, social value direct (depth 1) and indirect (depth ≥ 2)', async () => {
    // spend: A 0, B 100+200, C 100, D 300−100, X 100, Y 100+100 (yuan)
    // A: direct B 30 000; indirect C 10 000 + D 20 000.  B: direct C, indirect D.  C: direct D.
    const list = await get('/api/admin/insights/members?limit=3');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(6); // HQ staff are not members of the value list
    expect(list.body.items.map((r: any) => [r.nickname, r.lifetimeSpendFen, r.directSocialFen, r.indirectSocialFen, r.socialValueFen, r.teamSize, r.directCount])).toEqual([
      ['A', 0, 30_000, 30_000, 60_000, 3, 1],
      ['B', 30_000, 10_000, 20_000, 30_000, 2, 1],
      ['C', 10_000, 20_000, 0, 20_000, 1, 1],
    ]);
    // the operator sees phones masked
    expect(list.body.items[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);

    const bySpend = await get('/api/admin/insights/members?sort=lifetimeSpend&limit=10');
    // ties (D and Y at 20 000; C and X at 10 000) go by member id: Y registered before D, C before X
    expect(bySpend.body.items.map((r: any) => r.nickname)).toEqual(['B', 'Y', 'D', 'C', 'X', 'A']);
    const byIndirect = await get('/api/admin/insights/members?sort=indirect&limit=2');
    expect(byIndirect.body.items.map((r: any) => [r.nickname, r.indirectSocialFen])).toEqual([['A', 30_000], ['B', 20_000]]);
    const byTeam = await get('/api/admin/insights/members?sort=teamSize&order=asc&limit=2&offset=4');
    expect(byTeam.body.items.map((r: any) => [r.nickname, r.teamSize])).toEqual([['B', 2], ['A', 3]]);
    const pastEnd = await get('/api/admin/insights/members?offset=50');
    expect(pastEnd.body).toEqual({ total: 6, items: [] });

    const a = await get(`/api/admin/insights/members/${m.A.id}`, owner);
    expect(a.status).toBe(200);
    expect(a.body.phone).toBe(m.A.phone); // the owner sees it whole
    expect(a.body.byDepth).toEqual([
      { depth: 1, members: 1, buyers: 1, spendFen: 30_000 },
      { depth: 2, members: 1, buyers: 1, spendFen: 10_000 },
      { depth: 3, members: 1, buyers: 1, spendFen: 20_000 },
    ]);
    expect([a.body.directSocialFen, a.body.indirectSocialFen, a.body.socialValueFen, a.body.teamSize]).toEqual([30_000, 30_000, 60_000, 3]);
    const d = await get(`/api/admin/insights/members/${m.D.id}`);
    expect([d.body.paidFen, d.body.refundedFen, d.body.lifetimeSpendFen, d.body.orderCount, d.body.referrerId]).toEqual([30_000, 10_000, 20_000, 1, m.C.id]);
    const b = await get(`/api/admin/insights/members/${m.B.id}`);
    expect(b.body.journey.fanAt).toBe('2026-11-20T04:00:00.000Z');
    expect(b.body.journey.memberAt).toBe('2026-11-21T04:00:00.000Z');
    expect(b.body.journey.firstOrderAt).toBe('2026-11-22T04:00:00.000Z');
    expect((await get('/api/admin/insights/members/999999')).body.code).toBe('MEMBER_NOT_FOUND');
  });

  it('trends: first vs repeat and referral vs other by Shanghai day, with shares and repurchase rates', async () => {
    const res = await get('/api/admin/insights/trends?from=2026-11-20&to=2026-11-26');
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(7);
    const row = (date: string) => res.body.days.find((x: any) => x.date === date);
    const pick = (x: any) => [x.orders, x.firstOrders, x.repeatOrders, x.referralOrders, x.otherOrders];
    expect(pick(row('2026-11-20'))).toEqual([0, 0, 0, 0, 0]);
    expect(pick(row('2026-11-22'))).toEqual([1, 1, 0, 1, 0]); // B's first, B bound to A
    expect(pick(row('2026-11-24'))).toEqual([2, 1, 1, 2, 0]); // B's repeat, C's first
    expect(pick(row('2026-11-25'))).toEqual([3, 3, 0, 2, 1]); // D (bound), Y (unbound, no sharer), X (sharer A)
    expect(pick(row('2026-11-26'))).toEqual([1, 0, 1, 0, 1]); // Y's repeat
    expect(row('2026-11-24').repeatShareBp).toBe(5_000);
    expect(res.body.totals).toMatchObject({
      orders: 7,
      gmvFen: 100_000,
      firstOrders: 5,
      repeatOrders: 2,
      referralOrders: 5,
      otherOrders: 2,
      repeatOrReferralOrders: 6, // all but Y's first order
      repeatShareBp: 2_857,
      referralShareBp: 7_143,
      repeatOrReferralShareBp: 8_571,
    });
    // buyers B(2) C D X Y(2): 2 of 5 bought again
    expect(res.body.repurchase.range).toEqual({ buyers: 5, repeatBuyers: 2, rateBp: 4_000 });
    expect(res.body.repurchase.overall).toEqual({ buyers: 5, repeatBuyers: 2, rateBp: 4_000 });

    // a first order is first of all time, not of the range; the range rate counts only in-range orders
    const late = await get('/api/admin/insights/trends?from=2026-11-25&to=2026-11-26');
    expect([late.body.totals.orders, late.body.totals.firstOrders, late.body.totals.repeatOrders]).toEqual([4, 3, 1]);
    expect(late.body.repurchase.range).toEqual({ buyers: 3, repeatBuyers: 1, rateBp: 3_333 });
    expect(late.body.repurchase.overall.rateBp).toBe(4_000);
  });

  it('the funnel: distinct visitors → registrations through the link → first orders, as a cohort of the range', async () => {
    // views: visitor-b ×2, visitor-e, visitor-x (T0), visitor-c (C signed in, after registering)
    const all = await get('/api/admin/insights/funnel?from=2026-11-20&to=2026-11-26');
    expect(all.body).toMatchObject({ views: 5, visitors: 4, registrations: 2, firstOrders: 2, visitorToRegistrationBp: 5_000, registrationToFirstOrderBp: 10_000, visitorToFirstOrderBp: 5_000 });
    // X's first order (11-25) falls after this range's end
    const early = await get('/api/admin/insights/funnel?from=2026-11-20&to=2026-11-24');
    expect(early.body).toMatchObject({ visitors: 4, registrations: 2, firstOrders: 1, registrationToFirstOrderBp: 5_000 });
    const none = await get('/api/admin/insights/funnel?from=2026-11-22&to=2026-11-26');
    expect(none.body).toMatchObject({ views: 0, visitors: 0, registrations: 0, firstOrders: 0, visitorToRegistrationBp: 0 });
  });

  it('cycle times: median and p75 days between stages for the members registered in the range', async () => {
    const res = await get('/api/admin/insights/cycle-times?from=2026-11-20&to=2026-11-26');
    expect(res.body.cohortMembers).toBe(6);
    const span = (name: string) => res.body.spans.find((x: any) => x.span === name);
    // fan → member: B 1 (viewed T0, registered T0+1d), X 1, A C D Y 0 → [0,0,0,0,1,1]
    expect(span('fan_to_member')).toMatchObject({ members: 6, medianDays: 0, p75Days: 0.75 });
    // member → first order: B 1, C 3, D 3, X 4, A —, Y 5 → [1,3,3,4,5]; A never bought
    expect(span('member_to_first_order')).toMatchObject({ members: 5, medianDays: 3, p75Days: 4 });
    // fan → first order: B 2, C 3, D 3, X 5, Y 5 → [2,3,3,5,5]
    expect(span('fan_to_first_order')).toMatchObject({ members: 5, medianDays: 3, p75Days: 5 });
    // everyone became a distributor on registering (automatic mode)
    expect(span('member_to_distributor')).toMatchObject({ members: 6, medianDays: 0, p75Days: 0 });
    expect(span('first_order_to_distributor')).toMatchObject({ members: 0, medianDays: null, p75Days: null });

    const later = await get('/api/admin/insights/cycle-times?from=2026-11-22&to=2026-11-22');
    expect(later.body.cohortMembers).toBe(1); // D alone
    expect(later.body.spans.find((x: any) => x.span === 'member_to_first_order')).toMatchObject({ members: 1, medianDays: 3, p75Days: 3 });
  });

  it('per-mode figures and payables after a refund, a completion, an unfreeze and a withdrawal', async () => {
    // (1) A 1 000   (2) A 2 000   (3) B 1 000, A 500   (4) C 3 000, B 1 500, A 900; X and Y have no upline
    // refund ¥100 of ¥300 on (4) reverses a third: C 1 000, B 500, A 300
    // (1) and (2) completed at T0+2d / T0+4d freeze 7 days; at T0+10d (1) is available
    app.clock.advanceDays(4);
    expect((await call(app, 'POST', '/api/admin/jobs/unfreeze', { token: finance.token })).status).toBe(200);
    const po = await withdraw(app, m.A, 400);
    expect(po.status).toBe(201);
    await credit(app, finance, m.Y.id, 500); // an adjustment: available money that is no earning

    const res = await get('/api/admin/insights/channels', finance);
    expect(res.status).toBe(200);
    const distribution = res.body.modes.find((x: any) => x.kind === 'distribution');
    expect(distribution).toEqual({
      kind: 'distribution',
      orders: 4,
      earners: 3,
      baseFen: 70_000,
      earnedFen: 9_900,
      reversedFen: 1_800,
      netFen: 8_100,
      // pending: (3) 1 500 + (4) 3 600 after reversal; frozen: (2); available: (1), of which 400 was withdrawn
      payables: { pendingFen: 5_100, frozenFen: 2_000, availableFen: 1_000, availableUnwithdrawnFen: 600 },
    });
    expect(res.body.modes.map((x: any) => x.kind)).toEqual(['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate']);
    expect(res.body.modes.filter((x: any) => x.kind !== 'distribution').every((x: any) => x.earnedFen === 0 && x.payables.pendingFen === 0)).toBe(true);
    expect(res.body.payables).toEqual({
      pendingFen: 5_100,
      frozenFen: 2_000,
      availableUnwithdrawnFen: 1_100,
      otherAvailableFen: 500,
      withdrawingFen: 400,
      debtFen: 0,
      totalFen: 8_600,
      paidOutFen: 0,
    });
    // six express orders (¥900 paid, ¥100 refunded) and Y's pickup
    expect(res.body.delivery).toEqual({
      express: { orders: 6, gmvFen: 90_000, refundedFen: 10_000, netFen: 80_000 },
      pickup: { orders: 1, gmvFen: 10_000, refundedFen: 0, netFen: 10_000 },
    });
    // a range counts the flows of that range: (2), (3) and (4) — base 20 000 + 10 000 + 30 000,
    // earned 2 000 + 1 500 + 5 400
    const ranged = await get('/api/admin/insights/channels?from=2026-11-24&to=2026-11-25');
    expect(ranged.body.modes[0]).toMatchObject({ orders: 3, baseFen: 60_000, earnedFen: 8_900, reversedFen: 1_800 });
    expect(ranged.body.payables.pendingFen).toBe(5_100);
    expect(ranged.body.delivery.pickup.orders).toBe(0);

    expect((await get('/api/admin/reconciliation', owner)).body.ok).toBe(true);
  });

  it('exports the member value list and the trend as CSV', async () => {
    const members = await call(app, 'GET', '/api/admin/insights/members/export', { token: auditor.token });
    expect(members.status).toBe(200);
    const lines = String(members.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toContain('社交价值合计(元)');
    expect(lines[1]).toMatch(/^\d+,A,\d{3}\*{4}\d{4},active,.*,0,0\.00,300\.00,300\.00,600\.00,1,3$/);
    const trend = await call(app, 'GET', '/api/admin/insights/trends/export?from=2026-11-20&to=2026-11-26', { token: finance.token });
    const rows = String(trend.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows).toHaveLength(8);
    expect(rows.find((x) => x.startsWith('2026-11-24'))).toBe('2026-11-24,2,300.00,1,1,2,0,50.00,100.00,100.00');
  });

  it('is for owner, operator, finance and auditor only; bad ranges are 400 and change nothing', async () => {
    expect((await get('/api/admin/insights/channels', support)).status).toBe(403);
    expect((await get('/api/admin/insights/members', m.A)).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/insights/trends')).status).toBe(401);
    for (const who of [owner, operator, finance, auditor]) expect((await get('/api/admin/insights/funnel', who)).status).toBe(200);
    const reversed = await get('/api/admin/insights/trends?from=2026-11-26&to=2026-11-20');
    expect([reversed.status, reversed.body.code]).toEqual([400, 'RANGE_INVALID']);
    expect((await get('/api/admin/insights/trends?from=2026-02-30&to=2026-03-02')).body.code).toBe('RANGE_INVALID');
    expect((await get('/api/admin/insights/trends?from=2024-01-01&to=2026-01-01')).body.code).toBe('RANGE_TOO_LONG');
    expect((await get('/api/admin/insights/trends?from=yesterday')).status).toBe(400);
    expect((await get('/api/admin/insights/members?sort=phone')).status).toBe(400);
    // the default range is the 30 days up to today
    const defaults = await get('/api/admin/insights/trends');
    expect(defaults.body.days).toHaveLength(30);
  });
});
