// Fulfilment: shipped by HQ in one or more parcels (parcels.ts), received by the buyer or HQ, by
// itself some days after the last parcel (自动确认收货, once extendable by the buyer), or picked up at
// a store with its code (核销); completion starts the return window (the freeze) and tells the participants.
import { inTransaction, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderParcels, ParcelInput, ParcelShipper } from './parcels.js';
import type { OrderReads } from './reads.js';
import { assertTransition, canTransition } from './states.js';
import { OPEN_REFUND_REQUEST_STATUSES } from './tables.js';

const DAY_MS = 86_400_000;

export class OrderFulfilment extends OrdersPart {
  constructor(deps: OrdersDeps, private readonly reads: OrderReads, private readonly parcels: OrderParcels) {
    super(deps);
  }

  /**
   * Store staff verify a pickup code (核销): once only — the code row is locked, so a second
   * attempt, even a simultaneous one, is refused. Redemption completes the order, starting the freeze.
   */
  async redeemPickup(staffId: number, code: string, isStaff: (ex: Executor, storeId: number, memberId: number) => Promise<boolean>) {
    const orderId = await inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('pickup_codes').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
      // an unknown code and another store's code look the same to staff
      if (!row || !(await isStaff(tx, row.store_id, staffId))) throw notFound('PICKUP_CODE_NOT_FOUND', 'no such pickup code at your store');
      if (row.redeemed_at) throw conflict('PICKUP_ALREADY_REDEEMED', `this code was already redeemed at ${row.redeemed_at.toISOString()}`);
      // handing goods over is shipping them: a participant that holds shipping (a group not yet
      // complete) holds the pickup too
      for (const participant of this.participants) await participant.assertShippable?.(tx, row.order_id);
      await tx.updateTable('pickup_codes').set({ redeemed_at: this.clock.now(), redeemed_by: staffId }).where('order_id', '=', row.order_id).execute();
      await this.completeIn(tx, row.order_id);
      return row.order_id;
    });
    return this.reads.get(this.db, orderId, undefined, false);
  }

  /**
   * Shipped: paid → shipped, with the parcels that leave now (none for goods that need no carrier,
   * 无需物流). The automatic receipt is due the rules' autoReceiveDays later. Shipped by a member of
   * HQ (actorId), audited as order.ship; batch: the upload's file and row it came from (batch-shipping.ts).
   */
  async ship(orderId: number, options: { parcels?: ParcelInput[]; actorId?: number | null; batch?: { file: string; rows: number[] } } = {}) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select(['status', 'delivery_method']).where('id', '=', orderId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      assertTransition(order.status, 'ship');
      for (const participant of this.participants) await participant.assertShippable?.(tx, orderId);
      if (order.delivery_method === 'pickup' && options.parcels?.length) throw conflict('ORDER_IS_PICKUP', 'a pickup order is handed over at the store, not shipped');
      const now = this.clock.now();
      if (options.parcels?.length) await this.parcels.addIn(tx, orderId, options.parcels, { kind: 'hq', actorId: options.actorId ?? null }, now);
      const { autoReceiveDays } = (await this.rules.current(tx)).config.order;
      await tx
        .updateTable('orders')
        .set({ status: 'shipped', shipped_at: now, receive_due_at: autoReceiveDays > 0 ? new Date(now.getTime() + autoReceiveDays * DAY_MS) : null })
        .where('id', '=', orderId)
        .execute();
      if (options.actorId != null) {
        const parcels = (options.parcels ?? []).map((p) => ({ carrierCode: p.carrierCode ?? null, carrierName: p.carrierName ?? null, trackingNo: p.trackingNo }));
        await this.audit.record(tx, { actorId: options.actorId, action: 'order.ship', targetType: 'order', targetId: orderId, before: { status: order.status }, after: { status: 'shipped', parcels, ...(options.batch ? { batch: options.batch } : {}) } });
      }
    });
    return this.reads.get(this.db, orderId, undefined, true);
  }

  /**
   * More parcels: part of a paid order leaves (the order stays paid until it is shipped), or a late
   * parcel of a shipped one (its automatic receipt is pushed back to count from this parcel).
   */
  async addParcels(orderId: number, parcels: ParcelInput[], actorId: number | null) {
    await inTransaction(this.db, (tx) => this.addParcelsIn(tx, orderId, parcels, { kind: 'hq', actorId }));
    return this.reads.get(this.db, orderId, undefined, true);
  }

  /** The same in the caller's transaction; the order row is locked here. A supplier's shipment records its parcel this way. */
  async addParcelsIn(tx: Tx, orderId: number, parcels: ParcelInput[], by: ParcelShipper) {
    const order = await tx.selectFrom('orders').select(['status', 'delivery_method', 'receive_due_at', 'receive_extended_at']).where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    if (order.delivery_method === 'pickup') throw conflict('ORDER_IS_PICKUP', 'a pickup order is handed over at the store, not shipped');
    if (order.status !== 'shipped' && !canTransition(order.status, 'ship')) throw conflict('ORDER_NOT_SHIPPABLE', `an order that is ${order.status} takes no parcels`);
    for (const participant of this.participants) await participant.assertShippable?.(tx, orderId);
    const now = this.clock.now();
    await this.parcels.addIn(tx, orderId, parcels, by, now);
    if (order.status === 'shipped' && order.receive_due_at) {
      const { autoReceiveDays, receiveExtensionDays } = (await this.rules.current(tx)).config.order;
      const fromThisParcel = now.getTime() + (autoReceiveDays + (order.receive_extended_at ? receiveExtensionDays : 0)) * DAY_MS;
      if (fromThisParcel > order.receive_due_at.getTime()) await tx.updateTable('orders').set({ receive_due_at: new Date(fromThisParcel) }).where('id', '=', orderId).execute();
    }
  }

  /** 延长收货: the buyer pushes the automatic receipt back by the rules' receiveExtensionDays, once. */
  async extendReceipt(orderId: number, buyerId: number) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select(['status', 'receive_due_at', 'receive_extended_at']).where('id', '=', orderId).where('buyer_id', '=', buyerId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      if (order.status !== 'shipped' || !order.receive_due_at) throw conflict('RECEIPT_NOT_EXTENDABLE', 'only a shipped order waiting for its automatic receipt can be extended');
      if (order.receive_extended_at) throw conflict('RECEIPT_ALREADY_EXTENDED', 'the receipt of this order was already extended once');
      const { receiveExtensionDays } = (await this.rules.current(tx)).config.order;
      if (receiveExtensionDays === 0) throw conflict('RECEIPT_NOT_EXTENDABLE', 'this mall does not extend receipts');
      await tx
        .updateTable('orders')
        .set({ receive_due_at: new Date(order.receive_due_at.getTime() + receiveExtensionDays * DAY_MS), receive_extended_at: this.clock.now() })
        .where('id', '=', orderId)
        .execute();
    });
    return this.reads.get(this.db, orderId, buyerId);
  }

  /**
   * The job: shipped orders whose receipt date passed complete by themselves, each in its own
   * transaction and exactly once (the row is locked and its status checked again; another instance
   * skips a locked row). An order with an after-sales request in progress waits with it.
   */
  async autoReceiveDue(limit = 200): Promise<{ completed: number }> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'shipped')
      .where('receive_due_at', '<=', now)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('refund_requests as q').select('q.id').whereRef('q.order_id', '=', 'orders.id').where('q.status', 'in', OPEN_REFUND_REQUEST_STATUSES))))
      .orderBy('receive_due_at')
      .limit(limit)
      .execute();
    let completed = 0;
    for (const { id } of due) {
      const done = await inTransaction(this.db, async (tx) => {
        const order = await tx.selectFrom('orders').select(['status', 'receive_due_at']).where('id', '=', id).forUpdate().skipLocked().executeTakeFirst();
        if (!order || order.status !== 'shipped' || !order.receive_due_at || order.receive_due_at > now) return false;
        const pending = await tx.selectFrom('refund_requests').select('id').where('order_id', '=', id).where('status', 'in', OPEN_REFUND_REQUEST_STATUSES).executeTakeFirst();
        if (pending) return false;
        await this.completeIn(tx, id);
        await this.audit.record(tx, { actorId: null, action: 'order.auto_receive', targetType: 'order', targetId: id, before: { status: 'shipped' }, after: { status: 'completed' }, reason: `receipt due ${order.receive_due_at.toISOString()}` });
        return true;
      });
      if (done) completed++;
    }
    return { completed };
  }

  /** Received: the return window (freeze period) starts now. By the buyer, or by HQ. */
  async complete(orderId: number, buyerId?: number) {
    await inTransaction(this.db, (tx) => this.completeIn(tx, orderId, buyerId));
    return this.reads.get(this.db, orderId, buyerId);
  }

  private async completeIn(tx: Tx, orderId: number, buyerId?: number) {
    let q = tx.selectFrom('orders').select(['status', 'buyer_id']).where('id', '=', orderId);
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const order = await q.forUpdate().executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    assertTransition(order.status, 'complete');
    const now = this.clock.now();
    await tx.updateTable('orders').set({ status: 'completed', completed_at: now }).where('id', '=', orderId).execute();
    await this.commission.freezeForCompletedOrder(tx, orderId, now);
    for (const participant of this.participants) await participant.onCompleted?.(tx, { orderId, buyerId: order.buyer_id, at: now });
  }
}
