-- 砍价 bargains (src/modules/bargains, issue 19). HQ offers a SKU for bargaining: a start price, a floor,
-- how many friends must help (each cut is drawn when a bargain starts: bargains.cut_plan), a time
-- limit per bargain, who may help, a window and a stock cap (how many bargains may be bought). A
-- member starts one bargain per offer at a time; friends cut it once each; the starter buys it at
-- the reached price within the time limit through the normal checkout (campaign kind 'bargain').
create table bargain_offers (
  id bigserial primary key,
  product_id bigint not null references products (id),
  sku_id bigint not null references product_skus (id),
  start_price_fen bigint not null check (start_price_fen > 0),
  -- never 0: an order must have something to pay through the payment rail
  floor_price_fen bigint not null check (floor_price_fen >= 1),
  helpers_needed integer not null check (helpers_needed between 1 and 100),
  time_limit_hours integer not null check (time_limit_hours between 1 and 240),
  helper_rule text not null check (helper_rule in ('new_members', 'anyone')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  stock_cap integer not null check (stock_cap between 1 and 1000000),
  -- bargains bought or held by an unpaid order (a closed order gives its unit back)
  taken_count integer not null default 0 check (taken_count >= 0),
  status text not null default 'active' check (status in ('active', 'stopped')),
  created_by bigint references members (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (floor_price_fen < start_price_fen),
  -- every cut is at least one fen
  check (start_price_fen - floor_price_fen >= helpers_needed),
  check (ends_at > starts_at),
  check (taken_count <= stock_cap)
);
create index bargain_offers_product_idx on bargain_offers (product_id, id);

create table bargains (
  id bigserial primary key,
  offer_id bigint not null references bargain_offers (id),
  starter_id bigint not null references members (id),
  -- the offer's terms when the bargain started: editing the offer changes no running bargain
  start_price_fen bigint not null,
  floor_price_fen bigint not null,
  helpers_needed integer not null,
  helper_rule text not null check (helper_rule in ('new_members', 'anyone')),
  -- the cuts in helping order, drawn at the start: positive fen adding up to start − floor
  cut_plan jsonb not null,
  helped_count integer not null default 0,
  cut_fen bigint not null default 0,
  status text not null default 'open' check (status in ('open', 'complete', 'bought', 'expired')),
  -- the order buying it: unpaid (it holds the bargain) or paid (bought)
  order_id bigint references orders (id),
  -- what that order's line pays
  order_price_fen bigint,
  started_at timestamptz not null,
  expires_at timestamptz not null,
  completed_at timestamptz,
  bought_at timestamptz,
  check (helped_count between 0 and helpers_needed),
  check (cut_fen between 0 and start_price_fen - floor_price_fen),
  -- open until the last helper's cut, complete after it (bought and expired may end either way)
  check (status <> 'open' or helped_count < helpers_needed),
  check (status <> 'complete' or helped_count = helpers_needed),
  check (status <> 'bought' or order_id is not null),
  check ((order_id is null) = (order_price_fen is null))
);
-- one live bargain per member and offer
create unique index bargains_live_idx on bargains (offer_id, starter_id) where status in ('open', 'complete');
create unique index bargains_order_idx on bargains (order_id) where order_id is not null;
create index bargains_starter_idx on bargains (starter_id, id);
create index bargains_offer_idx on bargains (offer_id, id);
create index bargains_expiry_idx on bargains (expires_at) where status in ('open', 'complete');

create table bargain_helps (
  bargain_id bigint not null references bargains (id),
  helper_id bigint not null references members (id),
  -- 1 for the first helper: the cut is cut_plan[seq − 1]
  seq integer not null check (seq >= 1),
  cut_fen bigint not null check (cut_fen > 0),
  created_at timestamptz not null,
  -- each helper once per bargain
  primary key (bargain_id, helper_id),
  unique (bargain_id, seq)
);
