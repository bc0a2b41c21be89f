// Returning money that arrived for an order that could not take it: a payment after the order closed,
// or a second attempt paid after the first. The order has nothing to refund (it was never paid by this
// payment), so the return is the payment's own: one per payment, through the provider that took it,
// applied on the provider's verified refund notification like any refund.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor, Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { businessNumber } from '../orders/index.js';

export interface ReturnRequest {
  outTradeNo: string;
  reason: string;
  idempotencyKey: string;
}

export interface PaymentReturn {
  id: number;
  refundNo: string;
  outTradeNo: string;
  provider: string;
  amountFen: number;
  status: 'processing' | 'succeeded' | 'failed';
  duplicate: boolean;
}

/** True when a successful payment is not the one its order was paid with (the money is due back). */
async function isStray(tx: Tx, paymentId: number): Promise<boolean> {
  const row = await sql<{ stray: boolean }>`
    select (o.paid_at is null or p.provider_txn_id is distinct from (
      select p2.provider_txn_id from payments p2 where p2.order_id = o.id and p2.status = 'succeeded' order by p2.paid_at, p2.id limit 1)) as stray
    from payments p join orders o on o.id = p.order_id where p.id = ${paymentId}`.execute(tx);
  return Boolean(row.rows[0]?.stray);
}

/** Opens the return (audited); the caller asks the provider after commit. */
export async function openPaymentReturn(tx: Tx, clock: Clock, audit: AuditService, actorId: number, request: ReturnRequest): Promise<PaymentReturn> {
  const payment = await tx.selectFrom('payments').selectAll().where('out_trade_no', '=', request.outTradeNo).forUpdate().executeTakeFirst();
  if (!payment) throw notFound('PAYMENT_NOT_FOUND', `no payment ${request.outTradeNo}`);
  const replay = await tx.selectFrom('payment_returns').selectAll().where('idempotency_key', '=', request.idempotencyKey).executeTakeFirst();
  if (replay) {
    if (replay.payment_id !== payment.id) throw conflict('IDEMPOTENCY_KEY_REUSED', 'this key returned another payment', { fields: ['outTradeNo'] });
    return view(replay, payment, true);
  }
  if (payment.status !== 'succeeded' || !(await isStray(tx, payment.id))) {
    throw conflict('PAYMENT_NOT_DUE_BACK', 'this payment paid its order: refund the order instead');
  }
  const live = await tx.selectFrom('payment_returns').select('status').where('payment_id', '=', payment.id).where('status', '<>', 'failed').executeTakeFirst();
  if (live) throw conflict('PAYMENT_ALREADY_RETURNED', `this payment's return is already ${live.status}`);
  const now = clock.now();
  const row = await tx
    .insertInto('payment_returns')
    .values({ payment_id: payment.id, refund_no: businessNumber('B', now), amount_fen: payment.amount_fen, reason: request.reason, created_by: actorId, idempotency_key: request.idempotencyKey, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit.record(tx, { actorId, action: 'payment.return', targetType: 'order', targetId: payment.order_id, before: { outTradeNo: payment.out_trade_no, status: 'due back' }, after: { refundNo: row.refund_no, amountFen: row.amount_fen }, reason: request.reason });
  return view(row, payment, false);
}

function view(row: { id: number; refund_no: string; amount_fen: number; status: PaymentReturn['status'] }, payment: { out_trade_no: string; provider: string }, duplicate: boolean): PaymentReturn {
  return { id: row.id, refundNo: row.refund_no, outTradeNo: payment.out_trade_no, provider: payment.provider, amountFen: row.amount_fen, status: row.status, duplicate };
}

export async function paymentReturnByRefundNo(ex: Executor, refundNo: string) {
  return ex.selectFrom('payment_returns').selectAll().where('refund_no', '=', refundNo).executeTakeFirst();
}

/** The provider's verified answer on a return: succeeded or failed, once. */
export async function applyPaymentReturn(tx: Tx, clock: Clock, id: number, succeeded: boolean): Promise<'applied' | 'duplicate'> {
  const updated = await tx
    .updateTable('payment_returns')
    .set({ status: succeeded ? 'succeeded' : 'failed', completed_at: clock.now() })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? 'applied' : 'duplicate';
}
