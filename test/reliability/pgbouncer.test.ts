// Behind PgBouncer in transaction mode (Debian's pgbouncer, started here on a free loopback port,
// pointing at the test server): the app starts (no startup option PgBouncer refuses: plan_cache_mode
// is set per connection and per transaction, never in the startup packet), migrates, and runs its
// core flow — registration, a distributor chain, checkout, payment, the signed callback and its
// commission — with concurrent buyers, and reconciliation holds. PgBouncer ≥ 1.21 keeps named
// statements (max_prepared_statements), so they stay on; an older one (Debian 12 ships 1.18) cannot,
// so the app runs with DATABASE_PREPARED_STATEMENTS=off as docs/going-live.md says.
// Needs the pgbouncer package (.ci/system-packages); runs whenever TEST_DATABASE_URL is set.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startApp } from '../../src/app.js';
import { ManualClock } from '../../src/context.js';
import { sql } from 'kysely';
import { inTransaction, openDatabase } from '../../src/db/database.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import { DevPayoutProvider } from '../../src/modules/payouts/providers.js';
import { buyAndPay, call, createProduct, hqMember, registerChain } from '../support/api.js';
import { describeOnPostgres, testConfig, type TestApp } from '../support/harness.js';
import { startPgbouncer, type RunningBouncer } from '../support/pgbouncer.js';
import { createScratchDatabase, sleep } from '../support/reliability.js';

describeOnPostgres('behind PgBouncer in transaction mode', () => {
  let bouncer: RunningBouncer | undefined;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let bouncerUrl = '';
  let app: TestApp;
  let prepared = false;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_bouncer');
    bouncer = await startPgbouncer(scratch.url);
    bouncerUrl = bouncer.url;
    prepared = bouncer.preparedStatements;

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
    await bouncer?.stop();
    await scratch?.drop();
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
