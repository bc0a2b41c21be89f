// Specs (规格, issue 15): attributes generate the SKU matrix; each SKU has its own price, stock and
// picture; saving a new matrix keeps the SKU ids of the combinations that stay (orders and commission
// overrides name them), retires the dropped ones (never sold again, still on past orders) and revives
// a combination that comes back; a bad matrix is refused with a code and changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { pngPicture, upload } from '../support/media.js';

interface Sku {
  id: number;
  name: string;
  specValues: string[];
  priceFen: number;
  stock: number;
  image: { id: number; thumb: { url: string } } | null;
}
interface Product {
  id: number;
  specs: Array<{ name: string; values: string[] }>;
  skus: Sku[];
  selectable: boolean;
}

const COLOURS = { name: '颜色', values: ['红', '蓝'] };
const SIZES = { name: '尺码', values: ['S', 'M', 'L'] };

function matrix(colours: string[], sizes: string[], price: (c: string, s: string) => number = (_c, s) => (s === 'L' ? 2_200 : 2_000), imageOf: (c: string) => number | null = () => null) {
  return {
    attributes: [{ name: '颜色', values: colours }, { name: '尺码', values: sizes }],
    skus: colours.flatMap((c) => sizes.map((s) => ({ specValues: [c, s], priceFen: price(c, s), stock: 10, imageMediaId: imageOf(c) }))),
  };
}

describeEachDatabase('product specs', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
  });
  afterAll(async () => app?.close());

  const create = async (specs: unknown) => call<Product>(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '规格T恤', category: 'test', skus: [{ name: 'x', priceFen: 1, stock: 1 }], specs } });
  const putSpecs = async (id: number, specs: unknown) => call<Product>(app, 'PUT', `/api/admin/products/${id}/specs`, { token: owner.token, body: specs });
  const skuRows = async (productId: number) =>
    app.services.db.selectFrom('product_skus').select(['id', 'name', 'retired_at']).where('product_id', '=', productId).orderBy('id').execute();

  it('颜色 × 尺码 make six SKUs in matrix order, named by their values, with their own prices and pictures', async () => {
    const red = await upload(app, owner.token, { data: await pngPicture(300, 300), filename: 'red.png', contentType: 'image/png' });
    expect(red.status, JSON.stringify(red.body)).toBe(201);
    const res = await create(matrix(COLOURS.values, SIZES.values, undefined, (c) => (c === '红' ? red.body.id : null)));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.specs).toEqual([COLOURS, SIZES]);
    expect(res.body.skus.map((k) => k.name)).toEqual(['红 / S', '红 / M', '红 / L', '蓝 / S', '蓝 / M', '蓝 / L']);
    expect(res.body.skus.map((k) => k.specValues)).toEqual([['红', 'S'], ['红', 'M'], ['红', 'L'], ['蓝', 'S'], ['蓝', 'M'], ['蓝', 'L']]);
    expect(res.body.skus.map((k) => k.priceFen)).toEqual([2_000, 2_000, 2_200, 2_000, 2_000, 2_200]);
    expect(res.body.skus.map((k) => k.image?.id ?? null)).toEqual([red.body.id, red.body.id, red.body.id, null, null, null]);
    // the shop sees the same matrix
    const shop = await call<Product>(app, 'GET', `/api/products/${res.body.id}`);
    expect(shop.body.skus.map((k) => k.name)).toEqual(res.body.skus.map((k) => k.name));
  });

  it('a new matrix keeps the ids of the combinations that stay, retires the dropped ones, revives them when they return', async () => {
    const product = (await create(matrix(['红', '蓝'], ['S', 'M']))).body;
    const idOf = (p: Product, values: string[]) => p.skus.find((k) => k.specValues.join() === values.join())?.id;
    const redS = idOf(product, ['红', 'S'])!;
    const blueM = idOf(product, ['蓝', 'M'])!;
    // drop 蓝, add L, reprice 红 / S
    const next = await putSpecs(product.id, matrix(['红'], ['S', 'M', 'L'], (c, s) => (s === 'S' ? 1_500 : 2_000)));
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body.skus.map((k) => k.name)).toEqual(['红 / S', '红 / M', '红 / L']);
    expect(idOf(next.body, ['红', 'S'])).toBe(redS);
    expect(next.body.skus.find((k) => k.id === redS)!.priceFen).toBe(1_500);
    // audited with who, the SKUs before and after
    const audit = (await call(app, 'GET', '/api/admin/audit-log?action=product.specs&limit=1', { token: owner.token })).body.items[0];
    expect(audit).toMatchObject({ actorId: owner.id, targetType: 'product', targetId: String(product.id) });
    expect(audit.before.skus.map((k: { name: string }) => k.name)).toEqual(['红 / S', '红 / M', '蓝 / S', '蓝 / M']);
    expect(audit.after.skus).toContainEqual({ name: '红 / S', priceFen: 1_500, stock: 10 });
    const rows = await skuRows(product.id);
    expect(rows.filter((r) => r.retired_at !== null).map((r) => r.name).sort()).toEqual(['蓝 / M', '蓝 / S']);
    // a retired SKU is never sold: checkout answers 409 SKU_RETIRED and takes nothing
    const buyer = await register(app);
    const refused = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: blueM, quantity: 1 }], checkoutKey: `retired-${kind}` } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SKU_RETIRED');
    // 蓝 comes back: its old SKUs revive with their ids
    const back = await putSpecs(product.id, matrix(['红', '蓝'], ['S', 'M']));
    expect(idOf(back.body, ['蓝', 'M'])).toBe(blueM);
    expect((await skuRows(product.id)).filter((r) => r.retired_at !== null).map((r) => r.name)).toEqual(['红 / L']);
  });

  it('an order keeps the spec of what was bought, after the matrix changes', async () => {
    const product = (await create(matrix(['红', '蓝'], ['S']))).body;
    const [sharer] = await registerChain(app, 1);
    const buyer = await register(app, { inviteCode: sharer!.inviteCode });
    const blue = product.skus.find((k) => k.name === '蓝 / S')!;
    const order = await buyAndPay(app, buyer, [{ skuId: blue.id, quantity: 2 }]);
    expect(order.lines[0].title).toContain('蓝 / S');
    await putSpecs(product.id, matrix(['红'], ['S']));
    const after = await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after.body.lines[0].title).toContain('蓝 / S');
    expect(after.body.lines[0].skuId).toBe(blue.id);
  });

  it.each([
    ['a combination missing', { attributes: [COLOURS, SIZES], skus: matrix(['红', '蓝'], ['S', 'M', 'L']).skus.slice(1) }, 'SPEC_MATRIX_INCOMPLETE'],
    ['a combination twice', { attributes: [COLOURS], skus: [{ specValues: ['红'], priceFen: 1, stock: 1 }, { specValues: ['红'], priceFen: 2, stock: 1 }, { specValues: ['蓝'], priceFen: 1, stock: 1 }] }, 'SPEC_DUPLICATE'],
    ['a value outside its attribute', { attributes: [COLOURS], skus: [{ specValues: ['红'], priceFen: 1, stock: 1 }, { specValues: ['绿'], priceFen: 1, stock: 1 }] }, 'SPEC_VALUE_UNKNOWN'],
    ['an attribute named twice', { attributes: [COLOURS, COLOURS], skus: [{ specValues: ['红', '红'], priceFen: 1, stock: 1 }] }, 'SPEC_DUPLICATE'],
    ['a value listed twice', { attributes: [{ name: '颜色', values: ['红', '红'] }], skus: [{ specValues: ['红'], priceFen: 1, stock: 1 }] }, 'SPEC_DUPLICATE'],
    ['an attribute without values', { attributes: [{ name: '颜色', values: [] }], skus: [{ specValues: [], priceFen: 1, stock: 1 }] }, 'SPEC_NO_VALUES'],
    ['more SKUs than 200', { attributes: [{ name: 'a', values: Array.from({ length: 15 }, (_, i) => `a${i}`) }, { name: 'b', values: Array.from({ length: 14 }, (_, i) => `b${i}`) }], skus: [{ specValues: ['a0', 'b0'], priceFen: 1, stock: 1 }] }, 'SPEC_MATRIX_TOO_LARGE'],
    ['no attributes and two SKUs', { attributes: [], skus: [{ specValues: [], priceFen: 1, stock: 1 }, { specValues: [], priceFen: 2, stock: 1 }] }, 'SPEC_DUPLICATE'],
    ['a picture that was never uploaded', { attributes: [COLOURS], skus: [{ specValues: ['红'], priceFen: 1, stock: 1, imageMediaId: 99_999_999 }, { specValues: ['蓝'], priceFen: 1, stock: 1 }] }, 'MEDIA_NOT_FOUND'],
  ])('refused, changing nothing: %s', async (_label, specs, code) => {
    const product = (await create(matrix(['红'], ['S', 'M']))).body;
    const before = await skuRows(product.id);
    const res = await call(app, 'PUT', `/api/admin/products/${product.id}/specs`, { token: owner.token, body: specs });
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.code).toBe(code);
    expect(await skuRows(product.id)).toEqual(before);
    expect((await call<Product>(app, 'GET', `/api/products/${product.id}`)).body.specs).toEqual([{ name: '颜色', values: ['红'] }, { name: '尺码', values: ['S', 'M'] }]);
  });

  it('a product created with named SKUs gets one attribute, 规格; without attributes its one SKU keeps its name', async () => {
    const named = await call<Product>(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '茶', skus: [{ name: '生茶', priceFen: 100, stock: 1 }, { name: '熟茶', priceFen: 90, stock: 1 }] } });
    expect(named.body.specs).toEqual([{ name: '规格', values: ['生茶', '熟茶'] }]);
    expect(named.body.skus.map((k) => k.specValues)).toEqual([['生茶'], ['熟茶']]);
    // a SKU named by its values is renamed through the specs, not on its own
    const rename = await call(app, 'PATCH', `/api/admin/skus/${named.body.skus[0]!.id}`, { token: owner.token, body: { name: '新茶' } });
    expect(rename.status).toBe(422);
    expect(rename.body.code).toBe('SKU_NAME_FROM_SPECS');
    const single = (await call<Product>(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '米', skus: [{ name: '5kg 装', priceFen: 100, stock: 1 }] } })).body;
    expect(single.specs).toEqual([]);
    const repriced = await putSpecs(single.id, { attributes: [], skus: [{ specValues: [], priceFen: 120, stock: 5 }] });
    expect(repriced.body.skus).toMatchObject([{ id: single.skus[0]!.id, name: '5kg 装', priceFen: 120, stock: 5 }]);
    // a SKU's own price change is audited with its old and new price
    await call(app, 'PATCH', `/api/admin/skus/${single.skus[0]!.id}`, { token: owner.token, body: { priceFen: 150 } });
    const audit = (await call(app, 'GET', '/api/admin/audit-log?action=sku.update&limit=1', { token: owner.token })).body.items[0];
    expect(audit).toMatchObject({ actorId: owner.id, before: { price_fen: 120 }, after: { price_fen: 150 } });
  });

  it('only operators and the owner edit specs', async () => {
    const product = (await create(matrix(['红'], ['S']))).body;
    const finance = await hqMember(app, 'finance');
    const buyer = await register(app);
    expect((await call(app, 'PUT', `/api/admin/products/${product.id}/specs`, { token: finance.token, body: matrix(['蓝'], ['S']) })).status).toBe(403);
    expect((await call(app, 'PUT', `/api/admin/products/${product.id}/specs`, { token: buyer.token, body: matrix(['蓝'], ['S']) })).status).toBe(403);
    expect((await call(app, 'PUT', '/api/admin/products/99999999/specs', { token: owner.token, body: matrix(['蓝'], ['S']) })).status).toBe(404);
  });
});
