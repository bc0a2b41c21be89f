// After-sales (售后): a buyer asks for a refund only (仅退款: not shipped, not received, an agreed
// partial refund) or a return and refund (退货退款), within the return window (the rules' freeze
// period after completion, the same window the commission is frozen through). HQ support reviews
// it; a refund only opens its refund at once, a return first waits for the buyer's parcel back (by
// returnShipDays, or it expires) and for HQ to confirm it arrived. Every refund goes through
// refunds.ts, so its money reverses exactly as any refund does. One open request per order. A
// merchant that lets a deadline pass (afterSalesReviewDays, returnReceiveDays) is answered for by the
// job (after-sales-deadlines.ts); while a request is open the order's commission is held
// (after-sales-hold.ts).
import type { Selectable } from 'kysely';
import { inTransaction } from '../../db/database.js';
import { AppError, conflict, notFound, unprocessable } from '../../errors.js';
import { settleAfterSalesHold } from './after-sales-hold.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import { resolveCarrier } from './parcels.js';
import type { OrderRefunds } from './refunds.js';
import { OPEN_REFUND_REQUEST_STATUSES, type AfterSalesKind, type AfterSalesReason, type RefundRequestStatus, type RefundRequestsTable, type ReturnAddress } from './tables.js';
import type { RefundInput } from './types.js';
import type { OrderReads } from './reads.js';

/** how long a reviewer's claim on a request holds before another review (or the deadline job) may take it over */
export const REVIEW_CLAIM_MS = 2 * 60_000;
const DAY_MS = 86_400_000;

export interface AfterSalesRequest {
  kind?: AfterSalesKind;
  reasonCode?: AfterSalesReason;
  lines: RefundInput['lines'];
  shippingFen?: number;
  /** the buyer's own words */
  reason: string;
}

type RequestRow = Selectable<RefundRequestsTable>;

export class OrderAfterSales extends OrdersPart {
  constructor(
    deps: OrdersDeps,
    private readonly refunds: OrderRefunds,
    private readonly reads: OrderReads,
  ) {
    super(deps);
  }

  /** A buyer opens a request; support reviews it. */
  async request(buyerId: number, orderId: number, input: AfterSalesRequest) {
    return inTransaction(this.db, async (tx) => {
      const order = await this.refunds.lockRefundableOrder(tx, orderId, buyerId);
      const kind = input.kind ?? 'refund_only';
      const now = this.clock.now();
      if (kind === 'return_refund' && order.status !== 'shipped' && order.status !== 'completed') throw conflict('RETURN_NOT_SHIPPED', 'nothing was shipped to return: ask for a refund only');
      if (order.status === 'completed' && order.completed_at) {
        // the return window is the freeze the order's rules gave its commission
        const { freezeDays } = (order.rule_version_id ? await this.rules.byId(tx, order.rule_version_id) : await this.rules.current(tx)).config.commission;
        const closesAt = new Date(order.completed_at.getTime() + freezeDays * DAY_MS);
        if (now > closesAt) throw unprocessable('AFTER_SALES_CLOSED', `the return window of this order closed at ${closesAt.toISOString()}`);
      }
      const shippingFen = await this.refunds.checkRefundAmounts(tx, order, input.lines, input.shippingFen ?? 0);
      const open = await tx.selectFrom('refund_requests').select('id').where('order_id', '=', orderId).where('status', 'in', OPEN_REFUND_REQUEST_STATUSES).executeTakeFirst();
      if (open) throw conflict('REFUND_REQUEST_OPEN', 'this order already has an after-sales request in progress');
      const { afterSalesReviewDays } = (await this.rules.current(tx)).config.order;
      const created = await tx
        .insertInto('refund_requests')
        .values({ order_id: orderId, buyer_id: buyerId, lines: JSON.stringify(input.lines), shipping_fen: shippingFen, reason: input.reason, kind, reason_code: input.reasonCode ?? 'other', created_at: now, review_due_at: new Date(now.getTime() + afterSalesReviewDays * DAY_MS) })
        .returning(['id', 'order_id as orderId', 'status', 'kind', 'reason_code as reasonCode', 'reason', 'created_at as createdAt', 'review_due_at as reviewDueAt'])
        .executeTakeFirstOrThrow();
      // the order's commission waits with the request (the order row is locked above)
      await this.commission.holdForAfterSales(tx, orderId, true);
      return created;
    });
  }

  /**
   * Support decides. Rejecting closes the request; approving a refund only opens its refund
   * (idempotently, keyed by the request); approving a return tells the buyer where to send it and
   * by when. One review wins: it claims the request first, so two reviewers at once cannot both be
   * told yes. An approval whose refund did not finish can be claimed again after a while.
   */
  async review(actorId: number, requestId: number, approve: boolean, reviewReason: string | null, returnAddress?: ReturnAddress) {
    const now = this.clock.now();
    const rules = (await this.rules.current(this.db)).config.order;
    const claimed = await inTransaction(this.db, async (tx) => {
      const kind = await tx.selectFrom('refund_requests').select('kind').where('id', '=', requestId).executeTakeFirst();
      const address = returnAddress ?? rules.returnAddress;
      if (approve && kind?.kind === 'return_refund' && !address) throw unprocessable('RETURN_ADDRESS_REQUIRED', 'say where the buyer sends the goods back (or set the return address in the rules)');
      const returning = approve && kind?.kind === 'return_refund';
      const row = await tx
        .updateTable('refund_requests')
        .set({
          reviewed_by: actorId,
          reviewed_at: now,
          review_reason: reviewReason,
          ...(!approve ? { status: 'rejected' as const, closed_at: now } : {}),
          ...(returning ? { status: 'awaiting_return' as const, return_address: JSON.stringify(address), return_due_at: new Date(now.getTime() + rules.returnShipDays * DAY_MS) } : {}),
        })
        .where('id', '=', requestId)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('reviewed_at', 'is', null), eb('reviewed_at', '<', new Date(now.getTime() - REVIEW_CLAIM_MS))]))
        .returningAll()
        .executeTakeFirst();
      if (row && (!approve || returning)) {
        const action = approve ? 'order.refund_request.approve_return' : 'order.refund_request.reject';
        await this.audit.record(tx, { actorId, action, targetType: 'order', targetId: row.order_id, before: { status: 'pending' }, after: { status: row.status, kind: row.kind }, reason: reviewReason });
        if (!approve) await settleAfterSalesHold(tx, this.commission, row.order_id);
      }
      return row;
    });
    if (!claimed) throw await this.notClaimable(requestId, 'pending');
    if (!approve) return { requestId, status: 'rejected' as const, refundId: null };
    if (claimed.kind === 'return_refund') return { requestId, status: 'awaiting_return' as const, refundId: null };
    const refundId = await this.openRefund(actorId, claimed, 'pending', () => this.db.updateTable('refund_requests').set({ reviewed_by: null, reviewed_at: null }).where('id', '=', requestId).where('status', '=', 'pending').execute());
    return { requestId, status: 'approved' as const, refundId };
  }

  /** The buyer sent the goods back: the carrier and tracking number of the return parcel. */
  async shipReturn(buyerId: number, requestId: number, parcel: { carrierCode: string; trackingNo: string }) {
    const carrier = resolveCarrier(parcel);
    const now = this.clock.now();
    const { returnReceiveDays } = (await this.rules.current(this.db)).config.order;
    const row = await this.db
      .updateTable('refund_requests')
      .set({ status: 'returning', return_carrier_code: carrier.code, return_carrier_name: carrier.name, return_tracking_no: parcel.trackingNo, return_shipped_at: now, receive_due_at: new Date(now.getTime() + returnReceiveDays * DAY_MS) })
      .where('id', '=', requestId)
      .where('buyer_id', '=', buyerId)
      .where('status', '=', 'awaiting_return')
      .returning('id')
      .executeTakeFirst();
    if (!row) throw await this.notClaimable(requestId, 'awaiting_return', buyerId);
    return this.get(requestId, buyerId);
  }

  /**
   * HQ confirms the return arrived (the refund goes through the payment rail now) or refuses it
   * (what came back is not what was sold); the first confirmation wins, as a review does.
   */
  async receiveReturn(actorId: number, requestId: number, accept: boolean, reason: string | null) {
    const now = this.clock.now();
    const claimed = await inTransaction(this.db, async (tx) => {
      const row = await tx
        .updateTable('refund_requests')
        .set({ received_by: actorId, received_at: now, ...(accept ? {} : { status: 'rejected' as const, review_reason: reason, closed_at: now }) })
        .where('id', '=', requestId)
        .where('status', '=', 'returning')
        .where((eb) => eb.or([eb('received_at', 'is', null), eb('received_at', '<', new Date(now.getTime() - REVIEW_CLAIM_MS))]))
        .returningAll()
        .executeTakeFirst();
      if (row) {
        await this.audit.record(tx, { actorId, action: accept ? 'order.return.receive' : 'order.return.refuse', targetType: 'order', targetId: row.order_id, before: { status: 'returning' }, after: { status: accept ? 'approved' : 'rejected', trackingNo: row.return_tracking_no }, reason });
        if (!accept) await settleAfterSalesHold(tx, this.commission, row.order_id);
      }
      return row;
    });
    if (!claimed) throw await this.notClaimable(requestId, 'returning');
    if (!accept) return { requestId, status: 'rejected' as const, refundId: null };
    const refundId = await this.openRefund(actorId, claimed, 'returning', () => this.db.updateTable('refund_requests').set({ received_by: null, received_at: null }).where('id', '=', requestId).where('status', '=', 'returning').execute());
    return { requestId, status: 'approved' as const, refundId };
  }

  /** The buyer withdraws an open request: before a review takes it up, or while a return waits for its parcel or HQ. */
  async cancel(buyerId: number, requestId: number) {
    const row = await inTransaction(this.db, async (tx) => {
      const cancelled = await tx
        .updateTable('refund_requests')
        .set({ status: 'cancelled', closed_at: this.clock.now() })
        .where('id', '=', requestId)
        .where('buyer_id', '=', buyerId)
        .where('status', 'in', OPEN_REFUND_REQUEST_STATUSES)
        // a review or a receipt being decided right now finishes first
        .where('received_at', 'is', null)
        .where((eb) => eb.or([eb('status', '<>', 'pending'), eb('reviewed_at', 'is', null)]))
        .returning(['id', 'order_id'])
        .executeTakeFirst();
      if (cancelled) await settleAfterSalesHold(tx, this.commission, cancelled.order_id);
      return cancelled;
    });
    if (!row) throw await this.notClaimable(requestId, 'pending', buyerId);
    return this.get(requestId, buyerId);
  }

  /** The job: approved returns whose parcel never left by the deadline expire (the order may be asked about again). */
  async expireReturns(): Promise<{ expired: number }> {
    const now = this.clock.now();
    const rows = await inTransaction(this.db, async (tx) => {
      const expired = await tx
        .updateTable('refund_requests')
        .set({ status: 'expired', closed_at: now })
        .where('status', '=', 'awaiting_return')
        .where('return_due_at', '<=', now)
        .returning(['id', 'order_id'])
        .execute();
      for (const r of expired) {
        await this.audit.record(tx, { actorId: null, action: 'order.return.expire', targetType: 'order', targetId: r.order_id, before: { status: 'awaiting_return' }, after: { status: 'expired' }, reason: 'the buyer did not send the goods back in time' });
        await settleAfterSalesHold(tx, this.commission, r.order_id);
      }
      return expired;
    });
    return { expired: rows.length };
  }

  private async get(requestId: number, buyerId?: number) {
    const [row] = await this.reads.listRefundRequests(this.db, { id: requestId, buyerId, limit: 1, offset: 0 });
    if (!row) throw notFound('REFUND_REQUEST_NOT_FOUND', `refund request ${requestId} does not exist`);
    return row;
  }

  /** The refund a request leads to, once (keyed by the request); refused: the claim is let go so another decision can be made at once. */
  private async openRefund(actorId: number, request: RequestRow, from: RefundRequestStatus, release: () => Promise<unknown>): Promise<number> {
    const { refund } = await this.refunds
      .createRefund(actorId, request.order_id, { lines: request.lines as Array<{ lineId: number; amountFen: number }>, shippingFen: request.shipping_fen, reason: request.reason, idempotencyKey: `refund-request-${request.id}` })
      .catch(async (error: unknown) => {
        if (error instanceof AppError) await release();
        throw error;
      });
    await inTransaction(this.db, async (tx) => {
      const approved = await tx.updateTable('refund_requests').set({ status: 'approved', refund_id: refund.id, closed_at: this.clock.now() }).where('id', '=', request.id).where('status', '=', from).executeTakeFirst();
      // held until the provider settles the refund (refunds.ts lets go then)
      if (Number(approved.numUpdatedRows) > 0) await settleAfterSalesHold(tx, this.commission, request.order_id);
    });
    return refund.id;
  }

  private async notClaimable(requestId: number, expected: RefundRequestStatus, buyerId?: number): Promise<AppError> {
    let q = this.db.selectFrom('refund_requests').select('status').where('id', '=', requestId);
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const request = await q.executeTakeFirst();
    if (!request) return notFound('REFUND_REQUEST_NOT_FOUND', `refund request ${requestId} does not exist`);
    return conflict('REFUND_REQUEST_REVIEWED', request.status === expected ? 'another reviewer is deciding this request' : `the request is ${request.status}`);
  }
}

