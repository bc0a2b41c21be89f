// The distribution programme's settings. Every save is a new version; an order pays by the
// version in force when it was paid. Defaults are the safe ones (3 levels, permanent binding).
import { z } from 'zod';

export const MAX_LEVELS_WITHOUT_OVERRIDE = 3;

const bp = z.number().int().min(0).max(10_000);
const fen = z.number().int().min(0).max(1e13);

export const commissionOverrideSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('rate'), ratesBp: z.array(bp).min(1).max(9) }),
  z.object({ mode: z.literal('fixed'), amountsFen: z.array(fen).min(1).max(9).describe('fen per unit, by level') }),
]);
export type CommissionOverride = z.infer<typeof commissionOverrideSchema>;

export const ruleConfigSchema = z.object({
  commission: z
    .object({
      levels: z.number().int().min(1).max(9).default(3),
      /** more than three levels is pyramid selling in Chinese law unless HQ explicitly overrides, logged */
      complianceOverride: z.object({ reason: z.string().min(10).max(500) }).optional(),
      selfPurchase: z.boolean().default(false),
      /** total commission on an order never exceeds this share of what it paid for goods */
      capBp: bp.default(3_000),
      /** rates by distributor tier id, index 0 = level 1 */
      tierRatesBp: z.record(z.string().regex(/^\d+$/), z.array(bp).min(1).max(9)).default({ '1': [1_000, 500, 300] }),
      productOverrides: z.record(z.string().regex(/^\d+$/), commissionOverrideSchema).default({}),
      skuOverrides: z.record(z.string().regex(/^\d+$/), commissionOverrideSchema).default({}),
      freezeDays: z.number().int().min(0).max(365).default(7),
    })
    .prefault({}),
  binding: z
    .object({
      trigger: z.enum(['first_visit', 'registration', 'first_order']).default('registration'),
      /** a first visit's claim holds this many days against other links */
      protectionDays: z.number().int().min(0).max(3650).default(7),
      permanence: z.enum(['permanent', 'days', 'last_touch']).default('permanent'),
      validDays: z.number().int().min(1).max(3650).default(365),
      newUsersOnly: z.boolean().default(true),
    })
    .prefault({}),
  distributor: z
    .object({
      mode: z.enum(['automatic', 'first_purchase', 'spend_threshold', 'application']).default('automatic'),
      spendThresholdFen: fen.default(0),
    })
    .prefault({}),
  payout: z
    .object({
      minAmountFen: fen.default(100),
      feeBp: bp.default(0),
      dailyCountLimit: z.number().int().min(1).max(100).default(3),
      autoApproveMaxFen: fen.default(0),
      channels: z.array(z.enum(['wechat', 'alipay', 'bank'])).min(1).default(['wechat', 'alipay', 'bank']),
    })
    .prefault({}),
  /**
   * The two-person rule (四眼原则): an adjustment or a withdrawal approval above these (absolute fen)
   * waits for a second owner/finance member (src/modules/approvals, payouts/service.ts); 0 = never.
   */
  approvals: z
    .object({
      adjustmentSecondApprovalFen: fen.default(100_000),
      payoutSecondApprovalFen: fen.default(500_000),
    })
    .prefault({}),
  order: z
    .object({
      shippingFen: fen.default(0),
      freeShippingMinFen: fen.default(0),
      /** 满减: the best tier that the goods total reaches applies */
      fullReduction: z.array(z.object({ thresholdFen: fen, offFen: fen })).max(10).default([]),
      /** an order left unpaid this long is closed and its stock given back; 0 keeps it open */
      unpaidCloseMinutes: z.number().int().min(0).max(10_080).default(30),
      /** a shipped order completes by itself this many days after its last parcel (自动确认收货); 0 = never */
      autoReceiveDays: z.number().int().min(0).max(60).default(10),
      /** the buyer may push that date back once, by this many days (延长收货); 0 = no extension */
      receiveExtensionDays: z.number().int().min(0).max(30).default(3),
      /** an approved return must leave the buyer within this many days, or it expires */
      returnShipDays: z.number().int().min(1).max(30).default(7),
      /** 商家处理时限: a request HQ (or the supplier, for its lines) has not reviewed within this many days is approved by itself */
      afterSalesReviewDays: z.number().int().min(1).max(15).default(2),
      /** a return the buyer sent back that is not confirmed within this many days of its parcel is received and refunded by itself */
      returnReceiveDays: z.number().int().min(1).max(30).default(10),
      /** where returns go unless the reviewer names another address */
      returnAddress: z.object({ name: z.string().trim().min(1).max(50), phone: z.string().trim().min(5).max(30), address: z.string().trim().min(5).max(200) }).optional(),
    })
    .prefault({}),
});

export type RuleConfig = z.infer<typeof ruleConfigSchema>;
export type RuleConfigInput = z.input<typeof ruleConfigSchema>;

export interface RuleVersion {
  id: number;
  config: RuleConfig;
  note: string | null;
  createdBy: number | null;
  createdAt: Date;
}
