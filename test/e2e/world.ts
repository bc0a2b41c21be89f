// What both browser suites share: the real server in-process (PGlite in memory, demo data) with the
// built web apps, Debian's Chromium through playwright-core, the API as the apps call it, and the
// screenshot and 375 px overflow checks.
import { mkdirSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger, startApp, type RunningApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import type { Clock } from '../../src/context.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.js';
import { webPlugins } from '../../src/http/web.js';
import { buildWeb } from '../../scripts/build-web.js';
import { openTestDatabase, testConfig } from '../support/harness.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'docs', 'screenshots');

export const MOBILE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: 'zh-CN' };

export interface World {
  app: RunningApp;
  base: string;
  browser: Browser;
}

let database: DatabaseHandle | undefined;
let world: World | undefined;
const contexts: BrowserContext[] = [];
/** every uncaught error of every page opened through newContext since this file's startWorld */
export const pageErrors: string[] = [];

/** Builds the web apps if their sources changed, starts the server with the demo, launches Chromium. */
/** port: listen there (0 = any); tests that must tell a provider fake the server's URL first pick one with freePort(). */
export async function startWorld(options: { features: boolean; config?: Partial<AppConfig>; port?: number; clock?: Clock }): Promise<World> {
  mkdirSync(SHOTS, { recursive: true });
  // builds web/shop and web/admin only when their sources are newer than the build (in-process:
  // the check is a few stat calls, where a tsx child took a second and more per file)
  buildWeb();
  // each file's own errors: the fork keeps this module from file to file
  pageErrors.length = 0;
  database = await openTestDatabase('pglite', undefined, { migrated: true });
  const app = await startApp({
    config: testConfig({ jobIntervalMs: 0, devPaymentProvider: true, ...options.config }),
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    database,
    plugins: webPlugins(),
    clock: options.clock,
  });
  expect(await seedDemo(app.services, { features: options.features })).toBe(true);
  await app.http.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  world = { app, base: `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`, browser };
  return world;
}

/** A loopback port free right now, so a server's URL can go into its config before it starts. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function stopWorld(): Promise<void> {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await world?.browser.close();
  await world?.app.close();
  await database?.close();
  world = undefined;
}

export function current(): World {
  if (!world) throw new Error('startWorld() first');
  return world;
}

// --- the API, as the shop and the console call it ---------------------------------------------

export async function api<T = any>(method: string, path: string, options: { token?: string; body?: unknown; expect?: number } = {}): Promise<T> {
  const res = await fetch(current().base + path, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  const wanted = options.expect ?? (method === 'GET' ? 200 : undefined);
  if (wanted !== undefined ? res.status !== wanted : res.status >= 400) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return body as T;
}

export async function login(phone: string) {
  return api<{ token: string; member: { id: number; inviteCode: string; nickname: string } }>('POST', '/api/auth/login', { body: { phone, password: DEMO_PASSWORD } });
}

// --- the browser ----------------------------------------------------------------------------------

export async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await current().browser.newContext(options);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  context.on('page', (page) => page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`)));
  contexts.push(context);
  return context;
}

/** A page whose app finds this token in its storage (console: fenxiao.admin.token, shop: fx_token), signed in from its first load. */
export async function signedIn(options: BrowserContextOptions, storageKey: 'fenxiao.admin.token' | 'fx_token', token: string): Promise<Page> {
  const context = await newContext(options);
  await context.addInitScript(
    ({ key, value }) => {
      if (location.protocol.startsWith('http') && !localStorage.getItem(key)) localStorage.setItem(key, value);
    },
    { key: storageKey, value: token },
  );
  return context.newPage();
}

/** The console signed in with this token, in this language (its own switch and the browser's). */
export async function consolePage(token: string, locale: 'zh' | 'en', options: BrowserContextOptions = DESKTOP): Promise<Page> {
  const context = await newContext({ ...options, locale: locale === 'zh' ? 'zh-CN' : 'en-US' });
  await context.addInitScript(
    ({ token, locale }) => {
      if (!location.protocol.startsWith('http')) return;
      if (!localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', token);
      localStorage.setItem('fenxiao.admin.locale', locale);
    },
    { token, locale },
  );
  return context.newPage();
}

/** A new member registered with the dev SMS code. */
export async function registerMember(phone: string, nickname: string) {
  const sms = await api<{ devCode: string }>('POST', '/api/auth/sms-codes', { body: { phone, purpose: 'register' } });
  const res = await api<{ token: string; member: { inviteCode: string } }>('POST', '/api/auth/register', { body: { phone, password: 'secret-pass-1', smsCode: sms.devCode, nickname } });
  return { token: res.token, inviteCode: res.member.inviteCode };
}

export async function shot(page: Page, name: string, options: { keepToasts?: boolean } = {}) {
  // animations off so the picture is stable; passing toasts ("登录成功", "注册成功") hidden, they are not the screen
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', style: options.keepToasts ? undefined : '.adm-toast-mask { display: none !important; }' });
}

/** A 375 px page must not scroll sideways; a failure names the outermost elements that stick out. */
export async function expectNoHorizontalOverflow(page: Page, label: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const culprits = width > 376 ? await page.evaluate(() => {
    const wide = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => el.getBoundingClientRect().right > 376);
    return wide.filter((el) => !wide.includes(el.parentElement!)).slice(0, 3).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}" testid=${el.dataset.testid ?? ''}> ${Math.round(el.getBoundingClientRect().right)}px`);
  }) : [];
  expect(width, `${label} is ${width}px wide at 375px: ${culprits.join('; ')}`).toBeLessThanOrEqual(375 + 1);
}
