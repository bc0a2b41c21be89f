// Row types of the growth tables (migration 011_growth.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** a date column: read as a Date by the drivers, written as 'YYYY-MM-DD' */
type DateColumn = ColumnType<Date | string, string, string>;

export type LeaderboardMetric = 'commission' | 'sales' | 'invites';

export interface GrowthTierRulesTable {
  tier_id: number;
  match: 'all' | 'any';
  own_spend_fen: number | null;
  team_sales_fen: number | null;
  direct_referrals: number | null;
  commission_earned_fen: number | null;
  product_id: number | null;
  enabled: boolean;
  updated_by: number | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** the compliance override that lets the rule be an entry fee or an invite-only way into a better-paying tier (046) */
  compliance_override_reason: string | null;
  compliance_override_by: number | null;
  compliance_override_at: Date | null;
}

export interface GrowthTierChecksTable {
  id: Generated<number>;
  member_id: number;
  reason: string;
  created_at: CreatedAt;
}

export interface GrowthLeaderboardDeltasTable {
  id: Generated<number>;
  metric: LeaderboardMetric;
  member_id: number;
  occurred_on: DateColumn;
  value: number;
  created_at: CreatedAt;
}

export interface GrowthLeaderboardTotalsTable {
  metric: LeaderboardMetric;
  period_key: string;
  member_id: number;
  value: number;
}

export interface GrowthLeaderboardBucketsTable {
  metric: LeaderboardMetric;
  period_key: string;
  bucket: number;
  members: number;
}

export interface GrowthOrderCreditsTable {
  order_id: number;
  sales_member_id: number | null;
  paid_on: DateColumn;
}

export interface GrowthInviteCreditsTable {
  member_id: number;
  referrer_id: number;
  bound_on: DateColumn;
}

export interface GrowthScanStateTable {
  name: string;
  last_id: number;
}

export interface GrowthTables {
  growth_tier_rules: GrowthTierRulesTable;
  growth_tier_checks: GrowthTierChecksTable;
  growth_leaderboard_deltas: GrowthLeaderboardDeltasTable;
  growth_leaderboard_totals: GrowthLeaderboardTotalsTable;
  growth_leaderboard_buckets: GrowthLeaderboardBucketsTable;
  growth_order_credits: GrowthOrderCreditsTable;
  growth_invite_credits: GrowthInviteCreditsTable;
  growth_scan_state: GrowthScanStateTable;
}
