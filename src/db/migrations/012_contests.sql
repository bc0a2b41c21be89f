-- Squads (战队) and PK contests (PK 赛). Squads are reusable teams; a contest enrols several squads,
-- ranks them by one metric inside a hard window and pays prizes by rank once, at the deadline.

-- HQ's labels on members (KOL, 宝妈, 区域…), used to pick captains
create table member_tags (
  member_id bigint not null references members (id),
  tag text not null check (length(tag) between 1 and 20),
  created_at timestamptz not null default now(),
  primary key (member_id, tag)
);
create index member_tags_tag_idx on member_tags (tag, member_id);

create table squads (
  id bigserial primary key,
  name text not null check (length(name) between 1 and 40),
  captain_id bigint not null references members (id),
  invite_code text not null unique check (invite_code ~ '^[A-Z0-9]{8}$'),
  created_by bigint references members (id),
  created_at timestamptz not null default now()
);
create index squads_captain_idx on squads (captain_id);

-- a member is in at most one squad at a time (the primary key); the captain is a member too
create table squad_members (
  member_id bigint primary key references members (id),
  squad_id bigint not null references squads (id) on delete cascade,
  joined_at timestamptz not null
);
create index squad_members_squad_idx on squad_members (squad_id, joined_at);

create table contests (
  id bigserial primary key,
  name text not null check (length(name) between 1 and 60),
  metric text not null check (metric in ('sales', 'invites', 'points')),
  start_at timestamptz not null,
  deadline timestamptz not null,
  -- open until the deadline job froze the results and paid the prizes
  status text not null default 'open' check (status in ('open', 'finished')),
  finalized_at timestamptz,
  created_by bigint references members (id),
  created_at timestamptz not null default now(),
  check (deadline > start_at),
  check ((status = 'finished') = (finalized_at is not null))
);
create index contests_open_deadline_idx on contests (deadline) where status = 'open';

create table contest_squads (
  contest_id bigint not null references contests (id) on delete cascade,
  squad_id bigint not null references squads (id),
  primary key (contest_id, squad_id)
);
create index contest_squads_squad_idx on contest_squads (squad_id);

create table contest_prizes (
  contest_id bigint not null references contests (id) on delete cascade,
  rank integer not null check (rank between 1 and 100),
  amount_fen bigint not null check (amount_fen > 0),
  primary key (contest_id, rank)
);

-- frozen at the deadline: one row per squad and per member; prize_fen is what was paid
create table contest_results (
  contest_id bigint not null references contests (id),
  squad_id bigint not null references squads (id),
  squad_name text not null,
  captain_id bigint not null references members (id),
  rank integer not null check (rank >= 1),
  value bigint not null,
  prize_fen bigint not null check (prize_fen >= 0),
  primary key (contest_id, squad_id)
);

create table contest_member_results (
  contest_id bigint not null references contests (id),
  squad_id bigint not null references squads (id),
  member_id bigint not null references members (id),
  value bigint not null,
  prize_fen bigint not null check (prize_fen >= 0),
  primary key (contest_id, member_id)
);
create index contest_member_results_member_idx on contest_member_results (member_id);

-- one daily report per contest, Shanghai day and member: the row is the claim, so a replay sends nothing
create table contest_daily_reports (
  contest_id bigint not null references contests (id),
  report_day date not null,
  member_id bigint not null references members (id),
  squad_rank integer not null,
  value bigint not null,
  sent_at timestamptz not null,
  primary key (contest_id, report_day, member_id)
);
