// The deadline of a group (the job group-buys.settle): an open group still short when its time runs
// out is filled by the system when its offer says so (模拟成团, audited as the system) or fails. A
// failed group's paid members are refunded in full through the payment rail — the path HQ's refund
// takes (orders.createRefund, then payments.requestRefund), keyed by the membership so a retried run
// refunds once — and commission reverses as for any refund; its unpaid holds are closed through the
// orders module (the provider asked first: a payment that did arrive is refunded like the others).
// Every step is claimed (SKIP LOCKED, or guarded by status), so runs on several instances share it.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { inTransaction, type Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { OrdersService } from '../orders/index.js';
import type { PaymentChecks, PaymentsService } from '../payments/index.js';
import { finishGroup } from './participant.js';

const BATCH = 100;
export const FAILED_GROUP_REFUND_REASON = '拼团未成团，全额退款';

export interface SettleReport {
  succeeded: number;
  failed: number;
  closed: number;
  refunds: number;
}

export class GroupBuySettlement {
  constructor(
    private readonly deps: { db: Db; clock: Clock; audit: AuditService; orders: OrdersService; payments: PaymentsService; paymentChecks: PaymentChecks; log: Logger },
  ) {}

  async sweep(): Promise<SettleReport> {
    const decided = await this.decideDue();
    const closed = await this.closeHolds();
    const refunds = await this.refundFailed();
    await this.resendUnsent();
    return { ...decided, closed, refunds };
  }

  /** Open groups past their deadline: filled by the system (the offer's simulatedFill) or failed, once each. */
  private async decideDue(): Promise<{ succeeded: number; failed: number }> {
    const { db, clock, audit } = this.deps;
    const report = { succeeded: 0, failed: 0 };
    for (;;) {
      const n = await inTransaction(db, async (tx) => {
        const now = clock.now();
        const due = await tx.selectFrom('group_buy_groups').select(['id', 'offer_id', 'group_size']).where('status', '=', 'open').where('expires_at', '<=', now).orderBy('expires_at').limit(BATCH).forUpdate().skipLocked().execute();
        if (due.length === 0) return 0;
        const fills = await tx.selectFrom('group_buy_offers').select(['id', 'simulated_fill']).where('id', 'in', due.map((g) => g.offer_id)).execute();
        for (const group of due) {
          const places = await tx
            .selectFrom('group_buy_members')
            .select([sql<number>`count(*) filter (where status = 'paid')::int`.as('paid'), sql<number>`count(*) filter (where status = 'unpaid')::int`.as('unpaid')])
            .where('group_id', '=', group.id)
            .executeTakeFirstOrThrow();
          if (fills.find((o) => o.id === group.offer_id)?.simulated_fill) {
            // unpaid holds keep their places (they may still pay and ship); the system fills the rest
            const slots = Math.max(group.group_size - places.paid - places.unpaid, 0);
            await finishGroup(tx, group.id, 'succeeded', now, slots);
            await audit.record(tx, { actorId: null, action: 'group_buy.simulated_fill', targetType: 'group_buy_group', targetId: group.id, before: { status: 'open', ...places }, after: { status: 'succeeded', simulatedSlots: slots } });
            report.succeeded++;
          } else {
            await finishGroup(tx, group.id, 'failed', now);
            await audit.record(tx, { actorId: null, action: 'group_buy.fail', targetType: 'group_buy_group', targetId: group.id, before: { status: 'open', ...places }, after: { status: 'failed' }, reason: 'time ran out before the group filled' });
            report.failed++;
          }
        }
        return due.length;
      });
      if (n < BATCH) return report;
    }
  }

  /** Unpaid holds of failed groups: the provider is asked about the order, then it is closed (a paid one is refunded next). */
  private async closeHolds(): Promise<number> {
    const { db, orders, paymentChecks, log } = this.deps;
    const holds = await db
      .selectFrom('group_buy_members as p')
      .innerJoin('group_buy_groups as g', 'g.id', 'p.group_id')
      .select(['p.member_id', 'p.order_id'])
      .where('p.status', '=', 'unpaid')
      .where('g.status', 'in', ['failed', 'refunded'])
      .orderBy('p.id')
      .limit(BATCH)
      .execute();
    let closed = 0;
    for (const hold of holds) {
      try {
        const checked = await paymentChecks.checkOrder(hold.member_id, hold.order_id);
        if (checked.status !== 'pending_payment') continue;
        await orders.cancel(hold.member_id, hold.order_id);
        closed++;
      } catch (error) {
        // paid or closed meanwhile (the order's own state decides), or the provider did not answer: next run
        if (error instanceof AppError) continue;
        log.warn({ err: error, orderId: hold.order_id }, 'a failed group’s unpaid order was not closed');
      }
    }
    return closed;
  }

  /** Paid members of failed groups: each order refunded in full (lines and shipping), once per membership. */
  private async refundFailed(): Promise<number> {
    const { db, payments, log } = this.deps;
    const due = await db
      .selectFrom('group_buy_members as p')
      .innerJoin('group_buy_groups as g', 'g.id', 'p.group_id')
      .select(['p.id', 'p.order_id'])
      .where('p.status', '=', 'paid')
      .where('g.status', '=', 'failed')
      .orderBy('p.id')
      .limit(BATCH)
      .execute();
    let refunds = 0;
    for (const place of due) {
      const refundId = await this.openRefund(place.id, place.order_id).catch((error: unknown) => {
        // another refund of the order is under way, or the order changed: the next run looks again
        if (error instanceof AppError) log.info({ code: error.code, orderId: place.order_id }, 'a failed group’s refund waits');
        else log.warn({ err: error, orderId: place.order_id }, 'a failed group’s refund was not opened');
        return null;
      });
      if (refundId === null) continue;
      refunds++;
      // a call that fails is sent again by payments.checks (or below, when it never left)
      await payments.requestRefund(refundId).catch((error: unknown) => log.warn({ err: error, refundId }, 'a failed group’s refund did not go out'));
    }
    return refunds;
  }

  /** The refund of one membership, opened with the membership's key in one transaction with its mark. */
  private async openRefund(placeId: number, orderId: number): Promise<number | null> {
    const { db, orders } = this.deps;
    return inTransaction(db, async (tx) => {
      const order = await orders.get(tx, orderId);
      if (order.refunds.some((r) => r.status === 'processing')) return null;
      const lines = order.lines.map((l) => ({ lineId: l.id, amountFen: l.paidFen - l.refundedFen })).filter((l) => l.amountFen > 0);
      const shippingRefunded = order.refunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.shippingFen, 0);
      const shippingFen = Math.max(order.shippingFen - shippingRefunded, 0);
      if (lines.length === 0 && shippingFen === 0) return null;
      // createRefund locks the order first, then the membership is marked: the order a refund callback locks them in
      const { refund } = await orders.createRefund(null, orderId, { lines, shippingFen, reason: FAILED_GROUP_REFUND_REASON, idempotencyKey: `group-buy-member-${placeId}` }, tx);
      const marked = await tx.updateTable('group_buy_members').set({ status: 'refunding', refund_id: refund.id, refund_no: refund.refund_no }).where('id', '=', placeId).where('status', '=', 'paid').executeTakeFirst();
      // another run marked it first (and opened this same refund, by its key)
      if (Number(marked.numUpdatedRows) === 0) return null;
      return refund.id;
    });
  }

  /** Refunds opened whose provider call never happened (the run stopped between): sent now. */
  private async resendUnsent(): Promise<void> {
    const { db, payments, log } = this.deps;
    const refunding = await db.selectFrom('group_buy_members').select(['refund_id', 'refund_no']).where('status', '=', 'refunding').orderBy('id').limit(BATCH).execute();
    if (refunding.length === 0) return;
    const calls = await payments.refundCalls(db, refunding.map((r) => r.refund_no!));
    for (const r of refunding) {
      if (calls.has(r.refund_no!)) continue;
      await payments.requestRefund(r.refund_id!).catch((error: unknown) => log.warn({ err: error, refundId: r.refund_id }, 'a failed group’s refund did not go out'));
    }
  }
}
