// Member levels (会员等级): growth points (成长值) from spending — one per yuan of goods paid, taken back
// in proportion by refunds — raise a member to the highest level whose threshold they reach, and the
// level's member price applies at checkout.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import { mulDivFloor } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CheckoutContext, OrderParticipant, PaidOrder, Quote, RefundedOrder } from '../orders/index.js';
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
    const level = await this.levelOf(tx, ctx.buyerId);
    if (!level || level.memberPriceBp >= 10_000) return quote;
    return addLineDiscounts(quote, memberPriceDiscounts(quote, level.memberPriceBp));
  }

  /** The member's level (as standing() finds it: the highest threshold reached, or none), in one statement for checkout. */
  private async levelOf(ex: Executor, memberId: number) {
    return ex
      .selectFrom('member_levels')
      .select(['member_price_bp as memberPriceBp'])
      .where('growth_threshold', '<=', (eb) => eb.fn.coalesce(eb.selectFrom('member_growth').select('growth_points').where('member_id', '=', memberId), eb.lit(0)))
      .orderBy('growth_threshold', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Paid: one growth point per whole yuan of goods paid, once per order. */
  async onPaid(tx: Tx, order: PaidOrder): Promise<void> {
    const points = growthForPaidFen(order.goodsPaidFen);
    if (points <= 0) return;
    await this.recordGrowthEvent(tx, { memberId: order.buyerId, orderId: order.orderId, refundId: null, points, at: order.paidAt });
  }

  /**
   * onPaid for several orders (the outbox's batch), in one statement: the events once per order, and
   * each member's growth moved by the sum of their new events (the latest one's time).
   */
  async onPaidMany(tx: Tx, orders: PaidOrder[]): Promise<void> {
    const events = orders.map((o) => ({ memberId: o.buyerId, orderId: o.orderId, points: growthForPaidFen(o.goodsPaidFen), at: o.paidAt })).filter((e) => e.points > 0);
    if (events.length === 0) return;
    await sql`
      with input as (
        select * from unnest(${events.map((e) => e.memberId)}::bigint[], ${events.map((e) => e.orderId)}::bigint[], ${events.map((e) => e.points)}::bigint[], ${events.map((e) => e.at.toISOString())}::timestamptz[])
          as t(member_id, order_id, points, at)
      ),
      event as (
        insert into growth_events (member_id, order_id, refund_id, points, created_at)
        select member_id, order_id, null, points, at from input
        on conflict (order_id) where refund_id is null do nothing
        returning member_id, points, created_at
      )
      insert into member_growth (member_id, growth_points, updated_at)
      select member_id, sum(points), max(created_at) from event group by member_id
      on conflict (member_id) do update set growth_points = member_growth.growth_points + excluded.growth_points,
        updated_at = greatest(member_growth.updated_at, excluded.updated_at)
    `.execute(tx);
  }

  /**
   * A refund takes back the order's points cumulatively in proportion to the goods refunded:
   * floor(earned × refunded ÷ paid), all of them once the goods are fully refunded; never below zero.
   * The goods figures are the refund's own (as of this refund), so a refund expanded late reads the
   * same as it would have in the refund's transaction.
   */
  async onRefunded(tx: Tx, refund: RefundedOrder): Promise<void> {
    // the order's earned and taken-back points, read in one statement
    const { rows } = await sql<{ earnedPoints: number | null; takenPoints: number }>`
      select
        (select points from growth_events where order_id = ${refund.orderId}::bigint and refund_id is null) as "earnedPoints",
        (select coalesce(-sum(points), 0) from growth_events where order_id = ${refund.orderId}::bigint and refund_id is not null) as "takenPoints"
    `.execute(tx);
    const { earnedPoints, takenPoints } = rows[0];
    const { goodsPaidFen: paidFen, goodsRefundedFen: refundedFen } = refund;
    if (earnedPoints === null) return;
    if (paidFen <= 0) return;
    const target = refundedFen >= paidFen ? earnedPoints : mulDivFloor(earnedPoints, refundedFen, paidFen);
    const points = target - takenPoints;
    if (points <= 0) return;
    await this.recordGrowthEvent(tx, { memberId: refund.buyerId, orderId: refund.orderId, refundId: refund.refundId, points: -points, at: refund.at });
  }

  /**
   * Appends a growth event, once per payment (refundId null) or per refund, and moves the member's
   * growth by it (never below zero), in one statement: the member_growth upsert only runs on the
   * event row the insert returned, so a replay that the unique index skips changes nothing.
   * updated_at is the latest event's time, whatever order different orders' events are expanded in.
   */
  private async recordGrowthEvent(tx: Tx, event: { memberId: number; orderId: number; refundId: number | null; points: number; at: Date }) {
    // the partial unique index that guards this kind of event
    const onceFor = event.refundId === null ? sql`(order_id) where refund_id is null` : sql`(refund_id) where refund_id is not null`;
    await sql`
      with event as (
        insert into growth_events (member_id, order_id, refund_id, points, created_at)
        values (${event.memberId}::bigint, ${event.orderId}::bigint, ${event.refundId}::bigint, ${event.points}::bigint, ${event.at}::timestamptz)
        on conflict ${onceFor} do nothing
        returning id
      )
      insert into member_growth (member_id, growth_points, updated_at)
      select ${event.memberId}::bigint, ${Math.max(event.points, 0)}::bigint, ${event.at}::timestamptz from event
      on conflict (member_id) do update set growth_points = greatest(member_growth.growth_points + ${event.points}::bigint, 0),
        updated_at = greatest(member_growth.updated_at, ${event.at}::timestamptz)
    `.execute(tx);
  }

  participant(): OrderParticipant {
    return {
      name: 'member-levels',
      priceCheckout: (tx, ctx, quote) => this.priceCheckout(tx, ctx, quote),
      // growth points are not money: after the payment commits, through the orders module's outbox
      later: {
        onPaid: (tx, order) => this.onPaid(tx, order),
        onPaidMany: (tx, orders) => this.onPaidMany(tx, orders),
        onRefunded: (tx, refund) => this.onRefunded(tx, refund),
      },
    };
  }
}
