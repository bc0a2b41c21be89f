-- Each attempt of a withdrawal that leaves through a provider (WeChat 商家转账, Alipay transfer) has one
-- row here: the provider's business number for it (out_bill_no / out_biz_no), what the provider last said,
-- and when to ask again. The business number is fixed per attempt, so every resend of an attempt is the
-- same request to the provider and can never pay twice; a retry after a failure is a new attempt and a
-- new number. The money itself moves only through payouts (applyResult), never from this table.
create table payout_transfers (
  id bigserial primary key,
  payout_id bigint not null references payouts (id),
  attempt int not null,
  provider text not null,
  business_no text not null unique check (business_no ~ '^[A-Za-z0-9]{1,32}$'),
  net_fen bigint not null check (net_fen > 0),
  -- the provider's own state word (WAIT_USER_CONFIRM, TRANSFERING, DEALING, SUCCESS…); null until it answered
  state text,
  -- WeChat's package_info while the receiver has yet to confirm (requestMerchantTransfer needs it)
  package_info text,
  provider_ref text,
  tries int not null default 0,
  -- when the sweep next sends or asks; null once the provider gave a final answer
  next_try_at timestamptz,
  last_error text,
  -- the member's "refresh" (asks the provider now), limited per payout across instances by this stamp
  refreshed_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (payout_id, attempt)
);
create index payout_transfers_due_idx on payout_transfers (next_try_at) where finished_at is null;
