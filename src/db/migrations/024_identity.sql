-- Identity: members who sign in by WeChat may have no phone or password yet; sessions that can be
-- ended; WeChat identities; the OAuth round trip's state; one-time login tickets; second factors;
-- limit counters shared by every instance; WeChat server access tokens shared by every instance.

alter table members alter column phone drop not null;
alter table members alter column password_hash drop not null;
-- bumped by a password reset, a role change or disabling: every session of the member ends at once
alter table members add column session_version integer not null default 1;
alter table members add column disabled_at timestamptz;
-- the first owner's one-time password must be changed before anything else
alter table members add column must_change_password boolean not null default false;

create table member_sessions (
  id bigserial primary key,
  member_id bigint not null references members (id),
  session_version integer not null,
  refresh_hash text not null unique,
  -- the refresh token this one replaced: presented again, it was copied (or another tab raced)
  previous_hash text,
  rotated_at timestamptz,
  user_agent text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index member_sessions_member_idx on member_sessions (member_id) where revoked_at is null;
create index member_sessions_previous_idx on member_sessions (previous_hash) where previous_hash is not null;

create table member_wechat_identities (
  id bigserial primary key,
  member_id bigint not null references members (id),
  app_kind text not null check (app_kind in ('oa', 'mp')),
  appid text not null,
  openid text not null,
  unionid text,
  created_at timestamptz not null,
  unique (appid, openid)
);
create index member_wechat_identities_member_idx on member_wechat_identities (member_id);
create index member_wechat_identities_unionid_idx on member_wechat_identities (unionid) where unionid is not null;

-- WeChat OAuth's state parameter holds at most 128 characters: the round trip's data stays here
create table wechat_oauth_states (
  state text primary key,
  scope text not null check (scope in ('snsapi_base', 'snsapi_userinfo')),
  return_to text not null,
  invite_code text,
  visitor_key text,
  member_id bigint references members (id),
  created_at timestamptz not null,
  used_at timestamptz
);

-- a one-time ticket in the redirect's fragment, exchanged for tokens by the page (tokens never sit in a URL)
create table login_tickets (
  ticket_hash text primary key,
  member_id bigint not null references members (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);

create table member_second_factors (
  member_id bigint primary key references members (id),
  -- AES-256-GCM under a key derived from the server secret: a database dump alone does not give codes
  totp_secret_sealed text not null,
  enabled_at timestamptz,
  last_used_step bigint,
  created_at timestamptz not null
);

create table member_recovery_codes (
  id bigserial primary key,
  member_id bigint not null references members (id),
  code_hash text not null,
  used_at timestamptz,
  unique (member_id, code_hash)
);

create table limit_counters (
  key text primary key,
  window_start timestamptz not null,
  window_ms integer not null,
  hits integer not null,
  last_hit_at timestamptz not null
);

create table wechat_access_tokens (
  appid text primary key,
  token text not null,
  expires_at timestamptz not null
);
