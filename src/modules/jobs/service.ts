// The record of every job run (job_runs): the runner writes a row when a handler starts and closes it when
// the handler ends; the console reads each job's last run, last success, last failure and recent counts.
// Times are wall time (Date.now), not the business clock: they say when the process did the work.
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

export type JobOutcome = 'running' | 'succeeded' | 'failed';

export interface JobRun {
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  outcome: JobOutcome;
  error: string | null;
  attempt: number;
  instance: string;
}

export interface JobRunStatus {
  name: string;
  lastRun: JobRun | null;
  lastSuccessAt: Date | null;
  lastFailure: { at: Date; error: string | null; attempt: number } | null;
  /** runs and failed runs since `since` (the last 24 hours unless asked otherwise) */
  recentRuns: number;
  recentFailures: number;
}

/** an error message is kept to this many characters */
const ERROR_MAX = 2_000;
const DAY_MS = 86_400_000;

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX - 1)}…` : text;
}

export class JobRuns {
  constructor(private readonly db: Db) {}

  /** A handler started: its row, to be finished by finish(). */
  async start(job: string, attempt: number, instance: string, at = new Date()): Promise<number> {
    const row = await this.db.insertInto('job_runs').values({ job, attempt, instance, started_at: at, outcome: 'running' }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async finish(id: number, outcome: 'succeeded' | 'failed', error: unknown, at = new Date()): Promise<void> {
    await this.db
      .updateTable('job_runs')
      .set({
        outcome,
        finished_at: at,
        duration_ms: sql<number>`greatest(0, round(extract(epoch from (${at}::timestamptz - started_at)) * 1000))::integer`,
        error: outcome === 'failed' ? errorText(error) : null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Each named job's last run, last success and failure, and its counts since `since`; in the order asked. */
  async status(names: string[], since = new Date(Date.now() - DAY_MS)): Promise<JobRunStatus[]> {
    if (names.length === 0) return [];
    const rows = await sql<{
      name: string;
      started_at: Date | null;
      finished_at: Date | null;
      duration_ms: number | null;
      outcome: JobOutcome | null;
      error: string | null;
      attempt: number | null;
      instance: string | null;
      last_success_at: Date | null;
      failed_at: Date | null;
      failed_error: string | null;
      failed_attempt: number | null;
      recent_runs: number;
      recent_failures: number;
    }>`
      select j.name, l.started_at, l.finished_at, l.duration_ms, l.outcome, l.error, l.attempt, l.instance,
        (select max(s.started_at) from job_runs s where s.job = j.name and s.outcome = 'succeeded') as last_success_at,
        f.started_at as failed_at, f.error as failed_error, f.attempt as failed_attempt,
        (select count(*) from job_runs c where c.job = j.name and c.started_at >= ${since}) as recent_runs,
        (select count(*) from job_runs c where c.job = j.name and c.outcome = 'failed' and c.started_at >= ${since}) as recent_failures
      from unnest(${names}::text[]) with ordinality as j(name, ord)
      left join lateral (
        select r.started_at, r.finished_at, r.duration_ms, r.outcome, r.error, r.attempt, r.instance
        from job_runs r where r.job = j.name order by r.started_at desc, r.id desc limit 1
      ) l on true
      left join lateral (
        select r.started_at, r.error, r.attempt from job_runs r where r.job = j.name and r.outcome = 'failed' order by r.started_at desc limit 1
      ) f on true
      order by j.ord`.execute(this.db);
    return rows.rows.map((r) => ({
      name: r.name,
      lastRun:
        r.started_at === null
          ? null
          : { startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms, outcome: r.outcome!, error: r.error, attempt: r.attempt!, instance: r.instance! },
      lastSuccessAt: r.last_success_at,
      lastFailure: r.failed_at === null ? null : { at: r.failed_at, error: r.failed_error, attempt: r.failed_attempt! },
      recentRuns: Number(r.recent_runs),
      recentFailures: Number(r.recent_failures),
    }));
  }

  /** Every run of a job, oldest first (tests and diagnostics). */
  async runsOf(job: string): Promise<Array<JobRun & { id: number }>> {
    const rows = await this.db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('started_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms, outcome: r.outcome, error: r.error, attempt: r.attempt, instance: r.instance }));
  }

  /** Deletes runs that started before `before` (the daily prune keeps a week). */
  async prune(before = new Date(Date.now() - 7 * DAY_MS)): Promise<{ deleted: number }> {
    const result = await this.db.deleteFrom('job_runs').where('started_at', '<', before).executeTakeFirst();
    return { deleted: Number(result.numDeletedRows) };
  }
}
