-- What reaches WeChat users outside our pages (the wechat-reach module): 小程序码 cached per member and
-- scene, one-time subscribe grants, each member's alert switch, and one delivery row per income alert
-- and channel, claimed before it is sent so it goes out once.

-- a 小程序码 as WeChat drew it for this app, page, version and width; any of those changing makes it stale
create table wechat_mini_codes (
  member_id bigint not null references members (id),
  scene text not null check (length(scene) between 1 and 32),
  appid text not null,
  page text not null,
  env_version text not null check (env_version in ('release', 'trial', 'develop')),
  width integer not null check (width between 280 and 1280),
  png bytea not null,
  created_at timestamptz not null,
  primary key (member_id, scene)
);

-- wx.requestSubscribeMessage accepted: each accept allows one message (WeChat's one-time subscriptions)
create table wechat_subscribe_grants (
  member_id bigint not null references members (id),
  template_id text not null,
  remaining integer not null check (remaining between 0 and 50),
  updated_at timestamptz not null,
  primary key (member_id, template_id)
);

-- no row: alerts on
create table wechat_alert_settings (
  member_id bigint primary key references members (id),
  enabled boolean not null,
  updated_at timestamptz not null
);

create table wechat_alert_deliveries (
  id bigserial primary key,
  channel text not null check (channel in ('mp_subscribe', 'oa_template')),
  -- the alert's cause, e.g. commission.earned:123; with the channel, unique: one message per cause and channel
  event_key text not null,
  member_id bigint not null references members (id),
  amount_fen bigint not null,
  level integer not null,
  order_id bigint not null,
  event_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'refused', 'failed', 'unknown', 'skipped')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null,
  claim_token text,
  claimed_until timestamptz,
  -- a one-time subscribe grant was spent on this delivery (a retry does not spend another)
  grant_taken boolean not null default false,
  -- an attempt may have reached WeChat without an answer: a resend could be a second message
  maybe_delivered boolean not null default false,
  template_id text,
  errcode integer,
  error text,
  msgid text,
  first_attempt_at timestamptz,
  sent_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (event_key, channel),
  check ((status = 'sending') = (claim_token is not null))
);
create index wechat_alert_deliveries_due_idx on wechat_alert_deliveries (next_attempt_at, id) where status = 'pending';
create index wechat_alert_deliveries_claimed_idx on wechat_alert_deliveries (claimed_until) where status = 'sending';
create index wechat_alert_deliveries_member_idx on wechat_alert_deliveries (member_id, id);
