// Fulfilment: shipped by HQ, received by the buyer or HQ, or picked up at a store with its code (核销);
// completion starts the return window (the freeze) and tells the participants.
import { inTransaction, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderReads } from './reads.js';
import { assertTransition } from './states.js';

export class OrderFulfilment extends OrdersPart {
  constructor(deps: OrdersDeps, private readonly reads: OrderReads) {
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
      await tx.updateTable('pickup_codes').set({ redeemed_at: this.clock.now(), redeemed_by: staffId }).where('order_id', '=', row.order_id).execute();
      await this.completeIn(tx, row.order_id);
      return row.order_id;
    });
    return this.reads.get(this.db, orderId, undefined, false);
  }

  async ship(orderId: number) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select('status').where('id', '=', orderId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      assertTransition(order.status, 'ship');
      await tx.updateTable('orders').set({ status: 'shipped', shipped_at: this.clock.now() }).where('id', '=', orderId).execute();
    });
    return this.reads.get(this.db, orderId, undefined, true);
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
