-- Order-dealers (订货商): HQ-authorised dealer shops that buy virtual stock (虚拟库存) in batches from
-- HQ or from their upper dealer at their tier's dealer price and sell it at retail; HQ ships.

-- A tier sets the dealer price (a discount off retail, or a per-SKU price) and how a dealer of this
-- tier is rewarded as an upper dealer when its lower dealers restock from it.
create table dealer_tiers (
  id bigserial primary key,
  name text not null unique check (length(name) between 1 and 40),
  discount_bp integer not null check (discount_bp between 0 and 10000),
  reward_mode text not null check (reward_mode in ('price_difference', 'rebate')),
  rebate_bp integer not null default 0 check (rebate_bp between 0 and 10000),
  created_at timestamptz not null default now()
);

-- a per-SKU dealer price overrides the tier's discount for that SKU
create table dealer_tier_prices (
  tier_id bigint not null references dealer_tiers (id),
  sku_id bigint not null references product_skus (id),
  price_fen bigint not null check (price_fen >= 0),
  primary key (tier_id, sku_id)
);

create table dealers (
  id bigserial primary key,
  member_id bigint not null unique references members (id),
  shop_name text not null check (length(shop_name) between 1 and 40),
  tier_id bigint not null references dealer_tiers (id),
  upper_dealer_id bigint references dealers (id),
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  check (upper_dealer_id is null or upper_dealer_id <> id)
);
create index dealers_upper_idx on dealers (upper_dealer_id);

-- virtual stock on hand; the check is the last line of defence: it can never go negative
create table dealer_stock (
  dealer_id bigint not null references dealers (id),
  sku_id bigint not null references product_skus (id),
  quantity integer not null check (quantity >= 0),
  primary key (dealer_id, sku_id)
);

-- every change of a dealer's stock, so on hand is provably the sum of its moves
create table dealer_stock_moves (
  id bigserial primary key,
  dealer_id bigint not null references dealers (id),
  sku_id bigint not null references product_skus (id),
  delta integer not null check (delta <> 0),
  reason text not null check (reason in ('restock_in', 'restock_out', 'restock_out_returned', 'sale', 'sale_returned')),
  ref_id bigint not null,
  created_at timestamptz not null default now(),
  -- one move per reason, reference and SKU: a replayed step moves nothing twice
  unique (dealer_id, sku_id, reason, ref_id)
);
create index dealer_stock_moves_dealer_idx on dealer_stock_moves (dealer_id, id);

-- a restock (进货): awaiting payment (the source's stock is already held for it) → paid (stock
-- credited, the upper dealer rewarded) or cancelled (held stock given back)
create table dealer_restocks (
  id bigserial primary key,
  restock_no text not null unique,
  dealer_id bigint not null references dealers (id),
  -- null: HQ is the source
  source_dealer_id bigint references dealers (id),
  client_key text not null,
  status text not null default 'awaiting_payment' check (status in ('awaiting_payment', 'paid', 'cancelled')),
  amount_fen bigint not null check (amount_fen >= 0),
  upper_reward_fen bigint not null default 0 check (upper_reward_fen >= 0),
  upper_cost_fen bigint not null default 0 check (upper_cost_fen >= 0),
  payment_ref text,
  confirmed_by bigint references members (id),
  created_at timestamptz not null default now(),
  paid_at timestamptz,
  cancelled_at timestamptz,
  constraint dealer_restocks_client_key_key unique (dealer_id, client_key),
  check ((status = 'paid') = (paid_at is not null))
);
create index dealer_restocks_source_idx on dealer_restocks (source_dealer_id, id);
create index dealer_restocks_status_idx on dealer_restocks (status, id);

create table dealer_restock_lines (
  restock_id bigint not null references dealer_restocks (id),
  sku_id bigint not null references product_skus (id),
  quantity integer not null check (quantity between 1 and 100000),
  unit_price_fen bigint not null check (unit_price_fen >= 0),
  -- the source dealer's own dealer price, for the price difference (null when HQ is the source)
  source_unit_price_fen bigint check (source_unit_price_fen >= 0),
  primary key (restock_id, sku_id)
);

-- an order checked out in a dealer's shop and the stock it took
create table dealer_orders (
  order_id bigint primary key references orders (id),
  dealer_id bigint not null references dealers (id),
  status text not null default 'reserved' check (status in ('reserved', 'paid', 'returned')),
  created_at timestamptz not null default now()
);
create index dealer_orders_dealer_idx on dealer_orders (dealer_id, order_id);

create table dealer_order_lines (
  order_id bigint not null references dealer_orders (order_id),
  sku_id bigint not null references product_skus (id),
  quantity integer not null check (quantity > 0),
  primary key (order_id, sku_id)
);
