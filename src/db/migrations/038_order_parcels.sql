-- Parcels and automatic receipt (src/modules/orders/parcels.ts, fulfilment.ts). An order ships in
-- one or more parcels, each with its carrier (a 快递100 company code when it is a known one, and
-- the name shown either way) and tracking number, recorded by HQ or by a supplier for its lines.
-- Tracking: the parcel's subscription at the tracking provider (pending until it took, retried
-- with a backoff; none without a known carrier or provider) and the last state and events it pushed.
create table order_parcels (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  carrier_code text,
  carrier_name text not null,
  tracking_no text not null,
  shipped_by_kind text not null check (shipped_by_kind in ('hq', 'supplier')),
  supplier_id bigint references suppliers (id),
  shipped_by bigint references members (id),
  shipped_at timestamptz not null,
  tracking_state text,
  tracking_events json not null default '[]',
  tracking_updated_at timestamptz,
  delivered_at timestamptz,
  subscription text not null default 'none' check (subscription in ('none', 'pending', 'subscribed', 'failed')),
  subscribe_tries integer not null default 0,
  subscribe_next_at timestamptz,
  subscribe_error text,
  -- the same parcel recorded twice (a replayed request) is one parcel
  unique (order_id, tracking_no)
);
create index order_parcels_tracking_idx on order_parcels (tracking_no);
create index order_parcels_subscribe_due_idx on order_parcels (subscribe_next_at) where subscription = 'pending';

-- receive_due_at: when a shipped order completes by itself (the rules' autoReceiveDays after its
-- last parcel; null = only the buyer or HQ completes it); receive_extended_at: the buyer's one
-- extension (延长收货).
alter table orders add column receive_due_at timestamptz, add column receive_extended_at timestamptz;
create index orders_receive_due_idx on orders (receive_due_at) where status = 'shipped' and receive_due_at is not null;
