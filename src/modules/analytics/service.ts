// Read models for HQ: the dashboard's figures and trends. Reads across modules, writes nothing.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor } from '../../db/database.js';
import { shanghaiDayStart } from '../../money.js';

const TZ = 'Asia/Shanghai';

export interface PeriodFigures {
  gmvFen: number;
  orders: number;
  newMembers: number;
  newDistributors: number;
}

function monthStart(now: Date): Date {
  const beijing = new Date(now.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), 1) - 8 * 3_600_000);
}

export class AnalyticsService {
  constructor(private readonly clock: Clock) {}

  private async period(ex: Executor, since: Date): Promise<PeriodFigures> {
    const r = await sql<{ gmv_fen: number; orders: number; new_members: number; new_distributors: number }>`
      select (select coalesce(sum(paid_fen), 0) from orders where paid_at >= ${since}) as gmv_fen,
             (select count(*) from orders where paid_at >= ${since}) as orders,
             (select count(*) from members where created_at >= ${since} and hq_role is null) as new_members,
             (select count(*) from members where distributor_since >= ${since} and hq_role is null) as new_distributors`.execute(ex);
    const row = r.rows[0];
    return { gmvFen: row.gmv_fen, orders: row.orders, newMembers: row.new_members, newDistributors: row.new_distributors };
  }

  async dashboard(ex: Executor) {
    const now = this.clock.now();
    const [today, month] = await Promise.all([this.period(ex, shanghaiDayStart(now)), this.period(ex, monthStart(now))]);
    const balances = await sql<{ purpose: string; fen: number }>`
      select a.purpose, coalesce(sum(case when t.to_account_id = a.id then t.amount_fen else -t.amount_fen end), 0) as fen
      from ledger_accounts a
      join ledger_transfers t on t.to_account_id = a.id or t.from_account_id = a.id
      where a.owner_type = 'member' and a.purpose in ('commission_pending', 'commission_frozen', 'commission_available', 'payout_withdrawing')
      group by a.purpose`.execute(ex);
    const by = Object.fromEntries(balances.rows.map((r) => [r.purpose, r.fen]));
    const paid = await sql<{ fen: number }>`select coalesce(sum(amount_fen), 0) as fen from payouts where status = 'paid'`.execute(ex);
    const from = new Date(shanghaiDayStart(now).getTime() - 29 * 86_400_000);
    const trend = await sql<{ date: string; gmv_fen: number; orders: number; new_members: number; commission_fen: number }>`
      with days as (
        select to_char(d, 'YYYY-MM-DD') as date from generate_series(0, 29) as g(i),
          lateral (select (${from}::timestamptz at time zone ${TZ})::date + g.i as d) x),
      o as (select to_char(paid_at at time zone ${TZ}, 'YYYY-MM-DD') as date, sum(paid_fen) as gmv_fen, count(*) as orders
            from orders where paid_at >= ${from} group by 1),
      m as (select to_char(created_at at time zone ${TZ}, 'YYYY-MM-DD') as date, count(*) as n
            from members where created_at >= ${from} and hq_role is null group by 1),
      c as (select to_char(created_at at time zone ${TZ}, 'YYYY-MM-DD') as date, sum(amount_fen - reversed_fen) as fen
            from commission_earnings where created_at >= ${from} group by 1)
      select days.date, coalesce(o.gmv_fen, 0) as gmv_fen, coalesce(o.orders, 0) as orders,
             coalesce(m.n, 0) as new_members, coalesce(c.fen, 0) as commission_fen
      from days left join o using (date) left join m using (date) left join c using (date)
      order by days.date`.execute(ex);
    return {
      today,
      month,
      commission: {
        pendingFen: by.commission_pending ?? 0,
        frozenFen: by.commission_frozen ?? 0,
        payableFen: by.commission_available ?? 0,
        withdrawingFen: by.payout_withdrawing ?? 0,
        paidFen: paid.rows[0].fen,
      },
      trend: trend.rows.map((r) => ({ date: r.date, gmvFen: r.gmv_fen, orders: r.orders, newMembers: r.new_members, commissionFen: r.commission_fen })),
      generatedAt: now,
    };
  }
}
