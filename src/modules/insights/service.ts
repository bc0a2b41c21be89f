// Value analytics for HQ: what each member is worth (own spend, and the spend of the people they
// brought in), where orders come from (first vs repeat, referral vs other), how fast people move
// from a share-link view to a first order and to distributor, and what each earning mode costs and
// still owes. A read model: reads across modules, writes nothing.
//
// Definitions (also in the console's help texts):
// - spend = goods paid minus goods refunded (shipping excluded), from referral_member_sales, the
//   same figure team sales use.
// - social value = the spend of a member's current team (the tree as it is now): direct = depth 1,
//   indirect = depth ≥ 2.
// - a paid order is an order with paid_at, whatever later refunds did (as on the dashboard); it is a
//   first order when the buyer has no earlier paid order, else a repeat; it is a referral order when
//   it names a sharer or the buyer was bound to a referrer when paying (binding history).
// - fan = the member's first share-link visit, else their registration; member = registration;
//   first order = first paid order; distributor = distributor_since.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor } from '../../db/database.js';
import { badRequest, notFound } from '../../errors.js';
import { channelPerformance } from './channels.js';

const TZ = 'Asia/Shanghai';
const DAY_MS = 86_400_000;
/** the longest range a trend, funnel or cohort may span */
export const MAX_RANGE_DAYS = 366;

export { EARNING_KINDS } from './channels.js';
export type { EarningKind } from './channels.js';

export const MEMBER_VALUE_SORTS = ['socialValue', 'direct', 'indirect', 'lifetimeSpend', 'teamSize'] as const;
export type MemberValueSort = (typeof MEMBER_VALUE_SORTS)[number];

/** Shanghai calendar days, both inclusive, as YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

interface Instants {
  fromAt: Date;
  /** exclusive: the start of the day after `to` */
  toAt: Date;
  days: number;
}

/** A share in basis points, rounded half up; 0 when there is nothing to share. */
export function shareBp(part: number, whole: number): number {
  return whole > 0 ? Math.round((part * 10_000) / whole) : 0;
}

function shanghaiMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function roundDays(value: number | null): number | null {
  return value === null ? null : Math.round(Number(value) * 100) / 100;
}

export class InsightsService {
  constructor(private readonly clock: Clock) {}

  /** The range's instants; the default is the 30 days up to today. */
  resolveRange(range: Partial<DayRange>): DayRange & Instants {
    const today = shanghaiDate(this.clock.now());
    const to = range.to ?? today;
    const from = range.from ?? shanghaiDate(new Date(shanghaiMidnight(to).getTime() - 29 * DAY_MS));
    const fromAt = shanghaiMidnight(from);
    const toStart = shanghaiMidnight(to);
    // a day that does not exist (02-30) parses into the next month: the round trip catches it
    const valid = (at: Date, dayText: string) => !Number.isNaN(at.getTime()) && shanghaiDate(at) === dayText;
    if (!valid(fromAt, from) || !valid(toStart, to)) throw badRequest('RANGE_INVALID', 'from and to must be real dates (YYYY-MM-DD)');
    if (toStart < fromAt) throw badRequest('RANGE_INVALID', 'from must not be after to');
    const days = Math.round((toStart.getTime() - fromAt.getTime()) / DAY_MS) + 1;
    if (days > MAX_RANGE_DAYS) throw badRequest('RANGE_TOO_LONG', `a range spans at most ${MAX_RANGE_DAYS} days`);
    return { from, to, fromAt, toAt: new Date(toStart.getTime() + DAY_MS), days };
  }

  // --- 1. member value ---------------------------------------------------------------------------

  /**
   * Members ranked by value. Social value is summed from the buyers up (referral_member_sales joined
   * to their ancestors), so the work grows with buyers × depth, not with the whole tree; team size
   * is counted only for the page, unless it is the sort key.
   */
  async memberValues(ex: Executor, query: { sort: MemberValueSort; order: 'asc' | 'desc'; limit: number; offset: number }) {
    const sortColumn = {
      socialValue: sql`social_fen`,
      direct: sql`direct_fen`,
      indirect: sql`indirect_fen`,
      lifetimeSpend: sql`lifetime_spend_fen`,
      teamSize: sql`team_size`,
    }[query.sort];
    const direction = query.order === 'asc' ? sql`asc` : sql`desc`;
    const byTeam = query.sort === 'teamSize';
    const rows = await sql<{
      id: number;
      nickname: string;
      phone: string;
      distributor_status: string;
      created_at: Date;
      lifetime_spend_fen: number;
      order_count: number;
      direct_fen: number;
      indirect_fen: number;
      social_fen: number;
      team_size: number | null;
      total: number;
    }>`
      with social as (
        select c.ancestor_id as member_id,
               coalesce(sum(s.paid_fen - s.refunded_fen) filter (where c.distance = 1), 0) as direct_fen,
               coalesce(sum(s.paid_fen - s.refunded_fen) filter (where c.distance >= 2), 0) as indirect_fen
        from referral_member_sales s
        join referral_closure c on c.descendant_id = s.member_id and c.distance > 0
        group by c.ancestor_id),
      team as (
        select ancestor_id as member_id, count(*) as team_size from referral_closure
        where ${byTeam ? sql`distance > 0` : sql`false`} group by ancestor_id),
      ranked as (
        select m.id, m.nickname, m.phone, m.distributor_status, m.created_at,
               coalesce(own.paid_fen - own.refunded_fen, 0) as lifetime_spend_fen,
               coalesce(own.order_count, 0) as order_count,
               coalesce(social.direct_fen, 0) as direct_fen,
               coalesce(social.indirect_fen, 0) as indirect_fen,
               coalesce(social.direct_fen, 0) + coalesce(social.indirect_fen, 0) as social_fen,
               ${byTeam ? sql`coalesce(team.team_size, 0)` : sql`null::bigint`} as team_size
        from members m
        left join referral_member_sales own on own.member_id = m.id
        left join social on social.member_id = m.id
        left join team on team.member_id = m.id
        where m.hq_role is null)
      select ranked.*, count(*) over () as total
      from ranked
      order by ${sortColumn} ${direction}, id asc
      limit ${query.limit} offset ${query.offset}`.execute(ex);
    const ids = rows.rows.map((r) => r.id);
    const teams = new Map<number, { teamSize: number; directCount: number }>();
    if (ids.length > 0) {
      const counted = await sql<{ member_id: number; team_size: number; direct_count: number }>`
        select ancestor_id as member_id, count(*) as team_size, count(*) filter (where distance = 1) as direct_count
        from referral_closure where ancestor_id in (${sql.join(ids)}) and distance > 0 group by ancestor_id`.execute(ex);
      for (const t of counted.rows) teams.set(t.member_id, { teamSize: t.team_size, directCount: t.direct_count });
    }
    let total = rows.rows[0]?.total;
    if (total === undefined) {
      // a page past the end still reports how many there are
      const n = await sql<{ n: number }>`select count(*) as n from members where hq_role is null`.execute(ex);
      total = n.rows[0].n;
    }
    return {
      total,
      items: rows.rows.map((r) => ({
        memberId: r.id,
        nickname: r.nickname,
        phone: r.phone,
        distributorStatus: r.distributor_status,
        joinedAt: r.created_at,
        lifetimeSpendFen: r.lifetime_spend_fen,
        orderCount: r.order_count,
        directSocialFen: r.direct_fen,
        indirectSocialFen: r.indirect_fen,
        socialValueFen: r.social_fen,
        teamSize: teams.get(r.id)?.teamSize ?? 0,
        directCount: teams.get(r.id)?.directCount ?? 0,
      })),
    };
  }

  /** One member's value: own spend, social value by depth, and their path fan → distributor. */
  async memberValue(ex: Executor, memberId: number) {
    const member = await sql<{
      id: number;
      nickname: string;
      phone: string;
      distributor_status: string;
      created_at: Date;
      distributor_since: Date | null;
      referrer_id: number | null;
      lifetime_spend_fen: number;
      paid_fen: number;
      refunded_fen: number;
      order_count: number;
      first_visit_at: Date | null;
      first_order_at: Date | null;
    }>`
      select m.id, m.nickname, m.phone, m.distributor_status, m.created_at, m.distributor_since,
             b.referrer_id,
             coalesce(s.paid_fen - s.refunded_fen, 0) as lifetime_spend_fen,
             coalesce(s.paid_fen, 0) as paid_fen, coalesce(s.refunded_fen, 0) as refunded_fen,
             coalesce(s.order_count, 0) as order_count,
             (select min(v.created_at) from referral_visits v where v.member_id = m.id and v.visitor_key not like 'member:%') as first_visit_at,
             (select min(o.paid_at) from orders o where o.buyer_id = m.id and o.paid_at is not null) as first_order_at
      from members m
      left join referral_member_sales s on s.member_id = m.id
      left join referral_bindings b on b.member_id = m.id
      where m.id = ${memberId}`.execute(ex);
    const row = member.rows[0];
    if (!row) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
    const depths = await sql<{ depth: number; members: number; buyers: number; spend_fen: number }>`
      select c.distance as depth, count(*) as members,
             count(s.member_id) filter (where s.order_count > 0) as buyers,
             coalesce(sum(s.paid_fen - s.refunded_fen), 0) as spend_fen
      from referral_closure c
      left join referral_member_sales s on s.member_id = c.descendant_id
      where c.ancestor_id = ${memberId} and c.distance > 0
      group by c.distance order by c.distance`.execute(ex);
    const byDepth = depths.rows.map((d) => ({ depth: d.depth, members: d.members, buyers: d.buyers, spendFen: d.spend_fen }));
    const directSocialFen = byDepth.filter((d) => d.depth === 1).reduce((s, d) => s + d.spendFen, 0);
    const indirectSocialFen = byDepth.filter((d) => d.depth >= 2).reduce((s, d) => s + d.spendFen, 0);
    const fanAt = row.first_visit_at !== null && row.first_visit_at < row.created_at ? row.first_visit_at : row.created_at;
    return {
      memberId: row.id,
      nickname: row.nickname,
      phone: row.phone,
      distributorStatus: row.distributor_status,
      referrerId: row.referrer_id,
      lifetimeSpendFen: row.lifetime_spend_fen,
      paidFen: row.paid_fen,
      refundedFen: row.refunded_fen,
      orderCount: row.order_count,
      directSocialFen,
      indirectSocialFen,
      socialValueFen: directSocialFen + indirectSocialFen,
      teamSize: byDepth.reduce((s, d) => s + d.members, 0),
      directCount: byDepth.find((d) => d.depth === 1)?.members ?? 0,
      byDepth,
      journey: { fanAt, memberAt: row.created_at, firstOrderAt: row.first_order_at, distributorAt: row.distributor_since },
    };
  }

  // --- 2. order trends ---------------------------------------------------------------------------

  /** Paid orders per Shanghai day: first vs repeat, referral vs other, with shares; and repurchase rates. */
  async trends(ex: Executor, range: Partial<DayRange>) {
    const r = this.resolveRange(range);
    const daily = await sql<{
      date: string;
      orders: number;
      gmv_fen: number;
      first_orders: number;
      repeat_orders: number;
      referral_orders: number;
      other_orders: number;
      repeat_or_referral_orders: number;
      repeat_gmv_fen: number;
      referral_gmv_fen: number;
    }>`
      with days as (
        select to_char(${r.from}::date + g.i, 'YYYY-MM-DD') as date from generate_series(0, ${r.days - 1}) as g(i)),
      paid as (
        select o.id, o.paid_fen, to_char(o.paid_at at time zone ${TZ}, 'YYYY-MM-DD') as date,
               o.id <> (select p.id from orders p where p.buyer_id = o.buyer_id and p.paid_at is not null
                        order by p.paid_at, p.id limit 1) as is_repeat,
               (o.sharer_id is not null or coalesce((
                  select h.new_referrer_id is not null from referral_binding_history h
                  where h.member_id = o.buyer_id and h.created_at <= o.paid_at
                  order by h.id desc limit 1), false)) as is_referral
        from orders o
        where o.paid_at >= ${r.fromAt} and o.paid_at < ${r.toAt})
      select days.date,
             count(paid.id) as orders,
             coalesce(sum(paid.paid_fen), 0) as gmv_fen,
             count(paid.id) filter (where not paid.is_repeat) as first_orders,
             count(paid.id) filter (where paid.is_repeat) as repeat_orders,
             count(paid.id) filter (where paid.is_referral) as referral_orders,
             count(paid.id) filter (where not paid.is_referral) as other_orders,
             count(paid.id) filter (where paid.is_repeat or paid.is_referral) as repeat_or_referral_orders,
             coalesce(sum(paid.paid_fen) filter (where paid.is_repeat), 0) as repeat_gmv_fen,
             coalesce(sum(paid.paid_fen) filter (where paid.is_referral), 0) as referral_gmv_fen
      from days left join paid using (date)
      group by days.date order by days.date`.execute(ex);
    const rates = await sql<{ range_buyers: number; range_repeat_buyers: number; all_buyers: number; all_repeat_buyers: number }>`
      with in_range as (select buyer_id, count(*) as n from orders where paid_at >= ${r.fromAt} and paid_at < ${r.toAt} group by buyer_id),
           overall as (select buyer_id, count(*) as n from orders where paid_at is not null group by buyer_id)
      select (select count(*) from in_range) as range_buyers,
             (select count(*) from in_range where n >= 2) as range_repeat_buyers,
             (select count(*) from overall) as all_buyers,
             (select count(*) from overall where n >= 2) as all_repeat_buyers`.execute(ex);
    const days = daily.rows.map((d) => ({
      date: d.date,
      orders: d.orders,
      gmvFen: d.gmv_fen,
      firstOrders: d.first_orders,
      repeatOrders: d.repeat_orders,
      referralOrders: d.referral_orders,
      otherOrders: d.other_orders,
      repeatOrReferralOrders: d.repeat_or_referral_orders,
      repeatGmvFen: d.repeat_gmv_fen,
      referralGmvFen: d.referral_gmv_fen,
      repeatShareBp: shareBp(d.repeat_orders, d.orders),
      referralShareBp: shareBp(d.referral_orders, d.orders),
      repeatOrReferralShareBp: shareBp(d.repeat_or_referral_orders, d.orders),
    }));
    const sum = (pick: (d: (typeof days)[number]) => number) => days.reduce((s, d) => s + pick(d), 0);
    const totals = {
      orders: sum((d) => d.orders),
      gmvFen: sum((d) => d.gmvFen),
      firstOrders: sum((d) => d.firstOrders),
      repeatOrders: sum((d) => d.repeatOrders),
      referralOrders: sum((d) => d.referralOrders),
      otherOrders: sum((d) => d.otherOrders),
      repeatOrReferralOrders: sum((d) => d.repeatOrReferralOrders),
      repeatGmvFen: sum((d) => d.repeatGmvFen),
      referralGmvFen: sum((d) => d.referralGmvFen),
    };
    const rr = rates.rows[0];
    return {
      from: r.from,
      to: r.to,
      days,
      totals: {
        ...totals,
        repeatShareBp: shareBp(totals.repeatOrders, totals.orders),
        referralShareBp: shareBp(totals.referralOrders, totals.orders),
        repeatOrReferralShareBp: shareBp(totals.repeatOrReferralOrders, totals.orders),
      },
      repurchase: {
        range: { buyers: rr.range_buyers, repeatBuyers: rr.range_repeat_buyers, rateBp: shareBp(rr.range_repeat_buyers, rr.range_buyers) },
        overall: { buyers: rr.all_buyers, repeatBuyers: rr.all_repeat_buyers, rateBp: shareBp(rr.all_repeat_buyers, rr.all_buyers) },
      },
    };
  }

  // --- 3. cycle times ----------------------------------------------------------------------------

  /**
   * Median and p75 days between the stages of the members who registered in the range (a cohort);
   * a later stage counts whenever it happened, up to now. A stage not reached yet is left out of
   * that span; fan → member is 0 for a member who came without a share link.
   */
  async cycleTimes(ex: Executor, range: Partial<DayRange>) {
    const r = this.resolveRange(range);
    const rows = await sql<{ span: string; members: number; median_days: number | null; p75_days: number | null; avg_days: number | null }>`
      with cohort as (
        select m.id, m.created_at as member_at, m.distributor_since as distributor_at,
               least(m.created_at, (select min(v.created_at) from referral_visits v
                                    where v.member_id = m.id and v.visitor_key not like 'member:%')) as fan_at,
               (select min(o.paid_at) from orders o where o.buyer_id = m.id and o.paid_at is not null) as first_order_at
        from members m
        where m.hq_role is null and m.created_at >= ${r.fromAt} and m.created_at < ${r.toAt}),
      spans as (
        select 'fan_to_member' as span, member_at - fan_at as took from cohort
        union all select 'member_to_first_order', first_order_at - member_at from cohort where first_order_at is not null
        union all select 'fan_to_first_order', first_order_at - fan_at from cohort where first_order_at is not null
        union all select 'first_order_to_distributor', distributor_at - first_order_at from cohort where first_order_at is not null and distributor_at >= first_order_at
        union all select 'member_to_distributor', distributor_at - member_at from cohort where distributor_at is not null
        union all select 'fan_to_distributor', distributor_at - fan_at from cohort where distributor_at is not null),
      days as (select span, extract(epoch from took)::float8 / 86400 as d from spans)
      select span, count(*) as members,
             percentile_cont(0.5) within group (order by d) as median_days,
             percentile_cont(0.75) within group (order by d) as p75_days,
             avg(d) as avg_days
      from days group by span`.execute(ex);
    const cohort = await sql<{ n: number }>`select count(*) as n from members where hq_role is null and created_at >= ${r.fromAt} and created_at < ${r.toAt}`.execute(ex);
    const SPANS = ['fan_to_member', 'member_to_first_order', 'fan_to_first_order', 'first_order_to_distributor', 'member_to_distributor', 'fan_to_distributor'] as const;
    const bySpan = new Map(rows.rows.map((x) => [x.span, x]));
    return {
      from: r.from,
      to: r.to,
      cohortMembers: cohort.rows[0].n,
      spans: SPANS.map((span) => {
        const x = bySpan.get(span);
        return { span, members: x?.members ?? 0, medianDays: roundDays(x?.median_days ?? null), p75Days: roundDays(x?.p75_days ?? null), avgDays: roundDays(x?.avg_days ?? null) };
      }),
    };
  }

  // --- 4. funnel ---------------------------------------------------------------------------------

  /**
   * The share-link funnel of a range, as a cohort: distinct visitors whose share-link view fell in
   * the range → of them, members who registered through that link (after the view, before the
   * range ends) → of those, members whose first paid order came before the range ends.
   */
  async funnel(ex: Executor, range: Partial<DayRange>) {
    const r = this.resolveRange(range);
    const row = await sql<{ visitors: number; views: number; registrations: number; first_orders: number }>`
      with v as (
        select visitor_key, member_id, created_at from referral_visits
        where created_at >= ${r.fromAt} and created_at < ${r.toAt} and visitor_key not like 'member:%'),
      registered as (
        select distinct m.id from v join members m on m.id = v.member_id
        where m.created_at > v.created_at and m.created_at < ${r.toAt}),
      ordered as (
        select registered.id from registered
        where (select min(o.paid_at) from orders o where o.buyer_id = registered.id and o.paid_at is not null) < ${r.toAt})
      select (select count(distinct visitor_key) from v) as visitors,
             (select count(*) from v) as views,
             (select count(*) from registered) as registrations,
             (select count(*) from ordered) as first_orders`.execute(ex);
    const f = row.rows[0];
    return {
      from: r.from,
      to: r.to,
      views: f.views,
      visitors: f.visitors,
      registrations: f.registrations,
      firstOrders: f.first_orders,
      visitorToRegistrationBp: shareBp(f.registrations, f.visitors),
      registrationToFirstOrderBp: shareBp(f.first_orders, f.registrations),
      visitorToFirstOrderBp: shareBp(f.first_orders, f.visitors),
    };
  }

  // --- 5. channel performance and payables (channels.ts) ---------------------------------------

  /**
   * Per earning kind: orders, base (each line counted once per kind), earned, reversed, net; over the
   * range when given (by the earning's creation), else all time. Payables are always as of now:
   * pending and frozen exactly; "available, not withdrawn" is each earner's available balance split
   * across their available earnings by kind (largest remainder), since withdrawals draw on the pooled
   * balance; what the balance holds beyond earnings (awards, adjustments) is `otherAvailableFen`.
   */
  channels(ex: Executor, range: Partial<DayRange> | undefined) {
    return channelPerformance(ex, range?.from || range?.to ? this.resolveRange(range) : undefined, this.clock);
  }
}
