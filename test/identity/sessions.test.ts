// Sessions: 15-minute access tokens, rotating refresh tokens, and every way a session ends (logout,
// logout-all, a password reset, a role change, disabling); the first owner's one-time password.
// Sessions run on wall time (startTestApp passes no auth clock), so the rotation grace is moved in
// the database rather than by the test clock.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TokenSigner } from '../../src/modules/identity/tokens.js';
import { call, hqMember, nextPhone, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const PASSWORD = 'secret-pass-1';
const MINUTE = 61_000;

interface Tokens {
  token: string;
  refreshToken: string;
}

async function login(app: TestApp, phone: string, password = PASSWORD) {
  const res = await call(app, 'POST', '/api/auth/login', { body: { phone, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Tokens & { expiresInSeconds: number; member: Record<string, unknown> };
}

const refresh = (app: TestApp, refreshToken: string) => call(app, 'POST', '/api/auth/refresh', { body: { refreshToken } });
const me = (app: TestApp, token: string) => call(app, 'GET', '/api/me', { token });
const sessionIdOf = (token: string) => Number(decodeJwt(token).sid);

/** The access token and the refresh token of a session both refused: the session is over. */
async function expectEnded(app: TestApp, session: Tokens) {
  const access = await me(app, session.token);
  expect(access.status).toBe(401);
  expect(access.body.code).toBe('SESSION_ENDED');
  const renewed = await refresh(app, session.refreshToken);
  expect(renewed.status).toBe(401);
  expect(renewed.body.code).toBe('REFRESH_INVALID');
}

describeEachDatabase('identity: sessions', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
  });
  afterAll(async () => app?.close());

  it('login answers an access token for 15 minutes, a refresh token and the member with account flags', async () => {
    const m = await register(app, { nickname: '登录者' });
    const res = await login(app, m.phone);
    expect(res).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900 });
    expect(res.member).toMatchObject({ id: m.id, phone: m.phone, nickname: '登录者', mustChangePassword: false, hasPassword: true, mfaEnabled: false, wechat: [] });
    const claims = decodeJwt(res.token);
    expect(claims.exp! - claims.iat!).toBe(900);
    expect((await me(app, res.token)).body.id).toBe(m.id);
  });

  it('refresh rotates: new tokens that work, and the old refresh token is refused as superseded within the grace', async () => {
    const m = await register(app);
    const first = await login(app, m.phone);
    const next = await refresh(app, first.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900 });
    expect(next.body.refreshToken).not.toBe(first.refreshToken);
    expect(sessionIdOf(next.body.token)).toBe(sessionIdOf(first.token));
    expect((await me(app, next.body.token)).status).toBe(200);

    const again = await refresh(app, first.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('REFRESH_SUPERSEDED');
    // a racing tab does not end the session: the newer refresh token still rotates
    const third = await refresh(app, next.body.refreshToken);
    expect(third.status).toBe(200);
  });

  it('an old refresh token presented after the grace ends the session for everyone holding it', async () => {
    const m = await register(app);
    const first = await login(app, m.phone);
    const next = (await refresh(app, first.refreshToken)).body as Tokens;
    await app.services.db
      .updateTable('member_sessions')
      .set({ rotated_at: new Date(Date.now() - 2 * 60_000) })
      .where('id', '=', sessionIdOf(first.token))
      .execute();
    const stale = await refresh(app, first.refreshToken);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('REFRESH_INVALID');
    const row = await app.services.db.selectFrom('member_sessions').select('revoked_at').where('id', '=', sessionIdOf(first.token)).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    await expectEnded(app, next);
  });

  it('concurrent refreshes with one token: exactly one rotates, the others are told it was superseded', async () => {
    const m = await register(app);
    const session = await login(app, m.phone);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(app, session.refreshToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401).map((r) => r.body.code)).toEqual(Array(4).fill('REFRESH_SUPERSEDED'));
  });

  it('a refresh token past its 30 days is refused (REFRESH_INVALID)', async () => {
    const m = await register(app);
    const session = await login(app, m.phone);
    await app.services.db.updateTable('member_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', sessionIdOf(session.token)).execute();
    const res = await refresh(app, session.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('REFRESH_INVALID');
  });

  it('logout ends this session at once and leaves the member’s other sessions working', async () => {
    const m = await register(app);
    const phoneSession = await login(app, m.phone);
    const laptopSession = await login(app, m.phone);
    // the web apps send a JSON body; a bodiless POST is refused (400) — reported, not asserted here
    const out = await call(app, 'POST', '/api/auth/logout', { token: phoneSession.token, body: {} });
    expect(out.status).toBe(204);
    await expectEnded(app, phoneSession);
    expect((await me(app, laptopSession.token)).status).toBe(200);
    expect((await refresh(app, laptopSession.refreshToken)).status).toBe(200);
  });

  it('logout-all ends every session of the member, and a new login starts afresh', async () => {
    const m = await register(app);
    const a = await login(app, m.phone);
    const b = await login(app, m.phone);
    expect((await call(app, 'POST', '/api/auth/logout-all', { token: a.token })).status).toBe(204);
    await expectEnded(app, a);
    await expectEnded(app, b);
    const fresh = await login(app, m.phone);
    expect((await me(app, fresh.token)).status).toBe(200);
  });

  it('a password reset by SMS ends every session, access and refresh', async () => {
    const m = await register(app);
    const a = await login(app, m.phone);
    const b = await login(app, m.phone);
    app.clock.advanceMs(MINUTE);
    const sms = await call(app, 'POST', '/api/auth/sms-codes', { body: { phone: m.phone, purpose: 'reset_password' } });
    expect(sms.status).toBe(200);
    const reset = await call(app, 'POST', '/api/auth/reset-password', { body: { phone: m.phone, smsCode: sms.body.devCode, newPassword: 'new-pass-4567' } });
    expect(reset.status).toBe(204);
    await expectEnded(app, a);
    await expectEnded(app, b);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: PASSWORD } })).status).toBe(401);
    expect((await login(app, m.phone, 'new-pass-4567')).member.id).toBe(m.id);
  });

  it('an owner changing a member’s HQ role ends that member’s sessions, not the owner’s', async () => {
    const m = await register(app);
    const session = await login(app, m.phone);
    const res = await call(app, 'POST', `/api/admin/members/${m.id}/role`, { token: owner.token, body: { role: 'operator', reason: '新同事' } });
    expect(res.status).toBe(204);
    await expectEnded(app, session);
    expect((await me(app, owner.token)).status).toBe(200);
    const again = await login(app, m.phone);
    expect(again.member.hqRole).toBe('operator');
    expect((await call(app, 'GET', '/api/admin/members', { token: again.token })).status).toBe(200);
  });

  it('HQ disabling a member ends their sessions and blocks sign-in until re-enabled', async () => {
    const m = await register(app);
    const session = await login(app, m.phone);
    const off = await call(app, 'POST', `/api/admin/members/${m.id}/disable`, { token: owner.token, body: { disabled: true, reason: '违规刷单' } });
    expect(off.status).toBe(204);
    await expectEnded(app, session);
    const refused = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCOUNT_DISABLED');
    app.clock.advanceMs(MINUTE);
    const code = (await call(app, 'POST', '/api/auth/sms-codes', { body: { phone: m.phone, purpose: 'login' } })).body.devCode;
    const bySms = await call(app, 'POST', '/api/auth/login/sms', { body: { phone: m.phone, smsCode: code } });
    expect(bySms.status).toBe(403);
    expect(bySms.body.code).toBe('ACCOUNT_DISABLED');

    const on = await call(app, 'POST', `/api/admin/members/${m.id}/disable`, { token: owner.token, body: { disabled: false, reason: '申诉通过' } });
    expect(on.status).toBe(204);
    expect((await me(app, (await login(app, m.phone)).token)).status).toBe(200);
  });

  it('an expired access token answers TOKEN_EXPIRED; one signed with another secret TOKEN_INVALID', async () => {
    const m = await register(app);
    const live = await login(app, m.phone);
    const claims = { memberId: m.id, sessionId: sessionIdOf(live.token), sessionVersion: Number(decodeJwt(live.token).ver) };
    const expired = await new TokenSigner(app.services.config.jwtSecret).signAccess(claims, Math.floor(Date.now() / 1000) - 3600);
    const late = await me(app, expired);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('TOKEN_EXPIRED');
    const forged = await new TokenSigner('another-secret-entirely-0123456789').signAccess(claims);
    const bad = await me(app, forged);
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('TOKEN_INVALID');
    expect((await me(app, 'not-a-jwt')).body.code).toBe('TOKEN_INVALID');
    expect((await me(app, live.token)).status).toBe(200);
  });

  it('?access_token= signs in on the notification stream only; GET /api/me ignores it', async () => {
    const m = await register(app);
    const stream = new AbortController();
    const sse = await app.http.inject({ method: 'GET', url: `/api/me/notifications/stream?access_token=${m.token}`, payloadAsStream: true, signal: stream.signal });
    expect(sse.statusCode).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    sse.stream().on('error', () => undefined);
    stream.abort();

    const anonymous = await app.http.inject({ method: 'GET', url: '/api/me/notifications/stream', payloadAsStream: true });
    expect(anonymous.statusCode).toBe(401);
    const profile = await call(app, 'GET', `/api/me?access_token=${m.token}`);
    expect(profile.status).toBe(401);
    expect(profile.body.code).toBe('AUTH_REQUIRED');
  });
});

describeEachDatabase('identity: the first owner’s one-time password', (kind) => {
  let app: TestApp;
  const phone = nextPhone();
  let firstSession: Tokens;
  let changed: Tokens;

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => app?.close());

  it('createFirstOwner makes an owner who signs in, sees /api/me, and is asked for a new password on HQ routes', async () => {
    const owner = await app.services.members.createFirstOwner(phone, 'one-time-pass-1');
    expect(owner.hqRole).toBe('owner');
    const signedIn = await login(app, phone, 'one-time-pass-1');
    expect(signedIn.member).toMatchObject({ id: owner.id, hqRole: 'owner', mustChangePassword: true, hasPassword: true });
    firstSession = signedIn;
    expect((await me(app, signedIn.token)).body).toMatchObject({ id: owner.id, mustChangePassword: true });
    for (const path of ['/api/admin/members', '/api/admin/tiers']) {
      const hq = await call(app, 'GET', path, { token: signedIn.token });
      expect(hq.status).toBe(403);
      expect(hq.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    }
  });

  it('the one-time password is changed only with the current one', async () => {
    const wrong = await call(app, 'POST', '/api/me/password', { token: firstSession.token, body: { currentPassword: 'not-the-pass-1', newPassword: 'owner-pass-2024' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect((await me(app, firstSession.token)).body.mustChangePassword).toBe(true);
  });

  it('changing it answers new tokens that reach HQ, and the old session has ended', async () => {
    const res = await call(app, 'POST', '/api/me/password', { token: firstSession.token, body: { currentPassword: 'one-time-pass-1', newPassword: 'owner-pass-2024' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900, member: { mustChangePassword: false } });
    changed = res.body;
    expect((await call(app, 'GET', '/api/admin/members', { token: changed.token })).status).toBe(200);
    await expectEnded(app, firstSession);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone, password: 'one-time-pass-1' } })).status).toBe(401);
    expect((await login(app, phone, 'owner-pass-2024')).member.mustChangePassword).toBe(false);
  });

  it('a second createFirstOwner is refused with 409 HQ_NOT_EMPTY', async () => {
    await expect(app.services.members.createFirstOwner(nextPhone(), 'one-time-pass-9')).rejects.toMatchObject({ status: 409, code: 'HQ_NOT_EMPTY' });
    expect((await me(app, changed.token)).body.hqRole).toBe('owner');
  });
});
