// The console's order search (issue 17): GET /api/admin/orders narrowed by buyer (nickname word or
// member id), phone (whole or last 4, only for roles that see phones whole: 403 otherwise), product
// (a word of a line's title, or productId), a range of Shanghai days, source, distributor (sharer or
// commission earner, by member id or invite code), delivery and 待发货 (toShip); bad days are 400; pages
// stay newest first. A supplier's list shows only its own lines, each with SKU and thumbnail, and the
// consignee's name (masked) and city. On PostgreSQL, EXPLAIN of the list's own SQL at 60,000 orders
// shows each filter that has an index (055) using it.
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';

const ADDRESS = { name: '欧阳娜娜', phone: '13612340000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号', regionCode: '330106' };
const HOUR = 3_600_000;

describeEachDatabase('order search', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let operator: RegisteredMember;
  let sharer: RegisteredMember;
  let alice: RegisteredMember;
  let bob: RegisteredMember;
  let teaId: number;
  const orders: Record<string, number> = {};
  // a word no other suite's orders carry
  const tag = `检索${kind}`;

  beforeAll(async () => {
    app = await startTestApp(kind);
    [owner, support, operator] = [await hqMember(app, 'owner'), await hqMember(app, 'support'), await hqMember(app, 'operator')];
    sharer = await register(app, { nickname: `${tag}分享人` });
    alice = await register(app, { nickname: `${tag}爱丽丝` });
    // bob is bound under the sharer: it earns commission on bob's orders without sharing them
    bob = await register(app, { nickname: `${tag}鲍勃`, inviteCode: sharer.inviteCode });
    const tea = await createProduct(app, owner, [{ priceFen: 8_000 }], `${tag} 云南普洱`);
    const rice = await createProduct(app, owner, [{ priceFen: 5_000 }], `${tag} 五常大米`);
    teaId = tea.id;
    const buy = async (who: RegisteredMember, skuId: number, extra: { sharerInviteCode?: string } = {}) => (await buyAndPay(app, who, [{ skuId, quantity: 1 }], extra)).id as number;
    // 2026-11-20 12:00 Shanghai (the test clock's start)
    orders.aliceTea = await buy(alice, tea.skus[0]!.id);
    app.clock.advanceMs(11 * HOUR + 59 * 60_000); // 23:59
    orders.aliceRiceShared = await buy(alice, rice.skus[0]!.id, { sharerInviteCode: sharer.inviteCode });
    app.clock.advanceMs(2 * 60_000); // 2026-11-21 00:01
    orders.bobTea = await buy(bob, tea.skus[0]!.id);
    const unpaid = await call(app, 'POST', '/api/orders', { token: bob.token, body: { items: [{ skuId: rice.skus[0]!.id, quantity: 1 }], checkoutKey: `search-unpaid-${kind}`, shippingAddress: ADDRESS } });
    orders.bobUnpaid = unpaid.body.id;
    expect((await call(app, 'POST', `/api/admin/orders/${orders.bobTea}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: 'SF0000001' }] } })).status).toBe(200);
  });
  afterAll(async () => app?.close());

  /** the order ids the list answers, newest first */
  const ids = async (query: string, token = owner.token) => {
    const res = await call(app, 'GET', `/api/admin/orders?limit=100&${query}`, { token });
    expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
    return (res.body.items as Array<{ id: number }>).map((o) => o.id);
  };
  const q = (v: string) => encodeURIComponent(v);

  it('by buyer: a word of the nickname or the member id', async () => {
    expect(await ids(`buyer=${q(`${tag}爱丽`)}`)).toEqual([orders.aliceRiceShared, orders.aliceTea]);
    expect(await ids(`buyer=${bob.id}`)).toEqual([orders.bobUnpaid, orders.bobTea]);
    expect(await ids(`buyer=${q('%')}`)).toEqual([]);
  });

  it('by phone, whole or its last 4 digits, only for roles that see phones whole', async () => {
    for (const who of [owner, support]) {
      expect(await ids(`phone=${alice.phone}`, who.token)).toEqual([orders.aliceRiceShared, orders.aliceTea]);
      expect(await ids(`phone=${bob.phone.slice(-4)}&buyer=${q(tag)}`, who.token)).toEqual([orders.bobUnpaid, orders.bobTea]);
    }
    const masked = await call(app, 'GET', `/api/admin/orders?phone=${alice.phone.slice(-4)}`, { token: operator.token });
    expect([masked.status, masked.body.code]).toEqual([403, 'PHONE_SEARCH_FORBIDDEN']);
    // the operator's list itself still answers, phones masked
    const list = await call(app, 'GET', `/api/admin/orders?buyer=${alice.id}`, { token: operator.token });
    expect(list.body.items[0].buyerPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await call(app, 'GET', '/api/admin/orders?phone=12345', { token: owner.token })).status).toBe(400);
  });

  it("by product: a word of a line's title, or the product's id", async () => {
    expect(await ids(`product=${q('普洱')}&buyer=${q(tag)}`)).toEqual([orders.bobTea, orders.aliceTea]);
    expect(await ids(`productId=${teaId}`)).toEqual([orders.bobTea, orders.aliceTea]);
    expect(await ids(`product=${q('大米')}&buyer=${alice.id}`)).toEqual([orders.aliceRiceShared]);
  });

  it('by Shanghai days, both included; a bad day or a reversed range is 400 with a code', async () => {
    expect(await ids(`from=2026-11-20&to=2026-11-20&buyer=${q(tag)}`)).toEqual([orders.aliceRiceShared, orders.aliceTea]);
    expect(await ids(`from=2026-11-21&buyer=${q(tag)}`)).toEqual([orders.bobUnpaid, orders.bobTea]);
    expect(await ids(`to=2026-11-19&buyer=${q(tag)}`)).toEqual([]);
    const reversed = await call(app, 'GET', '/api/admin/orders?from=2026-11-21&to=2026-11-20', { token: owner.token });
    expect([reversed.status, reversed.body.code]).toEqual([400, 'RANGE_INVALID']);
    for (const bad of ['2026-02-30', '20261120', 'yesterday']) {
      const res = await call(app, 'GET', `/api/admin/orders?from=${bad}`, { token: owner.token });
      expect([res.status, res.body.code], bad).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('by source, and by distributor: the sharer or a commission earner, by member id or invite code', async () => {
    expect(await ids(`source=share_link&buyer=${q(tag)}`)).toEqual([orders.aliceRiceShared]);
    expect(await ids(`source=direct&buyer=${alice.id}`)).toEqual([orders.aliceTea]);
    // shared by it (alice's rice) and earned on by it (bob's paid tea; the unpaid order paid nobody)
    expect(await ids(`distributor=${sharer.inviteCode.toLowerCase()}`)).toEqual([orders.bobTea, orders.aliceRiceShared]);
    expect(await ids(`distributor=${sharer.id}&product=${q('普洱')}`)).toEqual([orders.bobTea]);
    expect(await ids('distributor=NOSUCHCODE')).toEqual([]);
  });

  it('by delivery, and 待发货: paid and by express, not the shipped or the unpaid', async () => {
    expect(await ids(`toShip=true&buyer=${q(tag)}`)).toEqual([orders.aliceRiceShared, orders.aliceTea]);
    expect(await ids(`toShip=true&status=shipped&buyer=${q(tag)}`)).toEqual([]);
    expect(await ids(`delivery=express&buyer=${q(tag)}`)).toHaveLength(4);
    expect(await ids(`delivery=pickup&buyer=${q(tag)}`)).toEqual([]);
    expect((await call(app, 'GET', '/api/admin/orders?toShip=yes', { token: owner.token })).status).toBe(400);
  });

  it('pages stay newest first', async () => {
    const all = await ids(`buyer=${q(tag)}`);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(all).toHaveLength(4);
    const page = async (offset: number) => (await call(app, 'GET', `/api/admin/orders?buyer=${q(tag)}&limit=3&offset=${offset}`, { token: owner.token })).body.items.map((o: { id: number }) => o.id);
    expect([...(await page(0)), ...(await page(3))]).toEqual(all);
  });

  it("a supplier's list: only its own lines, with SKU, quantity and thumbnail, and who and where to (no phone, no street)", async () => {
    const supplierMember = await register(app);
    const supplier = await app.services.suppliers.create(owner.id, { memberId: supplierMember.id, companyName: `检索供应商${kind}`, platformFeeBp: 500 });
    const proposal = await app.services.suppliers.propose(supplier, { title: `${tag} 供应商红茶`, skus: [{ name: '礼盒装', retailPriceFen: 9_000, supplyPriceFen: 5_000, stock: 100 }] });
    const product = await app.services.suppliers.approve(owner.id, proposal.id);
    const checkout = await call(app, 'POST', '/api/orders', {
      token: alice.token,
      body: { items: [{ skuId: product.skus[0]!.id, quantity: 2 }, { skuId: (await createProduct(app, owner, [{ priceFen: 100 }], 'HQ 自营')).skus[0]!.id, quantity: 1 }], checkoutKey: `search-supplier-${kind}`, shippingAddress: ADDRESS },
    });
    const pay = await call(app, 'POST', `/api/orders/${checkout.body.id}/pay`, { token: alice.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: alice.token, body: { outTradeNo: pay.body.outTradeNo } });
    const list = await call(app, 'GET', '/api/supplier/orders', { token: supplierMember.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const [order] = list.body.items;
    expect(order).toMatchObject({ id: checkout.body.id, mixed: true, consignee: { name: '欧**娜', province: '浙江省', city: '杭州市', district: '西湖区' } });
    expect(order.lines).toEqual([expect.objectContaining({ title: `${tag} 供应商红茶 礼盒装`, skuName: '礼盒装', quantity: 2, imageUrl: null })]);
    expect(JSON.stringify(order)).not.toContain(ADDRESS.phone);
    expect(JSON.stringify(order)).not.toContain(ADDRESS.detail);
    // the order itself, to ship it: the whole address, as before
    expect((await call(app, 'GET', `/api/supplier/orders/${order.id}`, { token: supplierMember.token })).body.shippingAddress).toEqual(ADDRESS);
  });
});

/**
 * The list's own SQL (captured from the route's query) under EXPLAIN, on a database with 60,000
 * orders and as many lines, analysed: each filter with an index reads through it.
 */
describeOnPostgres('order search plans [postgres]', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let captured: RootOperationNode[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => {
      captured.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };

  beforeAll(async () => {
    app = await startTestApp('postgres', { queryPlugins: [capture] });
    owner = await hqMember(app, 'owner');
    const product = await createProduct(app, owner, [{ priceFen: 1_000 }], '计划测试');
    const other = await createProduct(app, owner, [{ priceFen: 1_000 }], '计划其他');
    const db = app.services.db;
    await sql`insert into members (phone, password_hash, nickname, invite_code)
      select '135' || lpad(i::text, 8, '0'), 'x', '会员' || i, 'PLAN' || i from generate_series(1, 5000) i`.execute(db);
    await sql`insert into orders (order_no, buyer_id, status, goods_fen, payable_fen, source, sharer_id, delivery_method, created_at)
      select 'PLAN' || i, m.id, (array['pending_payment','paid','shipped','completed','closed'])[1 + i % 5], 1000, 1000,
             case when i % 7 = 0 then 'share_link' else 'direct' end, case when i % 7 = 0 then m.id else null end,
             'express', timestamptz '2026-01-01' + (i || ' minutes')::interval
      from generate_series(1, 60000) i join members m on m.invite_code = 'PLAN' || (1 + i % 5000)`.execute(db);
    await sql`insert into order_lines (order_id, product_id, sku_id, title, quantity, unit_price_fen, paid_fen)
      select o.id, p.product_id, p.sku_id, '计划', 1, 1000, 1000 from orders o
      cross join lateral (select case when o.id % 100 = 0 then ${product.id}::bigint else ${other.id}::bigint end as product_id,
                                 case when o.id % 100 = 0 then ${product.skus[0]!.id}::bigint else ${other.skus[0]!.id}::bigint end as sku_id) p
      where o.order_no like 'PLAN%'`.execute(db);
    await sql`analyze members`.execute(db);
    await sql`analyze orders`.execute(db);
    await sql`analyze order_lines`.execute(db);
  });
  afterAll(async () => app?.close());

  /** EXPLAIN of the list query the route ran for this filter */
  const plan = async (query: string): Promise<string> => {
    captured = [];
    expect((await call(app, 'GET', `/api/admin/orders?${query}`, { token: owner.token })).status).toBe(200);
    const db = app.services.db;
    const compiled = captured.map((node) => db.getExecutor().compileQuery(node, { queryId: 'plan' })).filter((c) => c.sql.includes('"orders" as "o" inner join "members" as "b"'));
    expect(compiled).toHaveLength(1);
    return inTransaction(db, async (tx) => {
      const rows = await tx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled[0]!.sql}`, [...compiled[0]!.parameters]));
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  };

  it.each([
    ['phone=0042', 'members_phone_last4_idx'],
    ['phone=13500000042', 'members_phone_key'],
    ['productId=PRODUCT', 'order_lines_product_idx'],
    ['distributor=PLAN77', 'orders_sharer_idx'],
    ['from=2026-01-03&to=2026-01-03', 'orders_created_at_idx'],
    ['toShip=true', 'orders_to_ship_idx'],
  ])('%s reads through %s', async (query, index) => {
    const productId = (await app.services.db.selectFrom('products').select('id').where('title', '=', '计划测试').executeTakeFirstOrThrow()).id;
    const text = await plan(query.replace('PRODUCT', String(productId)));
    expect(text, text).toContain(index);
  });
});
