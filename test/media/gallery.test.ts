// Product pictures (issue 15): HQ sets a product's main picture, gallery and detail pictures (详情图)
// as ordered ids of uploaded pictures; the console and the shop read them back in that order with
// every size's URL, and imageUrl follows the main picture's large one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { fetchBytes, pngPicture, upload } from '../support/media.js';

describeEachDatabase('product pictures', (kind) => {
  let app: TestApp;
  let operator: RegisteredMember;
  let productId: number;
  const pictures: number[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
    operator = await hqMember(app, 'operator');
    productId = (await createProduct(app, operator, [{ priceFen: 1_990 }], '带图的商品')).id;
    for (let i = 0; i < 5; i++) {
      const res = await upload(app, operator.token, { data: await pngPicture(1200 + i * 10, 900), filename: `p${i}.png`, contentType: 'image/png' });
      expect(res.status).toBe(201);
      pictures.push(res.body.id);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  const ids = (list: Array<{ id: number }>) => list.map((p) => p.id);

  it('a product starts with no pictures', async () => {
    const res = await call(app, 'GET', `/api/products/${productId}`);
    expect(res.body).toMatchObject({ imageUrl: null, images: { main: null, gallery: [], detail: [] } });
  });

  it('sets main, gallery and detail pictures and reads them back in order, in the shop and the console', async () => {
    const [a, b, c, d, e] = pictures;
    const set = await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: c, gallery: [e, a], detail: [d, b] } });
    expect(set.status).toBe(200);
    expect(set.body.images.main.id).toBe(c);
    expect(ids(set.body.images.gallery)).toEqual([e, a]);
    expect(ids(set.body.images.detail)).toEqual([d, b]);
    expect(set.body.imageUrl).toBe(set.body.images.main.large.url);

    const shop = await call(app, 'GET', `/api/products/${productId}`);
    expect(shop.status).toBe(200);
    expect(shop.body.images).toEqual(set.body.images);
    expect(shop.body.imageUrl).toBe(set.body.images.main.large.url);
    // every size of every picture is there and loads
    for (const image of [shop.body.images.main, ...shop.body.images.gallery, ...shop.body.images.detail]) {
      expect(image.large.width).toBe(1080);
      expect(image.medium.width).toBe(540);
      expect(image.thumb.width).toBe(240);
      expect((await fetchBytes(app, image.thumb.url)).status).toBe(200);
    }
    // the lists carry them too (cards use the thumb or medium size)
    const list = await call(app, 'GET', '/api/products');
    const inList = list.body.items.find((p: { id: number }) => p.id === productId);
    expect(inList.images.main.medium.url).toBe(shop.body.images.main.medium.url);
    expect(ids(inList.images.gallery)).toEqual([e, a]);
    const admin = await call(app, 'GET', '/api/admin/products', { token: operator.token });
    expect(admin.body.items.find((p: { id: number }) => p.id === productId).images).toEqual(shop.body.images);
    // the column kept for what reads it directly
    const row = await app.services.db.selectFrom('products').select('image_url').where('id', '=', productId).executeTakeFirstOrThrow();
    expect(row.image_url).toBe(set.body.images.main.large.url);
  });

  it('reorders, and without a main picture the first of the gallery is the main one', async () => {
    const [a, b, c] = pictures;
    const res = await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: null, gallery: [b, c, a], detail: [] } });
    expect(res.status).toBe(200);
    expect(res.body.images.main.id).toBe(b);
    expect(ids(res.body.images.gallery)).toEqual([c, a]);
    expect(res.body.images.detail).toEqual([]);
    expect(res.body.imageUrl).toBe(res.body.images.main.large.url);
  });

  it('refuses a picture twice, an unknown picture, an unknown product and roles that may not', async () => {
    const [a, b] = pictures;
    const before = (await call(app, 'GET', `/api/products/${productId}`)).body.images;
    expect(await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: a, gallery: [b], detail: [a] } })).toMatchObject({ status: 400, body: { code: 'PRODUCT_IMAGES_DUPLICATE' } });
    expect(await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: a, gallery: [999_999], detail: [] } })).toMatchObject({ status: 422, body: { code: 'MEDIA_NOT_FOUND' } });
    expect(await call(app, 'PUT', '/api/admin/products/999999/images', { token: operator.token, body: { main: a, gallery: [], detail: [] } })).toMatchObject({ status: 404, body: { code: 'PRODUCT_NOT_FOUND' } });
    expect((await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: a, gallery: Array.from({ length: 21 }, (_, i) => i + 1), detail: [] } })).status).toBe(400);
    for (const role of ['finance', 'support', 'auditor'] as const) {
      expect((await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: (await hqMember(app, role)).token, body: { main: a, gallery: [], detail: [] } })).status).toBe(403);
    }
    // nothing changed
    expect((await call(app, 'GET', `/api/products/${productId}`)).body.images).toEqual(before);
  });

  it('clears them: no pictures, imageUrl null', async () => {
    const res = await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: null, gallery: [], detail: [] } });
    expect(res.body).toMatchObject({ imageUrl: null, images: { main: null, gallery: [], detail: [] } });
    expect(await app.services.db.selectFrom('product_images').selectAll().where('product_id', '=', productId).execute()).toEqual([]);
  });

  it('a product off sale shows its pictures to no buyer', async () => {
    await call(app, 'PUT', `/api/admin/products/${productId}/images`, { token: operator.token, body: { main: pictures[0], gallery: [], detail: [] } });
    await call(app, 'PATCH', `/api/admin/products/${productId}`, { token: operator.token, body: { status: 'off_sale' } });
    expect((await call(app, 'GET', `/api/products/${productId}`)).status).toBe(404);
    expect((await call(app, 'GET', '/api/products')).body.items.some((p: { id: number }) => p.id === productId)).toBe(false);
  });
});
