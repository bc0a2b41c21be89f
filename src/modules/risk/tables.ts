// Row types of the risk module's tables (044_risk.sql), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';
import type { RiskRule } from './rules.js';

export type SignalKind = 'unionid' | 'device' | 'payout' | 'address' | 'phone' | 'ip';
export type RiskHoldStatus = 'held' | 'released' | 'voided';

export interface RiskSignalsTable {
  member_id: number;
  kind: SignalKind;
  /** sha256 of the normalised value */
  value_hash: string;
  /** what the console shows, masked */
  label: string;
  first_seen_at: Date;
  last_seen_at: Date;
}

export interface RiskRuleVersionsTable {
  id: Generated<number>;
  config: Json<unknown>;
  note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface RiskHoldsTable {
  id: Generated<number>;
  earning_id: number;
  order_id: number;
  earner_id: number;
  buyer_id: number;
  amount_fen: number;
  rule: RiskRule;
  reasons: ColumnType<unknown, string, string>;
  rule_version_id: number;
  status: Generated<RiskHoldStatus>;
  held_at: Date;
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  voided_fen: number | null;
}

export interface RiskCursorsTable {
  name: string;
  position: number;
}

export interface RiskTables {
  risk_signals: RiskSignalsTable;
  risk_rule_versions: RiskRuleVersionsTable;
  risk_holds: RiskHoldsTable;
  risk_cursors: RiskCursorsTable;
}
