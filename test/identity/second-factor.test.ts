// The second factor: TOTP (otplib) with single-use codes and recovery codes, the two-step sign-in,
// the secret sealed at rest, and the hqMfaRequired mode where HQ staff must enrol before the console.
import { generate } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const PASSWORD = 'secret-pass-1';
const STEP = 30;

/** The code of a time step relative to the current one (the server accepts one step either side). */
function totp(secret: string, stepOffset = 0): Promise<string> {
  const step = Math.floor(Date.now() / 1000 / STEP) + stepOffset;
  return generate({ secret, epoch: step * STEP });
}

/** Six digits that are none of the codes the server would accept around now. */
async function wrongCode(secret: string): Promise<string> {
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((k) => totp(secret, k))));
  let n = Number(await totp(secret));
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (near.has(code));
  return code;
}

/**
 * Sets up and enables TOTP for a signed-in member with the current step's code, so the next
 * sign-in uses the following step (a code is accepted once: its step must be newer than the last).
 */
async function enrol(app: TestApp, token: string): Promise<{ secret: string; recoveryCodes: string[]; enablingCode: string }> {
  const setup = await call(app, 'POST', '/api/me/mfa/totp/setup', { token });
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const enablingCode = await totp(setup.body.secret);
  const enabled = await call(app, 'POST', '/api/me/mfa/totp/enable', { token, body: { code: enablingCode } });
  expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
  return { secret: setup.body.secret, recoveryCodes: enabled.body.recoveryCodes, enablingCode };
}

const login = (app: TestApp, phone: string, password = PASSWORD) => call(app, 'POST', '/api/auth/login', { body: { phone, password } });
const mfa = (app: TestApp, mfaToken: string, proof: { code?: string; recoveryCode?: string }) => call(app, 'POST', '/api/auth/mfa', { body: { mfaToken, ...proof } });

async function challenge(app: TestApp, phone: string): Promise<string> {
  const res = await login(app, phone);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
  return res.body.mfaToken;
}

describeEachDatabase('identity: TOTP second factor', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => app?.close());

  it('setup answers a base32 secret, its otpauth URL and a PNG QR code', async () => {
    const m = await register(app);
    const res = await call(app, 'POST', '/api/me/mfa/totp/setup', { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^[A-Z2-7]{16,}=*$/);
    expect(res.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(res.body.otpauthUrl).searchParams.get('secret')).toBe(res.body.secret);
    expect(res.body.qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]{100,}/);
    expect((await call(app, 'GET', '/api/me', { token: m.token })).body.mfaEnabled).toBe(false);
  });

  it('enable refuses a wrong code, then with a right one answers 10 recovery codes and the factor is on', async () => {
    const m = await register(app);
    const setup = await call(app, 'POST', '/api/me/mfa/totp/setup', { token: m.token });
    const wrong = await call(app, 'POST', '/api/me/mfa/totp/enable', { token: m.token, body: { code: await wrongCode(setup.body.secret) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    const res = await call(app, 'POST', '/api/me/mfa/totp/enable', { token: m.token, body: { code: await totp(setup.body.secret) } });
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(new Set(res.body.recoveryCodes).size).toBe(10);
    for (const c of res.body.recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect((await call(app, 'GET', '/api/me', { token: m.token })).body.mfaEnabled).toBe(true);
    const again = await call(app, 'POST', '/api/me/mfa/totp/setup', { token: m.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MFA_ALREADY_ENABLED');
  });

  it('the TOTP secret is stored sealed: the column does not hold the base32 secret', async () => {
    const m = await register(app);
    const { secret } = await enrol(app, m.token);
    const row = await app.services.db.selectFrom('member_second_factors').select('totp_secret_sealed').where('member_id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.totp_secret_sealed).not.toContain(secret);
    expect(row.totp_secret_sealed.toUpperCase()).not.toContain(secret);
    expect(app.services.identity.signer.unseal(row.totp_secret_sealed)).toBe(secret);
  });

  it('with the factor on, login answers only a challenge, and the challenge is not an access token', async () => {
    const m = await register(app);
    await enrol(app, m.token);
    const mfaToken = await challenge(app, m.phone);
    const asAccess = await call(app, 'GET', '/api/me', { token: mfaToken });
    expect(asAccess.status).toBe(401);
    expect(asAccess.body.code).toBe('TOKEN_INVALID');
  });

  it('a current code completes the sign-in once; the same code again is a replay (401 MFA_CODE_INVALID)', async () => {
    const m = await register(app);
    const { secret, enablingCode } = await enrol(app, m.token);
    // the code that turned the factor on cannot sign in
    const reusedEnabling = await mfa(app, await challenge(app, m.phone), { code: enablingCode });
    expect(reusedEnabling.status).toBe(401);
    const code = await totp(secret, 1);
    const ok = await mfa(app, await challenge(app, m.phone), { code });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900, member: { id: m.id, mfaEnabled: true } });
    expect((await call(app, 'GET', '/api/me', { token: ok.body.token })).status).toBe(200);
    const replay = await mfa(app, await challenge(app, m.phone), { code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('MFA_CODE_INVALID');
  });

  it('one code presented by two sign-ins at once completes only one of them', async () => {
    const m = await register(app);
    const { secret } = await enrol(app, m.token);
    const challenges = [await challenge(app, m.phone), await challenge(app, m.phone), await challenge(app, m.phone)];
    const code = await totp(secret, 1);
    const results = await Promise.all(challenges.map((c) => mfa(app, c, { code })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('a wrong code and a forged challenge are refused', async () => {
    const m = await register(app);
    const { secret } = await enrol(app, m.token);
    const wrong = await mfa(app, await challenge(app, m.phone), { code: await wrongCode(secret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    const forged = await mfa(app, 'x'.repeat(40), { code: await totp(secret, 1) });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('MFA_TOKEN_INVALID');
    // an access token is not a challenge either
    const access = await mfa(app, m.token, { code: await totp(secret, 1) });
    expect(access.status).toBe(401);
    expect(access.body.code).toBe('MFA_TOKEN_INVALID');
  });

  it('a recovery code signs in once, however it is typed', async () => {
    const m = await register(app);
    const { recoveryCodes } = await enrol(app, m.token);
    const first = await mfa(app, await challenge(app, m.phone), { recoveryCode: recoveryCodes[0]! });
    expect(first.status).toBe(200);
    expect(first.body.member.id).toBe(m.id);
    const reused = await mfa(app, await challenge(app, m.phone), { recoveryCode: recoveryCodes[0]! });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('MFA_CODE_INVALID');
    const typed = await mfa(app, await challenge(app, m.phone), { recoveryCode: recoveryCodes[1]!.replace('-', '').toUpperCase() });
    expect(typed.status).toBe(200);
    const unknown = await mfa(app, await challenge(app, m.phone), { recoveryCode: 'aaaaa-bbbbb' });
    expect(unknown.status).toBe(401);
  });

  it('turning the factor off needs a current code; then login answers tokens at once', async () => {
    const m = await register(app);
    const { secret } = await enrol(app, m.token);
    const wrong = await call(app, 'POST', '/api/me/mfa/totp/disable', { token: m.token, body: { code: await wrongCode(secret) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    const off = await call(app, 'POST', '/api/me/mfa/totp/disable', { token: m.token, body: { code: await totp(secret, 1) } });
    expect(off.status).toBe(204);
    const res = await login(app, m.phone);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token: expect.any(String), member: { mfaEnabled: false } });
  });
});

describeEachDatabase('identity: hqMfaRequired', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind, { config: { hqMfaRequired: true } });
  });
  afterAll(async () => app?.close());

  async function enrolledOperator(): Promise<RegisteredMember & { secret: string }> {
    const op = await hqMember(app, 'operator');
    return { ...op, ...(await enrol(app, op.token)) };
  }

  it('an HQ member without TOTP is refused on HQ routes but reaches /api/me and the TOTP setup', async () => {
    const op = await hqMember(app, 'operator');
    const hq = await call(app, 'GET', '/api/admin/members', { token: op.token });
    expect(hq.status).toBe(403);
    expect(hq.body.code).toBe('MFA_ENROLMENT_REQUIRED');
    expect((await call(app, 'GET', '/api/me', { token: op.token })).status).toBe(200);
    const setup = await call(app, 'POST', '/api/me/mfa/totp/setup', { token: op.token });
    expect(setup.status).toBe(200);
    expect(setup.body.qrDataUrl).toMatch(/^data:image\/png/);
  });

  it('once TOTP is on, HQ routes answer, and the next sign-in goes through the second step', async () => {
    const op = await enrolledOperator();
    expect((await call(app, 'GET', '/api/admin/members', { token: op.token })).status).toBe(200);
    const signedIn = await mfa(app, await challenge(app, op.phone), { code: await totp(op.secret, 1) });
    expect(signedIn.status).toBe(200);
    expect((await call(app, 'GET', '/api/admin/members', { token: signedIn.body.token })).status).toBe(200);
  });

  it('HQ staff cannot turn the factor off here (409 MFA_REQUIRED)', async () => {
    const op = await enrolledOperator();
    const off = await call(app, 'POST', '/api/me/mfa/totp/disable', { token: op.token, body: { code: await totp(op.secret, 1) } });
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('MFA_REQUIRED');
    expect((await call(app, 'GET', '/api/me', { token: op.token })).body.mfaEnabled).toBe(true);
  });

  it('shop members are not asked for a second factor', async () => {
    const m = await register(app);
    const res = await login(app, m.phone);
    expect(res.body.token).toEqual(expect.any(String));
    expect((await call(app, 'GET', '/api/me/notifications', { token: res.body.token })).status).toBe(200);
  });
});
