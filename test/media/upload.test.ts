// Picture uploads (issue 15): POST /api/admin/media takes a real picture made with sharp here, answers
// WebP renditions 1080 / 540 / 240 px wide (never upscaled), turned upright and without EXIF, stored in
// the data folder and served under /media with a year's cache; refuses what is not a picture (told by
// the bytes, whatever the name or type says), what is too big, and roles that may not; /media serves
// nothing outside its folder.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { fetchBytes, noisePng, phoneJpeg, pngPicture, upload } from '../support/media.js';

describeEachDatabase('picture uploads', (kind) => {
  let app: TestApp;
  let small: TestApp;
  let dataDir: string;
  let operator: RegisteredMember;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-media-'));
    // the media folder's neighbour: what a traversal would be after
    writeFileSync(join(dataDir, 'secret.webp'), 'not for the web');
    app = await startTestApp(kind, { config: { dataDir } });
    small = await startTestApp(kind, { config: { media: { maxBytes: 64 * 1024, publicBaseUrl: '/media' } } });
    operator = await hqMember(app, 'operator');
  });
  afterAll(async () => {
    await app?.close();
    await small?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a PNG as WebP renditions 1080, 540 and 240 px wide, served from /media with a long cache and no metadata', async () => {
    const png = await pngPicture(2000, 1500);
    const res = await upload(app, operator.token, { data: png, filename: 'photo.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ width: 2000, height: 1500, large: { width: 1080, height: 810 }, medium: { width: 540, height: 405 }, thumb: { width: 240, height: 180 } });
    for (const [name, width] of [['large', 1080], ['medium', 540], ['thumb', 240]] as const) {
      const url: string = res.body[name].url;
      expect(url).toMatch(/^\/media\/\d{4}\/\d{2}\/[A-Za-z0-9_-]+-\d+\.webp$/);
      const got = await fetchBytes(app, url);
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/webp');
      expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      const meta = await sharp(got.body).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(width);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      // the file itself is in DATA_DIR/media under its key
      expect(existsSync(join(dataDir, 'media', url.replace(/^\/media\//, '')))).toBe(true);
      // the key never changes: a browser that has it asks again only to hear 304
      const again = await fetchBytes(app, url, { 'if-none-match': String(got.headers.etag) });
      expect(again.status).toBe(304);
    }
    const row = await app.services.db.selectFrom('media_assets').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source_format: 'png', source_bytes: png.length, width: 2000, height: 1500, uploaded_by: operator.id });
  });

  it('turns a phone photo upright and drops its EXIF (camera, GPS position)', async () => {
    const jpeg = await phoneJpeg(1600, 800);
    const before = await sharp(jpeg).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes(Buffer.from('FenxiaoPhone'))).toBe(true);
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS IFD pointer tag
    // the name and the type sent say PNG: the bytes say JPEG, and they decide
    const res = await upload(app, operator.token, { data: jpeg, filename: 'IMG_0001.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ width: 800, height: 1600, large: { width: 800, height: 1600 }, medium: { width: 540, height: 1080 }, thumb: { width: 240, height: 480 } });
    const row = await app.services.db.selectFrom('media_assets').select('source_format').where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.source_format).toBe('jpeg');
    for (const name of ['large', 'medium', 'thumb']) {
      const got = await fetchBytes(app, res.body[name].url);
      const meta = await sharp(got.body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(got.body.includes(Buffer.from('FenxiaoPhone'))).toBe(false);
    }
  });

  it('never upscales: a small picture keeps its size, and equal renditions share one file', async () => {
    const res = await upload(app, operator.token, { data: await pngPicture(200, 150, { alpha: true }), filename: 'icon.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    for (const name of ['large', 'medium', 'thumb']) expect(res.body[name]).toMatchObject({ width: 200, height: 150 });
    expect(new Set([res.body.large.url, res.body.medium.url, res.body.thumb.url]).size).toBe(1);
    const meta = await sharp((await fetchBytes(app, res.body.thumb.url)).body).metadata();
    expect(meta.width).toBe(200);
    expect(meta.hasAlpha).toBe(true);
  });

  it('takes WebP and GIF, telling each by its bytes', async () => {
    const base = await pngPicture(600, 400);
    for (const [format, data] of [['webp', await sharp(base).webp().toBuffer()], ['gif', await sharp(base).gif().toBuffer()]] as const) {
      const res = await upload(app, operator.token, { data, filename: 'upload.bin', contentType: 'application/octet-stream' });
      expect(res.status).toBe(201);
      expect(res.body.large).toMatchObject({ width: 600, height: 400 });
      const row = await app.services.db.selectFrom('media_assets').select('source_format').where('id', '=', res.body.id).executeTakeFirstOrThrow();
      expect(row.source_format).toBe(format);
    }
  });

  it('refuses a text file named .png, a picture type it does not take, a damaged picture and a missing file', async () => {
    const text = await upload(app, operator.token, { data: 'hello, I am not a picture\n'.repeat(20), filename: 'cat.png', contentType: 'image/png' });
    expect(text).toMatchObject({ status: 400, body: { code: 'MEDIA_NOT_AN_IMAGE' } });
    const svg = await upload(app, operator.token, { data: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>', filename: 'x.png', contentType: 'image/png' });
    expect(svg).toMatchObject({ status: 400, body: { code: 'MEDIA_UNSUPPORTED_TYPE' } });
    const tiff = await upload(app, operator.token, { data: await sharp(await pngPicture(50, 50)).tiff().toBuffer(), filename: 'scan.jpg', contentType: 'image/jpeg' });
    expect(tiff).toMatchObject({ status: 400, body: { code: 'MEDIA_UNSUPPORTED_TYPE' } });
    const jpeg = await phoneJpeg(800, 600);
    const cut = await upload(app, operator.token, { data: jpeg.subarray(0, Math.floor(jpeg.length / 2)), filename: 'cut.jpg', contentType: 'image/jpeg' });
    expect(cut).toMatchObject({ status: 400, body: { code: 'MEDIA_NOT_AN_IMAGE' } });
    const none = await upload(app, operator.token, { field: 'note', data: 'just a field' });
    expect(none).toMatchObject({ status: 400, body: { code: 'MEDIA_FILE_REQUIRED' } });
    const json = await call(app, 'POST', '/api/admin/media', { token: operator.token, body: { url: 'https://example.com/a.png' } });
    expect(json).toMatchObject({ status: 400, body: { code: 'MEDIA_FILE_REQUIRED' } });
    // nothing was recorded for any of them
    expect(Number((await app.services.db.selectFrom('media_assets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(5);
  });

  it('refuses a file over MEDIA_MAX_BYTES with 413 while a smaller one passes', async () => {
    const owner = await hqMember(small, 'owner');
    const big = await noisePng(100 * 1024);
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect(await upload(small, owner.token, { data: big, filename: 'big.png', contentType: 'image/png' })).toMatchObject({ status: 413, body: { code: 'MEDIA_TOO_LARGE' } });
    expect((await upload(small, owner.token, { data: await noisePng(40 * 1024), filename: 'ok.png', contentType: 'image/png' })).status).toBe(201);
    // the default limit (10 MB) is far above the JSON body limit (1 MB): a 3 MB photo goes through
    const photo = await noisePng(3 * 1024 * 1024);
    expect((await upload(app, operator.token, { data: photo, filename: 'photo.png', contentType: 'image/png' })).status).toBe(201);
  });

  it('lets only the owner and operators upload', async () => {
    const picture = { data: await pngPicture(300, 300), filename: 'p.png', contentType: 'image/png' };
    for (const role of ['finance', 'support', 'auditor'] as const) {
      expect(await upload(app, (await hqMember(app, role)).token, picture)).toMatchObject({ status: 403 });
    }
    expect(await upload(app, (await register(app)).token, picture)).toMatchObject({ status: 403 });
    expect((await upload(app, undefined, picture)).status).toBe(401);
    expect((await upload(app, (await hqMember(app, 'owner')).token, picture)).status).toBe(201);
  });

  it('serves nothing outside the media folder, and nothing it does not hold', async () => {
    const uploaded = await upload(app, operator.token, { data: await pngPicture(300, 200), filename: 'p.png', contentType: 'image/png' });
    const key: string = uploaded.body.thumb.url.replace(/^\/media\//, '');
    for (const url of [
      '/media/../secret.webp',
      '/media/..%2Fsecret.webp',
      '/media/%2e%2e/secret.webp',
      '/media/%2e%2e%2fsecret.webp',
      '/media/..%5Csecret.webp',
      `/media/${key.split('/')[0]}/..%2F..%2Fsecret.webp`,
      '/media/%2Fetc%2Fpasswd',
      '/media//etc/passwd',
      '/media/jwt-secret',
      '/media/pglite/PG_VERSION',
      `/media/${key.replace('.webp', '.txt')}`,
      `/media/${key}%00.png`,
      '/media/2026/11/unknown-240.webp',
      '/media/',
    ]) {
      const res = await fetchBytes(app, url);
      expect(res.status, url).toBe(404);
      expect(res.body.toString()).not.toContain('not for the web');
    }
    expect((await fetchBytes(app, `/media/${key}`)).status).toBe(200);
  });
});
