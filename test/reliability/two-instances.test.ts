// Two real server processes (`node --import tsx src/main.ts`) on one PostgreSQL database, started at
// the same moment, as a merchant runs them behind a load balancer: once straight on the server, once
// through PgBouncer in transaction mode (the live-event LISTEN then goes past it, DATABASE_LISTEN_URL).
// - start-up: one set of default rules, one demo, both processes up;
// - an earner subscribed on A hears a payment whose signed callback reached B;
// - a reconnect to B with Last-Event-ID gets what the earner missed, once;
// - ten wrong passwords spread over both hit the one shared limit: five answers, then back-off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../support/crash.js';
import { startPgbouncer, type RunningBouncer } from '../support/pgbouncer.js';
import { createScratchDatabase, devPaymentBody, devPaymentSecret, signDev } from '../support/reliability.js';
import { SseClient } from '../support/sse.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL;
const DEMO_PASSWORD = 'demo1234';
// the demo chain (src/demo/seed.ts): 13900000005 was invited by 13900000004, who earns level 1
const EARNER_PHONE = '13900000004';
const BUYER_PHONE = '13900000005';

for (const mode of ['direct', 'pgbouncer'] as const) {
  (ADMIN_URL ? describe : describe.skip)(`two server processes on one database [${mode}]`, () => {
    const jwtSecret = `two-instances-${mode}-0123456789abcdef0123456789`;
    const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-two-'));
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let bouncer: RunningBouncer | undefined;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      scratch = await createScratchDatabase(ADMIN_URL!, 'fenxiao_two');
      const env: Record<string, string> = { DEMO_DATA: 'full' };
      let databaseUrl = scratch.url;
      if (mode === 'pgbouncer') {
        bouncer = await startPgbouncer(scratch.url, { poolSize: 10 });
        databaseUrl = bouncer.url;
        env.DATABASE_LISTEN_URL = scratch.url;
        if (!bouncer.preparedStatements) env.DATABASE_PREPARED_STATEMENTS = 'off';
      }
      // the same moment: migrations, default rules and the demo race each other
      [a, b] = await Promise.all([0, 1].map(() => ServerProcess.start({ databaseUrl, jwtSecret, dataDir, env, timeoutMs: 90_000 })));
    }, 120_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await bouncer?.stop();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts both with one set of default rules and one demo', async () => {
      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      try {
        const rules = await db.query(`select note from rule_versions order by id`);
        expect(rules.rows.map((r) => r.note).filter((n) => n === 'defaults')).toHaveLength(1);
        const products = await db.query(`select count(*)::int as n, count(distinct title)::int as titles from products`);
        expect(products.rows[0].n).toBeGreaterThan(0);
        expect(products.rows[0].n).toBe(products.rows[0].titles);
        const owners = await db.query(`select count(*)::int as n from members where hq_role = 'owner'`);
        expect(owners.rows[0].n).toBe(1);
      } finally {
        await db.end();
      }
      for (const server of [a, b]) expect((await server.request('GET', '/health')).status).toBe(200);
    });

    it('delivers the alert on A for a callback on B, and replays on B after Last-Event-ID', async () => {
      const earner = await login(a, EARNER_PHONE);
      const buyer = await login(b, BUYER_PHONE);
      const stream = await SseClient.open(`${a.base}/api/me/notifications/stream?access_token=${earner}`);
      const before = stream.events.length;

      const first = await payOnB(b, buyer, jwtSecret, 1);
      const [alert] = (await stream.waitFor(before + 1, 15_000)).slice(before);
      expect(alert.data).toMatchObject({ kind: 'commission.earned' });
      expect(alert.data.amountFen).toBe(await levelOneEarning(scratch.url, first.orderId));
      stream.close();

      // missed while away, then the browser reconnects — to the other instance
      const second = await payOnB(b, buyer, jwtSecret, 2);
      const again = await SseClient.open(`${b.base}/api/me/notifications/stream?access_token=${earner}`, { lastEventId: alert.id! });
      const [missed] = await again.waitFor(1, 15_000);
      expect(missed.data.kind).toBe('commission.earned');
      expect(Number(missed.id)).toBeGreaterThan(Number(alert.id));
      expect(missed.data.amountFen).toBe(await levelOneEarning(scratch.url, second.orderId));
      expect(again.events).toHaveLength(1);
      again.close();
    });

    it('counts wrong passwords in one shared store: five answered, then back-off on either instance', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const server = i % 2 === 0 ? a : b;
        statuses.push((await server.request('POST', '/api/auth/login', { body: { phone: '13900000003', password: `wrong-${i}` } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    });
  });
}

async function login(server: ServerProcess, phone: string): Promise<string> {
  const res = await server.request('POST', '/api/auth/login', { body: { phone, password: DEMO_PASSWORD } });
  if (res.status !== 200) throw new Error(`login ${phone}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Checkout and pay on B, with the dev provider's signed callback sent to B. */
async function payOnB(b: ServerProcess, buyerToken: string, jwtSecret: string, quantity: number): Promise<{ orderId: number }> {
  const products = await b.request('GET', '/api/products?limit=50');
  const sku = products.body.items.flatMap((p: { skus: Array<{ id: number; stock: number; priceFen: number }> }) => p.skus).find((s: { stock: number }) => s.stock >= 10);
  const order = await b.request('POST', '/api/orders', { token: buyerToken, body: { items: [{ skuId: sku.id, quantity }], checkoutKey: `two-${Date.now()}-${quantity}-${Math.random()}` } });
  if (order.status !== 201) throw new Error(`checkout: ${JSON.stringify(order.body)}`);
  const pay = await b.request('POST', `/api/orders/${order.body.id}/pay`, { token: buyerToken, body: { provider: 'dev' } });
  if (pay.status !== 200) throw new Error(`pay: ${JSON.stringify(pay.body)}`);
  const body = devPaymentBody(pay.body.outTradeNo, pay.body.amountFen);
  const notified = await b.request('POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(devPaymentSecret(jwtSecret), body) } });
  if (notified.status !== 200) throw new Error(`notify: ${notified.status} ${JSON.stringify(notified.body)}`);
  return { orderId: order.body.id };
}

/** what the earner's inbox must show for an order: its level-1 earning, read from the database */
async function levelOneEarning(url: string, orderId: number): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const res = await db.query(`select e.amount_fen from commission_earnings e join members m on m.id = e.earner_id where e.order_id = $1 and m.phone = $2`, [orderId, EARNER_PHONE]);
    if (res.rows.length !== 1) throw new Error(`order ${orderId}: ${res.rows.length} earnings of the earner`);
    return Number(res.rows[0].amount_fen);
  } finally {
    await db.end();
  }
}
