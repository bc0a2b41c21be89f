// Races on the real server (PostgreSQL, a pool of 30): a dealer's virtual stock never goes
// negative and every unit is accounted for while sales, restocks and cancellations hit one SKU.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled, key, summary } from '../support/rules-kit.js';

describeOnPostgres('dealer stock under concurrent sales and restocks', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let upper: RegisteredMember;
  let lower: RegisteredMember;
  let ids: { upper: number; lower: number };
  let skuId: number;

  const restock = (m: RegisteredMember, quantity: number, clientKey = key('rs')) => call(app, 'POST', '/api/dealer/restocks', { token: m.token, body: { items: [{ skuId, quantity }], clientKey } });
  const confirm = (restockId: number) => call(app, 'POST', `/api/admin/dealer-restocks/${restockId}/confirm-payment`, { token: finance.token, body: { paymentRef: `BANK-${restockId}` } });
  const onHand = async (dealerId: number) =>
    (await app.services.db.selectFrom('dealer_stock').select('quantity').where('dealer_id', '=', dealerId).where('sku_id', '=', skuId).executeTakeFirst())?.quantity ?? 0;
  const moves = async (dealerId: number) => {
    const rows = await sql<{ reason: string; units: number }>`select reason, sum(delta) as units from dealer_stock_moves where dealer_id = ${dealerId} and sku_id = ${skuId} group by reason`.execute(app.services.db);
    return Object.fromEntries(rows.rows.map((r) => [r.reason, Number(r.units)])) as Record<string, number>;
  };

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 30 });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 10_000 }])).skus[0].id;
    const tierA = await call(app, 'POST', '/api/admin/dealer-tiers', { token: owner.token, body: { name: 'A', discountBp: 4_000, rewardMode: 'price_difference' } });
    const tierB = await call(app, 'POST', '/api/admin/dealer-tiers', { token: owner.token, body: { name: 'B', discountBp: 2_000, rewardMode: 'rebate', rebateBp: 300 } });
    upper = await register(app);
    lower = await register(app);
    const u = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: upper.id, shopName: '上级', tierId: tierA.body.id } });
    const l = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: lower.id, shopName: '下级', tierId: tierB.body.id, upperDealerId: u.body.id } });
    ids = { upper: u.body.id, lower: l.body.id };
    const first = await restock(upper, 20);
    expect((await confirm(first.body.id)).status).toBe(200);
  });
  afterAll(async () => app?.close());

  it('sales, lower restocks, HQ restock confirmations and cancellations at once: never negative, every unit accounted for', async () => {
    const buyers = await Promise.all(Array.from({ length: 30 }, () => register(app)));
    // orders placed before the race, cancelled during it: their units come back
    const early = [];
    for (const buyer of buyers.slice(0, 4)) {
      const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('early'), dealerShopId: ids.upper } });
      expect(order.status).toBe(201);
      early.push({ buyer, orderId: order.body.id as number });
    }
    // HQ restocks of the upper dealer, confirmed during the race
    const hqRestocks = [];
    for (let i = 0; i < 5; i++) hqRestocks.push((await restock(upper, 3)).body.id as number);
    const before = await onHand(ids.upper);
    expect(before).toBe(16);

    const sales = buyers.map((buyer, i) =>
      call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 + (i % 2) }], checkoutKey: key('race'), dealerShopId: ids.upper } }).then((r) => ({ r, units: 1 + (i % 2) })),
    );
    const lowerRestocks = Array.from({ length: 10 }, () => restock(lower, 2).then((r) => ({ r, units: 2 })));
    const confirmations = hqRestocks.map((id) => confirm(id));
    const cancellations = early.map((e) => call(app, 'POST', `/api/orders/${e.orderId}/cancel`, { token: e.buyer.token }));
    const [saleResults, restockResults, confirmResults, cancelResults] = await Promise.all([Promise.all(sales), Promise.all(lowerRestocks), Promise.all(confirmations), Promise.all(cancellations)]);

    for (const { r } of [...saleResults, ...restockResults]) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.code).toBe('DEALER_STOCK_SHORT');
    }
    expect(confirmResults.every((r) => r.status === 200)).toBe(true);
    expect(cancelResults.every((r) => r.status === 200)).toBe(true);
    const sold = saleResults.filter((s) => s.r.status === 201).reduce((sum, s) => sum + s.units, 0);
    const handedDown = restockResults.filter((s) => s.r.status === 201).reduce((sum, s) => sum + s.units, 0);
    // demand (45 + 20 units) exceeded supply (16 + 15 + 4): some were refused, none oversold
    expect(saleResults.some((s) => s.r.status === 409) || restockResults.some((s) => s.r.status === 409)).toBe(true);

    const after = await onHand(ids.upper);
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBe(before + 5 * 3 + early.length - sold - handedDown);
    const m = await moves(ids.upper);
    // restocked − sold − handed down + returned = on hand
    expect(Object.values(m).reduce((a, b) => a + b, 0)).toBe(after);
    expect(m.restock_in).toBe(20 + 5 * 3);
    expect(m.sale_returned).toBe(early.length);
    expect(-m.sale).toBe(sold + early.length);
    expect(-(m.restock_out ?? 0)).toBe(handedDown);
    await expectReconciled(app, owner.token);
  });

  it('concurrent replays of one restock key make one restock and hold its units once', async () => {
    await confirm((await restock(upper, 2)).body.id);
    const before = await onHand(ids.upper);
    const needed = 2;
    const results = await Promise.all(Array.from({ length: 20 }, () => restock(lower, needed, 'lower-replayed-key')));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const rows = await app.services.db.selectFrom('dealer_restocks').select('id').where('client_key', '=', 'lower-replayed-key').execute();
    expect(rows).toHaveLength(1);
    expect(await onHand(ids.upper)).toBe(before - needed);

    // and twenty simultaneous confirmations credit it and settle the upper once
    const upperBefore = await summary(app, upper);
    const lowerBefore = await onHand(ids.lower);
    const confirmations = await Promise.all(Array.from({ length: 20 }, () => confirm(rows[0].id)));
    expect(confirmations.every((r) => r.status === 200)).toBe(true);
    expect(confirmations.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await onHand(ids.lower)).toBe(lowerBefore + needed);
    // per unit: the upper's cost (¥60) and the price difference to the lower's ¥80 (tier A pays differences)
    expect((await summary(app, upper)).availableFen - upperBefore.availableFen).toBe(needed * 8_000);
    await expectReconciled(app, owner.token);
  });
});
