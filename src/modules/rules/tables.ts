// Row types of the rule versions (001) and the changes waiting for approval (025_rule_approvals.sql),
// for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';

export type RuleChangeStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

export interface RuleChangesTable {
  id: Generated<number>;
  base_version_id: number;
  proposed_config: ColumnType<unknown, string, string>;
  note: string | null;
  triggers: ColumnType<unknown, string | undefined, string>;
  proposed_by: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  status: Generated<RuleChangeStatus>;
  decided_by: number | null;
  decided_at: Date | null;
  reason: string | null;
  applied_version_id: number | null;
}

export interface RuleVersionsTable {
  id: Generated<number>;
  config: Json<unknown>;
  note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface RulesTables {
  rule_versions: RuleVersionsTable;
  rule_changes: RuleChangesTable;
}
