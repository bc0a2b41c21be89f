// Response schemas of the value-analytics routes (routes/insights.ts); read-only figures for HQ.
import { z } from 'zod';
import { dateTime } from './common.responses.js';

const social = {
  lifetimeSpendFen: z.number(),
  orderCount: z.number(),
  directSocialFen: z.number(),
  indirectSocialFen: z.number(),
  socialValueFen: z.number(),
  teamSize: z.number(),
  directCount: z.number(),
};
/** phone is masked unless the caller may see personal data */
const memberCore = { memberId: z.number(), nickname: z.string(), phone: z.string(), distributorStatus: z.string() };

export const memberValues = z.object({ total: z.number(), items: z.array(z.object({ ...memberCore, joinedAt: dateTime, ...social })) });
export const memberValue = z.object({
  ...memberCore,
  referrerId: z.number().nullable(),
  ...social,
  paidFen: z.number(),
  refundedFen: z.number(),
  byDepth: z.array(z.object({ depth: z.number(), members: z.number(), buyers: z.number(), spendFen: z.number() })),
  journey: z.object({ fanAt: dateTime, memberAt: dateTime, firstOrderAt: dateTime.nullable(), distributorAt: dateTime.nullable() }),
});

const dayFigures = {
  orders: z.number(),
  gmvFen: z.number(),
  firstOrders: z.number(),
  repeatOrders: z.number(),
  referralOrders: z.number(),
  otherOrders: z.number(),
  repeatOrReferralOrders: z.number(),
  repeatGmvFen: z.number(),
  referralGmvFen: z.number(),
  repeatShareBp: z.number(),
  referralShareBp: z.number(),
  repeatOrReferralShareBp: z.number(),
};
const repurchase = z.object({ buyers: z.number(), repeatBuyers: z.number(), rateBp: z.number() });
/** from, to and date are Shanghai days (YYYY-MM-DD) */
export const trends = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(z.object({ date: z.string(), ...dayFigures })),
  totals: z.object(dayFigures),
  repurchase: z.object({ range: repurchase, overall: repurchase }),
});

export const cycleTimes = z.object({
  from: z.string(),
  to: z.string(),
  cohortMembers: z.number(),
  spans: z.array(
    z.object({
      span: z.enum(['fan_to_member', 'member_to_first_order', 'fan_to_first_order', 'first_order_to_distributor', 'member_to_distributor', 'fan_to_distributor']),
      members: z.number(),
      medianDays: z.number().nullable(),
      p75Days: z.number().nullable(),
      avgDays: z.number().nullable(),
    }),
  ),
});

export const funnel = z.object({
  from: z.string(),
  to: z.string(),
  views: z.number(),
  visitors: z.number(),
  registrations: z.number(),
  firstOrders: z.number(),
  visitorToRegistrationBp: z.number(),
  registrationToFirstOrderBp: z.number(),
  visitorToFirstOrderBp: z.number(),
});

const delivery = z.object({ orders: z.number(), gmvFen: z.number(), refundedFen: z.number(), netFen: z.number() });
export const channels = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  modes: z.array(
    z.object({
      kind: z.enum(['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate']),
      orders: z.number(),
      earners: z.number(),
      baseFen: z.number(),
      earnedFen: z.number(),
      reversedFen: z.number(),
      netFen: z.number(),
      payables: z.object({ pendingFen: z.number(), frozenFen: z.number(), availableFen: z.number(), availableUnwithdrawnFen: z.number() }),
    }),
  ),
  payables: z.object({
    pendingFen: z.number(),
    frozenFen: z.number(),
    availableUnwithdrawnFen: z.number(),
    otherAvailableFen: z.number(),
    withdrawingFen: z.number(),
    debtFen: z.number(),
    totalFen: z.number(),
    paidOutFen: z.number(),
  }),
  delivery: z.object({ express: delivery, pickup: delivery }),
  generatedAt: dateTime,
});
