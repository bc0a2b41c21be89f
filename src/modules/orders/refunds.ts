// Refunds: HQ opens one (or a buyer's after-sales request leads to one: after-sales.ts), the amounts checked against
// what each line has left; the provider's confirmation applies it once — lines, order, commission
// reversed, the tree's sales and the participants (their deferred hooks through the outbox,
// effects.ts) — or its failure closes it.
import { sql } from 'kysely';
import { inTransaction, type Executor, type Tx } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../errors.js';
import { settleAfterSalesHold } from './after-sales-hold.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderEffects } from './effects.js';
import { businessNumber } from './numbers.js';
import type { AfterCommit, RefundedOrder, RefundedOrderLine } from './participants.js';
import { assertSameRequest, type RequestFields } from './request-fingerprint.js';
import { assertTransition, ORDER_TRANSITIONS } from './states.js';
import type { OrderStatus } from './tables.js';
import type { RefundInput } from './types.js';

export class OrderRefunds extends OrdersPart {
  constructor(
    deps: OrdersDeps,
    private readonly effects: OrderEffects,
  ) {
    super(deps);
  }

  /**
   * HQ support opens a refund of some lines (and shipping). Amounts may not exceed what is left
   * after other refunds, including ones still processing. The provider is asked separately. In the
   * caller's transaction when one is given (the after-sales deadline job's): a refusal is then
   * thrown before anything is written, so the caller's transaction stays usable.
   */
  async createRefund(actorId: number | null, orderId: number, input: RefundInput, ex: Executor = this.db) {
    const idempotencyKey = `${orderId}:${input.idempotencyKey}`;
    // a replay answers the key's refund only when it refunds the same lines, amounts and shipping
    const replayOf = async (ex: Executor) => {
      const refund = await ex.selectFrom('refunds').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      if (!refund) return undefined;
      assertSameRequest('refund', await this.refundFields(ex, refund), refundFields(input));
      return { refund, duplicate: true };
    };
    return createOnce('refunds_idempotency_key_key', () => inTransaction(ex, async (tx) => {
      // looked up under the order lock: a replay that waited on it sees the refund it waited for,
      // not amounts or a status that refund changed
      const order = await this.lockOrder(tx, orderId);
      const existing = await replayOf(tx);
      if (existing) return existing;
      checkRefundable(order);
      const shippingFen = await this.checkRefundAmounts(tx, order, input.lines, input.shippingFen ?? 0);
      const amountFen = input.lines.reduce((s, l) => s + l.amountFen, 0) + shippingFen;
      const refund = await tx
        .insertInto('refunds')
        .values({
          refund_no: businessNumber('R', this.clock.now()),
          order_id: orderId,
          amount_fen: amountFen,
          shipping_fen: shippingFen,
          reason: input.reason,
          created_by: actorId,
          idempotency_key: idempotencyKey,
          created_at: this.clock.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.lines.length) {
        await tx.insertInto('refund_lines').values(input.lines.map((l) => ({ refund_id: refund.id, order_line_id: l.lineId, amount_fen: l.amountFen }))).execute();
      }
      await this.audit.record(tx, {
        actorId,
        action: 'order.refund',
        targetType: 'order',
        targetId: orderId,
        before: { refundedFen: order.refunded_fen, status: order.status },
        after: { refundNo: refund.refund_no, amountFen, lines: input.lines, shippingFen },
        reason: input.reason,
      });
      return { refund, duplicate: false };
    }), () => replayOf(this.db));
  }

  /** The money-bearing fields of a refund as it was opened: its lines (by line id) and shipping. */
  private async refundFields(ex: Executor, refund: { id: number; shipping_fen: number }): Promise<RequestFields> {
    const lines = await ex.selectFrom('refund_lines').select(['order_line_id as lineId', 'amount_fen as amountFen']).where('refund_id', '=', refund.id).orderBy('order_line_id').execute();
    return { lines, shippingFen: refund.shipping_fen };
  }

  private async lockOrder(tx: Tx, orderId: number, buyerId?: number) {
    let q = tx.selectFrom('orders').selectAll().where('id', '=', orderId);
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const order = await q.forUpdate().executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    return order;
  }

  /** The order, locked, if it may be refunded (after-sales.ts asks the same). */
  async lockRefundableOrder(tx: Tx, orderId: number, buyerId?: number) {
    const order = await this.lockOrder(tx, orderId, buyerId);
    checkRefundable(order);
    return order;
  }

  /** What may still be refunded: per line, paid minus refunded minus refunds still processing; returns the shipping part. */
  async checkRefundAmounts(tx: Tx, order: { id: number; order_no: string; shipping_fen: number }, refundLines: RefundInput['lines'], shippingFen: number): Promise<number> {
    const orderId = order.id;
    if (refundLines.length === 0 && !shippingFen) throw badRequest('REFUND_EMPTY', 'a refund needs at least one line or shipping');
    const lines = await tx.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).execute();
    const open = await tx
      .selectFrom('refund_lines as rl')
      .innerJoin('refunds as r', 'r.id', 'rl.refund_id')
      .select(['rl.order_line_id', sql<number>`sum(rl.amount_fen)`.as('fen')])
      .where('r.order_id', '=', orderId)
      .where('r.status', '=', 'processing')
      .groupBy('rl.order_line_id')
      .execute();
    const openByLine = new Map(open.map((o) => [o.order_line_id, o.fen]));
    const seen = new Set<number>();
    for (const item of refundLines) {
      const line = lines.find((l) => l.id === item.lineId);
      if (!line) throw unprocessable('ORDER_LINE_NOT_FOUND', `line ${item.lineId} is not in order ${order.order_no}`);
      if (seen.has(item.lineId)) throw badRequest('REFUND_LINE_REPEATED', `line ${item.lineId} appears twice`);
      seen.add(item.lineId);
      if (!Number.isSafeInteger(item.amountFen) || item.amountFen <= 0) throw badRequest('AMOUNT_INVALID', 'refund amounts are positive whole fen');
      const left = line.paid_fen - line.refunded_fen - (openByLine.get(line.id) ?? 0);
      if (item.amountFen > left) throw unprocessable('REFUND_EXCEEDS_PAID', `line ${item.lineId} has only ${left} fen left to refund`);
    }
    const shippingRefunded = await tx
      .selectFrom('refunds')
      .select(sql<number>`coalesce(sum(shipping_fen), 0)`.as('fen'))
      .where('order_id', '=', orderId)
      .where('status', 'in', ['processing', 'succeeded'])
      .executeTakeFirstOrThrow();
    if (!Number.isSafeInteger(shippingFen) || shippingFen < 0 || shippingFen > order.shipping_fen - shippingRefunded.fen) {
      throw unprocessable('REFUND_EXCEEDS_PAID', `only ${order.shipping_fen - shippingRefunded.fen} fen of shipping is left to refund`);
    }
    return shippingFen;
  }

  /** The provider confirmed the refund: lines and order record it and commission reverses, once. */
  async applyRefundSucceeded(tx: Tx, refundId: number, afterCommit: AfterCommit): Promise<'applied' | 'duplicate'> {
    const refund = await tx.selectFrom('refunds').selectAll().where('id', '=', refundId).forUpdate().executeTakeFirst();
    if (!refund) throw notFound('REFUND_NOT_FOUND', `refund ${refundId} does not exist`);
    // a provider may report failure first and success later (WeChat: ABNORMAL, then settled):
    // the success still applies; if another refund took those amounts meanwhile, the line checks refuse it
    if (refund.status === 'succeeded' || refund.status === 'overpaid') return 'duplicate';
    const order = await tx.selectFrom('orders').selectAll().where('id', '=', refund.order_id).forUpdate().executeTakeFirstOrThrow();
    const refundLines = await tx.selectFrom('refund_lines').selectAll().where('refund_id', '=', refundId).orderBy('order_line_id').execute();
    if (refund.status === 'failed') {
      // its amounts may have been refunded again since the failure report: then the buyer got them twice
      const lines = await tx.selectFrom('order_lines').select(['id', 'paid_fen', 'refunded_fen']).where('order_id', '=', order.id).execute();
      const exceeds = refundLines.some((rl) => {
        const line = lines.find((l) => l.id === rl.order_line_id)!;
        return line.refunded_fen + rl.amount_fen > line.paid_fen;
      });
      if (exceeds || order.refunded_fen + refund.amount_fen > order.paid_fen) {
        await tx.updateTable('refunds').set({ status: 'overpaid', completed_at: this.clock.now() }).where('id', '=', refundId).execute();
        await this.audit.record(tx, { actorId: null, action: 'order.refund_overpaid', targetType: 'order', targetId: order.id, before: { refundNo: refund.refund_no, status: 'failed' }, after: { status: 'overpaid', amountFen: refund.amount_fen }, reason: 'provider refunded after a failure report and a second refund' });
        return 'applied';
      }
    }
    let goodsRefundedFen = 0;
    const refundedLines: RefundedOrderLine[] = [];
    for (const rl of refundLines) {
      const line = await tx
        .updateTable('order_lines')
        .set((eb) => ({ refunded_fen: eb('refunded_fen', '+', rl.amount_fen) }))
        .where('id', '=', rl.order_line_id)
        .returning(['id', 'paid_fen', 'refunded_fen', 'product_id', 'sku_id', 'quantity'])
        .executeTakeFirstOrThrow();
      goodsRefundedFen += rl.amount_fen;
      refundedLines.push({ lineId: line.id, productId: line.product_id, skuId: line.sku_id, quantity: line.quantity, paidFen: line.paid_fen, refundedFen: line.refunded_fen, amountFen: rl.amount_fen });
      await this.commission.reverseForRefundedLine(tx, { lineId: line.id, paidFen: line.paid_fen, refundedFen: line.refunded_fen }, refundId, afterCommit);
    }
    const refundedFen = order.refunded_fen + refund.amount_fen;
    // the order's goods totals come back with the update (the lines' updates above are visible to it)
    const goods = await tx
      .updateTable('orders')
      .set({ refunded_fen: refundedFen, status: refundedFen >= order.paid_fen ? ORDER_TRANSITIONS.refund.to : order.status })
      .where('id', '=', order.id)
      .returning([
        sql<number>`(select coalesce(sum(paid_fen), 0) from order_lines where order_id = ${order.id}::bigint)`.as('paidFen'),
        sql<number>`(select coalesce(sum(refunded_fen), 0) from order_lines where order_id = ${order.id}::bigint)`.as('refundedFen'),
      ])
      .executeTakeFirstOrThrow();
    await tx.updateTable('refunds').set({ status: 'succeeded', completed_at: this.clock.now() }).where('id', '=', refundId).execute();
    if (goodsRefundedFen > 0) await this.referral.recordSale(tx, order.buyer_id, { refundedFen: goodsRefundedFen });
    const refunded: RefundedOrder = {
      orderId: order.id,
      buyerId: order.buyer_id,
      refundId,
      lines: refundedLines,
      fullyRefunded: refundedFen >= order.paid_fen,
      goodsPaidFen: goods.paidFen,
      goodsRefundedFen: goods.refundedFen,
      at: this.clock.now(),
    };
    for (const participant of this.participants) await participant.onRefunded?.(tx, refunded, afterCommit);
    await this.effects.recordRefunded(tx, refunded, afterCommit);
    // an approved after-sales request held the order's commission until its refund settled
    await settleAfterSalesHold(tx, this.commission, order.id, { orderLocked: true });
    return 'applied';
  }

  async applyRefundFailed(tx: Tx, refundId: number): Promise<'applied' | 'duplicate'> {
    const failed = await tx.updateTable('refunds').set({ status: 'failed', completed_at: this.clock.now() }).where('id', '=', refundId).where('status', '=', 'processing').returning('order_id').executeTakeFirst();
    if (!failed) return 'duplicate';
    // the refund an approved request waited for is not coming: its hold on the commission goes
    await settleAfterSalesHold(tx, this.commission, failed.order_id);
    return 'applied';
  }
}

function checkRefundable(order: { status: OrderStatus }): void {
  assertTransition(order.status, 'refund');
}

/** What a refund key stands for: the lines with their amounts (in any order) and shipping; the reason may differ. */
function refundFields(input: RefundInput): RequestFields {
  const lines = input.lines.map((l) => ({ lineId: l.lineId, amountFen: l.amountFen })).sort((a, b) => a.lineId - b.lineId || a.amountFen - b.amountFen);
  return { lines, shippingFen: input.shippingFen ?? 0 };
}
