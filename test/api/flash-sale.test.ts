// 秒杀 and 限购 (issue 19): a campaign's stock moves out of the SKU's and back at its end; checkout prices
// the campaign's lines at its price and answers a clear code when it is unknown, not started, ended,
// sold out or over the member's limit; an unpaid campaign order closes after the campaign's short
// window and its units sell again; a product's 限购 holds on ordinary checkouts; a campaign's
// commission mode (normal / none / rate) pays what it says and a refund reverses it exactly.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, registerChain, register, settled, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const MINUTE = 60_000;

describeEachDatabase('flash sales and purchase limits', (kind) => {
  let app: TestApp;
  let operator: RegisteredMember;
  let auditor: RegisteredMember;
  let support: RegisteredMember;
  let chain: RegisteredMember[];
  let skus: number[];
  let keys = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { tierRatesBp: { '1': [1000, 500, 300] } } } });
    operator = await hqMember(app, 'operator');
    auditor = await hqMember(app, 'auditor');
    support = await hqMember(app, 'support');
    chain = await registerChain(app, 4);
    const product = await createProduct(app, operator, [{ priceFen: 10_000, stock: 50 }, { priceFen: 8_000, stock: 50 }, { priceFen: 5_000, stock: 50 }], '秒杀测试商品');
    skus = product.skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  const now = () => app.clock.now().getTime();
  const stockOf = async (skuId: number) => (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;
  const create = (body: unknown, token = operator.token) => call(app, 'POST', '/api/admin/flash-sales', { token, body });
  const checkout = (buyer: RegisteredMember, items: Array<{ skuId: number; quantity: number }>, campaign?: { kind: 'flash_sale'; id: number }) =>
    call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: `fs-${process.pid}-${++keys}`, ...(campaign ? { campaign } : {}) } });
  const pay = async (buyer: RegisteredMember, orderId: number) => {
    const started = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    expect((await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: started.body.outTradeNo } })).status).toBe(200);
    await settled(app);
  };
  const sale = (id: number) => call(app, 'GET', `/api/admin/flash-sales/${id}`, { token: auditor.token });

  it('moves campaign stock out of the SKU, audited; readers read, only operators write; bad input changes nothing', async () => {
    const body = { name: '午间秒杀', startsAt: new Date(now() - MINUTE).toISOString(), endsAt: new Date(now() + 60 * MINUTE).toISOString(), items: [{ skuId: skus[0], priceFen: 6_000, stock: 10, perMemberLimit: 2 }] };
    expect((await create(body, auditor.token)).status).toBe(403);
    expect((await create({ ...body, endsAt: body.startsAt, startsAt: body.endsAt })).body.code).toBe('FLASH_SALE_TIMES_INVALID');
    const tooMany = await create({ ...body, items: [{ ...body.items[0], stock: 51 }] });
    expect([tooMany.status, tooMany.body.code]).toEqual([409, 'OUT_OF_STOCK']);
    expect(await stockOf(skus[0])).toBe(50);
    const made = await create(body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ state: 'running', unpaidMinutes: 5, items: [{ skuId: skus[0], priceFen: 6_000, stock: 10, remaining: 10, skuPriceFen: 10_000 }] });
    expect(await stockOf(skus[0])).toBe(40);
    // the same SKU in an overlapping campaign is refused, and its stock stays
    expect((await create({ ...body, name: '撞车' })).body.code).toBe('FLASH_SALE_SKU_TAKEN');
    expect(await stockOf(skus[0])).toBe(40);
    expect((await call(app, 'GET', '/api/admin/audit-log?action=flash_sale.create', { token: auditor.token })).body.items.length).toBe(1);
    // the shop lists it without a login, with what is left, and no commission terms
    const open = await call(app, 'GET', `/api/flash-sales?productId=${made.body.items[0].productId}`);
    expect(open.body.items.map((s: { id: number }) => s.id)).toEqual([made.body.id]);
    expect(open.body.items[0].items[0]).not.toHaveProperty('commissionMode');
    expect(typeof open.body.now).toBe('string');
  });

  it('prices at the campaign price, holds the member limit, closes unpaid after its window and sells the units again', async () => {
    const [, , , buyer] = chain;
    const id = (await call(app, 'GET', '/api/admin/flash-sales', { token: auditor.token })).body.items[0].id as number;
    const campaign = { kind: 'flash_sale' as const, id };
    const quote = await call(app, 'POST', '/api/orders/quote', { token: buyer.token, body: { items: [{ skuId: skus[0], quantity: 2 }], campaign } });
    expect(quote.body).toMatchObject({ goodsFen: 12_000, payableFen: 12_000 });
    const first = await checkout(buyer, [{ skuId: skus[0], quantity: 2 }], campaign);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.lines[0]).toMatchObject({ unitPriceFen: 6_000, paidFen: 12_000 });
    expect(await stockOf(skus[0])).toBe(40); // the campaign's own stock sold, not the SKU's
    const over = await checkout(buyer, [{ skuId: skus[0], quantity: 1 }], campaign);
    expect([over.status, over.body.code]).toEqual([409, 'FLASH_SALE_LIMIT_REACHED']);
    expect((await sale(id)).body.items[0]).toMatchObject({ sold: 2, remaining: 8, unpaidQuantity: 2, paidQuantity: 0 });
    // the rules close unpaid orders after 30 minutes; a campaign order after its 5
    app.clock.advanceMs(4 * MINUTE);
    expect((await app.services.orders.closeUnpaid()).closed).toBe(0);
    app.clock.advanceMs(2 * MINUTE);
    expect((await app.services.orders.closeUnpaid()).closed).toBe(1);
    expect((await call(app, 'GET', `/api/orders/${first.body.id}`, { token: buyer.token })).body.status).toBe('closed');
    expect((await sale(id)).body.items[0]).toMatchObject({ sold: 0, remaining: 10, unpaidQuantity: 0 });
    expect(await stockOf(skus[0])).toBe(40);
    // the limit counts open and paid orders only: the member buys again, and pays
    const again = await checkout(buyer, [{ skuId: skus[0], quantity: 2 }], campaign);
    expect(again.status).toBe(201);
    await pay(buyer, again.body.id);
    expect((await sale(id)).body.items[0]).toMatchObject({ sold: 2, paidQuantity: 2, unpaidQuantity: 0, orders: 1 });
  });

  it('answers not found, not started, sold out and ended; ending returns the unsold stock once', async () => {
    const buyer = await register(app);
    const [, , , member] = chain;
    expect((await checkout(buyer, [{ skuId: skus[0], quantity: 1 }], { kind: 'flash_sale', id: 999_999 })).body.code).toBe('FLASH_SALE_NOT_FOUND');
    const running = (await call(app, 'GET', '/api/admin/flash-sales', { token: auditor.token })).body.items[0];
    expect((await checkout(buyer, [{ skuId: skus[1], quantity: 1 }], { kind: 'flash_sale', id: running.id })).body.code).toBe('FLASH_SALE_NOT_FOUND');
    const later = await create({ name: '晚场', startsAt: new Date(now() + 60 * MINUTE).toISOString(), endsAt: new Date(now() + 120 * MINUTE).toISOString(), items: [{ skuId: skus[1], priceFen: 4_000, stock: 3 }] });
    expect(later.body.state).toBe('upcoming');
    const early = await checkout(buyer, [{ skuId: skus[1], quantity: 1 }], { kind: 'flash_sale', id: later.body.id });
    expect([early.status, early.body.code]).toEqual([409, 'FLASH_SALE_NOT_STARTED']);
    app.clock.advanceMs(61 * MINUTE);
    const campaign = { kind: 'flash_sale' as const, id: later.body.id };
    expect((await checkout(buyer, [{ skuId: skus[1], quantity: 2 }], campaign)).status).toBe(201);
    const held = await checkout(member, [{ skuId: skus[1], quantity: 1 }], campaign);
    expect(held.status).toBe(201);
    const gone = await checkout(await register(app), [{ skuId: skus[1], quantity: 1 }], campaign);
    expect([gone.status, gone.body.code]).toEqual([409, 'FLASH_SALE_SOLD_OUT']);
    // the SKU itself still sells at its own price from its own stock
    const plain = await checkout(await register(app), [{ skuId: skus[1], quantity: 1 }]);
    expect(plain.body.lines[0].unitPriceFen).toBe(8_000);
    expect(await stockOf(skus[1])).toBe(46);
    // ended early: nothing unsold to return (3 held); the unpaid order that closes later returns its unit to the SKU
    const ended = await call(app, 'POST', `/api/admin/flash-sales/${later.body.id}/end`, { token: operator.token });
    expect(ended.body).toMatchObject({ state: 'ended', items: [{ sold: 3, returned: 0 }] });
    expect((await call(app, 'POST', `/api/admin/flash-sales/${later.body.id}/end`, { token: operator.token })).body.code).toBe('FLASH_SALE_ENDED');
    expect((await checkout(await register(app), [{ skuId: skus[1], quantity: 1 }], campaign)).body.code).toBe('FLASH_SALE_ENDED');
    expect((await call(app, 'POST', `/api/orders/${held.body.id}/cancel`, { token: member.token })).status).toBe(200);
    expect(await stockOf(skus[1])).toBe(47);
    expect((await sale(later.body.id)).body.items[0]).toMatchObject({ sold: 2, returned: 1 });
    // the end-time job ends the running one: its 8 unsold go back to the SKU, once
    app.clock.advanceMs(60 * MINUTE);
    expect((await app.services.flashSales.endDue()).ended).toBe(1);
    expect((await app.services.flashSales.endDue()).ended).toBe(0);
    expect(await stockOf(skus[0])).toBe(48);
    expect((await call(app, 'GET', '/api/flash-sales')).body.items).toEqual([]);
    // one that never started ends too, its stock straight back
    const unstarted = await create({ name: '取消场', startsAt: new Date(now() + 60 * MINUTE).toISOString(), endsAt: new Date(now() + 90 * MINUTE).toISOString(), items: [{ skuId: skus[2], priceFen: 1_000, stock: 2 }] });
    expect(await stockOf(skus[2])).toBe(48);
    expect((await call(app, 'POST', `/api/admin/flash-sales/${unstarted.body.id}/end`, { token: operator.token })).body).toMatchObject({ state: 'ended', items: [{ returned: 2 }] });
    expect(await stockOf(skus[2])).toBe(50);
  });

  it('限购 on an ordinary product: open and paid orders count, closed ones do not, edited from the console', async () => {
    const product = await createProduct(app, operator, [{ priceFen: 1_000, stock: 100 }], '限购商品');
    const patched = await call(app, 'PATCH', `/api/admin/products/${product.id}`, { token: operator.token, body: { maxPerMember: 2 } });
    expect(patched.body.maxPerMember).toBe(2);
    expect((await call(app, 'GET', `/api/products/${product.id}`)).body.maxPerMember).toBe(2);
    const buyer = await register(app);
    const sku = product.skus[0].id;
    const first = await checkout(buyer, [{ skuId: sku, quantity: 1 }]);
    await pay(buyer, first.body.id);
    const second = await checkout(buyer, [{ skuId: sku, quantity: 1 }]);
    expect(second.status).toBe(201);
    const over = await checkout(buyer, [{ skuId: sku, quantity: 1 }]);
    expect([over.status, over.body.code, over.body.details]).toEqual([409, 'PURCHASE_LIMIT_REACHED', { productId: product.id, limit: 2, held: 2 }]);
    expect(await stockOf(sku)).toBe(98);
    await call(app, 'POST', `/api/orders/${second.body.id}/cancel`, { token: buyer.token });
    expect((await checkout(buyer, [{ skuId: sku, quantity: 1 }])).status).toBe(201);
    // another member has a limit of their own
    expect((await checkout(await register(app), [{ skuId: sku, quantity: 2 }])).status).toBe(201);
    expect((await call(app, 'PATCH', `/api/admin/products/${product.id}`, { token: operator.token, body: { maxPerMember: 0 } })).status).toBe(400);
  });

  it('pays commission as each item’s mode says, reverses it exactly on a refund, and reconciles', async () => {
    const [top, second, third, buyer] = chain;
    const made = await create({
      name: '佣金秒杀',
      startsAt: new Date(now() - MINUTE).toISOString(),
      endsAt: new Date(now() + 60 * MINUTE).toISOString(),
      items: [
        { skuId: skus[0], priceFen: 6_001, stock: 5, commissionMode: 'normal' },
        { skuId: skus[1], priceFen: 4_000, stock: 5, commissionMode: 'none' },
        { skuId: skus[2], priceFen: 3_000, stock: 5, commissionMode: 'rate', commissionRatesBp: [2_000, 0, 100] },
      ],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const order = await checkout(buyer, skus.map((skuId) => ({ skuId, quantity: 1 })), { kind: 'flash_sale', id: made.body.id });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.payableFen).toBe(13_001);
    await pay(buyer, order.body.id);
    const earnings = () =>
      app.services.db.selectFrom('commission_earnings as e').innerJoin('order_lines as l', 'l.id', 'e.order_line_id').select(['l.sku_id', 'e.earner_id', 'e.amount_fen', 'e.reversed_fen']).where('e.order_id', '=', order.body.id).orderBy('l.sku_id').orderBy('e.level').execute();
    const paid = await earnings();
    expect(paid.map((e) => [e.sku_id, e.earner_id, e.amount_fen])).toEqual([
      [skus[0], third.id, 600],
      [skus[0], second.id, 300],
      [skus[0], top.id, 180],
      [skus[2], third.id, 600],
      [skus[2], top.id, 30],
    ]);
    // a third of the normal line back, then the rest of the order
    const line = (skuId: number) => order.body.lines.find((l: { skuId: number }) => l.skuId === skuId);
    const refund = (lines: Array<{ lineId: number; amountFen: number }>, key: string) =>
      call(app, 'POST', `/api/admin/orders/${order.body.id}/refunds`, { token: support.token, body: { lines, reason: '秒杀退款', idempotencyKey: key } });
    expect((await refund([{ lineId: line(skus[0]).id, amountFen: 2_000 }], 'fs-refund-1')).body.status).toBe('succeeded');
    expect((await earnings()).map((e) => e.reversed_fen)).toEqual([199, 99, 59, 0, 0]);
    const rest = order.body.lines.map((l: { id: number; skuId: number; paidFen: number }) => ({ lineId: l.id, amountFen: l.skuId === skus[0] ? l.paidFen - 2_000 : l.paidFen }));
    expect((await refund(rest, 'fs-refund-2')).body.status).toBe('succeeded');
    expect((await earnings()).every((e) => e.reversed_fen === e.amount_fen)).toBe(true);
    // fully refunded: the member's units no longer count; they stay sold (not sold again)
    expect((await sale(made.body.id)).body.items.map((i: { sold: number; paidQuantity: number }) => [i.sold, i.paidQuantity])).toEqual([[1, 0], [1, 0], [1, 0]]);
    const report = await call(app, 'GET', '/api/admin/reconciliation', { token: auditor.token });
    expect(report.body.checks.filter((c: { differences: unknown[] }) => c.differences.length > 0)).toEqual([]);
    expect(report.body.ok).toBe(true);
  });
});
