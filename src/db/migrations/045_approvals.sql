-- The two-person rule (四眼原则, issue 16). Lines in the rules (approvals.adjustmentSecondApprovalFen,
-- approvals.payoutSecondApprovalFen) past which one HQ member's action waits for a second.

-- A manual adjustment above the line (the approvals module's table): filed by its maker, applied through
-- commission's face under the maker's own idempotency key only when another owner/finance member approves
-- it. pending → approved (claimed by the approver; the adjustment is being applied) → applied; pending →
-- rejected; approved → failed when commission refused it (the key was already used for another adjustment).
create table adjustment_approvals (
  id bigserial primary key,
  -- the maker's key, handed to commission.adjust unchanged: a replay or a second approval moves money once
  idempotency_key text not null unique,
  member_id bigint not null references members (id),
  amount_fen bigint not null check (amount_fen <> 0),
  reason text not null,
  -- the line it was above when filed
  threshold_fen bigint not null check (threshold_fen > 0),
  status text not null default 'pending' check (status in ('pending', 'approved', 'applied', 'rejected', 'failed')),
  requested_by bigint not null references members (id),
  requested_at timestamptz not null,
  decided_by bigint references members (id),
  decided_at timestamptz,
  decision_reason text,
  applied_at timestamptz,
  -- the member's balances right after the adjustment, as commission answered
  balances jsonb,
  -- commission's refusal, code and message
  failure text,
  constraint adjustment_approvals_decided check ((status = 'pending') = (decided_by is null and decided_at is null)),
  constraint adjustment_approvals_applied check ((status = 'applied') = (applied_at is not null)),
  constraint adjustment_approvals_not_own check (decided_by is null or decided_by <> requested_by or status = 'rejected')
);
create index adjustment_approvals_open_idx on adjustment_approvals (id) where status in ('pending', 'approved');

-- A withdrawal above the line (the payouts module's columns): the first owner/finance approval is kept
-- here and the payout stays reviewing until a different member approves it (then reviewed_by).
alter table payouts
  add column first_approved_by bigint references members (id),
  add column first_approved_at timestamptz;
alter table payouts add constraint payouts_first_approval check ((first_approved_by is null) = (first_approved_at is null));
-- the second approver is another member (a rejection, with its reason, may come from either)
alter table payouts add constraint payouts_second_approver check (first_approved_by is null or reviewed_by is null or reviewed_by <> first_approved_by or reject_reason is not null);
