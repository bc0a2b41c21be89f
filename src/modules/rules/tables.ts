// Row type of rule_changes (025_rule_approvals.sql), merged into the Database interface from here so
// the rules module keeps its table next to its code.
import type { ColumnType, Generated } from 'kysely';

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

declare module '../../db/schema.js' {
  interface Database {
    rule_changes: RuleChangesTable;
  }
}
