// `npm run soak`: the reliability suite's longer mode. Runs the model-based generator of
// test/reliability/model.test.ts for many more steps (on PGlite, and on PostgreSQL when
// SOAK_DATABASE_URL or TEST_DATABASE_URL is set), then on the real server the race scenarios and
// the crash walk (every crash point of src/faults.ts). Prints what it tried and the fen lost;
// exits 1 on any difference between the ledger and the reference model, any reconciliation
// difference, or any fen lost.
//
//   SOAK_STEPS=2000        model steps per database
//   SOAK_EPISODE=200       steps per world (a fresh set of members) before starting another
//   SOAK_SEED=<n>          fast-check seed (default: time)
//   SOAK_RACE_ROUNDS=1     rounds of the race scenarios (PostgreSQL only)
//   SOAK_CRASH_WALKS=1     walks through the nine crash points (PostgreSQL only; ~20 s each)
import fc from 'fast-check';
import { CrashChain } from '../test/support/crash.js';
import { emptyStats, MODEL_RULES, ModelMismatch, opArbitrary, runSequence, setupModelEnv, type ModelStats } from '../test/support/ledger-model.js';
import {
  RACE_RULES,
  raceFoldDuringPayments,
  racePaymentCallback,
  raceRebindCycle,
  raceRefunds,
  raceSameCheckout,
  raceSameRefund,
  raceSameWithdrawal,
  raceSweepsAndRefunds,
  raceUnevenWithdrawals,
  raceWithdrawals,
  setupRaceEnv,
  type RaceReport,
} from '../test/support/races.js';
import { startScriptApp } from '../test/support/reliability.js';

const STEPS = Number(process.env.SOAK_STEPS ?? 2_000);
const EPISODE = Number(process.env.SOAK_EPISODE ?? 200);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 2_147_483_647);
const RACE_ROUNDS = Number(process.env.SOAK_RACE_ROUNDS ?? 1);
const CRASH_WALKS = Number(process.env.SOAK_CRASH_WALKS ?? 1);
const PG_URL = process.env.SOAK_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

const failures: string[] = [];
const warnings: string[] = [];
let fenLost = 0;

async function soakModel(kind: 'pglite' | 'postgres'): Promise<ModelStats> {
  const app = await startScriptApp(kind, { adminUrl: PG_URL, rules: MODEL_RULES });
  const stats = emptyStats();
  try {
    const env = await setupModelEnv(app);
    const ops = fc.sample(opArbitrary, { seed: SEED + (kind === 'postgres' ? 1 : 0), numRuns: STEPS });
    const started = Date.now();
    for (let from = 0; from < ops.length; from += EPISODE) {
      const episode = ops.slice(from, from + EPISODE);
      try {
        await runSequence(env, episode, stats);
      } catch (error) {
        if (!(error instanceof ModelMismatch)) throw error;
        fenLost += error.fen;
        failures.push(`[${kind}] episode at step ${from}: ${error.message}`);
      }
      // a line per world: the two databases' runs go on at once and would overwrite each other's \r
      console.log(`[${kind}] ${Math.min(from + EPISODE, ops.length)}/${ops.length} steps, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await app.close();
  }
  return stats;
}

async function soakRaces(): Promise<RaceReport[]> {
  const app = await startScriptApp('postgres', { adminUrl: PG_URL, rules: RACE_RULES, poolSize: 30 });
  const reports: RaceReport[] = [];
  try {
    const env = await setupRaceEnv(app);
    for (let round = 0; round < RACE_ROUNDS; round++) {
      reports.push(await raceWithdrawals(env, 50, 10, 1_000));
      reports.push(await raceUnevenWithdrawals(env, 30, 10_000));
      reports.push(await racePaymentCallback(env, 20, true));
      reports.push(await racePaymentCallback(env, 20, false));
      reports.push(await raceRefunds(env, 10));
      reports.push(await raceRebindCycle(env, 2, 3));
      reports.push(await raceRebindCycle(env, 5, 2));
      reports.push(await raceSweepsAndRefunds(env, 40));
      reports.push(await raceFoldDuringPayments(env, 30));
      reports.push(await raceSameWithdrawal(env, 20));
      reports.push(await raceSameCheckout(env, 10));
      reports.push(await raceSameRefund(env, 10));
    }
  } finally {
    await app.close();
  }
  for (const r of reports) {
    fenLost += r.fenLost;
    for (const p of r.problems) {
      // a failed request or an error answered to a replay loses no money (known bugs, see
      // test/reliability/found-bugs.test.ts); anything else is a difference
      if (p.startsWith('failed requests') || p.startsWith('replays of')) warnings.push(`${r.name}: ${p}`);
      else failures.push(`${r.name}: ${p}`);
    }
  }
  return reports;
}

async function soakCrashes(): Promise<{ crashes: number; walks: number }> {
  let crashes = 0;
  for (let walk = 0; walk < CRASH_WALKS; walk++) {
    const chain = new CrashChain(PG_URL!);
    await chain.open();
    try {
      await chain.runAll();
    } catch (error) {
      failures.push(`crash walk ${walk}: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      crashes += chain.crashes;
      fenLost += chain.fenLost;
      await chain.close();
    }
    process.stdout.write(`\r[crash] walk ${walk + 1}/${CRASH_WALKS}, ${crashes} crashes`);
  }
  process.stdout.write('\n');
  return { crashes, walks: CRASH_WALKS };
}

const totals = emptyStats();
const add = (s: ModelStats) => {
  for (const k of Object.keys(totals) as Array<keyof ModelStats>) totals[k] += s[k];
};

console.log(`soak: ${STEPS} model steps per database (worlds of ${EPISODE}), seed ${SEED}${PG_URL ? '' : ' — PostgreSQL not set: PGlite only, no races or crashes'}`);
// the two model runs at once: each has its own app, database, operations and stats, and the
// PGlite run works this process's CPU while the server's mostly waits on PostgreSQL. The races and
// the crash walk come after, alone, so nothing else shares their timing.
for (const stats of await Promise.all([soakModel('pglite'), ...(PG_URL ? [soakModel('postgres')] : [])])) add(stats);
let races: RaceReport[] = [];
let crashes = { crashes: 0, walks: 0 };
if (PG_URL) {
  races = await soakRaces();
  crashes = await soakCrashes();
}

const raceRequests = races.reduce((s, r) => s + r.requests, 0);
const rows: Array<[string, string | number]> = [
  ['model steps', totals.steps],
  ['orders (paid)', `${totals.orders} (${totals.paidOrders})`],
  ['payment callbacks (duplicate or replayed)', `${totals.callbacks} (${totals.duplicateCallbacks})`],
  ['payments kept for an order that could not take them', totals.strayPayments],
  ['refunds (callbacks replayed or out of order)', `${totals.refunds} (${totals.refundCallbacks})`],
  ['withdrawals', totals.payouts],
  ['adjustments', totals.adjustments],
  ['unfreeze sweeps / ledger folds', `${totals.unfreezes} / ${totals.folds}`],
  ['requests refused as the model expected', totals.rejectedAsExpected],
  ['race scenarios (requests)', `${races.length} (${raceRequests})`],
  ['crashes (walks)', `${crashes.crashes} (${crashes.walks})`],
  ['fen lost', fenLost],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log('');
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
for (const w of warnings) console.log(`warning: ${w}`);
for (const f of failures) console.log(`DIFFERENCE: ${f}`);
const ok = failures.length === 0 && fenLost === 0;
console.log(ok ? '\nsoak ok: nothing lost, nothing doubled' : `\nsoak FAILED: ${failures.length} difference(s), ${fenLost} fen`);
process.exit(ok ? 0 : 1);
