// `npm run bench:export`: the ledger export of EXPORT_TRANSFERS (1 000 000) transfers, as CSV and as
// XLSX, downloaded through the real HTTP server (a child process, as in production) from a PostgreSQL
// scratch database. The transfers are loaded set-based (generate_series) with what they refer to —
// orders and their lines, earnings (earned, frozen, released), refunds reversing some, withdrawals
// (reserved, paid, fee) with their provider attempts, adjustments — so every join of the export's
// page query finds its row. Prints, per format: rows, bytes, seconds, and the server's resident
// memory before, at its peak during the download (VmHWM, reset first through /proc/<pid>/clear_refs,
// and sampled VmRSS) and the growth: the file is hundreds of MB, the growth should stay tens of MB.
// The server runs once per EXPORT_SERVER_HEAPS entry (default `default,128`): with V8's own heap
// sizing, and with --max-old-space-size=128 (MB), as a container with a memory limit would run it.
// Uncapped, V8 lets the old space fill with dead pages before a full collection (node-postgres's
// parsed rows outlive the young generation: a bare pg loop over these pages promotes about 400 MB
// per million rows), so the uncapped growth is garbage not yet collected; under the cap the same
// export must fit the heap, which is what shows it holds only a page or so.
// EXPORT_FORMATS=csv or xlsx runs one; EXPORT_KEEP=1 keeps the scratch database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { newOpaqueSecret, TokenSigner } from '../src/modules/identity/tokens.js';
import { BenchServer, envInt, log, now, scratchDatabase } from './lib.js';
import { loadSkus, MEMBER_PURPOSES } from './world.js';

const TRANSFERS = envInt('EXPORT_TRANSFERS', 1_000_000);
const FORMATS = (process.env.EXPORT_FORMATS ?? 'csv,xlsx').split(',').filter((f): f is 'csv' | 'xlsx' => f === 'csv' || f === 'xlsx');
const HEAPS = (process.env.EXPORT_SERVER_HEAPS ?? 'default,128').split(',').map((h) => h.trim()).filter(Boolean);
const MEMBERS = 10_000;

/** the transfers' make-up: per earning earn + freeze + unfreeze, per payout reserve + paid + fee, a reversal per refund, the rest adjustments */
function plan(total: number) {
  const earnings = Math.floor(total * 0.25);
  const payouts = Math.floor(total * 0.05);
  const refunds = Math.floor(total * 0.05);
  return { earnings, payouts, refunds, orders: Math.ceil(earnings / 2), adjustments: total - 3 * earnings - 3 * payouts - refunds };
}

async function step(client: pg.Client, what: string, text: string, params: unknown[] = []) {
  const t = now();
  const res = await client.query(text, params);
  log(`  ${what}: ${res.rowCount ?? 0} rows, ${((now() - t) / 1000).toFixed(1)} s`);
}

/** Members with their accounts, orders, earnings, refunds, payouts and the ledger's transfers over them, set-based. */
async function load(client: pg.Client) {
  const p = plan(TRANSFERS);
  const rv = Number((await client.query('select max(id) as id from rule_versions')).rows[0].id);
  const [sku] = await loadSkus(client, 1, () => 10_000);
  const product = Number((await client.query('select product_id from product_skus where id = $1', [sku])).rows[0].product_id);
  // triggers and foreign-key checks off for this session only: the data is consistent by construction
  await client.query('set session_replication_role = replica');
  await step(client, 'members', `insert into members (id, phone, password_hash, nickname, invite_code, distributor_status, distributor_since, created_at)
    select g, '1' || lpad(g::text, 10, '0'), 'bench-no-login', '会员' || g, 'E' || lpad(upper(to_hex(g)), 8, '0'), 'active', now(), now() from generate_series(1, $1::bigint) g`, [MEMBERS]);
  await client.query(`select setval('members_id_seq', $1::bigint)`, [MEMBERS]);
  await step(client, 'ledger accounts', `insert into ledger_accounts (owner_type, owner_id, purpose, allow_negative)
    select 'member', m, p.purpose, p.purpose = 'commission_debt' from generate_series(1, $1::bigint) m cross join unnest($2::text[]) with ordinality as p(purpose, n) order by m, p.n`, [MEMBERS, MEMBER_PURPOSES]);
  await client.query(`create temp table acc as select owner_id as m, max(id) filter (where purpose = 'commission_pending') as pending, max(id) filter (where purpose = 'commission_frozen') as frozen,
    max(id) filter (where purpose = 'commission_available') as available, max(id) filter (where purpose = 'payout_withdrawing') as withdrawing from ledger_accounts where owner_type = 'member' group by owner_id`);
  await client.query('create index on acc (m)');
  const platform = (purpose: string) => `(select id from ledger_accounts where owner_type = 'platform' and purpose = '${purpose}')`;
  await step(client, 'orders', `insert into orders (id, order_no, buyer_id, status, goods_fen, payable_fen, paid_fen, rule_version_id, paid_at, completed_at, created_at)
    select g, 'EO' || lpad(g::text, 12, '0'), 1 + g % $2::bigint, 'completed', 10000, 10000, 10000, $3, now(), now(), now() from generate_series(1, $1::bigint) g`, [p.orders, MEMBERS, rv]);
  await step(client, 'order lines', `insert into order_lines (id, order_id, product_id, sku_id, title, quantity, unit_price_fen, paid_fen)
    select g, g, $2, $3, '压测商品', 1, 10000, 10000 from generate_series(1, $1::bigint) g`, [p.orders, product, sku]);
  await step(client, 'earnings', `insert into commission_earnings (id, order_id, order_line_id, earner_id, buyer_id, level, base_fen, rate_bp, amount_fen, state, rule_version_id, created_at)
    select g, 1 + (g - 1) / 2, 1 + (g - 1) / 2, 1 + (g * 7919) % $2::bigint, 1 + ((g - 1) / 2) % $2::bigint, 1 + (g - 1) % 2, 10000, 1000, 1000, 'available', $3, now() from generate_series(1, $1::bigint) g`, [p.earnings, MEMBERS, rv]);
  await step(client, 'refunds', `insert into refunds (id, refund_no, order_id, status, amount_fen, reason, idempotency_key, created_at, completed_at)
    select g, 'ER' || lpad(g::text, 12, '0'), g, 'succeeded', 10000, '压测退款', 'bench-refund:' || g, now(), now() from generate_series(1, $1::bigint) g`, [p.refunds]);
  await step(client, 'payouts', `insert into payouts (id, payout_no, member_id, amount_fen, fee_fen, channel, destination, status, idempotency_key, paid_at, created_at, updated_at)
    select g, 'EW' || lpad(g::text, 12, '0'), 1 + g % $2::bigint, 5000, 50, 'alipay', '{"account":"bench@example.com","realName":"压测"}', 'paid', 'bench-payout:' || g, now(), now(), now() from generate_series(1, $1::bigint) g`, [p.payouts, MEMBERS]);
  await step(client, 'payout attempts', `insert into payout_transfers (payout_id, attempt, provider, business_no, net_fen, state, provider_ref, finished_at, created_at, updated_at)
    select g, 1, 'alipay_transfer', 'EW' || lpad(g::text, 12, '0') || 'A1', 4950, 'SUCCESS', 'ali-' || g, now(), now(), now() from generate_series(1, $1::bigint) g`, [p.payouts]);
  // the transfers, in the order the app books them: each earning's earn, freeze, unfreeze; each refund's reversal; each payout's reserve, paid, fee; adjustments
  await step(client, 'transfers: earnings', `insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id)
    select case s when 1 then ${platform('commission_expense')} when 2 then a.pending else a.frozen end, case s when 1 then a.pending when 2 then a.frozen else a.available end,
           e.amount_fen, case s when 1 then 'commission.earn' when 2 then 'commission.freeze' else 'commission.unfreeze' end,
           'commission:' || case s when 1 then 'earn' when 2 then 'freeze' else 'unfreeze' end || ':' || e.id, 'commission_earning', e.id
    from commission_earnings e join acc a on a.m = e.earner_id cross join generate_series(1, 3) s order by e.id, s`);
  await step(client, 'transfers: reversals', `insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id)
    select a.available, ${platform('commission_expense')}, 1000, 'commission.reverse', 'commission:reverse:' || e.id || ':' || r.id, 'commission_earning', e.id
    from refunds r join commission_earnings e on e.id = 2 * r.id - 1 join acc a on a.m = e.earner_id order by r.id`); // refund r is of order r, whose level-1 earning is 2r − 1
  await step(client, 'transfers: payouts', `insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id, memo)
    select case s when 1 then a.available else a.withdrawing end, case s when 1 then a.withdrawing when 2 then ${platform('payout_clearing')} else ${platform('payout_fee_income')} end,
           case s when 1 then p.amount_fen when 2 then p.amount_fen - p.fee_fen else p.fee_fen end, case s when 1 then 'payout.reserve' when 2 then 'payout.paid' else 'payout.fee' end,
           'payout:' || p.payout_no || case s when 1 then ':reserve:1' when 2 then ':paid' else ':fee' end, 'payout', p.id, case s when 2 then 'ali-' || p.id end
    from payouts p join acc a on a.m = p.member_id cross join generate_series(1, 3) s order by p.id, s`);
  await step(client, 'transfers: adjustments', `insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id, memo)
    select ${platform('commission_expense')}, a.available, 100 + g % 900, 'commission.adjust', 'commission:adjust:bench-' || g, 'member', a.m, '压测调整 ' || g
    from generate_series(1, $1::bigint) g join acc a on a.m = 1 + g % $2::bigint`, [p.adjustments, MEMBERS]);
  await client.query('set session_replication_role = origin');
  await client.query('analyze');
  return Number((await client.query('select count(*) as n from ledger_transfers')).rows[0].n);
}

/** An owner to export as: a member with the role and a session, and its access token. */
async function ownerToken(client: pg.Client, jwtSecret: string): Promise<string> {
  const id = MEMBERS + 1;
  await client.query(`insert into members (id, phone, password_hash, nickname, invite_code, hq_role) values ($1, '19999999999', 'bench-no-login', '总部', 'EOWNER01', 'owner')`, [id]);
  await client.query(`select setval('members_id_seq', $1::bigint)`, [id]);
  const session = await client.query(`insert into member_sessions (member_id, session_version, refresh_hash, created_at, expires_at) select id, session_version, $2, now(), now() + interval '1 day' from members where id = $1 returning id, session_version`, [id, newOpaqueSecret().hash]);
  return new TokenSigner(jwtSecret).signAccess({ memberId: id, sessionId: Number(session.rows[0].id), sessionVersion: session.rows[0].session_version });
}

/** The server's resident memory in kB: now (VmRSS) and its peak since the last reset (VmHWM). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the peak (VmHWM) to the current resident size; false where the kernel does not let us. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

async function download(server: BenchServer, token: string, format: 'csv' | 'xlsx', file: string, query = '') {
  const pid = server.child.pid!;
  const reset = resetPeak(pid);
  const before = memoryOf(pid);
  let sampled = before.rss;
  const sampler = setInterval(() => (sampled = Math.max(sampled, memoryOf(pid).rss)), 20);
  const t0 = now();
  const res = await fetch(`${server.base}/api/admin/ledger/export?format=${format}${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  let firstByteMs = Number.NaN;
  const body = Readable.fromWeb(res.body as never);
  body.on('data', (chunk: Buffer) => {
    if (bytes === 0) firstByteMs = now() - t0;
    bytes += chunk.length;
    if (format === 'csv') for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  });
  await pipeline(body, createWriteStream(file));
  const seconds = (now() - t0) / 1000;
  clearInterval(sampler);
  const after = memoryOf(pid);
  const peak = reset ? Math.max(after.hwm, sampled) : sampled;
  return { bytes, lines, seconds, firstByteMs, before: before.rss, peak };
}

/** Data rows of the XLSX (each sheet has a header row), counted by reading it back as a stream, not timed with the download. */
async function xlsxRowCount(file: string): Promise<number> {
  let rows = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(file), { sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' });
  for await (const sheet of reader) {
    rows -= 1;
    for await (const _row of sheet as AsyncIterable<unknown>) rows += 1;
  }
  return rows;
}

const db = await scratchDatabase('fenxiao_bench_export');
const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-bench-export-'));
const jwtSecret = `bench-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
const client = await db.client();
let server: BenchServer | undefined;
try {
  log(`export bench: ${TRANSFERS.toLocaleString('en')} ledger transfers, formats ${FORMATS.join(', ')}, server heaps ${HEAPS.join(', ')}`);
  server = await BenchServer.start(db.url, jwtSecret, dataDir); // applies the migrations
  const t = now();
  const count = await load(client);
  log(`  loaded ${count.toLocaleString('en')} transfers in ${((now() - t) / 1000).toFixed(1)} s`);
  const token = await ownerToken(client, jwtSecret);
  await server.stop();
  console.log(`ledger export of ${count.toLocaleString('en')} transfers through the HTTP server (a child process), PostgreSQL ${db.name}`);
  console.log('server heap | format | rows | bytes | seconds | first byte | server RSS before | peak during | growth');
  for (const heap of HEAPS) {
    // the child inherits the environment: NODE_OPTIONS reaches the server only (this process is running already)
    if (heap === 'default') delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = `--max-old-space-size=${Number(heap)}`;
    server = await BenchServer.start(db.url, jwtSecret, dataDir);
    // warm the server up (routes compiled, exceljs loaded) on a small export first
    for (const format of FORMATS) await download(server, token, format, join(dataDir, `warm.${format}`), '&memberId=1&code=commission.adjust');
    for (const format of FORMATS) {
      const file = join(dataDir, `ledger.${format}`);
      const r = await download(server, token, format, file);
      const rows = format === 'csv' ? r.lines - 1 : await xlsxRowCount(file);
      if (rows !== count) throw new Error(`${format}: ${rows} rows in the file, ${count} transfers in the ledger`);
      const label = heap === 'default' ? 'V8 default' : `--max-old-space-size=${heap}`;
      console.log(`${label} | ${format} | ${rows.toLocaleString('en')} | ${(r.bytes / 1_048_576).toFixed(1)} MB | ${r.seconds.toFixed(1)} s | ${r.firstByteMs.toFixed(0)} ms | ${mb(r.before)} | ${mb(r.peak)} | ${mb(r.peak - r.before)}`);
      rmSync(file, { force: true });
    }
    await server.stop();
    server = undefined;
  }
  console.log(`peak: VmHWM (reset through /proc/<pid>/clear_refs before each download) and VmRSS sampled every 20 ms, the larger`);
} finally {
  delete process.env.NODE_OPTIONS;
  await client.end().catch(() => undefined);
  await server?.stop();
  if (!process.env.EXPORT_KEEP) await db.drop();
  else log(`kept ${db.url}`);
  rmSync(dataDir, { recursive: true, force: true });
}
