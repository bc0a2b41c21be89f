// A distributor's mini-shop picks (选品, issue 15): a distributor picks products on sale in an order;
// its invite code's mini-shop shows them in that order; a product taken off sale drops out and comes
// back; a member who is not a distributor has no mini-shop; bad picks change nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { setRules } from '../support/rules-kit.js';

describeEachDatabase('mini-shop picks', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let distributor: RegisteredMember;
  let products: number[];

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    [distributor] = (await registerChain(app, 1)) as [RegisteredMember];
    products = [];
    for (const title of ['茶', '米', '油']) products.push((await createProduct(app, owner, [{ priceFen: 1_000 }], title)).id);
  });
  afterAll(async () => app?.close());

  const shop = async (code: string) => (await call(app, 'GET', `/api/shops/${code}/products`)).body as { picked: boolean; items: Array<{ id: number }> };

  it('no picks: the mini-shop shows the mall', async () => {
    expect(await shop(distributor.inviteCode)).toEqual({ picked: false, items: [] });
  });

  it('picks in order; the shop shows them in that order; off sale drops out and comes back', async () => {
    const [tea, rice, oil] = products as [number, number, number];
    const set = await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [oil, tea] } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([oil, tea]);
    expect((await call(app, 'PATCH', `/api/admin/products/${oil}`, { token: owner.token, body: { status: 'off_sale' } })).status).toBe(200);
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([tea]);
    const mine = await call(app, 'GET', '/api/me/showcase', { token: distributor.token });
    expect(mine.body.pickIds).toEqual([oil, tea]);
    // an off-sale product cannot be picked anew, and nothing changes
    const refused = await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [rice, oil] } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('SHOWCASE_PRODUCT_UNAVAILABLE');
    expect((await call(app, 'GET', '/api/me/showcase', { token: distributor.token })).body.pickIds).toEqual([oil, tea]);
    await call(app, 'PATCH', `/api/admin/products/${oil}`, { token: owner.token, body: { status: 'on_sale' } });
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([oil, tea]);
    // reorder and clear
    await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [tea, rice, oil] } });
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([tea, rice, oil]);
    await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [] } });
    expect(await shop(distributor.inviteCode)).toEqual({ picked: false, items: [] });
  });

  it('HQ decides what may be picked: a withdrawn product leaves every mini-shop, cannot be picked anew, and comes back when allowed again', async () => {
    const [tea, rice] = products as [number, number];
    await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [rice, tea] } });
    const withdrawn = await call(app, 'PATCH', `/api/admin/products/${rice}`, { token: owner.token, body: { selectable: false } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.selectable).toBe(false);
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([tea]);
    // the candidates the centre offers leave it out; the mall still sells it
    const candidates = (await call(app, 'GET', '/api/products?selectable=true&limit=100')).body.items.map((p: { id: number }) => p.id);
    expect(candidates).toContain(tea);
    expect(candidates).not.toContain(rice);
    expect((await call(app, 'GET', '/api/products?limit=100')).body.items.map((p: { id: number }) => p.id)).toContain(rice);
    const refused = await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [tea, rice] } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('SHOWCASE_PRODUCT_UNAVAILABLE');
    await call(app, 'PATCH', `/api/admin/products/${rice}`, { token: owner.token, body: { selectable: true } });
    expect((await shop(distributor.inviteCode)).items.map((p) => p.id)).toEqual([rice, tea]);
    await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [] } });
  });

  it('分享赚: the level-1 earning on each SKU under the rules in force, capped as an order would be', async () => {
    const product = await createProduct(app, owner, [{ priceFen: 1_000, name: '小' }, { priceFen: 2_999, name: '大' }], '分享茶');
    const earn = await call(app, 'GET', `/api/products/${product.id}/share-earning`, { token: distributor.token });
    expect(earn.status, JSON.stringify(earn.body)).toBe(200);
    // the default tier's level 1 is 10 %: 100 and floor(299.9) = 299
    expect(earn.body).toEqual({ eligible: true, minFen: 100, maxFen: 299, skus: [{ skuId: product.skus[0]!.id, amountFen: 100 }, { skuId: product.skus[1]!.id, amountFen: 299 }] });
    // a fixed override of 9 yuan per unit at level 1 on the small SKU, under a 30 % cap with 5 % and 3 % above it:
    // 900 + 50 + 30 = 980 > cap 300, so level 1 gets floor(900 × 300 / 980) = 275
    const current = (await call(app, 'GET', '/api/admin/rules', { token: owner.token })).body.current.config;
    await setRules(app, owner, { commission: { skuOverrides: { [String(product.skus[0]!.id)]: { mode: 'fixed', amountsFen: [900, 50, 30] } } } }, current, '分享赚测试');
    const capped = await call(app, 'GET', `/api/products/${product.id}/share-earning`, { token: distributor.token });
    expect(capped.body.skus[0]).toEqual({ skuId: product.skus[0]!.id, amountFen: 275 });
    const plain = await register(app);
    await app.services.db.updateTable('members').set({ distributor_status: 'none' }).where('id', '=', plain.id).execute();
    expect((await call(app, 'GET', `/api/products/${product.id}/share-earning`, { token: plain.token })).body).toMatchObject({ eligible: false, maxFen: 0 });
    expect((await call(app, 'GET', '/api/products/99999999/share-earning', { token: distributor.token })).status).toBe(404);
  });

  it('refuses duplicates, a non-distributor, an unknown code and bad bodies', async () => {
    const [tea] = products as [number];
    expect((await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: [tea, tea] } })).body.code).toBe('SHOWCASE_DUPLICATE');
    expect((await call(app, 'PUT', '/api/me/showcase', { token: distributor.token, body: { productIds: ['x'] } })).status).toBe(400);
    expect((await call(app, 'PUT', '/api/me/showcase', { body: { productIds: [tea] } })).status).toBe(401);
    const plain = await register(app);
    await app.services.db.updateTable('members').set({ distributor_status: 'none' }).where('id', '=', plain.id).execute();
    const notDistributor = await call(app, 'PUT', '/api/me/showcase', { token: plain.token, body: { productIds: [tea] } });
    expect(notDistributor.status).toBe(403);
    expect(notDistributor.body.code).toBe('NOT_A_DISTRIBUTOR');
    expect((await call(app, 'GET', '/api/shops/ZZZZZZZZ/products')).status).toBe(404);
  });
});
