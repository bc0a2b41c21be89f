-- Promotions: coupons (优惠券, with the sharer's guide commission 导购返佣) and member levels (会员等级)
-- raised by growth points (成长值) from spending, each level with a member price.

create table coupon_templates (
  id bigserial primary key,
  name text not null check (length(name) between 1 and 60),
  -- fixed: off_fen off; percent: rate_bp off, at most max_off_fen; threshold: off_fen off from min_spend_fen (满减)
  kind text not null check (kind in ('fixed', 'percent', 'threshold')),
  off_fen bigint check (off_fen > 0),
  rate_bp integer check (rate_bp between 1 and 9999),
  max_off_fen bigint check (max_off_fen > 0),
  min_spend_fen bigint not null default 0 check (min_spend_fen >= 0),
  -- validity: a fixed window, or valid_days after the claim
  valid_from timestamptz,
  valid_until timestamptz,
  valid_days integer check (valid_days between 1 and 3650),
  total_quantity integer not null check (total_quantity between 1 and 10000000),
  per_member_limit integer not null check (per_member_limit between 1 and 100),
  -- null: every product; else the product ids the coupon applies to
  product_ids jsonb,
  guide_rate_bp integer not null default 0 check (guide_rate_bp between 0 and 3000),
  status text not null default 'active' check (status in ('active', 'stopped')),
  issued_count integer not null default 0 check (issued_count >= 0 and issued_count <= total_quantity),
  created_by bigint references members (id),
  created_at timestamptz not null default now(),
  check ((kind = 'fixed' and off_fen is not null and rate_bp is null)
      or (kind = 'percent' and rate_bp is not null and off_fen is null)
      or (kind = 'threshold' and off_fen is not null and rate_bp is null and min_spend_fen > off_fen)),
  check ((valid_days is null) = (valid_from is not null and valid_until is not null)),
  check (valid_until is null or valid_until > valid_from)
);

create table member_coupons (
  id bigserial primary key,
  template_id bigint not null references coupon_templates (id),
  member_id bigint not null references members (id),
  -- the distributor whose coupon link it was claimed through: earns the guide commission
  sharer_id bigint references members (id),
  -- unused (maybe expired by valid_until), used by order_id, or returned after expiry by a closed order
  status text not null default 'unused' check (status in ('unused', 'used', 'void')),
  valid_from timestamptz not null,
  valid_until timestamptz not null,
  order_id bigint references orders (id),
  discount_fen bigint check (discount_fen >= 0),
  used_at timestamptz,
  claimed_at timestamptz not null default now(),
  check (sharer_id is null or sharer_id <> member_id),
  check ((status = 'used') = (order_id is not null))
);
create index member_coupons_member_idx on member_coupons (member_id, status, valid_until);
create index member_coupons_template_idx on member_coupons (template_id, member_id);
-- an order uses at most one coupon
create unique index member_coupons_order_idx on member_coupons (order_id) where order_id is not null;
create index member_coupons_sharer_idx on member_coupons (sharer_id) where sharer_id is not null;

create table member_levels (
  id bigserial primary key,
  name text not null unique check (length(name) between 1 and 30),
  growth_threshold bigint not null unique check (growth_threshold >= 0),
  -- the member price as basis points of the list price: 9500 = 9.5折, 10000 = no discount
  member_price_bp integer not null check (member_price_bp between 1000 and 10000),
  created_at timestamptz not null default now()
);

create table member_growth (
  member_id bigint primary key references members (id),
  growth_points bigint not null default 0 check (growth_points >= 0),
  updated_at timestamptz not null default now()
);

-- every change of growth points, once per order payment and once per refund
create table growth_events (
  id bigserial primary key,
  member_id bigint not null references members (id),
  order_id bigint not null references orders (id),
  refund_id bigint references refunds (id),
  -- positive when earned by a payment, negative when taken back by a refund
  points bigint not null,
  created_at timestamptz not null default now()
);
create unique index growth_events_paid_idx on growth_events (order_id) where refund_id is null;
create unique index growth_events_refund_idx on growth_events (refund_id) where refund_id is not null;
create index growth_events_member_idx on growth_events (member_id, id);
