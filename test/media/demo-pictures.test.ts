// The demo's product pictures (src/demo/pictures.ts): drawn as SVG on the first seed and stored through
// the media storage like uploads, so every demo product has a main picture, a gallery picture and a
// detail picture that load from /media as WebP.
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { call } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { fetchBytes } from '../support/media.js';

describeEachDatabase('demo product pictures', (kind) => {
  let app: TestApp;
  let seedMs = 0;
  beforeAll(async () => {
    app = await startTestApp(kind, { tickingClock: true });
    const started = performance.now();
    expect(await seedDemo(app.services, { features: false })).toBe(true);
    seedMs = performance.now() - started;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('gives every demo product a main, a gallery and a detail picture that load as WebP', async () => {
    const { items } = (await call(app, 'GET', '/api/products')).body as { items: Array<{ title: string; imageUrl: string; images: { main: any; gallery: any[]; detail: any[] } }> };
    expect(items.length).toBe(5);
    for (const p of items) {
      expect(p.images.main, p.title).not.toBeNull();
      expect(p.images.gallery.length, p.title).toBe(1);
      expect(p.images.detail.length, p.title).toBe(1);
      expect(p.imageUrl).toBe(p.images.main.large.url);
      expect(p.images.main.large).toMatchObject({ width: 1080, height: 1080 });
      expect(p.images.detail[0].large).toMatchObject({ width: 750, height: 1100 });
      const got = await fetchBytes(app, p.images.main.medium.url);
      expect(got.status).toBe(200);
      expect(await sharp(got.body).metadata()).toMatchObject({ format: 'webp', width: 540, height: 540 });
    }
    const rows = await app.services.db.selectFrom('media_assets').select(['source_format', 'uploaded_by']).execute();
    // three per product, and the bedding's two colours (its SKUs' own pictures)
    expect(rows.length).toBe(17);
    expect(rows.every((r) => r.source_format === 'svg' && r.uploaded_by === null)).toBe(true);
    // the whole core seed, pictures included (measured, not held to a bound: the machine is shared)
    console.log(`demo seed (core, with 17 pictures) on ${kind}: ${Math.round(seedMs)} ms`);
  });
});
