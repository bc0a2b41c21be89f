-- The compliance guard, extended (issue 16): recruiting alone never pays withdrawable cash, and buying
-- a package is never the only way to a tier, unless HQ records an explicit, audited override (a reason,
-- who and when) on the configuration it allows. Non-cash rewards (points, honours) take the place of cash.

-- points handed out as a reward (a contest prize, an agent referral award); ref_type says which
alter table points_transactions drop constraint points_transactions_reason_check;
alter table points_transactions add constraint points_transactions_reason_check
  check (reason in ('order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust', 'reward'));

-- Contest prizes are cash (amount_fen), points or an honour (a title); each row is exactly one of them.
alter table contest_prizes add column kind text not null default 'cash' check (kind in ('cash', 'points', 'honour'));
alter table contest_prizes alter column amount_fen drop not null;
alter table contest_prizes drop constraint contest_prizes_amount_fen_check;
alter table contest_prizes add column points integer check (points between 1 and 100000000);
alter table contest_prizes add column title text check (length(title) between 1 and 20);
alter table contest_prizes add constraint contest_prizes_one_kind check (
  (kind = 'cash' and amount_fen > 0 and points is null and title is null)
  or (kind = 'points' and amount_fen is null and points is not null and title is null)
  or (kind = 'honour' and amount_fen is null and points is null and title is not null));

-- The override that lets an invites contest pay cash; cash prizes of an invites contest without one are
-- withheld at the deadline (prizes_withheld_at) until HQ records it and releases them (prizes_released_at).
alter table contests add column compliance_override_reason text check (length(compliance_override_reason) between 10 and 500);
alter table contests add column compliance_override_by bigint references members (id);
alter table contests add column compliance_override_at timestamptz;
alter table contests add column prizes_withheld_at timestamptz;
alter table contests add column prizes_released_at timestamptz;
alter table contests add constraint contests_override_whole check ((compliance_override_reason is null) = (compliance_override_at is null));
alter table contests add constraint contests_released_after_withheld check (prizes_released_at is null or prizes_withheld_at is not null);

-- what each squad and member was given besides cash
alter table contest_results add column prize_points bigint not null default 0 check (prize_points >= 0);
alter table contest_results add column honour text;
alter table contest_member_results add column prize_points bigint not null default 0 check (prize_points >= 0);

-- Agent levels: the referral award in points, and the override that lets it be cash.
alter table agent_levels add column referral_award_points integer not null default 0 check (referral_award_points between 0 and 100000000);
alter table agent_levels add column compliance_override_reason text check (length(compliance_override_reason) between 10 and 500);
alter table agent_levels add column compliance_override_by bigint references members (id);
alter table agent_levels add column compliance_override_at timestamptz;
alter table agent_levels add constraint agent_levels_override_whole check ((compliance_override_reason is null) = (compliance_override_at is null));

-- a referral award is cash, points or both
alter table agent_referral_awards drop constraint agent_referral_awards_amount_fen_check;
alter table agent_referral_awards add constraint agent_referral_awards_amount_fen_check check (amount_fen >= 0);
alter table agent_referral_awards add column points integer not null default 0 check (points >= 0);
alter table agent_referral_awards add constraint agent_referral_awards_something check (amount_fen > 0 or points > 0);

-- Tier upgrade rules: the override that lets a rule be reached by buying a package alone, or by invites
-- alone into a tier that pays more commission than the entry tier.
alter table growth_tier_rules add column compliance_override_reason text check (length(compliance_override_reason) between 10 and 500);
alter table growth_tier_rules add column compliance_override_by bigint references members (id);
alter table growth_tier_rules add column compliance_override_at timestamptz;
alter table growth_tier_rules add constraint growth_tier_rules_override_whole check ((compliance_override_reason is null) = (compliance_override_at is null));
