// Order participants: other modules (coupons, member prices, agents, points, leaderboards, suppliers,
// dealers) take part in an order's life without the orders module knowing them. Every hook runs
// inside the order's own transaction, so what they write commits or rolls back with the order.
import type { Tx } from '../../db/database.js';
import type { OrderSource } from './tables.js';
import type { RuleVersion } from '../rules/index.js';
import type { CheckoutInput, Quote } from './types.js';

export type AfterCommit = (cb: () => void) => void;

export interface CheckoutContext {
  buyerId: number;
  input: CheckoutInput;
  /** the sharer, when the buyer came through a share link, poster or coupon link */
  sharerId: number | null;
  now: Date;
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
  at: Date;
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
  /** The order row exists (e.g. mark a coupon used, take dealer stock). */
  afterCheckout?(tx: Tx, ctx: CheckoutContext & { orderId: number }, quote: Quote): Promise<void>;
  /** An unpaid order was cancelled or closed: give back what afterCheckout took. */
  onClosed?(tx: Tx, order: { orderId: number; buyerId: number; at: Date }): Promise<void>;
  /**
   * Paid, once per order, right after distribution commission and before onPaid: a participant that
   * pays commission-like awards on the order (regional and sales agents) records them as earnings and
   * returns them; they join PaidOrder.coreEarnings.
   */
  earnOnPaid?(tx: Tx, order: PayingOrder, afterCommit: AfterCommit): Promise<PaidOrderEarning[]>;
  /** Paid, once per order (after commission). */
  onPaid?(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void>;
  /** Received or redeemed: the return window starts. */
  onCompleted?(tx: Tx, order: { orderId: number; buyerId: number; at: Date }): Promise<void>;
  /** A refund succeeded (once per refund). */
  onRefunded?(tx: Tx, refund: RefundedOrder, afterCommit: AfterCommit): Promise<void>;
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
