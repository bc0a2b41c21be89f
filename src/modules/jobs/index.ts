// The jobs module's face: the record of job runs (job_runs) that the runner (src/jobs) writes and the
// console's job screen reads. The queues themselves are pg-boss's (schema pgboss).
export { errorText, JobRuns } from './service.js';
export type { JobOutcome, JobRun, JobRunStatus } from './service.js';
