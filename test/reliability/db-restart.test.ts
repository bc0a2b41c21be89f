// The database goes away under load and comes back: the real server process (`node --import tsx
// src/main.ts`, as crash.test.ts starts it) takes checkouts, payments and their callbacks from a few
// concurrent buyers while every backend of its database is ended with pg_terminate_backend three
// times (what a restart or failover does to the connections, without disturbing other tests on the
// same server). The same process must still answer; a request caught by it answers 503
// DATABASE_UNAVAILABLE (and succeeds when sent again: every step is idempotent) or succeeds; nothing
// else. The job queue (pg-boss) and the live-event listener run and lose their connections too. Afterwards: every order once per checkout key, every paid order exactly one successful
// payment and the same earnings as an order paid before, stock taken once per order, reconciliation ok.
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnPostgres } from '../support/harness.js';
import { ServerProcess, type HttpResult } from '../support/crash.js';
import { createScratchDatabase, devPaymentBody, devPaymentSecret, signDev, sleep } from '../support/reliability.js';

const DEMO_PASSWORD = 'demo1234';
const OWNER_PHONE = '13800000000';
// the demo chain's two lowest members buy: each has uplines, so each paid order earns commission
const BUYER_PHONES = ['13900000005', '13900000004'];
const WORKERS_PER_BUYER = 3;
const ORDERS_PER_WORKER = 6;
const TERMINATE_AFTER = [4, 10, 16]; // completed orders

describeOnPostgres('the database restarts under load (pg_terminate_backend of every backend)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: ServerProcess;
  let admin: pg.Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-dbrestart-'));
  const jwtSecret = `db-restart-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  const devSecret = devPaymentSecret(jwtSecret);

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_dbrestart');
    // the job queue runs too: its connections and the live-event listener are ended with the rest
    server = await ServerProcess.start({ databaseUrl: scratch.url, jwtSecret, dataDir, env: { JOB_INTERVAL_MS: '2000' } });
    admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Ends every backend of this test's database but the admin client's own. */
  const terminateAll = async () =>
    (await admin.query<{ n: number }>(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [scratch.name])).rows[0].n;

  const login = async (phone: string) => {
    const res = await server.request('POST', '/api/auth/login', { body: { phone, password: DEMO_PASSWORD } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { id: res.body.member.id as number, token: res.body.token as string };
  };

  const notify = (outTradeNo: string, amountFen: number) => {
    const body = devPaymentBody(outTradeNo, amountFen);
    return server.request('POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(devSecret, body) } });
  };

  it('keeps answering; in-flight requests get 503 DATABASE_UNAVAILABLE or succeed; nothing is lost or doubled', async () => {
    const pid = server.child.pid;
    const owner = await login(OWNER_PHONE);
    const buyers = [];
    for (const phone of BUYER_PHONES) buyers.push(await login(phone));
    const products = await server.request('GET', '/api/products');
    const sku = products.body.items[0].skus[0] as { id: number };
    const stockOf = async () => Number((await admin.query<{ stock: string }>('select stock from product_skus where id = $1', [sku.id])).rows[0].stock);
    const stockBefore = await stockOf();

    const seen = { ok: 0, unavailable: 0 };
    const unexpected: string[] = [];
    /** Sends a request until it succeeds; a 503 DATABASE_UNAVAILABLE is retried, anything else is wrong. */
    const until = async (what: string, ok: number, send: () => Promise<HttpResult>): Promise<any> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        let res: HttpResult;
        try {
          res = await send();
        } catch (error) {
          // the server process itself did not answer (it died, or refused the connection)
          unexpected.push(`${what}: no answer: ${(error as Error).message}`);
          throw error;
        }
        if (res.status === ok) {
          seen.ok += 1;
          return res.body;
        }
        if (res.status === 503 && res.body?.code === 'DATABASE_UNAVAILABLE' && res.body?.retryAfterSeconds === 1) {
          seen.unavailable += 1;
          await sleep(50);
          continue;
        }
        unexpected.push(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
        throw new Error(unexpected.at(-1));
      }
      throw new Error(`${what}: still unavailable after 100 tries`);
    };

    const checkoutAndPay = async (buyer: { token: string }, key: string) => {
      const order = await until(`checkout ${key}`, 201, () => server.request('POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: key } }));
      const pay = await until(`pay ${key}`, 200, () => server.request('POST', `/api/orders/${order.id}/pay`, { token: buyer.token, body: { provider: 'dev' } }));
      const applied = await until(`notify ${key}`, 200, () => notify(pay.outTradeNo, pay.amountFen));
      expect(['applied', 'duplicate']).toContain(applied.outcome);
      return order.id as number;
    };

    // one order per buyer before anything: the earnings every later order of that buyer must have
    const run = Date.now().toString(36);
    const baseline = new Map<number, number>();
    for (const [i, buyer] of buyers.entries()) baseline.set(buyer.id, await checkoutAndPay(buyer, `dbrestart-${run}-base-${i}`));
    const earningsOf = async (orderId: number) =>
      (await admin.query<{ earner_id: string; level: number; amount_fen: string }>('select earner_id, level, amount_fen from commission_earnings where order_id = $1 order by level', [orderId])).rows.map((r) => `${r.earner_id}:${r.level}:${r.amount_fen}`);
    for (const orderId of baseline.values()) expect((await earningsOf(orderId)).length).toBeGreaterThan(0);

    // the load, and the terminations in the middle of it
    let completed = 0;
    const terminated: number[] = [];
    const keys: Array<{ buyerId: number; key: string }> = [];
    const workers = buyers.flatMap((buyer, b) =>
      Array.from({ length: WORKERS_PER_BUYER }, async (_, w) => {
        for (let n = 0; n < ORDERS_PER_WORKER; n++) {
          const key = `dbrestart-${run}-${b}-${w}-${n}`;
          keys.push({ buyerId: buyer.id, key });
          await checkoutAndPay(buyer, key);
          completed += 1;
        }
      }),
    );
    const killer = (async () => {
      for (const after of TERMINATE_AFTER) {
        while (completed < after && unexpected.length === 0) await sleep(5);
        if (unexpected.length) return;
        terminated.push(await terminateAll());
      }
    })();
    const outcomes = await Promise.allSettled([...workers, killer]);
    // in full, so a failure names every unexpected answer
    expect(JSON.stringify(unexpected)).toBe('[]');
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(terminated).toHaveLength(TERMINATE_AFTER.length);
    // each time the server's connections were there to be ended (the pool had reconnected in between)
    expect(terminated.every((n) => n > 0)).toBe(true);
    // some requests were caught by it: the load runs 6 requests at a time against the pool's connections
    expect(seen.unavailable).toBeGreaterThan(0);

    // the same process answers, and a request now succeeds the first time
    expect(server.child.pid).toBe(pid);
    expect(server.child.exitCode).toBeNull();
    expect((await server.request('GET', '/health')).status).toBe(200);
    const before503 = seen.unavailable;
    const after = await checkoutAndPay(buyers[0], `dbrestart-${run}-after`);
    expect(seen.unavailable).toBe(before503);

    // nothing lost or doubled
    const allKeys = keys.length + buyers.length + 1;
    const orders = (
      await admin.query<{ id: string; buyer_id: string; status: string; checkout_key: string | null; payments: number; succeeded: number }>(
        `select o.id, o.buyer_id, o.status,
                (select count(*)::int from payments p where p.order_id = o.id) as payments,
                (select count(*)::int from payments p where p.order_id = o.id and p.status = 'succeeded') as succeeded
           from orders o where o.buyer_id = any($1::bigint[])`,
        [buyers.map((b) => b.id)],
      )
    ).rows;
    expect(orders).toHaveLength(allKeys); // one order per checkout key: a replayed checkout made no second one
    expect(orders.filter((o) => o.status !== 'paid')).toEqual([]);
    expect(orders.filter((o) => o.succeeded !== 1)).toEqual([]); // exactly one successful payment each
    const expectedEarnings = new Map<number, string[]>();
    for (const [buyerId, orderId] of baseline) expectedEarnings.set(buyerId, await earningsOf(orderId));
    const wrongEarnings: string[] = [];
    for (const o of orders) {
      const got = await earningsOf(Number(o.id));
      if (JSON.stringify(got) !== JSON.stringify(expectedEarnings.get(Number(o.buyer_id)))) wrongEarnings.push(`order ${o.id}: ${JSON.stringify(got)}`);
    }
    expect(wrongEarnings).toEqual([]);
    expect(stockBefore - (await stockOf())).toBe(allKeys); // stock taken once per order
    expect(after).toBeGreaterThan(0);

    const report = await server.request('GET', '/api/admin/reconciliation', { token: owner.token });
    expect(report.status).toBe(200);
    expect(report.body.checks.filter((c: { differences: unknown[] }) => c.differences.length)).toEqual([]);
    expect(report.body.ok).toBe(true);

    // the job queue lost its connections with the rest and works again: a run finished after the last cut
    const lastCut = Date.now() - 1;
    const deadline = Date.now() + 30_000;
    let ranAgain: string[] = [];
    while (ranAgain.length === 0 && Date.now() < deadline) {
      await sleep(500);
      const jobs = await server.request('GET', '/api/admin/jobs', { token: owner.token });
      expect(jobs.status).toBe(200);
      ranAgain = jobs.body.items
        .filter((j: { lastRun: { finishedAt: string | null; outcome: string } | null }) => j.lastRun?.outcome === 'succeeded' && j.lastRun.finishedAt && Date.parse(j.lastRun.finishedAt) > lastCut)
        .map((j: { name: string }) => j.name);
    }
    expect(ranAgain.length).toBeGreaterThan(0);
    expect(server.child.exitCode).toBeNull();
  });
});
