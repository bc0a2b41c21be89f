-- Team figures (size, direct referrals, sales, depth) kept as a roll-up, so a team of 200,000 answers
-- with one row. Writers only append deltas (a registration, a sale or a move never updates a hot
-- ancestor's row inside the payment or registration transaction); a job folds them into totals.
-- Readers add the not-yet-folded deltas, so figures are exact at once. (No check constraints on the
-- totals: PostgreSQL checks the proposed insert row of an upsert, which carries a negative delta.)
create table referral_team_totals (
  member_id bigint primary key references members (id),
  team_size bigint not null default 0,
  direct_count integer not null default 0,
  team_sales_fen bigint not null default 0,
  max_depth integer not null default 0,
  -- a subtree moved out: the deepest level may have shrunk and is recomputed by the fold job
  depth_stale boolean not null default false
);

create table referral_team_deltas (
  id bigserial primary key,
  member_id bigint not null,
  size_delta integer not null default 0,
  direct_delta integer not null default 0,
  sales_delta bigint not null default 0,
  -- the team now reaches at least this deep (max is not additive, so it travels as a lower bound)
  depth_at_least integer not null default 0,
  recheck_depth boolean not null default false
);
create index referral_team_deltas_member_idx on referral_team_deltas (member_id);

insert into referral_team_totals (member_id, team_size, direct_count, team_sales_fen, max_depth)
select c.ancestor_id, count(*), count(*) filter (where c.distance = 1), coalesce(sum(s.paid_fen - s.refunded_fen), 0), max(c.distance)
from referral_closure c left join referral_member_sales s on s.member_id = c.descendant_id
where c.distance > 0
group by c.ancestor_id;
