// The compliance line, as pure checks. In Chinese law a distribution programme turns into 传销 when
// recruiting alone pays money (拉人头) or when buying something is the condition for earning rights
// (入门费). The modules that configure rewards ask these checks when HQ saves, refuse with 422 and
// a machine-readable code naming the field, and accept an explicit override (a reason of at least ten
// characters) that they store with who and when and write to the audit log — as the rules do for more
// than three commission levels (rules.compliance_override).
import { z } from 'zod';
import { unprocessable } from '../../errors.js';

export const RECRUITING_CASH = 'COMPLIANCE_RECRUITING_CASH';
export const ENTRY_FEE = 'COMPLIANCE_ENTRY_FEE';
export type ComplianceCode = typeof RECRUITING_CASH | typeof ENTRY_FEE;

/** What HQ sends to override the line: why, in at least ten characters. */
export const complianceOverrideInput = z
  .object({ reason: z.string().trim().min(10).max(500).describe('why HQ accepts this configuration, at least 10 characters; stored with who and when, and audited') })
  .describe('the explicit compliance override; without it a configuration that pays cash for recruiting alone, or makes a purchase the only way to a tier, is refused (422)');
export type ComplianceOverrideInput = z.infer<typeof complianceOverrideInput>;

/** An override as stored on the configuration it allows. */
export interface ComplianceOverride {
  reason: string;
  by: number | null;
  at: Date;
}

/** The audit actions that record an override; the compliance report lists every entry of these. */
export const COMPLIANCE_OVERRIDE_ACTIONS = ['rules.compliance_override', 'contests.compliance_override', 'agent_level.compliance_override', 'tier.compliance_override'] as const;

/** 422 COMPLIANCE_RECRUITING_CASH, naming the field that pays cash for an invite-only metric. */
export function recruitingCashRefused(field: string, message: string, details: Record<string, unknown> = {}) {
  return unprocessable('COMPLIANCE_RECRUITING_CASH', `${message}: recruiting alone may pay points or honours, not cash, unless HQ records a compliance override with a reason`, { field, ...details });
}

/** 422 COMPLIANCE_ENTRY_FEE, naming the field that makes a purchase the only way to earning rights. */
export function entryFeeRefused(field: string, message: string, details: Record<string, unknown> = {}) {
  return unprocessable('COMPLIANCE_ENTRY_FEE', `${message}: buying something may not be the only way to earning rights, unless HQ records a compliance override with a reason`, { field, ...details });
}

/** A stored override from its three columns (reason, by, at), or null. */
export function overrideOf(row: { compliance_override_reason: string | null; compliance_override_by: number | null; compliance_override_at: Date | null }): ComplianceOverride | null {
  if (row.compliance_override_reason === null || row.compliance_override_at === null) return null;
  return { reason: row.compliance_override_reason, by: row.compliance_override_by, at: row.compliance_override_at };
}

/** The columns an override is stored in: set when one is given for a configuration that needs it, else cleared. */
export function overrideColumns(override: ComplianceOverrideInput | null | undefined, needed: boolean, actorId: number | null, at: Date) {
  if (!needed || !override) return { compliance_override_reason: null, compliance_override_by: null, compliance_override_at: null };
  return { compliance_override_reason: override.reason, compliance_override_by: actorId, compliance_override_at: at };
}

// --- tier upgrade rules ---------------------------------------------------------------------------

export type TierCondition = 'ownSpendFen' | 'teamSalesFen' | 'directReferrals' | 'commissionEarnedFen' | 'productId';

export interface TierRuleShape {
  match: 'all' | 'any';
  ownSpendFen: number | null;
  teamSalesFen: number | null;
  directReferrals: number | null;
  commissionEarnedFen: number | null;
  productId: number | null;
}

const NUMERIC: TierCondition[] = ['ownSpendFen', 'teamSalesFen', 'directReferrals', 'commissionEarnedFen'];

/**
 * The ways to reach a tier under its rule, each a set of conditions that must all hold: one way with
 * every condition (all), or one way per condition (any). A numeric condition of 0 always holds, so it
 * is no condition: an all-rule drops it, an any-rule with one is reachable by everyone (an empty way).
 */
export function tierRulePaths(rule: TierRuleShape): TierCondition[][] {
  const set = NUMERIC.filter((c) => rule[c] !== null);
  const real: TierCondition[] = [...set.filter((c) => (rule[c] as number) > 0), ...(rule.productId !== null ? (['productId'] as const) : [])];
  const free = set.some((c) => rule[c] === 0);
  if (rule.match === 'all') return [real];
  return free ? [[], ...real.map((c) => [c])] : real.map((c) => [c]);
}

/**
 * An entry fee (入门费): every way to the tier needs the package bought, and none needs a sale —
 * buying is the only condition, or the only one besides recruiting. Another way (team sales, say) is
 * not an entry fee.
 */
export function isEntryFee(rule: TierRuleShape): boolean {
  const paths = tierRulePaths(rule);
  return paths.length > 0 && paths.every((p) => p.includes('productId') && p.every((c) => c === 'productId' || c === 'directReferrals'));
}

/** A way to the tier made of direct referrals alone: recruiting alone reaches it. */
export function hasInviteOnlyPath(rule: TierRuleShape): boolean {
  return tierRulePaths(rule).some((p) => p.length === 1 && p[0] === 'directReferrals');
}

/** The rule with its invite-only way taken out (what still lifts a member when that way may not); null when nothing is left. */
export function withoutInviteOnlyPath<T extends TierRuleShape>(rule: T): T | null {
  if (rule.match === 'all') return null;
  const rest = { ...rule, directReferrals: null };
  return tierRulePaths(rest).length > 0 ? rest : null;
}

/** Whether a tier's commission rates pay more than the entry tier's on any level that pays (the levels in force). */
export function paysMoreThanEntry(tierRates: readonly number[], entryRates: readonly number[], levels: number): boolean {
  for (let i = 0; i < levels; i++) if ((tierRates[i] ?? 0) > (entryRates[i] ?? 0)) return true;
  return false;
}

/** A tier's rates as commission plans them: its own, else tier 1's. */
export function ratesOfTier(tierRatesBp: Record<string, number[]>, tierId: number): number[] {
  return tierRatesBp[String(tierId)] ?? tierRatesBp['1'] ?? [];
}
