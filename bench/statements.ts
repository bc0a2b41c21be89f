// `npm run bench:statements`: how many SQL statements one paid order costs through the API
// (POST /api/orders, POST /api/orders/:id/pay, the signed dev payment callback), counted by a Kysely
// plugin on a PostgreSQL database of its own with the demo seeded. On a small machine each statement
// is a round trip the request waits for (docs/performance.md), so this is the figure to watch.
// The participants' deferred effects (points, growth points, leaderboards, tier checks: the orders
// module's outbox) are expanded after the callback, one order per batch as an idle server does, and
// counted on their own.
// BENCH_DEMO=core seeds only the core demo; STATEMENTS_LIST=1 prints the last order's statements.
// STATEMENTS_CPU_ORDERS=n then pays n more orders one after another, their effects expanded in
// batches of ten, and prints the CPU each paid order cost this process and the PostgreSQL backends.
// Begin and commit are not counted (they do not pass through the query builder).
import { readFileSync } from 'node:fs';
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { createLogger, startApp } from '../src/app.js';
import type { AppConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { DEMO_CHAIN, DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js';
import { devPaymentBody, devPaymentSecret, signDev } from '../test/support/reliability.js';
import { scratchDatabase } from './lib.js';

const counted: string[] = [];
let counting = false;
/** the table a statement touches first, for the listing */
function describe(node: RootOperationNode): string {
  const text = JSON.stringify(node);
  const table = /"identifier":\{"kind":"IdentifierNode","name":"([a-z_]+)"/.exec(text)?.[1];
  const raw = node.kind === 'RawNode' ? (node as unknown as { sqlFragments: string[] }).sqlFragments.join('?').replace(/\s+/g, ' ').trim().slice(0, 90) : '';
  return `${node.kind.replace('QueryNode', '').replace('Node', '')} ${table ?? raw}`;
}
const counter: KyselyPlugin = {
  transformQuery(args) {
    if (counting) counted.push(describe(args.node));
    return args.node;
  },
  async transformResult(args) {
    return args.result;
  },
};

const db = await scratchDatabase('fenxiao_bench_statements');
const handle = await openDatabase({ databaseUrl: db.url });
const config = { port: 0, host: '127.0.0.1', databaseUrl: db.url, dataDir: '/tmp', jwtSecret: 'bench-secret-0123456789abcdef0123456789', smsProvider: 'dev', devPaymentProvider: true, logLevel: 'silent', jobIntervalMs: 0 } as unknown as AppConfig;
const app = await startApp({ config, database: { ...handle, db: handle.db.withPlugin(counter) }, logger: createLogger('silent') });
try {
  await seedDemo(app.services, { features: process.env.BENCH_DEMO !== 'core' });
  // expanded below, after the callback's statements are counted
  app.services.orders.effects.autoExpand = false;
  const login = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: DEMO_CHAIN[4], password: DEMO_PASSWORD } });
  const auth = { authorization: `Bearer ${login.json().token}` };
  const [sku] = await app.services.db.selectFrom('product_skus').select('id').orderBy('id').limit(1).execute();
  const address = { name: '张三', phone: '13800000000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
  // the first orders warm caches (rule versions, platform accounts); the last one is the figure
  for (let round = 1; round <= 3; round++) {
    counted.length = 0;
    counting = true;
    const order = await app.http.inject({ method: 'POST', url: '/api/orders', headers: auth, payload: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: `statements-${round}`, shippingAddress: address } });
    const afterCheckout = counted.length;
    const pay = await app.http.inject({ method: 'POST', url: `/api/orders/${order.json().id}/pay`, headers: auth, payload: { provider: 'dev' } });
    const afterPay = counted.length;
    const body = devPaymentBody(pay.json().outTradeNo, pay.json().amountFen);
    const callback = await app.http.inject({ method: 'POST', url: '/api/payments/dev/notify', headers: { 'content-type': 'application/json', 'x-dev-signature': signDev(devPaymentSecret(config.jwtSecret), body) }, payload: body });
    await new Promise((resolve) => setTimeout(resolve, 50)); // anything else that follows the commit
    const afterCallback = counted.length;
    const effects = await app.services.orders.expandEffects();
    counting = false;
    if (order.statusCode !== 201 || pay.statusCode !== 200 || callback.statusCode !== 200) throw new Error(`order ${order.statusCode}, pay ${pay.statusCode}, callback ${callback.statusCode}`);
    if (effects.failed > 0) throw new Error(`deferred effects failed: ${JSON.stringify(effects)}`);
    console.log(`order ${round}: checkout ${afterCheckout}, pay ${afterPay - afterCheckout}, callback and after ${afterCallback - afterPay}, deferred effects ${counted.length - afterCallback} (${effects.expanded} hooks, one order in the batch) — ${counted.length} statements`);
  }
  if (process.env.STATEMENTS_LIST) console.log(counted.map((c, i) => `${String(i + 1).padStart(3)} ${c}`).join('\n'));
  // ten more paid orders whose deferred effects share one batch, as they do under load
  const batch = 10;
  for (let i = 0; i < batch; i++) {
    const order = await app.http.inject({ method: 'POST', url: '/api/orders', headers: auth, payload: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: `statements-batch-${i}`, shippingAddress: address } });
    const pay = await app.http.inject({ method: 'POST', url: `/api/orders/${order.json().id}/pay`, headers: auth, payload: { provider: 'dev' } });
    const body = devPaymentBody(pay.json().outTradeNo, pay.json().amountFen);
    await app.http.inject({ method: 'POST', url: '/api/payments/dev/notify', headers: { 'content-type': 'application/json', 'x-dev-signature': signDev(devPaymentSecret(config.jwtSecret), body) }, payload: body });
  }
  counted.length = 0;
  counting = true;
  const effects = await app.services.orders.expandEffects();
  counting = false;
  console.log(`${batch} orders' deferred effects in one batch: ${counted.length} statements (${(counted.length / batch).toFixed(1)} per order, ${effects.expanded} hooks, ${effects.failed} failed)`);
  const cpuOrders = Number(process.env.STATEMENTS_CPU_ORDERS ?? 0);
  if (cpuOrders > 0) {
    // utime + stime of this process and of every backend of the bench database (clock ticks of 10 ms)
    const backendSeconds = async () => {
      const pids = (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`.execute(app.services.db)).rows.map((r) => r.pid);
      return new Map(pids.map((pid) => {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return [pid, (Number(fields[11]) + Number(fields[12])) / 100];
      }));
    };
    const pgBefore = await backendSeconds();
    const before = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < cpuOrders; i++) {
      const order = await app.http.inject({ method: 'POST', url: '/api/orders', headers: auth, payload: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: `statements-cpu-${i}`, shippingAddress: address } });
      const pay = await app.http.inject({ method: 'POST', url: `/api/orders/${order.json().id}/pay`, headers: auth, payload: { provider: 'dev' } });
      const body = devPaymentBody(pay.json().outTradeNo, pay.json().amountFen);
      await app.http.inject({ method: 'POST', url: '/api/payments/dev/notify', headers: { 'content-type': 'application/json', 'x-dev-signature': signDev(devPaymentSecret(config.jwtSecret), body) }, payload: body });
      if (i % 10 === 9 || i === cpuOrders - 1) await app.services.orders.expandEffects();
    }
    const self = process.cpuUsage(before);
    // a backend that started meanwhile counts from zero (one that ended would be lost: the pool keeps them)
    const pg = [...(await backendSeconds())].reduce((sum, [pid, seconds]) => sum + seconds - (pgBefore.get(pid) ?? 0), 0);
    console.log(`${cpuOrders} paid orders one after another: ${(((self.user + self.system) / 1000) / cpuOrders).toFixed(2)} ms CPU each in this process, ${((pg * 1000) / cpuOrders).toFixed(2)} ms in PostgreSQL, ${((performance.now() - started) / cpuOrders).toFixed(1)} ms wall each`);
  }
} finally {
  await app.close();
  await handle.close();
  await db.drop();
}
process.exit(0);
