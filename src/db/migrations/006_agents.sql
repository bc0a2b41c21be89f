-- Agents (代理商). Regional agents own a province, city or district (GB/T 2260 codes: province
-- XX0000, city XXXX00, district XXXXXX) and earn tier differentials (级差) on orders there.
create table agents (
  id bigserial primary key,
  member_id bigint not null unique references members (id),
  kind text not null check (kind in ('regional', 'non_regional')),
  region_level text check (region_level in ('province', 'city', 'district')),
  region_code text check (region_code ~ '^\d{6}$'),
  parent_agent_id bigint references agents (id),
  rate_bp integer not null check (rate_bp between 0 and 10000),
  term_start timestamptz not null,
  term_end timestamptz not null,
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  check (term_end > term_start),
  check ((kind = 'regional') = (region_code is not null and region_level is not null))
);
-- one regional agent per region at a time
create unique index agents_region_idx on agents (region_code) where kind = 'regional' and status = 'active';
create index agents_parent_idx on agents (parent_agent_id);

-- earnings are distribution commission or agent awards; both follow the same lifecycle and reversal
alter table commission_earnings add column kind text not null default 'distribution'
  check (kind in ('distribution', 'agent_regional'));
alter table commission_earnings drop constraint commission_earnings_order_line_id_level_key;
alter table commission_earnings add constraint commission_earnings_line_kind_level_key unique (order_line_id, kind, level);
