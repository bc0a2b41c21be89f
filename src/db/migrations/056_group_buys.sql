-- 拼团 group buying (src/modules/group-buys, issue 19): HQ's offers (a product's SKUs at a group price,
-- N members within a time limit), the groups members open and join, and who is in each group.

create table group_buy_offers (
  id bigserial primary key,
  title text not null check (char_length(title) between 1 and 60),
  product_id bigint not null references products (id),
  group_size integer not null check (group_size between 2 and 50),
  time_limit_hours integer not null check (time_limit_hours between 1 and 168),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- 模拟成团: a group still short at its deadline succeeds anyway (off unless HQ turns it on, audited)
  simulated_fill boolean not null default false,
  created_by bigint references members (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index group_buy_offers_product_idx on group_buy_offers (product_id, ends_at);
create index group_buy_offers_ends_idx on group_buy_offers (ends_at);

create table group_buy_offer_skus (
  offer_id bigint not null references group_buy_offers (id),
  sku_id bigint not null references product_skus (id),
  group_price_fen bigint not null check (group_price_fen > 0),
  primary key (offer_id, sku_id)
);

-- pending: the opener has not paid (nobody may join); open → succeeded, or failed → refunded (every
-- paid member's refund succeeded); cancelled: the opener's order closed unpaid. Size and time limit
-- are the offer's when the group was opened (an edit of the offer changes later groups only).
create table group_buy_groups (
  id bigserial primary key,
  offer_id bigint not null references group_buy_offers (id),
  opener_id bigint not null references members (id),
  status text not null default 'pending' check (status in ('pending', 'open', 'succeeded', 'failed', 'refunded', 'cancelled')),
  group_size integer not null check (group_size between 2 and 50),
  time_limit_hours integer not null,
  -- places the system filled at the deadline (模拟成团); 0 for a group its members filled
  simulated_slots integer not null default 0 check (simulated_slots >= 0),
  opened_at timestamptz,
  expires_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now()
);
create index group_buy_groups_offer_idx on group_buy_groups (offer_id, status, id);
create index group_buy_groups_due_idx on group_buy_groups (expires_at) where status = 'open';
create index group_buy_groups_failed_idx on group_buy_groups (id) where status = 'failed';

-- A member's place in a group, one per order. unpaid holds a place until its order is paid or
-- closed (dropped); a paid member of a failed group is refunded (refunding → refunded). live: the
-- place is in a pending or open group — a member has at most one such per offer.
create table group_buy_members (
  id bigserial primary key,
  group_id bigint not null references group_buy_groups (id),
  offer_id bigint not null references group_buy_offers (id),
  member_id bigint not null references members (id),
  order_id bigint not null unique references orders (id),
  is_opener boolean not null default false,
  status text not null default 'unpaid' check (status in ('unpaid', 'paid', 'dropped', 'refunding', 'refunded')),
  live boolean not null default true,
  refund_id bigint,
  refund_no text,
  joined_at timestamptz not null,
  paid_at timestamptz
);
create unique index group_buy_members_live_idx on group_buy_members (offer_id, member_id) where live;
create unique index group_buy_members_once_idx on group_buy_members (group_id, member_id) where status <> 'dropped';
create index group_buy_members_group_idx on group_buy_members (group_id, id);
create index group_buy_members_member_idx on group_buy_members (member_id, id);
create index group_buy_members_refunding_idx on group_buy_members (id) where status = 'refunding';
