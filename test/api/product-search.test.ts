// The shop's search and sort (issue 17): a word inside a title, a description or a category finds the
// product, whatever the case; sort by sales (已售, counted once per paid order after it commits), by
// price up or down (the lowest SKU), newest first by default. And the list price (划线价): only ever
// above the price — refused otherwise, on creation, in the specs and when a price edit would cross it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

interface Product {
  id: number;
  title: string;
  soldCount: number;
  skus: Array<{ id: number; priceFen: number; listPriceFen: number | null }>;
}

describeEachDatabase('product search and sort', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  const made: Product[] = [];
  // a word no other test's product carries, so the lists hold only this file's
  const tag = `搜${kind}`;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    for (const [title, description, priceFen] of [
      [`${tag} 滇红茶 250g`, '云南凤庆 功夫红茶', 6_800],
      [`${tag} 五常大米`, '东北 稻花香 Rice', 8_990],
      [`${tag} 手工阿胶糕`, '配料：阿胶、黑芝麻、核桃、冰糖', 15_800],
    ] as const) {
      const res = await call<Product>(app, 'POST', '/api/admin/products', { token: owner.token, body: { title, description, category: '测试', skus: [{ name: '标准', priceFen, stock: 100, listPriceFen: priceFen + 1_000 }] } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      made.push(res.body);
    }
  });
  afterAll(async () => app?.close());

  const titles = async (query: string) => ((await call(app, 'GET', `/api/products?limit=100&${query}`)).body.items as Product[]).map((p) => p.title);

  it('finds a word inside a title or a description, whatever the case', async () => {
    expect(await titles(`q=${encodeURIComponent(`${tag} 茶`)}`)).toEqual([]);
    expect((await titles(`q=${encodeURIComponent('红茶')}`)).filter((t) => t.startsWith(tag))).toEqual([`${tag} 滇红茶 250g`]);
    // in the description only
    expect((await titles(`q=${encodeURIComponent('黑芝麻')}`)).filter((t) => t.startsWith(tag))).toEqual([`${tag} 手工阿胶糕`]);
    expect((await titles('q=rICE')).filter((t) => t.startsWith(tag))).toEqual([`${tag} 五常大米`]);
    // LIKE's wildcards are plain characters here
    expect((await titles(`q=${encodeURIComponent('%')}`)).filter((t) => t.startsWith(tag))).toEqual([]);
  });

  it('sorts newest first by default, by the lowest price up or down, and by units sold', async () => {
    const mine = async (query: string) => (await titles(`q=${encodeURIComponent(tag)}&${query}`));
    expect(await mine('')).toEqual([made[2]!.title, made[1]!.title, made[0]!.title]);
    expect(await mine('sort=price_asc')).toEqual([made[0]!.title, made[1]!.title, made[2]!.title]);
    expect(await mine('sort=price_desc')).toEqual([made[2]!.title, made[1]!.title, made[0]!.title]);
    const buyer = await register(app);
    await buyAndPay(app, buyer, [{ skuId: made[1]!.skus[0]!.id, quantity: 3 }]);
    await buyAndPay(app, buyer, [{ skuId: made[0]!.skus[0]!.id, quantity: 1 }, { skuId: made[1]!.skus[0]!.id, quantity: 1 }]);
    expect(await mine('sort=sales')).toEqual([made[1]!.title, made[0]!.title, made[2]!.title]);
    const rice = (await call<Product>(app, 'GET', `/api/products/${made[1]!.id}`)).body;
    expect(rice.soldCount).toBe(4);
    // draining the outbox again counts nothing twice
    await app.services.orders.drainEffects();
    expect((await call<Product>(app, 'GET', `/api/products/${made[1]!.id}`)).body.soldCount).toBe(4);
    expect((await call(app, 'GET', '/api/products?sort=cheapest')).status).toBe(400);
  });

  it('a list price is only ever above the price', async () => {
    const sku = made[0]!.skus[0]!;
    expect(sku.listPriceFen).toBe(7_800);
    const cross = await call(app, 'PATCH', `/api/admin/skus/${sku.id}`, { token: owner.token, body: { priceFen: 7_800 } });
    expect(cross.status).toBe(422);
    expect(cross.body.code).toBe('LIST_PRICE_NOT_ABOVE_PRICE');
    expect((await call<Product>(app, 'GET', `/api/products/${made[0]!.id}`)).body.skus[0]).toMatchObject({ priceFen: 6_800, listPriceFen: 7_800 });
    const cleared = await call<Product>(app, 'PATCH', `/api/admin/skus/${sku.id}`, { token: owner.token, body: { priceFen: 7_800, listPriceFen: null } });
    expect(cleared.body.skus[0]).toMatchObject({ priceFen: 7_800, listPriceFen: null });
    const refused = await call(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: 'x', skus: [{ name: 'a', priceFen: 100, stock: 1, listPriceFen: 100 }] } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('LIST_PRICE_NOT_ABOVE_PRICE');
    const specs = await call(app, 'PUT', `/api/admin/products/${made[2]!.id}/specs`, { token: owner.token, body: { attributes: [], skus: [{ specValues: [], priceFen: 500, stock: 1, listPriceFen: 499 }] } });
    expect(specs.body.code).toBe('LIST_PRICE_NOT_ABOVE_PRICE');
  });
});
