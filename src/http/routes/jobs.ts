// The periodic jobs for HQ (定时任务): each job's schedule and retry policy, its last run (start, end,
// duration, outcome, error), its last success and failure, and its runs and failures of the last 24 hours,
// from job_runs (every instance's runs). Read-only.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jobCatalog, JOBS_TIME_ZONE } from '../../jobs/catalog.js';
import { queueOptions } from '../../jobs/runner.js';
import { JobRuns } from '../../modules/jobs/index.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, type Auth } from '../auth.js';
import { dateTime } from './common.responses.js';

const DAY_MS = 86_400_000;

const schedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interval'), everySeconds: z.number().describe('JOB_INTERVAL_MS in seconds; 0 when this instance runs no jobs') }),
  z.object({ kind: z.literal('cron'), cron: z.string(), timeZone: z.string() }),
]);
const outcome = z.enum(['running', 'succeeded', 'failed']);
const run = z.object({
  startedAt: dateTime,
  finishedAt: dateTime.nullable(),
  durationMs: z.number().nullable(),
  outcome,
  error: z.string().nullable(),
  attempt: z.number().describe('0 for a scheduled run, n for its n-th retry'),
  instance: z.string(),
});
const jobStatus = z.object({
  name: z.string(),
  schedule,
  lastRun: run.nullable(),
  lastSuccessAt: dateTime.nullable(),
  lastFailure: z.object({ at: dateTime, error: z.string().nullable(), attempt: z.number() }).nullable(),
  recentRuns: z.number(),
  recentFailures: z.number(),
});
const jobsAnswer = z.object({
  runnerHere: z.boolean().describe('this instance runs jobs (JOB_INTERVAL_MS > 0); any instance may'),
  timeZone: z.string(),
  retry: z.object({ limit: z.number(), firstDelaySeconds: z.number(), maxDelaySeconds: z.number() }),
  since: dateTime,
  items: z.array(jobStatus),
});

export function jobsRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const runs = new JobRuns(s.db);
  const catalog = jobCatalog(s);
  const intervalMs = s.config.jobIntervalMs;

  r.get('/api/admin/jobs', {
    preHandler: auth.requireRoles(...ALL_HQ_ROLES),
    schema: { tags: ['jobs'], summary: "The periodic jobs: schedule, last run, duration, outcome, last failure and the last 24 hours' failures", response: { 200: jobsAnswer } },
  }, async () => {
    const since = new Date(Date.now() - DAY_MS);
    const statuses = await runs.status(catalog.map((j) => j.name), since);
    const retry = queueOptions({ intervalMs: intervalMs > 0 ? intervalMs : 60_000 });
    return {
      runnerHere: intervalMs > 0,
      timeZone: JOBS_TIME_ZONE,
      retry: { limit: retry.retryLimit ?? 0, firstDelaySeconds: retry.retryDelay ?? 0, maxDelaySeconds: retry.retryDelayMax ?? 0 },
      since,
      items: catalog.map((job, i) => ({
        ...statuses[i],
        schedule: job.schedule.kind === 'cron' ? { kind: 'cron' as const, cron: job.schedule.cron, timeZone: JOBS_TIME_ZONE } : { kind: 'interval' as const, everySeconds: intervalMs > 0 ? Math.max(1, Math.round(intervalMs / 1000)) : 0 },
      })),
    };
  });
}
