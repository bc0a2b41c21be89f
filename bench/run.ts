// `npm run bench`: the figures of issue 4, each next to its goal, on the PostgreSQL server of
// BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres).
// Every database it makes has a random name and is dropped at the end; nothing is written to the repo.
//
// Sizes (the issue's by default; use small ones while developing):
//   BENCH_ONLY=checkout,flash-sale,tree,unfreeze,leaderboard   which sections (default all)
//   BENCH_DISTRIBUTORS=100000 BENCH_BUYERS=2000 BENCH_CLIENTS=16 BENCH_SECONDS=15 BENCH_WARMUP_SECONDS=3 BENCH_RUNS=3 BENCH_SKUS=100
//   BENCH_FLASH_CLIENTS=64 BENCH_FLASH_BUYERS=12000 BENCH_FLASH_BURST=2000 (the flash sale: requests in flight, distinct buyers per phase, the opening burst)
//   BENCH_MEMBERS=1000000 BENCH_MAX_DEPTH=40 BENCH_EARNINGS=1000000 BENCH_SAMPLES=200 BENCH_MAX_SWEEP_SECONDS=900
import { cpus, totalmem } from 'node:os';
import { benchBig } from './big.js';
import { benchCheckout } from './checkout.js';
import { benchFlashSale } from './flash-sale.js';
import { ADMIN_URL, log, printTable, runCommand, type Row } from './lib.js';

const only = new Set((process.env.BENCH_ONLY ?? 'checkout,flash-sale,tree,unfreeze,leaderboard').split(',').map((x) => x.trim()).filter(Boolean));
const rows: Row[] = [];
const notes: string[] = [];
const started = Date.now();

const pgVersion = await runCommand('psql', [ADMIN_URL, '-Atc', 'show server_version']).then((r) => r.stdout.trim()).catch(() => '?');
const machine = `${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, PostgreSQL ${pgVersion}, Node ${process.version}`;
log(machine);

if (only.has('checkout')) await benchCheckout(rows, notes);
if (only.has('flash-sale')) await benchFlashSale(rows, notes);
if (only.has('tree') || only.has('unfreeze') || only.has('leaderboard')) {
  await benchBig(rows, { tree: only.has('tree'), unfreeze: only.has('unfreeze'), leaderboard: only.has('leaderboard') }, notes);
}

console.log(`\nFenxiao benchmark — ${new Date().toISOString()} — ${machine}`);
console.log(`sizes: ${['BENCH_DISTRIBUTORS', 'BENCH_BUYERS', 'BENCH_CLIENTS', 'BENCH_SECONDS', 'BENCH_RUNS', 'BENCH_MEMBERS', 'BENCH_EARNINGS'].map((k) => `${k}=${process.env[k] ?? 'default'}`).join(' ')}\n`);
printTable(rows);
if (notes.length) console.log(`\n${notes.join('\n\n')}`);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
process.exit(0);
