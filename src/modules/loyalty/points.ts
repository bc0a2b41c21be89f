// Points (积分): an append-only ledger (points_transactions) whose database trigger keeps each
// member's balance; the balance can never go below zero (a check on points_accounts). Points are
// earned on paid orders and taken back in proportion on refunds, never below zero: what could not
// be taken is recorded as the refund row's shortfall.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../errors.js';
import { mulDivFloor } from '../../money.js';
import type { AuditService } from '../audit/service.js';
import type { PaidOrder, RefundedOrder } from '../orders/participants.js';
import type { BadgesService } from './badges.js';
import type { LoyaltySettingsService } from './settings.js';
import type { PointsReason } from './tables.js';

export interface PointsEntry {
  memberId: number;
  /** signed: positive earns, negative spends */
  points: number;
  reason: PointsReason;
  refType: string | null;
  refId: number | null;
  idempotencyKey: string;
  memo?: string | null;
  shortfall?: number;
}

const TRANSACTION_COLUMNS = ['t.id', 't.member_id as memberId', 't.points', 't.reason', 't.ref_type as refType', 't.ref_id as refId', 't.shortfall', 't.balance_after as balanceAfter', 't.memo', 't.created_at as createdAt'] as const;

export class PointsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: LoyaltySettingsService,
    private readonly badges: BadgesService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Appends one entry, once per idempotency key (a repeat returns duplicate and changes nothing).
   * A debit locks the member's balance first, so concurrent spends see each other.
   */
  async record(tx: Tx, entry: PointsEntry): Promise<{ duplicate: boolean; balanceAfter: number }> {
    if (!Number.isSafeInteger(entry.points)) throw unprocessable('POINTS_INVALID', 'points are whole numbers');
    const existing = await tx.selectFrom('points_transactions').select(['member_id', 'balance_after']).where('idempotency_key', '=', entry.idempotencyKey).executeTakeFirst();
    if (existing) {
      if (existing.member_id !== entry.memberId) throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for another member');
      return { duplicate: true, balanceAfter: existing.balance_after };
    }
    if (entry.points < 0) {
      const balance = await this.lockBalance(tx, entry.memberId);
      if (balance + entry.points < 0) throw unprocessable('POINTS_INSUFFICIENT', `the balance is ${balance} points, ${-entry.points} are needed`);
    }
    const row = await tx
      .insertInto('points_transactions')
      .values({
        member_id: entry.memberId,
        points: entry.points,
        reason: entry.reason,
        ref_type: entry.refType,
        ref_id: entry.refId,
        idempotency_key: entry.idempotencyKey,
        shortfall: entry.shortfall ?? 0,
        memo: entry.memo ?? null,
        created_at: this.clock.now(),
      })
      .returning('balance_after')
      .executeTakeFirstOrThrow();
    if (entry.points > 0) await this.badges.checkLifetime(tx, entry.memberId);
    return { duplicate: false, balanceAfter: row.balance_after };
  }

  /** Locks the member's balance row (creating it at zero) and returns the balance. */
  async lockBalance(tx: Tx, memberId: number): Promise<number> {
    await tx.insertInto('points_accounts').values({ member_id: memberId, balance: 0, lifetime_earned: 0 }).onConflict((oc) => oc.column('member_id').doNothing()).execute();
    const row = await tx.selectFrom('points_accounts').select('balance').where('member_id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
    return row.balance;
  }

  async balanceOf(ex: Executor, memberId: number) {
    const row = await ex.selectFrom('points_accounts').select(['balance', 'lifetime_earned']).where('member_id', '=', memberId).executeTakeFirst();
    return { balance: row?.balance ?? 0, lifetimeEarned: row?.lifetime_earned ?? 0 };
  }

  async history(ex: Executor, query: { memberId?: number; reason?: PointsReason; limit: number; offset: number }) {
    let q = ex
      .selectFrom('points_transactions as t')
      .innerJoin('members as m', 'm.id', 't.member_id')
      .select([...TRANSACTION_COLUMNS, 'm.nickname', 'm.phone'])
      .orderBy('t.id', 'desc')
      .limit(query.limit)
      .offset(query.offset);
    let count = ex.selectFrom('points_transactions as t').select(sql<number>`count(*)`.as('n'));
    if (query.memberId) {
      q = q.where('t.member_id', '=', query.memberId);
      count = count.where('t.member_id', '=', query.memberId);
    }
    if (query.reason) {
      q = q.where('t.reason', '=', query.reason);
      count = count.where('t.reason', '=', query.reason);
    }
    const [items, total] = await Promise.all([q.execute(), count.executeTakeFirstOrThrow()]);
    return { total: Number(total.n), items };
  }

  /** Order participant, onPaid: points for the goods paid, per HQ's points-per-yuan. */
  async earnForPaidOrder(tx: Tx, order: PaidOrder): Promise<void> {
    const { pointsPerYuan } = await this.settings.current(tx);
    const points = mulDivFloor(order.goodsPaidFen, pointsPerYuan, 100);
    const inserted = await tx
      .insertInto('loyalty_order_points')
      .values({ order_id: order.orderId, member_id: order.buyerId, goods_paid_fen: order.goodsPaidFen, points, created_at: this.clock.now() })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returning('order_id')
      .executeTakeFirst();
    if (!inserted || points === 0) return;
    await this.record(tx, { memberId: order.buyerId, points, reason: 'order_paid', refType: 'order', refId: order.orderId, idempotencyKey: `order:paid:${order.orderId}` });
  }

  /**
   * Order participant, onRefunded: cumulatively, floor(points × goods refunded ÷ goods paid) is due
   * back (all of it on a full refund). It is taken from the balance as far as it goes; the rest is
   * recorded as shortfall and never taken later.
   */
  async takeBackForRefund(tx: Tx, refund: RefundedOrder): Promise<void> {
    const earned = await tx.selectFrom('loyalty_order_points').selectAll().where('order_id', '=', refund.orderId).forUpdate().executeTakeFirst();
    if (!earned || earned.points === 0) return;
    const key = `order:refund:${refund.refundId}`;
    if (await tx.selectFrom('points_transactions').select('id').where('idempotency_key', '=', key).executeTakeFirst()) return;
    const goodsRefundedFen = Math.min(earned.goods_paid_fen, earned.goods_refunded_fen + refund.lines.reduce((s, l) => s + l.amountFen, 0));
    const dueTotal = refund.fullyRefunded || goodsRefundedFen >= earned.goods_paid_fen ? earned.points : mulDivFloor(earned.points, goodsRefundedFen, earned.goods_paid_fen);
    const due = Math.max(0, dueTotal - earned.reversed_points);
    await tx
      .updateTable('loyalty_order_points')
      .set({ goods_refunded_fen: goodsRefundedFen, reversed_points: earned.reversed_points + due })
      .where('order_id', '=', refund.orderId)
      .execute();
    if (due === 0) return;
    const balance = await this.lockBalance(tx, earned.member_id);
    const taken = Math.min(balance, due);
    const shortfall = due - taken;
    if (shortfall > 0) await tx.updateTable('loyalty_order_points').set((eb) => ({ shortfall_points: eb('shortfall_points', '+', shortfall) })).where('order_id', '=', refund.orderId).execute();
    await this.record(tx, { memberId: earned.member_id, points: -taken, shortfall, reason: 'order_refunded', refType: 'refund', refId: refund.refundId, idempotencyKey: key, memo: `order ${refund.orderId}` });
  }

  /** HQ's manual change, with a reason, audited; a debit may not overdraw. */
  async adjust(actorId: number, input: { memberId: number; points: number; reason: string; idempotencyKey: string }) {
    if (!Number.isSafeInteger(input.points) || input.points === 0) throw unprocessable('POINTS_INVALID', 'the adjustment must be a non-zero whole number of points');
    return inTransaction(this.db, async (tx) => {
      const member = await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${input.memberId} does not exist`);
      const before = await this.balanceOf(tx, input.memberId);
      const result = await this.record(tx, { memberId: input.memberId, points: input.points, reason: 'admin_adjust', refType: 'member', refId: input.memberId, idempotencyKey: `admin:${input.idempotencyKey}`, memo: input.reason });
      if (!result.duplicate) await this.audit.record(tx, { actorId, action: 'loyalty.points_adjust', targetType: 'member', targetId: input.memberId, before, after: { balance: result.balanceAfter, points: input.points }, reason: input.reason });
      return { duplicate: result.duplicate, balance: result.balanceAfter };
    });
  }
}
