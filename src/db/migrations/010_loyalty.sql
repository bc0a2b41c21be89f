-- Loyalty: points (积分) with an append-only ledger, daily sign-in, member notes (种草) with likes
-- and a once-per-note reward, the points mall, badges and the honour rank.

-- HQ's loyalty settings: one row, changed by HQ (audited by the service).
create table loyalty_settings (
  id smallint primary key default 1 check (id = 1),
  points_per_yuan integer not null default 1 check (points_per_yuan between 0 and 1000),
  sign_in_base_points integer not null default 5 check (sign_in_base_points between 0 and 100000),
  streak_bonus_every_days integer not null default 7 check (streak_bonus_every_days between 1 and 366),
  streak_bonus_points integer not null default 20 check (streak_bonus_points between 0 and 100000),
  note_reward_likes integer not null default 10 check (note_reward_likes between 1 and 100000),
  note_reward_points integer not null default 50 check (note_reward_points between 0 and 1000000),
  note_reward_cash_fen bigint not null default 0 check (note_reward_cash_fen between 0 and 100000000),
  updated_by bigint references members (id),
  updated_at timestamptz not null default now()
);
insert into loyalty_settings (id) values (1);

-- A member's points balance, kept by the trigger below from points_transactions only.
create table points_accounts (
  member_id bigint primary key references members (id),
  balance integer not null default 0 check (balance >= 0),
  -- points earned (orders, sign-in, notes, HQ) net of refunds taken back; spending does not lower it
  lifetime_earned integer not null default 0 check (lifetime_earned >= 0),
  updated_at timestamptz not null default now()
);

-- Append-only: every change of a balance is one row; a correction is a new row.
create table points_transactions (
  id bigserial primary key,
  member_id bigint not null references members (id),
  points integer not null,
  reason text not null check (reason in ('order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust')),
  ref_type text,
  ref_id bigint,
  idempotency_key text not null unique,
  -- points a refund should have taken back but could not (the member had spent them)
  shortfall integer not null default 0 check (shortfall >= 0),
  balance_after integer not null default 0,
  memo text,
  created_at timestamptz not null default now(),
  check (points <> 0 or shortfall > 0)
);
create index points_transactions_member_idx on points_transactions (member_id, id desc);
create index points_transactions_created_idx on points_transactions (created_at);

create function points_transactions_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'points_transactions is append-only';
end $$;
create trigger points_transactions_no_update before update or delete on points_transactions
  for each row execute function points_transactions_immutable();

-- The balance moves with each inserted row in the same statement; the check on points_accounts
-- refuses a negative balance, so no code path can overdraw.
create function points_transactions_apply() returns trigger language plpgsql as $$
declare
  earned integer := case when new.reason in ('mall_exchange', 'mall_refund') then 0 else new.points end;
begin
  -- the row first (a proposed insert row is checked before ON CONFLICT, so it starts at zero)
  insert into points_accounts (member_id, balance, lifetime_earned) values (new.member_id, 0, 0)
    on conflict (member_id) do nothing;
  update points_accounts
    set balance = balance + new.points,
        lifetime_earned = greatest(lifetime_earned + earned, 0),
        updated_at = now()
    where member_id = new.member_id
    returning balance into new.balance_after;
  return new;
end $$;
create trigger points_transactions_apply before insert on points_transactions
  for each row execute function points_transactions_apply();

-- Points earned per paid order, and what refunds took back (for proportional reversal).
create table loyalty_order_points (
  order_id bigint primary key references orders (id),
  member_id bigint not null references members (id),
  goods_paid_fen bigint not null check (goods_paid_fen >= 0),
  points integer not null check (points >= 0),
  goods_refunded_fen bigint not null default 0 check (goods_refunded_fen >= 0),
  -- due back so far: taken + shortfall, never more than points
  reversed_points integer not null default 0 check (reversed_points >= 0),
  shortfall_points integer not null default 0 check (shortfall_points >= 0),
  created_at timestamptz not null default now(),
  check (reversed_points <= points and shortfall_points <= reversed_points)
);

-- Daily sign-in: one row per member per Asia/Shanghai calendar day.
create table loyalty_sign_ins (
  member_id bigint not null references members (id),
  day text not null check (day ~ '^\d{4}-\d{2}-\d{2}$'),
  streak integer not null check (streak >= 1),
  base_points integer not null check (base_points >= 0),
  bonus_points integer not null check (bonus_points >= 0),
  created_at timestamptz not null default now(),
  primary key (member_id, day)
);

-- Notes (种草): a member's post with photos, optionally about a product.
create table loyalty_notes (
  id bigserial primary key,
  member_id bigint not null references members (id),
  title text not null check (length(title) between 1 and 100),
  body text not null check (length(body) between 1 and 5000),
  photo_urls jsonb not null default '[]' check (jsonb_typeof(photo_urls) = 'array' and jsonb_array_length(photo_urls) <= 9),
  product_id bigint references products (id),
  status text not null default 'visible' check (status in ('visible', 'hidden')),
  hidden_reason text,
  like_count integer not null default 0 check (like_count >= 0),
  -- the reward, paid once: the rule in force when it was paid
  rewarded_at timestamptz,
  reward_points integer,
  reward_cash_fen bigint,
  created_at timestamptz not null default now()
);
create index loyalty_notes_feed_idx on loyalty_notes (status, id desc);
create index loyalty_notes_product_idx on loyalty_notes (product_id, id desc) where product_id is not null;
create index loyalty_notes_member_idx on loyalty_notes (member_id, id desc);

create table loyalty_note_likes (
  note_id bigint not null references loyalty_notes (id),
  member_id bigint not null references members (id),
  created_at timestamptz not null default now(),
  primary key (note_id, member_id)
);

-- Points mall: goods (shipped by HQ) or coupons (granted by the promotions feature).
create table loyalty_mall_items (
  id bigserial primary key,
  kind text not null check (kind in ('goods', 'coupon')),
  title text not null check (length(title) between 1 and 100),
  description text not null default '',
  image_url text,
  points_price integer not null check (points_price > 0),
  sku_id bigint references product_skus (id),
  coupon_template_id bigint,
  stock integer not null check (stock >= 0),
  per_member_limit integer check (per_member_limit is null or per_member_limit > 0),
  status text not null default 'on' check (status in ('on', 'off')),
  created_at timestamptz not null default now(),
  check ((kind = 'goods' and coupon_template_id is null) or (kind = 'coupon' and coupon_template_id is not null and sku_id is null))
);

create table loyalty_redemptions (
  id bigserial primary key,
  member_id bigint not null references members (id),
  item_id bigint not null references loyalty_mall_items (id),
  kind text not null check (kind in ('goods', 'coupon')),
  quantity integer not null check (quantity between 1 and 99),
  points integer not null check (points > 0),
  status text not null check (status in ('pending', 'fulfilled', 'granted', 'cancelled')),
  shipping_address jsonb,
  tracking_no text,
  client_key text not null,
  handled_by bigint references members (id),
  handled_at timestamptz,
  cancel_reason text,
  created_at timestamptz not null default now(),
  constraint loyalty_redemptions_client_key unique (member_id, client_key)
);
create index loyalty_redemptions_status_idx on loyalty_redemptions (status, id desc);
create index loyalty_redemptions_item_member_idx on loyalty_redemptions (item_id, member_id);

-- Badges, once each (the catalogue of badges is code: src/modules/loyalty/badges.ts).
create table loyalty_member_badges (
  member_id bigint not null references members (id),
  badge_code text not null,
  awarded_at timestamptz not null default now(),
  primary key (member_id, badge_code)
);
create index loyalty_member_badges_code_idx on loyalty_member_badges (badge_code, awarded_at desc);
create index points_accounts_lifetime_idx on points_accounts (lifetime_earned desc, member_id);
