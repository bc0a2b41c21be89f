// Row types of the job runs (035), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';

export interface JobRunsTable {
  id: Generated<number>;
  /** the job's queue name, e.g. payments.checks */
  job: string;
  /** 0 for a scheduled run, n for its n-th retry */
  attempt: number;
  /** which runner (pg-boss instance) ran it */
  instance: string;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  outcome: 'running' | 'succeeded' | 'failed';
  error: string | null;
}

export interface JobsTables {
  job_runs: JobRunsTable;
}
