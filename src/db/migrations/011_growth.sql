-- Growth: distributor tier auto-upgrade rules, and leaderboards (排行榜) kept by append-and-fold.

-- One upgrade rule per tier: the conditions HQ combines (all or any) to reach it. A null condition
-- is not used; at least one is set. Upgrades only: nothing here ever lowers a tier.
create table growth_tier_rules (
  tier_id integer primary key references distributor_tiers (id),
  match text not null default 'all' check (match in ('all', 'any')),
  own_spend_fen bigint check (own_spend_fen >= 0),
  team_sales_fen bigint check (team_sales_fen >= 0),
  direct_referrals integer check (direct_referrals >= 0),
  commission_earned_fen bigint check (commission_earned_fen >= 0),
  product_id bigint references products (id),
  enabled boolean not null default true,
  updated_by bigint references members (id),
  updated_at timestamptz not null default now(),
  check (own_spend_fen is not null or team_sales_fen is not null or direct_referrals is not null
         or commission_earned_fen is not null or product_id is not null)
);

-- Members whose tier should be evaluated by the job (direct referrals changed, deep uplines of a
-- paid order, rules changed). Append-only inserts, so a payment never waits on another's queue row.
create table growth_tier_checks (
  id bigserial primary key,
  member_id bigint not null references members (id),
  reason text not null,
  created_at timestamptz not null default now()
);

-- Leaderboard deltas: appended in the order's transaction (never an update of a hot row), folded
-- into totals by a job and then deleted. occurred_on is the Asia/Shanghai day the value belongs to.
create table growth_leaderboard_deltas (
  id bigserial primary key,
  metric text not null check (metric in ('commission', 'sales', 'invites')),
  member_id bigint not null references members (id),
  occurred_on date not null,
  value bigint not null,
  created_at timestamptz not null default now()
);
create index growth_leaderboard_deltas_metric_idx on growth_leaderboard_deltas (metric, occurred_on, member_id);

-- Folded totals per period: 'd:2026-11-23', 'w:2026-W48' (ISO week), 'm:2026-11', 'all'.
create table growth_leaderboard_totals (
  metric text not null,
  period_key text not null,
  member_id bigint not null,
  value bigint not null,
  primary key (metric, period_key, member_id)
);
create index growth_leaderboard_totals_rank_idx on growth_leaderboard_totals (metric, period_key, value desc, member_id);

-- How many members of a board have a positive value in each value bucket (3 significant digits):
-- "my rank" is the counts of the buckets above mine plus a short index range inside my bucket.
create table growth_leaderboard_buckets (
  metric text not null,
  period_key text not null,
  bucket bigint not null,
  members bigint not null,
  primary key (metric, period_key, bucket)
);

create function growth_rank_bucket(v bigint) returns bigint language sql immutable as $$
  select case when v < 1000 then v
              else (v / power(10, length(v::text) - 3)::bigint) * power(10, length(v::text) - 3)::bigint end
$$;

-- who got the sales credit of an order and on which day, so its refunds reverse the same figure
create table growth_order_credits (
  order_id bigint primary key references orders (id),
  sales_member_id bigint references members (id),
  paid_on date not null
);

-- each member counts once as an invite: for the referrer of their first binding, on that day
create table growth_invite_credits (
  member_id bigint primary key references members (id),
  referrer_id bigint not null references members (id),
  bound_on date not null
);

create table growth_scan_state (
  name text primary key,
  last_id bigint not null
);
insert into growth_scan_state (name, last_id) values ('binding_history', 0);
