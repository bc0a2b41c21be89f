// Pure arithmetic of coupons and member prices on a checkout quote, in integer fen.
import { allocateProportionally, applyRateBp } from '../../money.js';
import type { Quote } from '../orders/index.js';
import type { CouponKind } from './tables.js';

export interface CouponTerms {
  kind: CouponKind;
  offFen: number | null;
  rateBp: number | null;
  maxOffFen: number | null;
  minSpendFen: number;
  /** null: every product */
  productIds: number[] | null;
}

/** What a coupon takes off goods worth `eligibleFen` (0 below its threshold); never more than the goods. */
export function couponOffFen(terms: CouponTerms, eligibleFen: number): number {
  if (eligibleFen <= 0 || eligibleFen < terms.minSpendFen) return 0;
  const off = terms.kind === 'percent' ? applyRateBp(eligibleFen, terms.rateBp ?? 0) : (terms.offFen ?? 0);
  const capped = terms.kind === 'percent' && terms.maxOffFen !== null ? Math.min(off, terms.maxOffFen) : off;
  return Math.min(capped, eligibleFen);
}

export function isEligible(terms: Pick<CouponTerms, 'productIds'>, productId: number): boolean {
  return terms.productIds === null || terms.productIds.includes(productId);
}

/** Adds per-line discounts (aligned with quote.lines) to a quote, keeping its totals consistent. */
export function addLineDiscounts(quote: Quote, extraFen: number[]): Quote {
  const lines = quote.lines.map((l, i) => ({ ...l, discountFen: l.discountFen + extraFen[i], paidFen: l.paidFen - extraFen[i] }));
  const added = extraFen.reduce((a, b) => a + b, 0);
  return { ...quote, lines, discountFen: quote.discountFen + added, payableFen: quote.payableFen - added };
}

/**
 * A coupon on a quote: the eligible lines (in scope, something left to pay) must reach the
 * threshold with what they pay now (after 满减 and member price); the discount is split over them
 * in proportion to that by largest remainder, so every line's paidFen is after the coupon.
 */
export function priceCoupon(quote: Quote, terms: CouponTerms): { eligibleFen: number; offFen: number; shares: number[] } {
  const weights = quote.lines.map((l) => (isEligible(terms, l.productId) ? l.paidFen : 0));
  const eligibleFen = weights.reduce((a, b) => a + b, 0);
  const offFen = couponOffFen(terms, eligibleFen);
  return { eligibleFen, offFen, shares: allocateProportionally(offFen, weights) };
}

/**
 * The member price: each line is discounted by (1 − priceBp) of its list value, rounded down to
 * the fen in the buyer's disfavour, and never below zero after the 满减 already taken off.
 */
export function memberPriceDiscounts(quote: Quote, memberPriceBp: number): number[] {
  return quote.lines.map((l) => Math.min(applyRateBp(l.unitPriceFen * l.quantity, 10_000 - memberPriceBp), l.paidFen));
}

/** Growth points a payment earns: one per whole yuan of goods paid. */
export function growthForPaidFen(goodsPaidFen: number): number {
  return Math.floor(goodsPaidFen / 100);
}
