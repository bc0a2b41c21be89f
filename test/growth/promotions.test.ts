import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memberPriceDiscounts, priceCoupon } from '../../src/modules/promotions/pricing.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, checkout, confirmReceipt, expectReconciled, key, refund, setRules, summary } from '../support/rules-kit.js';

it('coupon and member-price splits are whole fen, add up, and never exceed a line', () => {
  const line = fc.record({ productId: fc.integer({ min: 1, max: 3 }), unitPriceFen: fc.integer({ min: 1, max: 100_000 }), quantity: fc.integer({ min: 1, max: 5 }), preDiscount: fc.integer({ min: 0, max: 100 }) });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9_999 }), fc.integer({ min: 1, max: 50_000 }), fc.boolean(), (raw, rateBp, offFen, percent) => {
      const lines = raw.map((l, i) => {
        const gross = l.unitPriceFen * l.quantity;
        const discountFen = Math.floor((gross * l.preDiscount) / 100);
        return { skuId: i + 1, productId: l.productId, title: '', quantity: l.quantity, unitPriceFen: l.unitPriceFen, discountFen, paidFen: gross - discountFen };
      });
      const quote = { lines, goodsFen: 0, discountFen: 0, shippingFen: 0, payableFen: 0 };
      const terms = { kind: percent ? ('percent' as const) : ('fixed' as const), offFen: percent ? null : offFen, rateBp: percent ? rateBp : null, maxOffFen: null, minSpendFen: 0, productIds: [1, 2] };
      const { eligibleFen, offFen: off, shares } = priceCoupon(quote, terms);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(off);
      expect(off).toBeLessThanOrEqual(eligibleFen);
      shares.forEach((share, i) => {
        expect(Number.isSafeInteger(share) && share >= 0 && share <= lines[i].paidFen).toBe(true);
        if (lines[i].productId === 3) expect(share).toBe(0);
      });
      memberPriceDiscounts(quote, 10_000 - rateBp).forEach((d, i) => expect(d >= 0 && d <= lines[i].paidFen).toBe(true));
    }),
  );
});

const RULES = { commission: { tierRatesBp: { '1': [1_000, 500, 300] }, freezeDays: 7 } };

describeEachDatabase('promotions: coupons, guide commission and member levels', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let support: RegisteredMember;
  let auditor: RegisteredMember;
  let skuA: number; // ¥100.00
  let skuB: number; // ¥33.33
  let productB: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: RULES });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    support = await hqMember(app, 'support');
    auditor = await hqMember(app, 'auditor');
    skuA = (await createProduct(app, owner, [{ priceFen: 10_000 }], '商品A')).skus[0].id;
    const b = await createProduct(app, owner, [{ priceFen: 3_333 }], '商品B');
    skuB = b.skus[0].id;
    productB = b.id;
  });
  afterAll(async () => app?.close());

  async function template(body: Record<string, unknown>) {
    const res = await call(app, 'POST', '/api/admin/coupon-templates', { token: operator.token, body: { name: '测试券', totalQuantity: 100, perMemberLimit: 5, validDays: 30, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number };
  }
  async function claim(m: RegisteredMember, templateId: number, sharerInviteCode?: string) {
    const res = await call(app, 'POST', `/api/coupon-templates/${templateId}/claim`, { token: m.token, body: sharerInviteCode ? { sharerInviteCode } : {} });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; sharerId: number | null; validUntil: string };
  }
  function quote(m: RegisteredMember, items: Array<{ skuId: number; quantity: number }>, couponId?: number) {
    return call(app, 'POST', '/api/orders/quote', { token: m.token, body: { items, couponId } });
  }
  async function myCoupons(m: RegisteredMember, status: 'usable' | 'used' | 'expired') {
    return (await call(app, 'GET', `/api/me/coupons?status=${status}`, { token: m.token })).body.items as Array<{ id: number; status: string; discountFen: number | null; orderId: number | null }>;
  }

  it('refuses bad templates and non-operators, creating nothing', async () => {
    const bad = [
      { kind: 'fixed' },
      { kind: 'percent', rateBp: 0 },
      { kind: 'percent', rateBp: 1_000, offFen: 100 },
      { kind: 'threshold', offFen: 1_000, minSpendFen: 1_000 },
      { kind: 'fixed', offFen: 100, validDays: null },
      { kind: 'fixed', offFen: 100, validFrom: '2026-12-01T00:00:00Z', validUntil: '2026-11-01T00:00:00Z', validDays: null },
      { kind: 'fixed', offFen: 100, validFrom: '2026-11-01T00:00:00Z', validUntil: '2026-12-01T00:00:00Z' },
      { kind: 'fixed', offFen: 100, maxOffFen: 50 },
      { kind: 'fixed', offFen: 100, productIds: [999_999] },
    ];
    for (const body of bad) {
      const res = await call(app, 'POST', '/api/admin/coupon-templates', { token: operator.token, body: { name: '坏券', totalQuantity: 10, perMemberLimit: 1, validDays: 7, ...body } });
      expect([400, 422], JSON.stringify(body)).toContain(res.status);
      expect(res.body.code).toBeTruthy();
    }
    const forbidden = await call(app, 'POST', '/api/admin/coupon-templates', { token: auditor.token, body: { name: '券', kind: 'fixed', offFen: 100, totalQuantity: 1, perMemberLimit: 1, validDays: 1 } });
    expect(forbidden.status).toBe(403);
    const list = await call(app, 'GET', '/api/admin/coupon-templates', { token: auditor.token });
    expect(list.body.items.filter((t: { name: string }) => t.name === '坏券' || t.name === '券')).toEqual([]);
  });

  it('fixed coupon: claimed within the per-member limit, split over the lines, commission base after the coupon', async () => {
    const [upline, buyer] = await registerChain(app, 2);
    const t = await template({ name: '立减10元', kind: 'fixed', offFen: 1_000, perMemberLimit: 2, totalQuantity: 5 });
    const first = await claim(buyer, t.id);
    await claim(buyer, t.id);
    const third = await call(app, 'POST', `/api/coupon-templates/${t.id}/claim`, { token: buyer.token, body: {} });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('COUPON_LIMIT_REACHED');

    const items = [{ skuId: skuA, quantity: 1 }, { skuId: skuB, quantity: 1 }];
    const priced = await quote(buyer, items, first.id);
    expect(priced.status).toBe(200);
    // 1000 over 10000 : 3333 → 750.01 and 249.98 → 750 and 250 by largest remainder
    expect(priced.body.lines.map((l: { discountFen: number }) => l.discountFen)).toEqual([750, 250]);
    expect(priced.body).toMatchObject({ goodsFen: 13_333, discountFen: 1_000, payableFen: 12_333 });

    const applicable = await call(app, 'POST', '/api/me/coupons/applicable', { token: buyer.token, body: { items } });
    expect(applicable.body.items[0]).toMatchObject({ usable: true, discountFen: 1_000 });

    const order = await buyAndPay(app, buyer, items, { couponId: first.id });
    expect(order.lines.map((l: { paidFen: number }) => l.paidFen)).toEqual([9_250, 3_083]);
    expect(order.paidFen).toBe(12_333);
    const earnings = (await adminOrder(app, owner.token, order.id)).earnings.filter((e) => e.earnerId === upline.id).sort((a, b) => a.orderLineId - b.orderLineId);
    expect(earnings.map((e) => [e.baseFen, e.amountFen])).toEqual([[9_250, 925], [3_083, 308]]);

    expect((await myCoupons(buyer, 'used')).map((c) => [c.id, c.orderId, c.discountFen])).toEqual([[first.id, order.id, 1_000]]);
    expect((await myCoupons(buyer, 'usable')).length).toBe(1);
    const again = await quote(buyer, items, first.id);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('COUPON_NOT_USABLE');

    const listed = (await call(app, 'GET', '/api/admin/coupon-templates', { token: owner.token })).body.items.find((x: { id: number }) => x.id === t.id);
    expect(listed).toMatchObject({ issuedCount: 2, usedCount: 1, usedDiscountFen: 1_000, totalQuantity: 5 });
    expect((await auditLog(app, owner.token, { action: 'coupon_template.create' })).some((a) => a.targetId === String(t.id))).toBe(true);
    await expectReconciled(app, owner.token);
  });

  it('percent coupon takes its rate off, capped; threshold coupon needs its minimum on the eligible goods; scope limits lines', async () => {
    const buyer = await register(app);
    const percent = await template({ name: '8折券', kind: 'percent', rateBp: 2_000, maxOffFen: 1_500 });
    const p1 = await claim(buyer, percent.id);
    expect((await quote(buyer, [{ skuId: skuA, quantity: 1 }], p1.id)).body.discountFen).toBe(1_500);
    expect((await quote(buyer, [{ skuId: skuB, quantity: 1 }], p1.id)).body.discountFen).toBe(666);

    const threshold = await template({ name: '满200减30', kind: 'threshold', minSpendFen: 20_000, offFen: 3_000 });
    const th = await claim(buyer, threshold.id);
    const short = await quote(buyer, [{ skuId: skuA, quantity: 1 }], th.id);
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('COUPON_THRESHOLD_NOT_MET');
    expect((await quote(buyer, [{ skuId: skuA, quantity: 2 }], th.id)).body.discountFen).toBe(3_000);

    const scoped = await template({ name: 'B专用券', kind: 'fixed', offFen: 500, productIds: [productB] });
    const sc = await claim(buyer, scoped.id);
    const outOfScope = await quote(buyer, [{ skuId: skuA, quantity: 1 }], sc.id);
    expect(outOfScope.status).toBe(422);
    expect(outOfScope.body.code).toBe('COUPON_NOT_APPLICABLE');
    const mixed = await quote(buyer, [{ skuId: skuA, quantity: 1 }, { skuId: skuB, quantity: 1 }], sc.id);
    expect(mixed.body.lines.map((l: { discountFen: number }) => l.discountFen)).toEqual([0, 500]);
    // a scoped threshold counts only the goods in scope
    const scopedThreshold = await template({ name: 'B满100减10', kind: 'threshold', minSpendFen: 10_000, offFen: 1_000, productIds: [productB] });
    const st = await claim(buyer, scopedThreshold.id);
    expect((await quote(buyer, [{ skuId: skuA, quantity: 1 }, { skuId: skuB, quantity: 1 }], st.id)).body.code).toBe('COUPON_THRESHOLD_NOT_MET');
    expect((await quote(buyer, [{ skuId: skuB, quantity: 4 }], st.id)).body.discountFen).toBe(1_000);

    const applicable = (await call(app, 'POST', '/api/me/coupons/applicable', { token: buyer.token, body: { items: [{ skuId: skuA, quantity: 1 }] } })).body.items;
    expect(applicable.find((c: { id: number }) => c.id === th.id)).toMatchObject({ usable: false, reason: 'COUPON_THRESHOLD_NOT_MET', discountFen: 0 });
    expect(applicable[0]).toMatchObject({ id: p1.id, usable: true, discountFen: 1_500 });
  });

  it('validity, stopped and sold-out templates, and someone else’s coupon are refused with clear codes', async () => {
    const buyer = await register(app);
    const other = await register(app);
    const later = await template({ name: '下月券', kind: 'fixed', offFen: 100, validDays: null, validFrom: '2026-12-01T00:00:00+08:00', validUntil: '2026-12-31T00:00:00+08:00' });
    const early = await claim(buyer, later.id);
    const notYet = await quote(buyer, [{ skuId: skuA, quantity: 1 }], early.id);
    expect([notYet.status, notYet.body.code]).toEqual([422, 'COUPON_NOT_USABLE']);

    const short = await template({ name: '1天券', kind: 'fixed', offFen: 100, validDays: 1 });
    const c = await claim(buyer, short.id);
    const foreign = await quote(other, [{ skuId: skuA, quantity: 1 }], c.id);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'COUPON_NOT_FOUND']);
    app.clock.advanceDays(2);
    const expired = await quote(buyer, [{ skuId: skuA, quantity: 1 }], c.id);
    expect([expired.status, expired.body.code]).toEqual([422, 'COUPON_NOT_USABLE']);
    expect((await myCoupons(buyer, 'expired')).map((x) => x.id)).toContain(c.id);
    expect((await myCoupons(buyer, 'usable')).map((x) => x.id)).not.toContain(c.id);
    const ordersBefore = (await call(app, 'GET', '/api/orders', { token: buyer.token })).body.items.length;
    const refused = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: skuA, quantity: 1 }], checkoutKey: key('co'), couponId: c.id } });
    expect(refused.status).toBe(422);
    expect((await call(app, 'GET', '/api/orders', { token: buyer.token })).body.items.length).toBe(ordersBefore);

    const stopped = await template({ name: '停发券', kind: 'fixed', offFen: 100 });
    const held = await claim(buyer, stopped.id);
    expect((await call(app, 'POST', `/api/admin/coupon-templates/${stopped.id}/status`, { token: operator.token, body: { status: 'stopped' } })).body.status).toBe('stopped');
    const afterStop = await call(app, 'POST', `/api/coupon-templates/${stopped.id}/claim`, { token: other.token, body: {} });
    expect([afterStop.status, afterStop.body.code]).toEqual([422, 'COUPON_TEMPLATE_STOPPED']);
    // coupons already claimed stay usable
    expect((await quote(buyer, [{ skuId: skuA, quantity: 1 }], held.id)).body.discountFen).toBe(100);
    expect((await call(app, 'GET', '/api/coupon-templates', { token: other.token })).body.items.map((x: { id: number }) => x.id)).not.toContain(stopped.id);

    const single = await template({ name: '限量1张', kind: 'fixed', offFen: 100, totalQuantity: 1 });
    await claim(buyer, single.id);
    const soldOut = await call(app, 'POST', `/api/coupon-templates/${single.id}/claim`, { token: other.token, body: {} });
    expect([soldOut.status, soldOut.body.code]).toEqual([409, 'COUPON_SOLD_OUT']);
  });

  it('a cancelled order gives its coupon back while valid; past its end it stays spent', async () => {
    const buyer = await register(app);
    const t = await template({ name: '可退券', kind: 'fixed', offFen: 500, validDays: 3 });
    const c = await claim(buyer, t.id);
    const order = await checkout(app, buyer, [{ skuId: skuA, quantity: 1 }], { couponId: c.id } as never);
    expect(order.payableFen).toBe(9_500);
    const second = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: skuA, quantity: 1 }], checkoutKey: key('co'), couponId: c.id } });
    expect([second.status, second.body.code]).toEqual([422, 'COUPON_NOT_USABLE']);
    expect((await call(app, 'POST', `/api/orders/${order.id}/cancel`, { token: buyer.token })).status).toBe(200);
    expect((await myCoupons(buyer, 'usable')).map((x) => x.id)).toContain(c.id);

    const again = await checkout(app, buyer, [{ skuId: skuA, quantity: 1 }], { couponId: c.id } as never);
    app.clock.advanceDays(4);
    await call(app, 'POST', `/api/orders/${again.id}/cancel`, { token: buyer.token });
    expect((await myCoupons(buyer, 'expired')).map((x) => [x.id, x.status])).toEqual([[c.id, 'void']]);
  });

  it('a coupon shared by a distributor pays the sharer guide commission on the paid lines, reversed by refunds', async () => {
    const [upline, buyer] = await registerChain(app, 2);
    const sharer = await register(app, { nickname: '导购' });
    const t = await template({ name: '导购券', kind: 'fixed', offFen: 1_000, guideRateBp: 500 });
    const link = await call(app, 'GET', `/api/me/coupon-templates/${t.id}/share-link`, { token: sharer.token });
    expect(link.status).toBe(200);
    expect(link.body.path).toBe(`/coupons/claim/${t.id}?sharer=${sharer.inviteCode}`);
    const c = await claim(buyer, t.id, sharer.inviteCode);
    expect(c.sharerId).toBe(sharer.id);
    // a member's own link records no sharer
    expect((await claim(sharer, t.id, sharer.inviteCode)).sharerId).toBeNull();

    const order = await buyAndPay(app, buyer, [{ skuId: skuA, quantity: 2 }], { couponId: c.id });
    expect(order.lines[0].paidFen).toBe(19_000);
    const earnings = (await adminOrder(app, owner.token, order.id)).earnings;
    expect(earnings.filter((e) => e.earnerId === sharer.id).map((e) => [e.level, e.baseFen, e.rateBp, e.amountFen])).toEqual([[1, 19_000, 500, 950]]);
    expect(earnings.filter((e) => e.earnerId === upline.id).map((e) => e.amountFen)).toEqual([1_900]);
    expect((await summary(app, sharer)).pendingFen).toBe(950);
    const shares = (await call(app, 'GET', '/api/me/coupon-shares', { token: sharer.token })).body;
    expect(shares).toMatchObject({ guideEarnedFen: 950, templates: [{ templateId: t.id, claims: 1, uses: 1 }] });

    const half = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 9_500 }]);
    expect(half.status).toBe(201);
    expect((await summary(app, sharer)).pendingFen).toBe(475);
    await confirmReceipt(app, buyer, order.id);
    expect((await summary(app, sharer)).frozenFen).toBe(475);
    await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 9_500 }]);
    expect((await summary(app, sharer)).frozenFen).toBe(0);
    await expectReconciled(app, owner.token);
  });

  it('member levels: growth from spending, member price before the coupon and after 满减, points taken back by refunds', async () => {
    const bad = await call(app, 'POST', '/api/admin/member-levels', { token: operator.token, body: { name: '坏', growthThreshold: 0, memberPriceBp: 500 } });
    expect(bad.status).toBe(400);
    const silver = await call(app, 'POST', '/api/admin/member-levels', { token: operator.token, body: { name: '银卡', growthThreshold: 100, memberPriceBp: 9_800 } });
    expect(silver.status).toBe(201);
    const gold = await call(app, 'POST', '/api/admin/member-levels', { token: operator.token, body: { name: '金卡', growthThreshold: 400, memberPriceBp: 9_000 } });
    expect(gold.status).toBe(201);
    const clash = await call(app, 'POST', '/api/admin/member-levels', { token: operator.token, body: { name: '铜卡', growthThreshold: 100, memberPriceBp: 9_900 } });
    expect([clash.status, clash.body.code]).toEqual([409, 'MEMBER_LEVEL_THRESHOLD_TAKEN']);
    expect((await call(app, 'POST', '/api/admin/member-levels', { token: auditor.token, body: { name: '铜卡', growthThreshold: 50, memberPriceBp: 9_900 } })).status).toBe(403);

    const [upline, buyer] = await registerChain(app, 2);
    const standing0 = (await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body;
    expect(standing0).toMatchObject({ growthPoints: 0, level: null, nextLevel: { name: '银卡' }, pointsToNext: 100 });
    await buyAndPay(app, buyer, [{ skuId: skuA, quantity: 1 }, { skuId: skuB, quantity: 1 }]);
    const standing1 = (await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body;
    // ¥133.33 of goods → 133 points
    expect(standing1).toMatchObject({ growthPoints: 133, level: { name: '银卡', memberPriceBp: 9_800 }, nextLevel: { name: '金卡' }, pointsToNext: 267 });

    await setRules(app, owner, { order: { fullReduction: [{ thresholdFen: 10_000, offFen: 500 }] } }, RULES);
    const t = await template({ name: '会员叠加券', kind: 'fixed', offFen: 1_000 });
    const c = await claim(buyer, t.id);
    const priced = await quote(buyer, [{ skuId: skuA, quantity: 1 }], c.id);
    // 满减 500, member price 2 % of 10000 = 200, then the coupon 1000
    expect(priced.body).toMatchObject({ goodsFen: 10_000, discountFen: 1_700, payableFen: 8_300 });
    const order = await buyAndPay(app, buyer, [{ skuId: skuA, quantity: 1 }], { couponId: c.id });
    expect(order.lines[0]).toMatchObject({ discountFen: 1_700, paidFen: 8_300 });
    expect((await adminOrder(app, owner.token, order.id)).earnings.filter((e) => e.earnerId === upline.id).map((e) => [e.baseFen, e.amountFen])).toEqual([[8_300, 830]]);
    expect((await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body.growthPoints).toBe(216);

    // refund 4150 of 8300: floor(83 × 4150 ÷ 8300) = 41 points back; the rest of it takes all 83
    await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 4_150 }]);
    expect((await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body.growthPoints).toBe(175);
    await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 4_150 }]);
    const after = (await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body;
    expect(after).toMatchObject({ growthPoints: 133, level: { name: '银卡' } });
    const history = (await call(app, 'GET', '/api/me/growth-events', { token: buyer.token })).body.items;
    expect(history.map((h: { points: number }) => h.points)).toEqual([-42, -41, 83, 133]);

    const levels = (await call(app, 'GET', '/api/admin/member-levels', { token: auditor.token })).body.items;
    expect(levels.map((l: { name: string }) => l.name)).toEqual(['银卡', '金卡']);
    expect(levels[0].members).toBeGreaterThanOrEqual(1);
    const edited = await call(app, 'PUT', `/api/admin/member-levels/${silver.body.id}`, { token: operator.token, body: { name: '银卡', growthThreshold: 200, memberPriceBp: 9_800 } });
    expect(edited.body.growthThreshold).toBe(200);
    expect((await call(app, 'GET', '/api/me/member-level', { token: buyer.token })).body.level).toBeNull();
    await setRules(app, owner, {}, RULES);
    await expectReconciled(app, owner.token);
  });
});
