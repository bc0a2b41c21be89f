-- Suppliers (供应商): third parties listing goods in the mall, shipping their own orders and
-- settled at supply price minus a platform fee. The settlement itself is a commission earning of
-- kind 'supplier_settlement' (pending → frozen → available, reversed by refunds); these tables hold
-- who the supplier is, what it proposed, which products and SKUs are its, and how each line settled.
create table suppliers (
  id bigserial primary key,
  member_id bigint not null unique references members (id),
  company_name text not null check (length(company_name) between 1 and 100),
  contact_name text not null default '',
  contact_phone text not null default '',
  platform_fee_bp integer not null check (platform_fee_bp between 0 and 10000),
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_by bigint references members (id),
  created_at timestamptz not null default now()
);

-- a product the supplier proposes; HQ approves (the catalog creates the product) or rejects it
create table supplier_proposals (
  id bigserial primary key,
  supplier_id bigint not null references suppliers (id),
  title text not null,
  category text not null default '',
  description text not null default '',
  image_url text,
  -- [{name, retailPriceFen, supplyPriceFen, stock}]
  skus jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reject_reason text,
  product_id bigint references products (id),
  reviewed_by bigint references members (id),
  reviewed_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'approved') = (product_id is not null)),
  check (status <> 'rejected' or reject_reason is not null)
);
create index supplier_proposals_supplier_idx on supplier_proposals (supplier_id, id);
create index supplier_proposals_status_idx on supplier_proposals (status, id);

create table supplier_products (
  product_id bigint primary key references products (id),
  supplier_id bigint not null references suppliers (id),
  proposal_id bigint not null unique references supplier_proposals (id),
  created_at timestamptz not null default now()
);
create index supplier_products_supplier_idx on supplier_products (supplier_id);

create table supplier_skus (
  sku_id bigint primary key references product_skus (id),
  product_id bigint not null references supplier_products (product_id),
  supplier_id bigint not null references suppliers (id),
  supply_price_fen bigint not null check (supply_price_fen >= 0)
);
create index supplier_skus_supplier_idx on supplier_skus (supplier_id);

-- how each paid line of a supplier product settled (the earning holds its state and reversals)
create table supplier_settlement_lines (
  order_line_id bigint primary key references order_lines (id),
  order_id bigint not null references orders (id),
  supplier_id bigint not null references suppliers (id),
  earning_id bigint references commission_earnings (id),
  supply_fen bigint not null check (supply_fen >= 0),
  fee_bp integer not null check (fee_bp between 0 and 10000),
  fee_fen bigint not null check (fee_fen >= 0),
  amount_fen bigint not null check (amount_fen >= 0),
  capped boolean not null,
  created_at timestamptz not null default now()
);
create index supplier_settlement_lines_supplier_idx on supplier_settlement_lines (supplier_id, order_id);

-- a supplier's parcel for an order (one per supplier and order); a wholly supplier order ships with it
create table supplier_shipments (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  supplier_id bigint not null references suppliers (id),
  carrier text not null,
  tracking_no text not null,
  shipped_by bigint not null references members (id),
  shipped_at timestamptz not null,
  unique (order_id, supplier_id)
);
