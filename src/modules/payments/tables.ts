// Row types of the payments module's own later tables (028_payment_returns.sql, 030), for Kysely.
import type { Generated } from 'kysely';

export interface PaymentReturnsTable {
  id: Generated<number>;
  payment_id: number;
  refund_no: string;
  amount_fen: number;
  status: Generated<'processing' | 'succeeded' | 'failed'>;
  reason: string;
  created_by: number;
  idempotency_key: string;
  created_at: Date;
  completed_at: Date | null;
}

/** 030: each refund number as sent to its provider (retries on a backoff, queries). */
export interface RefundProviderCallsTable {
  refund_no: string;
  tries: Generated<number>;
  next_try_at: Date;
  last_error: string | null;
  updated_at: Date;
}

export interface PaymentsTables {
  payment_returns: PaymentReturnsTable;
  refund_provider_calls: RefundProviderCallsTable;
}
