// Favourite products (收藏, issue 17): adding and removing are idempotent; the list is the member's
// own, newest first, paged; a product taken off sale stays listed, marked; only a product on sale can
// be added; at most 500 per member, also when two devices add the last one at once.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('favourites', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let buyer: RegisteredMember;
  let other: RegisteredMember;
  let products: number[];

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    buyer = await register(app);
    other = await register(app);
    products = [];
    for (const title of ['茶叶', '大米', '苹果']) products.push((await createProduct(app, owner, [{ priceFen: 990 }], title)).id);
  });
  afterAll(async () => app?.close());

  const list = async (m: RegisteredMember, query = '') => (await call(app, 'GET', `/api/me/favourites${query}`, { token: m.token })).body as { total: number; items: Array<{ productId: number; onSale: boolean; product: { title: string } }> };

  it('adding is idempotent; the product page can ask whether it is a favourite', async () => {
    const first = await call(app, 'PUT', `/api/me/favourites/${products[0]}`, { token: buyer.token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ productId: products[0], favourite: true });
    const again = await call(app, 'PUT', `/api/me/favourites/${products[0]}`, { token: buyer.token });
    expect(again.body).toEqual(first.body);
    expect((await call(app, 'GET', `/api/me/favourites/${products[0]}`, { token: buyer.token })).body).toEqual(first.body);
    expect((await call(app, 'GET', `/api/me/favourites/${products[1]}`, { token: buyer.token })).body).toEqual({ productId: products[1], favourite: false, favouritedAt: null });
    expect((await list(buyer)).total).toBe(1);
  });

  it('the list is newest first and paged', async () => {
    for (const id of [products[1], products[2]]) expect((await call(app, 'PUT', `/api/me/favourites/${id}`, { token: buyer.token })).status).toBe(200);
    const all = await list(buyer);
    expect(all.total).toBe(3);
    expect(all.items.map((f) => f.product.title)).toEqual(['苹果', '大米', '茶叶']);
    const firstPage = await list(buyer, '?limit=2');
    expect([firstPage.total, firstPage.items.map((f) => f.productId)]).toEqual([3, [products[2], products[1]]]);
    const secondPage = await list(buyer, '?limit=2&offset=2');
    expect(secondPage.items.map((f) => f.productId)).toEqual([products[0]]);
  });

  it('a product taken off sale stays listed, marked; one off sale cannot be added', async () => {
    expect((await call(app, 'PATCH', `/api/admin/products/${products[1]}`, { token: owner.token, body: { status: 'off_sale' } })).status).toBe(200);
    const items = (await list(buyer)).items;
    expect(items.map((f) => [f.productId, f.onSale])).toEqual([[products[2], true], [products[1], false], [products[0], true]]);
    // already a favourite: still answers as one
    expect((await call(app, 'PUT', `/api/me/favourites/${products[1]}`, { token: buyer.token })).body.favourite).toBe(true);
    const refused = await call(app, 'PUT', `/api/me/favourites/${products[1]}`, { token: other.token });
    expect([refused.status, refused.body.code]).toEqual([404, 'PRODUCT_NOT_FOUND']);
    expect((await list(other)).total).toBe(0);
  });

  it('removing is idempotent', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call(app, 'DELETE', `/api/me/favourites/${products[0]}`, { token: buyer.token });
      expect([res.status, res.body]).toEqual([200, { productId: products[0], favourite: false, favouritedAt: null }]);
    }
    expect((await list(buyer)).items.map((f) => f.productId)).toEqual([products[2], products[1]]);
  });

  it("a member sees and changes only their own favourites", async () => {
    expect((await call(app, 'PUT', `/api/me/favourites/${products[0]}`, { token: other.token })).status).toBe(200);
    // the other member removing what the buyer favourited touches only their own list
    expect((await call(app, 'DELETE', `/api/me/favourites/${products[2]}`, { token: other.token })).status).toBe(200);
    expect((await list(other)).items.map((f) => f.productId)).toEqual([products[0]]);
    expect((await list(buyer)).items.map((f) => f.productId)).toEqual([products[2], products[1]]);
    expect((await call(app, 'GET', `/api/me/favourites/${products[2]}`, { token: other.token })).body.favourite).toBe(false);
    expect((await call(app, 'GET', '/api/me/favourites')).status).toBe(401);
    expect((await call(app, 'PUT', `/api/me/favourites/${products[0]}`)).status).toBe(401);
  });

  it('bad input is a 4xx and changes nothing', async () => {
    const before = await list(buyer);
    for (const [method, path, status] of [
      ['PUT', '/api/me/favourites/abc', 400],
      ['PUT', '/api/me/favourites/0', 400],
      ['DELETE', '/api/me/favourites/-3', 400],
      ['PUT', '/api/me/favourites/999999', 404],
      ['GET', '/api/me/favourites?limit=0', 400],
      ['GET', '/api/me/favourites?limit=101', 400],
    ] as const) {
      const res = await call(app, method, path, { token: buyer.token });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(typeof res.body.code).toBe('string');
    }
    expect(await list(buyer)).toEqual(before);
  });

  it('keeps 500 at most (422 FAVOURITES_FULL), also when two devices add the last one at once', async () => {
    const full = await register(app);
    // 499 favourites of products taken off sale, written directly (500 products through the API would take minutes)
    const { db } = app.services;
    await sql`insert into products (title, status) select 'old ' || n, 'off_sale' from generate_series(1, 499) n`.execute(db);
    await sql`insert into member_favourites (member_id, product_id) select ${full.id}, id from products where title like 'old %'`.execute(db);
    const [a, b] = [(await createProduct(app, owner, [{ priceFen: 100 }], '最后一件甲')).id, (await createProduct(app, owner, [{ priceFen: 100 }], '最后一件乙')).id];
    const racing = await Promise.all([a, b].map((id) => call(app, 'PUT', `/api/me/favourites/${id}`, { token: full.token })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(racing.find((r) => r.status === 422)!.body).toMatchObject({ code: 'FAVOURITES_FULL', details: { max: 500 } });
    expect((await list(full, '?limit=1')).total).toBe(500);
    // one removed: room for one again
    const winner = racing.find((r) => r.status === 200)!.body.productId as number;
    await call(app, 'DELETE', `/api/me/favourites/${winner}`, { token: full.token });
    expect((await call(app, 'PUT', `/api/me/favourites/${winner === a ? b : a}`, { token: full.token })).status).toBe(200);
  });
});
