// Payment and the unpaid order's end: paid once under the rule version in force (commission, the
// tree's sales, the earning participants and then the others' inline hooks, in the payment's
// transaction; their deferred hooks through the outbox, effects.ts), or cancelled by the buyer /
// closed by the job with its stock and participants' holds given back.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { inTransaction, type Tx } from '../../db/database.js';
import { badRequest, notFound } from '../../errors.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderEffects } from './effects.js';
import { paidOrderEarning, type AfterCommit, type PaidOrder, type PaidOrderEarning } from './participants.js';
import type { OrderReads } from './reads.js';
import { assertTransition, canTransition, statusesFor } from './states.js';
import { unpaidDue } from './unpaid.js';

export class OrderPayment extends OrdersPart {
  constructor(
    deps: OrdersDeps,
    private readonly reads: OrderReads,
    private readonly effects: OrderEffects,
  ) {
    super(deps);
  }

  async cancel(buyerId: number, orderId: number) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select(['status']).where('id', '=', orderId).where('buyer_id', '=', buyerId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      assertTransition(order.status, 'close');
      await this.closeUnpaidIn(tx, orderId, buyerId);
    });
    return this.reads.get(this.db, orderId, buyerId);
  }

  /**
   * The job: closes orders left unpaid longer than the rules' window (未付款自动关闭), giving back
   * their stock and whatever participants took (a coupon, dealer stock). Claimed with SKIP LOCKED, so
   * several instances share the work; a payment that still arrives finds the order closed and is
   * kept as a refund due, as for any closed order.
   */
  async closeUnpaid(batchSize = 200): Promise<{ closed: number }> {
    const { unpaidCloseMinutes } = (await this.rules.current(this.db)).config.order;
    const now = this.clock.now();
    let closed = 0;
    for (;;) {
      const batch = await inTransaction(this.db, async (tx) => {
        // also orders past their own pay-by time (a campaign's), when the rules never close (0)
        const due = await unpaidDue(tx, now, unpaidCloseMinutes).select(['id', 'buyer_id']).limit(batchSize).forUpdate().skipLocked().execute();
        for (const order of due) await this.closeUnpaidIn(tx, order.id, order.buyer_id);
        return due.length;
      });
      closed += batch;
      if (batch < batchSize) return { closed };
    }
  }

  /** Closes a locked unpaid order: its stock back, its participants told. */
  private async closeUnpaidIn(tx: Tx, orderId: number, buyerId: number): Promise<void> {
    // what the catalog took back to the catalog; a campaign's own stock goes back through its participant's onClosed
    const lines = await tx.selectFrom('order_lines').select(['sku_id as skuId', 'quantity']).where('order_id', '=', orderId).where('catalog_stock', '=', true).execute();
    await this.catalog.release(tx, lines);
    const now = this.clock.now();
    await tx.updateTable('orders').set({ status: 'closed', closed_at: now }).where('id', '=', orderId).execute();
    for (const participant of this.participants) await participant.onClosed?.(tx, { orderId, buyerId, at: now });
  }

  /**
   * The payment provider confirmed payment. Marks the order paid once, under the rule version in
   * force now, and pays commission in the same transaction. A repeat returns 'duplicate'.
   */
  async markPaid(tx: Tx, orderId: number, amountFen: number, afterCommit: AfterCommit): Promise<'paid' | 'already_paid' | 'order_closed'> {
    const now = this.clock.now();
    // one statement on the usual path (the payment waits on each round trip): mark it paid under the
    // rule version in force now (the newest, as rules.current reads it) and return it with its lines.
    // Only when nothing matched does a second read tell why.
    const order = await tx
      .updateTable('orders')
      .set({ status: 'paid', paid_fen: amountFen, paid_at: now, rule_version_id: sql<number>`(select max(id) from rule_versions)` })
      .where('id', '=', orderId)
      .where('status', 'in', statusesFor('pay'))
      .where('payable_fen', '=', amountFen)
      .returningAll()
      .returning((eb) =>
        jsonArrayFrom(
          eb.selectFrom('order_lines as l').select(['l.id', 'l.product_id', 'l.sku_id', 'l.quantity', 'l.unit_price_fen', 'l.paid_fen', 'l.commission_override']).whereRef('l.order_id', '=', 'orders.id').orderBy('l.id'),
        ).as('lines'),
      )
      .executeTakeFirst();
    if (!order) return this.whyNotPaid(tx, orderId, amountFen);
    const version = await this.rules.byId(tx, order.rule_version_id!);
    const lines = order.lines;
    const goodsPaidFen = lines.reduce((s, l) => s + l.paid_fen, 0);
    // binding first: a first-order binding takes the tree lock exclusively, and the sale then counts for the new team
    await this.referral.onOrderPaid(tx, order.buyer_id, order.sharer_id, version.config);
    await this.referral.recordSale(tx, order.buyer_id, { paidFen: goodsPaidFen, orders: 1 });
    const commissionLines = lines.map((l) => ({ lineId: l.id, productId: l.product_id, skuId: l.sku_id, quantity: l.quantity, paidFen: l.paid_fen }));
    // a line's own commission terms (a campaign's, set at checkout) come before the rules' overrides
    const distribution = await this.commission.earnForPaidOrder(tx, { id: orderId, buyerId: order.buyer_id }, lines.map((l, i) => ({ ...commissionLines[i]!, override: l.commission_override })), version, afterCommit);
    // an order belongs to the region it ships to, or to its pickup store's region
    const stores = this.deps.pickupStores.current;
    const regionCode = order.store_id && stores ? await stores.regionOf(tx, order.store_id) : order.region_code;
    const paying = { orderId, buyerId: order.buyer_id, regionCode, lines: commissionLines, ruleVersion: version };
    const awards: PaidOrderEarning[] = [];
    for (const participant of this.participants) if (participant.earnOnPaid) awards.push(...(await participant.earnOnPaid(tx, paying, afterCommit)));
    const promotion = version.config.distributor;
    let buyerPromoted = false;
    if (promotion.mode === 'first_purchase' || promotion.mode === 'spend_threshold') {
      const spent = await tx
        .selectFrom('orders')
        .select(sql<number>`coalesce(sum(paid_fen - refunded_fen), 0)`.as('fen'))
        .where('buyer_id', '=', order.buyer_id)
        .where('paid_at', 'is not', null)
        .executeTakeFirstOrThrow();
      buyerPromoted = await this.members.promoteAfterPurchase(tx, order.buyer_id, spent.fen, promotion);
    }
    if (order.delivery_method === 'pickup') await this.issuePickupCode(tx, orderId, order.store_id!);
    if (this.participants.length) {
      const paid: PaidOrder = {
        orderId,
        buyerId: order.buyer_id,
        sharerId: order.sharer_id,
        source: order.source,
        storeId: order.store_id,
        commissionChain: distribution.chain.map((c) => ({ memberId: c.memberId, level: c.level })),
        coreEarnings: [
          ...distribution.earned.map((e) => paidOrderEarning(e, 'distribution')),
          ...awards,
        ],
        paidFen: amountFen,
        goodsPaidFen,
        lines: lines.map((l) => ({ lineId: l.id, productId: l.product_id, skuId: l.sku_id, quantity: l.quantity, unitPriceFen: l.unit_price_fen, paidFen: l.paid_fen })),
        ruleVersion: version,
        paidAt: now,
        buyerPromoted,
        campaign: order.campaign,
      };
      for (const participant of this.participants) await participant.onPaid?.(tx, paid, afterCommit);
      // what moves no money (points, growth points, leaderboards, tier checks): one outbox row, expanded after the commit
      await this.effects.recordPaid(tx, paid, afterCommit);
    }
    afterCommit(() => this.bus.publish('order.paid', { orderId, buyerId: order.buyer_id, paidFen: amountFen, at: now }));
    return 'paid';
  }

  /** The guarded update matched nothing: the order is missing, closed, already paid, or the amount is wrong. */
  private async whyNotPaid(tx: Tx, orderId: number, amountFen: number): Promise<'already_paid' | 'order_closed'> {
    const current = await tx.selectFrom('orders').select(['status', 'payable_fen']).where('id', '=', orderId).executeTakeFirst();
    if (!current) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    if (current.status === 'closed') return 'order_closed';
    if (!canTransition(current.status, 'pay')) return 'already_paid';
    throw badRequest('PAYMENT_AMOUNT_MISMATCH', `paid ${amountFen} fen but the order is ${current.payable_fen} fen`);
  }

  private async issuePickupCode(tx: Tx, orderId: number, storeId: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const code = String(randomInt(0, 100_000)).padStart(5, '0') + String(randomInt(0, 100_000)).padStart(5, '0');
      const row = await tx
        .insertInto('pickup_codes')
        .values({ order_id: orderId, store_id: storeId, code, created_at: this.clock.now() })
        .onConflict((oc) => oc.doNothing())
        .returning('order_id')
        .executeTakeFirst();
      if (row) return;
      // a code collision (1 in 10^10 per live code) is retried; an existing code for this order is kept
      const existing = await tx.selectFrom('pickup_codes').select('order_id').where('order_id', '=', orderId).executeTakeFirst();
      if (existing || attempt > 5) return;
    }
  }
}
