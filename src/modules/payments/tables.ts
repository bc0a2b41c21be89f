// Row types of the payments module's own later tables (028_payment_returns.sql, 030), for Kysely.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

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

export interface PaymentsTable {
  id: Generated<number>;
  order_id: number;
  provider: string;
  out_trade_no: string;
  amount_fen: number;
  status: Generated<'created' | 'succeeded' | 'closed'>;
  method: string;
  provider_txn_id: string | null;
  paid_at: Date | null;
  created_at: CreatedAt;
  next_check_at: Date | null;
  checks: Generated<number>;
  closed_at: Date | null;
}

export interface PaymentEventsTable {
  id: Generated<number>;
  provider: string;
  event_key: string;
  kind: string;
  outcome: string;
  created_at: CreatedAt;
}

export interface PaymentsTables {
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  payment_returns: PaymentReturnsTable;
  refund_provider_calls: RefundProviderCallsTable;
}
