// Response schemas of the HQ console's routes (admin-*.ts), shared by them and the OpenAPI document.
import { z } from 'zod';
import { reason } from '../schemas.js';
import { ruleConfigSchema } from '../../modules/rules/index.js';
import { balancesOut, commissionSummaryOut, dateTime, distributorStatusOut, fenOut, intOut, memberOut, quoteOut, refundStatusOut, teamSummaryOut } from '../responses.js';

export const paymentReturnOut = z.object({
  id: z.number().int(),
  refundNo: z.string(),
  outTradeNo: z.string(),
  provider: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['processing', 'succeeded', 'failed']),
  duplicate: z.boolean(),
});

export const memberDetailOut = memberOut.extend({
  referrer: z.object({ referrerId: intOut, source: z.string(), boundAt: dateTime, expiresAt: dateTime.nullable() }).nullable(),
  uplines: z.array(z.object({ id: intOut, nickname: z.string(), phone: z.string().nullable(), distributorStatus: distributorStatusOut, tierId: intOut, distance: intOut.describe('1 = the direct referrer') })),
  team: teamSummaryOut,
  balances: commissionSummaryOut,
  bindingHistory: z.array(z.object({
    id: intOut,
    oldReferrerId: intOut.nullable(),
    newReferrerId: intOut.nullable(),
    source: z.string(),
    reason: z.string().nullable(),
    actorId: intOut.nullable(),
    createdAt: dateTime,
  })),
});

export const applicationOut = z.object({
  id: intOut,
  memberId: intOut,
  nickname: z.string(),
  phone: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  note: z.string().nullable(),
  reviewReason: z.string().nullable(),
  createdAt: dateTime,
  reviewedAt: dateTime.nullable(),
});

export const tierOut = z.object({ id: intOut, name: z.string(), rank: intOut });
export const groupOut = z.object({ id: intOut, name: z.string() });

export const refundOut = z.object({ id: intOut, refundNo: z.string(), status: refundStatusOut, amountFen: fenOut, duplicate: z.boolean().describe('the same idempotency key: the refund it made before') });
export const refundListItemOut = z.object({
  id: intOut,
  refundNo: z.string(),
  orderId: intOut,
  orderNo: z.string(),
  status: refundStatusOut,
  amountFen: fenOut,
  reason: z.string(),
  createdAt: dateTime,
  completedAt: dateTime.nullable(),
  providerCall: z
    .object({ tries: intOut, lastError: z.string().nullable().describe("the provider's code for the last refusal (e.g. SYSTEM_ERROR, NOT_ENOUGH); null once it accepted"), nextTryAt: dateTime })
    .nullable()
    .describe('the refund as sent to its provider; null before it was sent (or for the dev provider before this was recorded)'),
});

export const ruleVersionOut = z.object({ id: intOut, config: ruleConfigSchema, note: z.string().nullable(), createdBy: intOut.nullable(), createdAt: dateTime });

export const dryRunOut = z.object({
  ruleVersionId: intOut,
  quote: quoteOut,
  earnings: z.array(z.object({
    earnerId: intOut,
    level: intOut,
    baseFen: fenOut,
    rateBp: intOut.nullable(),
    amountFen: fenOut,
    lineIndex: intOut.describe("index into the quote's lines"),
    earnerNickname: z.string().optional(),
  })),
  totalCommissionFen: fenOut,
});

export const adjustmentOut = z.object({ duplicate: z.boolean(), balances: balancesOut });

export const periodFiguresOut = z.object({ gmvFen: fenOut, orders: intOut, newMembers: intOut, newDistributors: intOut });
export const dashboardOut = z.object({
  today: periodFiguresOut,
  month: periodFiguresOut,
  commission: z.object({ pendingFen: fenOut, frozenFen: fenOut, payableFen: fenOut, withdrawingFen: fenOut, paidFen: fenOut }),
  trend: z.array(z.object({ date: z.string().describe('YYYY-MM-DD, Shanghai'), gmvFen: fenOut, orders: intOut, newMembers: intOut, commissionFen: fenOut })),
  generatedAt: dateTime,
});

export const auditEntryOut = z.object({
  id: intOut,
  actorId: intOut.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  createdAt: dateTime,
});

export const reconciliationOut = z.object({
  ok: z.boolean(),
  checkedAt: dateTime,
  transfers: intOut,
  checks: z.array(z.object({ name: z.string(), description: z.string(), differences: z.array(z.record(z.string(), z.unknown())) })),
});
