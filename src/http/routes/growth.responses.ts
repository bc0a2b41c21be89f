// Response schemas of the leaderboard and tier-rule routes (routes/growth.ts).
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const metric = z.enum(['commission', 'sales', 'invites']);
/** The period a board covers: a day, week or month key (Shanghai), all time, or a from–to range of days. */
const period = z.object({
  kind: z.enum(['day', 'week', 'month', 'all', 'range']),
  key: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});

export const leaderboard = z.object({
  metric,
  period,
  items: z.array(z.object({ rank: z.number(), nickname: z.string(), avatarUrl: z.string().nullable(), value: z.number(), isMe: z.boolean() })),
});
export const myRank = z.object({ metric, period, value: z.number(), rank: z.number().nullable(), gapToAbove: z.number().nullable() });
/** phone is masked unless the caller may see personal data */
export const adminLeaderboard = z.object({
  metric,
  period,
  items: z.array(z.object({ rank: z.number(), memberId: z.number(), nickname: z.string(), phone: z.string().nullable(), avatarUrl: z.string().nullable(), value: z.number() })),
});
export const memberRank = z.object({ memberId: z.number(), value: z.number(), rank: z.number().nullable(), gapToAbove: z.number().nullable(), period });
export const folded = z.object({ invites: z.number(), deltas: z.number() });

const match = z.enum(['all', 'any']);
export const tierProgress = z.object({
  distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']),
  tierId: z.number(),
  tierName: z.string(),
  tierRank: z.number(),
  /** the next tier with a rule, and how far each condition is; null at the top */
  next: z
    .object({
      tierId: z.number(),
      tierName: z.string(),
      match,
      productTitle: z.string().nullable(),
      conditions: z.array(
        z.object({
          condition: z.enum(['ownSpendFen', 'teamSalesFen', 'directReferrals', 'commissionEarnedFen', 'productId']),
          required: z.number(),
          current: z.number(),
          met: z.boolean(),
        }),
      ),
    })
    .nullable(),
});

export const tierRule = z.object({
  tierId: z.number(),
  tierName: z.string(),
  tierRank: z.number(),
  match,
  enabled: z.boolean(),
  updatedAt: dateTime,
  ownSpendFen: z.number().nullable(),
  teamSalesFen: z.number().nullable(),
  directReferrals: z.number().nullable(),
  commissionEarnedFen: z.number().nullable(),
  productId: z.number().nullable(),
  complianceOverride: z.object({ reason: z.string(), byId: z.number().nullable(), at: dateTime }).nullable(),
});
export const tierRules = itemsOf(tierRule).extend({ tiers: z.array(z.object({ id: z.number(), name: z.string(), rank: z.number() })) });
export const tierCheck = z.object({ checked: z.number(), upgraded: z.number() });
