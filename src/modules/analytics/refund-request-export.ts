// A read model for the console's after-sales export (GET /api/admin/refund-requests/export): each
// request with its order's number, the buyer, what was asked and the refund it opened (its number is
// the one in the provider's statement), in pages newest first. The orders module's list
// (OrderReads.listRefundRequests) pages by offset; an export pages by key, so it reads here. Writes
// nothing; the route masks the buyer's phone for the viewer's role.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { EXPORT_BATCH_ROWS, keysetPages } from '../../db/keyset.js';
import type { AfterSalesKind, AfterSalesReason, RefundRequestStatus } from '../orders/index.js';

/** The queue's filters and a range of the day asked: createdFrom inclusive, createdBefore exclusive. */
export interface RefundRequestExportFilter {
  status?: RefundRequestStatus;
  kind?: AfterSalesKind;
  orderId?: number;
  createdFrom?: Date;
  createdBefore?: Date;
}

export interface RefundRequestExportRow {
  id: number;
  orderId: number;
  orderNo: string;
  buyerId: number;
  buyerNickname: string;
  buyerPhone: string | null;
  kind: AfterSalesKind;
  reasonCode: AfterSalesReason;
  reason: string;
  status: RefundRequestStatus;
  /** the lines asked for plus the shipping */
  requestedFen: number;
  shippingFen: number;
  reviewReason: string | null;
  refundNo: string | null;
  refundStatus: string | null;
  refundFen: number | null;
  createdAt: Date;
  reviewedAt: Date | null;
  returnDueAt: Date | null;
  returnCarrierName: string | null;
  returnTrackingNo: string | null;
  returnShippedAt: Date | null;
  receivedAt: Date | null;
  closedAt: Date | null;
}

async function page(ex: Executor, filter: RefundRequestExportFilter, before: number | undefined, size: number): Promise<RefundRequestExportRow[]> {
  let q = ex
    .selectFrom('refund_requests as q')
    .innerJoin('orders as o', 'o.id', 'q.order_id')
    .innerJoin('members as b', 'b.id', 'q.buyer_id')
    .leftJoin('refunds as r', 'r.id', 'q.refund_id')
    .select([
      'q.id',
      'q.order_id as orderId',
      'o.order_no as orderNo',
      'q.buyer_id as buyerId',
      'b.nickname as buyerNickname',
      'b.phone as buyerPhone',
      'q.kind',
      'q.reason_code as reasonCode',
      'q.reason',
      'q.status',
      sql<number>`q.shipping_fen + (select coalesce(sum((x ->> 'amountFen')::bigint), 0) from jsonb_array_elements(q.lines) as x)::bigint`.as('requestedFen'),
      'q.shipping_fen as shippingFen',
      'q.review_reason as reviewReason',
      'r.refund_no as refundNo',
      'r.status as refundStatus',
      'r.amount_fen as refundFen',
      'q.created_at as createdAt',
      'q.reviewed_at as reviewedAt',
      'q.return_due_at as returnDueAt',
      'q.return_carrier_name as returnCarrierName',
      'q.return_tracking_no as returnTrackingNo',
      'q.return_shipped_at as returnShippedAt',
      'q.received_at as receivedAt',
      'q.closed_at as closedAt',
    ]);
  if (filter.status) q = q.where('q.status', '=', filter.status);
  if (filter.kind) q = q.where('q.kind', '=', filter.kind);
  if (filter.orderId !== undefined) q = q.where('q.order_id', '=', filter.orderId);
  if (filter.createdFrom) q = q.where('q.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('q.created_at', '<', filter.createdBefore);
  if (before !== undefined) q = q.where('q.id', '<', before);
  return q.orderBy('q.id', 'desc').limit(size).execute();
}

/** The selected after-sales requests, newest first, a page at a time (keyset on the id). */
export function refundRequestExportRows(ex: Executor, filter: RefundRequestExportFilter, size = EXPORT_BATCH_ROWS): AsyncGenerator<RefundRequestExportRow[]> {
  return keysetPages((before: number | undefined) => page(ex, filter, before, size), (row) => row.id, size);
}
