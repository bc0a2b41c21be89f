// Row types of the payouts module's batch tables (029_payout_batches.sql), for Kysely.
import type { ColumnType, Generated } from 'kysely';

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

export interface PayoutsTables {
  payout_batches: PayoutBatchesTable;
  payout_batch_lines: PayoutBatchLinesTable;
  payout_batch_results: PayoutBatchResultsTable;
}
