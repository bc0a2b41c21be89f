// The money side of the compliance report (issue 16): what the programme paid in a period, per
// metric it paid for — commission by level and by earning kind (commission_earnings), the awards
// credited from the commission expense (ledger transfers keyed award:…, by code, on their booking
// date), contest prizes by the contest's metric in cash, withheld cash, points and honours, agent
// referral awards in cash and points, and tier upgrades (which move no money by themselves). Contest
// prizes and referral awards are dated by their business event (the contest's finalising or release,
// the appointment), their cash read from the ledger. A read model: reads across modules, writes nothing.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export interface MoneyRange {
  /** inclusive */
  start: Date;
  /** exclusive */
  before: Date;
}

export interface EarningFigures {
  earnings: number;
  amountFen: number;
  reversedFen: number;
  netFen: number;
}

export interface ComplianceMoney {
  /** distribution commission by level (1 = nearest upline), booked in the period, net of reversals so far */
  commissionByLevel: Array<{ level: number } & EarningFigures>;
  /** every earning kind (distribution, agent_regional, agent_sales, coupon_guide, …) */
  earningsByKind: Array<{ kind: string } & EarningFigures>;
  /** money credited at once from the commission expense (commission.award), by transfer code */
  awardsByCode: Array<{ code: string; awards: number; amountFen: number }>;
  /** contest prizes by the contest's metric: cash paid, cash withheld (invites contests without an override), points, honours */
  contestPrizes: Array<{ metric: string; cashFen: number; withheldFen: number; points: number; honours: number }>;
  agentReferral: { cashAwards: number; cashFen: number; pointsAwards: number; points: number };
  /** automatic and manual tier changes in the period, by the tier reached */
  tierUpgrades: Array<{ tierId: number; tierName: string | null; automatic: number; manual: number }>;
}

const figures = (r: { n: number | string; amount: number | string | null; reversed: number | string | null }): EarningFigures => {
  const amountFen = Number(r.amount ?? 0);
  const reversedFen = Number(r.reversed ?? 0);
  return { earnings: Number(r.n), amountFen, reversedFen, netFen: amountFen - reversedFen };
};

async function earnings(ex: Executor, range: MoneyRange) {
  const byLevel = await sql<{ level: number; n: number; amount: number; reversed: number }>`
    select level, count(*) as n, sum(amount_fen) as amount, sum(reversed_fen) as reversed
    from commission_earnings
    where kind = 'distribution' and created_at >= ${range.start} and created_at < ${range.before}
    group by level order by level`.execute(ex);
  const byKind = await sql<{ kind: string; n: number; amount: number; reversed: number }>`
    select kind, count(*) as n, sum(amount_fen) as amount, sum(reversed_fen) as reversed
    from commission_earnings
    where created_at >= ${range.start} and created_at < ${range.before}
    group by kind order by kind`.execute(ex);
  return {
    commissionByLevel: byLevel.rows.map((r) => ({ level: Number(r.level), ...figures(r) })),
    earningsByKind: byKind.rows.map((r) => ({ kind: r.kind, ...figures(r) })),
  };
}

async function awards(ex: Executor, range: MoneyRange) {
  // an award is one key: `award:<key>` to available and `award:<key>:debt` for what repaid debt
  const rows = await sql<{ code: string; n: number; amount: number }>`
    select code, count(distinct regexp_replace(idempotency_key, ':debt$', '')) as n, sum(amount_fen) as amount
    from ledger_transfers
    where idempotency_key like 'award:%' and created_at >= ${range.start} and created_at < ${range.before}
    group by code order by code`.execute(ex);
  return rows.rows.map((r) => ({ code: r.code, awards: Number(r.n), amountFen: Number(r.amount) }));
}

async function contestPrizes(ex: Executor, range: MoneyRange) {
  const rows = await sql<{ metric: string; cash: number; withheld: number; points: number; honours: number }>`
    with cash as (
      select c.metric, sum(t.amount_fen) as fen from ledger_transfers t join contests c on c.id = t.ref_id
      where t.code = 'contest.prize' and t.ref_type = 'contest'
        and coalesce(c.prizes_released_at, c.finalized_at) >= ${range.start} and coalesce(c.prizes_released_at, c.finalized_at) < ${range.before}
      group by c.metric),
    withheld as (
      select c.metric, sum(r.prize_fen) as fen from contests c join contest_member_results r on r.contest_id = c.id
      where c.prizes_withheld_at >= ${range.start} and c.prizes_withheld_at < ${range.before} and c.prizes_released_at is null
      group by c.metric),
    points as (
      select c.metric, sum(p.points) as points from points_transactions p join contests c on c.id = p.ref_id
      where p.reason = 'reward' and p.ref_type = 'contest' and p.created_at >= ${range.start} and p.created_at < ${range.before}
      group by c.metric),
    honours as (
      select c.metric, count(*) as n from contests c join contest_results r on r.contest_id = c.id
      where r.honour is not null and c.finalized_at >= ${range.start} and c.finalized_at < ${range.before}
      group by c.metric),
    metrics as (select metric from cash union select metric from withheld union select metric from points union select metric from honours)
    select m.metric, coalesce(cash.fen, 0) as cash, coalesce(withheld.fen, 0) as withheld, coalesce(points.points, 0) as points, coalesce(honours.n, 0) as honours
    from metrics m left join cash using (metric) left join withheld using (metric) left join points using (metric) left join honours using (metric)
    order by m.metric`.execute(ex);
  return rows.rows.map((r) => ({ metric: r.metric, cashFen: Number(r.cash), withheldFen: Number(r.withheld), points: Number(r.points), honours: Number(r.honours) }));
}

async function agentReferral(ex: Executor, range: MoneyRange) {
  // one award per appointed agent (agent_referral_awards), its cash as the ledger booked it
  const row = await sql<{ cash_n: number; cash: number; points_n: number; points: number }>`
    with cash as (
      select r.appointed_agent_id, sum(t.amount_fen) as fen from agent_referral_awards r
      join ledger_transfers t on t.ref_type = 'agent' and t.ref_id = r.appointed_agent_id and t.code = 'agent_referral.award'
      where r.created_at >= ${range.start} and r.created_at < ${range.before}
      group by r.appointed_agent_id)
    select (select count(*) from cash) as cash_n,
           (select coalesce(sum(fen), 0) from cash) as cash,
           (select count(*) from points_transactions
            where reason = 'reward' and ref_type = 'agent' and created_at >= ${range.start} and created_at < ${range.before}) as points_n,
           (select coalesce(sum(points), 0) from points_transactions
            where reason = 'reward' and ref_type = 'agent' and created_at >= ${range.start} and created_at < ${range.before}) as points`.execute(ex);
  const r = row.rows[0];
  return { cashAwards: Number(r.cash_n), cashFen: Number(r.cash), pointsAwards: Number(r.points_n), points: Number(r.points) };
}

async function tierUpgrades(ex: Executor, range: MoneyRange) {
  // the members module audits every tier change (distributor.tier); an automatic one has no actor
  const rows = await sql<{ tier_id: number; name: string | null; automatic: number; manual: number }>`
    select (a.after ->> 'tierId')::int as tier_id, t.name,
           count(*) filter (where a.actor_id is null) as automatic, count(*) filter (where a.actor_id is not null) as manual
    from audit_log a left join distributor_tiers t on t.id = (a.after ->> 'tierId')::int
    where a.action = 'distributor.tier' and a.created_at >= ${range.start} and a.created_at < ${range.before}
    group by 1, 2 order by 1`.execute(ex);
  return rows.rows.map((r) => ({ tierId: Number(r.tier_id), tierName: r.name, automatic: Number(r.automatic), manual: Number(r.manual) }));
}

/** Everything the programme paid in [start, before), per metric it paid for. */
export async function complianceMoney(ex: Executor, range: MoneyRange): Promise<ComplianceMoney> {
  const { commissionByLevel, earningsByKind } = await earnings(ex, range);
  return {
    commissionByLevel,
    earningsByKind,
    awardsByCode: await awards(ex, range),
    contestPrizes: await contestPrizes(ex, range),
    agentReferral: await agentReferral(ex, range),
    tierUpgrades: await tierUpgrades(ex, range),
  };
}
