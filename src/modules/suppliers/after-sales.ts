// A supplier's after-sales: the buyers' requests whose every line is one of the supplier's own
// products (a request that also names HQ's or another supplier's lines stays with HQ). The supplier
// reviews them and confirms its returns arrived, through the orders module's after-sales, so the
// refund, its money and the supplier's settlement reversal are exactly those of any refund. A
// supplier names its own return address: HQ's default address in the rules is not the supplier's.
// The address it named last is kept (suppliers.return_address): when the supplier lets a return's
// review deadline pass, the orders module's job sends the buyer there (returnAddressFor); a supplier
// that never named one leaves such a return to HQ.
import type { Executor, Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { AfterSalesRequestLines, RefundRequestStatus, ReturnAddress } from '../orders/index.js';
import type { CoreServices } from '../../services.js';
import type { Supplier } from './types.js';

type Request = Awaited<ReturnType<CoreServices['orders']['listRefundRequests']>>[number];

export class SupplierAfterSales {
  constructor(private readonly core: CoreServices) {}

  /** The supplier's own requests, newest first. */
  async list(ex: Executor, supplierId: number, filter: { status?: RefundRequestStatus; limit: number; offset: number }) {
    const productIds = (await ex.selectFrom('supplier_products').select('product_id').where('supplier_id', '=', supplierId).execute()).map((r) => r.product_id);
    // requests on orders with a line of the supplier's; a request that also names others' lines is left out
    const requests = await this.core.orders.listRefundRequests(ex, { ...filter, productIds, limit: filter.limit + filter.offset, offset: 0 });
    const own = await this.ownLines(ex, supplierId, [...new Set(requests.map((r) => r.orderId))]);
    return requests.filter((r) => isOwn(r, own)).slice(filter.offset, filter.offset + filter.limit);
  }

  async review(supplier: Supplier, actorId: number, requestId: number, approve: boolean, reason: string | null, returnAddress?: ReturnAddress) {
    const request = await this.ownRequest(supplier.id, requestId);
    if (approve && request.kind === 'return_refund' && !returnAddress) throw unprocessable('RETURN_ADDRESS_REQUIRED', 'say where the buyer sends the goods back');
    const decided = await this.core.orders.reviewRefundRequest(actorId, requestId, approve, reason, returnAddress);
    // the address it names is where its returns go when it lets a review deadline pass
    if (decided.status === 'awaiting_return' && returnAddress) await this.core.db.updateTable('suppliers').set({ return_address: JSON.stringify(returnAddress) }).where('id', '=', supplier.id).execute();
    return decided;
  }

  /**
   * The orders module's deadline job asks where a return goes (participants.ts): a request wholly
   * on one supplier's lines goes to the address that supplier named last, or nowhere yet (null: HQ
   * decides); any other request is not the supplier's (undefined).
   */
  async returnAddressFor(tx: Tx, request: AfterSalesRequestLines): Promise<ReturnAddress | null | undefined> {
    if (request.lines.length === 0 || request.shippingFen !== 0) return undefined;
    const lineIds = request.lines.map((l) => l.lineId);
    const owners = await tx
      .selectFrom('order_lines as l')
      .innerJoin('supplier_products as sp', 'sp.product_id', 'l.product_id')
      .innerJoin('suppliers as s', 's.id', 'sp.supplier_id')
      .select(['l.id', 's.id as supplierId', 's.return_address as returnAddress'])
      .where('l.order_id', '=', request.orderId)
      .where('l.id', 'in', lineIds)
      .execute();
    const suppliers = new Set(owners.map((o) => o.supplierId));
    if (owners.length !== new Set(lineIds).size || suppliers.size !== 1) return undefined;
    const saved = owners[0]!.returnAddress as ReturnAddress | string | null;
    return typeof saved === 'string' ? (JSON.parse(saved) as ReturnAddress) : saved;
  }

  async receive(supplier: Supplier, actorId: number, requestId: number, accept: boolean, reason: string | null) {
    await this.ownRequest(supplier.id, requestId);
    return this.core.orders.receiveReturn(actorId, requestId, accept, reason);
  }

  /** Another's request, or one that also names lines not the supplier's, is a 404 to it. */
  private async ownRequest(supplierId: number, requestId: number): Promise<Request> {
    const [request] = await this.core.orders.listRefundRequests(this.core.db, { id: requestId, limit: 1, offset: 0 });
    const own = request ? await this.ownLines(this.core.db, supplierId, [request.orderId]) : new Set<number>();
    if (!request || !isOwn(request, own)) throw notFound('REFUND_REQUEST_NOT_FOUND', `refund request ${requestId} does not exist`);
    return request;
  }

  /** The ids of the supplier's lines in these orders. */
  private async ownLines(ex: Executor, supplierId: number, orderIds: number[]): Promise<Set<number>> {
    if (orderIds.length === 0) return new Set();
    const rows = await ex
      .selectFrom('order_lines as l')
      .innerJoin('supplier_products as sp', 'sp.product_id', 'l.product_id')
      .select('l.id')
      .where('l.order_id', 'in', orderIds)
      .where('sp.supplier_id', '=', supplierId)
      .execute();
    return new Set(rows.map((r) => r.id));
  }
}

/** Every line the request names is the supplier's, and it refunds no shipping (HQ's). */
function isOwn(request: Request, ownLines: Set<number>): boolean {
  return request.lines.length > 0 && request.shippingFen === 0 && request.lines.every((l) => ownLines.has(l.lineId));
}
