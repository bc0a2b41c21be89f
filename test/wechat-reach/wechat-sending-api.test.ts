// The WeChat adapter's sending calls (wxacode.getUnlimited, subscribe and template messages) against the
// loopback fake, which checks every parameter and the access token as WeChat documents them; and which
// failures may have reached WeChat (maybeDelivered) — the one thing a resend must know.
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatApi, WechatApiError } from '../../src/modules/identity/wechat-api.js';
import { startWechatFake, type WechatFake, type WechatFakeUser } from '../fakes/wechat.js';

const TPL = 'tplSubscribeIncome';
const OA_TPL = 'tplOaIncome';
const MP = { appid: 'wx3b77777777777777', secret: 'mp-secret-aa11bb22cc', kind: 'mp' as const, releasedPages: ['pages/index/index'], subscribeTemplates: { [TPL]: ['thing1', 'amount2'] } };
const OA = { appid: 'wx0a77777777777777', secret: 'oa-secret-dd33ee44ff', kind: 'oa' as const, templates: { [OA_TPL]: ['amount1'] } };
const bob: WechatFakeUser = { unionid: 'oUnion_bob_0000000000000000000', nickname: '鲍勃', avatarUrl: 'https://thirdwx.qlogo.cn/bob/132' };

let fake: WechatFake;
let api: WechatApi;
let mpToken: string;
let oaToken: string;
let openid: string;

async function failure(p: Promise<unknown>): Promise<WechatApiError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(WechatApiError);
  return e as WechatApiError;
}

beforeEach(async () => {
  fake = await startWechatFake({ apps: [MP, OA] });
  api = new WechatApi({ apiBase: fake.url, oauthBase: fake.url });
  mpToken = (await api.stableAccessToken(MP, false)).accessToken;
  oaToken = (await api.stableAccessToken(OA, false)).accessToken;
  openid = (await api.code2Session(MP, fake.issueLoginCode(MP.appid, bob))).openid;
});
afterEach(() => fake.close());

describe('wxacode.getUnlimited', () => {
  it('answers a JPEG (a PNG with is_hyaline) of the width asked for', async () => {
    const image = await api.wxacodeUnlimited(mpToken, { scene: 'i=ABCD2345', page: 'pages/index/index', check_path: true, env_version: 'release', width: 300 });
    expect(image.contentType).toBe('image/jpeg');
    expect(fake.wxacodes.at(-1)).toEqual({ appid: MP.appid, scene: 'i=ABCD2345', page: 'pages/index/index', check_path: true, env_version: 'release', width: 300 });
  });

  it('refuses as WeChat does: scene length 40169, scene characters 40129, page 41030, env_version 40097, token 40001/41001, a 公众号 token 48001', async () => {
    expect((await failure(api.wxacodeUnlimited(mpToken, { scene: 'x'.repeat(33) }))).errcode).toBe(40169);
    expect((await failure(api.wxacodeUnlimited(mpToken, { scene: 'i=中文' }))).errcode).toBe(40129);
    expect((await failure(api.wxacodeUnlimited(mpToken, { scene: 'i=A', page: '/pages/index/index' }))).errcode).toBe(41030);
    expect((await failure(api.wxacodeUnlimited(mpToken, { scene: 'i=A', page: 'pages/unreleased/index' }))).errcode).toBe(41030);
    expect((await api.wxacodeUnlimited(mpToken, { scene: 'i=A', page: 'pages/unreleased/index', check_path: false })).contentType).toBe('image/jpeg');
    expect((await failure(api.wxacodeUnlimited(mpToken, { scene: 'i=A', env_version: 'beta' as 'trial' }))).errcode).toBe(40097);
    const bad = await failure(api.wxacodeUnlimited('not-a-token', { scene: 'i=A' }));
    expect([bad.errcode, bad.kind]).toEqual([40001, 'token_expired']);
    expect((await failure(api.wxacodeUnlimited('', { scene: 'i=A' }))).errcode).toBe(41001);
    expect((await failure(api.wxacodeUnlimited(oaToken, { scene: 'i=A' }))).errcode).toBe(48001);
  });
});

describe('subscribeMessage.send', () => {
  const message = (over: Record<string, unknown> = {}) => ({ touser: openid, template_id: TPL, page: 'pages/index/index?from=alert', data: { thing1: { value: '一级佣金' }, amount2: { value: '¥10.00' } }, miniprogram_state: 'formal' as const, lang: 'zh_CN' as const, ...over });

  it('sends under one one-time subscription; without one it is 43101', async () => {
    fake.acceptSubscription(MP.appid, bob, TPL);
    await api.sendSubscribeMessage(mpToken, message());
    expect(fake.subscribeMessages).toHaveLength(1);
    const refused = await failure(api.sendSubscribeMessage(mpToken, message()));
    expect([refused.errcode, refused.maybeDelivered]).toEqual([43101, false]);
  });

  it('checks every parameter: openid 40003, template 40037, data 47003 (naming the field), page 41030, miniprogram_state 47003', async () => {
    for (let i = 0; i < 6; i++) fake.acceptSubscription(MP.appid, bob, TPL);
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ touser: 'oUnknownOpenid' })))).errcode).toBe(40003);
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ template_id: 'other' })))).errcode).toBe(40037);
    const data = await failure(api.sendSubscribeMessage(mpToken, message({ data: { thing1: { value: '一'.repeat(21) }, amount2: { value: '¥1' } } })));
    expect([data.errcode, data.errmsg]).toEqual([47003, expect.stringContaining('data.thing1.value')]);
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ data: { thing1: { value: 'x' }, amount2: { value: '10.00' } } })))).errmsg).toContain('data.amount2.value');
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ data: { thing1: { value: 'x' } } })))).errcode).toBe(47003);
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ page: 'pages/missing/index' })))).errcode).toBe(41030);
    expect((await failure(api.sendSubscribeMessage(mpToken, message({ miniprogram_state: 'beta' })))).errcode).toBe(47003);
    expect(fake.subscribeMessages).toHaveLength(0);
  });
});

describe('the 公众号 template message', () => {
  const message = (over: Record<string, unknown> = {}) => ({ touser: oaOpenid, template_id: OA_TPL, url: 'https://shop.example.com/', data: { amount1: { value: '¥10.00' } }, client_msg_id: 'fx-alert-1', ...over });
  let oaOpenid: string;

  beforeEach(async () => {
    fake.setOauthUser(OA.appid, bob);
    const res = await fetch(api.oauthAuthorizeUrl(OA.appid, 'https://shop.example.com/cb', 'snsapi_base', 's'), { redirect: 'manual' });
    oaOpenid = (await api.oauthExchangeCode(OA, new URL(res.headers.get('location')!).searchParams.get('code')!)).openid;
  });

  it('reaches a follower, once per client_msg_id within 10 minutes; a non-follower is 43004', async () => {
    expect((await failure(api.sendTemplateMessage(oaToken, message()))).errcode).toBe(43004);
    fake.setFollowing(OA.appid, bob, true);
    const first = await api.sendTemplateMessage(oaToken, message());
    expect(first.msgid).toMatch(/^\d+$/);
    expect(await api.sendTemplateMessage(oaToken, message())).toEqual(first);
    expect(fake.templateMessages).toHaveLength(1);
    fake.advance(10 * 60_000);
    expect((await api.sendTemplateMessage(oaToken, message())).msgid).not.toBe(first.msgid);
    expect(fake.templateMessages).toHaveLength(2);
    expect((await failure(api.sendTemplateMessage(mpToken, message()))).errcode).toBe(48001);
  });
});

describe('which failures may have reached WeChat', () => {
  it('a dropped connection after WeChat acted may have; an HTTP error, an errcode or a refused connection has not', async () => {
    fake.acceptSubscription(MP.appid, bob, TPL);
    fake.acceptSubscription(MP.appid, bob, TPL);
    const msg = { touser: openid, template_id: TPL, data: { thing1: { value: 'x' }, amount2: { value: '¥1' } } };
    fake.failNext('/cgi-bin/message/subscribe/send', { dropAfterHandling: true });
    const dropped = await failure(api.sendSubscribeMessage(mpToken, msg));
    expect([dropped.kind, dropped.maybeDelivered]).toEqual(['unavailable', true]);
    expect(fake.subscribeMessages).toHaveLength(1); // WeChat did send it
    fake.failNext('/cgi-bin/message/subscribe/send', { httpStatus: 503 });
    expect((await failure(api.sendSubscribeMessage(mpToken, msg))).maybeDelivered).toBe(false);
    fake.failNext('/cgi-bin/message/subscribe/send', { errcode: -1, errmsg: 'system error' });
    const busy = await failure(api.sendSubscribeMessage(mpToken, msg));
    expect([busy.kind, busy.maybeDelivered]).toEqual(['busy', false]);
    const nobody = createServer();
    await new Promise<void>((resolve) => nobody.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(nobody.address() as AddressInfo).port}`;
    await new Promise((resolve) => nobody.close(resolve)); // nothing listens there now
    const refused = await failure(new WechatApi({ apiBase: url, oauthBase: url }).sendSubscribeMessage(mpToken, msg));
    expect([refused.kind, refused.maybeDelivered]).toEqual(['unavailable', false]);
  });
});
