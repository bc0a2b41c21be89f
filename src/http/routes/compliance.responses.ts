// Response schemas of the compliance report (routes/compliance.ts).
import { z } from 'zod';
import { dateTime } from './common.responses.js';

const figures = { earnings: z.number(), amountFen: z.number(), reversedFen: z.number(), netFen: z.number().describe('amount less what refunds reversed so far') };

export const complianceReport = z.object({
  generatedAt: dateTime,
  range: z.object({ from: z.string(), to: z.string() }).describe('the days the money figures cover (Asia/Shanghai, both included)'),
  ruleVersion: z.object({ id: z.number(), createdAt: dateTime, createdBy: z.number().nullable(), createdByName: z.string().nullable(), note: z.string().nullable() }).describe('the rule version in force'),
  commission: z.object({
    levels: z.number().describe('commission levels in force'),
    maxLevelsWithoutOverride: z.number(),
    levelsOverride: z.object({ reason: z.string() }).nullable().describe('the override that allows more levels'),
    selfPurchase: z.boolean(),
    capBp: z.number(),
    freezeDays: z.number(),
    tierRates: z.array(z.object({ tierId: z.number(), tierName: z.string().nullable(), ratesBp: z.array(z.number()) })).describe('each tier’s rates on the levels in force'),
  }),
  distributorMode: z.string(),
  overrides: z
    .array(
      z.object({
        auditId: z.number(),
        action: z.string().describe('rules.compliance_override, contests.compliance_override, agent_level.compliance_override or tier.compliance_override'),
        targetType: z.string(),
        targetId: z.string().nullable(),
        actorId: z.number().nullable(),
        actorName: z.string().nullable(),
        reason: z.string().nullable(),
        before: z.unknown(),
        after: z.unknown(),
        at: dateTime,
      }),
    )
    .describe('every compliance override ever recorded, newest first'),
  money: z.object({
    commissionByLevel: z.array(z.object({ level: z.number(), ...figures })),
    earningsByKind: z.array(z.object({ kind: z.string(), ...figures })),
    awardsByCode: z.array(z.object({ code: z.string(), awards: z.number(), amountFen: z.number() })).describe('money credited at once from the commission expense, by ledger code, on its booking date (the ledger’s)'),
    contestPrizes: z.array(z.object({ metric: z.string(), cashFen: z.number(), withheldFen: z.number(), points: z.number(), honours: z.number() })),
    agentReferral: z.object({ cashAwards: z.number(), cashFen: z.number(), pointsAwards: z.number(), points: z.number() }),
    tierUpgrades: z.array(z.object({ tierId: z.number(), tierName: z.string().nullable(), automatic: z.number(), manual: z.number() })).describe('a tier upgrade moves no money by itself: its reward is the tier’s commission rates'),
    recruitingCashFen: z.number().describe('cash paid for invite-only metrics (agent referral awards, invites contests): each under an override'),
  }),
  findings: z
    .array(
      z.object({
        area: z.enum(['contest', 'agent_level', 'tier_rule']),
        id: z.number(),
        name: z.string(),
        code: z.enum(['COMPLIANCE_RECRUITING_CASH', 'COMPLIANCE_ENTRY_FEE']),
        field: z.string(),
        effect: z.string().describe('cash_will_be_withheld, cash_withheld, appointment_refused, rule_lifts_nobody, invite_path_lifts_nobody'),
      }),
    )
    .describe('configurations saved before the guard that cross the line with no override, and what the system does about them'),
});
