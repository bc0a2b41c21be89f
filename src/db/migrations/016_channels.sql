-- Channels, continued: non-regional agents with levels (sales and referral awards), yearly agent
-- targets split by quarter, and store region protection (a customer belongs to one store; no 撞单).

-- HQ's levels for non-regional agents: the sales award rate on their customers' orders, and the
-- one-off award an agent earns for bringing in an agent of this level
create table agent_levels (
  id bigserial primary key,
  name text not null unique check (length(name) between 1 and 30),
  sales_award_bp integer not null check (sales_award_bp between 0 and 10000),
  referral_award_fen bigint not null default 0 check (referral_award_fen between 0 and 100000000),
  created_at timestamptz not null default now()
);

alter table agents add column level_id bigint references agent_levels (id);
-- a non-regional agent always has a level; a regional agent never does
alter table agents add constraint agents_level_kind check ((kind = 'non_regional') = (level_id is not null));
create index agents_level_idx on agents (level_id);

-- the referral award, once per appointed agent
create table agent_referral_awards (
  appointed_agent_id bigint primary key references agents (id),
  earner_id bigint not null references members (id),
  amount_fen bigint not null check (amount_fen > 0),
  created_at timestamptz not null default now()
);
create index agent_referral_awards_earner_idx on agent_referral_awards (earner_id, created_at desc);

-- a yearly sales target per agent, entered by quarter (Asia/Shanghai calendar quarters)
create table agent_targets (
  agent_id bigint not null references agents (id),
  year integer not null check (year between 2000 and 2100),
  q1_fen bigint not null check (q1_fen >= 0),
  q2_fen bigint not null check (q2_fen >= 0),
  q3_fen bigint not null check (q3_fen >= 0),
  q4_fen bigint not null check (q4_fen >= 0),
  updated_at timestamptz not null default now(),
  primary key (agent_id, year)
);

-- region protection: a customer is bound to at most one store; only HQ moves them (audited)
create table store_customers (
  member_id bigint primary key references members (id),
  store_id bigint not null references stores (id),
  source text not null check (source in ('pickup', 'scan', 'hq')),
  bound_at timestamptz not null
);
create index store_customers_store_idx on store_customers (store_id, bound_at desc);

create table store_customer_history (
  id bigserial primary key,
  member_id bigint not null references members (id),
  old_store_id bigint references stores (id),
  new_store_id bigint not null references stores (id),
  source text not null check (source in ('pickup', 'scan', 'hq')),
  reason text,
  actor_id bigint references members (id),
  created_at timestamptz not null default now()
);
create index store_customer_history_member_idx on store_customer_history (member_id, id);

-- which store a paid order is credited to: the buyer's bound store, wherever the pickup happened
create table store_order_credits (
  order_id bigint primary key references orders (id),
  store_id bigint not null references stores (id),
  pickup_store_id bigint references stores (id),
  buyer_id bigint not null references members (id),
  paid_at timestamptz not null
);
create index store_order_credits_store_idx on store_order_credits (store_id, paid_at desc);
