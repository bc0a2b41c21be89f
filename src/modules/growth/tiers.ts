// Distributor tier auto-upgrade (分销等级自动升级). HQ gives a tier an upgrade rule: conditions on
// own spend, team sales, direct referrals, commission earned and buying a chosen product, matched
// all or any. A member is checked when an order is paid (the buyer and their nearest uplines, in
// the payment transaction, after commission: the upgrade applies from the next order) and by a job
// (direct referrals, deep uplines, changed rules). Only upgrades; HQ can still set any tier by hand.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/service.js';
import type { MembersService } from '../members/service.js';
import type { PaidOrder } from '../orders/participants.js';
import type { LeaderboardService } from './leaderboards.js';
import type { Selectable } from 'kysely';
import type { GrowthTierRulesTable } from './tables.js';

/** uplines this close to the buyer are checked inside the payment; farther ones by the job */
const INLINE_UPLINE_DEPTH = 3;

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
}

export type TierRuleInput = TierConditions & { match: 'all' | 'any'; enabled: boolean };

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
  };
}

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

export class TierUpgradeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly leaderboards: LeaderboardService,
  ) {}

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

  /** Saves a tier's upgrade rule (audited) and queues every active distributor for a check under it. */
  async saveRule(actorId: number, tierId: number, input: TierRuleInput): Promise<TierRule> {
    const conditions = [input.ownSpendFen, input.teamSalesFen, input.directReferrals, input.commissionEarnedFen, input.productId];
    if (conditions.every((c) => c === null)) throw unprocessable('TIER_RULE_EMPTY', 'an upgrade rule needs at least one condition');
    return inTransaction(this.db, async (tx) => {
      const tier = await tx.selectFrom('distributor_tiers').select(['id', 'rank']).where('id', '=', tierId).executeTakeFirst();
      if (!tier) throw notFound('TIER_NOT_FOUND', `tier ${tierId} does not exist`);
      const lowest = await tx.selectFrom('distributor_tiers').select(sql<number>`min(rank)`.as('rank')).executeTakeFirstOrThrow();
      if (tier.rank === lowest.rank) throw unprocessable('TIER_IS_ENTRY', 'the entry tier is where everyone starts; it has no upgrade rule');
      if (input.productId !== null) {
        const product = await tx.selectFrom('products').select('id').where('id', '=', input.productId).executeTakeFirst();
        if (!product) throw unprocessable('PRODUCT_NOT_FOUND', `product ${input.productId} does not exist`);
      }
      const before = await tx.selectFrom('growth_tier_rules').selectAll().where('tier_id', '=', tierId).forUpdate().executeTakeFirst();
      const values = {
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
      if (input.enabled) await this.queueAllDistributors(tx, `upgrade rule of tier ${tierId} saved`);
      return (await this.rules(tx)).find((r) => r.tierId === tierId)!;
    });
  }

  async deleteRule(actorId: number, tierId: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await tx.deleteFrom('growth_tier_rules').where('tier_id', '=', tierId).returningAll().executeTakeFirst();
      if (!before) throw notFound('TIER_RULE_NOT_FOUND', `tier ${tierId} has no upgrade rule`);
      await this.audit.record(tx, { actorId, action: 'tier.upgrade_rule.delete', targetType: 'tier', targetId: tierId, before, after: null });
    });
  }

  /** Queues every active distributor for the job (after a rule change); one set-based insert. */
  async queueAllDistributors(tx: Tx, reason: string): Promise<void> {
    await sql`insert into growth_tier_checks (member_id, reason) select id, ${reason} from members where distributor_status = 'active'`.execute(tx);
  }

  /** Enabled rules of tiers above a rank, highest first. */
  private async rulesAbove(ex: Executor, rank: number): Promise<TierRule[]> {
    return (await this.rules(ex)).filter((r) => r.enabled && r.tierRank > rank).reverse();
  }

  async standing(ex: Executor, memberId: number, productIds: number[]): Promise<MemberStanding> {
    const row = await sql<{ own_fen: number; team_fen: number; direct: number }>`
      select coalesce((select paid_fen - refunded_fen from referral_member_sales where member_id = ${memberId}), 0) as own_fen,
             coalesce((select sum(s.paid_fen - s.refunded_fen) from referral_closure c
                       join referral_member_sales s on s.member_id = c.descendant_id
                       where c.ancestor_id = ${memberId} and c.distance > 0), 0) as team_fen,
             (select count(*) from referral_bindings where referrer_id = ${memberId}) as direct`.execute(ex);
    const bought = productIds.length
      ? await ex
          .selectFrom('order_lines as l')
          .innerJoin('orders as o', 'o.id', 'l.order_id')
          .select('l.product_id')
          .distinct()
          .where('o.buyer_id', '=', memberId)
          .where('o.paid_at', 'is not', null)
          .where('l.product_id', 'in', productIds)
          .whereRef('l.refunded_fen', '<', 'l.paid_fen')
          .execute()
      : [];
    return {
      ownSpendFen: row.rows[0].own_fen,
      teamSalesFen: row.rows[0].team_fen,
      directReferrals: row.rows[0].direct,
      commissionEarnedFen: await this.leaderboards.valueOf(ex, 'commission', 'all', memberId),
      boughtProductIds: bought.map((b) => b.product_id),
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
    const candidates = await this.rulesAbove(tx, member.rank);
    if (candidates.length === 0) return null;
    const standing = await this.standing(tx, memberId, candidates.map((c) => c.productId).filter((id): id is number => id !== null));
    const reached = candidates.find((rule) => ruleMet(rule, standing));
    if (!reached) return null;
    const met = conditionProgress(reached, standing).filter((p) => p.met).map((p) => `${p.condition} ${p.current} ≥ ${p.required}`);
    await this.members.setTierIn(tx, null, memberId, reached.tierId, `automatic upgrade (${cause}): ${met.join(', ')}`);
    return reached.tierId;
  }

  /** In the payment transaction: the buyer and their nearest uplines now; farther uplines by the job. */
  async afterPaid(tx: Tx, order: PaidOrder): Promise<void> {
    const rules = (await this.rules(tx)).filter((r) => r.enabled);
    if (rules.length === 0) return;
    const cause = `order ${order.orderId} paid`;
    await this.evaluate(tx, order.buyerId, cause);
    const uplines = await tx
      .selectFrom('referral_closure')
      .select('ancestor_id')
      .where('descendant_id', '=', order.buyerId)
      .where('distance', '>', 0)
      .where('distance', '<=', INLINE_UPLINE_DEPTH)
      .orderBy('distance')
      .execute();
    for (const upline of uplines) await this.evaluate(tx, upline.ancestor_id, cause);
    // only team sales reach past the nearest uplines; queue the rest when a rule looks at them
    if (rules.some((r) => r.teamSalesFen !== null)) {
      await sql`
        insert into growth_tier_checks (member_id, reason)
        select ancestor_id, ${`team sales: ${cause}`} from referral_closure
        where descendant_id = ${order.buyerId} and distance > ${INLINE_UPLINE_DEPTH}`.execute(tx);
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

  /** What the member has and what the next tier needs (the shop's progress card). */
  async progress(ex: Executor, memberId: number) {
    const member = await ex
      .selectFrom('members as m')
      .innerJoin('distributor_tiers as t', 't.id', 'm.tier_id')
      .select(['m.distributor_status as distributorStatus', 't.id as tierId', 't.name as tierName', 't.rank as tierRank'])
      .where('m.id', '=', memberId)
      .executeTakeFirstOrThrow();
    const next = (await this.rulesAbove(ex, member.tierRank)).reverse()[0];
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
