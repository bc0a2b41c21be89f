// Which rule fields are money limits (only owner and finance may change them), and the lines past which
// a change needs a second owner/finance member before it applies.
import type { HqRole } from '../members/index.js';
import { AppError, forbidden } from '../../errors.js';
import type { CommissionOverride, RuleConfig } from './schema.js';

/**
 * Fields that change how much money leaves, or when: every commission setting (levels, rates,
 * overrides, cap, self-purchase, freeze, the compliance override), every withdrawal setting
 * (minimum, fee, daily count, auto-approval, channels) and the two-person lines (approvals).
 * Binding, becoming a distributor and order prices/shipping decide who earns and what buyers pay,
 * not what leaves: operators keep those. A field added to `commission`, `payout` or `approvals`
 * later is a money limit until it is listed otherwise.
 */
export const MONEY_LIMIT_FIELDS: readonly string[] = [
  'commission.levels',
  'commission.complianceOverride',
  'commission.selfPurchase',
  'commission.capBp',
  'commission.tierRatesBp',
  'commission.productOverrides',
  'commission.skuOverrides',
  'commission.freezeDays',
  'payout.minAmountFen',
  'payout.feeBp',
  'payout.dailyCountLimit',
  'payout.autoApproveMaxFen',
  'payout.channels',
  'approvals.adjustmentSecondApprovalFen',
  'approvals.payoutSecondApprovalFen',
];

const MONEY_SECTIONS = ['commission', 'payout', 'approvals'];

export const MONEY_LIMIT_ROLES: readonly HqRole[] = ['owner', 'finance'];

export function isMoneyLimit(field: string): boolean {
  return MONEY_LIMIT_FIELDS.includes(field) || MONEY_SECTIONS.includes(field.split('.')[0]);
}

/** JSON with sorted keys: two configs that differ only in key order are the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Every `section.field` whose value differs between two full configs, in schema order. */
export function diffConfigs(before: RuleConfig, after: RuleConfig): FieldChange[] {
  const changes: FieldChange[] = [];
  const sections = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const section of sections) {
    const b = (before as Record<string, Record<string, unknown> | undefined>)[section] ?? {};
    const a = (after as Record<string, Record<string, unknown> | undefined>)[section] ?? {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (canonical(b[key]) !== canonical(a[key])) changes.push({ field: `${section}.${key}`, before: b[key] ?? null, after: a[key] ?? null });
    }
  }
  return changes;
}

/**
 * Who may save which changes: an operator runs the programme and may not touch money limits
 * (403 MONEY_LIMIT_ROLE names them); finance guards money and may change money limits only; the
 * owner may change anything.
 */
export function checkFieldRoles(role: HqRole, changes: FieldChange[]): void {
  const money = changes.filter((c) => isMoneyLimit(c.field)).map((c) => c.field);
  const other = changes.filter((c) => !isMoneyLimit(c.field)).map((c) => c.field);
  if (role === 'owner') return;
  if (role === 'finance') {
    if (money.length > 0 && other.length === 0) return;
    throw new AppError(
      403,
      'ROLE_FORBIDDEN',
      other.length > 0 ? `finance may change money limits only, not: ${other.join(', ')}` : 'finance may save only a change to money limits; this changes none',
      { fields: other },
    );
  }
  if (role === 'operator' && money.length === 0) return;
  if (role !== 'operator') throw forbidden('ROLE_FORBIDDEN', 'this needs one of the roles: owner, operator, finance');
  throw new AppError(403, 'MONEY_LIMIT_ROLE', `only owner or finance may change money limits: ${money.join(', ')}`, { fields: money, roles: MONEY_LIMIT_ROLES });
}

/**
 * The lines past which a change waits for a second owner/finance member (four eyes) instead of
 * applying at once. Each guards a way money could leave faster or in larger amounts than HQ meant:
 * - autoApproveMaxFen ¥500: a withdrawal up to this amount is paid with no human look; above ¥500
 *   each, one stolen or fake account drains real money before anyone sees it.
 * - minFreezeDays 7: the freeze is the return window (七天无理由退货, 7-day no-reason returns);
 *   commission withdrawable before it ends cannot be clawed back when the goods come back.
 * - maxDailyCount 10: more than ten withdrawals a member a day is a velocity only scripts need, and
 *   with auto-approval it multiplies the drain above.
 * - commission (rates, fixed amounts, overrides, cap, levels, self-purchase, compliance override):
 *   any raise pays more on every order from the moment it is saved, so there is no free margin.
 * - approvals (the two-person lines for adjustments and withdrawal approvals): raising one, or turning
 *   it off (0), lets one person alone move more money, so any loosening needs the four eyes it removes.
 */
export const SECOND_APPROVAL_LINES = {
  autoApproveMaxFen: 50_000,
  minFreezeDays: 7,
  maxDailyCount: 10,
} as const;

export interface RiskTrigger {
  field: string;
  /** the line crossed, in words (the console shows the field, before and after) */
  line: string;
  before: unknown;
  after: unknown;
}

type Commission = RuleConfig['commission'];

function ratesOf(c: Commission, tier: string): number[] {
  return c.tierRatesBp[tier] ?? c.tierRatesBp['1'] ?? [];
}

/** Does any tier pay more at any level? A tier without its own rates pays tier 1's (commission/plan.ts). */
function raisesTierRates(b: Commission, a: Commission): boolean {
  const tiers = new Set(['1', ...Object.keys(b.tierRatesBp), ...Object.keys(a.tierRatesBp)]);
  return [...tiers].some((tier) => ratesOf(a, tier).some((rate, i) => rate > (ratesOf(b, tier)[i] ?? 0)));
}

/** Only a same-mode override with no value raised is safe; adding or removing one may pay more. */
function raisesOverride(b: CommissionOverride | undefined, a: CommissionOverride | undefined): boolean {
  if (canonical(a) === canonical(b)) return false;
  if (!a || !b || a.mode !== b.mode) return true;
  const values = (o: CommissionOverride) => (o.mode === 'rate' ? o.ratesBp : o.amountsFen);
  const before = values(b);
  return values(a).some((v, i) => v > (before[i] ?? 0));
}

function raisesOverrides(b: Record<string, CommissionOverride>, a: Record<string, CommissionOverride>): boolean {
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].some((key) => raisesOverride(b[key], a[key]));
}

/** A two-person line is looser when it is higher, and loosest off (0: no amount needs a second approver). */
function loosensLine(beforeFen: number, afterFen: number): boolean {
  const reach = (fen: number) => (fen === 0 ? Number.POSITIVE_INFINITY : fen);
  return reach(afterFen) > reach(beforeFen);
}

interface RiskLine {
  field: string;
  line: string;
  pick: (c: RuleConfig) => unknown;
  trips: (before: RuleConfig, after: RuleConfig) => boolean;
}

const L = SECOND_APPROVAL_LINES;
const RISK_LINES: RiskLine[] = [
  { field: 'payout.autoApproveMaxFen', line: `raised above ${L.autoApproveMaxFen} fen`, pick: (c) => c.payout.autoApproveMaxFen, trips: (b, a) => a.payout.autoApproveMaxFen > b.payout.autoApproveMaxFen && a.payout.autoApproveMaxFen > L.autoApproveMaxFen },
  { field: 'commission.freezeDays', line: `shortened below ${L.minFreezeDays} days`, pick: (c) => c.commission.freezeDays, trips: (b, a) => a.commission.freezeDays < b.commission.freezeDays && a.commission.freezeDays < L.minFreezeDays },
  { field: 'payout.dailyCountLimit', line: `raised above ${L.maxDailyCount} a day`, pick: (c) => c.payout.dailyCountLimit, trips: (b, a) => a.payout.dailyCountLimit > b.payout.dailyCountLimit && a.payout.dailyCountLimit > L.maxDailyCount },
  { field: 'commission.levels', line: 'raised', pick: (c) => c.commission.levels, trips: (b, a) => a.commission.levels > b.commission.levels },
  { field: 'commission.complianceOverride', line: 'set or changed', pick: (c) => c.commission.complianceOverride ?? null, trips: (b, a) => !!a.commission.complianceOverride && canonical(a.commission.complianceOverride) !== canonical(b.commission.complianceOverride) },
  { field: 'commission.selfPurchase', line: 'turned on', pick: (c) => c.commission.selfPurchase, trips: (b, a) => a.commission.selfPurchase && !b.commission.selfPurchase },
  { field: 'commission.capBp', line: 'raised', pick: (c) => c.commission.capBp, trips: (b, a) => a.commission.capBp > b.commission.capBp },
  { field: 'commission.tierRatesBp', line: 'a rate raised', pick: (c) => c.commission.tierRatesBp, trips: (b, a) => raisesTierRates(b.commission, a.commission) },
  { field: 'commission.productOverrides', line: 'an override added, removed or raised', pick: (c) => c.commission.productOverrides, trips: (b, a) => raisesOverrides(b.commission.productOverrides, a.commission.productOverrides) },
  { field: 'commission.skuOverrides', line: 'an override added, removed or raised', pick: (c) => c.commission.skuOverrides, trips: (b, a) => raisesOverrides(b.commission.skuOverrides, a.commission.skuOverrides) },
  { field: 'approvals.adjustmentSecondApprovalFen', line: 'raised or turned off', pick: (c) => c.approvals.adjustmentSecondApprovalFen, trips: (b, a) => loosensLine(b.approvals.adjustmentSecondApprovalFen, a.approvals.adjustmentSecondApprovalFen) },
  { field: 'approvals.payoutSecondApprovalFen', line: 'raised or turned off', pick: (c) => c.approvals.payoutSecondApprovalFen, trips: (b, a) => loosensLine(b.approvals.payoutSecondApprovalFen, a.approvals.payoutSecondApprovalFen) },
];

/** The lines this change crosses; none means it may apply at once. */
export function riskTriggers(before: RuleConfig, after: RuleConfig): RiskTrigger[] {
  return RISK_LINES.filter((r) => r.trips(before, after)).map((r) => ({ field: r.field, line: r.line, before: r.pick(before), after: r.pick(after) }));
}
