// Leaderboards (排行榜) by commission, sales and invites, per Shanghai day, ISO week, month, all
// time or any range of days. Append-and-fold: the order's deferred effects only append small delta
// rows (no hot row is updated by a payment), a job folds them into per-period totals every few
// seconds, and reads add the few deltas not folded yet. "My rank" counts members above by value
// buckets, so it costs the same at rank 10 and at rank 900 000.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, LOCK_KEYS, type Db, type Executor, type Tx } from '../../db/database.js';
import type { ReferralService } from '../referral/index.js';
import type { PaidOrder, RefundedOrder } from '../orders/index.js';
import { shanghaiDate, type Period } from './periods.js';
import type { LeaderboardMetric } from './tables.js';

export const LEADERBOARD_METRICS: LeaderboardMetric[] = ['commission', 'sales', 'invites'];
/** earnings that count as a distributor's commission: referral commission and the coupon guide's (导购返佣) */
export const COMMISSION_KINDS = ['distribution', 'coupon_guide'] as const;

/** advisory lock keys of this module's jobs (one folder and one scanner at a time across instances) */
export const GROWTH_LOCKS = { fold: LOCK_KEYS.leaderboardFold, inviteScan: LOCK_KEYS.leaderboardInviteScan } as const;
/** history rows behind the cursor scanned again, for bindings whose transaction committed late */
const INVITE_SCAN_TAIL = 2_000;

export interface BoardEntry {
  rank: number;
  memberId: number;
  nickname: string;
  avatarUrl: string | null;
  phone: string | null;
  value: number;
}

export interface MyRank {
  memberId: number;
  value: number;
  /** null when the member has nothing on this board */
  rank: number | null;
  /** what the member needs to pass the one above (0 at rank 1); null when unranked and nobody is above */
  gapToAbove: number | null;
}

function competitionRanks<T extends { value: number }>(rows: T[]): Array<T & { rank: number }> {
  let rank = 0;
  return rows.map((row, i) => {
    if (i === 0 || rows[i - 1].value !== row.value) rank = i + 1;
    return { ...row, rank };
  });
}

export class LeaderboardService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly referral: ReferralService,
  ) {}

  // --- writes after the order's transaction (the growth participant's deferred hooks) ---------

  /**
   * A paid order: each earner's commission on it, and its goods for the sales board, credited to
   * the order's level-1 distributor (the nearest active distributor up the tree, or the buyer under
   * self-purchase): their direct customers' and, with self-purchase, their own purchases.
   */
  async recordPaid(tx: Tx, order: PaidOrder): Promise<void> {
    await this.recordPaidMany(tx, [order]);
  }

  /** recordPaid for several orders (the outbox's batch), in one statement. */
  async recordPaidMany(tx: Tx, orders: PaidOrder[]): Promise<void> {
    // the core's commission chain, level 1 first; under self-purchase a buyer the payment promoted to
    // active distributor (after commission ran) is their own level 1, as a chain lookup after the
    // promotion finds. Both come with the order, so a late expansion credits whom the payment would have.
    const levelOne = (o: PaidOrder) => (o.ruleVersion.config.commission.selfPurchase && o.buyerPromoted ? o.buyerId : (o.commissionChain[0]?.memberId ?? null));
    // coupon guide earnings are recorded by the coupons participant in the payment's transaction, so they
    // are read back with the core's; one statement writes the credits and the deltas
    await sql`
      with input as (
        select * from unnest(${orders.map((o) => o.orderId)}::bigint[], ${orders.map(levelOne)}::bigint[], ${orders.map((o) => shanghaiDate(o.paidAt))}::date[], ${orders.map((o) => o.goodsPaidFen)}::bigint[])
          as t(order_id, member_id, day, goods_fen)
      ),
      credit as (
        insert into growth_order_credits (order_id, sales_member_id, paid_on)
        select order_id, member_id, day from input
        on conflict do nothing
      )
      insert into growth_leaderboard_deltas (metric, member_id, occurred_on, value)
      select 'commission', e.earner_id, i.day, sum(e.amount_fen)::bigint
      from commission_earnings e join input i on i.order_id = e.order_id
      where e.order_id in (select order_id from input) and e.kind in (${sql.join([...COMMISSION_KINDS])})
      group by e.order_id, e.earner_id, i.day
      union all
      select 'sales', member_id, day, goods_fen from input where member_id is not null and goods_fen > 0`.execute(tx);
  }

  /**
   * A refund: the commission it reversed and the goods it refunded come off the same figures,
   * on the day of the order's payment (a period's board is what its orders earned, net of refunds).
   */
  async recordRefund(tx: Tx, refund: RefundedOrder): Promise<void> {
    const goodsFen = refund.lines.reduce((s, l) => s + l.amountFen, 0);
    const sales = goodsFen > 0
      ? sql`union all select 'sales', credit.sales_member_id, day.paid_on, ${-goodsFen}::bigint from credit, day where credit.sales_member_id is not null`
      : sql``;
    // one statement. The day: the order's credit; for an order paid before this module existed, its
    // payment's Shanghai day (as shanghaiDate computes it); the refund's as a last resort.
    // What this refund reversed: the ledger's reversal transfers of the order's earnings.
    await sql`
      with credit as (select sales_member_id, paid_on from growth_order_credits where order_id = ${refund.orderId}),
      day as (
        select coalesce((select paid_on from credit),
                        (select ((paid_at at time zone 'UTC') + interval '8 hours')::date from orders where id = ${refund.orderId}),
                        ${shanghaiDate(refund.at)}::date) as paid_on
      ),
      reversed as (
        select e.earner_id, sum(t.amount_fen)::bigint as fen
        from commission_earnings e
        join ledger_transfers t on t.idempotency_key in ('commission:reverse:' || e.id || ':' || ${refund.refundId}::bigint,
                                                         'commission:reverse:' || e.id || ':' || ${refund.refundId}::bigint || ':debt')
        where e.order_id = ${refund.orderId} and e.kind in (${sql.join([...COMMISSION_KINDS])})
        group by e.earner_id
      )
      insert into growth_leaderboard_deltas (metric, member_id, occurred_on, value)
      select 'commission', reversed.earner_id, day.paid_on, -reversed.fen from reversed, day
      ${sales}`.execute(tx);
  }

  // --- jobs -----------------------------------------------------------------------------------

  /**
   * Invites: each member counts once, for the referrer of their first binding, on that day. Scans
   * the append-only binding history from a cursor (plus a tail for late commits); referrers of
   * every new binding are queued for a tier check (their direct referrals changed).
   */
  async scanInvites(batchSize = 5_000): Promise<{ invites: number; scanned: number }> {
    return inTransaction(this.db, async (tx) => {
      const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${GROWTH_LOCKS.inviteScan}) as ok`.execute(tx);
      if (!locked.rows[0].ok) return { invites: 0, scanned: 0 };
      const state = await tx.selectFrom('growth_scan_state').select('last_id').where('name', '=', 'binding_history').forUpdate().executeTakeFirstOrThrow();
      const lastId = state.last_id;
      const fresh = await tx
        .selectFrom('referral_binding_history')
        .select(['id', 'new_referrer_id'])
        .where('id', '>', lastId)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      const upTo = fresh.length ? fresh[fresh.length - 1].id : lastId;
      const credited = await sql<{ referrer_id: number; bound_on: string }>`
        insert into growth_invite_credits (member_id, referrer_id, bound_on)
        select h.member_id, h.new_referrer_id, ((h.created_at at time zone 'UTC') + interval '8 hours')::date
        from referral_binding_history h
        where h.id > ${lastId - INVITE_SCAN_TAIL} and h.id <= ${upTo}
          and h.new_referrer_id is not null and h.old_referrer_id is null
        order by h.id
        on conflict (member_id) do nothing
        returning referrer_id, bound_on::text as bound_on`.execute(tx);
      if (credited.rows.length) {
        await tx
          .insertInto('growth_leaderboard_deltas')
          .values(credited.rows.map((c) => ({ metric: 'invites' as const, member_id: c.referrer_id, occurred_on: c.bound_on, value: 1 })))
          .execute();
      }
      const referrers = [...new Set(fresh.map((h) => h.new_referrer_id).filter((id): id is number => id !== null))];
      if (referrers.length) await tx.insertInto('growth_tier_checks').values(referrers.map((id) => ({ member_id: id, reason: 'direct referrals changed' }))).execute();
      if (upTo !== lastId) await tx.updateTable('growth_scan_state').set({ last_id: upTo }).where('name', '=', 'binding_history').execute();
      return { invites: credited.rows.length, scanned: fresh.length };
    });
  }

  /**
   * Folds deltas into the per-period totals and the rank buckets, in batches. A delta is claimed
   * (SKIP LOCKED) and deleted in the transaction that adds it, so it folds exactly once; an advisory
   * lock lets one instance fold at a time and the others return at once.
   */
  async fold(options: { batchSize?: number; maxBatches?: number } = {}): Promise<{ deltas: number }> {
    const batchSize = options.batchSize ?? 5_000;
    let total = 0;
    for (let batch = 0; batch < (options.maxBatches ?? 100); batch++) {
      const folded = await inTransaction(this.db, async (tx) => {
        const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${GROWTH_LOCKS.fold}) as ok`.execute(tx);
        if (!locked.rows[0].ok) return 0;
        return this.foldBatch(tx, batchSize);
      });
      total += folded;
      if (folded < batchSize) break;
    }
    return { deltas: total };
  }

  private async foldBatch(tx: Tx, batchSize: number): Promise<number> {
    const result = await sql<{ n: number }>`
      with claimed as (
        delete from growth_leaderboard_deltas
        where id in (select id from growth_leaderboard_deltas order by id limit ${batchSize} for update skip locked)
        returning metric, member_id, occurred_on, value
      ),
      keyed as (
        select c.metric, k.period_key, c.member_id, sum(c.value)::bigint as delta
        from claimed c
        cross join lateral (values ('d:' || to_char(c.occurred_on, 'YYYY-MM-DD')),
                                   ('w:' || to_char(c.occurred_on, 'IYYY-"W"IW')),
                                   ('m:' || to_char(c.occurred_on, 'YYYY-MM')),
                                   ('all')) as k(period_key)
        group by c.metric, k.period_key, c.member_id
      ),
      upserted as (
        insert into growth_leaderboard_totals as t (metric, period_key, member_id, value)
        select metric, period_key, member_id, delta from keyed order by metric, period_key, member_id
        on conflict (metric, period_key, member_id) do update set value = t.value + excluded.value
        returning t.metric, t.period_key, t.member_id, t.value
      ),
      moves as (
        select u.metric, u.period_key, growth_rank_bucket(u.value) as bucket, 1 as d from upserted u where u.value > 0
        union all
        select u.metric, u.period_key, growth_rank_bucket(u.value - k.delta), -1
        from upserted u join keyed k on k.metric = u.metric and k.period_key = u.period_key and k.member_id = u.member_id
        where u.value - k.delta > 0
      ),
      bucketed as (
        insert into growth_leaderboard_buckets as b (metric, period_key, bucket, members)
        select metric, period_key, bucket, sum(d) from moves group by metric, period_key, bucket having sum(d) <> 0
        order by metric, period_key, bucket
        on conflict (metric, period_key, bucket) do update set members = b.members + excluded.members
        returning 1
      )
      select (select count(*) from claimed) as n, (select count(*) from bucketed) as buckets`.execute(tx);
    return result.rows[0].n;
  }

  // --- reads ----------------------------------------------------------------------------------

  private pendingFilter(metric: LeaderboardMetric, period: Period) {
    return period.from && period.to
      ? sql`metric = ${metric} and occurred_on between ${period.from}::date and ${period.to}::date`
      : sql`metric = ${metric}`;
  }

  /** The top of a board, members with a positive value, ties sharing a rank. */
  async top(ex: Executor, metric: LeaderboardMetric, period: Period, limit: number): Promise<BoardEntry[]> {
    const pending = this.pendingFilter(metric, period);
    const rows =
      period.key !== null
        ? await sql<{ member_id: number; value: number }>`
            with pending as (
              select member_id, sum(value)::bigint as v from growth_leaderboard_deltas where ${pending} group by member_id
            ),
            folded as (
              -- only members whose pending sum is negative can drop out of the folded top, so this many
              -- more is enough; everyone below it without a pending rise stays below the top
              select member_id, value from growth_leaderboard_totals
              where metric = ${metric} and period_key = ${period.key}
              order by value desc, member_id limit ${limit} + (select count(*) from pending where v < 0)
            ),
            others as (
              -- members below the folded top can only enter it by a pending rise
              select p.member_id,
                     coalesce((select t.value from growth_leaderboard_totals t
                               where t.metric = ${metric} and t.period_key = ${period.key} and t.member_id = p.member_id), 0) as value
              from pending p where p.v > 0 and p.member_id not in (select member_id from folded)
            ),
            candidates as (select member_id, value from folded union all select member_id, value from others)
            select c.member_id, (c.value + coalesce(p.v, 0))::bigint as value
            from candidates c left join pending p on p.member_id = c.member_id
            where c.value + coalesce(p.v, 0) > 0
            order by value desc, member_id limit ${limit}`.execute(ex)
        : await sql<{ member_id: number; value: number }>`
            select member_id, sum(value)::bigint as value from (
              select member_id, value from growth_leaderboard_totals
              where metric = ${metric} and period_key between ${`d:${period.from}`} and ${`d:${period.to}`}
              union all
              select member_id, value from growth_leaderboard_deltas where ${pending}
            ) x group by member_id having sum(value) > 0
            order by value desc, member_id limit ${limit}`.execute(ex);
    if (rows.rows.length === 0) return [];
    const members = await ex
      .selectFrom('members')
      .select(['id', 'nickname', 'avatar_url', 'phone'])
      .where('id', 'in', rows.rows.map((r) => r.member_id))
      .execute();
    const byId = new Map(members.map((m) => [m.id, m]));
    return competitionRanks(
      rows.rows.map((r) => {
        const m = byId.get(r.member_id)!;
        return { memberId: r.member_id, nickname: m.nickname, avatarUrl: m.avatar_url, phone: m.phone, value: r.value };
      }),
    );
  }

  /** A member's place on a board: value, rank (1 + members strictly above), and the gap to the next value above. */
  async rankOf(ex: Executor, metric: LeaderboardMetric, period: Period, memberId: number): Promise<MyRank> {
    const pending = this.pendingFilter(metric, period);
    if (period.key === null) {
      const r = await sql<{ value: number; above: number; next_above: number | null }>`
        with vals as (
          select member_id, sum(value)::bigint as value from (
            select member_id, value from growth_leaderboard_totals
            where metric = ${metric} and period_key between ${`d:${period.from}`} and ${`d:${period.to}`}
            union all
            select member_id, value from growth_leaderboard_deltas where ${pending}
          ) x group by member_id
        ),
        me as (select coalesce((select value from vals where member_id = ${memberId}), 0)::bigint as value)
        select me.value,
               (select count(*) from vals where vals.value > me.value and vals.value > 0) as above,
               (select min(value) from vals where vals.value > me.value and vals.value > 0) as next_above
        from me`.execute(ex);
      return this.toRank(memberId, r.rows[0]);
    }
    const key = period.key;
    const r = await sql<{ value: number; above: number; next_above: number | null }>`
      with pending as (
        select member_id, sum(value)::bigint as v from growth_leaderboard_deltas where ${pending} group by member_id
      ),
      mine as (
        select coalesce((select value from growth_leaderboard_totals where metric = ${metric} and period_key = ${key} and member_id = ${memberId}), 0)::bigint as folded
      ),
      me as (select mine.folded, (mine.folded + coalesce((select v from pending where member_id = ${memberId}), 0))::bigint as value from mine),
      step as (
        select growth_rank_bucket(greatest(me.value, 1)) as bucket,
               case when greatest(me.value, 1) < 1000 then 1 else power(10, length(greatest(me.value, 1)::text) - 3)::bigint end as width
        from me
      ),
      others_pending as (
        select p.member_id, coalesce(t.value, 0) as folded, coalesce(t.value, 0) + p.v as combined
        from pending p
        left join growth_leaderboard_totals t on t.metric = ${metric} and t.period_key = ${key} and t.member_id = p.member_id
        where p.member_id <> ${memberId}
      )
      select me.value,
             -- folded members above: whole buckets above mine, then the part of my bucket above my value
             (select coalesce(sum(members), 0) from growth_leaderboard_buckets
               where metric = ${metric} and period_key = ${key} and bucket > (select bucket from step))
           + (select count(*) from growth_leaderboard_totals
               where metric = ${metric} and period_key = ${key}
                 and value > greatest(me.value, 0) and value < (select bucket + width from step))
             -- not yet folded: others' pending values replace their folded ones; my own folded value is not above me
           + (select coalesce(sum((combined > me.value and combined > 0)::int - (folded > me.value and folded > 0)::int), 0) from others_pending)
           - (me.folded > me.value and me.folded > 0)::int as above,
             least(
               (select value from growth_leaderboard_totals
                 where metric = ${metric} and period_key = ${key} and value > greatest(me.value, 0)
                   and member_id <> ${memberId} and member_id not in (select member_id from pending)
                 order by value asc limit 1),
               (select min(combined) from others_pending where combined > greatest(me.value, 0))
             ) as next_above
      from me`.execute(ex);
    return this.toRank(memberId, r.rows[0]);
  }

  private toRank(memberId: number, row: { value: number; above: number; next_above: number | null }): MyRank {
    const ranked = row.value > 0;
    return {
      memberId,
      value: row.value,
      rank: ranked ? row.above + 1 : null,
      gapToAbove: row.next_above === null ? (ranked ? 0 : null) : row.next_above - row.value,
    };
  }

  /** A member's value on one folded board, pending deltas included (the tier rules' "commission earned"). */
  async valueOf(ex: Executor, metric: LeaderboardMetric, periodKey: 'all', memberId: number): Promise<number> {
    const r = await sql<{ value: number }>`select ${this.valueExpression(metric, periodKey, memberId)} as value`.execute(ex);
    return r.rows[0].value;
  }

  /** valueOf as an SQL expression, for callers that read it along with other figures in one statement. */
  valueExpression(metric: LeaderboardMetric, periodKey: 'all', memberId: number) {
    return sql<number>`(coalesce((select value from growth_leaderboard_totals where metric = ${metric} and period_key = ${periodKey} and member_id = ${memberId}), 0)
            + coalesce((select sum(value) from growth_leaderboard_deltas where metric = ${metric} and member_id = ${memberId}), 0))::bigint`;
  }

  /** Today in Shanghai, for default periods. */
  today(): string {
    return shanghaiDate(this.clock.now());
  }
}
