-- notifications: the earner's inbox; the same rows are pushed live over SSE
create table notifications (
  id bigserial primary key,
  member_id bigint not null references members (id),
  kind text not null,
  title text not null,
  body text not null,
  amount_fen bigint,
  ref_type text,
  ref_id bigint,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_member_idx on notifications (member_id, id desc);
create index notifications_unread_idx on notifications (member_id) where read_at is null;

-- a buyer's request for a refund; HQ support turns it into a refund or rejects it
create table refund_requests (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  buyer_id bigint not null references members (id),
  lines jsonb not null,
  shipping_fen bigint not null default 0 check (shipping_fen >= 0),
  reason text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  refund_id bigint references refunds (id),
  review_reason text,
  reviewed_by bigint references members (id),
  reviewed_at timestamptz,
  created_at timestamptz not null default now()
);
create index refund_requests_status_idx on refund_requests (status, id);
create unique index refund_requests_open_idx on refund_requests (order_id) where status = 'pending';
