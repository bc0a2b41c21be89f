// Checkout: prices the cart (a campaign's prices, full reduction, shipping, the participants' member
// price and coupon), takes stock, holds 限购, and writes the order once per checkout key.
import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { AppError, badRequest, conflict, unprocessable } from '../../errors.js';
import { allocateProportionally } from '../../money.js';
import type { CommissionOverride, RuleConfig } from '../rules/index.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import { checkOrderTotal } from './limits.js';
import { businessNumber } from './numbers.js';
import type { CampaignTerms, CheckoutContext } from './participants.js';
import { ORDER_COLUMNS, ORDER_LINE_COLUMNS, type OrderReads, type OrderView } from './reads.js';
import { assertSameRequest, fingerprintOf, type Fingerprint, type RequestFields } from './request-fingerprint.js';
import { withCheckoutFingerprint, withCheckoutFingerprintTx, type ShippingAddress } from './tables.js';
import type { CheckoutInput, CheckoutItem, PricedLine, Quote } from './types.js';

/** The advisory-lock class that serialises one member's checkouts of one limited product (限购); the second key hashes both. */
const PURCHASE_LIMIT_LOCK_CLASS = 7_100_201;

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

export class OrderCheckout extends OrdersPart {
  constructor(deps: OrdersDeps, private readonly reads: OrderReads) {
    super(deps);
  }

  /** Prices items at today's prices (or a campaign's, per SKU) without taking stock: the dry run and the cart use it. */
  async quote(ex: Executor, items: CheckoutItem[], rules: RuleConfig, unitPricesFen?: ReadonlyMap<number, number>): Promise<Quote> {
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
        return { skuId: row.id, productId: row.product_id, title: `${row.title} ${row.name}`.trim(), quantity: item.quantity, unitPriceFen: unitPricesFen?.get(row.id) ?? row.price_fen };
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
      const context: CheckoutContext = { buyerId, input: { ...input, checkoutKey: 'quote' }, sharerId: sharer && sharer.id !== buyerId ? sharer.id : null, now: this.clock.now() };
      const terms = await this.campaignTerms(tx, context);
      let quote = await this.quote(tx, input.items, input.pickupStoreId !== undefined ? { ...rules, order: { ...rules.order, shippingFen: 0 } } : rules, terms.unitPricesFen);
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
      return this.reads.get(this.db, existing.id, buyerId);
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
        const stores = this.deps.pickupStores.current;
        const open = stores ? await stores.isOpen(tx, input.pickupStoreId) : false;
        if (!open) throw unprocessable('STORE_NOT_AVAILABLE', 'this store does not take pickup orders');
      }
      const now = this.clock.now();
      const context: CheckoutContext = { buyerId, input, sharerId: sharer && sharer.id !== buyerId ? sharer.id : null, now };
      const terms = await this.campaignTerms(tx, context);
      const reserved = await this.catalog.reserve(tx, input.items, terms.ownStockSkuIds);
      await this.holdPurchaseLimits(tx, buyerId, reserved);
      const priced = reserved.map(({ maxPerMember: _limit, ...r }) => ({ ...r, unitPriceFen: terms.unitPricesFen.get(r.skuId) ?? r.unitPriceFen }));
      let quote = priceLines(priced, input.pickupStoreId !== undefined ? { ...rules.order, shippingFen: 0 } : rules.order);
      checkOrderTotal(quote);
      for (const participant of this.participants) if (participant.priceCheckout) quote = await participant.priceCheckout(tx, context, quote);
      checkQuote(quote);
      checkOrderTotal(quote);
      const { order, lines } = await this.insertOrder(tx, { buyerId, input, quote, terms, sharerId: context.sharerId, viaSharer: Boolean(sharer), checkoutKey, fingerprint, now });
      for (const participant of this.participants) await participant.afterCheckout?.(tx, { ...context, orderId: order.id }, quote);
      if (terms.ownStockSkuIds.size > 0) await this.commitWithoutFlushWait(tx);
      // a campaign's own stock last: its hot row stays locked only until the commit
      for (const participant of this.participants) await participant.reserveCheckout?.(tx, { ...context, orderId: order.id }, quote);
      // what get() would read back, from what this transaction just wrote: a new order has no refunds
      // no pickup code, no parcels and no receipt date yet, and the buyer sees their own consignee
      lines.sort((a, b) => a.id - b.id);
      const view: OrderView = { ...order, shippingAddress: order.shippingAddress as ShippingAddress | null, pickup: null, lines, refunds: [], parcels: [], receiveDueAt: null, receiveExtendedAt: null };
      return view;
    }), findExisting).catch(replayed);
  }

  /**
   * A checkout that takes a campaign's own stock commits without waiting for the WAL flush
   * (synchronous_commit off, this transaction only): the campaign's hot row is locked until the commit,
   * and waiting for each flush in turn capped one SKU at one checkout per flush. What it risks is only
   * this unpaid order — on a database crash within the flush delay (under a second) the order and the
   * units it took vanish together, never one without the other; any later synchronous commit (its
   * payment) flushes it first. No money moves at checkout.
   */
  private async commitWithoutFlushWait(tx: Tx): Promise<void> {
    await sql`set local synchronous_commit = off`.execute(tx);
  }

  /** The campaign participants' terms for this checkout, merged (none without a campaign: no round trip). */
  private async campaignTerms(tx: Tx, context: CheckoutContext): Promise<Required<CampaignTerms>> {
    const merged = { unitPricesFen: new Map<number, number>(), ownStockSkuIds: new Set<number>(), commissionOverrides: new Map<number, CommissionOverride>(), payWithinMinutes: 0 };
    if (!context.input.campaign) return merged;
    for (const participant of this.participants) {
      const terms = await participant.campaignTerms?.(tx, context);
      if (!terms) continue;
      for (const [skuId, fen] of terms.unitPricesFen) merged.unitPricesFen.set(skuId, fen);
      for (const skuId of terms.ownStockSkuIds) merged.ownStockSkuIds.add(skuId);
      for (const [skuId, override] of terms.commissionOverrides ?? []) merged.commissionOverrides.set(skuId, override);
      if (terms.payWithinMinutes) merged.payWithinMinutes = merged.payWithinMinutes ? Math.min(merged.payWithinMinutes, terms.payWithinMinutes) : terms.payWithinMinutes;
    }
    return merged;
  }

  /**
   * 限购: a product's maxPerMember bounds what one member holds in open and paid orders (closed and
   * fully refunded ones, and fully refunded lines, do not count). One member's checkouts of a limited
   * product take turns on an advisory lock, so two at once cannot pass the limit together; products
   * without a limit cost nothing.
   */
  private async holdPurchaseLimits(tx: Tx, buyerId: number, reserved: ReadonlyArray<{ productId: number; quantity: number; maxPerMember: number | null }>): Promise<void> {
    const wanted = new Map<number, { limit: number; quantity: number }>();
    for (const r of reserved) {
      if (r.maxPerMember === null) continue;
      wanted.set(r.productId, { limit: r.maxPerMember, quantity: (wanted.get(r.productId)?.quantity ?? 0) + r.quantity });
    }
    if (wanted.size === 0) return;
    const productIds = [...wanted.keys()].sort((a, b) => a - b);
    for (const productId of productIds) await sql`select pg_advisory_xact_lock(${PURCHASE_LIMIT_LOCK_CLASS}, hashtext(${`${buyerId}:${productId}`}))`.execute(tx);
    // after the locks, so it sees the member's other checkout that held them
    const held = await tx
      .selectFrom('orders as o')
      .innerJoin('order_lines as l', 'l.order_id', 'o.id')
      .select(['l.product_id', sql<number>`coalesce(sum(l.quantity), 0)::int`.as('quantity')])
      .where('o.buyer_id', '=', buyerId)
      .where('l.product_id', 'in', productIds)
      .where('o.status', 'not in', ['closed', 'refunded'])
      .where((eb) => eb.not(eb.and([eb('l.paid_fen', '>', 0), eb('l.refunded_fen', '>=', eb.ref('l.paid_fen'))])))
      .groupBy('l.product_id')
      .execute();
    for (const productId of productIds) {
      const { limit, quantity } = wanted.get(productId)!;
      const holding = held.find((h) => h.product_id === productId)?.quantity ?? 0;
      if (holding + quantity > limit) throw conflict('PURCHASE_LIMIT_REACHED', `at most ${limit} per member: you hold ${holding} already`, { productId, limit, held: holding });
    }
  }

  /** The order row and its lines, as checkout priced them. */
  private async insertOrder(
    tx: Tx,
    o: { buyerId: number; input: CheckoutInput; quote: Quote; terms: Required<CampaignTerms>; sharerId: number | null; viaSharer: boolean; checkoutKey: string; fingerprint: Fingerprint; now: Date },
  ) {
    const order = await withCheckoutFingerprintTx(tx)
      .insertInto('orders')
      .values({
        order_no: businessNumber('', o.now),
        buyer_id: o.buyerId,
        goods_fen: o.quote.goodsFen,
        discount_fen: o.quote.discountFen,
        shipping_fen: o.quote.shippingFen,
        payable_fen: o.quote.payableFen,
        source: o.input.source ?? (o.viaSharer ? 'share_link' : 'direct'),
        sharer_id: o.sharerId,
        checkout_key: o.checkoutKey,
        checkout_fingerprint: JSON.stringify(o.fingerprint),
        shipping_address: o.input.shippingAddress ? JSON.stringify(o.input.shippingAddress) : null,
        region_code: o.input.shippingAddress?.regionCode ?? null,
        delivery_method: o.input.pickupStoreId !== undefined ? 'pickup' : 'express',
        store_id: o.input.pickupStoreId ?? null,
        buyer_note: o.input.buyerNote?.trim() || null,
        invoice: o.input.invoice ? JSON.stringify(o.input.invoice) : null,
        campaign: o.input.campaign ? JSON.stringify(o.input.campaign) : null,
        pay_due_at: o.terms.payWithinMinutes ? new Date(o.now.getTime() + o.terms.payWithinMinutes * 60_000) : null,
        created_at: o.now,
      })
      .returning([...ORDER_COLUMNS, 'shipping_address as shippingAddress', 'delivery_method as deliveryMethod', 'store_id as storeId', 'buyer_note as buyerNote', 'invoice'])
      .executeTakeFirstOrThrow();
    const lines = await tx
      .insertInto('order_lines')
      .values(
        o.quote.lines.map((l) => ({
          order_id: order.id,
          product_id: l.productId,
          sku_id: l.skuId,
          title: l.title,
          quantity: l.quantity,
          unit_price_fen: l.unitPriceFen,
          discount_fen: l.discountFen,
          paid_fen: l.paidFen,
          commission_override: o.terms.commissionOverrides.has(l.skuId) ? JSON.stringify(o.terms.commissionOverrides.get(l.skuId)) : null,
          catalog_stock: !o.terms.ownStockSkuIds.has(l.skuId),
        })),
      )
      .returning(ORDER_LINE_COLUMNS)
      .execute();
    return { order, lines };
  }
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

const CHECKOUT_FIELDS = ['items', 'shippingAddress', 'pickupStoreId', 'couponId', 'dealerShopId', 'sharerInviteCode', 'campaign'];

/** What a checkout key stands for: the cart (in any order), delivery, coupon, dealer shop, sharer and campaign. */
function checkoutFields(input: CheckoutInput): RequestFields {
  const items = input.items.map((i) => ({ skuId: i.skuId, quantity: i.quantity })).sort((a, b) => a.skuId - b.skuId || a.quantity - b.quantity);
  return {
    items,
    shippingAddress: input.shippingAddress,
    pickupStoreId: input.pickupStoreId,
    couponId: input.couponId,
    dealerShopId: input.dealerShopId,
    sharerInviteCode: input.sharerInviteCode?.trim().toUpperCase(),
    campaign: input.campaign,
  };
}

function validateItems(items: CheckoutItem[]): void {
  if (items.length === 0) throw badRequest('CART_EMPTY', 'an order needs at least one item');
  for (const item of items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0 || item.quantity > 999) throw badRequest('QUANTITY_INVALID', 'quantity must be 1–999');
  }
}
