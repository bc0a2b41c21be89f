// Orders: checkout with stock, discounts and shipping; payment, completion and refunds drive
// commission in the same transaction as the order change.
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Clock, EventBus } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { OrderSource, OrderStatus, ShippingAddress } from './tables.js';
import { maskName, maskPhone } from '../../privacy.js';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../errors.js';
import { allocateProportionally } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { CommissionService } from '../commission/index.js';
import type { MembersService } from '../members/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RuleConfig, RulesService } from '../rules/index.js';
import { businessNumber } from './numbers.js';
import { createOnce } from '../../db/idempotency.js';
import { randomInt } from 'node:crypto';
import { checkOrderTotal } from './limits.js';
import { assertSameRequest, fingerprintOf, type RequestFields } from './request-fingerprint.js';
import { withCheckoutFingerprint, withCheckoutFingerprintTx } from './tables.js';
import type { AfterCommit, CheckoutContext, OrderParticipant, PaidOrderEarning, PickupStores, RefundedOrderLine } from './participants.js';

export interface CheckoutItem {
  skuId: number;
  quantity: number;
}

export interface CheckoutInput {
  items: CheckoutItem[];
  source?: OrderSource;
  /** the sharer's invite code when the buyer came through a share link or poster */
  sharerInviteCode?: string;
  /** the client's key for this checkout: retrying it returns the same order */
  checkoutKey: string;
  shippingAddress?: ShippingAddress;
  /** pickup at a store (no shipping fee) instead of express delivery */
  pickupStoreId?: number;
  /** a coupon the buyer holds (the promotions module prices it) */
  couponId?: number;
  /** bought in an order-dealer's shop, from its virtual stock (the dealers module checks it) */
  dealerShopId?: number;
}

export interface PricedLine {
  skuId: number;
  productId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
}

export interface Quote {
  lines: PricedLine[];
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  payableFen: number;
}

export interface RefundInput {
  lines: Array<{ lineId: number; amountFen: number }>;
  shippingFen?: number;
  reason: string;
  idempotencyKey: string;
}

/** Prices lines: the best full-reduction tier the goods reach is split across lines by their value. */
export function priceLines(skus: Array<Omit<PricedLine, 'discountFen' | 'paidFen'>>, rules: RuleConfig['order']): Quote {
  const gross = skus.map((s) => s.unitPriceFen * s.quantity);
  const goodsFen = gross.reduce((a, b) => a + b, 0);
  const tier = rules.fullReduction
    .filter((t) => goodsFen >= t.thresholdFen)
    .sort((a, b) => b.offFen - a.offFen)[0];
  const discountFen = Math.min(tier?.offFen ?? 0, goodsFen);
  const shares = allocateProportionally(discountFen, gross);
  const lines = skus.map((s, i) => ({ ...s, discountFen: shares[i], paidFen: gross[i] - shares[i] }));
  const freeShipping = rules.freeShippingMinFen > 0 && goodsFen >= rules.freeShippingMinFen;
  const shippingFen = freeShipping ? 0 : rules.shippingFen;
  return { lines, goodsFen, discountFen, shippingFen, payableFen: goodsFen - discountFen + shippingFen };
}

const ORDER_COLUMNS = [
  'id',
  'order_no as orderNo',
  'buyer_id as buyerId',
  'status',
  'goods_fen as goodsFen',
  'discount_fen as discountFen',
  'shipping_fen as shippingFen',
  'payable_fen as payableFen',
  'paid_fen as paidFen',
  'refunded_fen as refundedFen',
  'source',
  'sharer_id as sharerId',
  'rule_version_id as ruleVersionId',
  'paid_at as paidAt',
  'shipped_at as shippedAt',
  'completed_at as completedAt',
  'closed_at as closedAt',
  'created_at as createdAt',
] as const;

const ORDER_LINE_COLUMNS = ['id', 'product_id as productId', 'sku_id as skuId', 'title', 'quantity', 'unit_price_fen as unitPriceFen', 'discount_fen as discountFen', 'paid_fen as paidFen', 'refunded_fen as refundedFen'] as const;
const REFUND_COLUMNS = ['id', 'refund_no as refundNo', 'status', 'amount_fen as amountFen', 'shipping_fen as shippingFen', 'reason', 'created_at as createdAt', 'completed_at as completedAt'] as const;

/** An order as its buyer or HQ reads it (get()). */
export type OrderView = Awaited<ReturnType<OrdersService['get']>>;

/** how long an approval's claim on a refund request holds before another review may take it over */
const REVIEW_CLAIM_MS = 2 * 60_000;

export class OrdersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly catalog: CatalogService,
    private readonly rules: RulesService,
    private readonly commission: CommissionService,
    private readonly referral: ReferralService,
    private readonly members: MembersService,
    private readonly audit: AuditService,
  ) {}

  private readonly participants: OrderParticipant[] = [];

  /** Another module takes part in every order from now on (see participants.ts); pricing runs in this order. */
  addParticipant(participant: OrderParticipant): void {
    this.participants.push(participant);
  }

  private pickupStores: PickupStores | undefined;

  /** The stores module says which stores take pickup orders and where they are (participants.ts). */
  providePickupStores(stores: PickupStores): void {
    this.pickupStores = stores;
  }

  /** Prices items at today's prices without taking stock: the dry run and the cart use it. */
  async quote(ex: Executor, items: CheckoutItem[], rules: RuleConfig): Promise<Quote> {
    validateItems(items);
    const rows = await ex
      .selectFrom('product_skus as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['s.id', 's.product_id', 's.name', 's.price_fen', 'p.title'])
      .where('s.id', 'in', items.map((i) => i.skuId))
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const quote = priceLines(
      items.map((item) => {
        const row = byId.get(item.skuId);
        if (!row) throw unprocessable('SKU_NOT_FOUND', `sku ${item.skuId} does not exist`);
        return { skuId: row.id, productId: row.product_id, title: `${row.title} ${row.name}`.trim(), quantity: item.quantity, unitPriceFen: row.price_fen };
      }),
      rules.order,
    );
    checkOrderTotal(quote);
    return quote;
  }

  /** What checkout would charge this buyer now, with every participant's pricing; takes nothing. */
  async quoteFor(buyerId: number, input: Omit<CheckoutInput, 'checkoutKey' | 'source' | 'shippingAddress'>): Promise<Quote> {
    return inTransaction(this.db, async (tx) => {
      const rules = (await this.rules.current(tx)).config;
      const sharer = input.sharerInviteCode ? await this.referral.memberByInviteCode(tx, input.sharerInviteCode) : undefined;
      let quote = await this.quote(tx, input.items, input.pickupStoreId !== undefined ? { ...rules, order: { ...rules.order, shippingFen: 0 } } : rules);
      const context: CheckoutContext = { buyerId, input: { ...input, checkoutKey: 'quote' }, sharerId: sharer && sharer.id !== buyerId ? sharer.id : null, now: this.clock.now() };
      // pricing hooks only read, so the same transaction serves a quote
      for (const participant of this.participants) if (participant.priceCheckout) quote = await participant.priceCheckout(tx, context, quote);
      checkOrderTotal(quote);
      return quote;
    });
  }

  async checkout(buyerId: number, input: CheckoutInput) {
    validateItems(input.items);
    const checkoutKey = `${buyerId}:${input.checkoutKey}`;
    const fingerprint = fingerprintOf(checkoutFields(input));
    // a replay is found by the unique checkout key when its insert collides (and everything it did
    // rolls back); looking it up first would cost every first checkout a round trip. It answers the
    // key's order only when it is the same checkout (orders older than fingerprints always are)
    const findExisting = async () => {
      const existing = await withCheckoutFingerprint(this.db).selectFrom('orders').select(['id', 'checkout_fingerprint']).where('checkout_key', '=', checkoutKey).executeTakeFirst();
      if (!existing) return undefined;
      if (existing.checkout_fingerprint) assertSameRequest('checkout', existing.checkout_fingerprint, fingerprint, CHECKOUT_FIELDS);
      return this.get(this.db, existing.id, buyerId);
    };
    const replayed = async (error: unknown) => {
      // a replay of a checkout whose stock or coupon the first one took fails on those checks before
      // its insert could collide: it still answers with the order the key made
      const lookUp = error instanceof AppError && error.code !== 'IDEMPOTENCY_KEY_REUSED';
      const existing = lookUp ? await findExisting() : undefined;
      if (existing === undefined) throw error;
      return existing;
    };
    return createOnce('orders_checkout_key_key', () => inTransaction(this.db, async (tx) => {
      const rules = (await this.rules.current(tx)).config;
      const sharer = input.sharerInviteCode ? await this.referral.memberByInviteCode(tx, input.sharerInviteCode) : undefined;
      if (input.sharerInviteCode && !sharer) throw unprocessable('INVITE_CODE_NOT_FOUND', 'the sharer’s invite code does not exist');
      if (input.pickupStoreId !== undefined) {
        const open = this.pickupStores ? await this.pickupStores.isOpen(tx, input.pickupStoreId) : false;
        if (!open) throw unprocessable('STORE_NOT_AVAILABLE', 'this store does not take pickup orders');
      }
      const reserved = await this.catalog.reserve(tx, input.items);
      let quote = priceLines(reserved, input.pickupStoreId !== undefined ? { ...rules.order, shippingFen: 0 } : rules.order);
      checkOrderTotal(quote);
      const now = this.clock.now();
      const context: CheckoutContext = { buyerId, input, sharerId: sharer && sharer.id !== buyerId ? sharer.id : null, now };
      for (const participant of this.participants) if (participant.priceCheckout) quote = await participant.priceCheckout(tx, context, quote);
      checkQuote(quote);
      checkOrderTotal(quote);
      const order = await withCheckoutFingerprintTx(tx)
        .insertInto('orders')
        .values({
          order_no: businessNumber('', now),
          buyer_id: buyerId,
          goods_fen: quote.goodsFen,
          discount_fen: quote.discountFen,
          shipping_fen: quote.shippingFen,
          payable_fen: quote.payableFen,
          source: input.source ?? (sharer ? 'share_link' : 'direct'),
          sharer_id: sharer && sharer.id !== buyerId ? sharer.id : null,
          checkout_key: checkoutKey,
          checkout_fingerprint: JSON.stringify(fingerprint),
          shipping_address: input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
          region_code: input.shippingAddress?.regionCode ?? null,
          delivery_method: input.pickupStoreId !== undefined ? 'pickup' : 'express',
          store_id: input.pickupStoreId ?? null,
          created_at: now,
        })
        .returning([...ORDER_COLUMNS, 'shipping_address as shippingAddress', 'delivery_method as deliveryMethod', 'store_id as storeId'])
        .executeTakeFirstOrThrow();
      const lines = await tx
        .insertInto('order_lines')
        .values(
          quote.lines.map((l) => ({
            order_id: order.id,
            product_id: l.productId,
            sku_id: l.skuId,
            title: l.title,
            quantity: l.quantity,
            unit_price_fen: l.unitPriceFen,
            discount_fen: l.discountFen,
            paid_fen: l.paidFen,
          })),
        )
        .returning(ORDER_LINE_COLUMNS)
        .execute();
      for (const participant of this.participants) await participant.afterCheckout?.(tx, { ...context, orderId: order.id }, quote);
      // what get() would read back, from what this transaction just wrote: a new order has no refunds
      // and no pickup code yet, and the buyer sees their own consignee
      lines.sort((a, b) => a.id - b.id);
      const view: OrderView = { ...order, shippingAddress: order.shippingAddress as ShippingAddress | null, pickup: null, lines, refunds: [] };
      return view;
    }), findExisting).catch(replayed);
  }

  /** An order with its lines and refunds; the consignee is masked unless `showConsignee`. */
  async get(ex: Executor, orderId: number, buyerId?: number, showConsignee = buyerId !== undefined) {
    let q = ex.selectFrom('orders').select([...ORDER_COLUMNS, 'shipping_address as shippingAddress', 'delivery_method as deliveryMethod', 'store_id as storeId']).where('id', '=', orderId);
    // a buyer asking for someone else's order learns nothing, not even that it exists
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const order = await q.executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const [lines, refunds] = await Promise.all([
      ex.selectFrom('order_lines').select(ORDER_LINE_COLUMNS).where('order_id', '=', orderId).orderBy('id').execute(),
      ex.selectFrom('refunds').select(REFUND_COLUMNS).where('order_id', '=', orderId).orderBy('id').execute(),
    ]);
    // the pickup code is the buyer's to show at the store, nobody else's
    const pickup =
      order.deliveryMethod === 'pickup' && buyerId !== undefined
        ? await ex.selectFrom('pickup_codes').select(['code', 'redeemed_at as redeemedAt']).where('order_id', '=', orderId).executeTakeFirst()
        : undefined;
    const address = order.shippingAddress as ShippingAddress | null;
    const shippingAddress = address && !showConsignee ? { ...address, name: maskName(address.name), phone: maskPhone(address.phone) } : address;
    return { ...order, shippingAddress, pickup: pickup ?? null, lines, refunds };
  }

  /** What paying needs of a buyer's order, in one read: its status, amount and a description of its lines. */
  /** closesAt: when the unpaid-order job will close it (providers are told to stop taking money then). */
  async payable(ex: Executor, orderId: number, buyerId: number): Promise<{ status: OrderStatus; payableFen: number; description: string; closesAt: Date | null }> {
    const { unpaidCloseMinutes } = (await this.rules.current(ex)).config.order;
    const order = await ex
      .selectFrom('orders as o')
      .select([
        'o.status',
        'o.created_at as createdAt',
        'o.payable_fen as payableFen',
        sql<string>`coalesce((select string_agg(l.title, '，' order by l.id) from order_lines l where l.order_id = o.id), '')`.as('description'),
      ])
      .where('o.id', '=', orderId)
      .where('o.buyer_id', '=', buyerId)
      .executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const { createdAt, ...rest } = order;
    return { ...rest, closesAt: unpaidCloseMinutes > 0 ? new Date(new Date(createdAt).getTime() + unpaidCloseMinutes * 60_000) : null };
  }

  async list(ex: Executor, filter: { buyerId?: number; status?: OrderStatus; q?: string; limit: number; offset: number }) {
    let q = ex.selectFrom('orders as o').innerJoin('members as b', 'b.id', 'o.buyer_id').select([
      'o.id',
      'o.order_no as orderNo',
      'o.buyer_id as buyerId',
      'b.nickname as buyerNickname',
      'b.phone as buyerPhone',
      'o.status',
      'o.payable_fen as payableFen',
      'o.paid_fen as paidFen',
      'o.refunded_fen as refundedFen',
      'o.source',
      'o.created_at as createdAt',
      'o.paid_at as paidAt',
      sql<string>`(select string_agg(l.title || ' ×' || l.quantity, '，' order by l.id) from order_lines l where l.order_id = o.id)`.as('summary'),
    ]);
    if (filter.buyerId !== undefined) q = q.where('o.buyer_id', '=', filter.buyerId);
    if (filter.status) q = q.where('o.status', '=', filter.status);
    if (filter.q) q = q.where('o.order_no', 'like', `${filter.q.replace(/[\\%_]/g, '')}%`);
    return q.orderBy('o.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  async hasPaidOrders(ex: Executor, memberId: number): Promise<boolean> {
    const row = await ex.selectFrom('orders').select('id').where('buyer_id', '=', memberId).where('paid_at', 'is not', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async cancel(buyerId: number, orderId: number) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select(['status']).where('id', '=', orderId).where('buyer_id', '=', buyerId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      if (order.status !== 'pending_payment') throw conflict('ORDER_NOT_CANCELLABLE', `an order that is ${order.status} cannot be cancelled`);
      await this.closeUnpaidIn(tx, orderId, buyerId);
    });
    return this.get(this.db, orderId, buyerId);
  }

  /**
   * The job: closes orders left unpaid longer than the rules' window (未付款自动关闭), giving back
   * their stock and whatever participants took (a coupon, dealer stock). Claimed with SKIP LOCKED, so
   * several instances share the work; a payment that still arrives finds the order closed and is
   * kept as a refund due, as for any closed order.
   */
  async closeUnpaid(batchSize = 200): Promise<{ closed: number }> {
    const { unpaidCloseMinutes } = (await this.rules.current(this.db)).config.order;
    if (unpaidCloseMinutes === 0) return { closed: 0 };
    const cutoff = new Date(this.clock.now().getTime() - unpaidCloseMinutes * 60_000);
    let closed = 0;
    for (;;) {
      const batch = await inTransaction(this.db, async (tx) => {
        const due = await tx
          .selectFrom('orders')
          .select(['id', 'buyer_id'])
          .where('status', '=', 'pending_payment')
          .where('created_at', '<', cutoff)
          .orderBy('created_at')
          .limit(batchSize)
          .forUpdate()
          .skipLocked()
          .execute();
        for (const order of due) await this.closeUnpaidIn(tx, order.id, order.buyer_id);
        return due.length;
      });
      closed += batch;
      if (batch < batchSize) return { closed };
    }
  }

  /** The unpaid orders the next close sweep would close: their payments are asked about first (a lost callback). */
  async dueForClose(ex: Executor, limit = 200): Promise<number[]> {
    const { unpaidCloseMinutes } = (await this.rules.current(ex)).config.order;
    if (unpaidCloseMinutes === 0) return [];
    const cutoff = new Date(this.clock.now().getTime() - unpaidCloseMinutes * 60_000);
    const rows = await ex.selectFrom('orders').select('id').where('status', '=', 'pending_payment').where('created_at', '<', cutoff).orderBy('created_at').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Closes a locked unpaid order: its stock back, its participants told. */
  private async closeUnpaidIn(tx: Tx, orderId: number, buyerId: number): Promise<void> {
    const lines = await tx.selectFrom('order_lines').select(['sku_id as skuId', 'quantity']).where('order_id', '=', orderId).execute();
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
      .where('status', '=', 'pending_payment')
      .where('payable_fen', '=', amountFen)
      .returningAll()
      .returning((eb) =>
        jsonArrayFrom(
          eb.selectFrom('order_lines as l').select(['l.id', 'l.product_id', 'l.sku_id', 'l.quantity', 'l.unit_price_fen', 'l.paid_fen']).whereRef('l.order_id', '=', 'orders.id').orderBy('l.id'),
        ).as('lines'),
      )
      .executeTakeFirst();
    if (!order) {
      const current = await tx.selectFrom('orders').select(['status', 'payable_fen']).where('id', '=', orderId).executeTakeFirst();
      if (!current) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      if (current.status === 'closed') return 'order_closed';
      if (current.status !== 'pending_payment') return 'already_paid';
      throw badRequest('PAYMENT_AMOUNT_MISMATCH', `paid ${amountFen} fen but the order is ${current.payable_fen} fen`);
    }
    const version = await this.rules.byId(tx, order.rule_version_id!);
    const lines = order.lines;
    const goodsPaidFen = lines.reduce((s, l) => s + l.paid_fen, 0);
    // binding first: a first-order binding takes the tree lock exclusively, and the sale then counts for the new team
    await this.referral.onOrderPaid(tx, order.buyer_id, order.sharer_id, version.config);
    await this.referral.recordSale(tx, order.buyer_id, { paidFen: goodsPaidFen, orders: 1 });
    const commissionLines = lines.map((l) => ({ lineId: l.id, productId: l.product_id, skuId: l.sku_id, quantity: l.quantity, paidFen: l.paid_fen }));
    const distribution = await this.commission.earnForPaidOrder(tx, { id: orderId, buyerId: order.buyer_id }, commissionLines, version, afterCommit);
    // an order belongs to the region it ships to, or to its pickup store's region
    const regionCode = order.store_id && this.pickupStores ? await this.pickupStores.regionOf(tx, order.store_id) : order.region_code;
    const paying = { orderId, buyerId: order.buyer_id, regionCode, lines: commissionLines, ruleVersion: version };
    const awards: PaidOrderEarning[] = [];
    for (const participant of this.participants) if (participant.earnOnPaid) awards.push(...(await participant.earnOnPaid(tx, paying, afterCommit)));
    const promotion = version.config.distributor;
    if (promotion.mode === 'first_purchase' || promotion.mode === 'spend_threshold') {
      const spent = await tx
        .selectFrom('orders')
        .select(sql<number>`coalesce(sum(paid_fen - refunded_fen), 0)`.as('fen'))
        .where('buyer_id', '=', order.buyer_id)
        .where('paid_at', 'is not', null)
        .executeTakeFirstOrThrow();
      await this.members.promoteAfterPurchase(tx, order.buyer_id, spent.fen, promotion);
    }
    if (order.delivery_method === 'pickup') await this.issuePickupCode(tx, orderId, order.store_id!);
    if (this.participants.length) {
      const paid = {
        orderId,
        buyerId: order.buyer_id,
        sharerId: order.sharer_id,
        source: order.source,
        storeId: order.store_id,
        commissionChain: distribution.chain.map((c) => ({ memberId: c.memberId, level: c.level })),
        coreEarnings: [
          ...distribution.earned.map((e) => ({ ...coreEarning(e), kind: 'distribution' as const })),
          ...awards,
        ],
        paidFen: amountFen,
        goodsPaidFen,
        lines: lines.map((l) => ({ lineId: l.id, productId: l.product_id, skuId: l.sku_id, quantity: l.quantity, unitPriceFen: l.unit_price_fen, paidFen: l.paid_fen })),
        ruleVersion: version,
        paidAt: now,
      };
      for (const participant of this.participants) await participant.onPaid?.(tx, paid, afterCommit);
    }
    afterCommit(() => this.bus.publish('order.paid', { orderId, buyerId: order.buyer_id, paidFen: amountFen, at: now }));
    return 'paid';
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
    return this.get(this.db, orderId, undefined, false);
  }

  async ship(orderId: number) {
    await inTransaction(this.db, async (tx) => {
      const order = await tx.selectFrom('orders').select('status').where('id', '=', orderId).forUpdate().executeTakeFirst();
      if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      if (order.status !== 'paid') throw conflict('ORDER_NOT_SHIPPABLE', `an order that is ${order.status} cannot be shipped`);
      await tx.updateTable('orders').set({ status: 'shipped', shipped_at: this.clock.now() }).where('id', '=', orderId).execute();
    });
    return this.get(this.db, orderId, undefined, true);
  }

  /** Received: the return window (freeze period) starts now. By the buyer, or by HQ. */
  async complete(orderId: number, buyerId?: number) {
    await inTransaction(this.db, (tx) => this.completeIn(tx, orderId, buyerId));
    return this.get(this.db, orderId, buyerId);
  }

  private async completeIn(tx: Tx, orderId: number, buyerId?: number) {
    let q = tx.selectFrom('orders').select(['status', 'buyer_id']).where('id', '=', orderId);
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const order = await q.forUpdate().executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    if (order.status !== 'paid' && order.status !== 'shipped') throw conflict('ORDER_NOT_COMPLETABLE', `an order that is ${order.status} cannot be completed`);
    const now = this.clock.now();
    await tx.updateTable('orders').set({ status: 'completed', completed_at: now }).where('id', '=', orderId).execute();
    await this.commission.freezeForCompletedOrder(tx, orderId, now);
    for (const participant of this.participants) await participant.onCompleted?.(tx, { orderId, buyerId: order.buyer_id, at: now });
  }

  /**
   * HQ support opens a refund of some lines (and shipping). Amounts may not exceed what is left
   * after other refunds, including ones still processing. The provider is asked separately.
   */
  async createRefund(actorId: number | null, orderId: number, input: RefundInput) {
    const idempotencyKey = `${orderId}:${input.idempotencyKey}`;
    // a replay answers the key's refund only when it refunds the same lines, amounts and shipping
    const replayOf = async (ex: Executor) => {
      const refund = await ex.selectFrom('refunds').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      if (!refund) return undefined;
      assertSameRequest('refund', await this.refundFields(ex, refund), refundFields(input));
      return { refund, duplicate: true };
    };
    return createOnce('refunds_idempotency_key_key', () => inTransaction(this.db, async (tx) => {
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

  private async lockRefundableOrder(tx: Tx, orderId: number, buyerId?: number) {
    const order = await this.lockOrder(tx, orderId, buyerId);
    checkRefundable(order);
    return order;
  }

  /** What may still be refunded: per line, paid minus refunded minus refunds still processing; returns the shipping part. */
  private async checkRefundAmounts(tx: Tx, order: { id: number; order_no: string; shipping_fen: number }, refundLines: RefundInput['lines'], shippingFen: number): Promise<number> {
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

  /** A buyer asks for a refund; support reviews it. One open request per order. */
  async requestRefundByBuyer(buyerId: number, orderId: number, input: { lines: RefundInput['lines']; shippingFen?: number; reason: string }) {
    return inTransaction(this.db, async (tx) => {
      const order = await this.lockRefundableOrder(tx, orderId, buyerId);
      const shippingFen = await this.checkRefundAmounts(tx, order, input.lines, input.shippingFen ?? 0);
      const open = await tx.selectFrom('refund_requests').select('id').where('order_id', '=', orderId).where('status', '=', 'pending').executeTakeFirst();
      if (open) throw conflict('REFUND_REQUEST_OPEN', 'this order already has a refund request under review');
      return tx
        .insertInto('refund_requests')
        .values({ order_id: orderId, buyer_id: buyerId, lines: JSON.stringify(input.lines), shipping_fen: shippingFen, reason: input.reason, created_at: this.clock.now() })
        .returning(['id', 'order_id as orderId', 'status', 'reason', 'created_at as createdAt'])
        .executeTakeFirstOrThrow();
    });
  }

  async listRefundRequests(ex: Executor, filter: { status?: 'pending' | 'approved' | 'rejected'; buyerId?: number; limit: number; offset: number }) {
    let q = ex
      .selectFrom('refund_requests as q')
      .innerJoin('orders as o', 'o.id', 'q.order_id')
      .select(['q.id', 'q.order_id as orderId', 'o.order_no as orderNo', 'q.buyer_id as buyerId', 'q.lines', 'q.shipping_fen as shippingFen', 'q.reason', 'q.status', 'q.refund_id as refundId', 'q.review_reason as reviewReason', 'q.created_at as createdAt', 'q.reviewed_at as reviewedAt']);
    if (filter.status) q = q.where('q.status', '=', filter.status);
    if (filter.buyerId !== undefined) q = q.where('q.buyer_id', '=', filter.buyerId);
    return q.orderBy('q.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  /** Approving opens the refund (idempotently, keyed by the request); rejecting closes the request. */
  /**
   * One review wins: it claims the request first (a rejection decides in the claim itself), so two
   * reviewers at once cannot both be told yes, and the stored status always matches the money. An
   * approval whose refund did not finish can be claimed again after a while; the refund's
   * idempotency key keeps it to one refund.
   */
  async reviewRefundRequest(actorId: number, requestId: number, approve: boolean, reviewReason: string | null) {
    const now = this.clock.now();
    const claimed = await inTransaction(this.db, async (tx) => {
      const row = await tx
        .updateTable('refund_requests')
        .set({ reviewed_by: actorId, reviewed_at: now, review_reason: reviewReason, ...(approve ? {} : { status: 'rejected' as const }) })
        .where('id', '=', requestId)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('reviewed_at', 'is', null), eb('reviewed_at', '<', new Date(now.getTime() - REVIEW_CLAIM_MS))]))
        .returningAll()
        .executeTakeFirst();
      if (row && !approve) {
        await this.audit.record(tx, { actorId, action: 'order.refund_request.reject', targetType: 'order', targetId: row.order_id, before: { status: 'pending' }, after: { status: 'rejected' }, reason: reviewReason });
      }
      return row;
    });
    if (!claimed) {
      const request = await this.db.selectFrom('refund_requests').select('status').where('id', '=', requestId).executeTakeFirst();
      if (!request) throw notFound('REFUND_REQUEST_NOT_FOUND', `refund request ${requestId} does not exist`);
      throw conflict('REFUND_REQUEST_REVIEWED', request.status === 'pending' ? 'another reviewer is deciding this request' : `the request is already ${request.status}`);
    }
    if (!approve) return { requestId, status: 'rejected' as const, refundId: null };
    const { refund } = await this.createRefund(actorId, claimed.order_id, {
      lines: claimed.lines as Array<{ lineId: number; amountFen: number }>,
      shippingFen: claimed.shipping_fen,
      reason: claimed.reason,
      idempotencyKey: `refund-request-${requestId}`,
    }).catch(async (error: unknown) => {
      // refused (the order moved on): the request stays open for another decision at once
      if (error instanceof AppError) await this.db.updateTable('refund_requests').set({ reviewed_by: null, reviewed_at: null }).where('id', '=', requestId).where('status', '=', 'pending').execute();
      throw error;
    });
    await this.db.updateTable('refund_requests').set({ status: 'approved', refund_id: refund.id }).where('id', '=', requestId).where('status', '=', 'pending').execute();
    return { requestId, status: 'approved' as const, refundId: refund.id };
  }

  async refundByNo(ex: Executor, refundNo: string) {
    return ex.selectFrom('refunds').selectAll().where('refund_no', '=', refundNo).executeTakeFirst();
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
    await tx
      .updateTable('orders')
      .set({ refunded_fen: refundedFen, status: refundedFen >= order.paid_fen ? 'refunded' : order.status })
      .where('id', '=', order.id)
      .execute();
    await tx.updateTable('refunds').set({ status: 'succeeded', completed_at: this.clock.now() }).where('id', '=', refundId).execute();
    if (goodsRefundedFen > 0) await this.referral.recordSale(tx, order.buyer_id, { refundedFen: goodsRefundedFen });
    const refunded = { orderId: order.id, buyerId: order.buyer_id, refundId, lines: refundedLines, fullyRefunded: refundedFen >= order.paid_fen, at: this.clock.now() };
    for (const participant of this.participants) await participant.onRefunded?.(tx, refunded, afterCommit);
    return 'applied';
  }

  async applyRefundFailed(tx: Tx, refundId: number): Promise<'applied' | 'duplicate'> {
    const updated = await tx.updateTable('refunds').set({ status: 'failed', completed_at: this.clock.now() }).where('id', '=', refundId).where('status', '=', 'processing').executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0 ? 'applied' : 'duplicate';
  }

  async listRefunds(ex: Executor, filter: { status?: 'processing' | 'succeeded' | 'failed'; limit: number; offset: number }) {
    let q = ex
      .selectFrom('refunds as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select(['r.id', 'r.refund_no as refundNo', 'r.order_id as orderId', 'o.order_no as orderNo', 'r.status', 'r.amount_fen as amountFen', 'r.reason', 'r.created_at as createdAt', 'r.completed_at as completedAt']);
    if (filter.status) q = q.where('r.status', '=', filter.status);
    return q.orderBy('r.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }
}

function coreEarning(e: { id: number; order_line_id: number; earner_id: number; level: number; amount_fen: number }) {
  return { earningId: e.id, lineId: e.order_line_id, earnerId: e.earner_id, level: e.level, amountFen: e.amount_fen };
}

/** A participant's pricing must keep the quote whole: lines sum to the totals, nothing negative. */
function checkQuote(quote: Quote): void {
  const lineDiscounts = quote.lines.reduce((s, l) => s + l.discountFen, 0);
  const consistent =
    quote.lines.every((l) => l.discountFen >= 0 && l.paidFen >= 0 && l.paidFen === l.unitPriceFen * l.quantity - l.discountFen) &&
    lineDiscounts === quote.discountFen &&
    quote.payableFen === quote.goodsFen - quote.discountFen + quote.shippingFen;
  if (!consistent) throw new Error('an order participant returned an inconsistent quote');
}

function checkRefundable(order: { status: OrderStatus }): void {
  if (!['paid', 'shipped', 'completed'].includes(order.status)) throw conflict('ORDER_NOT_REFUNDABLE', `an order that is ${order.status} cannot be refunded`);
}

/** What a refund key stands for: the lines with their amounts (in any order) and shipping; the reason may differ. */
function refundFields(input: RefundInput): RequestFields {
  const lines = input.lines.map((l) => ({ lineId: l.lineId, amountFen: l.amountFen })).sort((a, b) => a.lineId - b.lineId || a.amountFen - b.amountFen);
  return { lines, shippingFen: input.shippingFen ?? 0 };
}

const CHECKOUT_FIELDS = ['items', 'shippingAddress', 'pickupStoreId', 'couponId', 'dealerShopId', 'sharerInviteCode'];

/** What a checkout key stands for: the cart (in any order), delivery, coupon, dealer shop and sharer. */
function checkoutFields(input: CheckoutInput): RequestFields {
  const items = input.items.map((i) => ({ skuId: i.skuId, quantity: i.quantity })).sort((a, b) => a.skuId - b.skuId || a.quantity - b.quantity);
  return {
    items,
    shippingAddress: input.shippingAddress,
    pickupStoreId: input.pickupStoreId,
    couponId: input.couponId,
    dealerShopId: input.dealerShopId,
    sharerInviteCode: input.sharerInviteCode?.trim().toUpperCase(),
  };
}

function validateItems(items: CheckoutItem[]): void {
  if (items.length === 0) throw badRequest('CART_EMPTY', 'an order needs at least one item');
  for (const item of items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0 || item.quantity > 999) throw badRequest('QUANTITY_INVALID', 'quantity must be 1–999');
  }
}
