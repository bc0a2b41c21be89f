// 小程序码 on posters against the loopback WeChat (test/fakes/wechat.ts): wxacode.getUnlimited with the
// member's invite code as the scene, drawn once and cached per member (a second request, on any
// instance, never calls WeChat), drawn again when the page setting changes; WeChat's refusals as clear
// answers; the mini-program poster carries the code, the H5 poster keeps its URL QR.
import { createRequire } from 'node:module';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_WECHAT_REACH, type WechatReachConfig } from '../../src/config-wechat.js';
import { createServices } from '../../src/services.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const MP = { appid: 'wx3b44444444444444', secret: 'mp-secret-0c1d2e3f4a', kind: 'mp' as const, releasedPages: ['pages/index/index', 'pages/shop/index'] };
const PATH = '/wxa/getwxacodeunlimit';

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.readUInt32BE(0)).toBe(0x89504e47);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The text of the QR code in a PNG (the fake draws its 小程序码 as a QR of what it was asked for). */
async function qrText(png: Buffer): Promise<string | undefined> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, image.width, image.height);
  return jsQR(new Uint8ClampedArray(pixels.data), image.width, image.height)?.data;
}

function reachWith(miniProgram: Partial<WechatReachConfig['miniProgram']>): WechatReachConfig {
  return { ...DEFAULT_WECHAT_REACH, miniProgram: { ...DEFAULT_WECHAT_REACH.miniProgram, ...miniProgram } };
}

describeEachDatabase('wechat-reach: 小程序码 on posters', (kind) => {
  let fake: WechatFake;
  let app: TestApp;
  let owner: RegisteredMember;
  let productId: number;

  const get = (token: string, url: string) => app.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    fake = await startWechatFake({ apps: [MP] });
    app = await startTestApp(kind, { config: { wechat: { apiBase: fake.url, oauthBase: fake.url, mp: { appid: MP.appid, secret: MP.secret } }, wechatReach: DEFAULT_WECHAT_REACH } });
    owner = await hqMember(app, 'owner');
    productId = (await createProduct(app, owner, [{ priceFen: 9_900 }], '滇红')).id;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('draws my code with my invite code as the scene, once: the second request comes from the cache', async () => {
    const me = await register(app);
    const before = fake.calls(PATH);
    const first = await get(me.token, '/api/me/mini-program-code.png');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/png');
    expect(pngSize(first.rawPayload)).toEqual({ width: 430, height: 430 });
    expect(fake.wxacodes.at(-1)).toEqual({ appid: MP.appid, scene: `i=${me.inviteCode}`, page: 'pages/index/index', check_path: true, env_version: 'release', width: 430 });
    expect(await qrText(first.rawPayload)).toBe(`wxacode:${MP.appid}:pages/index/index:i=${me.inviteCode}`);
    const second = await get(me.token, '/api/me/mini-program-code.png');
    expect(second.statusCode).toBe(200);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    // another instance on the same database reads the same cache
    const other = createServices({ db: app.services.db, config: app.services.config, log: app.services.log, clock: app.clock });
    expect((await other.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode })).equals(first.rawPayload)).toBe(true);
    expect(fake.calls(PATH) - before).toBe(1);
  });

  it('a product code carries the product in its scene; a product off sale is 404', async () => {
    const me = await register(app);
    const res = await get(me.token, `/api/me/mini-program-code.png?productId=${productId}`);
    expect(res.statusCode).toBe(200);
    expect(fake.wxacodes.at(-1)?.scene).toBe(`i=${me.inviteCode}&p=${productId}`);
    const missing = await get(me.token, '/api/me/mini-program-code.png?productId=999999');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).code).toBe('PRODUCT_NOT_FOUND');
  });

  it('a changed page setting draws the code again, and the new one is cached in its place', async () => {
    const me = await register(app);
    await get(me.token, '/api/me/mini-program-code.png');
    const before = fake.calls(PATH);
    const moved = createServices({ db: app.services.db, config: { ...app.services.config, wechatReach: reachWith({ codePage: 'pages/shop/index' }) }, log: app.services.log, clock: app.clock });
    const png = await moved.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode });
    expect(fake.calls(PATH) - before).toBe(1);
    expect(fake.wxacodes.at(-1)).toMatchObject({ scene: `i=${me.inviteCode}`, page: 'pages/shop/index' });
    expect(await qrText(png)).toBe(`wxacode:${MP.appid}:pages/shop/index:i=${me.inviteCode}`);
    expect((await moved.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode })).equals(png)).toBe(true);
    expect(fake.calls(PATH) - before).toBe(1);
    const rows = await app.services.db.selectFrom('wechat_mini_codes').select(['page']).where('member_id', '=', me.id).execute();
    expect(rows).toEqual([{ page: 'pages/shop/index' }]);
  });

  it('a page the released version lacks is refused by WeChat (41030) unless check_path is off', async () => {
    const me = await register(app);
    const strict = createServices({ db: app.services.db, config: { ...app.services.config, wechatReach: reachWith({ codePage: 'pages/new/index' }) }, log: app.services.log, clock: app.clock });
    await expect(strict.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode })).rejects.toMatchObject({ status: 503, code: 'MINI_PROGRAM_CODE_REFUSED' });
    const trial = createServices({ db: app.services.db, config: { ...app.services.config, wechatReach: reachWith({ codePage: 'pages/new/index', codeCheckPath: false, version: 'trial', codeWidth: 280 }) }, log: app.services.log, clock: app.clock });
    expect(pngSize(await trial.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode }))).toEqual({ width: 280, height: 280 });
    expect(fake.wxacodes.at(-1)).toMatchObject({ page: 'pages/new/index', check_path: false, env_version: 'trial', width: 280 });
  });

  it('WeChat busy is 503 WECHAT_UNAVAILABLE, its rate limit 429 WECHAT_BUSY; nothing is cached and the next try draws it', async () => {
    const me = await register(app);
    fake.failNext(PATH, { errcode: -1, errmsg: 'system error' });
    const busy = await get(me.token, '/api/me/mini-program-code.png');
    expect(busy.statusCode).toBe(503);
    expect(JSON.parse(busy.body).code).toBe('WECHAT_UNAVAILABLE');
    fake.failNext(PATH, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    const limited = await get(me.token, '/api/me/mini-program-code.png');
    expect(limited.statusCode).toBe(429);
    expect(JSON.parse(limited.body).code).toBe('WECHAT_BUSY');
    fake.failNext(PATH, { httpStatus: 502 });
    expect((await get(me.token, '/api/me/mini-program-code.png')).statusCode).toBe(503);
    expect((await get(me.token, '/api/me/mini-program-code.png')).statusCode).toBe(200);
  });

  it('a rejected (40001) or expired (42001) access token is replaced once and the code drawn under the new one', async () => {
    const me = await register(app);
    await get(me.token, `/api/me/mini-program-code.png?productId=${productId}`); // a token is cached
    const forced = fake.forcedStableTokenCalls;
    fake.failNext(PATH, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    expect((await get(me.token, '/api/me/mini-program-code.png')).statusCode).toBe(200);
    expect(fake.forcedStableTokenCalls).toBe(forced + 1);
    const other = await register(app);
    fake.advance(31_000); // WeChat allows a forced refresh 30 s after the last
    fake.expireAccessTokens();
    expect((await get(other.token, '/api/me/mini-program-code.png')).statusCode).toBe(200);
    expect(fake.forcedStableTokenCalls).toBe(forced + 2);
  });

  it('the mini-program poster carries my 小程序码 (from the cache); the H5 poster keeps the link’s QR and never asks WeChat', async () => {
    const me = await register(app);
    const before = fake.calls(PATH);
    const h5 = await get(me.token, `/api/me/poster.png?productId=${productId}`);
    expect(h5.statusCode).toBe(200);
    expect(await qrText(h5.rawPayload)).toMatch(new RegExp(`/s/${me.inviteCode}\\?p=${productId}$`));
    expect(fake.calls(PATH)).toBe(before);
    const mp = await get(me.token, `/api/me/poster.png?productId=${productId}&target=mini-program`);
    expect(mp.statusCode).toBe(200);
    expect(pngSize(mp.rawPayload)).toEqual({ width: 750, height: 1200 });
    expect(await qrText(mp.rawPayload)).toBe(`wxacode:${MP.appid}:pages/index/index:i=${me.inviteCode}&p=${productId}`);
    await get(me.token, `/api/me/poster.png?productId=${productId}&target=mini-program`);
    expect(fake.calls(PATH) - before).toBe(1);
    expect((await get(me.token, '/api/me/poster.png?target=app')).statusCode).toBe(400);
  });

  it('is only for a signed-in member, and 404 WECHAT_MP_NOT_CONFIGURED where there is no mini-program', async () => {
    expect((await call(app, 'GET', '/api/me/mini-program-code.png')).status).toBe(401);
    const me = await register(app);
    const bare = createServices({ db: app.services.db, config: { ...app.services.config, wechat: { apiBase: fake.url, oauthBase: fake.url } }, log: app.services.log, clock: app.clock });
    await expect(bare.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode })).rejects.toMatchObject({ status: 404, code: 'WECHAT_MP_NOT_CONFIGURED' });
  });
});
