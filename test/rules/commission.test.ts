// Rule 5: commission — levels 1–3 (more only with a logged compliance override), base = line paid
// after discount without shipping, tier rates, product/SKU overrides (rate or fixed × quantity),
// non-distributors skipped, self-purchase, rule versions, dry run = real payment, the cap.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, checkout, countRows, currentRules, expectReconciled, payDev, refund, setRules } from '../support/rules-kit.js';

const BASE: RuleConfigInput = {
  commission: { levels: 3, tierRatesBp: { '1': [1000, 500, 300] }, capBp: 3000, selfPurchase: false, freezeDays: 7 },
  binding: { trigger: 'registration' },
  distributor: { mode: 'automatic' },
  order: { shippingFen: 0, fullReduction: [] },
};

type Earning = { earnerId: number; level: number; amountFen: number; baseFen: number; rateBp: number | null; orderLineId: number };

describeEachDatabase('rule 5: commission', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let auditor: RegisteredMember;
  let support: RegisteredMember;
  let c: RegisteredMember[]; // c[0] top … c[4] bottom
  let sku10k: number;
  let productP: { id: number; skus: Array<{ id: number }> };
  let sku6k: number;
  let sku4k: number;

  const rules = (overrides: RuleConfigInput) => setRules(app, owner, overrides, BASE);
  const earnings = async (orderId: number) => (await adminOrder(app, owner.token, orderId)).earnings as Earning[];
  const byLevel = (list: Earning[]) => Object.fromEntries(list.map((e) => [e.level, [e.earnerId, e.amountFen]]));

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    auditor = await hqMember(app, 'auditor');
    support = await hqMember(app, 'support');
    c = await registerChain(app, 5);
    sku10k = (await createProduct(app, owner, [{ priceFen: 10_000 }], '普通商品')).skus[0].id;
    productP = await createProduct(app, owner, [{ priceFen: 3_000 }, { priceFen: 2_000 }], '特价商品');
    [sku6k, sku4k] = (await createProduct(app, owner, [{ priceFen: 6_000 }, { priceFen: 4_000 }], '满减商品')).skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  it('levels are configurable from 1 to 3', async () => {
    const [, c1, c2, c3, buyer] = c;
    for (const levels of [3, 2, 1]) {
      await rules({ commission: { levels } });
      const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
      const expected = [[c3.id, 1000], [c2.id, 500], [c1.id, 300]].slice(0, levels);
      expect(byLevel(await earnings(order.id))).toEqual(Object.fromEntries(expected.map((e, i) => [i + 1, e])));
    }
  });

  it('more than 3 levels is refused without a compliance override (422), accepted with one and audited', async () => {
    const versionsBefore = await countRows(app, 'rule_versions');
    const currentBefore = (await currentRules(app, owner.token)).current.id;
    const refused = await call(app, 'PUT', '/api/admin/rules', { token: owner.token, body: { config: { ...BASE, commission: { ...BASE.commission, levels: 4, tierRatesBp: { '1': [1000, 500, 300, 200] } } } } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('COMPLIANCE_OVERRIDE_REQUIRED');
    const shortReason = await call(app, 'PUT', '/api/admin/rules', {
      token: owner.token,
      body: { config: { ...BASE, commission: { ...BASE.commission, levels: 4, complianceOverride: { reason: 'short' } } } },
    });
    expect(shortReason.status).toBe(422);
    expect(await countRows(app, 'rule_versions')).toBe(versionsBefore);
    expect((await currentRules(app, owner.token)).current.id).toBe(currentBefore);

    const reason = '法务已审核：四级仅用于内部员工激励试点';
    const v = await rules({ commission: { levels: 4, tierRatesBp: { '1': [1000, 500, 300, 200] }, complianceOverride: { reason } } });
    const audit = await auditLog(app, auditor.token, { action: 'rules.compliance_override' });
    expect(audit[0]).toMatchObject({ action: 'rules.compliance_override', actorId: owner.id, targetId: String(v), reason, after: { levels: 4 } });

    const [c0, c1, c2, c3, buyer] = c;
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(order.id))).toEqual({ 1: [c3.id, 1000], 2: [c2.id, 500], 3: [c1.id, 300], 4: [c0.id, 200] });
    await rules({});
  });

  it('the base is what the line paid after the full-reduction discount, shipping excluded', async () => {
    await rules({ order: { shippingFen: 800, fullReduction: [{ thresholdFen: 10_000, offFen: 1_000 }, { thresholdFen: 20_000, offFen: 3_000 }] } });
    const [, c1, c2, c3, buyer] = c;
    const order = await buyAndPay(app, buyer, [
      { skuId: sku6k, quantity: 1 },
      { skuId: sku4k, quantity: 1 },
    ]);
    expect(order.payableFen).toBe(10_000 - 1_000 + 800);
    expect(order.lines.map((l: any) => l.paidFen)).toEqual([5_400, 3_600]);
    const list = await earnings(order.id);
    const line = (i: number) => list.filter((e) => e.orderLineId === order.lines[i].id).sort((x, y) => x.level - y.level).map((e) => [e.earnerId, e.baseFen, e.amountFen]);
    expect(line(0)).toEqual([[c3.id, 5_400, 540], [c2.id, 5_400, 270], [c1.id, 5_400, 162]]);
    expect(line(1)).toEqual([[c3.id, 3_600, 360], [c2.id, 3_600, 180], [c1.id, 3_600, 108]]);

    // the best tier reached applies: 24 000 of goods → 3 000 off
    const big = await buyAndPay(app, buyer, [
      { skuId: sku6k, quantity: 2 },
      { skuId: sku4k, quantity: 3 },
    ]);
    expect(big.lines.map((l: any) => l.paidFen)).toEqual([12_000 - 1_500, 12_000 - 1_500]);
    const l1 = (await earnings(big.id)).filter((e) => e.level === 1).reduce((s, e) => s + e.amountFen, 0);
    expect(l1).toBe(2_100);
  });

  it("rates follow the earner's tier (set via POST /api/admin/members/:id/tier)", async () => {
    const tier = await call(app, 'PUT', '/api/admin/tiers/2', { token: operator.token, body: { name: '金牌推客', rank: 2 } });
    expect(tier.status).toBe(204);
    await rules({ commission: { tierRatesBp: { '1': [1000, 500, 300], '2': [2000, 800, 400] } } });
    const [, c1, c2, c3, buyer] = c;
    const setTier = (m: RegisteredMember, tierId: number) => call(app, 'POST', `/api/admin/members/${m.id}/tier`, { token: operator.token, body: { tierId, reason: '月度升级' } });
    expect((await setTier(c3, 2)).status).toBe(204);
    const o1 = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(o1.id))).toEqual({ 1: [c3.id, 2000], 2: [c2.id, 500], 3: [c1.id, 300] });

    expect((await setTier(c3, 1)).status).toBe(204);
    expect((await setTier(c2, 2)).status).toBe(204);
    const o2 = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(o2.id))).toEqual({ 1: [c3.id, 1000], 2: [c2.id, 800], 3: [c1.id, 300] });
    expect((await setTier(c2, 1)).status).toBe(204);

    const missing = await setTier(c2, 99);
    expect(missing.status).toBe(422);
    const audit = await auditLog(app, auditor.token, { action: 'distributor.tier', targetId: String(c2.id) });
    expect(audit[0]).toMatchObject({ actorId: operator.id, before: { tierId: 2 }, after: { tierId: 1 }, reason: '月度升级' });
  });

  it('per-product and per-SKU overrides pay a rate or a fixed amount × quantity; the SKU override wins', async () => {
    const [skuA, skuB] = productP.skus.map((s) => s.id);
    await rules({
      commission: {
        productOverrides: { [String(productP.id)]: { mode: 'rate', ratesBp: [1500, 700, 0] } },
        skuOverrides: { [String(skuA)]: { mode: 'fixed', amountsFen: [200, 100, 50] } },
      },
    });
    const [, c1, c2, c3, buyer] = c;
    const order = await buyAndPay(app, buyer, [
      { skuId: skuA, quantity: 3 },
      { skuId: skuB, quantity: 2 },
      { skuId: sku10k, quantity: 1 },
    ]);
    const list = await earnings(order.id);
    const line = (i: number) => list.filter((e) => e.orderLineId === order.lines[i].id).sort((x, y) => x.level - y.level).map((e) => [e.earnerId, e.rateBp, e.amountFen]);
    expect(line(0)).toEqual([[c3.id, null, 600], [c2.id, null, 300], [c1.id, null, 150]]);
    expect(line(1)).toEqual([[c3.id, 1500, 600], [c2.id, 700, 280]]); // level 3 at 0 bp pays nothing
    expect(line(2)).toEqual([[c3.id, 1000, 1000], [c2.id, 500, 500], [c1.id, 300, 300]]);
  });

  it('non-distributors are skipped: the next active distributors up the chain earn', async () => {
    await rules({});
    const [c0, c1, c2, c3, buyer] = c;
    const setStatus = (m: RegisteredMember, status: string) =>
      call(app, 'POST', `/api/admin/members/${m.id}/distributor-status`, { token: operator.token, body: { status, reason: '测试' } });
    expect((await setStatus(c3, 'none')).status).toBe(204);
    expect((await setStatus(c1, 'disabled')).status).toBe(204);
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(order.id))).toEqual({ 1: [c2.id, 1000], 2: [c0.id, 500] });
    expect((await setStatus(c3, 'active')).status).toBe(204);
    expect((await setStatus(c1, 'active')).status).toBe(204);
  });

  it('self-purchase: when on, a buying distributor is their own level 1', async () => {
    const [, c1, c2, c3, buyer] = c;
    await rules({ commission: { selfPurchase: true } });
    const on = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(on.id))).toEqual({ 1: [buyer.id, 1000], 2: [c3.id, 500], 3: [c2.id, 300] });
    await rules({ commission: { selfPurchase: false } });
    const off = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(off.id))).toEqual({ 1: [c3.id, 1000], 2: [c2.id, 500], 3: [c1.id, 300] });
    // a buyer who is not a distributor is skipped even under self-purchase
    await rules({ commission: { selfPurchase: true } });
    const plain = await register(app, { inviteCode: buyer.inviteCode });
    await call(app, 'POST', `/api/admin/members/${plain.id}/distributor-status`, { token: operator.token, body: { status: 'none', reason: '测试' } });
    const p = await buyAndPay(app, plain, [{ skuId: sku10k, quantity: 1 }]);
    expect(byLevel(await earnings(p.id))).toEqual({ 1: [buyer.id, 1000], 2: [c3.id, 500], 3: [c2.id, 300] });
  });

  it('an order pays by the rule version in force when it was paid, and records it', async () => {
    const [, c1, c2, c3, buyer] = c;
    const v1 = await rules({ commission: { tierRatesBp: { '1': [1000, 500, 300] } } });
    const paidUnderV1 = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const checkedOutUnderV1 = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const v2 = await rules({ commission: { tierRatesBp: { '1': [2000, 600, 300] } } });
    expect(v2).toBeGreaterThan(v1);

    const o1 = await adminOrder(app, owner.token, paidUnderV1.id);
    expect(o1.ruleVersionId).toBe(v1);
    expect(o1.earnings.every((e) => e.ruleVersionId === v1)).toBe(true);
    expect(byLevel(o1.earnings)).toEqual({ 1: [c3.id, 1000], 2: [c2.id, 500], 3: [c1.id, 300] });

    await payDev(app, buyer, checkedOutUnderV1.id);
    const o2 = await adminOrder(app, owner.token, checkedOutUnderV1.id);
    expect(o2.ruleVersionId).toBe(v2);
    expect(byLevel(o2.earnings)).toEqual({ 1: [c3.id, 2000], 2: [c2.id, 600], 3: [c1.id, 300] });

    // a refund after the change reverses the old version's amounts
    expect((await refund(app, support, paidUnderV1.id, [{ lineId: paidUnderV1.lines[0].id, amountFen: 5_000 }])).status).toBe(201);
    expect((await adminOrder(app, owner.token, paidUnderV1.id)).earnings.map((e) => e.reversedFen).sort((a, b) => a - b)).toEqual([150, 250, 500]);
  });

  it('the dry run equals what the real payment then pays', async () => {
    const [skuA, skuB] = productP.skus.map((s) => s.id);
    await call(app, 'PUT', '/api/admin/tiers/2', { token: operator.token, body: { name: '金牌推客', rank: 2 } });
    await call(app, 'POST', `/api/admin/members/${c[2].id}/tier`, { token: operator.token, body: { tierId: 2, reason: '试算' } });
    const version = await rules({
      commission: {
        capBp: 1_700,
        selfPurchase: true,
        tierRatesBp: { '1': [1000, 500, 300], '2': [1800, 900, 450] },
        productOverrides: { [String(productP.id)]: { mode: 'rate', ratesBp: [1300, 650, 125] } },
        skuOverrides: { [String(skuA)]: { mode: 'fixed', amountsFen: [333, 111, 77] } },
      },
      order: { shippingFen: 700, fullReduction: [{ thresholdFen: 15_000, offFen: 1_999 }] },
    });
    const buyer = c[4];
    const items = [
      { skuId: skuA, quantity: 3 },
      { skuId: skuB, quantity: 2 },
      { skuId: sku10k, quantity: 1 },
      { skuId: sku6k, quantity: 1 },
    ];
    const dry = await call(app, 'POST', '/api/admin/commission/dry-run', { token: auditor.token, body: { buyerId: buyer.id, items } });
    expect(dry.status).toBe(200);
    expect(dry.body.ruleVersionId).toBe(version);
    const order = await buyAndPay(app, buyer, items);
    const real = await adminOrder(app, owner.token, order.id);
    expect(real.ruleVersionId).toBe(version);
    const lineIndex = new Map(real.lines.map((l, i) => [l.id, i]));
    const norm = (list: Array<{ earnerId: number; level: number; amountFen: number; baseFen: number; rateBp: number | null; lineIndex: number }>) =>
      list.map((e) => `${e.lineIndex}:${e.level}:${e.earnerId}:${e.baseFen}:${e.rateBp}:${e.amountFen}`).sort();
    expect(norm(dry.body.earnings)).toEqual(norm(real.earnings.map((e) => ({ ...e, lineIndex: lineIndex.get(e.orderLineId)! }))));
    expect(dry.body.totalCommissionFen).toBe(real.earnings.reduce((s, e) => s + e.amountFen, 0));
    expect(dry.body.quote.payableFen).toBe(order.payableFen);
    expect(dry.body.totalCommissionFen).toBeLessThanOrEqual(Math.floor((order.payableFen - 700) * 1_700 / 10_000));
    await call(app, 'POST', `/api/admin/members/${c[2].id}/tier`, { token: operator.token, body: { tierId: 1, reason: '复原' } });
  });

  it('the cap scales earnings so the total never exceeds capBp of the goods paid', async () => {
    const [, c1, c2, c3, buyer] = c;
    await rules({ commission: { capBp: 1_500 } }); // 1 000 + 500 + 300 = 1 800 > 1 500
    const scaled = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const s = await earnings(scaled.id);
    expect(byLevel(s)).toEqual({ 1: [c3.id, 833], 2: [c2.id, 416], 3: [c1.id, 250] });
    expect(s.reduce((t, e) => t + e.amountFen, 0)).toBeLessThanOrEqual(1_500);

    await rules({ commission: { capBp: 3_000, skuOverrides: { [String(sku10k)]: { mode: 'fixed', amountsFen: [3_000, 3_000, 3_000] } } } });
    const fixed = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const f = await earnings(fixed.id);
    expect(f.map((e) => e.amountFen)).toEqual([1_000, 1_000, 1_000]);

    await rules({ commission: { capBp: 0 } });
    const none = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect(await earnings(none.id)).toEqual([]);
    await rules({});
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
