// Races on the real server only (PostgreSQL, a pool of 30): many requests at once must leave
// exactly the one correct outcome. Each scenario reports the fen it is off by; it must be 0.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import {
  RACE_RULES,
  racePaymentCallback,
  raceRebindCycle,
  raceRefunds,
  raceSweepsAndRefunds,
  raceUnevenWithdrawals,
  raceFoldDuringPayments,
  raceWithdrawals,
  setupRaceEnv,
  type RaceEnv,
  type RaceReport,
} from '../support/races.js';

function expectClean(report: RaceReport) {
  if (process.env.REL_VERBOSE) console.log(report.name, report.statuses);
  expect(report.problems, report.name).toEqual([]);
  expect(report.fenLost).toBe(0);
}

describeOnPostgres('races on the real server', () => {
  let app: TestApp;
  let env: RaceEnv;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 30, rules: RACE_RULES });
    env = await setupRaceEnv(app);
  });
  afterAll(async () => app?.close());

  it('50 withdrawals of the same balance at once pay exactly the balance', async () => {
    expectClean(await raceWithdrawals(env, 50, 10, 1_000));
  });

  it('withdrawals of uneven amounts at once never pay more than the balance', async () => {
    expectClean(await raceUnevenWithdrawals(env, 30, 10_000));
  });

  it('the same payment callback 20 times at once: one payment, one set of earnings', async () => {
    expectClean(await racePaymentCallback(env, 20, true));
  });

  it('the same payment under 20 different event ids at once: still one set of earnings', async () => {
    expectClean(await racePaymentCallback(env, 20, false));
  });

  it('concurrent refunds of one line that together exceed it: never over-refunded', async () => {
    expectClean(await raceRefunds(env, 10));
  });

  it('concurrent rebinds that would close a cycle: at most all but one succeed, never a cycle', async () => {
    expectClean(await raceRebindCycle(env, 2, 4));
    expectClean(await raceRebindCycle(env, 5, 2));
  });

  it('completions, refunds and unfreeze sweeps at once: no request fails, every fen lands', async () => {
    // no request may fail (a deadlock would surface as a 500; see found-bugs.test.ts), and whatever
    // committed must add up exactly
    expectClean(await raceSweepsAndRefunds(env, 12));
  });

  it('the ledger folds its checkpoints while payments and withdrawals move money: every fen stays counted', async () => {
    expectClean(await raceFoldDuringPayments(env, 30));
  });
});
