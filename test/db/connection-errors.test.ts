// A database that goes away (restart, failover, pg_terminate_backend) fails the statements in flight
// and nothing else: no pg client's 'error' event ends the process, an HTTP request answers 503
// DATABASE_UNAVAILABLE (never 500), and the next statement after the server is back succeeds.
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction, isConnectionError, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { errorHandler } from '../../src/http/errors.js';
import { describeOnPostgres } from '../support/harness.js';
import { freePort } from '../support/crash.js';
import { createScratchDatabase } from '../support/reliability.js';

/** A Fastify app with the product's error mapping and one route that throws what it is given. */
async function mappingApp(run: () => Promise<unknown>) {
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  app.get('/probe', async () => run());
  await app.ready();
  return app;
}

describe('HTTP mapping of database errors', () => {
  const answer = async (error: unknown) => {
    const app = await mappingApp(async () => {
      throw error;
    });
    const res = await app.inject({ method: 'GET', url: '/probe' });
    await app.close();
    return { status: res.statusCode, code: res.json().code as string, retryAfter: res.headers['retry-after'] };
  };
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['08003', 'connection does not exist'],
    ['53300', 'sorry, too many clients already'],
  ])('%s (%s) is 503 DATABASE_UNAVAILABLE with retry-after', async (code, message) => {
    expect(await answer(pgError(code, message))).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' });
  });

  it('a cached plan refused after a schema change is 503 DATABASE_SCHEMA_CHANGED; another 0A000 is not retry-safe and stays 500', async () => {
    expect(await answer(pgError('0A000', 'cached plan must not change result type'))).toMatchObject({ status: 503, code: 'DATABASE_SCHEMA_CHANGED' });
    expect(await answer(pgError('0A000', 'some other feature is not supported'))).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('a socket error that did not come from the database (a provider call) is not reported as the database', async () => {
    expect(await answer(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ status: 500 });
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });

  it('a unique violation stays 409', async () => {
    expect(await answer(pgError('23505', 'duplicate key'))).toMatchObject({ status: 409, code: 'CONFLICT' });
  });
});

describeOnPostgres('a database connection lost under the pool', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let handle: DatabaseHandle;
  let admin: pg.Client;
  let reported: string[];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  /** Ends every backend of the scratch database (never another test's). */
  const terminateAll = async () =>
    (await admin.query<{ n: number }>(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [scratch.name])).rows[0].n;
  const waitFor = async (what: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_connlost');
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await admin?.end();
    await scratch?.drop();
  });
  beforeEach(async () => {
    reported = [];
    handle = await openDatabase({ databaseUrl: scratch.url, poolSize: 3, onConnectionError: (m) => reported.push(m) });
  });
  afterEach(async () => {
    await handle.close();
    expect(uncaught).toEqual([]);
  });

  it('an idle pool client whose backend is terminated is reported and replaced; the process goes on and the next query succeeds', async () => {
    // three connections, all idle in the pool afterwards
    await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(handle.db)));
    expect(await terminateAll()).toBe(3);
    await waitFor(() => reported.length >= 3);
    expect(reported.every((m) => m.startsWith('postgres: idle connection lost'))).toBe(true);
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
  });

  it('a client checked out in an open transaction: its error event is handled, the transaction fails with a connection error, the pool goes on', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let terminated!: () => void;
    const done = new Promise<void>((r) => (terminated = r));
    const tx = inTransaction(handle.db, async (t) => {
      await sql`select 1`.execute(t);
      inside();
      await done; // idle in transaction while the server drops it: no query is active to take the error
      await sql`select 2`.execute(t);
    });
    await entered;
    expect(await terminateAll()).toBeGreaterThanOrEqual(1);
    await waitFor(() => reported.some((m) => m.startsWith('postgres: connection lost while in use')));
    terminated();
    const error = await tx.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(isConnectionError(error)).toBe(true);
    expect((await sql<{ two: number }>`select 2 as two`.execute(handle.db)).rows).toEqual([{ two: 2 }]);
  });

  it('a request whose statement is in flight when its backend is terminated answers 503 DATABASE_UNAVAILABLE; the next request is 200', async () => {
    let attempt = 0;
    const app = await mappingApp(async () => {
      attempt += 1;
      return (await sql<{ ok: number }>`select ${attempt}::int as ok, pg_sleep(${attempt === 1 ? 10 : 0})`.execute(handle.db)).rows[0];
    });
    try {
      const inFlight = app.inject({ method: 'GET', url: '/probe' });
      await waitFor(() => attempt === 1);
      // the statement is running on the server
      await new Promise((r) => setTimeout(r, 200));
      expect(await terminateAll()).toBeGreaterThanOrEqual(1);
      const res = await inFlight;
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      const next = await app.inject({ method: 'GET', url: '/probe' });
      expect(next.statusCode).toBe(200);
      expect(next.json()).toMatchObject({ ok: 2 });
    } finally {
      await app.close();
    }
  });

  it('a server that cannot be reached (ECONNREFUSED) is 503 too, and the process stays up', async () => {
    const port = await freePort();
    const down = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/nothing`, onConnectionError: (m) => reported.push(m) });
    const app = await mappingApp(async () => (await sql`select 1`.execute(down.db)).rows);
    try {
      const res = await app.inject({ method: 'GET', url: '/probe' });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await app.close();
      await down.close();
    }
  });
});
