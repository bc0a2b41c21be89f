-- Risk signals and holds (src/modules/risk, issue 16).

-- The commission module's risk hold (commission/holds.ts): set only through commission's face
-- (holdForRisk), by the risk module when one of its rules hits an earning. A held earning does not
-- unfreeze (the sweep's partial index leaves it out, like after_sales_hold) and is never available:
-- an earning already available when it is held is moved back to frozen (what available no longer
-- holds, from debt), so it cannot be withdrawn. Finance lets it go (it continues normally) or voids
-- it (reversed through the ledger exactly like a full refund of that earning).
alter table commission_earnings add column risk_hold boolean not null default false;
drop index if exists commission_earnings_due_idx;
create index commission_earnings_due_idx on commission_earnings (frozen_until, id) where state = 'frozen' and not after_sales_hold and not risk_hold;
-- the risk rules read an earner's earnings within a window (a day's commission, its buyers' refunds)
create index commission_earnings_earner_time_idx on commission_earnings (earner_id, created_at);

-- What ties members together: one row per member, kind and value. Values are hashes (sha256 of the
-- normalised value); label is what the console shows, already masked. Strong kinds (unionid, device,
-- payout account, address + consignee phone) link two members who share a value; weak ones (ip
-- subnet, phone) only count toward rules.
create table risk_signals (
  member_id bigint not null references members(id),
  kind text not null check (kind in ('unionid', 'device', 'payout', 'address', 'phone', 'ip')),
  value_hash text not null,
  label text not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  primary key (member_id, kind, value_hash)
);
create index risk_signals_value_idx on risk_signals (kind, value_hash, member_id);
create index risk_signals_first_seen_idx on risk_signals (first_seen_at);

-- The risk rules, versioned like the programme's rules: every save is a new row, the newest is in
-- force, a hold names the version that made it.
create table risk_rule_versions (
  id bigserial primary key,
  config jsonb not null,
  note text,
  created_by bigint references members(id),
  created_at timestamptz not null default now()
);
insert into risk_rule_versions (config, note) values ('{}', 'defaults');

-- One row per held earning, ever: unique, so an earning is held once whatever evaluates it (the
-- paid order's deferred effect, the sweep, on any number of instances), and a decided one is never
-- held again.
create table risk_holds (
  id bigserial primary key,
  earning_id bigint not null unique references commission_earnings(id),
  order_id bigint not null,
  earner_id bigint not null references members(id),
  buyer_id bigint not null references members(id),
  -- what the earning still held when it was put on hold
  amount_fen bigint not null check (amount_fen >= 0),
  rule text not null,
  reasons jsonb not null,
  rule_version_id bigint not null references risk_rule_versions(id),
  status text not null default 'held' check (status in ('held', 'released', 'voided')),
  held_at timestamptz not null,
  decided_by bigint references members(id),
  decided_at timestamptz,
  decision_reason text,
  voided_fen bigint
);
create index risk_holds_status_idx on risk_holds (status, id);
create index risk_holds_earner_idx on risk_holds (earner_id);

-- Where the sweep got to in each source it reads: the last WeChat identity and withdrawal id it
-- collected signals from, and (epoch ms) the first-seen time of the newest signal it checked links of.
create table risk_cursors (
  name text primary key,
  position bigint not null
);
