// Order participants: other modules (coupons, member prices, agents, points, leaderboards, suppliers,
// dealers) take part in an order's life without the orders module knowing them. The inline hooks run
// inside the order's own transaction, so what they write commits or rolls back with the order; the
// deferred ones (`later`) run after it commits, through the orders module's outbox (effects.ts).
import type { Tx } from '../../db/database.js';
import type { OrderSource, ReturnAddress } from './tables.js';
import type { CommissionOverride, RuleVersion } from '../rules/index.js';
import type { CheckoutCampaign, CheckoutInput, Quote } from './types.js';

export type AfterCommit = (cb: () => void) => void;

export interface CheckoutContext {
  buyerId: number;
  input: CheckoutInput;
  /** the sharer, when the buyer came through a share link, poster or coupon link */
  sharerId: number | null;
  now: Date;
}

/**
 * A campaign's terms for a checkout (秒杀…), asked before it is priced, in quotes as in checkouts.
 * Only the participant of the checkout's campaign answers; the others answer undefined.
 */
export interface CampaignTerms {
  /** per SKU: the campaign's unit price for that SKU's lines, instead of the SKU's own */
  unitPricesFen: ReadonlyMap<number, number>;
  /** SKUs whose stock the participant keeps and takes itself (reserveCheckout): the catalog takes none of theirs */
  ownStockSkuIds: ReadonlySet<number>;
  /** per SKU: how its lines pay commission, when not as the rules say (kept on the order line, read at payment) */
  commissionOverrides?: ReadonlyMap<number, CommissionOverride>;
  /** the order closes unpaid this many minutes after checkout (its holds given back), even when the rules' window is longer or off */
  payWithinMinutes?: number;
}

export interface PaidOrderLine {
  lineId: number;
  productId: number;
  skuId: number;
  quantity: number;
  unitPriceFen: number;
  /** what the line paid after every discount (the commission base) */
  paidFen: number;
}

/** An earning recorded for the paid order before onPaid ran: distribution commission, or an earning participant's award. */
export interface PaidOrderEarning {
  earningId: number;
  lineId: number;
  earnerId: number;
  kind: 'distribution' | 'agent_regional' | 'agent_sales';
  level: number;
  amountFen: number;
}

/** What an earning participant is told of an order being paid (see OrderParticipant.earnOnPaid). */
export interface PayingOrder {
  orderId: number;
  buyerId: number;
  /** the region the order belongs to: its pickup store's, else the one it ships to */
  regionCode: string | null;
  lines: ReadonlyArray<Omit<PaidOrderLine, 'unitPriceFen'>>;
  ruleVersion: RuleVersion;
}

/** An earning row as PaidOrder.coreEarnings lists it. */
export function paidOrderEarning(e: { id: number; order_line_id: number; earner_id: number; level: number; amount_fen: number }, kind: PaidOrderEarning['kind']): PaidOrderEarning {
  return { earningId: e.id, lineId: e.order_line_id, earnerId: e.earner_id, kind, level: e.level, amountFen: e.amount_fen };
}

export interface PaidOrder {
  orderId: number;
  buyerId: number;
  sharerId: number | null;
  source: OrderSource;
  /** the pickup store, for a pickup order */
  storeId: number | null;
  /** the active distributors commission went up to, level 1 first (as many as the rule's levels; empty when none) */
  commissionChain: ReadonlyArray<{ memberId: number; level: number }>;
  /** distribution commission and the earning participants' awards (agents) for this order, in this transaction; what onPaid participants record is not in it */
  coreEarnings: ReadonlyArray<PaidOrderEarning>;
  /** the whole payment, shipping included */
  paidFen: number;
  /** goods only, after discounts */
  goodsPaidFen: number;
  lines: PaidOrderLine[];
  ruleVersion: RuleVersion;
  paidAt: Date;
  /** this payment made the buyer an active distributor (promotion on purchase, after commission ran) */
  buyerPromoted: boolean;
  /** the campaign it was bought in (秒杀, 拼团, 砍价), as checkout recorded it; null for none */
  campaign?: CheckoutCampaign | null;
}

export interface RefundedOrderLine {
  lineId: number;
  productId: number;
  skuId: number;
  quantity: number;
  paidFen: number;
  /** refunded on this line so far, this refund included */
  refundedFen: number;
  /** refunded on this line by this refund */
  amountFen: number;
}

export interface RefundedOrder {
  orderId: number;
  buyerId: number;
  refundId: number;
  lines: RefundedOrderLine[];
  /** the whole order is refunded now */
  fullyRefunded: boolean;
  /** the order's goods paid (every line, shipping not included) */
  goodsPaidFen: number;
  /** the order's goods refunded so far, this refund included */
  goodsRefundedFen: number;
  at: Date;
}

/**
 * Deferred hooks: work that moves no money and need not commit with the payment (points, growth
 * points, leaderboards, tier checks). The orders module writes one outbox row per paid order or
 * succeeded refund in that transaction, with the exact PaidOrder / RefundedOrder the inline hooks
 * get, and runs each deferred hook after the commit in a transaction of its own: exactly once per
 * order (or refund) and participant, a refund's never before its order's paid one, retried with a
 * backoff while it fails. The transaction may hold several orders' effects, so a hook must not
 * assume it is alone in it, and must not read what the payment's later statements change.
 */
export interface DeferredHooks {
  /** Paid, once per order, after the payment committed (after every inline onPaid). */
  onPaid?(tx: Tx, order: PaidOrder): Promise<void>;
  /**
   * Optional, with onPaid: what onPaid does for each of these orders, in one go (set-based: a few
   * statements for the whole batch). The orders are of different payments; none of them has a refund
   * waiting in the same call.
   */
  onPaidMany?(tx: Tx, orders: PaidOrder[]): Promise<void>;
  /** A refund succeeded, once per refund, after its order's deferred onPaid. */
  onRefunded?(tx: Tx, refund: RefundedOrder): Promise<void>;
}

export interface OrderParticipant {
  /** for logs and errors */
  name: string;
  /**
   * Checkout pricing, in registration order (member price before coupons). Returns the quote with
   * line discounts added; `discountFen` and `payableFen` must stay consistent with the lines.
   * It only reads (quotes run it too) and throws a 4xx AppError for an unusable coupon or shop.
   */
  priceCheckout?(tx: Tx, ctx: CheckoutContext, quote: Quote): Promise<Quote>;
  /**
   * Before pricing, in quotes and checkouts alike (reads only): a campaign participant's terms for a
   * checkout in its campaign — prices, the SKUs whose stock it keeps, commission, the pay-by window —
   * or undefined. Throws a 4xx AppError for a campaign that does not sell now.
   */
  campaignTerms?(tx: Tx, ctx: CheckoutContext): Promise<CampaignTerms | undefined>;
  /** The order row exists (e.g. mark a coupon used, take dealer stock). */
  afterCheckout?(tx: Tx, ctx: CheckoutContext & { orderId: number }, quote: Quote): Promise<void>;
  /**
   * Checkout only, after every afterCheckout, just before the commit: takes the stock the participant
   * keeps itself (its CampaignTerms.ownStockSkuIds), with a conditional update, or throws a 409 that
   * rolls the whole checkout back. Last, so a hot campaign row stays locked only until the commit.
   */
  reserveCheckout?(tx: Tx, ctx: CheckoutContext & { orderId: number }, quote: Quote): Promise<void>;
  /** An unpaid order was cancelled or closed: give back what afterCheckout took. */
  onClosed?(tx: Tx, order: { orderId: number; buyerId: number; at: Date }): Promise<void>;
  /**
   * Paid, once per order, right after distribution commission and before onPaid: a participant that
   * pays commission-like awards on the order (regional and sales agents) records them as earnings and
   * returns them; they join PaidOrder.coreEarnings.
   */
  earnOnPaid?(tx: Tx, order: PayingOrder, afterCommit: AfterCommit): Promise<PaidOrderEarning[]>;
  /** Paid, once per order (after commission), in the payment's transaction: for what moves money (earnings) or must commit with it. */
  onPaid?(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void>;
  /**
   * A paid order is about to ship (fulfilment.ts, with the order locked): a participant whose order
   * must not leave yet (拼团 until its group succeeds) throws a 409 AppError. Reads only.
   */
  assertShippable?(tx: Tx, orderId: number): Promise<void>;
  /** Received or redeemed: the return window starts. */
  onCompleted?(tx: Tx, order: { orderId: number; buyerId: number; at: Date }): Promise<void>;
  /** A refund succeeded (once per refund). */
  onRefunded?(tx: Tx, refund: RefundedOrder, afterCommit: AfterCommit): Promise<void>;
  /**
   * A return request's review deadline passed and the job approves it (after-sales-deadlines.ts):
   * a participant that decides the after-sales of its own lines (a supplier) says where the goods
   * go — its address, or null when it has none (the request then waits for HQ); undefined when the
   * request is not its own (HQ's return address in the rules). Reads only.
   */
  returnAddressFor?(tx: Tx, request: AfterSalesRequestLines): Promise<ReturnAddress | null | undefined>;
  /**
   * The same events, after the order's transaction (DeferredHooks): for participants whose writes
   * move no money. A participant's name keys its deferred work, so it must stay unique and stable.
   */
  later?: DeferredHooks;
}

/** What a participant is told of an after-sales request: the order and the lines it names. */
export interface AfterSalesRequestLines {
  requestId: number;
  orderId: number;
  lines: ReadonlyArray<{ lineId: number; amountFen: number }>;
  shippingFen: number;
}

/**
 * Where pickup orders are collected: the stores module provides it, so the orders module reads no
 * store table. Without a provider a pickup order is refused (STORE_NOT_AVAILABLE).
 */
export interface PickupStores {
  /** the store takes pickup orders now */
  isOpen(tx: Tx, storeId: number): Promise<boolean>;
  /** the store's region code (an order picked up there belongs to its region) */
  regionOf(tx: Tx, storeId: number): Promise<string>;
}
