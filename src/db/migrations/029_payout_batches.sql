-- Bank-card withdrawals leave as a batch file (批量代发) that finance uploads to the bank; the bank's
-- return file is entered back line by line. A payout attempt is in at most one batch: the unique
-- index on (payout_id, attempt) is what keeps two concurrent batch creations from sharing one.
create table payout_batches (
  id bigserial primary key,
  batch_no text not null unique,
  status text not null default 'open' check (status in ('open', 'settled')),
  created_by bigint not null references members (id),
  idempotency_key text unique,
  created_at timestamptz not null,
  settled_at timestamptz
);

create table payout_batch_lines (
  id bigserial primary key,
  batch_id bigint not null references payout_batches (id),
  seq int not null,
  payout_id bigint not null references payouts (id),
  attempt int not null,
  net_fen bigint not null check (net_fen > 0),
  result text check (result in ('paid', 'failed')),
  bank_reference text,
  reason text,
  decided_at timestamptz,
  unique (batch_id, seq)
);
create unique index payout_batch_lines_attempt_idx on payout_batch_lines (payout_id, attempt);
create index payout_batch_lines_batch_idx on payout_batch_lines (batch_id);

-- a results submission (the bank's return file) under its idempotency key, with the answer it got
create table payout_batch_results (
  id bigserial primary key,
  batch_id bigint not null references payout_batches (id),
  idempotency_key text not null unique,
  fingerprint text not null,
  response jsonb not null,
  created_by bigint not null references members (id),
  created_at timestamptz not null
);
