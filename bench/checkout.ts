// 1. Checkout throughput over HTTP (server as a child process, N clients with keep-alive fetch):
//    paid orders per second, each paying three commissions, uplines spread over many distributors
//    vs every order crediting the same three (the hot account). Reference in the same run: pgbench
//    running the bare SQL of the same transaction on the same database.
// 2. Earning latency: payment callback sent → the earner's SSE event, under that load.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newOpaqueSecret, TokenSigner } from '../src/modules/identity/tokens.js';
import { devPaymentBody, devPaymentSecret, signDev } from '../test/support/reliability.js';
import { BenchServer, envInt, fmtMs, log, median, now, percentile, runCommand, scratchDatabase, type Row } from './lib.js';
import { loadSkus, loadTree, sendTree } from './world.js';

const DISTRIBUTORS = envInt('BENCH_DISTRIBUTORS', 100_000);
const BUYERS = envInt('BENCH_BUYERS', 2_000);
const CLIENTS = envInt('BENCH_CLIENTS', 16);
const SECONDS = envInt('BENCH_SECONDS', 15);
const WARMUP = envInt('BENCH_WARMUP_SECONDS', 3);
const RUNS = envInt('BENCH_RUNS', 3);
const SKUS = envInt('BENCH_SKUS', 100);

interface World {
  spreadBuyers: number[];
  hotBuyers: number[];
  hotEarners: number[];
  probeEarner: number;
  probeBuyer: number;
  skuIds: number[];
}

/** Three levels of distributors (a third each, every one under a random one of the level above), buyers under the lowest. */
function checkoutTree(): { ids: number[]; parents: number[]; depths: number[]; world: Omit<World, 'skuIds'> } {
  const third = Math.max(1, Math.floor(DISTRIBUTORS / 3));
  const ids: number[] = [];
  const parents: number[] = [];
  const depths: number[] = [];
  let next = 1;
  const add = (parent: number, depth: number) => {
    ids.push(next);
    parents.push(parent);
    depths.push(depth);
    return next++;
  };
  const pick = (from: number, count: number) => from + Math.floor(Math.random() * count);
  const a0 = next;
  for (let i = 0; i < third; i++) add(0, 0);
  const b0 = next;
  for (let i = 0; i < third; i++) add(pick(a0, third), 1);
  const c0 = next;
  const cCount = Math.max(1, DISTRIBUTORS - 2 * third);
  for (let i = 0; i < cCount; i++) add(pick(b0, third), 2);
  const spreadBuyers: number[] = [];
  for (let i = 0; i < BUYERS; i++) spreadBuyers.push(add(pick(c0, cCount), 3));
  const hotA = add(0, 0);
  const hotB = add(hotA, 1);
  const hotC = add(hotB, 2);
  const hotBuyers: number[] = [];
  for (let i = 0; i < BUYERS; i++) hotBuyers.push(add(hotC, 3));
  const probeEarner = add(0, 0);
  const probeBuyer = add(probeEarner, 1);
  return { ids, parents, depths, world: { spreadBuyers, hotBuyers, hotEarners: [hotC, hotB, hotA], probeEarner, probeBuyer } };
}

// node:http with a keep-alive agent: lighter on the load generator's CPU than fetch, which matters
// on a small machine where the clients share the cores with the server and PostgreSQL
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(base: string, path: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`${path} ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(json);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** One paid order through the API: checkout, start payment, the provider's callback. */
const stepTimes = { checkout: [] as number[], pay: [] as number[], callback: [] as number[] };

async function paidOrder(base: string, token: string, skuId: number, devSecret: string, key: string, callbackBase = base): Promise<string> {
  let t = now();
  const order = await post(base, '/api/orders', token, { items: [{ skuId, quantity: 1 }], checkoutKey: key });
  stepTimes.checkout.push(now() - t);
  t = now();
  const pay = await post(base, `/api/orders/${order.id}/pay`, token, { provider: 'dev' });
  stepTimes.pay.push(now() - t);
  const body = devPaymentBody(pay.outTradeNo, pay.amountFen);
  t = now();
  const result = await post(callbackBase, '/api/payments/dev/notify', undefined, body, { 'x-dev-signature': signDev(devSecret, body) });
  stepTimes.callback.push(now() - t);
  return result.outcome;
}

/** CPU seconds used so far by processes (utime + stime from /proc, Linux). */
function cpuSeconds(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      /* gone */
    }
  }
  return out;
}

interface CpuProbe {
  serverPid: number;
  backendPids: () => Promise<number[]>;
}

async function apiLoad(bases: string | string[], buyers: number[], tokens: Map<number, string>, skuIds: number[], devSecret: string, label: string, cpu?: CpuProbe): Promise<{ perSecond: number; errors: number; cpuMsPerOrder?: { server: number; postgres: number; clients: number } }> {
  const start = now();
  const measureFrom = start + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  let before: { server: number; pg: Map<number, number>; self: NodeJS.CpuUsage } | undefined;
  const beforeTimer = cpu
    ? setTimeout(async () => {
        before = { server: cpuSeconds([cpu.serverPid]).get(cpu.serverPid) ?? 0, pg: cpuSeconds(await cpu.backendPids()), self: process.cpuUsage() };
      }, WARMUP * 1000)
    : undefined;
  let counted = 0;
  let errors = 0;
  let seq = 0;
  const servers = typeof bases === 'string' ? [bases] : bases;
  const loop = async (client: number) => {
    // with two instances a client orders on one and the provider's callback reaches the other
    const base = servers[client % servers.length]!;
    const callbackBase = servers[(client + 1) % servers.length]!;
    while (now() < end) {
      const buyer = buyers[Math.floor(Math.random() * buyers.length)];
      const sku = skuIds[Math.floor(Math.random() * skuIds.length)];
      try {
        const outcome = await paidOrder(base, tokens.get(buyer)!, sku, devSecret, `bench-${label}-${client}-${seq++}-${Date.now()}`, callbackBase);
        const t = now();
        if (outcome === 'applied' && t >= measureFrom && t <= end) counted++;
      } catch (error) {
        errors++;
        if (errors <= 3) log(`  ${label}: ${(error as Error).message.slice(0, 200)}`);
      }
    }
  };
  let cpuMsPerOrder: { server: number; postgres: number; clients: number } | undefined;
  const afterTimer = cpu
    ? setTimeout(async () => {
        if (!before) return;
        const pids = await cpu.backendPids();
        const pgNow = cpuSeconds(pids);
        let pgUsed = 0;
        for (const [pid, sec] of pgNow) pgUsed += sec - (before.pg.get(pid) ?? 0);
        const self = process.cpuUsage(before.self);
        const orders = Math.max(counted, 1);
        cpuMsPerOrder = {
          server: (((cpuSeconds([cpu.serverPid]).get(cpu.serverPid) ?? 0) - before.server) * 1000) / orders,
          postgres: (pgUsed * 1000) / orders,
          clients: (self.user + self.system) / 1000 / orders,
        };
      }, (WARMUP + SECONDS) * 1000 - 50)
    : undefined;
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => loop(i)));
  clearTimeout(beforeTimer);
  await new Promise((r) => setTimeout(r, 100));
  clearTimeout(afterTimer);
  return { perSecond: counted / SECONDS, errors, cpuMsPerOrder };
}

/** pgbench: the bare SQL of one paid order with three commissions, on the same schema. */
function pgbenchScript(): string {
  return `\\set b random(:bmin, :bmax)
\\set sku random(:skumin, :skumax)
BEGIN;
SELECT max(ancestor_id) FILTER (WHERE distance = 1) AS u1, max(ancestor_id) FILTER (WHERE distance = 2) AS u2, max(ancestor_id) FILTER (WHERE distance = 3) AS u3 FROM referral_closure WHERE descendant_id = :b AND distance BETWEEN 1 AND 3 \\gset
SELECT (SELECT id FROM ledger_accounts WHERE owner_type = 'member' AND owner_id = :u1 AND purpose = 'commission_pending') AS a1, (SELECT id FROM ledger_accounts WHERE owner_type = 'member' AND owner_id = :u2 AND purpose = 'commission_pending') AS a2, (SELECT id FROM ledger_accounts WHERE owner_type = 'member' AND owner_id = :u3 AND purpose = 'commission_pending') AS a3 \\gset
SELECT price_fen AS price, product_id AS pid FROM product_skus WHERE id = :sku FOR UPDATE \\gset
UPDATE product_skus SET stock = stock - 1 WHERE id = :sku;
INSERT INTO orders (order_no, buyer_id, status, goods_fen, payable_fen, paid_fen, rule_version_id, paid_at) VALUES ('PGB' || gen_random_uuid(), :b, 'paid', :price, :price, :price, :rv, now()) RETURNING id AS oid \\gset
INSERT INTO order_lines (order_id, product_id, sku_id, title, quantity, unit_price_fen, paid_fen) VALUES (:oid, :pid, :sku, 'bench', 1, :price, :price) RETURNING id AS lid \\gset
INSERT INTO payments (order_id, provider, method, out_trade_no, amount_fen, status, provider_txn_id, paid_at) VALUES (:oid, 'dev', 'dev', 'PGB' || :oid, :price, 'succeeded', 'dev-PGB' || :oid, now());
INSERT INTO payment_events (provider, event_key, kind, outcome) VALUES ('dev', 'pgb-' || :oid, 'payment', 'applied');
INSERT INTO referral_member_sales (member_id, paid_fen, order_count) VALUES (:b, :price, 1) ON CONFLICT (member_id) DO UPDATE SET paid_fen = referral_member_sales.paid_fen + excluded.paid_fen, order_count = referral_member_sales.order_count + 1;
INSERT INTO commission_earnings (order_id, order_line_id, earner_id, buyer_id, level, base_fen, rate_bp, amount_fen, state, rule_version_id) VALUES (:oid, :lid, :u1, :b, 1, :price, 1000, :price * 1000 / 10000, 'pending', :rv), (:oid, :lid, :u2, :b, 2, :price, 500, :price * 500 / 10000, 'pending', :rv), (:oid, :lid, :u3, :b, 3, :price, 300, :price * 300 / 10000, 'pending', :rv);
INSERT INTO ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id) VALUES (:exp, :a1, :price * 1000 / 10000, 'commission.earn', 'pgb:' || :lid || ':1', 'order_line', :lid), (:exp, :a2, :price * 500 / 10000, 'commission.earn', 'pgb:' || :lid || ':2', 'order_line', :lid), (:exp, :a3, :price * 300 / 10000, 'commission.earn', 'pgb:' || :lid || ':3', 'order_line', :lid);
COMMIT;
`;
}

async function pgbench(dbUrl: string, scriptFile: string, vars: Record<string, number>): Promise<number> {
  const u = new URL(dbUrl);
  const args = ['-n', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-f', scriptFile, '-h', decodeURIComponent(u.hostname), '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  for (const [k, v] of Object.entries(vars)) args.push('-D', `${k}=${v}`);
  args.push(u.pathname.slice(1));
  const res = await runCommand('pgbench', args, { env: u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {} });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(res.stdout);
  if (!m) throw new Error(`pgbench failed (${res.code}): ${res.stderr.slice(0, 500)} ${res.stdout.slice(-500)}`);
  const failed = /number of failed transactions: (\d+)/.exec(res.stdout);
  if (failed && Number(failed[1]) > 0) log(`  pgbench: ${failed[1]} failed transactions`);
  return Number(m[1]);
}

/** The probe: one earner's SSE stream, and its own buyer paying one order at a time. */
async function latencyProbe(base: string, earnerToken: string, buyerToken: string, skuId: number, devSecret: string, until: number, callbackBase = base) {
  const samples: number[] = [];
  const acked: number[] = [];
  const afterAck: number[] = [];
  const controller = new AbortController();
  const res = await fetch(`${base}/api/me/notifications/stream?access_token=${encodeURIComponent(earnerToken)}`, { signal: controller.signal }).catch(() => undefined);
  if (!res || res.status !== 200 || !res.body) {
    controller.abort();
    return { samples, acked, afterAck, sse: false };
  }
  let waiting: ((t: number) => void) | undefined;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const t = now();
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.includes('event: notification') && block.includes('commission.earned') && waiting) {
            const w = waiting;
            waiting = undefined;
            w(t);
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  let seq = 0;
  while (now() < until) {
    const order = await post(base, '/api/orders', buyerToken, { items: [{ skuId, quantity: 1 }], checkoutKey: `probe-${seq++}-${Date.now()}` });
    const pay = await post(base, `/api/orders/${order.id}/pay`, buyerToken, { provider: 'dev' });
    const body = devPaymentBody(pay.outTradeNo, pay.amountFen);
    const event = new Promise<number>((resolve) => {
      waiting = resolve;
      setTimeout(() => resolve(Number.NaN), 5_000);
    });
    const t0 = now();
    await post(callbackBase, '/api/payments/dev/notify', undefined, body, { 'x-dev-signature': signDev(devSecret, body) });
    const tAck = now();
    acked.push(tAck - t0);
    const t1 = await event;
    if (Number.isFinite(t1)) {
      samples.push(t1 - t0);
      afterAck.push(t1 - tAck);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  controller.abort();
  await pump;
  return { samples, acked, afterAck, sse: true };
}

export async function benchCheckout(rows: Row[], notes: string[]): Promise<void> {
  log(`1/2 checkout: ${DISTRIBUTORS} distributors, ${BUYERS}+${BUYERS} buyers, ${CLIENTS} clients, ${SECONDS} s × ${RUNS} runs`);
  const db = await scratchDatabase('fenxiao_bench_co');
  const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-bench-'));
  const jwtSecret = `bench-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  const devSecret = devPaymentSecret(jwtSecret);
  let server: BenchServer | undefined;
  const client = await db.client();
  try {
    // BENCH_SYNC_COMMIT=off: a diagnostic, to see how much of a figure is the WAL flush at commit
    if (process.env.BENCH_SYNC_COMMIT) await client.query(`alter database ${db.name} set synchronous_commit = ${process.env.BENCH_SYNC_COMMIT === 'off' ? 'off' : 'on'}`);
    server = await BenchServer.start(db.url, jwtSecret, dataDir); // applies the migrations
    const tree = checkoutTree();
    log('  loading the tree');
    await sendTree(client, tree.ids, tree.parents, tree.depths);
    await loadTree(client);
    const skuIds = await loadSkus(client, SKUS, (i) => 5_000 + ((i * 997) % 20_000));
    await client.query('analyze');
    const world: World = { ...tree.world, skuIds };
    // a session row per buyer, as a sign-in makes; access tokens last 15 minutes, longer than a section
    const signer = new TokenSigner(jwtSecret);
    const tokenOf = new Map<number, string>();
    for (const id of [...world.spreadBuyers, ...world.hotBuyers, world.probeBuyer, world.probeEarner]) {
      const session = await client.query(
        `insert into member_sessions (member_id, session_version, refresh_hash, created_at, expires_at) select id, session_version, $2, now(), now() + interval '1 day' from members where id = $1 returning id, session_version`,
        [id, newOpaqueSecret().hash],
      );
      tokenOf.set(id, await signer.signAccess({ memberId: id, sessionId: Number(session.rows[0].id), sessionVersion: session.rows[0].session_version }));
    }
    const rv = Number((await client.query('select max(id) as id from rule_versions')).rows[0].id);
    const exp = Number((await client.query(`select id from ledger_accounts where owner_type = 'platform' and purpose = 'commission_expense'`)).rows[0].id);
    const scriptFile = join(dataDir, 'paid-order.sql');
    writeFileSync(scriptFile, pgbenchScript());
    const skuRange = { skumin: Math.min(...skuIds), skumax: Math.max(...skuIds) };
    const spreadRange = { bmin: Math.min(...world.spreadBuyers), bmax: Math.max(...world.spreadBuyers) };
    const hotRange = { bmin: Math.min(...world.hotBuyers), bmax: Math.max(...world.hotBuyers) };

    const api = { spread: [] as number[], hot: [] as number[] };
    const bare = { spread: [] as number[], hot: [] as number[] };
    const latency: number[] = [];
    const acked: number[] = [];
    const afterAck: number[] = [];
    let sse = true;
    const cpuPerOrder: Array<{ server: number; postgres: number; clients: number }> = [];
    let errors = 0;
    const idle = await latencyProbe(server.base, tokenOf.get(world.probeEarner)!, tokenOf.get(world.probeBuyer)!, skuIds[0], devSecret, now() + Math.min(5, SECONDS) * 1000);
    for (let run = 0; run < RUNS; run++) {
      const probeUntil = now() + (WARMUP + SECONDS) * 1000;
      const cpu: CpuProbe = {
        serverPid: server.child.pid!,
        backendPids: async () => (await client.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((r) => Number(r.pid)),
      };
      const [spread, probe] = await Promise.all([
        apiLoad(server.base, world.spreadBuyers, tokenOf, skuIds, devSecret, 'spread', cpu),
        latencyProbe(server.base, tokenOf.get(world.probeEarner)!, tokenOf.get(world.probeBuyer)!, skuIds[0], devSecret, probeUntil),
      ]);
      latency.push(...probe.samples);
      acked.push(...probe.acked);
      afterAck.push(...probe.afterAck);
      sse &&= probe.sse;
      const hot = await apiLoad(server.base, world.hotBuyers, tokenOf, skuIds, devSecret, 'hot');
      errors += spread.errors + hot.errors;
      api.spread.push(spread.perSecond);
      if (spread.cpuMsPerOrder) cpuPerOrder.push(spread.cpuMsPerOrder);
      api.hot.push(hot.perSecond);
      bare.spread.push(await pgbench(db.url, scriptFile, { ...spreadRange, ...skuRange, rv, exp }));
      bare.hot.push(await pgbench(db.url, scriptFile, { ...hotRange, ...skuRange, rv, exp }));
      log(`  run ${run + 1}: API spread ${spread.perSecond.toFixed(1)}/s, hot ${hot.perSecond.toFixed(1)}/s; bare SQL spread ${bare.spread.at(-1)!.toFixed(0)}/s, hot ${bare.hot.at(-1)!.toFixed(0)}/s; probe ${probe.samples.length} events`);
    }
    // BENCH_TWO_INSTANCES=0 skips it: a second server process on the same database, clients ordering
    // on one instance with the callback sent to the other, and the probe's stream on A, callbacks on B
    let two: { perSecond: number; errors: number; latency: number[] } | undefined;
    if (process.env.BENCH_TWO_INSTANCES !== '0') {
      const second = await BenchServer.start(db.url, jwtSecret, dataDir);
      try {
        const [load, probe] = await Promise.all([
          apiLoad([server.base, second.base], world.spreadBuyers, tokenOf, skuIds, devSecret, 'two'),
          latencyProbe(server.base, tokenOf.get(world.probeEarner)!, tokenOf.get(world.probeBuyer)!, skuIds[0], devSecret, now() + (WARMUP + SECONDS) * 1000, second.base),
        ]);
        two = { perSecond: load.perSecond, errors: load.errors, latency: probe.samples };
        errors += load.errors;
        log(`  two instances: ${load.perSecond.toFixed(1)}/s, probe ${probe.samples.length} events across instances`);
      } finally {
        await second.stop();
      }
    }
    // every order paid exactly its commissions, hot or not
    const check = await client.query(
      `select count(*)::int as n from orders o where o.status = 'paid' and o.buyer_id <> $1 and (select count(*) from commission_earnings e where e.order_id = o.id) <> 3`,
      [world.probeBuyer],
    );
    if (cpuPerOrder.length) {
      const m = (k: 'server' | 'postgres' | 'clients') => median(cpuPerOrder.map((c) => c[k])).toFixed(1);
      notes.push(`CPU per paid order via the API (spread, median of runs): server process ${m('server')} ms, PostgreSQL backends ${m('postgres')} ms, load generator ${m('clients')} ms`);
    }
    notes.push(
      `checkout, per request under load (p50 / p95): POST /api/orders ${fmtMs(percentile(stepTimes.checkout, 50))} / ${fmtMs(percentile(stepTimes.checkout, 95))}, ` +
        `POST /api/orders/:id/pay ${fmtMs(percentile(stepTimes.pay, 50))} / ${fmtMs(percentile(stepTimes.pay, 95))}, ` +
        `payment callback ${fmtMs(percentile(stepTimes.callback, 50))} / ${fmtMs(percentile(stepTimes.callback, 95))}`,
    );
    const hotCount = await client.query(`select count(*)::int as n from commission_earnings where earner_id = any($1::bigint[])`, [world.hotEarners]);

    const apiSpread = median(api.spread);
    const apiHot = median(api.hot);
    const bareSpread = median(bare.spread);
    const bareHot = median(bare.hot);
    const ratio = apiSpread / bareSpread;
    const hotLoss = 1 - apiHot / apiSpread;
    rows.push(
      { section: '1', what: `paid orders/s via HTTP, uplines spread over ${DISTRIBUTORS.toLocaleString('en')} distributors (${CLIENTS} clients)`, figure: `${apiSpread.toFixed(1)}/s`, reference: `bare SQL (pgbench, same schema): ${bareSpread.toFixed(0)}/s`, goal: 'API ≥ ½ of bare SQL', met: ratio >= 0.5 },
      { section: '1', what: 'API ÷ bare SQL', figure: `${(ratio * 100).toFixed(1)} %`, goal: '≥ 50 %', met: ratio >= 0.5 },
      { section: '1', what: 'paid orders/s via HTTP, every order crediting the same 3 distributors (hot)', figure: `${apiHot.toFixed(1)}/s`, reference: `bare SQL hot: ${bareHot.toFixed(0)}/s (${((1 - bareHot / bareSpread) * 100).toFixed(1)} % below spread)`, goal: '' },
      { section: '1', what: 'hot-account loss vs spread (API)', figure: `${(hotLoss * 100).toFixed(1)} %`, reference: `${hotCount.rows[0].n} earnings on the hot accounts; ${check.rows[0].n} paid orders without exactly 3 earnings; ${errors} failed requests`, goal: '< 20 %', met: hotLoss < 0.2 },
      {
        section: '2',
        what: sse ? 'earning latency: callback sent → earner’s SSE event, under load (1)' : 'earning latency: SSE route missing — callback round trip only',
        figure: `p50 ${fmtMs(percentile(latency, 50))}, p99 ${fmtMs(percentile(latency, 99))}`,
        reference: `${latency.length} events; the callback's own answer p50 ${fmtMs(percentile(acked, 50))}, p99 ${fmtMs(percentile(acked, 99))}; event after the answer p50 ${fmtMs(percentile(afterAck, 50))}, p99 ${fmtMs(percentile(afterAck, 99))}`,
        goal: 'p99 < 50 ms',
        met: sse && percentile(latency, 99) < 50,
      },
      ...(two
        ? [
            { section: '1', what: 'paid orders/s via HTTP on two server processes (order on one, callback to the other)', figure: `${two.perSecond.toFixed(1)}/s`, reference: `one process: ${apiSpread.toFixed(1)}/s; both share this machine's CPUs with PostgreSQL and the clients`, goal: '' },
            { section: '2', what: 'earning latency across instances under that load: callback to B → SSE event on A', figure: `p50 ${fmtMs(percentile(two.latency, 50))}, p99 ${fmtMs(percentile(two.latency, 99))}`, reference: `${two.latency.length} events (LISTEN/NOTIFY)`, goal: 'p99 < 50 ms', met: two.latency.length > 0 && percentile(two.latency, 99) < 50 },
          ]
        : []),
      { section: '2', what: 'earning latency with no other load', figure: `p50 ${fmtMs(percentile(idle.samples, 50))}, p99 ${fmtMs(percentile(idle.samples, 99))}`, reference: `${idle.samples.length} events`, goal: '' },
    );
  } finally {
    await client.end().catch(() => undefined);
    await server?.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
