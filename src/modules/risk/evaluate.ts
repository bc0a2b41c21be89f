// The risk rules as queries over a set of earnings, each judged as of its own time (when it was
// earned): the paid order's earnings right after its payment (review.ts), the earnings whose earner
// and buyer became linked later (the sweep), and the last N days' earnings in a dry run. Set-based:
// one statement per enabled rule, whatever the number of earnings. Reads commission's earnings and
// the orders' payments and refunds (allow-listed in test/modules/boundaries.test.ts).
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { EarningKind } from '../commission/index.js';
import { STRONG_KINDS } from './normalise.js';
import type { RiskRulesConfig } from './rules.js';
import type { SignalKind } from './tables.js';

/** The earnings a risk rule may hold: commission for bringing buyers (distribution and coupon-guide), not channel awards or payables. */
export const RISK_KINDS: readonly EarningKind[] = ['distribution', 'coupon_guide'];

export type RiskReason =
  | { rule: 'linked_buyer'; kinds: SignalKind[] }
  | { rule: 'shared_signal'; kind: SignalKind; buyers: number; threshold: number }
  | { rule: 'refund_rate'; refundBp: number; orders: number; threshold: number }
  | { rule: 'refund_burst'; orders: number; windowMinutes: number; threshold: number }
  | { rule: 'daily_commission'; dayFen: number; threshold: number };

/** Whether an earning's rule version paid self-purchase (the level-1 share of a linked earner is then one). */
export type SelfPurchaseOf = (ruleVersionId: number) => Promise<boolean>;

type Hits = Map<number, RiskReason[]>;

function add(hits: Hits, earningId: number, reason: RiskReason) {
  const list = hits.get(earningId) ?? [];
  list.push(reason);
  hits.set(earningId, list);
}

const kinds = () => sql`${RISK_KINDS}::text[]`;
const days = (n: number) => sql`(${n}::int * interval '1 day')`;

/**
 * The buyer and the earner share a strong signal: one known when the earning was made, or — for the
 * sweep and the dry run (`now`) — one known by now. A distributor's own self-purchase is never one,
 * and neither is the level-1 share under a rule version that pays self-purchase: the plan already
 * treated that earner as the buyer (referral/chain.ts).
 */
async function linkedBuyer(ex: Executor, ids: number[], selfPurchaseOf: SelfPurchaseOf, now: boolean, hits: Hits) {
  const known = now ? sql`true` : sql`a.first_seen_at <= c.created_at and b.first_seen_at <= c.created_at`;
  const rows = await sql<{ id: number; level: number; kind: EarningKind; rule_version_id: number; kinds: SignalKind[] }>`
    select c.id, c.level, c.kind, c.rule_version_id, array_agg(distinct a.kind order by a.kind) as kinds
    from commission_earnings c
    join risk_signals a on a.member_id = c.buyer_id and a.kind = any(${STRONG_KINDS}::text[])
    join risk_signals b on b.kind = a.kind and b.value_hash = a.value_hash and b.member_id = c.earner_id
    where c.id = any(${ids}::bigint[]) and c.earner_id <> c.buyer_id and ${known}
    group by c.id, c.level, c.kind, c.rule_version_id`.execute(ex);
  for (const r of rows.rows) {
    if (r.kind === 'distribution' && r.level === 1 && (await selfPurchaseOf(r.rule_version_id))) continue;
    add(hits, r.id, { rule: 'linked_buyer', kinds: r.kinds });
  }
}

/** New buyers of the same earner within the window sharing one of this buyer's devices or addresses (or networks), as known then. */
async function sharedSignal(ex: Executor, ids: number[], cfg: RiskRulesConfig['sharedSignal'], hits: Hits) {
  const signalKinds: SignalKind[] = cfg.subnetMinBuyers > 0 ? ['device', 'address', 'ip'] : ['device', 'address'];
  const rows = await sql<{ id: number; kind: SignalKind; buyers: number }>`
    select c.id, s.kind, count(distinct e2.buyer_id)::int as buyers
    from commission_earnings c
    join risk_signals s on s.member_id = c.buyer_id and s.kind = any(${signalKinds}::text[]) and s.first_seen_at <= c.created_at
    join risk_signals s2 on s2.kind = s.kind and s2.value_hash = s.value_hash and s2.first_seen_at <= c.created_at
    join commission_earnings e2 on e2.earner_id = c.earner_id and e2.buyer_id = s2.member_id and e2.kind = any(${kinds()})
      and e2.created_at > c.created_at - ${days(cfg.windowDays)} and e2.created_at <= c.created_at
    join members m on m.id = e2.buyer_id and m.created_at > e2.created_at - ${days(cfg.newBuyerDays)}
    where c.id = any(${ids}::bigint[])
    group by c.id, s.kind, s.value_hash`.execute(ex);
  const best = new Map<number, { kind: SignalKind; buyers: number; threshold: number }>();
  for (const r of rows.rows) {
    const threshold = r.kind === 'ip' ? cfg.subnetMinBuyers : cfg.minBuyers;
    if (r.buyers < threshold) continue;
    const seen = best.get(r.id);
    if (!seen || r.buyers > seen.buyers) best.set(r.id, { kind: r.kind, buyers: r.buyers, threshold });
  }
  for (const [id, b] of best) add(hits, id, { rule: 'shared_signal', ...b });
}

/** The earner's other orders in the window: what their buyers paid, and got back by then. */
async function refundRate(ex: Executor, ids: number[], cfg: RiskRulesConfig['refundRate'], hits: Hits) {
  const rows = await sql<{ id: number; orders: number; paid_fen: number; refunded_fen: number }>`
    select c.id, count(*)::int as orders, coalesce(sum(o.paid_fen), 0) as paid_fen, coalesce(sum(r.fen), 0) as refunded_fen
    from commission_earnings c
    cross join lateral (
      select distinct e2.order_id from commission_earnings e2
      where e2.earner_id = c.earner_id and e2.kind = any(${kinds()}) and e2.order_id <> c.order_id
        and e2.created_at > c.created_at - ${days(cfg.windowDays)} and e2.created_at <= c.created_at) w
    join orders o on o.id = w.order_id
    left join lateral (select sum(amount_fen) as fen from refunds where order_id = o.id and status = 'succeeded' and completed_at <= c.created_at) r on true
    where c.id = any(${ids}::bigint[])
    group by c.id`.execute(ex);
  for (const r of rows.rows) {
    if (r.orders < cfg.minOrders || r.paid_fen <= 0) continue;
    const refundBp = Math.floor((r.refunded_fen * 10_000) / r.paid_fen);
    if (r.refunded_fen * 10_000 > r.paid_fen * cfg.maxRefundBp) add(hits, r.id, { rule: 'refund_rate', refundBp, orders: r.orders, threshold: cfg.maxRefundBp });
  }
}

/** The earner's buyers' orders paid within the window before this earning and refunded in it too. */
async function refundBurst(ex: Executor, ids: number[], cfg: RiskRulesConfig['refundBurst'], hits: Hits) {
  const window = sql`(${cfg.windowMinutes}::int * interval '1 minute')`;
  const rows = await sql<{ id: number; orders: number }>`
    select c.id, count(*)::int as orders
    from commission_earnings c
    cross join lateral (
      select distinct e2.order_id from commission_earnings e2
      where e2.earner_id = c.earner_id and e2.kind = any(${kinds()}) and e2.order_id <> c.order_id
        and e2.created_at > c.created_at - ${window} and e2.created_at <= c.created_at) w
    join orders o on o.id = w.order_id
    where c.id = any(${ids}::bigint[])
      and exists (select 1 from refunds r where r.order_id = o.id and r.status = 'succeeded' and r.completed_at > c.created_at - ${window} and r.completed_at <= c.created_at)
    group by c.id`.execute(ex);
  for (const r of rows.rows) {
    if (r.orders >= cfg.minOrders) add(hits, r.id, { rule: 'refund_burst', orders: r.orders, windowMinutes: cfg.windowMinutes, threshold: cfg.minOrders });
  }
}

/** The earner's commission of the Shanghai day up to and with this earning. */
async function dailyCommission(ex: Executor, ids: number[], cfg: RiskRulesConfig['dailyCommission'], hits: Hits) {
  const rows = await sql<{ id: number; day_fen: number }>`
    select c.id, (
      select coalesce(sum(e2.amount_fen), 0) from commission_earnings e2
      where e2.earner_id = c.earner_id and e2.kind = any(${kinds()})
        and e2.created_at >= (date_trunc('day', (c.created_at at time zone 'UTC') + interval '8 hours') - interval '8 hours') at time zone 'UTC'
        and (e2.created_at < c.created_at or (e2.created_at = c.created_at and e2.id <= c.id))) as day_fen
    from commission_earnings c
    where c.id = any(${ids}::bigint[])`.execute(ex);
  for (const r of rows.rows) if (r.day_fen > cfg.maxFen) add(hits, r.id, { rule: 'daily_commission', dayFen: r.day_fen, threshold: cfg.maxFen });
}

/**
 * The reasons each rule that is on would hold these earnings for (earnings no rule hits are absent);
 * every rule, on or off, with `all` (the dry run shows what a rule would do before it is turned on).
 * Each earning is judged by what was known when it was made, but links with `linkedNow`.
 */
export async function evaluateRules(ex: Executor, ids: number[], config: RiskRulesConfig, selfPurchaseOf: SelfPurchaseOf, options: { all?: boolean; linkedNow?: boolean } = {}): Promise<Hits> {
  const hits: Hits = new Map();
  if (ids.length === 0) return hits;
  const on = (enabled: boolean) => options.all === true || enabled;
  if (on(config.linkedBuyer.enabled)) await linkedBuyer(ex, ids, selfPurchaseOf, options.linkedNow === true, hits);
  if (on(config.sharedSignal.enabled)) await sharedSignal(ex, ids, config.sharedSignal, hits);
  if (on(config.refundRate.enabled)) await refundRate(ex, ids, config.refundRate, hits);
  if (on(config.refundBurst.enabled)) await refundBurst(ex, ids, config.refundBurst, hits);
  if (on(config.dailyCommission.enabled)) await dailyCommission(ex, ids, config.dailyCommission, hits);
  return hits;
}
