// Row types of the statements module's tables (032_statements.sql, 033_statement_payouts.sql), for Kysely.
import type { ColumnType, Generated } from 'kysely';

export type StatementProvider = 'wechatpay' | 'alipay';
export type BillStatus = 'pending' | 'not_ready' | 'failed' | 'fetched';
export type LineKind = 'payment' | 'refund' | 'other' | 'payout' | 'payout_return';
export type DifferenceKind = 'missing_here' | 'missing_there' | 'amount_differs' | 'state_differs' | 'duplicate';
export type RecordType = 'payment' | 'refund' | 'payment_return' | 'payout';
/** what a difference is about, also when no record of ours names it */
export type DifferenceSubject = 'payment' | 'refund' | 'payout';

export interface StatementBillsTable {
  id: Generated<number>;
  provider: StatementProvider;
  bill_date: string;
  status: Generated<BillStatus>;
  fetched_at: Date | null;
  line_count: Generated<number>;
  payment_count: Generated<number>;
  payment_total_fen: Generated<number>;
  refund_count: Generated<number>;
  refund_total_fen: Generated<number>;
  provider_summary: ColumnType<Record<string, number> | null, string | null, string | null>;
  difference_count: Generated<number>;
  /** the day's account bill (WeChat 资金账单, Alipay 账务明细) was fetched with it and its transfers matched */
  account_bill: Generated<boolean>;
  payout_count: Generated<number>;
  payout_total_fen: Generated<number>;
  payout_return_fen: Generated<number>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Date | null;
  claimed_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface StatementLinesTable {
  id: Generated<number>;
  bill_id: number;
  seq: number;
  kind: LineKind;
  out_trade_no: string;
  out_refund_no: string | null;
  provider_txn_id: string | null;
  state: string;
  amount_fen: number;
  traded_at: string;
}

export interface StatementDifferencesTable {
  id: Generated<number>;
  bill_id: number;
  provider: StatementProvider;
  bill_date: string;
  kind: DifferenceKind;
  subject: DifferenceSubject;
  record_type: RecordType | null;
  record_id: number | null;
  reference: string;
  out_trade_no: string | null;
  line_seq: number | null;
  our_fen: number | null;
  their_fen: number | null;
  our_state: string | null;
  their_state: string | null;
  note: string | null;
  fingerprint: string;
  created_at: Date;
}

export interface StatementResolutionsTable {
  id: Generated<number>;
  provider: StatementProvider;
  bill_date: string;
  fingerprint: string;
  note: string;
  resolved_by: number;
  resolved_at: Date;
}

export interface StatementsTables {
  statement_bills: StatementBillsTable;
  statement_lines: StatementLinesTable;
  statement_differences: StatementDifferencesTable;
  statement_resolutions: StatementResolutionsTable;
}
