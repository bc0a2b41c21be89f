// 3. The flash sale (秒杀, issue 19) over HTTP on the PostgreSQL server: distinct buyers checking out
//    in a campaign (limit 1 each), BENCH_FLASH_CLIENTS requests in flight.
//    - hot: 10,000 campaign stock on ONE SKU vs the same load spread over 100 SKUs of two campaigns
//      (100 stock each): accepted checkouts per second (goal: hot ≥ 80 % of spread), checkout p99,
//      0 oversold, 0 5xx;
//    - burst: BENCH_FLASH_BURST buyers (2,000) sent at the opening instant on 100 stock: exactly 100
//      orders, and the time from the opening to the 100th accepted order.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { TokenSigner } from '../src/modules/identity/tokens.js';
import { BenchServer, envInt, fmtMs, log, median, now, percentile, scratchDatabase, type Row } from './lib.js';
import { loadSkus, loadTree, sendTree } from './world.js';

const CLIENTS = envInt('BENCH_FLASH_CLIENTS', 64);
const SECONDS = envInt('BENCH_SECONDS', 15);
const WARMUP = envInt('BENCH_WARMUP_SECONDS', 3);
const RUNS = envInt('BENCH_RUNS', 3);
const BURST = envInt('BENCH_FLASH_BURST', 2_000);
const HOT_STOCK = 10_000;
/** distinct buyers per phase (every request spends one, accepted or not) */
const PER_PHASE = envInt('BENCH_FLASH_BUYERS', 12_000);

const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(CLIENTS, 64) });

/** POST as JSON; answers the status and the parsed body (never rejects on a 4xx or 5xx). */
function post(base: string, path: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body);
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: any = text;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 500, body: json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Members 1..n (flat: no referrers), each with a session and an access token. */
async function loadBuyers(client: pg.Client, n: number, jwtSecret: string): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  await sendTree(client, ids, ids.map(() => 0), ids.map(() => 0));
  await loadTree(client);
  const sessions = await client.query(
    `insert into member_sessions (member_id, session_version, refresh_hash, created_at, expires_at)
     select id, session_version, encode(sha256(convert_to(id::text || ':' || random()::text, 'UTF8')), 'hex'), now(), now() + interval '1 day' from members order by id
     returning id, member_id, session_version`,
  );
  const signer = new TokenSigner(jwtSecret);
  const tokens: string[] = new Array(n + 1);
  for (const s of sessions.rows) tokens[Number(s.member_id)] = await signer.signAccess({ memberId: Number(s.member_id), sessionId: Number(s.id), sessionVersion: s.session_version });
  return tokens;
}

interface Load {
  accepted: number;
  perSecond: number;
  latencies: number[];
  statuses: Map<string, number>;
}

/** Distinct buyers (each once) check out one unit of a random SKU of the campaign(s), CLIENTS at a time, for WARMUP + SECONDS. */
async function flashLoad(base: string, buyers: { next: () => string }, targets: Array<{ saleId: number; skuId: number }>): Promise<Load> {
  const start = now();
  const measureFrom = start + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  const out: Load = { accepted: 0, perSecond: 0, latencies: [], statuses: new Map() };
  let seq = 0;
  const loop = async () => {
    while (now() < end) {
      const target = targets[Math.floor(Math.random() * targets.length)]!;
      const t0 = now();
      const res = await post(base, '/api/orders', buyers.next(), { items: [{ skuId: target.skuId, quantity: 1 }], checkoutKey: `flash-${seq++}-${Date.now()}`, campaign: { kind: 'flash_sale', id: target.saleId } });
      const t1 = now();
      const key = res.status >= 400 ? `${res.status} ${res.body?.code ?? ''}` : String(res.status);
      out.statuses.set(key, (out.statuses.get(key) ?? 0) + 1);
      if (t1 >= measureFrom && t1 <= end) {
        out.latencies.push(t1 - t0);
        if (res.status === 201) out.accepted++;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, loop));
  out.perSecond = out.accepted / SECONDS;
  return out;
}

async function createSale(base: string, token: string, items: Array<{ skuId: number; stock: number }>, startsAt: Date): Promise<number> {
  const res = await post(base, '/api/admin/flash-sales', token, {
    name: `压测秒杀 ${Date.now()}`,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    items: items.map((i) => ({ skuId: i.skuId, priceFen: 990, stock: i.stock, perMemberLimit: 1 })),
  });
  if (res.status !== 201) throw new Error(`flash sale: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.id as number;
}

/** Checks the campaigns sold no more than their stock, and recorded exactly one row per accepted unit. */
async function oversold(client: pg.Client, saleIds: number[]): Promise<number> {
  const res = await client.query(
    `select coalesce(sum(greatest(i.sold + i.returned - i.stock, 0)), 0)::int + coalesce(sum(abs(i.sold - coalesce(o.q, 0))), 0)::int as bad
     from flash_sale_items i left join (select item_id, sum(quantity) as q from flash_sale_orders where status in ('unpaid', 'paid') group by item_id) o on o.item_id = i.id
     where i.flash_sale_id = any($1::bigint[])`,
    [saleIds],
  );
  return Number(res.rows[0].bad);
}

/** BURST buyers sent at the opening instant on 100 stock. */
async function burst(base: string, operatorToken: string, skuId: number, buyers: { next: () => string }) {
  const opensAt = new Date(Date.now() + 3_000);
  const saleId = await createSale(base, operatorToken, [{ skuId, stock: 100 }], opensAt);
  const tokens = Array.from({ length: BURST }, () => buyers.next());
  await new Promise((r) => setTimeout(r, opensAt.getTime() - Date.now() + 5));
  const t0 = now();
  let soldOutAt = Number.NaN;
  let accepted = 0;
  const statuses = new Map<string, number>();
  await Promise.all(
    tokens.map(async (token, i) => {
      const res = await post(base, '/api/orders', token, { items: [{ skuId, quantity: 1 }], checkoutKey: `burst-${i}-${Date.now()}`, campaign: { kind: 'flash_sale', id: saleId } });
      const key = res.status >= 400 ? `${res.status} ${res.body?.code ?? ''}` : String(res.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (res.status === 201 && ++accepted === 100) soldOutAt = now() - t0;
    }),
  );
  return { saleId, accepted, soldOutMs: soldOutAt, allMs: now() - t0, statuses };
}

const fmtStatuses = (m: Map<string, number>) => [...m].sort().map(([k, v]) => `${k} × ${v}`).join(', ');
const count5xx = (m: Map<string, number>) => [...m].filter(([k]) => k.startsWith('5')).reduce((s, [, v]) => s + v, 0);

export async function benchFlashSale(rows: Row[], notes: string[]): Promise<void> {
  const perPhase = PER_PHASE;
  const total = RUNS * 2 * perPhase + BURST + 1;
  log(`3 flash sale: ${CLIENTS} clients, ${SECONDS} s × ${RUNS} runs, ${total.toLocaleString('en')} distinct buyers, burst of ${BURST}`);
  const db = await scratchDatabase('fenxiao_bench_fs');
  const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-bench-fs-'));
  const jwtSecret = `bench-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  let server: BenchServer | undefined;
  const client = await db.client();
  try {
    server = await BenchServer.start(db.url, jwtSecret, dataDir);
    const tokens = await loadBuyers(client, total, jwtSecret);
    const operatorId = total;
    await client.query(`update members set hq_role = 'operator' where id = $1`, [operatorId]);
    let nextBuyer = 1;
    const buyers = {
      next: () => {
        if (nextBuyer >= operatorId) throw new Error('out of distinct buyers: raise BENCH_FLASH_BUYERS');
        return tokens[nextBuyer++]!;
      },
    };
    await client.query('analyze');
    const hot: Load[] = [];
    const spread: Load[] = [];
    const saleIds: number[] = [];
    const startsAt = new Date(Date.now() - 60_000);
    for (let run = 0; run < RUNS; run++) {
      // fresh SKUs each run: a product of one SKU for the hot case, two products of 50 for the spread
      const [hotSku] = await loadSkus(client, 1, () => 9_900);
      const spreadSkus = await loadSkus(client, 100, () => 9_900);
      const hotSale = await createSale(server.base, tokens[operatorId]!, [{ skuId: hotSku!, stock: HOT_STOCK }], startsAt);
      const spreadSales = [await createSale(server.base, tokens[operatorId]!, spreadSkus.slice(0, 50).map((skuId) => ({ skuId, stock: 100 })), startsAt), await createSale(server.base, tokens[operatorId]!, spreadSkus.slice(50).map((skuId) => ({ skuId, stock: 100 })), startsAt)];
      saleIds.push(hotSale, ...spreadSales);
      const s = await flashLoad(server.base, buyers, spreadSkus.map((skuId, i) => ({ saleId: spreadSales[i < 50 ? 0 : 1]!, skuId })));
      const h = await flashLoad(server.base, buyers, [{ saleId: hotSale, skuId: hotSku! }]);
      spread.push(s);
      hot.push(h);
      log(`  run ${run + 1}: hot ${h.perSecond.toFixed(1)}/s (p99 ${fmtMs(percentile(h.latencies, 99))}), spread ${s.perSecond.toFixed(1)}/s (p99 ${fmtMs(percentile(s.latencies, 99))}); hot ${fmtStatuses(h.statuses)}`);
    }
    const [burstSku] = await loadSkus(client, 1, () => 9_900);
    const b = await burst(server.base, tokens[operatorId]!, burstSku!, buyers);
    saleIds.push(b.saleId);
    log(`  burst: ${fmtStatuses(b.statuses)}; sold out after ${fmtMs(b.soldOutMs)}, all answered after ${fmtMs(b.allMs)}`);
    const bad = await oversold(client, saleIds);
    const errors = [...hot, ...spread].reduce((n, l) => n + count5xx(l.statuses), 0) + count5xx(b.statuses);
    const hotRate = median(hot.map((l) => l.perSecond));
    const spreadRate = median(spread.map((l) => l.perSecond));
    const ratio = hotRate / spreadRate;
    const p99 = (loads: Load[]) => percentile(loads.flatMap((l) => l.latencies), 99);
    const p50 = (loads: Load[]) => percentile(loads.flatMap((l) => l.latencies), 50);
    rows.push(
      { section: '3', what: `flash-sale checkouts accepted/s, 10,000 stock on one SKU (${CLIENTS} in flight, distinct buyers)`, figure: `${hotRate.toFixed(1)}/s`, reference: `spread over 100 SKUs: ${spreadRate.toFixed(1)}/s`, goal: 'hot ≥ 80 % of spread', met: ratio >= 0.8 },
      { section: '3', what: 'hot SKU ÷ spread', figure: `${(ratio * 100).toFixed(1)} %`, goal: '≥ 80 %', met: ratio >= 0.8 },
      { section: '3', what: 'flash-sale checkout latency, hot (p50 / p99)', figure: `${fmtMs(p50(hot))} / ${fmtMs(p99(hot))}`, reference: `spread ${fmtMs(p50(spread))} / ${fmtMs(p99(spread))}`, goal: '' },
      { section: '3', what: 'oversold units (sold beyond stock, or sold ≠ recorded orders)', figure: String(bad), reference: `${errors} answers 5xx`, goal: '0 and 0', met: bad === 0 && errors === 0 },
      { section: '3', what: `burst: ${BURST.toLocaleString('en')} buyers at the opening instant on 100 stock`, figure: `${b.accepted} orders, sold out in ${fmtMs(b.soldOutMs)}`, reference: `${fmtStatuses(b.statuses)}; all answered in ${fmtMs(b.allMs)}`, goal: 'exactly 100', met: b.accepted === 100 && count5xx(b.statuses) === 0 },
    );
    notes.push(`flash sale: every checkout by a distinct buyer (limit 1), one unit; answers hot: ${fmtStatuses(new Map(hot.flatMap((l) => [...l.statuses]).reduce((m, [k, v]) => m.set(k, (m.get(k) ?? 0) + v), new Map<string, number>())))}`);
  } finally {
    await client.end().catch(() => undefined);
    await server?.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
