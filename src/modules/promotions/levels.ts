// Member levels (会员等级): growth points (成长值) from spending — one per yuan of goods paid, taken back
// in proportion by refunds — raise a member to the highest level whose threshold they reach, and the
// level's member price applies at checkout.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import { mulDivFloor } from '../../money.js';
import type { AuditService } from '../audit/service.js';
import type { CheckoutContext, OrderParticipant, PaidOrder, RefundedOrder } from '../orders/participants.js';
import type { Quote } from '../orders/service.js';
import { addLineDiscounts, growthForPaidFen, memberPriceDiscounts } from './pricing.js';

export interface MemberLevelInput {
  name: string;
  growthThreshold: number;
  /** the member price as bp of the list price: 9500 = 9.5折 */
  memberPriceBp: number;
}

const LEVEL_COLUMNS = ['id', 'name', 'growth_threshold as growthThreshold', 'member_price_bp as memberPriceBp'] as const;

export class MemberLevelsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async list(ex: Executor) {
    return ex.selectFrom('member_levels').select(LEVEL_COLUMNS).orderBy('growth_threshold').execute();
  }

  /** HQ's levels with how many members are at each now. */
  async listWithCounts(ex: Executor) {
    const levels = await this.list(ex);
    const counts = await Promise.all(
      levels.map(async (level, i) => {
        const next = levels[i + 1];
        let q = ex.selectFrom('member_growth').select(sql<number>`count(*)`.as('n')).where('growth_points', '>=', level.growthThreshold);
        if (next) q = q.where('growth_points', '<', next.growthThreshold);
        return (await q.executeTakeFirstOrThrow()).n;
      }),
    );
    return levels.map((level, i) => ({ ...level, members: counts[i] }));
  }

  async create(actorId: number, input: MemberLevelInput) {
    return inTransaction(this.db, async (tx) => {
      await this.checkUnique(tx, input);
      const level = await tx
        .insertInto('member_levels')
        .values({ name: input.name, growth_threshold: input.growthThreshold, member_price_bp: input.memberPriceBp, created_at: this.clock.now() })
        .returning(LEVEL_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'member_level.create', targetType: 'member_level', targetId: level.id, after: level });
      return level;
    });
  }

  async update(actorId: number, levelId: number, input: MemberLevelInput) {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('member_levels').select(LEVEL_COLUMNS).where('id', '=', levelId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_LEVEL_NOT_FOUND', `member level ${levelId} does not exist`);
      await this.checkUnique(tx, input, levelId);
      const level = await tx
        .updateTable('member_levels')
        .set({ name: input.name, growth_threshold: input.growthThreshold, member_price_bp: input.memberPriceBp })
        .where('id', '=', levelId)
        .returning(LEVEL_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'member_level.update', targetType: 'member_level', targetId: levelId, before, after: level });
      return level;
    });
  }

  async remove(actorId: number, levelId: number) {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('member_levels').select(LEVEL_COLUMNS).where('id', '=', levelId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_LEVEL_NOT_FOUND', `member level ${levelId} does not exist`);
      await tx.deleteFrom('member_levels').where('id', '=', levelId).execute();
      await this.audit.record(tx, { actorId, action: 'member_level.delete', targetType: 'member_level', targetId: levelId, before });
    });
  }

  private async checkUnique(tx: Tx, input: MemberLevelInput, exceptId?: number) {
    let q = tx.selectFrom('member_levels').select(['name', 'growth_threshold']).where((eb) => eb.or([eb('name', '=', input.name), eb('growth_threshold', '=', input.growthThreshold)]));
    if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
    const clash = await q.executeTakeFirst();
    if (clash?.name === input.name) throw conflict('MEMBER_LEVEL_NAME_TAKEN', `a level is already called ${input.name}`);
    if (clash) throw conflict('MEMBER_LEVEL_THRESHOLD_TAKEN', `a level already starts at ${input.growthThreshold} growth points`);
  }

  async growthOf(ex: Executor, memberId: number): Promise<number> {
    const row = await ex.selectFrom('member_growth').select('growth_points').where('member_id', '=', memberId).executeTakeFirst();
    return row?.growth_points ?? 0;
  }

  /** A member's growth, level (the highest threshold reached, or none) and what the next level needs. */
  async standing(ex: Executor, memberId: number) {
    const [growthPoints, levels] = await Promise.all([this.growthOf(ex, memberId), this.list(ex)]);
    const level = levels.filter((l) => l.growthThreshold <= growthPoints).at(-1) ?? null;
    const nextLevel = levels.find((l) => l.growthThreshold > growthPoints) ?? null;
    return { growthPoints, level, nextLevel, pointsToNext: nextLevel ? nextLevel.growthThreshold - growthPoints : null, levels };
  }

  async history(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    return ex
      .selectFrom('growth_events as g')
      .innerJoin('orders as o', 'o.id', 'g.order_id')
      .select(['g.id', 'g.points', 'g.order_id as orderId', 'o.order_no as orderNo', 'g.refund_id as refundId', 'g.created_at as createdAt'])
      .where('g.member_id', '=', memberId)
      .orderBy('g.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  // ---- the order's life

  /** The member price of the buyer's level, on every line (after the core's 满减, before coupons). */
  async priceCheckout(tx: Tx, ctx: CheckoutContext, quote: Quote): Promise<Quote> {
    const { level } = await this.standing(tx, ctx.buyerId);
    if (!level || level.memberPriceBp >= 10_000) return quote;
    return addLineDiscounts(quote, memberPriceDiscounts(quote, level.memberPriceBp));
  }

  /** Paid: one growth point per whole yuan of goods paid, once per order. */
  async onPaid(tx: Tx, order: PaidOrder): Promise<void> {
    const points = growthForPaidFen(order.goodsPaidFen);
    if (points <= 0) return;
    const event = await tx
      .insertInto('growth_events')
      .values({ member_id: order.buyerId, order_id: order.orderId, points, created_at: order.paidAt })
      .onConflict((oc) => oc.column('order_id').where('refund_id', 'is', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!event) return;
    await this.addGrowth(tx, order.buyerId, points, order.paidAt);
  }

  /**
   * A refund takes back the order's points cumulatively in proportion to the goods refunded:
   * floor(earned × refunded ÷ paid), all of them once the goods are fully refunded; never below zero.
   */
  async onRefunded(tx: Tx, refund: RefundedOrder): Promise<void> {
    const earned = await tx.selectFrom('growth_events').select('points').where('order_id', '=', refund.orderId).where('refund_id', 'is', null).executeTakeFirst();
    if (!earned) return;
    const taken = await tx
      .selectFrom('growth_events')
      .select(sql<number>`coalesce(-sum(points), 0)`.as('points'))
      .where('order_id', '=', refund.orderId)
      .where('refund_id', 'is not', null)
      .executeTakeFirstOrThrow();
    const goods = await tx
      .selectFrom('order_lines')
      .select([sql<number>`coalesce(sum(paid_fen), 0)`.as('paidFen'), sql<number>`coalesce(sum(refunded_fen), 0)`.as('refundedFen')])
      .where('order_id', '=', refund.orderId)
      .executeTakeFirstOrThrow();
    if (goods.paidFen <= 0) return;
    const target = goods.refundedFen >= goods.paidFen ? earned.points : mulDivFloor(earned.points, goods.refundedFen, goods.paidFen);
    const points = target - taken.points;
    if (points <= 0) return;
    const event = await tx
      .insertInto('growth_events')
      .values({ member_id: refund.buyerId, order_id: refund.orderId, refund_id: refund.refundId, points: -points, created_at: refund.at })
      .onConflict((oc) => oc.column('refund_id').where('refund_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!event) return;
    await this.addGrowth(tx, refund.buyerId, -points, refund.at);
  }

  private async addGrowth(tx: Tx, memberId: number, points: number, at: Date) {
    await tx
      .insertInto('member_growth')
      .values({ member_id: memberId, growth_points: Math.max(points, 0), updated_at: at })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ growth_points: sql<number>`greatest(member_growth.growth_points + ${points}, 0)`, updated_at: at }))
      .execute();
  }

  participant(): OrderParticipant {
    return {
      name: 'member-levels',
      priceCheckout: (tx, ctx, quote) => this.priceCheckout(tx, ctx, quote),
      onPaid: (tx, order) => this.onPaid(tx, order),
      onRefunded: (tx, refund) => this.onRefunded(tx, refund),
    };
  }
}
