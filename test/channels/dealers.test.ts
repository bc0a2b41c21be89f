import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upperDealerSettlement, dealerUnitPrice } from '../../src/modules/dealers/pricing.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, expectReconciled, key, refund, summary } from '../support/rules-kit.js';

it('dealer prices: a SKU price overrides the tier discount; the upper earns its cost back plus its reward', () => {
  const tier = { discountBp: 2_500, overrides: new Map([[7, 4_000]]) };
  expect(dealerUnitPrice(tier, 1, 10_000)).toBe(7_500);
  expect(dealerUnitPrice(tier, 7, 5_000)).toBe(4_000);
  // the discount rounds down, so the price rounds up: 33 − floor(33 × 25 %) = 33 − 8
  expect(dealerUnitPrice(tier, 1, 33)).toBe(25);
  const lines = [{ quantity: 4, unitPriceFen: 7_500, sourceUnitPriceFen: 6_000 }, { quantity: 1, unitPriceFen: 2_000, sourceUnitPriceFen: 2_500 }];
  // a lower price below the upper's pays no negative difference
  expect(upperDealerSettlement('price_difference', 0, lines)).toEqual({ costFen: 26_500, rewardFen: 6_000 });
  expect(upperDealerSettlement('rebate', 500, lines)).toEqual({ costFen: 26_500, rewardFen: 1_600 });
});

describeEachDatabase('order-dealers: tiers, restocks, virtual stock and shop sales', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let upper: RegisteredMember;
  let lower: RegisteredMember;
  let lowest: RegisteredMember;
  let ids: { upper: number; lower: number; lowest: number; provincial: number; city: number };
  let sku1: number;
  let sku2: number;

  const restock = (m: RegisteredMember, items: Array<{ skuId: number; quantity: number }>, clientKey = key('rs')) => call(app, 'POST', '/api/dealer/restocks', { token: m.token, body: { items, clientKey } });
  const confirm = (restockId: number, by = finance) => call(app, 'POST', `/api/admin/dealer-restocks/${restockId}/confirm-payment`, { token: by.token, body: { paymentRef: `BANK-${restockId}` } });
  const stockOf = async (m: RegisteredMember) => {
    const res = await call(app, 'GET', '/api/dealer/stock', { token: m.token });
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.items as Array<{ skuId: number; quantity: number }>).map((i) => [i.skuId, i.quantity])) as Record<number, number>;
  };
  const catalogSkuStock = async (skuId: number) => (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    const product = await createProduct(app, owner, [{ priceFen: 10_000, stock: 500 }, { priceFen: 5_000, stock: 500 }], '茶叶礼盒');
    [sku1, sku2] = product.skus.map((s) => s.id);
    const provincial = await call(app, 'POST', '/api/admin/dealer-tiers', { token: owner.token, body: { name: '省级订货商', discountBp: 4_000, rewardMode: 'price_difference' } });
    const city = await call(app, 'POST', '/api/admin/dealer-tiers', { token: owner.token, body: { name: '市级订货商', discountBp: 2_500, rewardMode: 'rebate', rebateBp: 500 } });
    expect([provincial.status, city.status]).toEqual([201, 201]);
    const override = await call(app, 'PUT', `/api/admin/dealer-tiers/${city.body.id}/prices/${sku2}`, { token: owner.token, body: { priceFen: 4_000 } });
    expect(override.status).toBe(200);
    upper = await register(app, { nickname: '省代' });
    lower = await register(app, { nickname: '市代' });
    lowest = await register(app, { nickname: '县代' });
    const u = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: upper.id, shopName: '华南茶行', tierId: provincial.body.id } });
    const l = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: lower.id, shopName: '深圳茶铺', tierId: city.body.id, upperDealerId: u.body.id } });
    const ll = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: lowest.id, shopName: '南山茶摊', tierId: city.body.id, upperDealerId: l.body.id } });
    expect([u.status, l.status, ll.status]).toEqual([201, 201, 201]);
    ids = { upper: u.body.id, lower: l.body.id, lowest: ll.body.id, provincial: provincial.body.id, city: city.body.id };
  });
  afterAll(async () => app?.close());

  it('prices restocks at the tier: discount off retail, or the per-SKU price', async () => {
    const catalog = async (m: RegisteredMember) => Object.fromEntries(((await call(app, 'GET', '/api/dealer/restock-catalog', { token: m.token })).body.items as Array<{ skuId: number; dealerPriceFen: number }>).map((i) => [i.skuId, i.dealerPriceFen]));
    expect(await catalog(upper)).toMatchObject({ [sku1]: 6_000, [sku2]: 3_000 });
    expect(await catalog(lower)).toMatchObject({ [sku1]: 7_500, [sku2]: 4_000 });
    const above = await call(app, 'PUT', `/api/admin/dealer-tiers/${ids.city}/prices/${sku2}`, { token: owner.token, body: { priceFen: 5_001 } });
    expect(above.body.code).toBe('DEALER_PRICE_ABOVE_RETAIL');
  });

  it('restocks from HQ idempotently; stock is credited once, when finance confirms the transfer', async () => {
    const first = await restock(upper, [{ skuId: sku1, quantity: 10 }, { skuId: sku2, quantity: 4 }], 'upper-restock-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'awaiting_payment', sourceDealerId: null, amountFen: 10 * 6_000 + 4 * 3_000 });
    const replay = await restock(upper, [{ skuId: sku2, quantity: 4 }, { skuId: sku1, quantity: 10 }], 'upper-restock-1');
    expect(replay.body.id).toBe(first.body.id);
    const misuse = await restock(upper, [{ skuId: sku1, quantity: 11 }], 'upper-restock-1');
    expect([misuse.status, misuse.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await stockOf(upper)).toEqual({});

    const hqStockBefore = await catalogSkuStock(sku1);
    const operator = await hqMember(app, 'operator');
    expect((await confirm(first.body.id, operator)).status).toBe(403);
    const paid = await confirm(first.body.id);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', duplicate: false, paymentRef: `BANK-${first.body.id}` });
    expect((await confirm(first.body.id)).body.duplicate).toBe(true);
    expect(await stockOf(upper)).toEqual({ [sku1]: 10, [sku2]: 4 });
    // HQ's physical stock leaves when a customer's order ships, not when a dealer restocks
    expect(await catalogSkuStock(sku1)).toBe(hqStockBefore);
    const audit = await auditLog(app, owner.token, { action: 'dealer.restock.confirm_payment' });
    expect(audit.some((e) => e.targetId === String(first.body.id))).toBe(true);
  });

  it("restocks from the upper dealer's stock: held at once, never below zero, and the upper is settled once", async () => {
    const short = await restock(lower, [{ skuId: sku1, quantity: 11 }]);
    expect([short.status, short.body.code]).toEqual([409, 'DEALER_STOCK_SHORT']);
    expect(await stockOf(upper)).toEqual({ [sku1]: 10, [sku2]: 4 });

    const before = await summary(app, upper);
    const r = await restock(lower, [{ skuId: sku1, quantity: 4 }]);
    expect(r.body).toMatchObject({ status: 'awaiting_payment', sourceDealerId: ids.upper, amountFen: 30_000 });
    expect((await stockOf(upper))[sku1]).toBe(6);
    expect(await stockOf(lower)).toEqual({});
    expect((await confirm(r.body.id)).body).toMatchObject({ status: 'paid', upperCostFen: 24_000, upperRewardFen: 6_000 });
    await confirm(r.body.id);
    expect(await stockOf(lower)).toEqual({ [sku1]: 4 });
    // its cost of the 4 units (4 × ¥60) and the price difference (4 × ¥15), each once
    expect((await summary(app, upper)).availableFen - before.availableFen).toBe(30_000);

    // the lower dealer's own lower dealer restocks from it: a 5 % rebate of ¥75
    const beforeLower = await summary(app, lower);
    const rr = await restock(lowest, [{ skuId: sku1, quantity: 1 }]);
    expect((await confirm(rr.body.id)).body).toMatchObject({ upperCostFen: 7_500, upperRewardFen: 375 });
    expect((await summary(app, lower)).availableFen - beforeLower.availableFen).toBe(7_875);
    await expectReconciled(app, owner.token);
  });

  it('a cancelled restock gives the held stock back and can no longer be paid', async () => {
    const r = await restock(lower, [{ skuId: sku2, quantity: 3 }]);
    expect((await stockOf(upper))[sku2]).toBe(1);
    const cancelled = await call(app, 'POST', `/api/dealer/restocks/${r.body.id}/cancel`, { token: lower.token });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call(app, 'POST', `/api/dealer/restocks/${r.body.id}/cancel`, { token: lower.token })).status).toBe(200);
    expect((await stockOf(upper))[sku2]).toBe(4);
    expect((await confirm(r.body.id)).body.code).toBe('RESTOCK_CANCELLED');
    // a dealer cannot cancel another dealer's restock
    const other = await restock(lower, [{ skuId: sku2, quantity: 1 }]);
    expect((await call(app, 'POST', `/api/dealer/restocks/${other.body.id}/cancel`, { token: upper.token })).status).toBe(404);
    await call(app, 'POST', `/api/admin/dealer-restocks/${other.body.id}/cancel`, { token: owner.token });
    expect((await stockOf(upper))[sku2]).toBe(4);
  });

  it('keeps the dealer tree acyclic and uppers real dealers', async () => {
    const cycle = await call(app, 'PATCH', `/api/admin/dealers/${ids.upper}`, { token: owner.token, body: { upperDealerId: ids.lowest } });
    expect([cycle.status, cycle.body.code]).toEqual([422, 'DEALER_CYCLE']);
    const self = await call(app, 'PATCH', `/api/admin/dealers/${ids.upper}`, { token: owner.token, body: { upperDealerId: ids.upper } });
    expect(self.body.code).toBe('DEALER_CYCLE');
    const missing = await call(app, 'PATCH', `/api/admin/dealers/${ids.lower}`, { token: owner.token, body: { upperDealerId: 999_999 } });
    expect(missing.body.code).toBe('UPPER_DEALER_INVALID');
    const twice = await call(app, 'POST', '/api/admin/dealers', { token: owner.token, body: { memberId: lower.id, shopName: '又一家', tierId: ids.city } });
    expect(twice.body.code).toBe('ALREADY_A_DEALER');
    expect((await call(app, 'GET', `/api/admin/dealers`, { token: owner.token })).body.items.find((d: { id: number }) => d.id === ids.lower)).toMatchObject({ upperDealerId: ids.upper, tierName: '市级订货商' });
  });

  it('sells from the shop: stock checked at quote, taken at checkout, the dealer earns the sale less commission, a refund reverses it', async () => {
    const shop = await call(app, 'GET', `/api/dealer-shops/${ids.lower}`);
    expect(shop.body).toMatchObject({ shopName: '深圳茶铺', products: [{ title: '茶叶礼盒', skus: [{ skuId: sku1, priceFen: 10_000, stock: 3 }] }] });

    const referrer = await register(app);
    const buyer = await register(app, { inviteCode: referrer.inviteCode });
    const quoteShort = await call(app, 'POST', '/api/orders/quote', { token: buyer.token, body: { items: [{ skuId: sku1, quantity: 4 }], dealerShopId: ids.lower } });
    expect([quoteShort.status, quoteShort.body.code]).toEqual([409, 'DEALER_STOCK_SHORT']);
    const hqStock = await catalogSkuStock(sku1);
    const short = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku1, quantity: 4 }], checkoutKey: key('co'), dealerShopId: ids.lower } });
    expect([short.status, short.body.code]).toEqual([409, 'DEALER_STOCK_SHORT']);
    // the whole checkout rolled back: HQ's stock too
    expect(await catalogSkuStock(sku1)).toBe(hqStock);
    const notStocked = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku2, quantity: 1 }], checkoutKey: key('co'), dealerShopId: ids.lower } });
    expect(notStocked.body.code).toBe('DEALER_STOCK_SHORT');
    const own = await call(app, 'POST', '/api/orders/quote', { token: lower.token, body: { items: [{ skuId: sku1, quantity: 1 }], dealerShopId: ids.lower } });
    expect(own.body.code).toBe('DEALER_OWN_SHOP');

    const before = await summary(app, lower);
    const order = await buyAndPay(app, buyer, [{ skuId: sku1, quantity: 2 }], { dealerShopId: ids.lower });
    expect(order.status).toBe('paid');
    expect(await stockOf(lower)).toEqual({ [sku1]: 1 });
    expect(await catalogSkuStock(sku1)).toBe(hqStock - 2);
    // ¥200 paid, the referrer's 10 % commission (¥20) stays with the customer's tree: the dealer earns ¥180
    expect((await summary(app, referrer)).pendingFen).toBe(2_000);
    expect((await summary(app, lower)).pendingFen - before.pendingFen).toBe(18_000);
    const sales = await call(app, 'GET', '/api/dealer/sales', { token: lower.token });
    expect(sales.body.items[0]).toMatchObject({ orderId: order.id, earnedFen: 18_000, commissionFen: 2_000, stockStatus: 'paid' });

    const support = await hqMember(app, 'support');
    expect((await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 10_000 }])).status).toBe(201);
    expect((await summary(app, lower)).pendingFen - before.pendingFen).toBe(9_000);
    // a refund returns goods to HQ, not units to the dealer
    expect(await stockOf(lower)).toEqual({ [sku1]: 1 });
    await expectReconciled(app, owner.token);
  });

  it('gives the stock back when an unpaid shop order is cancelled', async () => {
    const buyer = await register(app);
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku1, quantity: 1 }], checkoutKey: key('co'), dealerShopId: ids.lower } });
    expect(order.status).toBe(201);
    expect(await stockOf(lower)).toEqual({ [sku1]: 0 });
    expect((await call(app, 'GET', `/api/dealer-shops/${ids.lower}`)).body.products).toEqual([]);
    expect((await call(app, 'POST', `/api/orders/${order.body.id}/cancel`, { token: buyer.token })).status).toBe(200);
    expect(await stockOf(lower)).toEqual({ [sku1]: 1 });
  });

  it('scopes every dealer read to the caller', async () => {
    const mine = await call(app, 'GET', '/api/dealer/restocks', { token: lower.token });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((r: { dealerId: number }) => r.dealerId === ids.lower)).toBe(true);
    const lowerOnes = await call(app, 'GET', '/api/dealer/lower-restocks', { token: upper.token });
    expect(lowerOnes.body.items.length).toBeGreaterThan(0);
    expect(lowerOnes.body.items.every((r: { sourceDealerId: number; dealerId: number }) => r.sourceDealerId === ids.upper && r.dealerId === ids.lower)).toBe(true);
    expect((await call(app, 'GET', '/api/dealer/sales', { token: upper.token })).body.items).toEqual([]);
    const stranger = await register(app);
    for (const path of ['/api/dealer/me', '/api/dealer/stock', '/api/dealer/restocks', '/api/dealer/sales']) {
      const res = await call(app, 'GET', path, { token: stranger.token });
      expect([res.status, res.body.code]).toEqual([403, 'NOT_A_DEALER']);
    }
    expect((await call(app, 'GET', '/api/admin/dealers', { token: lower.token })).status).toBe(403);
    const me = await call(app, 'GET', '/api/me', { token: lower.token });
    expect(me.body.parties).toContainEqual({ kind: 'dealer', id: ids.lower, name: '深圳茶铺' });
    const profile = await call(app, 'GET', '/api/dealer/me', { token: upper.token });
    expect(profile.body).toMatchObject({ shopName: '华南茶行', earnings: { lowerRestocks: { count: 1, handoverFen: 24_000, rewardFen: 6_000 } } });
  });

  it('a suspended shop neither sells nor restocks, and leaves the console', async () => {
    await call(app, 'PATCH', `/api/admin/dealers/${ids.lowest}`, { token: owner.token, body: { status: 'suspended' } });
    expect((await call(app, 'GET', `/api/dealer-shops/${ids.lowest}`)).status).toBe(404);
    const buyer = await register(app);
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku1, quantity: 1 }], checkoutKey: key('co'), dealerShopId: ids.lowest } });
    expect(order.body.code).toBe('DEALER_SHOP_NOT_AVAILABLE');
    expect((await restock(lowest, [{ skuId: sku1, quantity: 1 }])).body.code).toBe('DEALER_SUSPENDED');
    expect((await call(app, 'GET', '/api/me', { token: lowest.token })).body.parties).toEqual([]);
  });

  it('accounts for every unit: on hand is the sum of the stock moves, and never negative', async () => {
    const rows = await sql<{ dealer_id: number; sku_id: number; quantity: number; moved: number }>`
      select s.dealer_id, s.sku_id, s.quantity, (select coalesce(sum(delta), 0) from dealer_stock_moves m where m.dealer_id = s.dealer_id and m.sku_id = s.sku_id) as moved
      from dealer_stock s`.execute(app.services.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows) {
      expect(Number(row.moved)).toBe(row.quantity);
      expect(row.quantity).toBeGreaterThanOrEqual(0);
    }
    await expectReconciled(app, owner.token);
  });
});
