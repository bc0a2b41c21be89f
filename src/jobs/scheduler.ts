// The periodic jobs of this instance, on pg-boss queues (runner.ts): the sweeps of catalog.ts, each
// its own queue, the frequent ones every JOB_INTERVAL_MS, the daily ones by cron in Asia/Shanghai
// time. JOB_INTERVAL_MS=0 runs no job runner here (tests call the sweeps themselves); any number of
// instances may run one: each job still runs one at a time and each scheduled run once.
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Services } from '../services.js';
import { jobCatalog } from './catalog.js';
import { startJobRunner, type RunnerOptions } from './runner.js';

export interface JobsContext {
  services: Services;
  database: DatabaseHandle;
  config: AppConfig;
  log: Logger;
}

export interface RunningJobs {
  stop(): Promise<void>;
}

export async function startJobs({ services, database, config, log }: JobsContext, overrides: Partial<RunnerOptions> = {}): Promise<RunningJobs> {
  const intervalMs = config.jobIntervalMs;
  if (intervalMs <= 0) return { stop: async () => undefined };
  const runner = await startJobRunner({
    database,
    log,
    jobs: jobCatalog(services),
    options: { intervalMs, poolMax: config.jobsPoolMax, ...overrides },
  });
  return { stop: async () => runner?.stop() };
}
