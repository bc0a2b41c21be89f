// Each contest member's contribution in a window, computed from the tables that record the
// activity (orders, bindings, points) so standings are always live and need no counters of their own.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { formatYuan } from '../../money.js';
import type { ContestMetric } from './tables.js';

export interface Contribution {
  memberId: number;
  squadId: number;
  value: number;
}

/**
 * An order counts for its seller: the buyer's level-1 distribution earner (the buyer themself under
 * self-purchase), or the buyer when nobody earned level-1 commission. Its value is the goods paid
 * (lines, without shipping) minus refunds that succeeded before the window's end.
 */
const CREDITED_ORDERS = (start: Date, end: Date) => sql`credited as (
  select coalesce(
           (select min(ce.earner_id) from commission_earnings ce where ce.order_id = o.id and ce.kind = 'distribution' and ce.level = 1),
           o.buyer_id) as member_id,
         (select coalesce(sum(ol.paid_fen), 0) from order_lines ol where ol.order_id = o.id)
       - (select coalesce(sum(rl.amount_fen), 0) from refunds r join refund_lines rl on rl.refund_id = r.id
           where r.order_id = o.id and r.status = 'succeeded' and r.completed_at < ${end}) as value
  from orders o
  where o.paid_at >= ${start} and o.paid_at < ${end})`;

/** Contributions of every member of the contest's squads, for activity in [start, end). */
export async function contestContributions(ex: Executor, contestId: number, metric: ContestMetric, start: Date, end: Date): Promise<Contribution[]> {
  const roster = sql`roster as (
    select sm.member_id, sm.squad_id from squad_members sm
    join contest_squads cs on cs.squad_id = sm.squad_id where cs.contest_id = ${contestId})`;
  let query;
  if (metric === 'sales') {
    query = sql<{ member_id: number; squad_id: number; value: number }>`with ${roster}, ${CREDITED_ORDERS(start, end)}
      select r.member_id, r.squad_id, coalesce(sum(c.value), 0) as value
      from roster r left join credited c on c.member_id = r.member_id
      group by r.member_id, r.squad_id`;
  } else if (metric === 'invites') {
    // new members brought into the tree: first bindings only, so poaching a bound member scores nothing
    query = sql<{ member_id: number; squad_id: number; value: number }>`with ${roster}
      select r.member_id, r.squad_id, coalesce(i.value, 0) as value
      from roster r left join (
        select h.new_referrer_id as member_id, count(distinct h.member_id) as value
        from referral_binding_history h
        where h.old_referrer_id is null and h.created_at >= ${start} and h.created_at < ${end}
          and h.new_referrer_id in (select member_id from roster)
        group by h.new_referrer_id) i on i.member_id = r.member_id`;
  } else {
    // the loyalty feature owns points_transactions; without it nobody has points yet
    const exists = await sql<{ exists: boolean }>`select to_regclass('points_transactions') is not null as exists`.execute(ex);
    if (!exists.rows[0]?.exists) query = sql<{ member_id: number; squad_id: number; value: number }>`with ${roster} select member_id, squad_id, 0 as value from roster`;
    else
      query = sql<{ member_id: number; squad_id: number; value: number }>`with ${roster}
        select r.member_id, r.squad_id, coalesce(p.value, 0) as value
        from roster r left join (
          select pt.member_id, sum(pt.points) as value from points_transactions pt
          where pt.points > 0 and pt.created_at >= ${start} and pt.created_at < ${end}
            and pt.member_id in (select member_id from roster)
          group by pt.member_id) p on p.member_id = r.member_id`;
  }
  const rows = (await query.execute(ex)).rows;
  return rows.map((r) => ({ memberId: Number(r.member_id), squadId: Number(r.squad_id), value: Number(r.value) }));
}

/** Sales credited to each of the given members (or everyone) in [start, end), for picking captains. */
export async function salesByMember(ex: Executor, start: Date, end: Date): Promise<Map<number, number>> {
  const rows = (
    await sql<{ member_id: number; value: number }>`with ${CREDITED_ORDERS(start, end)}
      select member_id, sum(value) as value from credited group by member_id`.execute(ex)
  ).rows;
  return new Map(rows.map((r) => [Number(r.member_id), Number(r.value)]));
}

/** A metric's value as people read it: yuan, people or points. */
export function formatMetricValue(metric: ContestMetric, value: number): string {
  if (metric === 'sales') return `¥${formatYuan(value)}`;
  return metric === 'invites' ? `${value} 人` : `${value} 积分`;
}
