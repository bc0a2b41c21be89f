-- Money that arrived for an order that could not take it (paid after it closed, or paid twice): finance
-- sends it back through the rail it came by, once per payment; reconciliation clears when it succeeds.
create table payment_returns (
  id bigserial primary key,
  payment_id bigint not null references payments (id),
  refund_no text not null unique,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null default 'processing' check (status in ('processing', 'succeeded', 'failed')),
  reason text not null,
  created_by bigint not null references members (id),
  idempotency_key text not null unique,
  created_at timestamptz not null,
  completed_at timestamptz
);
-- at most one return in flight or done per payment; a failed one may be tried again
create unique index payment_returns_live_idx on payment_returns (payment_id) where status <> 'failed';
