// A read model for the console's order export (GET /api/admin/orders/export): one row per order line
// with its order, buyer and consignee. Reads the orders module's tables and members, writes nothing;
// the route masks personal data for the viewer's role.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { keysetPages } from '../../db/keyset.js';
import type { OrderSource, OrderStatus, ShippingAddress } from '../orders/index.js';

/** A page of the selected orders' ids, newest first, below `before` (the orders module's list filters select them). */
export type OrderIdPages = (before: number | undefined, limit: number) => Promise<number[]>;

export interface OrderExportLine {
  orderId: number;
  orderNo: string;
  status: OrderStatus;
  buyerId: number;
  buyerNickname: string;
  buyerPhone: string | null;
  shippingAddress: ShippingAddress | null;
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  paidFen: number;
  refundedFen: number;
  source: OrderSource;
  sharerId: number | null;
  createdAt: Date;
  paidAt: Date | null;
  shippedAt: Date | null;
  completedAt: Date | null;
  lineId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  linePaidFen: number;
  lineRefundedFen: number;
  /** the order's first line (lowest id): where the export puts the order's own amounts */
  firstLine: boolean;
}

/** orders per page: each page is one query for the orders and one for their lines */
export const ORDER_EXPORT_PAGE = 1_000;

/** The lines of these orders, newest order first and each order's lines in order. */
async function linesOf(ex: Executor, orderIds: number[]): Promise<OrderExportLine[]> {
  const rows = await ex
    .selectFrom('orders as o')
    .innerJoin('order_lines as l', 'l.order_id', 'o.id')
    .innerJoin('members as b', 'b.id', 'o.buyer_id')
    .select([
      'o.id as orderId',
      'o.order_no as orderNo',
      'o.status',
      'o.buyer_id as buyerId',
      'b.nickname as buyerNickname',
      'b.phone as buyerPhone',
      'o.shipping_address as shippingAddress',
      'o.goods_fen as goodsFen',
      'o.discount_fen as discountFen',
      'o.shipping_fen as shippingFen',
      'o.paid_fen as paidFen',
      'o.refunded_fen as refundedFen',
      'o.source',
      'o.sharer_id as sharerId',
      'o.created_at as createdAt',
      'o.paid_at as paidAt',
      'o.shipped_at as shippedAt',
      'o.completed_at as completedAt',
      'l.id as lineId',
      'l.title',
      'l.quantity',
      'l.unit_price_fen as unitPriceFen',
      'l.paid_fen as linePaidFen',
      'l.refunded_fen as lineRefundedFen',
    ])
    .where('o.id', '=', sql<number>`any(${orderIds}::bigint[])`)
    .orderBy('o.id', 'desc')
    .orderBy('l.id')
    .execute();
  return rows.map((row, i) => ({ ...row, shippingAddress: row.shippingAddress as ShippingAddress | null, firstLine: i === 0 || rows[i - 1]!.orderId !== row.orderId }));
}

/**
 * The selected order lines, a page of orders at a time (keyset on the order id, newest first; a page
 * holds whole orders, so each order's amounts stand on its first line).
 */
export async function* orderExportLines(ex: Executor, idPages: OrderIdPages, ordersPerPage = ORDER_EXPORT_PAGE): AsyncGenerator<OrderExportLine[]> {
  const pages = keysetPages(
    (before: number | undefined) => idPages(before, ordersPerPage),
    (id) => id,
    ordersPerPage,
  );
  for await (const ids of pages) {
    let lines: OrderExportLine[] | null = await linesOf(ex, ids);
    yield lines;
    // not held while the next page is read: one page in memory at a time
    lines = null;
  }
}
