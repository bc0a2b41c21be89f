// Points (积分): an append-only ledger (points_transactions) whose database trigger keeps each
// member's balance; the balance can never go below zero (a check on points_accounts). Points are
// earned on paid orders and taken back in proportion on refunds, never below zero: what could not
// be taken is recorded as the refund row's shortfall.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../errors.js';
import { mulDivFloor } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { PaidOrder, RefundedOrder } from '../orders/index.js';
import { LIFETIME_POINTS_BADGE, type BadgesService } from './badges.js';
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
    // Balance rows are never deleted, so an existing one is locked in one statement (FOR UPDATE
    // returns its newest version); only a member without one yet takes the create-then-lock path.
    const existing = await tx.selectFrom('points_accounts').select('balance').where('member_id', '=', memberId).forUpdate().executeTakeFirst();
    if (existing) return existing.balance;
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

  /**
   * Order participant, onPaid: points for the goods paid, per HQ's points-per-yuan, and the buyer's
   * badges (first_order, and points_1000 when these points reach it). The paid path pays per
   * statement, so the settings read, the order's points row, the entry and the badges are one
   * statement (data-modifying CTEs), with what record() and award() did kept as follows:
   * - the loyalty_order_points insert (ON CONFLICT on the order) is the once-per-order guard, and the
   *   entry is only inserted from its returned row. The idempotency-key check stays a NOT EXISTS,
   *   not ON CONFLICT: the balance trigger runs BEFORE insert, also for a row ON CONFLICT would skip.
   * - the balance row is locked FOR UPDATE before the entry is inserted: that returns its newest
   *   version (other orders' points committed while this one waited included, which a plain read in
   *   this statement's snapshot would miss), and nothing can move it until the entry adds to it, so
   *   lifetime_earned + points is what the trigger leaves. A member without a balance row in this
   *   snapshot (a first earn) gets the separate lifetime check after the statement instead.
   * - the badge inserts read the entry, so they run after it: balance row before badge rows, the
   *   order record() then award() always locked them in.
   * It runs after the payment committed (a deferred hook), so every row is stamped with the payment's
   * time, and first_order keeps the earliest paid order's time whichever order's points come first.
   */
  async earnForPaidOrder(tx: Tx, order: PaidOrder): Promise<void> {
    const idempotencyKey = `order:paid:${order.orderId}`;
    const now = order.paidAt;
    const { rows } = await sql<{ hasSettings: boolean; points: number | null; keyMemberId: number | null; entered: boolean; accountLocked: boolean; holdsLifetimeBadge: boolean }>`
      with settings as (select points_per_yuan from loyalty_settings where id = 1),
      earned as (
        insert into loyalty_order_points (order_id, member_id, goods_paid_fen, points, created_at)
        select ${order.orderId}::bigint, ${order.buyerId}::bigint, ${order.goodsPaidFen}::bigint, (${order.goodsPaidFen}::bigint * points_per_yuan) / 100, ${now}::timestamptz
        from settings
        on conflict (order_id) do nothing
        returning member_id, points
      ),
      key_used as (select member_id from points_transactions where idempotency_key = ${idempotencyKey}),
      account as materialized (
        select lifetime_earned from points_accounts
        where member_id = ${order.buyerId}::bigint and exists (select 1 from earned where points > 0)
        for update
      ),
      entry as (
        insert into points_transactions (member_id, points, reason, ref_type, ref_id, idempotency_key, shortfall, memo, created_at)
        select member_id, points, 'order_paid', 'order', ${order.orderId}::bigint, ${idempotencyKey}, 0, null, ${now}::timestamptz
        from earned
        -- the count makes the balance row's lock run first; it is always true
        where points > 0 and not exists (select 1 from key_used) and (select count(*) from account) >= 0
        returning points
      ),
      lifetime_badge as (
        insert into loyalty_member_badges (member_id, badge_code, awarded_at)
        select ${order.buyerId}::bigint, 'points_1000', ${now}::timestamptz
        from entry, account
        where account.lifetime_earned + entry.points >= ${LIFETIME_POINTS_BADGE}::integer
        on conflict (member_id, badge_code) do nothing
      ),
      first_order_badge as (
        insert into loyalty_member_badges (member_id, badge_code, awarded_at)
        select ${order.buyerId}::bigint, 'first_order', ${now}::timestamptz
        from (select count(*) from entry) as after_entry
        on conflict (member_id, badge_code) do update set awarded_at = excluded.awarded_at
        where loyalty_member_badges.awarded_at > excluded.awarded_at
      )
      select
        exists (select 1 from settings) as "hasSettings",
        (select points from earned) as points,
        (select member_id from key_used) as "keyMemberId",
        exists (select 1 from entry) as entered,
        exists (select 1 from account) as "accountLocked",
        exists (select 1 from loyalty_member_badges where member_id = ${order.buyerId}::bigint and badge_code = 'points_1000') as "holdsLifetimeBadge"
    `.execute(tx);
    const result = rows[0];
    if (!result.hasSettings) throw new Error('loyalty_settings has no row');
    // the earned points found their key taken: a duplicate, or (as record() refuses) another member's key
    if (result.points !== null && result.points > 0 && !result.entered && result.keyMemberId !== order.buyerId) {
      throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for another member');
    }
    // a first earn created the balance row in the trigger; badges are never taken away, so one held in this snapshot still is
    if (result.entered && !result.accountLocked && !result.holdsLifetimeBadge) await this.badges.checkLifetime(tx, order.buyerId, now);
  }

  /**
   * Order participant, onRefunded: cumulatively, floor(points × goods refunded ÷ goods paid) is due
   * back (all of it on a full refund). It is taken from the balance as far as it goes; the rest is
   * recorded as shortfall and never taken later. A deferred hook: stamped with the refund's time, and
   * the balance is the one when it runs.
   */
  async takeBackForRefund(tx: Tx, refund: RefundedOrder): Promise<void> {
    const earned = await tx.selectFrom('loyalty_order_points').selectAll().where('order_id', '=', refund.orderId).forUpdate().executeTakeFirst();
    if (!earned || earned.points === 0) return;
    const key = `order:refund:${refund.refundId}`;
    // a statement of its own after the lock above, so it sees a concurrent replay of this refund that committed meanwhile
    if (await tx.selectFrom('points_transactions').select('id').where('idempotency_key', '=', key).executeTakeFirst()) return;
    const goodsRefundedFen = Math.min(earned.goods_paid_fen, earned.goods_refunded_fen + refund.lines.reduce((s, l) => s + l.amountFen, 0));
    const dueTotal = refund.fullyRefunded || goodsRefundedFen >= earned.goods_paid_fen ? earned.points : mulDivFloor(earned.points, goodsRefundedFen, earned.goods_paid_fen);
    const due = Math.max(0, dueTotal - earned.reversed_points);
    if (due === 0) {
      await tx.updateTable('loyalty_order_points').set({ goods_refunded_fen: goodsRefundedFen }).where('order_id', '=', refund.orderId).execute();
      return;
    }
    const balance = await this.lockBalance(tx, earned.member_id);
    const taken = Math.min(balance, due);
    const shortfall = due - taken;
    // The order's reversal and the entry in one statement. The key was checked above under the
    // order's points row lock, and the balance is locked, so this is what record() would insert
    // (a debit within the balance) without its repeated check and lock.
    await sql`
      with reversal as (
        update loyalty_order_points
        set goods_refunded_fen = ${goodsRefundedFen}::bigint, reversed_points = reversed_points + ${due}::integer, shortfall_points = shortfall_points + ${shortfall}::integer
        where order_id = ${refund.orderId}::bigint
      )
      insert into points_transactions (member_id, points, reason, ref_type, ref_id, idempotency_key, shortfall, memo, created_at)
      values (${earned.member_id}::bigint, ${-taken}::integer, 'order_refunded', 'refund', ${refund.refundId}::bigint, ${key}, ${shortfall}::integer, ${`order ${refund.orderId}`}, ${refund.at}::timestamptz)
    `.execute(tx);
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
