// Runs job definitions (catalog.ts) on pg-boss: one queue per job, each with its own worker, so a long
// sweep delays no other. Every queue has the `exclusive` policy: at most one job of it is queued, in
// retry or active across all instances, so a job never runs twice at the same moment and a failing
// one waits out its backoff (retryBackoff, capped by retryDelayMax and retryLimit) instead of being
// started afresh by the next tick. Interval jobs are sent by every instance's ticker, throttled to
// one per interval slot (singletonSeconds), so each slot's run happens once however many instances
// tick; cron jobs are pg-boss schedules in Asia/Shanghai time, sent once per occurrence by whichever
// instance holds the cron pass. A heartbeat keeps a long run claimed; a crashed instance's run is
// failed (and retried elsewhere) once its heartbeat stops. Every run is recorded in job_runs.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { PgBoss, JobWithMetadata, Queue } from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/database.js';
import { JobRuns } from '../modules/jobs/index.js';
import { createBoss, type BossOptions } from './boss.js';
import { JOBS_TIME_ZONE, type JobDefinition } from './catalog.js';

export interface RunnerOptions extends BossOptions {
  /** how often interval jobs run (JOB_INTERVAL_MS); their throttle slot is this, in whole seconds (at least 1) */
  intervalMs: number;
  /** retries after a failed run before the job waits for its next schedule; default 5 */
  retryLimit?: number;
  /** the first retry's delay, seconds (doubling, with jitter); default a quarter of the interval, 1 to 60 */
  retryDelaySeconds?: number;
  /** the longest wait between retries, seconds; default 600 */
  retryDelayMaxSeconds?: number;
  /** how often each queue's worker looks for a job, seconds; default half the interval, 0.5 to 15 */
  pollingIntervalSeconds?: number;
  /** a run may take this long before pg-boss fails it (and retries it); default 2 hours */
  expireInSeconds?: number;
  /** a running job's heartbeat, seconds (at least 10): a run whose instance died is failed after it; default 30 */
  heartbeatSeconds?: number;
  /** how long stop() waits for running handlers; default 15 s */
  stopTimeoutMs?: number;
  /** the first tick after start, ms; default one interval (as the sweeps always waited: start-up work such as the demo seed goes first) */
  firstTickMs?: number;
}

export interface JobRunner {
  /** this runner's name in job_runs */
  readonly instance: string;
  readonly boss: PgBoss;
  /** sends each interval job's run for the current slot (what the ticker does every interval) */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunnerContext {
  database: DatabaseHandle;
  log: Logger;
  jobs: JobDefinition[];
  options: RunnerOptions;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The queue settings every job gets: one at a time, retried with backoff and a cap. */
export function queueOptions(options: RunnerOptions): Omit<Queue, 'name' | 'policy'> {
  const intervalSeconds = options.intervalMs / 1000;
  const retryDelay = options.retryDelaySeconds ?? clamp(Math.round(intervalSeconds / 4), 1, 60);
  return {
    retryLimit: options.retryLimit ?? 5,
    retryDelay,
    retryBackoff: true,
    retryDelayMax: Math.max(retryDelay, options.retryDelayMaxSeconds ?? 600),
    expireInSeconds: options.expireInSeconds ?? 2 * 3600,
    heartbeatSeconds: options.heartbeatSeconds ?? 30,
    // finished jobs are kept a day (the console reads job_runs, not these)
    deleteAfterSeconds: 86_400,
  };
}

/** Starts pg-boss, its queues, workers, schedules and the interval ticker. */
export async function startJobRunner({ database, log, jobs, options }: RunnerContext): Promise<JobRunner | undefined> {
  const boss = createBoss(database, options);
  if (!boss) {
    log.warn('the database handle has no job connection: no jobs run on this instance');
    return undefined;
  }
  const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const runs = new JobRuns(database.db);
  boss.on('error', (error) => log.error({ err: error }, 'job queue (pg-boss) error'));
  boss.on('warning', (warning) => log.warn({ warning: warning.data }, `job queue (pg-boss): ${warning.message}`));
  await boss.start({ attempts: 3 });

  const settings = queueOptions(options);
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? clamp(options.intervalMs / 2000, 0.5, 15);
  const workers = new Map<string, string>();
  for (const job of jobs) {
    await boss.createQueue(job.name, { policy: 'exclusive', ...settings });
    // a queue made by an earlier release keeps its policy; its retry and expiry settings follow this one
    await boss.updateQueue(job.name, settings);
    const handler = async ([claimed]: JobWithMetadata[]) => {
      await runRecorded(job, claimed, { runs, log, instance, retryLimit: settings.retryLimit ?? 0 });
    };
    workers.set(job.name, await boss.work(job.name, { pollingIntervalSeconds, batchSize: 1, includeMetadata: true }, handler));
  }
  await syncSchedules(boss, jobs);

  const slotSeconds = Math.max(1, Math.round(options.intervalMs / 1000));
  const intervalJobs = jobs.filter((j) => j.schedule.kind === 'interval');
  let stopped = false;
  const tick = async () => {
    const failures: string[] = [];
    for (const job of intervalJobs) {
      if (stopped) return;
      try {
        // null: this slot's run exists already (another instance sent it) or one is still queued, retrying or running
        const id = await boss.send(job.name, null, { singletonSeconds: slotSeconds });
        if (id) boss.notifyWorker(workers.get(job.name)!);
      } catch (error) {
        failures.push(`${job.name}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) log.warn({ failures }, 'could not send the interval jobs this tick');
  };
  const every = Math.max(options.intervalMs, 250);
  let timer: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    void tick();
    timer = setInterval(() => void tick(), every);
    timer.unref();
  }, options.firstTickMs ?? every);
  first.unref();
  log.info({ instance, jobs: jobs.length, intervalMs: options.intervalMs }, 'job runner started (pg-boss)');
  return {
    instance,
    boss,
    tick,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await boss.stop({ graceful: true, timeout: options.stopTimeoutMs ?? 15_000, close: true });
    },
  };
}

/** One run: its row in job_runs opened and closed around the handler; a failure is logged and thrown for pg-boss to retry. */
async function runRecorded(job: JobDefinition, claimed: JobWithMetadata, ctx: { runs: JobRuns; log: Logger; instance: string; retryLimit: number }): Promise<void> {
  const attempt = claimed.retryCount;
  const runId = await ctx.runs.start(job.name, attempt, ctx.instance).catch((error: unknown) => {
    ctx.log.warn({ err: error, job: job.name }, 'could not record the start of a job run');
    return undefined;
  });
  const finish = (outcome: 'succeeded' | 'failed', error?: unknown) =>
    runId === undefined ? undefined : ctx.runs.finish(runId, outcome, error).catch((e: unknown) => ctx.log.warn({ err: e, job: job.name }, 'could not record the end of a job run'));
  try {
    await job.run({ attempt, id: claimed.id, slot: claimed.singletonOn ?? null });
  } catch (error) {
    const last = attempt >= ctx.retryLimit;
    ctx.log.error({ err: error, job: job.name, attempt }, last ? 'job failed; no retries left, it runs again at its next schedule' : 'job failed; pg-boss retries it after a backoff');
    await finish('failed', error);
    throw error;
  }
  await finish('succeeded');
}

/** The cron jobs' schedules (Asia/Shanghai), and no schedule for a job that no longer has one. */
async function syncSchedules(boss: PgBoss, jobs: JobDefinition[]): Promise<void> {
  const cron = new Map(jobs.flatMap((j) => (j.schedule.kind === 'cron' ? [[j.name, j.schedule.cron] as const] : [])));
  for (const schedule of await boss.getSchedules()) {
    if (!cron.has(schedule.name)) await boss.unschedule(schedule.name, schedule.key);
  }
  // an occurrence missed while no instance ran is sent once when one is back
  for (const [name, expression] of cron) await boss.schedule(name, expression, null, { tz: JOBS_TIME_ZONE, missed: 'once' });
}
