// `npm run bench:statements`: how many SQL statements one paid order costs through the API
// (POST /api/orders, POST /api/orders/:id/pay, the signed dev payment callback), counted by a Kysely
// plugin on a PostgreSQL database of its own with the demo seeded. On a small machine each statement
// is a round trip the request waits for (docs/performance.md), so this is the figure to watch.
// BENCH_DEMO=core seeds only the core demo; STATEMENTS_LIST=1 prints the last order's statements.
// Begin and commit are not counted (they do not pass through the query builder).
import type { KyselyPlugin, RootOperationNode } from 'kysely';
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
    await new Promise((resolve) => setTimeout(resolve, 50)); // the notifications insert follows the commit
    counting = false;
    if (order.statusCode !== 201 || pay.statusCode !== 200 || callback.statusCode !== 200) throw new Error(`order ${order.statusCode}, pay ${pay.statusCode}, callback ${callback.statusCode}`);
    console.log(`order ${round}: checkout ${afterCheckout}, pay ${afterPay - afterCheckout}, callback and after ${counted.length - afterPay} — ${counted.length} statements`);
  }
  if (process.env.STATEMENTS_LIST) console.log(counted.map((c, i) => `${String(i + 1).padStart(3)} ${c}`).join('\n'));
} finally {
  await app.close();
  await handle.close();
  await db.drop();
}
process.exit(0);
