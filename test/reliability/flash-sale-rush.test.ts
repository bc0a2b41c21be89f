// The flash sale's opening rush on the real server (PostgreSQL, a pool of 30): 300 distinct buyers at
// once on 100 campaign stock buy exactly 100, the rest hear FLASH_SALE_SOLD_OUT, nothing 5xx, the
// campaign's stock never goes below zero and the SKU's own stock is untouched; one member's concurrent
// checkouts (and replays of one checkout) never pass a campaign limit or a product's 限购 together.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, type ApiResponse } from '../support/api.js';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { fastMember, type FastMember } from '../support/reliability.js';

const MINUTE = 60_000;

function tally(responses: ApiResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) {
    const key = r.status >= 400 ? `${r.status} ${r.body?.code ?? ''}` : String(r.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describeOnPostgres('flash sale rush on the real server', () => {
  let app: TestApp;
  let operator: FastMember;
  let skuId: number;
  let seq = 0;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 30 });
    operator = await fastMember(app, { hqRole: 'operator' });
    const product = await call(app, 'POST', '/api/admin/products', { token: operator.token, body: { title: '秒杀并发', category: 'race', skus: [{ name: '标准', priceFen: 9_900, stock: 1_000 }] } });
    skuId = product.body.skus[0].id;
  });
  afterAll(async () => app?.close());

  const campaign = async (stock: number, perMemberLimit: number | null) => {
    const now = app.clock.now().getTime();
    const made = await call(app, 'POST', '/api/admin/flash-sales', {
      token: operator.token,
      body: { name: `并发${++seq}`, startsAt: new Date(now - MINUTE).toISOString(), endsAt: new Date(now + 10 * MINUTE).toISOString(), items: [{ skuId, priceFen: 990, stock, perMemberLimit }] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.id as number;
  };
  const checkout = (buyer: FastMember, body: Record<string, unknown>) => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `rush-${process.pid}-${++seq}`, ...body } });
  const skuStock = async () => (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;

  it('300 buyers at once on 100 campaign stock: exactly 100 orders, the rest sold out, the SKU untouched', { timeout: 120_000 }, async () => {
    const id = await campaign(100, 1);
    const before = await skuStock();
    const buyers = await Promise.all(Array.from({ length: 300 }, () => fastMember(app)));
    // the item's remaining stock sampled while the rush runs: never below zero
    let lowest = Number.POSITIVE_INFINITY;
    let rushing = true;
    const sampler = (async () => {
      while (rushing) {
        const row = await app.services.db.selectFrom('flash_sale_items').select((eb) => eb(eb('stock', '-', eb.ref('returned')), '-', eb.ref('sold')).as('left')).where('flash_sale_id', '=', id).executeTakeFirstOrThrow();
        lowest = Math.min(lowest, Number(row.left));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const responses = await Promise.all(buyers.map((b) => checkout(b, { campaign: { kind: 'flash_sale', id } })));
    rushing = false;
    await sampler;
    expect(tally(responses)).toEqual({ '201': 100, '409 FLASH_SALE_SOLD_OUT': 200 });
    expect(lowest).toBeGreaterThanOrEqual(0);
    const item = await app.services.db.selectFrom('flash_sale_items').select(['stock', 'sold', 'returned']).where('flash_sale_id', '=', id).executeTakeFirstOrThrow();
    expect(item).toEqual({ stock: 100, sold: 100, returned: 0 });
    const orders = await app.services.db.selectFrom('flash_sale_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('flash_sale_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(100);
    expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.body.buyerId)).size).toBe(100);
    expect(await skuStock()).toBe(before);
    // sold out: ending it gives the SKU nothing back
    expect((await call(app, 'POST', `/api/admin/flash-sales/${id}/end`, { token: operator.token })).status).toBe(200);
    expect(await skuStock()).toBe(before);
  });

  it('one member’s concurrent checkouts and replays never pass the campaign limit or the product’s 限购', { timeout: 60_000 }, async () => {
    const id = await campaign(50, 2);
    const member = await fastMember(app);
    const distinct = await Promise.all(Array.from({ length: 10 }, () => checkout(member, { campaign: { kind: 'flash_sale', id } })));
    expect(tally(distinct)).toEqual({ '201': 2, '409 FLASH_SALE_LIMIT_REACHED': 8 });
    // one checkout sent ten times at once is one order, and every answer is that order
    const other = await fastMember(app);
    const checkoutKey = `replay-${process.pid}-${++seq}`;
    const replays = await Promise.all(Array.from({ length: 10 }, () => call(app, 'POST', '/api/orders', { token: other.token, body: { items: [{ skuId, quantity: 2 }], checkoutKey, campaign: { kind: 'flash_sale', id } } })));
    expect(new Set(replays.map((r) => `${r.status} ${r.body.id}`)).size).toBe(1);
    expect(replays[0]!.status).toBe(201);
    const held = await app.services.db.selectFrom('flash_sale_orders').select((eb) => eb.fn.sum<number>('quantity').as('q')).where('flash_sale_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(held.q)).toBe(4);
    // 限购 3 on the product itself: ten ordinary checkouts at once, three pass
    await call(app, 'PATCH', `/api/admin/products/${(await app.services.db.selectFrom('product_skus').select('product_id').where('id', '=', skuId).executeTakeFirstOrThrow()).product_id}`, { token: operator.token, body: { maxPerMember: 3 } });
    const limited = await fastMember(app);
    const plain = await Promise.all(Array.from({ length: 10 }, () => checkout(limited, {})));
    expect(tally(plain)).toEqual({ '201': 3, '409 PURCHASE_LIMIT_REACHED': 7 });
  });
});
