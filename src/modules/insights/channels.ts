// Channel performance and payables (insights section 5): per earning kind, what was earned and
// reversed, and what HQ still owes as of now. Part of InsightsService (service.ts); a read model.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor } from '../../db/database.js';

export const EARNING_KINDS = ['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate'] as const;
export type EarningKind = (typeof EARNING_KINDS)[number];

/** The range's instants (from resolveRange), or undefined for all time. */
type Range = { from: string; to: string; fromAt: Date; toAt: Date } | undefined;

/**
 * Per earning kind: orders, base (each line counted once per kind), earned, reversed, net; over the
 * range when given (by the earning's creation), else all time. Payables are always as of now:
 * pending and frozen exactly; "available, not withdrawn" is each earner's available balance split
 * across their available earnings by kind (largest remainder), since withdrawals draw on the pooled
 * balance; what the balance holds beyond earnings (awards, adjustments) is `otherAvailableFen`.
 */
export async function channelPerformance(ex: Executor, r: Range, clock: Clock) {
  const { flows, bases, states } = await earningFlows(ex, r);
  const unwithdrawn = await unwithdrawnByKind(ex);
  // available and withdrawing never go negative and debt never positive (the ledger's triggers and
  // reconciliation hold that), so a sum over each purpose is the sum of the members' balances
  const wallets = await sql<{ purpose: string; fen: number }>`
    with moves as (
      select to_account_id as account_id, amount_fen as fen from ledger_transfers
      union all select from_account_id, -amount_fen from ledger_transfers)
    select a.purpose, coalesce(sum(moves.fen), 0) as fen
    from ledger_accounts a join moves on moves.account_id = a.id
    where a.owner_type = 'member' and a.purpose in ('commission_available', 'payout_withdrawing', 'commission_debt')
    group by a.purpose`.execute(ex);
  const paidOut = await sql<{ fen: number }>`select coalesce(sum(amount_fen), 0) as fen from payouts where status = 'paid'`.execute(ex);
  const delivery = await deliveryMethods(ex, r);
  const modes = earningModes(flows, bases, states, unwithdrawn);
  const wallet = (purpose: string) => wallets.rows.find((x) => x.purpose === purpose)?.fen ?? 0;
  const w = { available_fen: wallet('commission_available'), withdrawing_fen: wallet('payout_withdrawing'), debt_fen: -wallet('commission_debt') };
  const attributedFen = modes.reduce((s, m) => s + m.payables.availableUnwithdrawnFen, 0);
  const pendingFen = modes.reduce((s, m) => s + m.payables.pendingFen, 0);
  const frozenFen = modes.reduce((s, m) => s + m.payables.frozenFen, 0);
  const method = (name: string) => {
    const d = delivery.rows.find((x) => x.delivery_method === name);
    return { orders: d?.orders ?? 0, gmvFen: d?.paid_fen ?? 0, refundedFen: d?.refunded_fen ?? 0, netFen: (d?.paid_fen ?? 0) - (d?.refunded_fen ?? 0) };
  };
  return {
    from: r?.from ?? null,
    to: r?.to ?? null,
    modes,
    payables: {
      pendingFen,
      frozenFen,
      availableUnwithdrawnFen: w.available_fen,
      otherAvailableFen: w.available_fen - attributedFen,
      withdrawingFen: w.withdrawing_fen,
      debtFen: w.debt_fen,
      /** what HQ still owes members: pending + frozen + available + withdrawing */
      totalFen: pendingFen + frozenFen + w.available_fen + w.withdrawing_fen,
      paidOutFen: paidOut.rows[0].fen,
    },
    delivery: { express: method('express'), pickup: method('pickup') },
    generatedAt: clock.now(),
  };
}

/** Earned, reversed and base per kind over the range (by the earning's creation); states as of now. */
async function earningFlows(ex: Executor, r: Range) {
  const within = r ? sql`created_at >= ${r.fromAt} and created_at < ${r.toAt}` : sql`true`;
  const flows = await sql<{ kind: string; orders: number; earners: number; earned_fen: number; reversed_fen: number }>`
    select kind, count(distinct order_id) as orders, count(distinct earner_id) as earners,
           coalesce(sum(amount_fen), 0) as earned_fen, coalesce(sum(reversed_fen), 0) as reversed_fen
    from commission_earnings where ${within} group by kind`.execute(ex);
  const bases = await sql<{ kind: string; base_fen: number }>`
    select kind, coalesce(sum(base_fen), 0) as base_fen
    from (select kind, order_line_id, max(base_fen) as base_fen from commission_earnings where ${within} group by kind, order_line_id) per_line
    group by kind`.execute(ex);
  const states = await sql<{ kind: string; pending_fen: number; frozen_fen: number; available_fen: number }>`
    select kind,
           coalesce(sum(amount_fen - reversed_fen) filter (where state = 'pending'), 0) as pending_fen,
           coalesce(sum(amount_fen - reversed_fen) filter (where state = 'frozen'), 0) as frozen_fen,
           coalesce(sum(amount_fen - reversed_fen) filter (where state = 'available'), 0) as available_fen
    from commission_earnings where state in ('pending', 'frozen', 'available') group by kind`.execute(ex);
  return { flows: flows.rows, bases: bases.rows, states: states.rows };
}

/** Each earner's available balance split across their available earnings by kind (largest remainder). */
async function unwithdrawnByKind(ex: Executor) {
  const unwithdrawn = await sql<{ kind: string; fen: number }>`
    with avail as materialized (
      select earner_id, kind, sum(amount_fen - reversed_fen) as fen from commission_earnings
      where state = 'available' group by earner_id, kind having sum(amount_fen - reversed_fen) > 0),
    accounts as materialized (
      select acc.id, t.earner_id, t.total
      from (select earner_id, sum(fen) as total from avail group by earner_id) t
      join ledger_accounts acc on acc.owner_type = 'member' and acc.owner_id = t.earner_id and acc.purpose = 'commission_available'),
    -- balances as sums of the accounts' transfers, joined as sets (ledger_balance() per row is far slower)
    moves as (
      select x.to_account_id as id, x.amount_fen as fen from ledger_transfers x join accounts a on a.id = x.to_account_id
      union all
      select x.from_account_id, -x.amount_fen from ledger_transfers x join accounts a on a.id = x.from_account_id),
    earners as materialized (
      select a.earner_id, a.total, least(a.total, greatest(coalesce(sum(m.fen), 0), 0)) as attributable
      from accounts a left join moves m on m.id = a.id group by a.earner_id, a.total),
    shares as (
      select a.earner_id, a.kind, e.attributable,
             e.attributable::numeric * a.fen / e.total as exact,
             floor(e.attributable::numeric * a.fen / e.total) as floor_fen
      from avail a join earners e using (earner_id)),
    ranked as (
      select kind, floor_fen,
             row_number() over (partition by earner_id order by exact - floor_fen desc, kind) as place,
             attributable - sum(floor_fen) over (partition by earner_id) as left_over
      from shares)
    select kind, sum(floor_fen + case when place <= left_over then 1 else 0 end)::bigint as fen
    from ranked group by kind`.execute(ex);
  return unwithdrawn.rows;
}

/** Paid orders by delivery method over the range (by payment), else all time. */
async function deliveryMethods(ex: Executor, r: Range) {
  return sql<{ delivery_method: string; orders: number; paid_fen: number; refunded_fen: number }>`
    select delivery_method, count(*) as orders, coalesce(sum(paid_fen), 0) as paid_fen, coalesce(sum(refunded_fen), 0) as refunded_fen
    from orders where paid_at is not null ${r ? sql`and paid_at >= ${r.fromAt} and paid_at < ${r.toAt}` : sql``}
    group by delivery_method`.execute(ex);
}

type Rows<T> = Array<T & { kind: string }>;

function earningModes(
  flows: Rows<{ orders: number; earners: number; earned_fen: number; reversed_fen: number }>,
  bases: Rows<{ base_fen: number }>,
  states: Rows<{ pending_fen: number; frozen_fen: number; available_fen: number }>,
  unwithdrawn: Rows<{ fen: number }>,
) {
  const find = <T extends { kind: string }>(rows: T[], kind: string) => rows.find((x) => x.kind === kind);
  return EARNING_KINDS.map((kind) => {
    const flow = find(flows, kind);
    const state = find(states, kind);
    const earnedFen = flow?.earned_fen ?? 0;
    const reversedFen = flow?.reversed_fen ?? 0;
    return {
      kind,
      orders: flow?.orders ?? 0,
      earners: flow?.earners ?? 0,
      baseFen: find(bases, kind)?.base_fen ?? 0,
      earnedFen,
      reversedFen,
      netFen: earnedFen - reversedFen,
      payables: {
        pendingFen: state?.pending_fen ?? 0,
        frozenFen: state?.frozen_fen ?? 0,
        availableFen: state?.available_fen ?? 0,
        availableUnwithdrawnFen: find(unwithdrawn, kind)?.fen ?? 0,
      },
    };
  });
}
