// Row types of the approvals module's table (045_approvals.sql), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';

export type AdjustmentApprovalStatus = 'pending' | 'approved' | 'applied' | 'rejected' | 'failed';

export interface AdjustmentApprovalsTable {
  id: Generated<number>;
  idempotency_key: string;
  member_id: number;
  amount_fen: number;
  reason: string;
  threshold_fen: number;
  status: Generated<AdjustmentApprovalStatus>;
  requested_by: number;
  requested_at: Date;
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  applied_at: Date | null;
  balances: ColumnType<unknown, string | null | undefined, string | null>;
  failure: string | null;
}

export interface ApprovalsTables {
  adjustment_approvals: AdjustmentApprovalsTable;
}
