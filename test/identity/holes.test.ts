// Small holes closed with the identity work: registration checks the SMS code before saying a phone
// is taken, an empty PATCH /api/me changes nothing, which sign-ins a server offers, and the account's
// own password settings.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { call, hqMember, nextPhone, register } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const MINUTE = 61_000;

describeEachDatabase('identity: holes', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => app?.close());

  const sms = async (phone: string, purpose = 'register') => {
    const res = await call(app, 'POST', '/api/auth/sms-codes', { body: { phone, purpose } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.devCode as string;
  };
  const registerWith = (phone: string, smsCode: string) => call(app, 'POST', '/api/auth/register', { body: { phone, password: 'other-pass-77', smsCode } });
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  /** A member with a phone and no password yet (as after a WeChat sign-in and the phone button), signed in. */
  async function passwordlessMember() {
    const phone = nextPhone();
    const profile = await inTransaction(app.services.db, (tx) => app.services.members.createMember(tx, { phone, passwordHash: null, nickname: '无密码' }));
    const session = await app.services.identity.sessions.start(app.services.db, profile.id, null);
    return { id: profile.id, phone, token: session.token };
  }

  it('roles that see phones masked find a member only by the whole number, never by digits of it; owner and support search by part', async () => {
    const m = await register(app, { nickname: 'search-target' });
    const partial = m.phone.slice(0, 7);
    const found = async (role: 'owner' | 'operator' | 'finance' | 'support' | 'auditor', q: string) => {
      const hq = await hqMember(app, role);
      const res = await call(app, 'GET', `/api/admin/members?q=${q}&limit=100`, { token: hq.token });
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: number; phone: string }>).filter((i) => i.id === m.id);
    };
    for (const role of ['operator', 'finance', 'auditor'] as const) {
      expect(await found(role, partial)).toEqual([]);
      expect(await found(role, m.phone.slice(-6))).toEqual([]);
      const whole = await found(role, m.phone);
      expect(whole).toHaveLength(1);
      expect(whole[0]!.phone).not.toBe(m.phone); // still masked
    }
    for (const role of ['owner', 'support'] as const) {
      const byPart = await found(role, partial);
      expect(byPart).toHaveLength(1);
      expect(byPart[0]!.phone).toBe(m.phone);
    }
  });

  it('registering a taken phone with a wrong SMS code answers 400 SMS_CODE_INVALID, not PHONE_TAKEN', async () => {
    const m = await register(app);
    const noCodeSent = await registerWith(m.phone, '123456');
    expect(noCodeSent.status).toBe(400);
    expect(noCodeSent.body.code).toBe('SMS_CODE_INVALID');
    app.clock.advanceMs(MINUTE);
    const code = await sms(m.phone);
    const guessed = await registerWith(m.phone, wrong(code));
    expect(guessed.status).toBe(400);
    expect(guessed.body.code).toBe('SMS_CODE_INVALID');
    // only the phone's owner, holding the code, learns that it is registered
    const owned = await registerWith(m.phone, code);
    expect(owned.status).toBe(409);
    expect(owned.body.code).toBe('PHONE_TAKEN');
  });

  it('signing in with an unknown phone answers exactly as a wrong password does', async () => {
    const m = await register(app);
    const wrongPassword = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'not-my-pass-1' } });
    const unknown = await call(app, 'POST', '/api/auth/login', { body: { phone: nextPhone(), password: 'not-my-pass-1' } });
    expect(wrongPassword.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrongPassword.body);
  });

  it('PATCH /api/me with {} answers 200 and the profile unchanged', async () => {
    const m = await register(app, { nickname: '原名' });
    const before = (await call(app, 'GET', '/api/me', { token: m.token })).body;
    const res = await call(app, 'PATCH', '/api/me', { token: m.token, body: {} });
    expect(res.status).toBe(200);
    const { parties: _parties, referrer: _referrer, ...profile } = before;
    expect(res.body).toEqual(profile);
    expect((await call(app, 'GET', '/api/me', { token: m.token })).body).toEqual(before);
  });

  it('PATCH /api/me changes only what it is given', async () => {
    const m = await register(app, { nickname: '原名' });
    const avatar = await call(app, 'PATCH', '/api/me', { token: m.token, body: { avatarUrl: 'https://cdn.example.com/a.png' } });
    expect(avatar.body).toMatchObject({ nickname: '原名', avatarUrl: 'https://cdn.example.com/a.png' });
    const renamed = await call(app, 'PATCH', '/api/me', { token: m.token, body: { nickname: '新名字' } });
    expect(renamed.body).toMatchObject({ nickname: '新名字', avatarUrl: 'https://cdn.example.com/a.png' });
    const cleared = await call(app, 'PATCH', '/api/me', { token: m.token, body: { avatarUrl: null } });
    expect(cleared.body).toMatchObject({ nickname: '新名字', avatarUrl: null });
  });

  it('GET /api/auth/providers: SMS with dev codes here, no WeChat when it is not configured', async () => {
    const res = await call(app, 'GET', '/api/auth/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ smsLogin: true, devSms: true, wechatOa: false, wechatMiniProgram: false });
  });

  it('WeChat sign-in routes answer 404 …_NOT_CONFIGURED when WeChat is not configured', async () => {
    const oa = await call(app, 'GET', '/api/auth/wechat/oauth/start?returnTo=/');
    expect(oa.status).toBe(404);
    expect(oa.body.code).toBe('WECHAT_OA_NOT_CONFIGURED');
    const mp = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: 'abc' } });
    expect(mp.status).toBe(404);
    expect(mp.body.code).toBe('WECHAT_MP_NOT_CONFIGURED');
  });

  it('a member without a password sets one without a current password, and then signs in with it', async () => {
    const m = await passwordlessMember();
    expect((await call(app, 'GET', '/api/me', { token: m.token })).body).toMatchObject({ hasPassword: false });
    const res = await call(app, 'POST', '/api/me/password', { token: m.token, body: { newPassword: 'first-pass-01' } });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ id: m.id, hasPassword: true });
    const signedIn = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'first-pass-01' } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.member.id).toBe(m.id);
  });

  it('a member with a password needs the current one and a different new one', async () => {
    const m = await register(app);
    const missing = await call(app, 'POST', '/api/me/password', { token: m.token, body: { newPassword: 'brand-new-pass' } });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('INVALID_CREDENTIALS');
    const same = await call(app, 'POST', '/api/me/password', { token: m.token, body: { currentPassword: 'secret-pass-1', newPassword: 'secret-pass-1' } });
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('PASSWORD_UNCHANGED');
    expect((await call(app, 'GET', '/api/me', { token: m.token })).status).toBe(200);
  });

  it('a refresh token nobody was given answers 401 REFRESH_INVALID', async () => {
    const res = await call(app, 'POST', '/api/auth/refresh', { body: { refreshToken: 'x'.repeat(43) } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('REFRESH_INVALID');
  });
});
