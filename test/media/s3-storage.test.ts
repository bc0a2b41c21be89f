// The S3 storage adapter against a loopback S3 (test/fakes/s3.ts: s3rver behind a gate that checks
// every request's Signature V4): objects land in the bucket with their content type and cache header, a wrong
// secret is refused, and an app configured for S3 answers URLs on MEDIA_PUBLIC_BASE_URL and serves
// nothing itself.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStoreError, S3MediaStorage } from '../../src/modules/media/index.js';
import { startS3Fake, type S3Fake } from '../fakes/s3.js';
import { hqMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { fetchBytes, pngPicture, upload } from '../support/media.js';

const PUBLIC = 'https://img.example.com/shop';

let s3: S3Fake;
beforeAll(async () => {
  s3 = await startS3Fake();
});
afterAll(async () => {
  await s3?.close();
});

describe('S3 media storage against s3rver', () => {
  it('puts an object with its content type and a year-long immutable cache header', async () => {
    const storage = new S3MediaStorage(s3.config);
    const refusedBefore = s3.refused.length;
    const body = await sharp(await pngPicture(64, 64)).webp().toBuffer();
    await storage.put('2026/11/adapter-test-64.webp', body, 'image/webp');
    const got = await s3.get('2026/11/adapter-test-64.webp');
    expect(got).toMatchObject({ contentType: 'image/webp', cacheControl: 'public, max-age=31536000, immutable' });
    expect(got!.body.equals(body)).toBe(true);
    // the gate recomputed and accepted both signatures (the put and the read back)
    expect(s3.refused.length).toBe(refusedBefore);
    storage.close();
  });

  it('is refused with a wrong secret (the signature does not match), and nothing lands', async () => {
    const storage = new S3MediaStorage({ ...s3.config, secretAccessKey: 'not-the-secret' });
    const error = await storage.put('2026/11/wrong-secret-1.webp', Buffer.from('x'), 'image/webp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaStoreError);
    expect(error).toMatchObject({ providerCode: 'SignatureDoesNotMatch', httpStatus: 403 });
    expect(await s3.get('2026/11/wrong-secret-1.webp')).toBeUndefined();
    expect(s3.refused).toContain('SignatureDoesNotMatch');
    const unknownKey = new S3MediaStorage({ ...s3.config, accessKeyId: 'NOBODY' });
    expect(await unknownKey.put('2026/11/wrong-key-1.webp', Buffer.from('x'), 'image/webp').catch((e: unknown) => e)).toMatchObject({ providerCode: 'InvalidAccessKeyId', httpStatus: 403 });
    storage.close();
    unknownKey.close();
  });

  it('loads an object back for the server (a poster), signed; an unknown key is no object', async () => {
    const storage = new S3MediaStorage(s3.config);
    const refusedBefore = s3.refused.length;
    const body = await sharp(await pngPicture(48, 48)).webp().toBuffer();
    await storage.put('2026/11/load-back-48.webp', body, 'image/webp');
    const loaded = await storage.load('2026/11/load-back-48.webp');
    expect(loaded?.contentType).toBe('image/webp');
    expect(loaded!.body.equals(body)).toBe(true);
    expect(await storage.load('2026/11/never-stored-48.webp')).toBeUndefined();
    expect(await storage.load('../escape.webp')).toBeUndefined();
    expect(s3.refused.length).toBe(refusedBefore);
    const wrong = new S3MediaStorage({ ...s3.config, secretAccessKey: 'not-the-secret' });
    expect(await wrong.load('2026/11/load-back-48.webp').catch((e: unknown) => e)).toMatchObject({ providerCode: 'SignatureDoesNotMatch', httpStatus: 403 });
    storage.close();
    wrong.close();
  });

  it('never writes a key that is not one of ours', async () => {
    const storage = new S3MediaStorage(s3.config);
    await expect(storage.put('../escape.webp', Buffer.from('x'), 'image/webp')).rejects.toThrow(/not a media key/);
    storage.close();
  });
});

describeEachDatabase('uploads to S3', (kind) => {
  let app: TestApp;
  let refused: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { config: { media: { maxBytes: 10 * 1024 * 1024, publicBaseUrl: PUBLIC, s3: s3.config } } });
    refused = await startTestApp(kind, { config: { media: { maxBytes: 10 * 1024 * 1024, publicBaseUrl: PUBLIC, s3: { ...s3.config, secretAccessKey: 'wrong' } } } });
  });
  afterAll(async () => {
    await app?.close();
    await refused?.close();
  });

  it('stores every rendition in the bucket and answers URLs on the public base', async () => {
    const owner = await hqMember(app, 'owner');
    const res = await upload(app, owner.token, { data: await pngPicture(1500, 1000), filename: 'a.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    for (const [name, width] of [['large', 1080], ['medium', 540], ['thumb', 240]] as const) {
      const url: string = res.body[name].url;
      expect(url.startsWith(`${PUBLIC}/`)).toBe(true);
      const object = await s3.get(url.slice(PUBLIC.length + 1));
      expect(object?.contentType).toBe('image/webp');
      expect(object?.cacheControl).toBe('public, max-age=31536000, immutable');
      const meta = await sharp(object!.body).metadata();
      expect(meta).toMatchObject({ format: 'webp', width });
      expect(meta.exif).toBeUndefined();
      // the browser loads it from the bucket's address: this server does not serve it
      expect((await fetchBytes(app, `/media/${url.slice(PUBLIC.length + 1)}`)).status).toBe(404);
    }
  });

  it('answers 502 MEDIA_STORAGE_FAILED when the bucket refuses, and records nothing', async () => {
    const owner = await hqMember(refused, 'owner');
    const res = await upload(refused, owner.token, { data: await pngPicture(300, 300), filename: 'a.png', contentType: 'image/png' });
    expect(res).toMatchObject({ status: 502, body: { code: 'MEDIA_STORAGE_FAILED' } });
    expect(await refused.services.db.selectFrom('media_assets').selectAll().execute()).toEqual([]);
  });
});
