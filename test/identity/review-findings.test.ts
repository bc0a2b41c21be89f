// Five holes a review of the identity code found, each failing before its fix: a bodiless logout,
// a stale MFA challenge, an SMS refusal spending the phone's allowance, a disabled member's WeChat
// profile sign-in, and an old copied refresh token.
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, hqMember, nextPhone, register } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';

const OA = { appid: 'wx0a11111111111111', secret: 'oa-secret-3f9c2a7d1e', kind: 'oa' as const };

describeEachDatabase('identity: review findings', (kind) => {
  let app: TestApp;
  let fake: WechatFake;
  beforeAll(async () => {
    fake = await startWechatFake({ apps: [OA] });
    app = await startTestApp(kind, { config: { publicUrl: 'http://127.0.0.1', limits: { smsPerIpPerHour: 1, smsGlobalPerMinute: 1000, loginPerIpPerMinute: 1000, loginGlobalPerMinute: 1000 }, wechat: { apiBase: fake.url, oauthBase: fake.url, oa: { appid: OA.appid, secret: OA.secret } } } });
  });
  afterAll(async () => { await app?.close(); await fake?.close(); });
  const login = (phone: string) => call(app, 'POST', '/api/auth/login', { body: { phone, password: 'secret-pass-1' } });
  const smsFrom = async (ip: string, phone: string) => { const r = await app.http.inject({ method: 'POST', url: '/api/auth/sms-codes', remoteAddress: ip, payload: { phone, purpose: 'login' } }); return { status: r.statusCode, body: r.json() }; };

  it('POST /api/auth/logout without a body ends the session (204)', async () => {
    app.clock.advanceMs(7200_000);
    const m = await register(app);
    const out = await call(app, 'POST', '/api/auth/logout', { token: m.token });
    expect(out.status, JSON.stringify(out.body)).toBe(204);
  });

  it('an MFA challenge issued before logout-all / a password reset no longer completes', async () => {
    app.clock.advanceMs(7200_000);
    const m = await register(app);
    const setup = (await call(app, 'POST', '/api/me/mfa/totp/setup', { token: m.token })).body;
    const step = Math.floor(Date.now() / 30_000);
    await call(app, 'POST', '/api/me/mfa/totp/enable', { token: m.token, body: { code: await generate({ secret: setup.secret, epoch: step * 30 }) } });
    const mfaToken = (await login(m.phone)).body.mfaToken;
    await call(app, 'POST', '/api/auth/logout-all', { token: m.token, body: {} });
    const late = await call(app, 'POST', '/api/auth/mfa', { body: { mfaToken, code: await generate({ secret: setup.secret, epoch: (step + 1) * 30 }) } });
    expect(late.status).toBe(401);
  });

  it('an SMS request refused for its address spends none of the phone’s allowance', async () => {
    app.clock.advanceMs(7200_000);
    await smsFrom('10.9.0.1', nextPhone());
    const victim = (await register(app)).phone;
    app.clock.advanceMs(61_000);
    expect((await smsFrom('10.9.0.1', victim)).body.code).toBe('SMS_IP_LIMIT');
    const own = await smsFrom('10.9.0.2', victim);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('a disabled member signing in via snsapi_userinfo is refused at the callback and keeps their profile', async () => {
    app.clock.advanceMs(7200_000);
    const owner = await hqMember(app, 'owner');
    const user = { unionid: 'oUnion_dis', nickname: '原来', avatarUrl: 'https://x/1' };
    fake.setOauthUser(OA.appid, user);
    const go = async (scope: string) => {
      const start = await app.http.inject({ method: 'GET', url: `/api/auth/wechat/oauth/start?scope=${scope}` });
      const back = new URL((await fetch(String(start.headers.location), { redirect: 'manual' })).headers.get('location')!);
      return String((await app.http.inject({ method: 'GET', url: back.pathname + back.search })).headers.location);
    };
    const ticket = /fx_ticket=(.*)$/.exec(await go('userinfo'))![1]!;
    const id = (await call(app, 'POST', '/api/auth/ticket', { body: { ticket } })).body.member.id;
    await call(app, 'POST', `/api/admin/members/${id}/disable`, { token: owner.token, body: { disabled: true, reason: '封禁测试' } });
    fake.setOauthUser(OA.appid, { ...user, nickname: '改名' });
    expect(await go('userinfo')).toBe('/#fx_wechat_error=ACCOUNT_DISABLED');
    expect((await app.services.members.require(app.services.db, id)).nickname).toBe('原来');
  });

  it('a refresh token two rotations old, presented after the grace, ends the session', async () => {
    app.clock.advanceMs(7200_000);
    const m = await register(app);
    const a = (await login(m.phone)).body;
    const b = (await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } })).body;
    const c = (await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: b.refreshToken } })).body;
    await app.services.db.updateTable('member_sessions').set({ rotated_at: new Date(Date.now() - 120_000) }).where('id', '=', Number(decodeJwt(a.token).sid)).execute();
    expect((await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } })).body.code).toBe('REFRESH_INVALID');
    expect((await call(app, 'GET', '/api/me', { token: c.token })).body.code).toBe('SESSION_ENDED');
  });
});
