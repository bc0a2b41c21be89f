// The share poster carries the product's real picture: the uploaded main picture's bytes, read from
// the media storage (never fetched by URL), drawn cover-fit in the picture box; a data: URL set by
// hand when there are no uploads; the placeholder when there is neither or it does not decode. The
// price is the lowest SKU's and the QR is still the sharer's link.
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { PICTURE_BOX, posterPicture, type PosterInput } from '../../src/modules/posters/index.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { upload } from '../support/media.js';

// jsqr is CommonJS with a default export
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

type Rgb = { r: number; g: number; b: number };
const BLUE: Rgb = { r: 0, g: 0, b: 255 };
const RED: Rgb = { r: 255, g: 0, b: 0 };
const GREEN: Rgb = { r: 0, g: 200, b: 0 };
/** the placeholder's disc in the middle of the box (#ff8a3d) */
const PLACEHOLDER: Rgb = { r: 0xff, g: 0x8a, b: 0x3d };

const solid = (width: number, height: number, colour: Rgb) => sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

/** Bands of colour side by side (or one above the other), each `share` of the picture. */
async function bands(width: number, height: number, parts: Array<{ colour: Rgb; share: number }>, direction: 'across' | 'down'): Promise<Buffer> {
  const composites = [];
  let at = 0;
  for (const { colour, share } of parts) {
    const size = direction === 'across' ? { width: Math.round(width * share), height } : { width, height: Math.round(height * share) };
    composites.push({ input: await solid(size.width, size.height, colour), left: direction === 'across' ? at : 0, top: direction === 'down' ? at : 0 });
    at += direction === 'across' ? size.width : size.height;
  }
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite(composites).png().toBuffer();
}

interface Decoded {
  width: number;
  height: number;
  data: Buffer;
}

async function decode(png: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

function pixel(image: Decoded, x: number, y: number): Rgb {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  return { r: image.data[i], g: image.data[i + 1], b: image.data[i + 2] };
}

/** within a few levels on each channel (the stored renditions are lossy WebP) */
function expectColour(actual: Rgb, expected: Rgb, where: string) {
  const off = Math.max(Math.abs(actual.r - expected.r), Math.abs(actual.g - expected.g), Math.abs(actual.b - expected.b));
  expect(off, `${where}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`).toBeLessThanOrEqual(12);
}

const box = PICTURE_BOX;
const middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
/** just inside each edge of the box: where a stretched picture would show its outer bands */
const edges = {
  left: { x: box.x + 4, y: middle.y },
  right: { x: box.x + box.width - 5, y: middle.y },
  top: { x: middle.x, y: box.y + 4 },
  bottom: { x: middle.x, y: box.y + box.height - 5 },
};

describeEachDatabase('share poster: the product’s picture', (kind) => {
  let app: TestApp;
  let operator: RegisteredMember;
  let sharer: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    operator = await hqMember(app, 'operator');
    sharer = await register(app);
  });
  afterAll(async () => app?.close());
  afterEach(() => vi.restoreAllMocks());

  async function productWithMainPicture(picture: Buffer, skus: Array<{ priceFen: number }> = [{ priceFen: 1_990 }]) {
    const product = await createProduct(app, operator, skus, '有图的商品');
    const uploaded = await upload(app, operator.token, { data: picture, filename: 'main.png', contentType: 'image/png' });
    expect(uploaded.status).toBe(201);
    const set = await call(app, 'PUT', `/api/admin/products/${product.id}/images`, { token: operator.token, body: { main: uploaded.body.id, gallery: [], detail: [] } });
    expect(set.status).toBe(200);
    return product;
  }

  async function poster(productId: number): Promise<{ png: Buffer; image: Decoded }> {
    const res = await app.http.inject({ method: 'GET', url: `/api/me/poster.png?productId=${productId}`, headers: { authorization: `Bearer ${sharer.token}`, host: 'shop.example.test' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const image = await decode(res.rawPayload);
    expect({ width: image.width, height: image.height }).toEqual({ width: 750, height: 1200 });
    return { png: res.rawPayload, image };
  }

  it('draws the uploaded main picture (read from the media storage), with the lowest SKU price and the sharer’s QR', async () => {
    const product = await productWithMainPicture(await solid(800, 800, BLUE), [{ priceFen: 5_990 }, { priceFen: 1_990 }, { priceFen: 3_000 }]);
    const render = vi.spyOn(app.services.posters, 'render');
    const read = vi.spyOn(app.services.media, 'load');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { image } = await poster(product.id);

    expectColour(pixel(image, middle.x, middle.y), BLUE, 'middle of the picture box');
    // a square picture covers the wider box: blue to every edge, no letterbox bands
    for (const [name, at] of Object.entries(edges)) expectColour(pixel(image, at.x, at.y), BLUE, `${name} edge of the box`);
    // outside the box is the poster's background
    expectColour(pixel(image, box.x - 10, middle.y), { r: 0xff, g: 0xf7, b: 0xf0 }, 'left of the box');

    const input = render.mock.calls[0][0] as PosterInput;
    expect(input.product?.priceFen).toBe(1_990);
    expect(Buffer.isBuffer(input.product?.picture)).toBe(true);
    // the large rendition, read through the media service; nothing fetched over the network
    const main = (await call(app, 'GET', `/api/products/${product.id}`)).body.images.main;
    expect(read.mock.calls.map(([key]) => `/media/${key}`)).toEqual([main.large.url]);
    expect(fetchSpy).not.toHaveBeenCalled();

    const qr = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(qr?.data).toBe(`http://shop.example.test/s/${sharer.inviteCode}?p=${product.id}`);
  });

  it('crops a wide or a tall picture to the box (aspect kept) instead of stretching it', async () => {
    // wide 4:1: red | blue (the middle half) | green — covering the box shows only blue
    const wide = await productWithMainPicture(await bands(1600, 400, [{ colour: RED, share: 0.25 }, { colour: BLUE, share: 0.5 }, { colour: GREEN, share: 0.25 }], 'across'));
    const w = (await poster(wide.id)).image;
    for (const [name, at] of Object.entries({ middle, ...edges })) expectColour(pixel(w, at.x, at.y), BLUE, `wide picture, ${name}`);
    // tall 1:4: red above, green below
    const tall = await productWithMainPicture(await bands(400, 1600, [{ colour: RED, share: 0.25 }, { colour: BLUE, share: 0.5 }, { colour: GREEN, share: 0.25 }], 'down'));
    const t = (await poster(tall.id)).image;
    for (const [name, at] of Object.entries({ middle, ...edges })) expectColour(pixel(t, at.x, at.y), BLUE, `tall picture, ${name}`);
  });

  it('a product without pictures gets the placeholder; one with only a data: URL gets that picture', async () => {
    const bare = await createProduct(app, operator, [{ priceFen: 990 }], '无图的商品');
    const { image } = await poster(bare.id);
    expectColour(pixel(image, middle.x, middle.y), PLACEHOLDER, 'placeholder disc');
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(`http://shop.example.test/s/${sharer.inviteCode}?p=${bare.id}`);

    const dataUrl = `data:image/png;base64,${(await solid(16, 16, GREEN)).toString('base64')}`;
    expect((await call(app, 'PATCH', `/api/admin/products/${bare.id}`, { token: operator.token, body: { imageUrl: dataUrl } })).status).toBe(200);
    const withDataUrl = (await poster(bare.id)).image;
    expectColour(pixel(withDataUrl, middle.x, middle.y), GREEN, 'data: picture');
    expectColour(pixel(withDataUrl, edges.left.x, edges.left.y), GREEN, 'data: picture, left edge');
  });

  it('the mini-program variant carries its 小程序码 beside the picture', async () => {
    const picture = await sharp(await solid(800, 800, BLUE)).webp().toBuffer();
    const miniProgramCode = await QRCode.toBuffer('wxacode:test', { margin: 2, width: 240 });
    const png = await app.services.posters.render({ sharerName: 'x', shareUrl: 'http://shop.example.test/s/X', miniProgramCode, product: { title: 't', priceFen: 100, imageUrl: null, picture } });
    const image = await decode(png);
    expectColour(pixel(image, middle.x, middle.y), BLUE, 'picture beside the 小程序码');
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe('wxacode:test');
  });

  it('falls back to the placeholder when the picture does not decode or the storage does not hold it', async () => {
    const broken = await app.services.posters.render({ sharerName: 'x', shareUrl: 'http://shop.example.test/s/X', product: { title: 't', priceFen: 100, imageUrl: null, picture: Buffer.from('not a picture') } });
    expectColour(pixel(await decode(broken), middle.x, middle.y), PLACEHOLDER, 'undecodable bytes');

    const product = await productWithMainPicture(await solid(1200, 1200, BLUE));
    const main = (await call(app, 'GET', `/api/products/${product.id}`)).body.images.main;
    // a storage that has lost the object: no bytes, and only our keys are asked for
    const asked: string[] = [];
    const empty = { urlOf: (key: string) => app.services.media.urlOf(key), load: async (key: string) => (asked.push(key), undefined) };
    expect(await posterPicture(empty, main, app.services.log)).toBeUndefined();
    expect(asked).toEqual([main.large.url.replace('/media/', ''), main.medium.url.replace('/media/', '')]);
    const foreign = { ...main, large: { ...main.large, url: 'https://elsewhere.example/x-1080.webp' }, medium: { ...main.medium, url: 'https://elsewhere.example/x-540.webp' } };
    asked.length = 0;
    expect(await posterPicture(empty, foreign, app.services.log)).toBeUndefined();
    expect(asked).toEqual([]);
    // the large rendition missing: the medium one is drawn
    const mediumOnly = { urlOf: empty.urlOf, load: async (key: string) => (key.endsWith('-1080.webp') ? undefined : app.services.media.load(key)) };
    const bytes = await posterPicture(mediumOnly, main, app.services.log);
    expect((await sharp(bytes!).metadata()).width).toBe(540);
  });
});
