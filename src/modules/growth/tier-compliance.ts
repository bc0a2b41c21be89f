// The compliance line for tier upgrade rules. A tier's reward is its commission rates (the rules'
// tierRatesBp): cash on later sales. So a rule with a way made of direct referrals alone into a tier
// that pays more than the entry tier pays recruiting in cash (COMPLIANCE_RECRUITING_CASH, field
// directReferrals), and a rule whose every way is buying the package (with at most invites besides) is
// an entry fee (COMPLIANCE_ENTRY_FEE, field productId). Both are refused on save without a compliance
// override; a rule saved before the guard keeps its configuration, but the way it may not use lifts
// nobody until HQ records the override or changes it, and the compliance report lists it.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import {
  ENTRY_FEE,
  entryFeeRefused,
  hasInviteOnlyPath,
  isEntryFee,
  paysMoreThanEntry,
  ratesOfTier,
  RECRUITING_CASH,
  recruitingCashRefused,
  withoutInviteOnlyPath,
  type ComplianceCode,
  type ComplianceFinding,
  type ComplianceOverrideInput,
  type TierRuleShape,
} from '../compliance/index.js';
import type { RulesService } from '../rules/index.js';

/** What a rule crosses: the code and the field; none when it is within the line. */
export interface TierRuleBreach {
  code: ComplianceCode;
  field: 'productId' | 'directReferrals';
}

export class TierCompliance {
  constructor(private readonly rules: RulesService) {}

  /** Whether a tier's rates pay more than the entry tier's, under the rule version in force. */
  async paysMoreThanEntry(ex: Executor, tierId: number): Promise<boolean> {
    const commission = (await this.rules.current(ex)).config.commission;
    const entry = await sql<{ id: number }>`select id from distributor_tiers order by rank, id limit 1`.execute(ex);
    const entryId = entry.rows[0]?.id ?? 1;
    if (Number(entryId) === tierId) return false;
    return paysMoreThanEntry(ratesOfTier(commission.tierRatesBp, tierId), ratesOfTier(commission.tierRatesBp, Number(entryId)), commission.levels);
  }

  /** The line a rule crosses, if any (the entry fee first: it is the stricter). */
  async breach(ex: Executor, tierId: number, rule: TierRuleShape): Promise<TierRuleBreach | null> {
    if (isEntryFee(rule)) return { code: ENTRY_FEE, field: 'productId' };
    if (hasInviteOnlyPath(rule) && (await this.paysMoreThanEntry(ex, tierId))) return { code: RECRUITING_CASH, field: 'directReferrals' };
    return null;
  }

  /** On save: 422 with the code and field when the rule crosses the line and no override comes with it. */
  async check(ex: Executor, tierId: number, rule: TierRuleShape, override: ComplianceOverrideInput | null | undefined): Promise<TierRuleBreach | null> {
    const breach = await this.breach(ex, tierId, rule);
    if (!breach || override) return breach;
    if (breach.code === ENTRY_FEE) throw entryFeeRefused('productId', 'buying the package is the only way to this tier', { tierId, productId: rule.productId });
    throw recruitingCashRefused('directReferrals', 'direct referrals alone reach this tier, which pays more commission than the entry tier', { tierId, directReferrals: rule.directReferrals });
  }

  /**
   * The rules as they may lift a member: a rule with an override as it is; without one, an entry-fee
   * rule lifts nobody and an invite-only way into a better-paying tier is taken out. Reads the rules
   * in force only when a rule needs it.
   */
  async usable<T extends TierRuleShape & { tierId: number; complianceOverride: unknown }>(ex: Executor, rules: T[]): Promise<T[]> {
    const out: T[] = [];
    // read the rules in force once per call, and only for a rule that needs them
    const paysMore = new Map<number, Promise<boolean>>();
    const paysMoreOf = (tierId: number) => paysMore.get(tierId) ?? paysMore.set(tierId, this.paysMoreThanEntry(ex, tierId)).get(tierId)!;
    for (const rule of rules) {
      if (rule.complianceOverride) out.push(rule);
      else if (isEntryFee(rule)) continue;
      else if (hasInviteOnlyPath(rule) && (await paysMoreOf(rule.tierId))) {
        const rest = withoutInviteOnlyPath(rule);
        // what is left may be the package alone: that lifts nobody either
        if (rest && !isEntryFee(rest)) out.push(rest);
      } else out.push(rule);
    }
    return out;
  }

  /** Rules crossing the line with no override, for HQ's compliance report. */
  async findings(ex: Executor, rules: Array<TierRuleShape & { tierId: number; tierName: string; complianceOverride: unknown }>): Promise<ComplianceFinding[]> {
    const out: ComplianceFinding[] = [];
    for (const rule of rules) {
      if (rule.complianceOverride) continue;
      const breach = await this.breach(ex, rule.tierId, rule);
      if (breach) out.push({ area: 'tier_rule', id: rule.tierId, name: rule.tierName, code: breach.code, field: breach.field, effect: breach.code === ENTRY_FEE ? 'rule_lifts_nobody' : 'invite_path_lifts_nobody' });
    }
    return out;
  }
}
