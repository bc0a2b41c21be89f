// An agent's yearly targets by quarter and what it achieved, the orders attributed to it and what it
// earned. AgentsService answers for these (service.ts).
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { AgentsService, TargetInput } from './service.js';
import { levelOfRegion } from './differential.js';
import { withAgentTables, withAgentTablesTx } from './tables.js';
import { progressPermille, quarterBounds, splitYearly } from './targets.js';

export class AgentPerformance {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly agents: Pick<AgentsService, 'get'>,
  ) {}

  async setTarget(actorId: number, agentId: number, year: number, input: TargetInput) {
    const quarters = 'yearFen' in input ? splitYearly(input.yearFen) : input.quartersFen;
    return inTransaction(this.db, async (plain) => {
      const tx = withAgentTablesTx(plain);
      await this.agents.get(plain, agentId);
      const before = await tx.selectFrom('agent_targets').selectAll().where('agent_id', '=', agentId).where('year', '=', year).forUpdate().executeTakeFirst();
      const values = { q1_fen: quarters[0], q2_fen: quarters[1], q3_fen: quarters[2], q4_fen: quarters[3], updated_at: this.clock.now() };
      await tx
        .insertInto('agent_targets')
        .values({ agent_id: agentId, year, ...values })
        .onConflict((oc) => oc.columns(['agent_id', 'year']).doUpdateSet(values))
        .execute();
      await this.audit.record(plain, {
        actorId,
        action: 'agent.target',
        targetType: 'agent',
        targetId: agentId,
        before: before ? { year, quartersFen: [before.q1_fen, before.q2_fen, before.q3_fen, before.q4_fen] } : null,
        after: { year, quartersFen: quarters },
      });
      return this.targetProgress(plain, agentId, year);
    });
  }

  /** The years with a target, newest first. */
  async targetYears(ex: Executor, agentId: number): Promise<number[]> {
    const rows = await withAgentTables(ex).selectFrom('agent_targets').select('year').where('agent_id', '=', agentId).orderBy('year', 'desc').execute();
    return rows.map((r) => r.year);
  }

  /**
   * A year's target and what the agent achieved per Asia/Shanghai quarter: goods paid net of
   * refunds, by the quarter the order was paid in. Regional agents: orders in their region;
   * non-regional agents: orders that paid them a sales award.
   */
  async targetProgress(ex: Executor, agentId: number, year: number) {
    const agent = await this.agents.get(ex, agentId);
    const target = await withAgentTables(ex).selectFrom('agent_targets').selectAll().where('agent_id', '=', agentId).where('year', '=', year).executeTakeFirst();
    const targets = target ? [target.q1_fen, target.q2_fen, target.q3_fen, target.q4_fen] : [0, 0, 0, 0];
    const bounds = quarterBounds(year);
    const achieved = await this.attributedSalesByQuarter(ex, agent, bounds);
    const quarters = targets.map((targetFen, index) => ({
      quarter: index + 1,
      from: bounds[index],
      to: bounds[index + 1],
      targetFen,
      achievedFen: achieved[index],
      progressPermille: progressPermille(achieved[index], targetFen),
    }));
    const targetFen = targets.reduce((a, b) => a + b, 0);
    const achievedFen = achieved.reduce((a, b) => a + b, 0);
    return { agentId, year, hasTarget: target !== undefined, targetFen, achievedFen, progressPermille: progressPermille(achievedFen, targetFen), quarters };
  }

  private async attributedSalesByQuarter(ex: Executor, agent: { memberId: number; kind: 'regional' | 'non_regional'; regionCode: string | null }, bounds: Date[]): Promise<number[]> {
    const sums = [0, 1, 2, 3].map((q) =>
      sql<number>`coalesce(sum(l.paid_fen - l.refunded_fen) filter (where o.paid_at >= ${bounds[q]} and o.paid_at < ${bounds[q + 1]}), 0)`.as(`q${q + 1}`),
    );
    const row = await this.attributedLines(ex, agent)
      .where('o.paid_at', '>=', bounds[0])
      .where('o.paid_at', '<', bounds[4])
      .select(sums)
      .executeTakeFirstOrThrow();
    const r = row as unknown as Record<'q1' | 'q2' | 'q3' | 'q4', number>;
    return [r.q1, r.q2, r.q3, r.q4].map(Number);
  }

  /** Order lines attributed to an agent (see targetProgress). */
  private attributedLines(ex: Executor, agent: { memberId: number; kind: 'regional' | 'non_regional'; regionCode: string | null }) {
    const base = ex.selectFrom('order_lines as l').innerJoin('orders as o', 'o.id', 'l.order_id').where('o.paid_at', 'is not', null);
    if (agent.kind === 'non_regional') {
      return base.where((eb) =>
        eb.exists(eb.selectFrom('commission_earnings as e').select('e.id').whereRef('e.order_line_id', '=', 'l.id').where('e.kind', '=', 'agent_sales').where('e.earner_id', '=', agent.memberId)),
      );
    }
    return base.leftJoin('stores as s', 's.id', 'o.store_id').where(sql<string>`coalesce(s.region_code, o.region_code)`, 'like', `${regionPrefix(agent.regionCode!)}%`);
  }

  /** Orders attributed to the agent, newest first, with the agent's own awards on each. */
  async attributedOrders(ex: Executor, agentId: number, page: { limit: number; offset: number }) {
    const agent = await this.agents.get(ex, agentId);
    const orders = await this.attributedLines(ex, agent)
      .select(['o.id', 'o.order_no as orderNo', 'o.status', 'o.paid_at as paidAt'])
      .select((eb) => [eb.fn.sum<number>('l.paid_fen').as('goodsPaidFen'), eb.fn.sum<number>('l.refunded_fen').as('refundedFen')])
      .groupBy(['o.id', 'o.order_no', 'o.status', 'o.paid_at'])
      .orderBy('o.paid_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    if (orders.length === 0) return [];
    const awards = await ex
      .selectFrom('commission_earnings')
      .select(['order_id', (eb) => eb.fn.sum<number>(sql`amount_fen - reversed_fen`).as('awardFen')])
      .where('earner_id', '=', agent.memberId)
      .where('kind', 'in', ['agent_regional', 'agent_sales'])
      .where('order_id', 'in', orders.map((o) => o.id))
      .groupBy('order_id')
      .execute();
    const awardOf = new Map(awards.map((a) => [a.order_id, Number(a.awardFen)]));
    return orders.map((o) => ({ ...o, goodsPaidFen: Number(o.goodsPaidFen), refundedFen: Number(o.refundedFen), awardFen: awardOf.get(o.id) ?? 0 }));
  }

  /** The agent's own awards: differentials and sales awards (with their lifecycle), and referral awards. */
  async earningsOf(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    const items = await ex
      .selectFrom('commission_earnings as e')
      .innerJoin('orders as o', 'o.id', 'e.order_id')
      .select(['e.id', 'e.kind', 'e.order_id as orderId', 'o.order_no as orderNo', 'e.base_fen as baseFen', 'e.rate_bp as rateBp', 'e.amount_fen as amountFen', 'e.reversed_fen as reversedFen', 'e.state', 'e.frozen_until as frozenUntil', 'e.created_at as createdAt'])
      .where('e.earner_id', '=', memberId)
      .where('e.kind', 'in', ['agent_regional', 'agent_sales'])
      .orderBy('e.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const totals = await ex
      .selectFrom('commission_earnings')
      .select(['state', (eb) => eb.fn.sum<number>(sql`amount_fen - reversed_fen`).as('fen')])
      .where('earner_id', '=', memberId)
      .where('kind', 'in', ['agent_regional', 'agent_sales'])
      .groupBy('state')
      .execute();
    const referralAwards = await withAgentTables(ex)
      .selectFrom('agent_referral_awards as r')
      .innerJoin('agents as a', 'a.id', 'r.appointed_agent_id')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['r.appointed_agent_id as appointedAgentId', 'm.nickname', 'r.amount_fen as amountFen', 'r.points', 'r.created_at as createdAt'])
      .where('r.earner_id', '=', memberId)
      .orderBy('r.created_at', 'desc')
      .limit(50)
      .execute();
    const byState = (state: string) => Number(totals.find((t) => t.state === state)?.fen ?? 0);
    return {
      summary: {
        pendingFen: byState('pending'),
        frozenFen: byState('frozen'),
        availableFen: byState('available'),
        referralAwardFen: referralAwards.reduce((s, r) => s + r.amountFen, 0),
        referralAwardPoints: referralAwards.reduce((s, r) => s + r.points, 0),
      },
      items,
      referralAwards,
    };
  }
}

/** Division codes under a region share its prefix: 2 digits for a province, 4 for a city, 6 for a district. */
export function regionPrefix(code: string): string {
  const level = levelOfRegion(code);
  return level === 'province' ? code.slice(0, 2) : level === 'city' ? code.slice(0, 4) : code;
}
