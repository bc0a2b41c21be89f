// Response schemas of the coupon and member-level routes (routes/promotions.ts).
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const couponKind = z.enum(['fixed', 'percent', 'threshold']);
/** What a coupon takes off: a fixed amount, a rate (up to maxOffFen), above minSpendFen, on productIds (null: all). */
const terms = {
  name: z.string(),
  kind: couponKind,
  offFen: z.number().nullable(),
  rateBp: z.number().nullable(),
  maxOffFen: z.number().nullable(),
  minSpendFen: z.number(),
  productIds: z.array(z.number()).nullable(),
};
const template = z.object({
  id: z.number(),
  ...terms,
  validFrom: dateTime.nullable(),
  validUntil: dateTime.nullable(),
  validDays: z.number().nullable(),
  totalQuantity: z.number(),
  perMemberLimit: z.number(),
  guideRateBp: z.number(),
  status: z.enum(['active', 'stopped']),
  issuedCount: z.number(),
  createdAt: dateTime,
});
const usage = { usedCount: z.number(), usedDiscountFen: z.number() };
/** A template with its use so far, as HQ sees it. */
export const couponTemplate = template.extend(usage);
export const couponTemplates = itemsOf(couponTemplate);
/** Templates a member may claim, with how many they hold. */
export const claimableTemplates = itemsOf(template.extend({ soldOut: z.boolean(), canClaim: z.boolean(), claimedByMe: z.number() }));
/** One template, for its claim page (the service's read includes its use so far). */
export const publicTemplate = template.extend({ ...usage, soldOut: z.boolean() });

const claim = {
  id: z.number(),
  templateId: z.number(),
  ...terms,
  status: z.enum(['unused', 'used', 'void']),
  sharerId: z.number().nullable(),
  validFrom: dateTime,
  validUntil: dateTime,
  orderId: z.number().nullable(),
  usedAt: dateTime.nullable(),
  claimedAt: dateTime,
};
export const coupon = z.object({ ...claim, discountFen: z.number().nullable() });
export const myCoupons = itemsOf(coupon);

const quote = z.object({
  lines: z.array(
    z.object({
      skuId: z.number(),
      productId: z.number(),
      title: z.string(),
      quantity: z.number(),
      unitPriceFen: z.number(),
      discountFen: z.number(),
      paidFen: z.number(),
    }),
  ),
  goodsFen: z.number(),
  discountFen: z.number(),
  shippingFen: z.number(),
  payableFen: z.number(),
});
/** The cart's quote without a coupon, and each of my coupons: usable or why not, and what it takes off. */
export const applicableCoupons = z.object({
  quote,
  items: z.array(z.object({ ...claim, usable: z.boolean(), reason: z.string().nullable(), discountFen: z.number() })),
});

export const shareLink = z.object({ templateId: z.number(), name: z.string(), guideRateBp: z.number(), inviteCode: z.string(), path: z.string() });
export const myCouponShares = z.object({
  templates: z.array(z.object({ templateId: z.number(), name: z.string(), claims: z.number(), uses: z.number() })),
  guideEarnedFen: z.number(),
  guideReversedFen: z.number(),
});

export const memberLevel = z.object({ id: z.number(), name: z.string(), growthThreshold: z.number(), memberPriceBp: z.number() });
export const memberLevels = itemsOf(memberLevel.extend({ members: z.number() }));
export const myMemberLevel = z.object({
  growthPoints: z.number(),
  level: memberLevel.nullable(),
  nextLevel: memberLevel.nullable(),
  pointsToNext: z.number().nullable(),
  levels: z.array(memberLevel),
});
export const growthEvents = itemsOf(
  z.object({ id: z.number(), points: z.number(), orderId: z.number(), orderNo: z.string(), refundId: z.number().nullable(), createdAt: dateTime }),
);
