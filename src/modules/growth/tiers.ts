// Distributor tier auto-upgrade (分销等级自动升级). HQ gives a tier an upgrade rule: conditions on
// own spend, team sales, direct referrals, commission earned and buying a chosen product, matched
// all or any. A member is checked when an order is paid (the buyer and their nearest uplines, in
// the order's deferred effects right after the payment commits, against their standing then: the
// upgrade applies from the orders paid after it) and by a job (direct referrals, deep uplines,
// changed rules). Only upgrades; HQ can still set any tier by hand.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { overrideColumns, overrideOf, type ComplianceFinding, type ComplianceOverrideInput } from '../compliance/index.js';
import type { MembersService } from '../members/index.js';
import type { RulesService } from '../rules/index.js';
import type { PaidOrder } from '../orders/index.js';
import type { LeaderboardService } from './leaderboards.js';
import type { Selectable } from 'kysely';
import type { GrowthTierRulesTable } from './tables.js';
import { TierCompliance } from './tier-compliance.js';

/** uplines this close to the buyer are checked with the paid order's effects; farther ones by the job */
const INLINE_UPLINE_DEPTH = 3;
/**
 * How long a payment trusts "no enabled upgrade rule" without reading the rules again. This
 * service forgets it as soon as it saves or deletes a rule; a save on another instance shows
 * within this time (and queues every distributor for the job anyway).
 */
const NO_ENABLED_RULE_TRUST_MS = 1_000;

export interface TierConditions {
  ownSpendFen: number | null;
  teamSalesFen: number | null;
  directReferrals: number | null;
  commissionEarnedFen: number | null;
  productId: number | null;
}

export interface TierRule extends TierConditions {
  tierId: number;
  tierName: string;
  tierRank: number;
  match: 'all' | 'any';
  enabled: boolean;
  updatedAt: Date;
  /** lets the rule make a purchase the only way to the tier, or invites alone a way into a better-paying one (046) */
  complianceOverride: { reason: string; byId: number | null; at: Date } | null;
}

export type TierRuleInput = TierConditions & { match: 'all' | 'any'; enabled: boolean; complianceOverride?: ComplianceOverrideInput | null };

export interface MemberStanding {
  ownSpendFen: number;
  teamSalesFen: number;
  directReferrals: number;
  commissionEarnedFen: number;
  /** product ids the member bought (paid, not wholly refunded), among those the rules name */
  boughtProductIds: number[];
}

type ConditionName = keyof TierConditions;

export interface ConditionProgress {
  condition: ConditionName;
  required: number;
  current: number;
  met: boolean;
}

function toRule(row: Selectable<GrowthTierRulesTable> & { name: string; rank: number }): TierRule {
  return {
    tierId: row.tier_id,
    tierName: row.name,
    tierRank: row.rank,
    match: row.match,
    enabled: row.enabled,
    ownSpendFen: row.own_spend_fen,
    teamSalesFen: row.team_sales_fen,
    directReferrals: row.direct_referrals,
    commissionEarnedFen: row.commission_earned_fen,
    productId: row.product_id,
    updatedAt: row.updated_at,
    complianceOverride: overrideView(row),
  };
}

function overrideView(row: { compliance_override_reason: string | null; compliance_override_by: number | null; compliance_override_at: Date | string | null }) {
  const override = overrideOf({ ...row, compliance_override_at: row.compliance_override_at === null ? null : new Date(row.compliance_override_at) });
  return override ? { reason: override.reason, byId: override.by, at: override.at } : null;
}

/** The rule as the JSON of afterPaid's statement carries it, back to a TierRule. */
function fromJson(r: TierRuleJson): TierRule {
  const { overrideReason, overrideBy, overrideAt, ...rule } = r;
  return { ...rule, updatedAt: new Date(r.updatedAt), complianceOverride: overrideView({ compliance_override_reason: overrideReason, compliance_override_by: overrideBy, compliance_override_at: overrideAt }) };
}

/** each enabled rule as JSON, in the statements that read rules and members at once */
const RULE_JSON = sql`json_build_object(
  'tierId', r.tier_id, 'tierName', t.name, 'tierRank', t.rank, 'match', r.match, 'enabled', r.enabled,
  'ownSpendFen', r.own_spend_fen, 'teamSalesFen', r.team_sales_fen, 'directReferrals', r.direct_referrals,
  'commissionEarnedFen', r.commission_earned_fen, 'productId', r.product_id, 'updatedAt', r.updated_at,
  'overrideReason', r.compliance_override_reason, 'overrideBy', r.compliance_override_by, 'overrideAt', r.compliance_override_at)`;

/** Each condition the rule sets, with where the member stands. */
export function conditionProgress(rule: TierConditions, standing: MemberStanding): ConditionProgress[] {
  const out: ConditionProgress[] = [];
  const numeric: Array<[ConditionName, number | null, number]> = [
    ['ownSpendFen', rule.ownSpendFen, standing.ownSpendFen],
    ['teamSalesFen', rule.teamSalesFen, standing.teamSalesFen],
    ['directReferrals', rule.directReferrals, standing.directReferrals],
    ['commissionEarnedFen', rule.commissionEarnedFen, standing.commissionEarnedFen],
  ];
  for (const [condition, required, current] of numeric) if (required !== null) out.push({ condition, required, current, met: current >= required });
  if (rule.productId !== null) {
    const bought = standing.boughtProductIds.includes(rule.productId);
    out.push({ condition: 'productId', required: rule.productId, current: bought ? rule.productId : 0, met: bought });
  }
  return out;
}

export function ruleMet(rule: TierConditions & { match: 'all' | 'any' }, standing: MemberStanding): boolean {
  const progress = conditionProgress(rule, standing);
  if (progress.length === 0) return false;
  return rule.match === 'all' ? progress.every((p) => p.met) : progress.some((p) => p.met);
}

/** A member checked with a paid order: the buyer, then the nearest uplines, nearest first. */
interface InlineMember {
  id: number;
  distributor_status: string;
  rank: number;
}

type TierRuleJson = Omit<TierRule, 'updatedAt' | 'complianceOverride'> & { updatedAt: string; overrideReason: string | null; overrideBy: number | null; overrideAt: string | null };

export class TierUpgradeService {
  /** performance.now() until which a payment skips the rules (none was enabled when last read) */
  private noEnabledRuleUntilMs = 0;
  /** bumped by every rule write, so a read that raced a write does not set noEnabledRuleUntilMs */
  private rulesGeneration = 0;
  private readonly compliance: TierCompliance;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly leaderboards: LeaderboardService,
    rules: RulesService,
  ) {
    this.compliance = new TierCompliance(rules);
  }

  async rules(ex: Executor): Promise<TierRule[]> {
    const rows = await ex
      .selectFrom('growth_tier_rules as r')
      .innerJoin('distributor_tiers as t', 't.id', 'r.tier_id')
      .selectAll('r')
      .select(['t.name', 't.rank'])
      .orderBy('t.rank')
      .execute();
    return rows.map(toRule);
  }

  /** After a rule write (committed or not): payments read the rules again. */
  private forgetRules(): void {
    this.rulesGeneration += 1;
    this.noEnabledRuleUntilMs = 0;
  }

  /** Saves a tier's upgrade rule (audited) and queues every active distributor for a check under it. */
  async saveRule(actorId: number, tierId: number, input: TierRuleInput): Promise<TierRule> {
    const conditions = [input.ownSpendFen, input.teamSalesFen, input.directReferrals, input.commissionEarnedFen, input.productId];
    if (conditions.every((c) => c === null)) throw unprocessable('TIER_RULE_EMPTY', 'an upgrade rule needs at least one condition');
    try {
      return await this.saveRuleIn(actorId, tierId, input);
    } finally {
      this.forgetRules();
    }
  }

  private async saveRuleIn(actorId: number, tierId: number, input: TierRuleInput): Promise<TierRule> {
    return inTransaction(this.db, async (tx) => {
      const tier = await tx.selectFrom('distributor_tiers').select(['id', 'rank']).where('id', '=', tierId).executeTakeFirst();
      if (!tier) throw notFound('TIER_NOT_FOUND', `tier ${tierId} does not exist`);
      const lowest = await tx.selectFrom('distributor_tiers').select(sql<number>`min(rank)`.as('rank')).executeTakeFirstOrThrow();
      if (tier.rank === lowest.rank) throw unprocessable('TIER_IS_ENTRY', 'the entry tier is where everyone starts; it has no upgrade rule');
      if (input.productId !== null) {
        const product = await tx.selectFrom('products').select('id').where('id', '=', input.productId).executeTakeFirst();
        if (!product) throw unprocessable('PRODUCT_NOT_FOUND', `product ${input.productId} does not exist`);
      }
      const breach = await this.compliance.check(tx, tierId, input, input.complianceOverride);
      const before = await tx.selectFrom('growth_tier_rules').selectAll().where('tier_id', '=', tierId).forUpdate().executeTakeFirst();
      const override = overrideColumns(input.complianceOverride, breach !== null, actorId, this.clock.now());
      const values = {
        ...override,
        match: input.match,
        own_spend_fen: input.ownSpendFen,
        team_sales_fen: input.teamSalesFen,
        direct_referrals: input.directReferrals,
        commission_earned_fen: input.commissionEarnedFen,
        product_id: input.productId,
        enabled: input.enabled,
        updated_by: actorId,
        updated_at: this.clock.now(),
      };
      await tx
        .insertInto('growth_tier_rules')
        .values({ tier_id: tierId, ...values })
        .onConflict((oc) => oc.column('tier_id').doUpdateSet(values))
        .execute();
      await this.audit.record(tx, { actorId, action: 'tier.upgrade_rule', targetType: 'tier', targetId: tierId, before: before ?? null, after: { tierId, ...input } });
      if (breach && override.compliance_override_reason !== null)
        await this.audit.record(tx, {
          actorId,
          action: 'tier.compliance_override',
          targetType: 'tier',
          targetId: tierId,
          before: before ? { reason: before.compliance_override_reason } : null,
          after: { code: breach.code, field: breach.field, match: input.match, productId: input.productId, directReferrals: input.directReferrals },
          reason: override.compliance_override_reason,
        });
      if (input.enabled) await this.queueAllDistributors(tx, `upgrade rule of tier ${tierId} saved`);
      return (await this.rules(tx)).find((r) => r.tierId === tierId)!;
    });
  }

  async deleteRule(actorId: number, tierId: number): Promise<void> {
    try {
      await inTransaction(this.db, async (tx) => {
        const before = await tx.deleteFrom('growth_tier_rules').where('tier_id', '=', tierId).returningAll().executeTakeFirst();
        if (!before) throw notFound('TIER_RULE_NOT_FOUND', `tier ${tierId} has no upgrade rule`);
        await this.audit.record(tx, { actorId, action: 'tier.upgrade_rule.delete', targetType: 'tier', targetId: tierId, before, after: null });
      });
    } finally {
      this.forgetRules();
    }
  }

  /** Queues every active distributor for the job (after a rule change); one set-based insert. */
  async queueAllDistributors(tx: Tx, reason: string): Promise<void> {
    await sql`insert into growth_tier_checks (member_id, reason) select id, ${reason} from members where distributor_status = 'active'`.execute(tx);
  }

  /** Enabled rules of tiers above a rank, highest first. */
  private async rulesAbove(ex: Executor, rank: number): Promise<TierRule[]> {
    return (await this.rules(ex)).filter((r) => r.enabled && r.tierRank > rank).reverse();
  }

  /** Every figure in one statement (a payment checks up to four members). */
  async standing(ex: Executor, memberId: number, productIds: number[]): Promise<MemberStanding> {
    const bought = productIds.length
      ? sql<number[]>`(select coalesce(json_agg(distinct l.product_id), '[]'::json) from order_lines l join orders o on o.id = l.order_id
                       where o.buyer_id = ${memberId} and o.paid_at is not null and l.product_id in (${sql.join(productIds)})
                         and l.refunded_fen < l.paid_fen)`
      : sql<number[]>`'[]'::json`;
    const row = await sql<{ own_fen: number; team_fen: number; direct: number; commission_fen: number; bought: number[] }>`
      select coalesce((select paid_fen - refunded_fen from referral_member_sales where member_id = ${memberId}), 0) as own_fen,
             coalesce((select sum(s.paid_fen - s.refunded_fen) from referral_closure c
                       join referral_member_sales s on s.member_id = c.descendant_id
                       where c.ancestor_id = ${memberId} and c.distance > 0), 0) as team_fen,
             (select count(*) from referral_bindings where referrer_id = ${memberId}) as direct,
             ${this.leaderboards.valueExpression('commission', 'all', memberId)} as commission_fen,
             ${bought} as bought`.execute(ex);
    return {
      ownSpendFen: row.rows[0].own_fen,
      teamSalesFen: row.rows[0].team_fen,
      directReferrals: row.rows[0].direct,
      commissionEarnedFen: row.rows[0].commission_fen,
      boughtProductIds: row.rows[0].bought,
    };
  }

  /**
   * Raises an active distributor to the highest tier above theirs whose rule they meet; returns the
   * new tier id, or null. Never lowers a tier. The tier change is audited by the members service.
   */
  async evaluate(tx: Tx, memberId: number, cause: string): Promise<number | null> {
    const member = await tx
      .selectFrom('members as m')
      .innerJoin('distributor_tiers as t', 't.id', 'm.tier_id')
      .select(['m.distributor_status', 't.rank'])
      .where('m.id', '=', memberId)
      .executeTakeFirst();
    if (!member || member.distributor_status !== 'active') return null;
    return this.upgrade(tx, memberId, member.rank, await this.rules(tx), cause);
  }

  /** evaluate, for an active distributor of a known tier rank, under the given rules (ordered by rank). */
  private async upgrade(tx: Tx, memberId: number, rank: number, rules: TierRule[], cause: string): Promise<number | null> {
    // a way the compliance line closes (no override) lifts nobody
    const candidates = await this.compliance.usable(tx, rules.filter((r) => r.enabled && r.tierRank > rank).reverse());
    if (candidates.length === 0) return null;
    const standing = await this.standing(tx, memberId, candidates.map((c) => c.productId).filter((id): id is number => id !== null));
    const reached = candidates.find((rule) => ruleMet(rule, standing));
    if (!reached) return null;
    const met = conditionProgress(reached, standing).filter((p) => p.met).map((p) => `${p.condition} ${p.current} ≥ ${p.required}`);
    await this.members.setTierIn(tx, null, memberId, reached.tierId, `automatic upgrade (${cause}): ${met.join(', ')}`);
    return reached.tierId;
  }

  /**
   * With the paid order's deferred effects: the buyer and their nearest uplines now; farther uplines by the job.
   * One statement reads the enabled rules and the members' tiers and queues the farther uplines;
   * then one statement per active member a rule could lift.
   */
  async afterPaid(tx: Tx, order: PaidOrder): Promise<void> {
    if (performance.now() < this.noEnabledRuleUntilMs) return;
    const generation = this.rulesGeneration;
    const cause = `order ${order.orderId} paid`;
    // tiers change only by their own member's upgrade, so reading every member's tier first is what
    // reading each before its check gave; only team sales reach past the nearest uplines, so the rest
    // are queued when an enabled rule looks at them
    const result = await sql<{ rules: TierRuleJson[]; members: InlineMember[] }>`
      with queued as (
        insert into growth_tier_checks (member_id, reason)
        select ancestor_id, ${`team sales: ${cause}`} from referral_closure
        where descendant_id = ${order.buyerId} and distance > ${INLINE_UPLINE_DEPTH}
          and exists (select 1 from growth_tier_rules where enabled and team_sales_fen is not null)
      )
      select
        (select coalesce(json_agg(${RULE_JSON} order by t.rank), '[]'::json)
         from growth_tier_rules r join distributor_tiers t on t.id = r.tier_id where r.enabled) as rules,
        (select coalesce(json_agg(json_build_object('id', m.id, 'distributor_status', m.distributor_status, 'rank', t.rank) order by x.distance), '[]'::json)
         from (select ${order.buyerId}::bigint as id, 0 as distance
               union all
               select ancestor_id, distance from referral_closure
               where descendant_id = ${order.buyerId} and distance > 0 and distance <= ${INLINE_UPLINE_DEPTH}) x
         join members m on m.id = x.id
         join distributor_tiers t on t.id = m.tier_id) as members`.execute(tx);
    const rules = result.rows[0].rules.map(fromJson);
    if (rules.length === 0) {
      if (generation === this.rulesGeneration) this.noEnabledRuleUntilMs = performance.now() + NO_ENABLED_RULE_TRUST_MS;
      return;
    }
    for (const member of result.rows[0].members) {
      if (member.distributor_status === 'active') await this.upgrade(tx, member.id, member.rank, rules, cause);
    }
  }

  /**
   * afterPaid for several orders (the outbox's batch, after all their leaderboard deltas): one
   * statement queues every order's farther uplines and reads the rules and every order's members;
   * then each member is checked once, in id order (so concurrent batches lock member rows in one
   * order), against their standing now, which has every order of the batch in it.
   */
  async afterPaidMany(tx: Tx, orders: PaidOrder[]): Promise<void> {
    if (orders.length === 1) return this.afterPaid(tx, orders[0]);
    if (orders.length === 0 || performance.now() < this.noEnabledRuleUntilMs) return;
    const generation = this.rulesGeneration;
    const result = await sql<{ rules: TierRuleJson[]; members: Array<InlineMember & { order_id: number }> }>`
      with buyers as (
        select * from unnest(${orders.map((o) => o.orderId)}::bigint[], ${orders.map((o) => o.buyerId)}::bigint[]) as b(order_id, buyer_id)
      ),
      queued as (
        insert into growth_tier_checks (member_id, reason)
        select c.ancestor_id, 'team sales: order ' || b.order_id || ' paid' from buyers b
        join referral_closure c on c.descendant_id = b.buyer_id and c.distance > ${INLINE_UPLINE_DEPTH}
        where exists (select 1 from growth_tier_rules where enabled and team_sales_fen is not null)
      )
      select
        (select coalesce(json_agg(${RULE_JSON} order by t.rank), '[]'::json)
         from growth_tier_rules r join distributor_tiers t on t.id = r.tier_id where r.enabled) as rules,
        (select coalesce(json_agg(json_build_object('id', m.id, 'distributor_status', m.distributor_status, 'rank', t.rank, 'order_id', x.order_id) order by x.order_id), '[]'::json)
         from (select order_id, buyer_id as id from buyers
               union all
               select b.order_id, c.ancestor_id from buyers b
               join referral_closure c on c.descendant_id = b.buyer_id and c.distance > 0 and c.distance <= ${INLINE_UPLINE_DEPTH}) x
         join members m on m.id = x.id
         join distributor_tiers t on t.id = m.tier_id) as members`.execute(tx);
    const rules = result.rows[0].rules.map(fromJson);
    if (rules.length === 0) {
      if (generation === this.rulesGeneration) this.noEnabledRuleUntilMs = performance.now() + NO_ENABLED_RULE_TRUST_MS;
      return;
    }
    // each member once, named by the last of the batch's orders that checks them
    const members = new Map<number, InlineMember & { order_id: number }>();
    for (const member of result.rows[0].members) members.set(member.id, member);
    for (const member of [...members.values()].sort((a, b) => a.id - b.id)) {
      if (member.distributor_status === 'active') await this.upgrade(tx, member.id, member.rank, rules, `order ${member.order_id} paid`);
    }
  }

  /** The job: claims queued checks (SKIP LOCKED), evaluates each member once, removes the checks. */
  async processQueue(batchSize = 200): Promise<{ checked: number; upgraded: number }> {
    return inTransaction(this.db, async (tx) => {
      const claimed = await sql<{ member_id: number; reason: string }>`
        delete from growth_tier_checks
        where id in (select id from growth_tier_checks order by id limit ${batchSize} for update skip locked)
        returning member_id, reason`.execute(tx);
      const members = new Map<number, string>();
      for (const c of claimed.rows) if (!members.has(c.member_id)) members.set(c.member_id, c.reason);
      let upgraded = 0;
      // in id order, so two instances lock member rows in the same order
      for (const [memberId, reason] of [...members].sort((a, b) => a[0] - b[0])) {
        if ((await this.evaluate(tx, memberId, reason)) !== null) upgraded += 1;
      }
      return { checked: members.size, upgraded };
    });
  }

  /** Rules crossing the compliance line with no override, for HQ's compliance report. */
  async complianceFindings(ex: Executor): Promise<ComplianceFinding[]> {
    return this.compliance.findings(ex, await this.rules(ex));
  }

  /** What the member has and what the next tier needs (the shop's progress card). */
  async progress(ex: Executor, memberId: number) {
    const member = await ex
      .selectFrom('members as m')
      .innerJoin('distributor_tiers as t', 't.id', 'm.tier_id')
      .select(['m.distributor_status as distributorStatus', 't.id as tierId', 't.name as tierName', 't.rank as tierRank'])
      .where('m.id', '=', memberId)
      .executeTakeFirstOrThrow();
    // the ways the compliance line closes are not shown as ways to the next tier
    const next = (await this.compliance.usable(ex, await this.rulesAbove(ex, member.tierRank))).reverse()[0];
    if (!next) return { ...member, next: null };
    const standing = await this.standing(ex, memberId, next.productId !== null ? [next.productId] : []);
    const product = next.productId !== null ? await ex.selectFrom('products').select(['id', 'title']).where('id', '=', next.productId).executeTakeFirst() : undefined;
    return {
      ...member,
      next: {
        tierId: next.tierId,
        tierName: next.tierName,
        match: next.match,
        productTitle: product?.title ?? null,
        conditions: conditionProgress(next, standing),
      },
    };
  }
}
