// WeChat sign-in through the API against the loopback fake (test/fakes/wechat.ts): the 公众号 OAuth
// round trip (state, one-time ticket, share code, safe return path), the mini-program's silent login
// merged by unionid, the phone-number button, and WeChat failing (never a 500).
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, register } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { startWechatFake, type WechatFake, type WechatFakeUser } from '../fakes/wechat.js';

const OA = { appid: 'wx0a11111111111111', secret: 'oa-secret-3f9c2a7d1e', kind: 'oa' as const, redirectDomains: ['127.0.0.1'] };
const MP = { appid: 'wx3b33333333333333', secret: 'mp-secret-5e0a9c6b2f', kind: 'mp' as const };
const CALLBACK = 'http://127.0.0.1/api/auth/wechat/oauth/callback';

/** A person with a WeChat account (one unionid across the 公众号 and the mini-program). */
function person(nickname = '微信朋友'): WechatFakeUser {
  const id = randomBytes(8).toString('hex');
  return { unionid: `oUnion_${id}`, nickname, avatarUrl: `https://thirdwx.qlogo.cn/${id}/132` };
}

function location(res: { statusCode: number; headers: Record<string, unknown> }): string {
  expect(res.statusCode).toBe(302);
  return String(res.headers.location);
}

describeEachDatabase('identity: WeChat sign-in', (kind) => {
  let fake: WechatFake;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startWechatFake({ apps: [OA, MP] });
    app = await startTestApp(kind, {
      config: { publicUrl: 'http://127.0.0.1', wechat: { apiBase: fake.url, oauthBase: fake.url, oa: { appid: OA.appid, secret: OA.secret }, mp: { appid: MP.appid, secret: MP.secret } } },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  /** GET /oauth/start: where it sends the browser. */
  const start = async (query: Record<string, string>) => location(await app.http.inject({ method: 'GET', url: `/api/auth/wechat/oauth/start?${new URLSearchParams(query)}` }));

  /** The browser at WeChat's authorize page, signed in as `user`: WeChat's redirect back to us. */
  async function authorize(authorizeUrl: string, user: WechatFakeUser): Promise<URL> {
    fake.setOauthUser(OA.appid, user);
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  /** Our callback: where it sends the browser on. */
  const callback = async (back: URL) => location(await app.http.inject({ method: 'GET', url: `${back.pathname}${back.search}` }));

  /** The whole round trip: the page the browser lands on (with its fragment). */
  const roundTrip = async (user: WechatFakeUser, query: Record<string, string> = {}) => callback(await authorize(await start(query), user));

  const ticketIn = (landing: string) => /#fx_ticket=([A-Za-z0-9_-]+)$/.exec(landing)?.[1];
  const redeem = (ticket: string) => call(app, 'POST', '/api/auth/ticket', { body: { ticket } });

  async function oauthSignIn(user: WechatFakeUser, query: Record<string, string> = {}) {
    const ticket = ticketIn(await roundTrip(user, query));
    expect(ticket).toBeDefined();
    const res = await redeem(ticket!);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { token: string; refreshToken: string; member: Record<string, any> };
  }

  async function miniProgram(user: WechatFakeUser, extra: Record<string, string> = {}) {
    const res = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, user), ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { token: string; member: Record<string, any> };
  }

  it('the providers list shows both WeChat sign-ins', async () => {
    expect((await call(app, 'GET', '/api/auth/providers')).body).toEqual({ smsLogin: true, devSms: true, wechatOa: true, wechatMiniProgram: true });
  });

  it('start redirects to WeChat’s authorize page with our public callback and a fresh state', async () => {
    const url = await start({ returnTo: '/product/1' });
    const prefix = `${fake.url}/connect/oauth2/authorize?appid=${OA.appid}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=snsapi_base&state=`;
    expect(url.startsWith(prefix)).toBe(true);
    const state = url.slice(prefix.length).replace(/#wechat_redirect$/, '');
    expect(state).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await start({ returnTo: '/product/1' })).not.toBe(url);
    const back = await authorize(url, person());
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect(back.searchParams.get('state')).toBe(state);
  });

  it('the callback lands on the page with a ticket for a new member (no phone, 微信用户xxxx) bound to the inviter', async () => {
    const inviter = await register(app, { nickname: '邀请人' });
    const user = person();
    const landing = await roundTrip(user, { invite: inviter.inviteCode, returnTo: '/product/1' });
    expect(landing).toMatch(/^\/product\/1#fx_ticket=[A-Za-z0-9_-]{40,}$/);
    const res = await redeem(ticketIn(landing)!);
    expect(res.status).toBe(200);
    const openid = fake.openidOf(OA.appid, user);
    expect(res.body).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900 });
    expect(res.body.member).toMatchObject({ phone: null, nickname: `微信用户${openid.slice(-4)}`, hasPassword: false, mustChangePassword: false, wechat: ['oa'] });
    const me = await call(app, 'GET', '/api/me', { token: res.body.token });
    expect(me.body.referrer).toMatchObject({ id: inviter.id, nickname: '邀请人' });
  });

  it('a ticket works once (400 TICKET_INVALID)', async () => {
    const ticket = ticketIn(await roundTrip(person()))!;
    expect((await redeem(ticket)).status).toBe(200);
    const again = await redeem(ticket);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('TICKET_INVALID');
  });

  it('a ticket redeemed twice at once gives one session; a ticket older than 2 minutes gives none', async () => {
    const ticket = ticketIn(await roundTrip(person()))!;
    const results = await Promise.all([redeem(ticket), redeem(ticket), redeem(ticket)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    const late = ticketIn(await roundTrip(person()))!;
    await app.services.db.updateTable('login_tickets').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    expect((await redeem(late)).body.code).toBe('TICKET_INVALID');
  });

  it('a state older than 10 minutes lands with fx_wechat_error=OAUTH_STATE_INVALID', async () => {
    const back = await authorize(await start({}), person());
    await app.services.db.updateTable('wechat_oauth_states').set({ created_at: new Date(Date.now() - 11 * 60_000) }).where('state', '=', back.searchParams.get('state')!).execute();
    expect(await callback(back)).toBe('/#fx_wechat_error=OAUTH_STATE_INVALID');
  });

  it('a state works once: the same callback again lands with fx_wechat_error=OAUTH_STATE_INVALID', async () => {
    const back = await authorize(await start({ returnTo: '/me' }), person());
    expect(await callback(back)).toMatch(/^\/me#fx_ticket=/);
    expect(await callback(back)).toBe('/#fx_wechat_error=OAUTH_STATE_INVALID');
  });

  it('a WeChat code used once already lands with fx_wechat_error=WECHAT_CODE_INVALID', async () => {
    const user = person();
    const first = await authorize(await start({}), user);
    const secondState = new URL((await start({})).replace('#wechat_redirect', '')).searchParams.get('state')!;
    expect(await callback(first)).toMatch(/#fx_ticket=/);
    const replay = new URL(first);
    replay.searchParams.set('state', secondState);
    expect(await callback(replay)).toBe('/#fx_wechat_error=WECHAT_CODE_INVALID');
  });

  it('a returnTo off this site (//evil.com and the like) comes back to /', async () => {
    for (const returnTo of ['//evil.com', '//evil.com/product/1', 'https://evil.com/', '/\\evil.com', 'javascript:alert(1)']) {
      expect(await roundTrip(person(), { returnTo })).toMatch(/^\/#fx_ticket=/);
    }
  });

  it('a person who declines comes back signed out, told why', async () => {
    const state = new URL((await start({})).replace('#wechat_redirect', '')).searchParams.get('state')!;
    expect(location(await app.http.inject({ method: 'GET', url: `/api/auth/wechat/oauth/callback?state=${state}` }))).toBe('/#fx_wechat_error=WECHAT_LOGIN_DECLINED');
  });

  it('snsapi_userinfo takes the nickname and avatar; signing in again finds the same member', async () => {
    const user = person('小明同学');
    const first = await oauthSignIn(user, { scope: 'userinfo' });
    expect(first.member).toMatchObject({ nickname: '小明同学', avatarUrl: user.avatarUrl, phone: null });
    const again = await oauthSignIn(user);
    expect(again.member.id).toBe(first.member.id);
  });

  it('mini-program sign-in answers tokens for a new member, bound by the share code', async () => {
    const inviter = await register(app);
    const res = await miniProgram(person(), { inviteCode: inviter.inviteCode });
    expect(res).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900, member: { phone: null, wechat: ['mp'] } });
    expect((await call(app, 'GET', '/api/me', { token: res.token })).body.referrer.id).toBe(inviter.id);
  });

  it('the same person (same unionid) through the mini-program and the 公众号 is one member', async () => {
    const user = person('合并用户');
    const mp = await miniProgram(user);
    const oa = await oauthSignIn(user, { scope: 'userinfo' });
    expect(oa.member.id).toBe(mp.member.id);
    expect([...oa.member.wechat].sort()).toEqual(['mp', 'oa']);
    // and the other way round
    const other = person();
    const viaOa = await oauthSignIn(other, { scope: 'userinfo' });
    expect((await miniProgram(other)).member.id).toBe(viaOa.member.id);
    const identities = await app.services.db.selectFrom('member_wechat_identities').select('member_id').where('unionid', '=', user.unionid!).execute();
    expect(identities.map((r) => r.member_id)).toEqual([mp.member.id, mp.member.id]);
  });

  it('a used mini-program code is refused (400 WECHAT_CODE_INVALID)', async () => {
    const code = fake.issueLoginCode(MP.appid, person());
    expect((await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code } })).status).toBe(200);
    const again = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('WECHAT_CODE_INVALID');
  });

  it('the phone-number button binds the phone WeChat vouches for; SMS login then finds the same member', async () => {
    const { token, member } = await miniProgram(person());
    const phone = `138${String(randomInt(100_000_000)).padStart(8, '0')}`; // 139… is nextPhone()'s
    const res = await call(app, 'POST', '/api/me/wechat/phone', { token, body: { code: fake.issuePhoneCode(phone) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: member.id, phone, wechat: ['mp'] });
    const sms = await call(app, 'POST', '/api/auth/sms-codes', { body: { phone, purpose: 'login' } });
    const byPhone = await call(app, 'POST', '/api/auth/login/sms', { body: { phone, smsCode: sms.body.devCode } });
    expect(byPhone.body.member.id).toBe(member.id);
  });

  it('a phone already held by another member is refused (409 PHONE_TAKEN); a non-mainland one (400 PHONE_INVALID)', async () => {
    const holder = await register(app);
    const { token } = await miniProgram(person());
    const taken = await call(app, 'POST', '/api/me/wechat/phone', { token, body: { code: fake.issuePhoneCode(holder.phone) } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('PHONE_TAKEN');
    const abroad = await call(app, 'POST', '/api/me/wechat/phone', { token, body: { code: fake.issuePhoneCode('6123456789', { countryCode: '1' }) } });
    expect(abroad.status).toBe(400);
    expect(abroad.body.code).toBe('PHONE_INVALID');
    expect((await call(app, 'GET', '/api/me', { token })).body.phone).toBeNull();
  });

  it('WeChat limiting requests answers 429 WECHAT_BUSY; WeChat answering HTTP 502 answers 503 WECHAT_UNAVAILABLE', async () => {
    fake.failNext('/sns/jscode2session', { errcode: 45011, errmsg: 'api minute-quota reach limit' });
    const busy = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, person()) } });
    expect(busy.status).toBe(429);
    expect(busy.body.code).toBe('WECHAT_BUSY');
    fake.failNext('/sns/jscode2session', { httpStatus: 502 });
    const down = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, person()) } });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('WECHAT_UNAVAILABLE');
  });

  it('a disabled member cannot sign in by the mini-program (403 ACCOUNT_DISABLED) or the silent 公众号 sign-in', async () => {
    const owner = await register(app);
    await app.services.db.updateTable('members').set({ hq_role: 'owner' }).where('id', '=', owner.id).execute();
    const user = person();
    const { member } = await miniProgram(user);
    await oauthSignIn(user, { scope: 'userinfo' });
    expect((await call(app, 'POST', `/api/admin/members/${member.id}/disable`, { token: owner.token, body: { disabled: true, reason: '封禁测试' } })).status).toBe(204);
    const mp = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, user) } });
    expect(mp.status).toBe(403);
    expect(mp.body.code).toBe('ACCOUNT_DISABLED');
    expect(await roundTrip(user)).toBe('/#fx_wechat_error=ACCOUNT_DISABLED');
  });

  // last: the fake goes away
  it('WeChat unreachable answers 503 WECHAT_UNAVAILABLE (the OAuth callback lands with the code), never 500', async () => {
    const { token } = await miniProgram(person());
    const back = await authorize(await start({}), person());
    await fake.close();
    const mp = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: 'a-code-wechat-never-sees' } });
    expect(mp.status).toBe(503);
    expect(mp.body.code).toBe('WECHAT_UNAVAILABLE');
    const phone = await call(app, 'POST', '/api/me/wechat/phone', { token, body: { code: 'a-phone-code' } });
    expect(phone.status).toBe(503);
    expect(phone.body.code).toBe('WECHAT_UNAVAILABLE');
    expect(await callback(back)).toBe('/#fx_wechat_error=WECHAT_UNAVAILABLE');
  });
});
