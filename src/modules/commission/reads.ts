// Reads of commission earnings: lists, the orders that paid a member, counts per earner, totals by
// state. CommissionService answers for them (service.ts).
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { EarningKind, EarningState } from './tables.js';
import { heldEarning } from './todo.js';

/** Which earnings a list or an export selects; createdFrom inclusive, createdBefore exclusive. */
export interface EarningsFilter {
  earnerId?: number;
  orderId?: number;
  state?: EarningState;
  kind?: EarningKind;
  createdFrom?: Date;
  createdBefore?: Date;
  /** only earnings held back by a risk rule or an open after-sales request (todo.ts: the dashboard's 待办 counts them) */
  held?: boolean;
  /** only earnings with a lower id: the next page of an export (keyset, newest first) */
  beforeId?: number;
}

/** The earnings the filter selects, with their order, buyer and earner joined (each always exists). */
function selection(ex: Executor, filter: EarningsFilter) {
  let q = ex
    .selectFrom('commission_earnings as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .innerJoin('members as b', 'b.id', 'e.buyer_id')
    .innerJoin('members as r', 'r.id', 'e.earner_id');
  if (filter.earnerId !== undefined) q = q.where('e.earner_id', '=', filter.earnerId);
  if (filter.orderId !== undefined) q = q.where('e.order_id', '=', filter.orderId);
  if (filter.state) q = q.where('e.state', '=', filter.state);
  if (filter.kind) q = q.where('e.kind', '=', filter.kind);
  if (filter.createdFrom) q = q.where('e.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('e.created_at', '<', filter.createdBefore);
  if (filter.held) q = q.where(heldEarning('e'));
  if (filter.beforeId !== undefined) q = q.where('e.id', '<', filter.beforeId);
  return q;
}

export async function earningsOf(ex: Executor, filter: EarningsFilter & { limit: number; offset: number }) {
  return selection(ex, filter)
    .select([
      'e.id',
      'e.order_id as orderId',
      'o.order_no as orderNo',
      'e.order_line_id as orderLineId',
      'e.earner_id as earnerId',
      'r.nickname as earnerNickname',
      'e.buyer_id as buyerId',
      'b.nickname as buyerNickname',
      'e.kind',
      'e.level',
      'e.base_fen as baseFen',
      'e.rate_bp as rateBp',
      'e.amount_fen as amountFen',
      'e.reversed_fen as reversedFen',
      'e.state',
      'e.rule_version_id as ruleVersionId',
      'e.frozen_until as frozenUntil',
      'e.created_at as createdAt',
      'o.status as orderStatus',
      'e.risk_hold as riskHold',
      'e.after_sales_hold as afterSalesHold',
    ])
    .orderBy('e.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

/** Orders that paid the member commission, one row per order with its earnings summed. */
export async function promotionOrders(ex: Executor, earnerId: number, limit: number, offset: number) {
  return ex
    .selectFrom('commission_earnings as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .innerJoin('members as b', 'b.id', 'o.buyer_id')
    .select([
      'o.id as orderId',
      'o.order_no as orderNo',
      'o.status as orderStatus',
      'o.paid_fen as paidFen',
      'o.refunded_fen as refundedFen',
      'o.paid_at as paidAt',
      'b.nickname as buyerNickname',
      sql<number>`min(e.level)`.as('level'),
      sql<number>`sum(e.amount_fen)`.as('amountFen'),
      sql<number>`sum(e.reversed_fen)`.as('reversedFen'),
      sql<string>`string_agg(distinct e.state, ',')`.as('states'),
      sql<boolean>`bool_or(e.risk_hold)`.as('held'),
    ])
    .where('e.earner_id', '=', earnerId)
    .groupBy(['o.id', 'b.nickname'])
    .orderBy('o.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Kinds a distributor earns (commission and the sharer's guide rebate), as the console's order search means "earned commission on it". */
const DISTRIBUTOR_KINDS: readonly EarningKind[] = ['distribution', 'coupon_guide'];

/**
 * The orders a distributor earned commission on, as a subquery for the caller's query to hold
 * (`o.id in (…)`): nothing is read here, so a list stays one query and its pages stay exact.
 */
export function ordersEarnedBy(ex: Executor, earnerId: number) {
  return ex.selectFrom('commission_earnings').select('order_id as orderId').where('earner_id', '=', earnerId).where('kind', 'in', [...DISTRIBUTOR_KINDS]);
}

/** How many distinct orders each of these earners earned on (of these kinds, since a time): at most 100 earners, through (earner_id, id). */
export async function orderCountsOf(ex: Executor, earnerIds: number[], kinds: readonly EarningKind[], since: Date | null): Promise<Map<number, number>> {
  if (earnerIds.length === 0) return new Map();
  let q = ex
    .selectFrom('commission_earnings')
    .select(['earner_id', sql<number>`count(distinct order_id)::int`.as('orders')])
    .where('earner_id', '=', sql<number>`any(${earnerIds}::bigint[])`)
    .where('kind', 'in', [...kinds]);
  if (since) q = q.where('created_at', '>=', since);
  const rows = await q.groupBy('earner_id').execute();
  return new Map(rows.map((r) => [r.earner_id, r.orders]));
}

export async function totalsByState(ex: Executor) {
  const rows = await sql<{ state: string; amount_fen: number }>`
    select state, coalesce(sum(amount_fen - reversed_fen), 0) as amount_fen from commission_earnings group by state`.execute(ex);
  return Object.fromEntries(rows.rows.map((r) => [r.state, r.amount_fen])) as Partial<Record<EarningState, number>>;
}
