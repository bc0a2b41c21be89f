// Two job runners on one PostgreSQL database, as two instances of the app would be: they install
// pg-boss's schema at the same moment, a job that needs one runner never runs on both at once, and
// each scheduled run (an interval slot, a cron occurrence) happens once, whichever instance sent it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { JobDefinition } from '../../src/jobs/catalog.js';
import { startJobRunner, type JobRunner, type RunnerOptions } from '../../src/jobs/runner.js';
import { describeOnPostgres } from '../support/harness.js';
import { createScratchDatabase } from '../support/reliability.js';
import { quietLog, recordingJob, sleep, type RecordedRun } from './kit.js';

describeOnPostgres('two job runners on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const handles: DatabaseHandle[] = [];
  const runners: JobRunner[] = [];
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_jobs');
    for (let i = 0; i < 2; i++) handles.push(await openDatabase({ databaseUrl: scratch.url, poolSize: 4 }));
    await Promise.all(handles.map((h) => migrate(h)));
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    for (const h of handles) await h.close();
    await scratch?.drop();
  });

  it('never run a one-runner job on both at once, and run each interval slot and cron occurrence once', async () => {
    const runs: RecordedRun[] = [];
    const jobsOf = (instance: string): JobDefinition[] => [
      // longer than the interval: the other instance's tick comes while it runs
      recordingJob('test.singleton', { kind: 'interval' }, runs, instance, 1300),
      recordingJob('test.each-slot', { kind: 'interval' }, runs, instance),
      recordingJob('test.every-minute', { kind: 'cron', cron: '* * * * *' }, runs, instance),
    ];
    const options: RunnerOptions = { intervalMs: 1000, pollingIntervalSeconds: 0.5, cronWorkerIntervalSeconds: 1, cronMonitorIntervalSeconds: 1 };
    // both install pg-boss's schema and create the same queues at the same moment
    const started = Date.now();
    const pair = await Promise.all(['a', 'b'].map((instance, i) => startJobRunner({ database: handles[i], log: quietLog(), jobs: jobsOf(instance), options })));
    for (const r of pair) runners.push(r!);
    // the second runner's ticks land between the first one's
    await sleep(500);
    await runners[1].tick();
    await sleep(5500);
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    const seconds = (Date.now() - started) / 1000;

    const singleton = runs.filter((r) => r.job === 'test.singleton').sort((x, y) => x.start - y.start);
    expect(singleton.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < singleton.length; i++) expect(singleton[i].start, `run ${i} of test.singleton`).toBeGreaterThanOrEqual(singleton[i - 1].end);

    const eachSlot = runs.filter((r) => r.job === 'test.each-slot');
    const slots = eachSlot.map((r) => r.slot);
    expect(slots.every((s) => s !== null)).toBe(true);
    expect(new Set(slots).size).toBe(slots.length);
    expect(eachSlot.length).toBeGreaterThanOrEqual(4);
    expect(eachSlot.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);

    // the cron pass of either instance sends the minute's occurrence; it runs once (twice only if the minute turned)
    const cron = runs.filter((r) => r.job === 'test.every-minute');
    expect(cron.length).toBeGreaterThanOrEqual(1);
    expect(cron.length).toBeLessThanOrEqual(2);
    const minutes = cron.map((r) => Math.floor(r.start / 60_000));
    expect(new Set(minutes).size).toBe(minutes.length);
  });
});
