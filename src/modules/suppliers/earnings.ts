// A supplier's settlement earnings: recorded on every paid order (the order participant), listed
// per order, summed by state. The arithmetic of one line is in settlement.ts. See service.ts.
import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';
import type { EarningState, PlannedEarning } from '../commission/index.js';
import type { AfterCommit, PaidOrder } from '../orders/index.js';
import type { CoreServices } from '../../services.js';
import { settleLine } from './settlement.js';
import type { Supplier } from './types.js';

export class SupplierEarnings {
  constructor(private readonly core: CoreServices) {}

  /**
   * Order participant onPaid: each line of a supplier's product earns the supplier's member a
   * 'supplier_settlement' of supply × quantity minus the fee, capped at what the line paid. The
   * commission service freezes it at completion, releases it after the freeze days of the order's
   * rule version and reverses it in proportion to refunds.
   */
  async settlePaidOrder(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void> {
    const skuIds = [...new Set(order.lines.map((l) => l.skuId))];
    const supply = await tx
      .selectFrom('supplier_skus as ss')
      .innerJoin('suppliers as s', 's.id', 'ss.supplier_id')
      .select(['ss.sku_id', 'ss.supply_price_fen', 's.id as supplier_id', 's.member_id', 's.platform_fee_bp'])
      .where('ss.sku_id', 'in', skuIds)
      .execute();
    if (supply.length === 0) return;
    const bySku = new Map(supply.map((s) => [s.sku_id, s]));
    const settled = order.lines.flatMap((line) => {
      const s = bySku.get(line.skuId);
      if (!s) return [];
      return [{ line, supplier: s, settlement: settleLine({ supplyPriceFen: s.supply_price_fen, quantity: line.quantity, feeBp: s.platform_fee_bp, linePaidFen: line.paidFen }) }];
    });
    const planned: PlannedEarning[] = settled
      .filter((x) => x.settlement.amountFen > 0)
      .map((x) => ({ lineId: x.line.lineId, earnerId: x.supplier.member_id, level: 1, baseFen: x.settlement.supplyFen, rateBp: null, amountFen: x.settlement.amountFen }));
    const inserted = await this.core.commission.recordEarnings(tx, { id: order.orderId, buyerId: order.buyerId }, planned, 'supplier_settlement', order.ruleVersion, afterCommit);
    // recordEarnings returns only what it inserted (one earning per planned line, unique per line, kind and
    // level); when some already existed (a replay) the ids are looked up by line so they are still linked
    const earnings =
      inserted.length === planned.length
        ? inserted
        : await tx.selectFrom('commission_earnings').select(['id', 'order_line_id']).where('order_id', '=', order.orderId).where('kind', '=', 'supplier_settlement').execute();
    const earningOfLine = new Map(earnings.map((e) => [e.order_line_id, e.id]));
    await tx
      .insertInto('supplier_settlement_lines')
      .values(
        settled.map((x) => ({
          order_line_id: x.line.lineId,
          order_id: order.orderId,
          supplier_id: x.supplier.supplier_id,
          earning_id: earningOfLine.get(x.line.lineId) ?? null,
          supply_fen: x.settlement.supplyFen,
          fee_bp: x.supplier.platform_fee_bp,
          fee_fen: x.settlement.feeFen,
          amount_fen: x.settlement.amountFen,
          capped: x.settlement.capped,
          created_at: order.paidAt,
        })),
      )
      .onConflict((oc) => oc.column('order_line_id').doNothing())
      .execute();
  }

  /** The supplier's settlements, one row per order with its lines; state and reversals come from the earnings. */
  async settlements(ex: Executor, supplierId: number, filter: { state?: EarningState; limit: number; offset: number }) {
    let q = ex
      .selectFrom('supplier_settlement_lines as sl')
      .leftJoin('commission_earnings as e', 'e.id', 'sl.earning_id')
      .select('sl.order_id')
      .distinct()
      .where('sl.supplier_id', '=', supplierId);
    if (filter.state) q = q.where('e.state', '=', filter.state);
    const page = await q.orderBy('sl.order_id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    if (page.length === 0) return [];
    const orderIds = page.map((p) => p.order_id);
    const lines = await ex
      .selectFrom('supplier_settlement_lines as sl')
      .innerJoin('order_lines as l', 'l.id', 'sl.order_line_id')
      .innerJoin('orders as o', 'o.id', 'sl.order_id')
      .leftJoin('commission_earnings as e', 'e.id', 'sl.earning_id')
      .select([
        'sl.order_id as orderId',
        'o.order_no as orderNo',
        'o.status as orderStatus',
        'sl.order_line_id as orderLineId',
        'l.title',
        'l.quantity',
        'l.paid_fen as linePaidFen',
        'l.refunded_fen as lineRefundedFen',
        'sl.supply_fen as supplyFen',
        'sl.fee_bp as feeBp',
        'sl.fee_fen as feeFen',
        'sl.amount_fen as amountFen',
        'sl.capped',
        'e.id as earningId',
        'e.reversed_fen as reversedFen',
        'e.state',
        'e.frozen_until as frozenUntil',
        'sl.created_at as createdAt',
      ])
      .where('sl.supplier_id', '=', supplierId)
      .where('sl.order_id', 'in', orderIds)
      .orderBy('sl.order_line_id')
      .execute();
    return orderIds.map((orderId) => {
      const own = lines.filter((l) => l.orderId === orderId).map((l) => ({ ...l, reversedFen: l.reversedFen ?? 0 }));
      const first = own[0];
      return {
        orderId,
        orderNo: first.orderNo,
        orderStatus: first.orderStatus,
        paidAt: first.createdAt,
        amountFen: own.reduce((s, l) => s + l.amountFen, 0),
        reversedFen: own.reduce((s, l) => s + l.reversedFen, 0),
        netFen: own.reduce((s, l) => s + l.amountFen - l.reversedFen, 0),
        states: [...new Set(own.map((l) => l.state).filter((s) => s !== null))],
        frozenUntil: own.map((l) => l.frozenUntil).find((d) => d !== null) ?? null,
        lines: own.map(({ orderNo: _n, orderStatus: _s, orderId: _o, ...l }) => l),
      };
    });
  }

  /** What the supplier's settlements hold by state, and the member's balances (shared with any commission they earn). */
  async settlementSummary(ex: Executor, supplier: Supplier) {
    const rows = await sql<{ state: EarningState; fen: number; count: number }>`
      select e.state, coalesce(sum(e.amount_fen - e.reversed_fen), 0) as fen, count(*) as count
      from supplier_settlement_lines sl join commission_earnings e on e.id = sl.earning_id
      where sl.supplier_id = ${supplier.id} group by e.state`.execute(ex);
    const fees = await ex.selectFrom('supplier_settlement_lines').select(sql<number>`coalesce(sum(fee_fen), 0)`.as('fen')).where('supplier_id', '=', supplier.id).executeTakeFirstOrThrow();
    const byState = (state: EarningState) => rows.rows.find((r) => r.state === state)?.fen ?? 0;
    return {
      pendingFen: byState('pending'),
      frozenFen: byState('frozen'),
      availableFen: byState('available'),
      settledFen: rows.rows.reduce((s, r) => s + r.fen, 0),
      feeFen: fees.fen,
      balances: await this.core.ledger.memberBalances(ex, supplier.memberId),
    };
  }
}
