// Row types of the payments module's own later tables (028_payment_returns.sql), for Kysely.
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

export interface PaymentsTables {
  payment_returns: PaymentReturnsTable;
}
