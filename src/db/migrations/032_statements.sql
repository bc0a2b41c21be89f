-- Provider statements (对账单): each provider's daily bill as fetched, its lines, and every difference
-- against our payments, refunds and payment returns. One row per (provider, bill day) is what decides
-- which instance fetches a day: the job claims it with one upsert, so a day is fetched once.
create table statement_bills (
  id bigserial primary key,
  provider text not null check (provider in ('wechatpay', 'alipay')),
  -- the Beijing calendar day the bill covers, as the providers name it
  bill_date text not null check (bill_date ~ '^\d{4}-\d{2}-\d{2}$'),
  status text not null default 'pending' check (status in ('pending', 'not_ready', 'failed', 'fetched')),
  fetched_at timestamptz,
  line_count integer not null default 0,
  payment_count integer not null default 0,
  payment_total_fen bigint not null default 0 check (payment_total_fen >= 0),
  refund_count integer not null default 0,
  refund_total_fen bigint not null default 0 check (refund_total_fen >= 0),
  -- what the provider's own summary says (WeChat's 汇总 line), kept beside our sums of its lines
  provider_summary jsonb,
  difference_count integer not null default 0,
  attempts integer not null default 0,
  last_error text,
  -- the job tries again from here (a bill not ready yet, a provider that failed)
  next_attempt_at timestamptz,
  -- an instance fetching the day holds it until then; a crashed one's claim runs out
  claimed_until timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (provider, bill_date)
);
create index statement_bills_date_idx on statement_bills (bill_date desc, provider);

create table statement_lines (
  id bigserial primary key,
  bill_id bigint not null references statement_bills (id) on delete cascade,
  seq integer not null,
  kind text not null check (kind in ('payment', 'refund', 'other')),
  out_trade_no text not null,
  out_refund_no text,
  provider_txn_id text,
  -- SUCCESS, or a refund's status (PROCESSING, ABNORMAL …), or what another line says (REVOKED …)
  state text not null,
  amount_fen bigint not null check (amount_fen >= 0),
  -- the provider's own time text (Beijing)
  traded_at text not null,
  unique (bill_id, seq)
);
-- neighbouring days are searched for a record that crossed midnight
create index statement_lines_trade_idx on statement_lines (bill_id, out_trade_no);
create index statement_lines_refund_idx on statement_lines (bill_id, out_refund_no) where out_refund_no is not null;

create table statement_differences (
  id bigserial primary key,
  bill_id bigint not null references statement_bills (id) on delete cascade,
  provider text not null,
  bill_date text not null,
  kind text not null check (kind in ('missing_here', 'missing_there', 'amount_differs', 'state_differs', 'duplicate')),
  record_type text check (record_type in ('payment', 'refund', 'payment_return')),
  record_id bigint,
  -- out_trade_no for a payment line, the refund number for a refund line
  reference text not null,
  out_trade_no text,
  line_seq integer,
  our_fen bigint,
  their_fen bigint,
  our_state text,
  their_state text,
  note text,
  -- the same difference found again on a refetch keeps its resolution (statement_resolutions)
  fingerprint text not null,
  created_at timestamptz not null
);
create index statement_differences_bill_idx on statement_differences (bill_id);
create index statement_differences_day_idx on statement_differences (provider, bill_date);

-- finance looked at a difference and explains it (audited); kept apart from the differences, which a
-- refetch replaces, so the explanation holds for as long as the difference is the same
create table statement_resolutions (
  id bigserial primary key,
  provider text not null,
  bill_date text not null,
  fingerprint text not null,
  note text not null,
  resolved_by bigint not null references members (id),
  resolved_at timestamptz not null,
  unique (provider, bill_date, fingerprint)
);
