// Limits on SMS codes and sign-ins, counted in a store every instance shares: through the API with
// low configured limits, across two app instances on one database, and the PostgreSQL and Redis
// stores themselves (windows, sharing, no lost update under concurrency).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, startApp, type RunningApp } from '../../src/app.js';
import { inTransaction, type DatabaseHandle } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { PgLimitStore, RedisLimitStore, type LimitStore } from '../../src/modules/identity/limits.js';
import { MembersService } from '../../src/modules/members/service.js';
import { call, nextPhone } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, openTestDatabase, startTestApp, type TestApp } from '../support/harness.js';

const PASSWORD = 'secret-pass-1';
const LIMITS = { smsPerIpPerHour: 3, smsGlobalPerMinute: 5, loginPerIpPerMinute: 3, loginGlobalPerMinute: 6 };
const TWO_HOURS = 2 * 3600_000;

type Injectable = Pick<RunningApp, 'http'>;

/** A request from a given client address (inject's remoteAddress; no proxy is trusted). */
async function from(app: Injectable, ip: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await app.http.inject({ method, url, remoteAddress: ip, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

const smsFrom = (app: Injectable, ip: string, phone = nextPhone(), purpose = 'register') => from(app, ip, 'POST', '/api/auth/sms-codes', { phone, purpose });
const loginFrom = (app: Injectable, ip: string, phone: string, password = PASSWORD) => from(app, ip, 'POST', '/api/auth/login', { phone, password });

/** A member with a password, made directly (no SMS code, so no limit is spent on it). */
async function memberWithPassword(app: RunningApp): Promise<string> {
  const phone = nextPhone();
  const passwordHash = await MembersService.hashPassword(PASSWORD);
  await inTransaction(app.services.db, (tx) => app.services.members.createMember(tx, { phone, passwordHash, nickname: '限流' }));
  return phone;
}

function expectLimited(res: { status: number; body: { code: string; retryAfterSeconds: number }; retryAfter: unknown }, code: string, maxSeconds: number) {
  expect(res.status).toBe(429);
  expect(res.body.code).toBe(code);
  expect(Number(res.retryAfter)).toBe(res.body.retryAfterSeconds);
  expect(res.body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(res.body.retryAfterSeconds).toBeLessThanOrEqual(maxSeconds);
}

describeEachDatabase('identity: SMS and sign-in limits', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind, { config: { limits: LIMITS } });
  });
  afterAll(async () => app?.close());
  // every window here is at most an hour: each test starts with fresh counters
  beforeEach(() => app.clock.advanceMs(TWO_HOURS));

  it('the 4th code asked from one address in an hour is refused (429 SMS_IP_LIMIT, retry-after); another address still gets one', async () => {
    for (let i = 0; i < 3; i++) expect((await smsFrom(app, '10.1.0.1')).status).toBe(200);
    expectLimited(await smsFrom(app, '10.1.0.1'), 'SMS_IP_LIMIT', 3600);
    expect((await smsFrom(app, '10.1.0.2')).status).toBe(200);
  });

  it('past the global ceiling every address is told to wait (429 SMS_BUSY), and a minute later codes flow again', async () => {
    for (let i = 0; i < 5; i++) expect((await smsFrom(app, `10.2.0.${i + 1}`)).status).toBe(200);
    expectLimited(await smsFrom(app, '10.2.0.99'), 'SMS_BUSY', 60);
    app.clock.advanceMs(61_000);
    expect((await smsFrom(app, '10.2.0.99')).status).toBe(200);
  });

  it('a second code to one phone within the minute is refused from any address (SMS_TOO_FREQUENT)', async () => {
    const phone = nextPhone();
    expect((await smsFrom(app, '10.6.0.1', phone)).status).toBe(200);
    expectLimited(await smsFrom(app, '10.6.0.2', phone), 'SMS_TOO_FREQUENT', 60);
  });

  it('sign-ins per address are limited (429 LOGIN_RATE_LIMITED), password and SMS alike; other addresses are not', async () => {
    const phone = await memberWithPassword(app);
    for (let i = 0; i < 3; i++) expect((await loginFrom(app, '10.3.0.1', phone)).status).toBe(200);
    expectLimited(await loginFrom(app, '10.3.0.1', phone), 'LOGIN_RATE_LIMITED', 60);
    expectLimited(await from(app, '10.3.0.1', 'POST', '/api/auth/login/sms', { phone, smsCode: '123456' }), 'LOGIN_RATE_LIMITED', 60);
    expect((await loginFrom(app, '10.3.0.2', phone)).status).toBe(200);
    app.clock.advanceMs(61_000);
    expect((await loginFrom(app, '10.3.0.1', phone)).status).toBe(200);
  });

  it('past the global sign-in ceiling every address waits (LOGIN_RATE_LIMITED)', async () => {
    const phone = await memberWithPassword(app);
    for (let i = 0; i < 6; i++) expect((await loginFrom(app, `10.7.0.${i + 1}`, phone)).status).toBe(200);
    expectLimited(await loginFrom(app, '10.7.0.99', phone), 'LOGIN_RATE_LIMITED', 60);
  });

  it('wrong passwords back off (429 LOGIN_BACKOFF) instead of locking: SMS login stays open and the wait ends', async () => {
    const phone = await memberWithPassword(app);
    for (let i = 0; i < 5; i++) {
      if (i === 3) app.clock.advanceMs(61_000); // stay under the per-address limit
      expect((await loginFrom(app, '10.4.0.1', phone, 'wrong-pass-0')).body.code).toBe('INVALID_CREDENTIALS');
    }
    expectLimited(await loginFrom(app, '10.4.0.1', phone), 'LOGIN_BACKOFF', 1);
    const code = (await smsFrom(app, '10.4.0.3', phone, 'login')).body.devCode;
    expect((await from(app, '10.4.0.3', 'POST', '/api/auth/login/sms', { phone, smsCode: code })).status).toBe(200);
    app.clock.advanceMs(61_000);
    expect((await loginFrom(app, '10.4.0.1', phone)).status).toBe(200);
  });
});

describeOnPostgres('identity: limits shared by two instances on one database', () => {
  let a: TestApp;
  let b: RunningApp;

  beforeAll(async () => {
    a = await startTestApp('postgres', { config: { limits: LIMITS } });
    b = await startApp({ config: a.services.config, clock: a.clock, database: a.database, logger: createLogger('silent'), initialRules: {} });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  beforeEach(() => a.clock.advanceMs(TWO_HOURS));

  it('a code sent by instance A holds back instance B for that phone within the minute', async () => {
    const phone = nextPhone();
    expect((await smsFrom(a, '10.5.0.1', phone)).status).toBe(200);
    expectLimited(await smsFrom(b, '10.5.0.2', phone), 'SMS_TOO_FREQUENT', 60);
    a.clock.advanceMs(61_000);
    expect((await smsFrom(b, '10.5.0.2', phone)).status).toBe(200);
  });

  it('the per-address allowance is one allowance, whichever instance answers', async () => {
    expect((await smsFrom(a, '10.5.1.1')).status).toBe(200);
    expect((await smsFrom(b, '10.5.1.1')).status).toBe(200);
    expect((await smsFrom(a, '10.5.1.1')).status).toBe(200);
    expectLimited(await smsFrom(b, '10.5.1.1'), 'SMS_IP_LIMIT', 3600);
  });

  it('a logout on one instance ends the session on the other', async () => {
    const phone = await memberWithPassword(a);
    const session = (await loginFrom(a, '10.5.2.1', phone)).body as { token: string };
    expect((await call(a as TestApp, 'GET', '/api/me', { token: session.token })).status).toBe(200);
    const out = await b.http.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${session.token}` }, payload: {} });
    expect(out.statusCode).toBe(204);
    expect((await call(a, 'GET', '/api/me', { token: session.token })).body.code).toBe('SESSION_ENDED');
  });
});

/** What every limit store promises; `make` answers a store and another one over the same backend. */
function storeContract(make: () => { store: LimitStore; twin: LimitStore }, baseTime: () => Date) {
  let n = 0;
  const key = () => `contract:${randomBytes(4).toString('hex')}:${++n}`;
  /** times relative to one base, fixed per test */
  const times = () => {
    const base = baseTime().getTime();
    return (ms: number) => new Date(base + ms);
  };

  it('hit counts within a window, answering when it resets and when the hit before was', async () => {
    const { store } = make();
    const [k, at] = [key(), times()];
    expect(await store.hit(k, 60_000, at(0))).toEqual({ hits: 1, resetAt: at(60_000), previousHitAt: null });
    expect(await store.hit(k, 60_000, at(1_000))).toEqual({ hits: 2, resetAt: at(60_000), previousHitAt: at(0) });
    expect(await store.hit(k, 60_000, at(2_500))).toEqual({ hits: 3, resetAt: at(60_000), previousHitAt: at(1_000) });
  });

  it('a window ends at its reset time and the count starts again at 1', async () => {
    const { store } = make();
    const [k, at] = [key(), times()];
    await store.hit(k, 60_000, at(0));
    expect((await store.hit(k, 60_000, at(59_999))).hits).toBe(2);
    expect(await store.hit(k, 60_000, at(60_000))).toEqual({ hits: 1, resetAt: at(120_000), previousHitAt: null });
  });

  it('peek reads without counting; reset clears the key', async () => {
    const { store } = make();
    const [k, at] = [key(), times()];
    expect(await store.peek(k, at(0))).toBeUndefined();
    await store.hit(k, 60_000, at(0));
    await store.hit(k, 60_000, at(10));
    expect(await store.peek(k, at(20))).toMatchObject({ hits: 2, resetAt: at(60_000) });
    expect((await store.hit(k, 60_000, at(30))).hits).toBe(3);
    expect(await store.peek(k, at(60_000))).toBeUndefined();
    await store.reset(k);
    expect(await store.peek(k, at(40))).toBeUndefined();
    expect((await store.hit(k, 60_000, at(50))).hits).toBe(1);
  });

  it('prune forgets windows that ended before the time given and keeps the live ones', async () => {
    const { store } = make();
    const [ended, live, at] = [key(), key(), times()];
    await store.hit(ended, 1_000, at(0));
    await store.hit(live, 60_000, at(0));
    const pruned = await store.prune(at(5_000));
    // PostgreSQL deletes the rows; Redis let the key expire with its window
    if (store.kind === 'postgres') expect(pruned).toBeGreaterThanOrEqual(1);
    else expect(pruned).toBe(0);
    expect(await store.peek(live, at(5_000))).toMatchObject({ hits: 1, resetAt: at(60_000) });
    expect((await store.hit(live, 60_000, at(5_001))).hits).toBe(2);
    expect(await store.hit(ended, 1_000, at(5_002))).toEqual({ hits: 1, resetAt: at(6_002), previousHitAt: null });
  });

  it('two stores over the same backend share one count', async () => {
    const { store, twin } = make();
    const [k, at] = [key(), times()];
    await store.hit(k, 60_000, at(0));
    expect((await twin.hit(k, 60_000, at(1))).hits).toBe(2);
    expect((await store.hit(k, 60_000, at(2))).hits).toBe(3);
    await twin.reset(k);
    expect(await store.peek(k, at(3))).toBeUndefined();
  });

  it('50 concurrent hits on one key count exactly 50, each answered a different count', async () => {
    const { store, twin } = make();
    const [k, at] = [key(), times()];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? twin : store).hit(k, 60_000, at(i))));
    expect(results.map((r) => r.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await store.peek(k, at(100)))?.hits).toBe(50);
  });
}

describeEachDatabase('identity: PgLimitStore', (kind) => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase(kind, 20);
    await migrate(database);
  });
  afterAll(async () => database?.close());

  storeContract(() => ({ store: new PgLimitStore(database.db), twin: new PgLimitStore(database.db) }), () => new Date('2026-11-20T04:00:00Z'));
});

describe('identity: RedisLimitStore (redis://127.0.0.1:6379)', () => {
  // a prefix of its own: nothing else's keys are touched, and nothing is left behind
  const prefix = `fenxiao-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let one: Redis;
  let two: Redis;
  beforeAll(() => {
    one = new Redis('redis://127.0.0.1:6379');
    two = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    const keys = await one.keys(`${prefix}*`);
    if (keys.length) await one.del(...keys);
    await Promise.all([one.quit(), two.quit()]);
  });

  storeContract(() => ({ store: new RedisLimitStore(one, prefix), twin: new RedisLimitStore(two, prefix) }), () => new Date(Math.floor(Date.now() / 1000) * 1000));
});
