-- The distribution core. Money is bigint fen; rates are integer basis points.

-- members ------------------------------------------------------------------
create table distributor_tiers (
  id integer primary key,
  name text not null,
  rank integer not null unique,
  created_at timestamptz not null default now()
);
insert into distributor_tiers (id, name, rank) values (1, '普通分销商', 1);

create table distributor_groups (
  id serial primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);

create table members (
  id bigserial primary key,
  phone text not null unique,
  password_hash text not null,
  nickname text not null,
  avatar_url text,
  hq_role text check (hq_role in ('owner', 'operator', 'finance', 'support', 'auditor')),
  invite_code text not null unique,
  distributor_status text not null default 'none'
    check (distributor_status in ('none', 'applied', 'active', 'rejected', 'disabled')),
  distributor_since timestamptz,
  tier_id integer not null default 1 references distributor_tiers (id),
  group_id integer references distributor_groups (id),
  created_at timestamptz not null default now()
);
create index members_created_at_idx on members (created_at);

create table distributor_applications (
  id bigserial primary key,
  member_id bigint not null references members (id),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  note text,
  review_reason text,
  reviewed_by bigint references members (id),
  reviewed_at timestamptz,
  created_at timestamptz not null default now()
);
-- at most one open application per member
create unique index distributor_applications_open_idx on distributor_applications (member_id) where status = 'pending';

create table sms_codes (
  id bigserial primary key,
  phone text not null,
  purpose text not null,
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  consumed_at timestamptz,
  created_at timestamptz not null default now()
);
create index sms_codes_phone_idx on sms_codes (phone, purpose, created_at desc);

-- rules: every save is a new version; an order uses the version in force when paid --
create table rule_versions (
  id serial primary key,
  config jsonb not null,
  note text,
  created_by bigint references members (id),
  created_at timestamptz not null default now()
);

-- referral ---------------------------------------------------------------------
create table referral_bindings (
  member_id bigint primary key references members (id),
  referrer_id bigint not null references members (id),
  source text not null,
  bound_at timestamptz not null default now(),
  expires_at timestamptz,
  check (member_id <> referrer_id)
);
create index referral_bindings_referrer_idx on referral_bindings (referrer_id, bound_at desc);

-- closure table: one row per (ancestor, descendant) pair, distance 0 for the member itself
create table referral_closure (
  ancestor_id bigint not null,
  descendant_id bigint not null,
  distance integer not null check (distance >= 0),
  primary key (ancestor_id, descendant_id)
);
create index referral_closure_descendant_idx on referral_closure (descendant_id, distance);

create table referral_binding_history (
  id bigserial primary key,
  member_id bigint not null references members (id),
  old_referrer_id bigint references members (id),
  new_referrer_id bigint references members (id),
  source text not null,
  reason text,
  actor_id bigint references members (id),
  created_at timestamptz not null default now()
);
create index referral_binding_history_member_idx on referral_binding_history (member_id, id);

-- a share-link visit before or after registration; the binding policy decides what it does
create table referral_visits (
  id bigserial primary key,
  visitor_key text not null,
  member_id bigint references members (id),
  referrer_id bigint not null references members (id),
  created_at timestamptz not null default now()
);
create index referral_visits_visitor_idx on referral_visits (visitor_key, id);
create index referral_visits_member_idx on referral_visits (member_id, id);

-- catalog ------------------------------------------------------------------------
create table products (
  id bigserial primary key,
  title text not null,
  description text not null default '',
  image_url text,
  category text not null default '',
  status text not null default 'on_sale' check (status in ('on_sale', 'off_sale')),
  created_at timestamptz not null default now()
);

create table product_skus (
  id bigserial primary key,
  product_id bigint not null references products (id),
  name text not null,
  price_fen bigint not null check (price_fen > 0),
  stock integer not null check (stock >= 0),
  created_at timestamptz not null default now()
);
create index product_skus_product_idx on product_skus (product_id);

-- orders -------------------------------------------------------------------------
create table orders (
  id bigserial primary key,
  order_no text not null unique,
  buyer_id bigint not null references members (id),
  status text not null default 'pending_payment'
    check (status in ('pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded')),
  goods_fen bigint not null check (goods_fen >= 0),
  discount_fen bigint not null default 0 check (discount_fen >= 0),
  shipping_fen bigint not null default 0 check (shipping_fen >= 0),
  payable_fen bigint not null check (payable_fen >= 0),
  paid_fen bigint not null default 0 check (paid_fen >= 0),
  refunded_fen bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= paid_fen),
  source text not null default 'direct' check (source in ('share_link', 'poster', 'store', 'direct')),
  sharer_id bigint references members (id),
  checkout_key text unique,
  rule_version_id integer references rule_versions (id),
  paid_at timestamptz,
  shipped_at timestamptz,
  completed_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  check (payable_fen = goods_fen - discount_fen + shipping_fen)
);
create index orders_buyer_idx on orders (buyer_id, id desc);
create index orders_paid_at_idx on orders (paid_at);

create table order_lines (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  product_id bigint not null references products (id),
  sku_id bigint not null references product_skus (id),
  title text not null,
  quantity integer not null check (quantity > 0),
  unit_price_fen bigint not null check (unit_price_fen > 0),
  discount_fen bigint not null default 0 check (discount_fen >= 0),
  paid_fen bigint not null check (paid_fen >= 0),
  refunded_fen bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= paid_fen),
  check (paid_fen = unit_price_fen * quantity - discount_fen)
);
create index order_lines_order_idx on order_lines (order_id);

create table refunds (
  id bigserial primary key,
  refund_no text not null unique,
  order_id bigint not null references orders (id),
  status text not null default 'processing' check (status in ('processing', 'succeeded', 'failed')),
  amount_fen bigint not null check (amount_fen > 0),
  shipping_fen bigint not null default 0 check (shipping_fen >= 0),
  reason text not null,
  created_by bigint references members (id),
  idempotency_key text not null unique,
  created_at timestamptz not null default now(),
  completed_at timestamptz
);
create index refunds_order_idx on refunds (order_id);

create table refund_lines (
  refund_id bigint not null references refunds (id),
  order_line_id bigint not null references order_lines (id),
  amount_fen bigint not null check (amount_fen > 0),
  primary key (refund_id, order_line_id)
);

-- payments -------------------------------------------------------------------------
create table payments (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  provider text not null,
  out_trade_no text not null unique,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null default 'created' check (status in ('created', 'succeeded', 'closed')),
  provider_txn_id text,
  paid_at timestamptz,
  created_at timestamptz not null default now()
);
create index payments_order_idx on payments (order_id);

-- every externally triggered event, once: replaying a key changes nothing
create table payment_events (
  id bigserial primary key,
  provider text not null,
  event_key text not null,
  kind text not null,
  outcome text not null,
  created_at timestamptz not null default now(),
  unique (provider, event_key)
);

-- ledger ------------------------------------------------------------------------------
create table ledger_accounts (
  id bigserial primary key,
  owner_type text not null check (owner_type in ('platform', 'member')),
  owner_id bigint not null,
  purpose text not null,
  allow_negative boolean not null,
  created_at timestamptz not null default now(),
  unique (owner_type, owner_id, purpose)
);

-- append-only: each row moves amount_fen from one account to another, so every
-- transfer balances by construction and the sum of all balances is always zero
create table ledger_transfers (
  id bigserial primary key,
  from_account_id bigint not null references ledger_accounts (id),
  to_account_id bigint not null references ledger_accounts (id),
  amount_fen bigint not null check (amount_fen > 0),
  code text not null,
  idempotency_key text not null unique,
  ref_type text,
  ref_id bigint,
  memo text,
  created_at timestamptz not null default now(),
  check (from_account_id <> to_account_id)
);
create index ledger_transfers_from_idx on ledger_transfers (from_account_id) include (amount_fen);
create index ledger_transfers_to_idx on ledger_transfers (to_account_id) include (amount_fen);
create index ledger_transfers_ref_idx on ledger_transfers (ref_type, ref_id);

create function ledger_transfers_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'ledger_transfers is append-only' using errcode = 'P0001';
end $$;
create trigger ledger_transfers_no_update before update or delete on ledger_transfers
  for each row execute function ledger_transfers_immutable();

-- the database itself refuses a debit that would take a spendable account below zero
create function ledger_transfers_check_balance() returns trigger language plpgsql as $$
declare
  negative_ok boolean;
  balance bigint;
begin
  select allow_negative into negative_ok from ledger_accounts where id = new.from_account_id;
  if not negative_ok then
    select coalesce((select sum(amount_fen) from ledger_transfers where to_account_id = new.from_account_id), 0)
         - coalesce((select sum(amount_fen) from ledger_transfers where from_account_id = new.from_account_id), 0)
      into balance;
    if balance < 0 then
      raise exception 'ledger account % would go negative (%)', new.from_account_id, balance using errcode = 'P0002';
    end if;
  end if;
  return null;
end $$;
create trigger ledger_transfers_balance_check after insert on ledger_transfers
  for each row execute function ledger_transfers_check_balance();

-- commission ------------------------------------------------------------------------------
create table commission_earnings (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  order_line_id bigint not null references order_lines (id),
  earner_id bigint not null references members (id),
  buyer_id bigint not null references members (id),
  level smallint not null check (level between 1 and 9),
  base_fen bigint not null check (base_fen >= 0),
  rate_bp integer,
  amount_fen bigint not null check (amount_fen > 0),
  reversed_fen bigint not null default 0 check (reversed_fen >= 0 and reversed_fen <= amount_fen),
  state text not null check (state in ('pending', 'frozen', 'available', 'reversed')),
  rule_version_id integer not null references rule_versions (id),
  frozen_until timestamptz,
  created_at timestamptz not null default now(),
  unique (order_line_id, level)
);
create index commission_earnings_earner_idx on commission_earnings (earner_id, id desc);
create index commission_earnings_order_idx on commission_earnings (order_id);
create index commission_earnings_unfreeze_idx on commission_earnings (frozen_until) where state = 'frozen';

-- payouts ------------------------------------------------------------------------------------
create table payouts (
  id bigserial primary key,
  payout_no text not null unique,
  member_id bigint not null references members (id),
  amount_fen bigint not null check (amount_fen > 0),
  fee_fen bigint not null check (fee_fen >= 0 and fee_fen < amount_fen),
  channel text not null check (channel in ('wechat', 'alipay', 'bank')),
  destination jsonb not null,
  status text not null check (status in ('reviewing', 'processing', 'paid', 'rejected', 'failed')),
  attempts integer not null default 1,
  idempotency_key text not null unique,
  auto_approved boolean not null default false,
  reject_reason text,
  failure_reason text,
  reviewed_by bigint references members (id),
  reviewed_at timestamptz,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payouts_member_idx on payouts (member_id, id desc);
create index payouts_status_idx on payouts (status, id);

-- audit -----------------------------------------------------------------------------------------
create table audit_log (
  id bigserial primary key,
  actor_id bigint references members (id),
  action text not null,
  target_type text not null,
  target_id text,
  before jsonb,
  after jsonb,
  reason text,
  created_at timestamptz not null default now()
);
create index audit_log_created_idx on audit_log (created_at desc);
create index audit_log_target_idx on audit_log (target_type, target_id);

-- platform accounts exist from the start; member accounts are opened at registration
insert into ledger_accounts (owner_type, owner_id, purpose, allow_negative) values
  ('platform', 0, 'commission_expense', true),
  ('platform', 0, 'payout_clearing', false),
  ('platform', 0, 'payout_fee_income', false);

-- what each member bought (paid minus refunded), kept by referral for team sales
create table referral_member_sales (
  member_id bigint primary key references members (id),
  paid_fen bigint not null default 0,
  refunded_fen bigint not null default 0,
  order_count integer not null default 0,
  check (refunded_fen <= paid_fen)
);
