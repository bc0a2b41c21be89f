// Row types of the referral tree: bindings, their history, the closure table, visits and team totals (001, 007, 011), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export interface ReferralBindingsTable {
  member_id: number;
  referrer_id: number;
  source: string;
  bound_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date | null;
}

export interface ReferralClosureTable {
  ancestor_id: number;
  descendant_id: number;
  distance: number;
}

export interface ReferralBindingHistoryTable {
  id: Generated<number>;
  member_id: number;
  old_referrer_id: number | null;
  new_referrer_id: number | null;
  source: string;
  reason: string | null;
  actor_id: number | null;
  created_at: CreatedAt;
}

export interface ReferralVisitsTable {
  id: Generated<number>;
  visitor_key: string;
  member_id: number | null;
  referrer_id: number;
  created_at: CreatedAt;
}

export interface ReferralMemberSalesTable {
  member_id: number;
  paid_fen: number;
  refunded_fen: number;
  order_count: number;
}

export interface ReferralTeamTotalsTable {
  member_id: number;
  team_size: number;
  direct_count: number;
  team_sales_fen: number;
  max_depth: number;
  depth_stale: Generated<boolean>;
}

export interface ReferralTeamDeltasTable {
  id: Generated<number>;
  member_id: number;
  size_delta: Generated<number>;
  direct_delta: Generated<number>;
  sales_delta: Generated<number>;
  depth_at_least: Generated<number>;
  recheck_depth: Generated<boolean>;
  /** applies to every ancestor of member_id (through the closure), not to member_id itself */
  spread: Generated<boolean>;
}

export interface ReferralTables {
  referral_bindings: ReferralBindingsTable;
  referral_closure: ReferralClosureTable;
  referral_binding_history: ReferralBindingHistoryTable;
  referral_visits: ReferralVisitsTable;
  referral_member_sales: ReferralMemberSalesTable;
  referral_team_totals: ReferralTeamTotalsTable;
  referral_team_deltas: ReferralTeamDeltasTable;
}
