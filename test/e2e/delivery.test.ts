// Delivery (issue 17): the web apps' files go out brotli- or gzip-compressed as the browser asks
// (compressed once at build time), content-hashed assets are cached for a year as immutable and
// index.html never; API answers are compressed on the fly past 1 KB, small ones and the live event
// stream never. Read as raw bytes (node:http, which does not unpack), then unpacked and compared.
// The figures (bytes and load on slow 4G) are `npm run bench:delivery`, in docs/performance.md.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/delivery.test.ts
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { DESKTOP, login, newContext, startWorld, stopWorld } from './world.js';

let base: string;

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, options: { firstChunkOnly?: boolean } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        // a stream that never ends (SSE): its headers and first bytes are enough
        if (options.firstChunkOnly) {
          req.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (e) => (options.firstChunkOnly ? undefined : reject(e)));
  });
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
});
afterAll(stopWorld);

describe('the web apps and the API on the wire', () => {
  for (const page of ['/', '/admin/']) {
    it(`${page}: index.html is never cached; its hashed scripts come brotli or gzip, immutable for a year, and unpack to the file`, async () => {
      const html = await get(page, { 'accept-encoding': 'br, gzip' });
      expect(html.status).toBe(200);
      expect(html.headers['cache-control']).toBe('no-cache');
      const text = (html.headers['content-encoding'] === 'br' ? brotliDecompressSync(html.body) : html.body).toString();
      const scripts = [...text.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      for (const src of scripts) {
        const plain = await get(src, { 'accept-encoding': 'identity' });
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        const br = await get(src, { 'accept-encoding': 'gzip, deflate, br' });
        expect(br.headers['content-encoding']).toBe('br');
        expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(br.headers.vary).toMatch(/accept-encoding/i);
        expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
        // a scripts bundle shrinks to well under half
        expect(br.body.length).toBeLessThan(plain.body.length / 2);
        const gz = await get(src, { 'accept-encoding': 'gzip' });
        expect(gz.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      }
    });
  }

  it('a client-side route falls back to index.html, not cached either', async () => {
    const res = await get('/admin/orders', { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toContain('<div id="root">');
  });

  it('API answers past 1 KB are compressed and unpack to the same JSON; a small one and the live stream are not', async () => {
    const plain = await get('/api/products?limit=50', { 'accept-encoding': 'identity' });
    const br = await get('/api/products?limit=50', { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    const gz = await get('/api/products?limit=50', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    const health = await get('/health', { 'accept-encoding': 'br' });
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(health.body.toString())).toEqual({ ok: true });
    const { token } = await login('13900000001');
    const events = await get(`/api/me/notifications/stream?access_token=${encodeURIComponent(token)}`, { 'accept-encoding': 'br, gzip', accept: 'text/event-stream' }, { firstChunkOnly: true });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.headers['content-encoding']).toBeUndefined();
  });
});

describe('the console downloads what it opens', () => {
  it('the login page loads neither the English strings nor the feature screens\' dictionaries; signing in loads the dictionaries, choosing English its strings', async () => {
    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    const loaded = (name: string) => scripts.some((p) => p.startsWith(`/admin/assets/${name}-`));
    await page.goto(`${base}/admin/`);
    await page.getByTestId('login-phone').waitFor();
    await page.waitForLoadState('networkidle');
    expect(loaded('index')).toBe(true);
    expect(loaded('i18n-en')).toBe(false);
    expect(loaded('dictionaries')).toBe(false);

    await page.getByTestId('login-phone').fill('13800000001');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();
    expect(loaded('dictionaries')).toBe(true);
    // a feature's menu label comes from its dictionary, in Chinese
    await expect.poll(() => page.getByTestId('side-menu').innerText()).toContain('数据洞察');
    expect(loaded('i18n-en')).toBe(false);

    await page.getByTestId('locale-switch').getByText('EN').click();
    await expect.poll(() => page.getByTestId('side-menu').innerText()).toContain('Insights');
    expect(loaded('i18n-en')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });
});
