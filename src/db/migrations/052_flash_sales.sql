-- 秒杀 flash sales (src/modules/flash-sales, issue 19) and 限购 on any product.

-- 限购 (catalog): the most one member may hold of a product in open and paid orders; null = no limit.
alter table products add column max_per_member integer check (max_per_member is null or max_per_member between 1 and 999);

-- orders: a checkout's campaign ({kind, id, groupId}) as the buyer named it, so the campaigns'
-- participants know their orders at payment without a read; and a pay-by time sooner than the rules'
-- unpaid window (a campaign's short hold: its stock sells again when the order closes).
alter table orders add column campaign jsonb;
alter table orders add column pay_due_at timestamptz;
create index orders_pay_due_idx on orders (pay_due_at) where status = 'pending_payment' and pay_due_at is not null;
-- how a line pays commission when a participant set it at checkout (a campaign's none / per-level
-- rates), in the rules' override shape; null = as the rules say
alter table order_lines add column commission_override jsonb;
-- false: a participant keeps this line's stock (a campaign's own), so closing the order gives the
-- catalog nothing back for it
alter table order_lines add column catalog_stock boolean not null default true;

-- A campaign: a time window over chosen SKUs. status 'ended' once its unsold stock went back (once).
create table flash_sales (
  id bigserial primary key,
  name text not null check (char_length(name) between 1 and 60),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- an unpaid campaign order closes this many minutes after checkout, its stock selling again
  unpaid_minutes integer not null default 5 check (unpaid_minutes between 1 and 60),
  status text not null default 'active' check (status in ('active', 'ended')),
  ended_at timestamptz,
  created_by bigint references members (id),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index flash_sales_open_idx on flash_sales (ends_at) where status = 'active';

-- One SKU of a campaign. stock: units moved out of the SKU's normal stock into the campaign; sold:
-- units held by its unpaid and paid orders; returned: units given back to the SKU (at the end, or
-- an order closed after it). What is left to sell is stock - returned - sold, never below zero.
create table flash_sale_items (
  id bigserial primary key,
  flash_sale_id bigint not null references flash_sales (id),
  sku_id bigint not null references product_skus (id),
  product_id bigint not null references products (id),
  price_fen bigint not null check (price_fen > 0),
  stock integer not null check (stock >= 0),
  sold integer not null default 0 check (sold >= 0),
  returned integer not null default 0 check (returned >= 0),
  per_member_limit integer check (per_member_limit is null or per_member_limit between 1 and 999),
  commission_mode text not null default 'normal' check (commission_mode in ('normal', 'none', 'rate')),
  commission_rates_bp jsonb,
  unique (flash_sale_id, sku_id),
  check (sold + returned <= stock)
);
create index flash_sale_items_sku_idx on flash_sale_items (sku_id);

-- A campaign order's line of one item, as this module sees it: unpaid (holding its units), paid,
-- closed (units back) or refunded (fully: no longer counts against the member's limit; its units are
-- not sold again).
create table flash_sale_orders (
  order_id bigint not null references orders (id),
  item_id bigint not null references flash_sale_items (id),
  flash_sale_id bigint not null references flash_sales (id),
  member_id bigint not null references members (id),
  quantity integer not null check (quantity > 0),
  status text not null default 'unpaid' check (status in ('unpaid', 'paid', 'closed', 'refunded')),
  created_at timestamptz not null default now(),
  primary key (order_id, item_id)
);
create index flash_sale_orders_member_idx on flash_sale_orders (item_id, member_id) where status in ('unpaid', 'paid');
create index flash_sale_orders_item_idx on flash_sale_orders (item_id, status);
