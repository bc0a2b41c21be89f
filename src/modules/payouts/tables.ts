// Row types of the payouts module's tables (029_payout_batches.sql, 031_payout_transfers.sql, 045_approvals.sql), for Kysely.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';

export type PayoutBatchStatus = 'open' | 'settled';
export type PayoutBatchLineResult = 'paid' | 'failed';

export interface PayoutBatchesTable {
  id: Generated<number>;
  batch_no: string;
  status: Generated<PayoutBatchStatus>;
  created_by: number;
  idempotency_key: string | null;
  created_at: Date;
  settled_at: Date | null;
}

export interface PayoutBatchLinesTable {
  id: Generated<number>;
  batch_id: number;
  seq: number;
  payout_id: number;
  attempt: number;
  net_fen: number;
  result: PayoutBatchLineResult | null;
  bank_reference: string | null;
  reason: string | null;
  decided_at: Date | null;
}

export interface PayoutBatchResultsTable {
  id: Generated<number>;
  batch_id: number;
  idempotency_key: string;
  fingerprint: string;
  response: ColumnType<unknown, string, string>;
  created_by: number;
  created_at: Date;
}

/** One attempt of a withdrawal at a provider (031): its fixed business number and the provider's last word. */
export interface PayoutTransfersTable {
  id: Generated<number>;
  payout_id: number;
  attempt: number;
  /** 'wechat_transfer' | 'alipay_transfer' | 'dev' | 'none' */
  provider: string;
  /** out_bill_no (WeChat) / out_biz_no (Alipay): the same on every resend of this attempt */
  business_no: string;
  net_fen: number;
  state: string | null;
  package_info: string | null;
  provider_ref: string | null;
  tries: Generated<number>;
  next_try_at: Date | null;
  last_error: string | null;
  refreshed_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type PayoutStatus = 'reviewing' | 'processing' | 'paid' | 'rejected' | 'failed';
export type PayoutChannel = 'wechat' | 'alipay' | 'bank';

export interface PayoutsTable {
  id: Generated<number>;
  payout_no: string;
  member_id: number;
  amount_fen: number;
  fee_fen: number;
  channel: PayoutChannel;
  destination: Json<Record<string, string>>;
  status: PayoutStatus;
  attempts: Generated<number>;
  idempotency_key: string;
  auto_approved: Generated<boolean>;
  reject_reason: string | null;
  failure_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  /** above the rules' approvals.payoutSecondApprovalFen: the first of two approvers (045); reviewed_by is the second */
  first_approved_by: Generated<number | null>;
  first_approved_at: Generated<Date | null>;
  paid_at: Date | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface PayoutsTables {
  payouts: PayoutsTable;
  payout_transfers: PayoutTransfersTable;
  payout_batches: PayoutBatchesTable;
  payout_batch_lines: PayoutBatchLinesTable;
  payout_batch_results: PayoutBatchResultsTable;
}
