-- A rule change that raises money risk past a line (src/modules/rules/limits.ts) waits here for a
-- second owner/finance member instead of becoming a version at once. Approving saves the proposed
-- config, unchanged, as a new version, but only while the version it was proposed against is still
-- the one in force; otherwise the change is superseded and has to be proposed again.
create table rule_changes (
  id serial primary key,
  base_version_id integer not null references rule_versions (id),
  proposed_config jsonb not null,
  note text,
  -- the lines the proposal crosses, as shown to the approver
  triggers jsonb not null default '[]',
  proposed_by bigint not null references members (id),
  created_at timestamptz not null default now(),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'superseded')),
  decided_by bigint references members (id),
  decided_at timestamptz,
  reason text,
  applied_version_id integer references rule_versions (id),
  constraint rule_changes_decided check ((status = 'pending') = (decided_at is null)),
  constraint rule_changes_applied check ((status = 'approved') = (applied_version_id is not null))
);
create index rule_changes_pending_idx on rule_changes (id) where status = 'pending';
