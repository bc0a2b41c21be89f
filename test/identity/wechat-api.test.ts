// The real WeChat adapter and token cache against the loopback fake in test/fakes/wechat.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatApi, WechatApiError, type WechatErrorKind } from '../../src/modules/identity/wechat-api.js';
import { MemoryAccessTokenStore, WechatAccessTokens } from '../../src/modules/identity/access-token-cache.js';
import { startWechatFake, type WechatFake, type WechatFakeUser } from '../fakes/wechat.js';

const OA = { appid: 'wx0a11111111111111', secret: 'oa-secret-3f9c2a7d1e', kind: 'oa' as const };
const OA2 = { appid: 'wx0a22222222222222', secret: 'oa2-secret-88d1c0b4aa', kind: 'oa' as const };
const MP = { appid: 'wx3b33333333333333', secret: 'mp-secret-5e0a9c6b2f', kind: 'mp' as const };
const CALLBACK = 'https://shop.example.com/wx/callback?from=menu';
const MIN = 60_000;

const alice: WechatFakeUser = { unionid: 'oUnion_alice_000000000000000', nickname: '爱丽丝', avatarUrl: 'https://thirdwx.qlogo.cn/alice/132' };

let fake: WechatFake;
let api: WechatApi;

beforeEach(async () => {
  fake = await startWechatFake({ apps: [OA, OA2, MP] });
  api = new WechatApi({ apiBase: fake.url, oauthBase: fake.url });
});
afterEach(() => fake.close());

/** What the browser does: open the authorize URL, follow WeChat's 302 back to us. */
async function browserAuthorize(scope: 'snsapi_base' | 'snsapi_userinfo', user = alice, appid = OA.appid) {
  fake.setOauthUser(appid, user);
  const res = await fetch(api.oauthAuthorizeUrl(appid, CALLBACK, scope, 'st4te9'), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  return { back, code: back.searchParams.get('code')!, state: back.searchParams.get('state') };
}

/** The WechatApiError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<WechatApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WechatApiError);
  return e as WechatApiError;
}

async function expectKind(p: Promise<unknown>, kind: WechatErrorKind, errcode?: number) {
  const e = await failure(p);
  expect(e.kind).toBe(kind);
  if (errcode !== undefined) expect(e.errcode).toBe(errcode);
  return e;
}

describe('OAuth2 authorize URL', () => {
  it('has WeChat’s documented shape: parameters in order, redirect_uri encoded, #wechat_redirect', () => {
    expect(new WechatApi().oauthAuthorizeUrl(OA.appid, CALLBACK, 'snsapi_base', 'abc123')).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx0a11111111111111' +
        '&redirect_uri=https%3A%2F%2Fshop.example.com%2Fwx%2Fcallback%3Ffrom%3Dmenu' +
        '&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect',
    );
    expect(api.oauthAuthorizeUrl(OA.appid, CALLBACK, 'snsapi_userinfo', '')).toMatch(
      new RegExp(`^${fake.url}/connect/oauth2/authorize\\?appid=.*&scope=snsapi_userinfo&state=#wechat_redirect$`),
    );
  });

  it('refuses a state WeChat would not carry back, and a relative redirect_uri', () => {
    expect(() => api.oauthAuthorizeUrl(OA.appid, CALLBACK, 'snsapi_base', 'a-b')).toThrow(RangeError);
    expect(() => api.oauthAuthorizeUrl(OA.appid, CALLBACK, 'snsapi_base', 'a'.repeat(129))).toThrow(RangeError);
    expect(api.oauthAuthorizeUrl(OA.appid, CALLBACK, 'snsapi_base', 'a'.repeat(128))).toContain('state=aaaa');
    expect(() => api.oauthAuthorizeUrl(OA.appid, '/wx/callback', 'snsapi_base', 's')).toThrow();
  });

  it('the fake redirects back with code and state, keeping the callback’s own query', async () => {
    const { back, code, state } = await browserAuthorize('snsapi_base');
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example.com/wx/callback');
    expect(back.searchParams.get('from')).toBe('menu');
    expect(state).toBe('st4te9');
    expect(code).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('the fake shows an error page for an unknown or mini-program appid, a bad scope or response_type', async () => {
    const page = async (qs: string) => {
      const res = await fetch(`${fake.url}/connect/oauth2/authorize?${qs}`, { redirect: 'manual' });
      return { status: res.status, text: await res.text() };
    };
    const cb = encodeURIComponent(CALLBACK);
    fake.setOauthUser(OA.appid, alice);
    expect(await page(`appid=wxnope&redirect_uri=${cb}&response_type=code&scope=snsapi_base`)).toEqual({ status: 400, text: 'appid参数错误' });
    expect((await page(`appid=${MP.appid}&redirect_uri=${cb}&response_type=code&scope=snsapi_base`)).status).toBe(400);
    expect((await page(`appid=${OA.appid}&redirect_uri=${cb}&response_type=code&scope=snsapi_login`)).text).toMatch(/scope/);
    expect((await page(`appid=${OA.appid}&redirect_uri=${cb}&response_type=token&scope=snsapi_base`)).status).toBe(400);
    expect((await page(`appid=${OA.appid}&response_type=code&scope=snsapi_base`)).text).toMatch(/redirect_uri/);
  });
});

describe('OAuth2 code exchange and userinfo', () => {
  it('snsapi_userinfo: code → user token → userinfo, unionid included', async () => {
    const { code } = await browserAuthorize('snsapi_userinfo');
    const t = await api.oauthExchangeCode(OA, code);
    expect(t).toMatchObject({ openid: fake.openidOf(OA.appid, alice), unionid: alice.unionid, scope: 'snsapi_userinfo', expiresInSeconds: 7200, isSnapshotUser: false });
    expect(t.accessToken).toBeTruthy();
    expect(t.refreshToken).toBeTruthy();
    expect(await api.oauthUserInfo(t.accessToken, t.openid)).toEqual({
      openid: t.openid,
      unionid: alice.unionid,
      nickname: '爱丽丝',
      avatarUrl: alice.avatarUrl,
    });
  });

  it('snsapi_base: openid only, and userinfo is refused (48001 → other)', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    const t = await api.oauthExchangeCode(OA, code);
    expect(t.openid).toBe(fake.openidOf(OA.appid, alice));
    expect(t.unionid).toBeUndefined();
    await expectKind(api.oauthUserInfo(t.accessToken, t.openid), 'other', 48001);
  });

  it('one person: different openids in the 公众号, another 公众号 and the mini-program, one unionid', async () => {
    const oa = await api.oauthExchangeCode(OA, (await browserAuthorize('snsapi_userinfo')).code);
    const oa2 = await api.oauthExchangeCode(OA2, (await browserAuthorize('snsapi_userinfo', alice, OA2.appid)).code);
    const mp = await api.code2Session(MP, fake.issueLoginCode(MP.appid, alice));
    expect(new Set([oa.openid, oa2.openid, mp.openid]).size).toBe(3);
    expect([oa.unionid, oa2.unionid, mp.unionid]).toEqual([alice.unionid, alice.unionid, alice.unionid]);
    // and the same person comes back with the same openid
    const again = await api.code2Session(MP, fake.issueLoginCode(MP.appid, alice));
    expect(again.openid).toBe(mp.openid);
  });

  it('a code is used once: the second exchange is 40163 → code_used', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    await api.oauthExchangeCode(OA, code);
    await expectKind(api.oauthExchangeCode(OA, code), 'code_used', 40163);
  });

  it('a code expires after 5 minutes (40029 → code_invalid), and works until then', async () => {
    const early = (await browserAuthorize('snsapi_base')).code;
    const late = (await browserAuthorize('snsapi_base')).code;
    fake.advance(5 * MIN - 1000);
    await expect(api.oauthExchangeCode(OA, early)).resolves.toMatchObject({ scope: 'snsapi_base' });
    fake.advance(1000);
    await expectKind(api.oauthExchangeCode(OA, late), 'code_invalid', 40029);
  });

  it('a code belongs to the appid that issued it; an unknown code is code_invalid too', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    await expectKind(api.oauthExchangeCode(OA2, code), 'code_invalid', 40029);
    await expectKind(api.oauthExchangeCode(OA, 'made-up-code'), 'code_invalid', 40029);
  });

  it('a wrong secret (40125) or unknown appid (40013) is credentials, and no error carries the secret', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    const wrong = await expectKind(api.oauthExchangeCode({ appid: OA.appid, secret: 'not-the-secret-x1' }, code), 'credentials', 40125);
    expect(wrong.message).not.toContain('not-the-secret-x1');
    expect(wrong.message).not.toContain(code);
    expect(wrong.path).toBe('/sns/oauth2/access_token');
    await expectKind(api.oauthExchangeCode({ appid: 'wxunknown', secret: OA.secret }, code), 'credentials', 40013);
    await expectKind(api.code2Session({ appid: '', secret: MP.secret }, 'c'), 'credentials', 41002);
  });

  it('an errmsg that echoes a secret or code is scrubbed', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    fake.failNext('/sns/oauth2/access_token', { errcode: 40164, errmsg: `invalid ip, secret=${OA.secret} code=${code}` });
    const e = await expectKind(api.oauthExchangeCode(OA, code), 'credentials', 40164);
    expect(e.message).not.toContain(OA.secret);
    expect(e.errmsg).not.toContain(code);
    expect(e.errmsg).toContain('***');
  });

  it('system busy (-1) → busy, quota (45011, 45009) → rate_limited; a failed call does not use the code', async () => {
    const { code } = await browserAuthorize('snsapi_base');
    fake.failNext('/sns/oauth2/access_token', { errcode: -1, errmsg: 'system error' });
    fake.failNext('/sns/oauth2/access_token', { errcode: 45011, errmsg: 'api minute-quota reach limit  mustslower  retry next minute' });
    fake.failNext('/sns/oauth2/access_token', { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    await expectKind(api.oauthExchangeCode(OA, code), 'busy', -1);
    await expectKind(api.oauthExchangeCode(OA, code), 'rate_limited', 45011);
    await expectKind(api.oauthExchangeCode(OA, code), 'rate_limited', 45009);
    await expect(api.oauthExchangeCode(OA, code)).resolves.toMatchObject({ openid: fake.openidOf(OA.appid, alice) });
  });

  it('non-200, a closed fake and a timeout are unavailable, without the secret in the message', async () => {
    fake.failNext('/sns/jscode2session', { httpStatus: 502 });
    const e502 = await expectKind(api.code2Session(MP, fake.issueLoginCode(MP.appid, alice)), 'unavailable', 0);
    expect(e502.errmsg).toBe('HTTP 502');

    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const slow = new WechatApi({ apiBase: fake.url, oauthBase: fake.url }, hanging, { timeoutMs: 50 });
    const timedOut = await expectKind(slow.code2Session(MP, 'c'), 'unavailable');
    expect(timedOut.errmsg).toMatch(/timeout after 50 ms/);

    await fake.close();
    const closed = await expectKind(api.code2Session(MP, 'c'), 'unavailable', 0);
    expect(closed.message).toMatch(/network error/);
    expect(closed.message).not.toContain(MP.secret);
  });
});

describe('mini-program: jscode2session and phone number', () => {
  it('code2Session gives openid, session key and unionid; a js_code is single use', async () => {
    const jsCode = fake.issueLoginCode(MP.appid, alice);
    const s = await api.code2Session(MP, jsCode);
    expect(s).toMatchObject({ openid: fake.openidOf(MP.appid, alice), unionid: alice.unionid });
    expect(Buffer.from(s.sessionKey, 'base64')).toHaveLength(16);
    await expectKind(api.code2Session(MP, jsCode), 'code_used', 40163);
    await expectKind(api.code2Session(OA, fake.issueLoginCode(OA.appid, alice)), 'other', 48001); // a 公众号 cannot
  });

  it('a user without unionid (app not bound to an open-platform account) has none', async () => {
    const bob = { nickname: 'Bob', avatarUrl: '' };
    const s = await api.code2Session(MP, fake.issueLoginCode(MP.appid, bob));
    expect(s.unionid).toBeUndefined();
    expect(s.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
  });

  it('getuserphonenumber with the stable token; a phone code is single use; expired token → token_expired', async () => {
    const { accessToken } = await api.stableAccessToken(MP, false);
    const code = fake.issuePhoneCode('13800138000');
    expect(await api.userPhoneNumber(accessToken, code)).toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    await expectKind(api.userPhoneNumber(accessToken, code), 'code_invalid', 40029);
    const hk = await api.userPhoneNumber(accessToken, fake.issuePhoneCode('51234567', { countryCode: '852' }));
    expect(hk).toEqual({ phoneNumber: '+85251234567', purePhoneNumber: '51234567', countryCode: '852' });

    fake.expireAccessTokens();
    const e = await expectKind(api.userPhoneNumber(accessToken, fake.issuePhoneCode('13800138000')), 'token_expired', 42001);
    expect(e.message).not.toContain(accessToken);
    await expectKind(api.userPhoneNumber('bogus', fake.issuePhoneCode('13800138000')), 'token_expired', 40001);
  });

  it('stable_token: the same token while valid; force_refresh replaces it and the old one is invalid at once', async () => {
    const a = await api.stableAccessToken(MP, false);
    fake.advance(10 * MIN);
    const b = await api.stableAccessToken(MP, false);
    expect(b.accessToken).toBe(a.accessToken);
    expect(b.expiresInSeconds).toBe(7200 - 600);
    const c = await api.stableAccessToken(MP, true);
    expect(c.accessToken).not.toBe(a.accessToken);
    await expectKind(api.userPhoneNumber(a.accessToken, fake.issuePhoneCode('13800138000')), 'token_expired', 40001);
    await expect(api.userPhoneNumber(c.accessToken, fake.issuePhoneCode('13800138000'))).resolves.toBeTruthy();
    await expectKind(api.stableAccessToken({ appid: MP.appid, secret: 'wrong-secret-zz' }, false), 'credentials', 40125);
    expect(fake.stableTokenCalls).toBe(4);
    expect(fake.forcedStableTokenCalls).toBe(1);
  });
});

describe('WechatAccessTokens', () => {
  const cache = (store = new MemoryAccessTokenStore()) => new WechatAccessTokens(api, store, { now: () => fake.now() });
  const phone = (token: string) => api.userPhoneNumber(token, fake.issuePhoneCode('13900139000'));

  it('concurrent callers share one stable_token call, later ones use the cached token', async () => {
    const tokens = cache();
    const got = await Promise.all([tokens.get(MP), tokens.get(MP), tokens.get(MP)]);
    expect(new Set(got).size).toBe(1);
    fake.advance(60 * MIN);
    expect(await tokens.get(MP)).toBe(got[0]);
    expect(fake.stableTokenCalls).toBe(1);
  });

  it('refreshes 5 minutes before expiry; the old token keeps working meanwhile', async () => {
    const tokens = cache();
    const t1 = await tokens.get(MP);
    fake.advance(7200_000 - 6 * MIN);
    expect(await tokens.get(MP)).toBe(t1);
    expect(fake.stableTokenCalls).toBe(1);
    fake.advance(2 * MIN); // 4 minutes left
    const t2 = await tokens.get(MP);
    expect(t2).not.toBe(t1);
    expect(fake.stableTokenCalls).toBe(2);
    expect(fake.forcedStableTokenCalls).toBe(0);
    await expect(phone(t1)).resolves.toBeTruthy();
  });

  it('when the early refresh fails it keeps serving the still-valid token; after expiry the failure shows', async () => {
    const tokens = cache();
    const t1 = await tokens.get(MP);
    fake.advance(7200_000 - 4 * MIN);
    fake.failNext('/cgi-bin/stable_token', { errcode: -1, errmsg: 'system error' });
    expect(await tokens.get(MP)).toBe(t1);
    fake.advance(4 * MIN);
    fake.failNext('/cgi-bin/stable_token', { errcode: -1, errmsg: 'system error' });
    await expectKind(tokens.get(MP), 'busy', -1);
    expect(await tokens.get(MP)).not.toBe(t1); // WeChat back: a new token
  });

  it('withToken: a token_expired answer forces one refresh and retries once', async () => {
    const tokens = cache();
    const t1 = await tokens.get(MP);
    fake.expireAccessTokens();
    const seen: string[] = [];
    const code = fake.issuePhoneCode('13900139000');
    const result = await tokens.withToken(MP, (t) => {
      seen.push(t);
      return api.userPhoneNumber(t, code);
    });
    expect(result.purePhoneNumber).toBe('13900139000');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(t1);
    expect(seen[1]).not.toBe(t1);
    expect(fake.forcedStableTokenCalls).toBe(1);
    expect(await tokens.get(MP)).toBe(seen[1]);
  });

  it('withToken: a second token_expired propagates; other errors are not retried', async () => {
    const tokens = cache();
    let calls = 0;
    const e = await expectKind(
      tokens.withToken(MP, async () => {
        calls++;
        throw new WechatApiError(40001, 'invalid credential', '/wxa/business/getuserphonenumber');
      }),
      'token_expired',
      40001,
    );
    expect(e.path).toBe('/wxa/business/getuserphonenumber');
    expect(calls).toBe(2);
    expect(fake.forcedStableTokenCalls).toBe(1);

    calls = 0;
    await expectKind(
      tokens.withToken(MP, async () => {
        calls++;
        throw new WechatApiError(-1, 'system error', '/wxa/business/getuserphonenumber');
      }),
      'busy',
    );
    expect(calls).toBe(1);
    expect(fake.forcedStableTokenCalls).toBe(1);
  });

  it('withToken: concurrent callers rejected with the same token share one force refresh', async () => {
    const tokens = cache();
    await tokens.get(MP);
    fake.expireAccessTokens();
    const results = await Promise.all([1, 2, 3].map(() => tokens.withToken(MP, phone)));
    expect(results.map((r) => r.purePhoneNumber)).toEqual(['13900139000', '13900139000', '13900139000']);
    expect(fake.forcedStableTokenCalls).toBe(1);
  });

  it('two instances sharing one store call stable_token once between them', async () => {
    const store = new MemoryAccessTokenStore();
    const a = cache(store);
    const b = new WechatAccessTokens(new WechatApi({ apiBase: fake.url, oauthBase: fake.url }), store, { now: () => fake.now() });
    const ta = await a.get(MP);
    const tb = await b.get(MP);
    expect(tb).toBe(ta);
    expect(fake.stableTokenCalls).toBe(1);
    // even racing on an empty store they end up with one token: that is what stable_token is for
    const [x, y] = await Promise.all([cache().get(OA), cache().get(OA)]);
    expect(x).toBe(y);
  });

  it('after one instance force-refreshed, the other takes the new token from the store instead of forcing again', async () => {
    const store = new MemoryAccessTokenStore();
    const a = cache(store);
    const b = cache(store);
    const t1 = await a.get(MP);
    expect(await b.get(MP)).toBe(t1);
    fake.expireAccessTokens();
    await a.withToken(MP, phone);
    const seenByB: string[] = [];
    await b.withToken(MP, (t) => {
      seenByB.push(t);
      return phone(t);
    });
    expect(seenByB[0]).toBe(t1);
    expect(seenByB[1]).toBe((await store.get(MP.appid))!.token);
    expect(fake.forcedStableTokenCalls).toBe(1);
    expect(fake.stableTokenCalls).toBe(2);
  });
});
