// Rule 1: registration and login — SMS codes (required, single-use, burnt after 5 wrong guesses,
// no resend within 60 s), phone validation, duplicate phones, wrong passwords, rate limits.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shanghaiDayStart } from '../../src/money.js';
import { call, hqMember, nextPhone, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { countRows, expectReconciled } from '../support/rules-kit.js';

const MINUTE = 61_000;

describeEachDatabase('rule 1: registration and login', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
  });
  afterAll(async () => app?.close());

  const sms = (phone: string, purpose = 'register', headers?: Record<string, string>) => call(app, 'POST', '/api/auth/sms-codes', { body: { phone, purpose }, headers });
  const registerWith = (phone: string, smsCode: string, extra: Record<string, unknown> = {}) =>
    call(app, 'POST', '/api/auth/register', { body: { phone, password: 'secret-pass-1', smsCode, ...extra } });
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('registration needs the SMS code sent for registration to that phone', async () => {
    const phone = nextPhone();
    const before = await countRows(app, 'members');
    const missing = await call(app, 'POST', '/api/auth/register', { body: { phone, password: 'secret-pass-1' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });

    // no code was ever sent
    const noCode = await registerWith(phone, '123456');
    expect(noCode.status).toBe(400);
    expect(noCode.body.code).toBe('SMS_CODE_INVALID');

    // a code for another purpose does not register
    const reset = await sms(phone, 'reset_password');
    expect(reset.status).toBe(200);
    const otherPurpose = await registerWith(phone, reset.body.devCode);
    expect(otherPurpose.status).toBe(400);
    expect(otherPurpose.body.code).toBe('SMS_CODE_INVALID');

    // another phone's code does not register this phone
    const otherPhone = nextPhone();
    const theirs = await sms(otherPhone);
    expect((await registerWith(phone, theirs.body.devCode)).body.code).toBe('SMS_CODE_INVALID');
    expect(await countRows(app, 'members')).toBe(before);

    app.clock.advanceMs(MINUTE);
    const code = await sms(phone);
    expect(code.status).toBe(200);
    expect(code.body.devCode).toMatch(/^\d{6}$/);
    const ok = await registerWith(phone, code.body.devCode);
    expect(ok.status).toBe(201);
    expect(ok.body.token).toEqual(expect.any(String));
    expect(await countRows(app, 'members')).toBe(before + 1);
  });

  it('an SMS code works once (reset-password with the same code twice)', async () => {
    const m = await register(app);
    app.clock.advanceMs(MINUTE);
    const code = (await sms(m.phone, 'reset_password')).body.devCode as string;
    const first = await call(app, 'POST', '/api/auth/reset-password', { body: { phone: m.phone, smsCode: code, newPassword: 'new-pass-1234' } });
    expect(first.status).toBe(204);
    const again = await call(app, 'POST', '/api/auth/reset-password', { body: { phone: m.phone, smsCode: code, newPassword: 'other-pass-999' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('SMS_CODE_INVALID');
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'new-pass-1234' } })).status).toBe(200);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'other-pass-999' } })).status).toBe(401);
  });

  it('an SMS code expires after 5 minutes', async () => {
    const phone = nextPhone();
    const code = (await sms(phone)).body.devCode as string;
    app.clock.advanceMs(5 * 60_000 + 1_000);
    const late = await registerWith(phone, code);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('SMS_CODE_INVALID');
  });

  it('five wrong guesses burn the code; four do not', async () => {
    const burnt = nextPhone();
    const code = (await sms(burnt)).body.devCode as string;
    for (let i = 0; i < 5; i++) {
      const res = await registerWith(burnt, wrongCode(code));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('SMS_CODE_INVALID');
    }
    const late = await registerWith(burnt, code);
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('SMS_CODE_INVALID');

    const lucky = nextPhone();
    const code2 = (await sms(lucky)).body.devCode as string;
    for (let i = 0; i < 4; i++) expect((await registerWith(lucky, wrongCode(code2))).status).toBe(400);
    expect((await registerWith(lucky, code2)).status).toBe(201);
  });

  it('a second code within 60 s is refused with 429 SMS_TOO_FREQUENT, and allowed after', async () => {
    const phone = nextPhone();
    expect((await sms(phone)).status).toBe(200);
    app.clock.advanceMs(30_000);
    const soon = await sms(phone);
    expect(soon.status).toBe(429);
    expect(soon.body.code).toBe('SMS_TOO_FREQUENT');
    app.clock.advanceMs(31_000);
    const later = await sms(phone);
    expect(later.status).toBe(200);
    // the newest code is the live one
    expect((await registerWith(phone, later.body.devCode)).status).toBe(201);
  });

  it('bad phones are refused with 400 and a JSON code', async () => {
    for (const phone of ['12345', '23800000000', '1380000000', '138000000001', 'abcdefghijk', '']) {
      const a = await sms(phone);
      expect(a.status).toBe(400);
      expect(a.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      const b = await registerWith(phone, '123456');
      expect(b.status).toBe(400);
      expect(b.body.code).toEqual(expect.any(String));
      const c = await call(app, 'POST', '/api/auth/login', { body: { phone, password: 'whatever-1' } });
      expect(c.status).toBe(400);
      expect(c.body.code).toEqual(expect.any(String));
    }
    // the service refuses them too (no reliance on the route alone)
    await expect(app.services.members.requestSmsCode('2380000000', 'register', '127.0.0.1')).rejects.toMatchObject({ status: 400, code: 'PHONE_INVALID' });
  });

  it('a phone registers once: the second registration is 409 PHONE_TAKEN', async () => {
    const m = await register(app);
    const before = await countRows(app, 'members');
    app.clock.advanceMs(MINUTE);
    const code = (await sms(m.phone)).body.devCode as string;
    const dup = await registerWith(m.phone, code);
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('PHONE_TAKEN');
    expect(await countRows(app, 'members')).toBe(before);
  });

  it('a wrong password (or an unknown phone) is 401 INVALID_CREDENTIALS', async () => {
    const m = await register(app);
    const wrong = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.body.token).toBeUndefined();
    const unknown = await call(app, 'POST', '/api/auth/login', { body: { phone: nextPhone(), password: 'secret-pass-1' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    const right = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'secret-pass-1' } });
    expect(right.status).toBe(200);
    expect(right.body.member.id).toBe(m.id);
  });

  it('wrong passwords back off per phone, doubling, never locking: 429 LOGIN_BACKOFF with retryAfterSeconds; other phones unaffected', async () => {
    const m = await register(app);
    for (let i = 0; i < 5; i++) {
      expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: `wrong-pass-${i}` } })).status).toBe(401);
    }
    const limited = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'secret-pass-1' } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('LOGIN_BACKOFF');
    expect(limited.body.retryAfterSeconds).toBe(1);
    expect(limited.body.token).toBeUndefined();
    // the wait passes: one more wrong guess doubles it
    app.clock.advanceMs(1_000);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'wrong-pass-6' } })).status).toBe(401);
    const again = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'secret-pass-1' } });
    expect(again.body).toMatchObject({ code: 'LOGIN_BACKOFF', retryAfterSeconds: 2 });
    const other = await register(app);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: other.phone, password: 'secret-pass-1' } })).status).toBe(200);
    // after the wait the right password gets in, and the count starts again
    app.clock.advanceMs(2_000);
    const right = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'secret-pass-1' } });
    expect(right.status).toBe(200);
    expect((await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: 'wrong-pass-7' } })).status).toBe(401);
  });

  it('login attempts on one phone stay limited when the client changes X-Forwarded-For', async () => {
    const m = await register(app);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(app, 'POST', '/api/auth/login', { body: { phone: m.phone, password: `guess-pass-${i}` }, headers: { 'x-forwarded-for': `10.0.${i}.1` } });
      statuses.push(res.status);
    }
    // a per-phone limit: some of the 12 guesses must be refused with 429
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('SMS codes are limited per phone in the shared store: one a minute (429 SMS_TOO_FREQUENT), and 10 a day', async () => {
    const phone = nextPhone();
    expect((await sms(phone)).status).toBe(200);
    const second = await sms(phone);
    expect(second.status).toBe(429);
    expect(second.body.code).toBe('SMS_TOO_FREQUENT');
    expect(second.body.retryAfterSeconds).toBeGreaterThan(0);
    app.clock.advanceMs(MINUTE);
    expect((await sms(phone)).status).toBe(200);

    // the service's own per-phone daily cap (the route limit works in real minutes, so the
    // service is called directly with the test clock moving a minute between codes)
    const daily = nextPhone();
    for (let i = 0; i < 10; i++) {
      await app.services.members.requestSmsCode(daily, 'register', '127.0.0.1');
      app.clock.advanceMs(MINUTE);
    }
    await expect(app.services.members.requestSmsCode(daily, 'register', '127.0.0.1')).rejects.toMatchObject({ status: 429, code: 'SMS_DAILY_LIMIT' });
  });

  it('the 60-second resend rule holds across Shanghai midnight', async () => {
    const now = app.clock.now();
    const nextMidnight = shanghaiDayStart(now).getTime() + 86_400_000;
    app.clock.advanceMs(nextMidnight - 10_000 - now.getTime()); // 23:59:50 Asia/Shanghai
    const phone = nextPhone();
    expect((await sms(phone)).status).toBe(200);
    app.clock.advanceMs(20_000); // 00:00:10, twenty seconds later
    const again = await sms(phone);
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('SMS_TOO_FREQUENT');
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
