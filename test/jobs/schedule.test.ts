// The job runner on pg-boss (src/jobs): the app's sweeps run on their schedule and every run is recorded
// and shown to HQ; a failing sweep is retried with a growing backoff up to its cap, and shows in
// GET /api/admin/jobs; a long job in one queue delays no other; cron is read in Asia/Shanghai time.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { JobSchedule } from '../../src/jobs/catalog.js';
import { startJobRunner, type JobRunner } from '../../src/jobs/runner.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { call, hqMember, register } from '../support/api.js';
import { describeEachDatabase, openTestDatabase, startTestApp, testConfig, type TestApp } from '../support/harness.js';
import { clockNow, quietLog, recordingJob, sleep, waitFor, type RecordedRun } from './kit.js';

const EVERY_INTERVAL: JobSchedule = { kind: 'interval' };
const CORE_JOBS = ['payments.checks', 'orders.close-unpaid', 'commission.unfreeze', 'ledger.fold-checkpoints', 'referral.fold-team-totals', 'payouts.resend-stuck'];

interface JobAnswer {
  name: string;
  schedule: { kind: 'interval'; everySeconds: number } | { kind: 'cron'; cron: string; timeZone: string };
  lastRun: { startedAt: string; finishedAt: string | null; durationMs: number | null; outcome: string; error: string | null; attempt: number } | null;
  lastSuccessAt: string | null;
  lastFailure: { at: string; error: string | null; attempt: number } | null;
  recentRuns: number;
  recentFailures: number;
}

async function jobsAnswer(app: TestApp, token: string): Promise<{ runnerHere: boolean; timeZone: string; items: JobAnswer[] }> {
  const res = await call(app, 'GET', '/api/admin/jobs', { token });
  expect(res.status).toBe(200);
  return res.body;
}

describeEachDatabase('jobs on pg-boss', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  it("runs each of the app's sweeps by its schedule, once per interval, records every run and shows it to HQ only", async () => {
    const app = await startTestApp(kind, { config: { jobIntervalMs: 1000 } });
    cleanups.push(() => app.close());
    const started = Date.now();
    const auditor = await hqMember(app, 'auditor');
    const member = await register(app);
    expect((await call(app, 'GET', '/api/admin/jobs', { token: member.token })).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/jobs')).status).toBe(401);

    const answer = await waitFor(async () => {
      const body = await jobsAnswer(app, auditor.token);
      const interval = body.items.filter((j) => j.schedule.kind === 'interval');
      return interval.every((j) => j.recentRuns >= 3 && j.lastSuccessAt !== null) ? body : undefined;
    }, 20_000, 'three runs of every interval job');
    const slots = Math.ceil((Date.now() - started) / 1000) + 1;

    expect(answer.runnerHere).toBe(true);
    expect(answer.timeZone).toBe('Asia/Shanghai');
    const names = answer.items.map((j) => j.name);
    // the core's sweeps, each feature's job, and the daily prune
    expect(names).toEqual(expect.arrayContaining([...CORE_JOBS, ...app.services.extensions.jobs.map((j) => j.name), 'jobs.prune-runs']));
    expect(app.services.extensions.jobs.length).toBeGreaterThanOrEqual(4);
    for (const job of answer.items.filter((j) => j.schedule.kind === 'interval')) {
      expect(job.schedule, job.name).toEqual({ kind: 'interval', everySeconds: 1 });
      // throttled to one run per one-second slot
      expect(job.recentRuns, job.name).toBeLessThanOrEqual(slots);
      expect(job.recentFailures, job.name).toBe(0);
      expect(job.lastFailure, job.name).toBeNull();
      expect(['succeeded', 'running'], job.name).toContain(job.lastRun!.outcome);
    }
    const done = answer.items.find((j) => j.name === 'payments.checks')!.lastRun!;
    if (done.outcome === 'succeeded') {
      expect(done.durationMs).toBeGreaterThanOrEqual(0);
      expect(new Date(done.finishedAt!).getTime() - new Date(done.startedAt).getTime()).toBe(done.durationMs);
    }
    const prune = answer.items.find((j) => j.name === 'jobs.prune-runs')!;
    expect(prune.schedule).toEqual({ kind: 'cron', cron: '30 3 * * *', timeZone: 'Asia/Shanghai' });
    // pg-boss holds the schedule in Asia/Shanghai time
    const stored = await sql<{ name: string; cron: string; timezone: string }>`select name, cron, timezone from pgboss.schedule order by name`.execute(app.database.db);
    expect(stored.rows).toEqual([
      { name: 'jobs.prune-runs', cron: '30 3 * * *', timezone: 'Asia/Shanghai' },
      { name: 'limits.prune', cron: '40 3 * * *', timezone: 'Asia/Shanghai' },
    ]);
  });

  it('retries a failing sweep with a growing backoff up to its cap, shows the failure, and the other sweeps go on', async () => {
    const app = await startTestApp(kind);
    cleanups.push(() => app.close());
    const owner = await hqMember(app, 'owner');
    const calls: number[] = [];
    vi.spyOn(app.services.payouts, 'resendStuck').mockImplementation(async () => {
      calls.push(Date.now());
      throw new Error('payout provider unreachable');
    });
    // a long interval, its first tick at once: the only runs are that tick's and the retries
    const jobs = await startJobs({ services: app.services, database: app.database, config: testConfig({ jobIntervalMs: 60_000 }), log: quietLog() }, { retryLimit: 2, retryDelaySeconds: 1, pollingIntervalSeconds: 0.5, firstTickMs: 0 });
    cleanups.push(() => jobs.stop());

    // the run and its two retries, then pg-boss gives up on this one: failed, nothing left to retry
    await waitFor(async () => {
      const row = await sql<{ state: string; retry_count: number }>`select state, retry_count from pgboss.job where name = 'payouts.resend-stuck'`.execute(app.database.db);
      return row.rows.length === 1 && row.rows[0].state === 'failed' ? row.rows[0] : undefined;
    }, 20_000, 'the job to fail for good');
    expect(calls.length).toBe(3);
    // backoff: the first retry after 1–2 s, the second after 2–4 s (retryDelay × 2^n / 2 × (1 + random))
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(950);
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(1950);

    const answer = await jobsAnswer(app, owner.token);
    const failing = answer.items.find((j) => j.name === 'payouts.resend-stuck')!;
    expect(failing.lastRun).toMatchObject({ outcome: 'failed', attempt: 2, error: 'payout provider unreachable' });
    expect(failing.lastFailure).toMatchObject({ attempt: 2, error: 'payout provider unreachable' });
    expect(failing.recentFailures).toBe(3);
    expect(failing.recentRuns).toBe(3);
    expect(failing.lastSuccessAt).toBeNull();
    expect(answer.runnerHere).toBe(false); // the app itself runs none (JOB_INTERVAL_MS=0); the jobs above ran
    for (const name of CORE_JOBS.filter((n) => n !== 'payouts.resend-stuck')) {
      const other = answer.items.find((j) => j.name === name)!;
      expect(other.lastRun?.outcome, name).toBe('succeeded');
      expect(other.recentFailures, name).toBe(0);
    }
    // and it stays down until its next schedule: no fourth attempt
    await sleep(1000);
    expect(calls.length).toBe(3);
  });

  describe('a runner of its own', () => {
    let database: DatabaseHandle;
    let runner: JobRunner | undefined;
    // one database for these tests: their jobs have names of their own
    beforeAll(async () => {
      database = await openTestDatabase(kind);
      await migrate(database);
    });
    afterAll(() => database.close());
    afterEach(async () => {
      await runner?.stop();
      runner = undefined;
    });

    it('a long job in one queue does not delay another, and never runs twice at once', async () => {
      const runs: RecordedRun[] = [];
      runner = await startJobRunner({
        database,
        log: quietLog(),
        jobs: [recordingJob('test.slow', EVERY_INTERVAL, runs, 'a', 2500), recordingJob('test.quick', EVERY_INTERVAL, runs, 'a')],
        options: { intervalMs: 1000, pollingIntervalSeconds: 0.5 },
      });
      const slow = await waitFor(() => runs.find((r) => r.job === 'test.slow'), 10_000, 'the slow run');
      const quickDuring = runs.filter((r) => r.job === 'test.quick' && r.start >= slow.start && r.end <= slow.end);
      expect(quickDuring.length).toBeGreaterThanOrEqual(2);
      await sleep(1500);
      const slows = runs.filter((r) => r.job === 'test.slow');
      for (let i = 1; i < slows.length; i++) expect(slows[i].start).toBeGreaterThanOrEqual(slows[i - 1].end);
    });

    it('reads cron in Asia/Shanghai time', async () => {
      const runs: RecordedRun[] = [];
      // one occurrence only, this minute in Shanghai: started late in a minute, wait for the next, so the
      // run cannot be mistaken for the next minute's (under a loaded suite a run starts seconds late)
      if (clockNow().second >= 45) await sleep((61 - clockNow().second) * 1000);
      const { shanghai, utc } = clockNow();
      const at = (t: { hour: number; minute: number }) => `${t.minute} ${t.hour} * * *`;
      runner = await startJobRunner({
        database,
        log: quietLog(),
        jobs: [recordingJob('test.now-in-shanghai', { kind: 'cron', cron: at(shanghai) }, runs, 'a'), recordingJob('test.now-in-utc', { kind: 'cron', cron: at(utc) }, runs, 'a')],
        options: { intervalMs: 60_000, pollingIntervalSeconds: 0.5, cronWorkerIntervalSeconds: 1, cronMonitorIntervalSeconds: 1 },
      });
      await waitFor(() => runs.some((r) => r.job === 'test.now-in-shanghai'), 15_000, 'the Shanghai-time job');
      // both were looked at in the same cron pass: the UTC hour is eight hours away in Shanghai
      await sleep(2000);
      expect(runs.filter((r) => r.job === 'test.now-in-shanghai')).toHaveLength(1);
      expect(runs.filter((r) => r.job === 'test.now-in-utc')).toHaveLength(0);
      const schedules = await runner!.boss.getSchedules();
      expect(schedules.map((s) => [s.name, s.timezone]).sort()).toEqual([
        ['test.now-in-shanghai', 'Asia/Shanghai'],
        ['test.now-in-utc', 'Asia/Shanghai'],
      ]);
    });
  });
});
