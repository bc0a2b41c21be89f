// `npx tsx bench/leaderboard.ts`: the growth leaderboard at BENCH_LB_DISTRIBUTORS (1 000 000)
// distributors on the PostgreSQL server of BENCH_DATABASE_URL (default TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres). Builds this month's commission totals and rank
// buckets with bulk SQL (generate_series), leaves BENCH_LB_PENDING deltas unfolded (as between two
// fold runs), then times top 100 and "my rank" through LeaderboardService over BENCH_SAMPLES
// samples, and one fold of BENCH_LB_FOLD deltas. The scratch database is dropped at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, startApp, type RunningApp } from '../src/app.js';
import { periodOf, shanghaiDate } from '../src/modules/growth/periods.js';
import { envInt, explain, fmtMs, log, now, percentile, sample, scratchDatabase } from './lib.js';

const DISTRIBUTORS = envInt('BENCH_LB_DISTRIBUTORS', 1_000_000);
const PENDING = envInt('BENCH_LB_PENDING', 500);
const FOLD = envInt('BENCH_LB_FOLD', 5_000);
const SAMPLES = envInt('BENCH_SAMPLES', 200);

const db = await scratchDatabase('fenxiao_bench_lb');
const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-bench-lb-'));
const client = await db.client();
let app: RunningApp | undefined;
try {
  app = await startApp({
    config: { port: 0, host: '127.0.0.1', databaseUrl: db.url, dataDir, jwtSecret: 'bench-secret-0123456789abcdef0123456789', smsProvider: 'dev', devPaymentProvider: true, logLevel: 'silent', jobIntervalMs: 0 },
    logger: createLogger('silent'),
  });
  const s = app.services;
  const today = shanghaiDate(new Date());
  const month = periodOf('month', today);
  log(`building ${DISTRIBUTORS.toLocaleString('en')} distributors with ${month.key} commission totals`);
  let t = now();
  await client.query(`
    insert into members (phone, password_hash, nickname, invite_code, distributor_status, distributor_since)
    select '1' || lpad(g::text, 10, '0'), 'x', '推客' || g, 'LB' || g, 'active', now() from generate_series(1, $1) g`, [DISTRIBUTORS]);
  const firstId = Number((await client.query('select min(id) as id from members')).rows[0].id);
  // a skewed distribution: most earn little, a few earn a lot; ~10 % earned nothing this month
  await client.query(`
    insert into growth_leaderboard_totals (metric, period_key, member_id, value)
    select 'commission', $1, id, floor(power(random(), 4) * 5000000)::bigint + 1
    from members where random() < 0.9`, [month.key]);
  await client.query(`
    insert into growth_leaderboard_buckets (metric, period_key, bucket, members)
    select metric, period_key, growth_rank_bucket(value), count(*) from growth_leaderboard_totals where value > 0 group by 1, 2, 3`);
  await client.query('vacuum analyze growth_leaderboard_totals');
  await client.query('vacuum analyze growth_leaderboard_buckets');
  await client.query('analyze members');
  // deltas of the last few seconds, not folded yet
  await client.query(`
    insert into growth_leaderboard_deltas (metric, member_id, occurred_on, value)
    select 'commission', $1 + floor(random() * $2)::bigint, $3::date, floor(random() * 20000)::bigint - 2000 from generate_series(1, $4)`,
    [firstId, DISTRIBUTORS, today, PENDING]);
  const ranked = Number((await client.query(`select count(*) as n from growth_leaderboard_totals`)).rows[0].n);
  const buckets = Number((await client.query(`select count(*) as n from growth_leaderboard_buckets`)).rows[0].n);
  log(`  built in ${((now() - t) / 1000).toFixed(1)} s: ${ranked.toLocaleString('en')} totals, ${buckets.toLocaleString('en')} rank buckets, ${PENDING} unfolded deltas`);

  const members = Array.from({ length: SAMPLES }, () => firstId + Math.floor(Math.random() * DISTRIBUTORS));
  const top = await sample(() => s.leaderboards.top(s.db, 'commission', month, 100), { samples: SAMPLES });
  const mine = await sample((i) => s.leaderboards.rankOf(s.db, 'commission', month, members[Math.max(i, 0)]), { samples: SAMPLES });
  const sampleRank = await s.leaderboards.rankOf(s.db, 'commission', month, members[0]);

  // one fold of FOLD deltas spread over the board
  await client.query(`
    insert into growth_leaderboard_deltas (metric, member_id, occurred_on, value)
    select 'commission', $1 + floor(random() * $2)::bigint, $3::date, floor(random() * 20000)::bigint from generate_series(1, $4)`,
    [firstId, DISTRIBUTORS, today, FOLD]);
  t = now();
  const folded = await s.leaderboards.fold({ batchSize: FOLD + PENDING });
  const foldMs = now() - t;

  const fmt = (xs: number[]) => `p50 ${fmtMs(percentile(xs, 50))}, p95 ${fmtMs(percentile(xs, 95))}`;
  console.log(`\nleaderboard at ${DISTRIBUTORS.toLocaleString('en')} distributors (${ranked.toLocaleString('en')} with commission in ${month.key}), ${SAMPLES} samples, ${PENDING} unfolded deltas`);
  console.log(`  top 100 by this month's commission   ${fmt(top)}   goal p95 < 20 ms: ${percentile(top, 95) < 20 ? 'met' : 'NOT met'}`);
  console.log(`  my rank (random distributors)         ${fmt(mine)}   goal p95 < 20 ms: ${percentile(mine, 95) < 20 ? 'met' : 'NOT met'}`);
  console.log(`  e.g. ${JSON.stringify(sampleRank)}`);
  console.log(`  fold of ${folded.deltas.toLocaleString('en')} deltas: ${fmtMs(foldMs)}`);
  console.log(`\nEXPLAIN of the folded top 100:\n${await explain(client, `select member_id, value from growth_leaderboard_totals where metric = 'commission' and period_key = $1 order by value desc, member_id limit 100`, [month.key], 8)}`);
} finally {
  await app?.close();
  await client.end();
  // BENCH_LB_KEEP=1 keeps the database for a look with psql
  if (process.env.BENCH_LB_KEEP) console.log(`kept ${db.url}`);
  else await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
