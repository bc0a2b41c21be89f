// Behind PgBouncer in transaction mode (Debian's pgbouncer, started here on a free loopback port,
// pointing at the test server): the app starts (no startup option PgBouncer refuses: plan_cache_mode
// is set per connection and per transaction, never in the startup packet), migrates, and runs its
// core flow — registration, a distributor chain, checkout, payment, the signed callback and its
// commission — with concurrent buyers, and reconciliation holds. PgBouncer ≥ 1.21 keeps named
// statements (max_prepared_statements), so they stay on; an older one (Debian 12 ships 1.18) cannot,
// so the app runs with DATABASE_PREPARED_STATEMENTS=off as docs/going-live.md says.
// Needs the pgbouncer package (.ci/system-packages); runs whenever TEST_DATABASE_URL is set.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startApp } from '../../src/app.js';
import { ManualClock } from '../../src/context.js';
import { sql } from 'kysely';
import { inTransaction, openDatabase } from '../../src/db/database.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { DevPayoutProvider } from '../../src/modules/payouts/providers.js';
import { buyAndPay, call, createProduct, hqMember, registerChain } from '../support/api.js';
import { freePort } from '../support/crash.js';
import { describeOnPostgres, testConfig, type TestApp } from '../support/harness.js';
import { createScratchDatabase, sleep } from '../support/reliability.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Debian's pgbouncer, e.g. [1, 18]. */
function pgbouncerVersion(): [number, number] {
  const out = execFileSync(PGBOUNCER, ['--version'], { encoding: 'utf8' });
  const m = /PgBouncer (\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`unexpected pgbouncer --version: ${out}`);
  return [Number(m[1]), Number(m[2])];
}

describeOnPostgres('behind PgBouncer in transaction mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fenxiao-pgbouncer-'));
  let bouncer: ChildProcess | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let bouncerUrl = '';
  let app: TestApp;
  let prepared = false;

  beforeAll(async () => {
    const [major, minor] = pgbouncerVersion();
    prepared = major > 1 || minor >= 21;
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_bouncer');
    const server = new URL(process.env.TEST_DATABASE_URL!);
    const port = await freePort();
    writeFileSync(join(dir, 'userlist.txt'), `"${decodeURIComponent(server.username) || 'postgres'}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `admin_users = ${decodeURIComponent(server.username) || 'postgres'}`,
        'default_pool_size = 6',
        'max_client_conn = 200',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        ...(prepared ? ['max_prepared_statements = 200'] : []),
        // pgbouncer will not run as root; as root it changes to this user after it starts
        ...(process.getuid?.() === 0 ? ['user = postgres'] : []),
        '',
      ].join('\n'),
    );
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
    else chownSync(dir, process.getuid!(), process.getgid!());
    bouncer = spawn(PGBOUNCER, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    bouncer.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    bouncer.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const url = new URL(scratch.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    bouncerUrl = url.toString();
    // up when a client gets through to the server
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new pg.Client({ connectionString: bouncerUrl });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.query('select 1');
        await probe.end();
        break;
      } catch (error) {
        await probe.end().catch(() => undefined);
        if (bouncer.exitCode !== null || Date.now() > deadline) {
          let log = '';
          try {
            log = readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
          } catch {
            /* none */
          }
          throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${output}\n${log}`);
        }
        await sleep(100);
      }
    }

    const database = await openDatabase({ databaseUrl: bouncerUrl, poolSize: 12, preparedStatements: prepared });
    const clock = new ManualClock(new Date('2026-11-20T04:00:00Z'));
    const payoutProvider = new DevPayoutProvider();
    const running = await startApp({ config: testConfig({ databaseUrl: bouncerUrl, databasePoolMax: 12, databasePreparedStatements: prepared }), clock, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), database, payoutProvider });
    app = {
      ...running,
      clock,
      payoutProvider,
      kind: 'postgres',
      async close() {
        await running.close();
        await database.close();
      },
    };
  });

  afterAll(async () => {
    await app?.close();
    if (bouncer && bouncer.exitCode === null) {
      bouncer.kill('SIGTERM');
      await new Promise((r) => bouncer!.once('exit', r));
    }
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a startup option, as the app used to send plan_cache_mode (so the app starting here proves it sends none)', async () => {
    const client = new pg.Client({ connectionString: bouncerUrl, options: '-c plan_cache_mode=force_custom_plan' });
    client.on('error', () => undefined);
    await expect(client.connect().then(() => client.query('select 1'))).rejects.toThrow(/unsupported startup parameter/);
    await client.end().catch(() => undefined);
  });

  it('with named statements on, the database layer connects through PgBouncer (no startup option) and transactions still plan with auto (SET LOCAL)', async () => {
    const handle = await openDatabase({ databaseUrl: bouncerUrl, poolSize: 1, preparedStatements: true });
    try {
      expect((await sql<{ one: number }>`select ${1}::int as one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
      await inTransaction(handle.db, async (tx) => {
        expect((await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(tx)).rows[0].plan_cache_mode).toBe('auto');
      });
    } finally {
      await handle.close();
    }
  });

  it('the app\'s database is pooled in transaction mode (PgBouncer\'s admin console)', async () => {
    const admin = new pg.Client({ connectionString: bouncerUrl.replace(/\/[^/]*$/, '/pgbouncer') });
    await admin.connect();
    const pools = (await admin.query('show pools')).rows as Array<{ database: string; pool_mode: string }>;
    await admin.end();
    expect(pools.find((p) => p.database === scratch.name)?.pool_mode).toBe('transaction');
  });

  it('core flow with concurrent buyers: checkout, pay, the callback, commission on the chain; reconciliation ok', async () => {
    const owner = await hqMember(app, 'owner');
    const chain = await registerChain(app, 4);
    // the three uplines are active distributors, so each paid order earns three levels
    await app.services.db.updateTable('members').set({ distributor_status: 'active' }).where('id', 'in', chain.slice(0, 3).map((m) => m.id)).execute();
    const product = await createProduct(app, owner, [{ priceFen: 10_000, stock: 100 }]);
    const buyer = chain[3];
    const paid = await Promise.all(Array.from({ length: 8 }, () => buyAndPay(app, buyer, [{ skuId: product.skus[0].id, quantity: 1 }])));
    expect(paid.map((o) => o.status)).toEqual(Array(8).fill('paid'));

    const db = app.services.db;
    const ids = paid.map((o) => o.id as number);
    const payments = await db.selectFrom('payments').select(['order_id']).where('order_id', 'in', ids).where('status', '=', 'succeeded').execute();
    expect(payments).toHaveLength(8);
    const earnings = await db.selectFrom('commission_earnings').select(['order_id', 'earner_id', 'level', 'amount_fen']).where('order_id', 'in', ids).orderBy('order_id').orderBy('level').execute();
    // the same earnings on every order: three levels, to the three uplines
    const perOrder = new Map<number, string>();
    for (const e of earnings) perOrder.set(Number(e.order_id), `${perOrder.get(Number(e.order_id)) ?? ''}${e.earner_id}:${e.level}:${e.amount_fen};`);
    expect(perOrder.size).toBe(8);
    expect(new Set(perOrder.values()).size).toBe(1);
    expect(earnings.filter((e) => Number(e.order_id) === ids[0]).map((e) => Number(e.earner_id))).toEqual([chain[2].id, chain[1].id, chain[0].id]);

    const report = await reconcile(db);
    expect(report.checks.filter((c) => c.differences.length)).toEqual([]);
    expect(report.ok).toBe(true);
    const overHttp = await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(overHttp.status).toBe(200);
    expect(overHttp.body.ok).toBe(true);
  });
});
