-- Every run of a periodic job (src/jobs, on pg-boss queues): when it started and ended, how it ended and
-- why it failed. The console's job screen reads the last run and the recent failures of each job; rows
-- older than a week are pruned by the daily jobs.prune-runs job. pg-boss keeps its own tables in the
-- pgboss schema, which it installs and migrates itself.
create table job_runs (
  id bigserial primary key,
  job text not null,
  attempt integer not null default 0 check (attempt >= 0),
  instance text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  duration_ms integer check (duration_ms >= 0),
  outcome text not null default 'running' check (outcome in ('running', 'succeeded', 'failed')),
  error text,
  check ((outcome = 'running') = (finished_at is null))
);
create index job_runs_job_idx on job_runs (job, started_at desc, id desc);
create index job_runs_failed_idx on job_runs (job, started_at desc) where outcome = 'failed';
create index job_runs_started_idx on job_runs (started_at);
