// Helpers of the job runner's tests (test/jobs): waiting on a condition, a job that records its runs.
import { createLogger } from '../../src/app.js';
import type { JobDefinition, JobRunContext } from '../../src/jobs/catalog.js';

export const quietLog = () => createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls fn until it answers something truthy, or throws after timeoutMs with the last answer. */
export async function waitFor<T>(fn: () => Promise<T> | T, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

export interface RecordedRun {
  job: string;
  instance: string;
  start: number;
  end: number;
  attempt: number;
  slot: number | null;
}

/** A job whose handler takes `ms` and records each run (start and end in wall time) into `into`. */
export function recordingJob(name: string, schedule: JobDefinition['schedule'], into: RecordedRun[], instance: string, ms = 0, fail?: () => boolean): JobDefinition {
  return {
    name,
    schedule,
    async run(context: JobRunContext) {
      const start = Date.now();
      if (ms > 0) await sleep(ms);
      into.push({ job: name, instance, start, end: Date.now(), attempt: context.attempt, slot: context.slot ? new Date(context.slot).getTime() : null });
      if (fail?.()) throw new Error(`${name} failed on purpose`);
    },
  };
}

/** The hour and minute it is now in Asia/Shanghai (UTC+8, no daylight saving) and in UTC. */
export function clockNow(): { shanghai: { hour: number; minute: number }; utc: { hour: number; minute: number }; second: number } {
  const now = new Date();
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  return { shanghai: { hour: shanghai.getUTCHours(), minute: shanghai.getUTCMinutes() }, utc: { hour: now.getUTCHours(), minute: now.getUTCMinutes() }, second: now.getUTCSeconds() };
}
