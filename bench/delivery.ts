// `npm run bench:delivery`: what a first visit downloads and how long it takes on a slow phone network.
// Starts the server with the demo on the embedded database (PGlite in memory, as `npm start` would,
// in-process), opens each page in Debian's Chromium with an empty cache under Lighthouse's slow-4G
// profile (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, through CDP's network emulation), and
// prints per page: the JavaScript and everything transferred (bytes on the wire, after compression),
// the bytes the scripts are once unpacked, the load event, and when the page's first real content
// shows (the shop's product cards, the console's login form). DELIVERY_RUNS (default 3) visits each;
// the median is printed.
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { createLogger, startApp } from '../src/app.js';
import { seedDemo } from '../src/demo/seed.js';
import { webPlugins } from '../src/http/web.js';
import { buildWeb } from '../scripts/build-web.js';
import { openTestDatabase, testConfig } from '../test/support/harness.js';
import { envInt, log } from './lib.js';

const RUNS = envInt('DELIVERY_RUNS', 3);
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const PAGES = [
  { name: 'shop /', path: '/', ready: '[data-testid=product-card]' },
  { name: 'console /admin/', path: '/admin/', ready: 'form input' },
];

interface Visit {
  jsWireBytes: number;
  jsBytes: number;
  allWireBytes: number;
  loadMs: number;
  readyMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

async function main() {
  buildWeb();
  const database = await openTestDatabase('pglite', undefined, { migrated: true });
  const app = await startApp({ config: testConfig({ jobIntervalMs: 0, devPaymentProvider: true }), logger: createLogger('silent'), database, plugins: webPlugins() });
  await seedDemo(app.services, { features: true });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    for (const page of PAGES) {
      const visits: Visit[] = [];
      for (let i = 0; i < RUNS; i++) visits.push(await visit(browser, `${base}${page.path}`, page.ready));
      log(
        `${page.name.padEnd(16)} JS ${kb(median(visits.map((v) => v.jsWireBytes)))} transferred (${kb(median(visits.map((v) => v.jsBytes)))} unpacked), ` +
          `all ${kb(median(visits.map((v) => v.allWireBytes)))}; slow 4G: load ${(median(visits.map((v) => v.loadMs)) / 1000).toFixed(2)} s, ` +
          `content ${(median(visits.map((v) => v.readyMs)) / 1000).toFixed(2)} s (median of ${RUNS})`,
      );
    }
  } finally {
    await browser.close();
    await app.close();
  }
}

async function visit(browser: import('playwright-core').Browser, url: string, ready: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  const types = new Map<string, string>();
  const sizes = { jsWireBytes: 0, jsBytes: 0, allWireBytes: 0 };
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.dataReceived', (e) => {
    if (types.get(e.requestId) === 'Script') sizes.jsBytes += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    sizes.allWireBytes += e.encodedDataLength;
    if (types.get(e.requestId) === 'Script') sizes.jsWireBytes += e.encodedDataLength;
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const loadMs = Date.now() - started;
  await page.locator(ready).first().waitFor({ timeout: 120_000 });
  const readyMs = Date.now() - started;
  // late scripts (lazy chunks) finish on their own; give them a moment before counting
  await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
  await context.close();
  return { ...sizes, loadMs, readyMs };
}

await main();
