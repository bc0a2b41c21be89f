// A supplier's orders: only its own lines (and whether the order holds others'), the consignee, its
// parcel; recording the parcel ships the order once every supplier in it has shipped. See service.ts.
import { inTransaction, type Executor } from '../../db/database.js';
import { assertTransition, type ShippingAddress } from '../orders/index.js';
import { AppError, conflict, notFound } from '../../errors.js';
import { maskName } from '../../privacy.js';
import type { CoreServices } from '../../services.js';
import type { Supplier } from './types.js';

/** Orders a supplier sees: paid ones (an unpaid order is nobody's business yet). */
const SUPPLIER_ORDER_STATUSES = ['paid', 'shipped', 'completed', 'refunded'] as const;
export type SupplierOrderStatus = (typeof SUPPLIER_ORDER_STATUSES)[number];
export class SupplierOrders {
  constructor(private readonly core: CoreServices) {}

  async orders(ex: Executor, supplierId: number, filter: { status?: SupplierOrderStatus; limit: number; offset: number }) {
    let q = ex
      .selectFrom('orders as o')
      .select(['o.id', 'o.order_no as orderNo', 'o.status', 'o.delivery_method as deliveryMethod', 'o.shipping_address as shippingAddress', 'o.paid_at as paidAt', 'o.shipped_at as shippedAt', 'o.completed_at as completedAt'])
      .where('o.paid_at', 'is not', null)
      .where('o.status', 'in', [...SUPPLIER_ORDER_STATUSES])
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('order_lines as l').innerJoin('supplier_products as sp', 'sp.product_id', 'l.product_id').select('l.id').whereRef('l.order_id', '=', 'o.id').where('sp.supplier_id', '=', supplierId)),
      );
    if (filter.status) q = q.where('o.status', '=', filter.status);
    const orders = await q.orderBy('o.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const details = await this.orderDetails(ex, supplierId, orders.map((o) => o.id));
    // a list says who (masked) and where to, city and district; the order itself (to ship it) gives the whole address
    return orders.map(({ shippingAddress, ...o }) => ({ ...o, consignee: consigneeOf(shippingAddress as ShippingAddress | null), ...details.get(o.id)! }));
  }

  /** One order as the supplier sees it: its own lines, the consignee, its parcel; another's order is a 404. */
  async order(ex: Executor, supplierId: number, orderId: number) {
    const order = await ex
      .selectFrom('orders as o')
      .select(['o.id', 'o.order_no as orderNo', 'o.status', 'o.delivery_method as deliveryMethod', 'o.shipping_address as shippingAddress', 'o.paid_at as paidAt', 'o.shipped_at as shippedAt', 'o.completed_at as completedAt'])
      .where('o.id', '=', orderId)
      .where('o.paid_at', 'is not', null)
      .executeTakeFirst();
    const details = order ? (await this.orderDetails(ex, supplierId, [orderId])).get(orderId)! : undefined;
    if (!order || !details || details.lines.length === 0) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    return { ...order, shippingAddress: order.shippingAddress as ShippingAddress | null, ...details };
  }

  private async orderDetails(ex: Executor, supplierId: number, orderIds: number[]) {
    const result = new Map<number, { lines: SupplierOrderLine[]; mixed: boolean; shipment: { carrier: string; trackingNo: string; shippedAt: Date } | null }>();
    if (orderIds.length === 0) return result;
    const [lines, shipments] = await Promise.all([
      ex
        .selectFrom('order_lines as l')
        .leftJoin('supplier_products as sp', 'sp.product_id', 'l.product_id')
        .leftJoin('supplier_skus as ss', 'ss.sku_id', 'l.sku_id')
        .leftJoin('supplier_settlement_lines as sl', 'sl.order_line_id', 'l.id')
        .leftJoin('product_skus as k', 'k.id', 'l.sku_id')
        .select([
          'l.id',
          'l.order_id as orderId',
          'l.product_id as productId',
          'l.sku_id as skuId',
          'k.name as skuName',
          'l.title',
          'l.quantity',
          'l.unit_price_fen as unitPriceFen',
          'l.paid_fen as paidFen',
          'l.refunded_fen as refundedFen',
          'sp.supplier_id as supplierId',
          'ss.supply_price_fen as supplyPriceFen',
          'sl.amount_fen as settlementFen',
        ])
        .where('l.order_id', 'in', orderIds)
        .orderBy('l.id')
        .execute(),
      ex.selectFrom('supplier_shipments').select(['order_id', 'carrier', 'tracking_no as trackingNo', 'shipped_at as shippedAt']).where('order_id', 'in', orderIds).where('supplier_id', '=', supplierId).execute(),
    ]);
    for (const orderId of orderIds) {
      const all = lines.filter((l) => l.orderId === orderId);
      // other parties' lines are never shown, only that there are some (it decides who ships)
      const mine = all.filter((l) => l.supplierId === supplierId).map(({ supplierId: _s, orderId: _o, ...line }) => line);
      const shipment = shipments.find((s) => s.order_id === orderId);
      result.set(orderId, { lines: mine, mixed: mine.length < all.length, shipment: shipment ? { carrier: shipment.carrier, trackingNo: shipment.trackingNo, shippedAt: shipment.shippedAt } : null });
    }
    return result;
  }

  /**
   * The supplier records its parcel (carrier, tracking number), once per order. When every line of
   * the order is a supplier's and every supplier in it has shipped — always so for an order that is
   * wholly this supplier's — the order itself is marked shipped. A mixed order with HQ's own goods
   * stays paid until HQ ships it.
   */
  async ship(supplier: Supplier, actorId: number, orderId: number, parcel: { carrier: string; trackingNo: string }) {
    const shipOrder = await inTransaction(this.core.db, async (tx) => {
      const order = await tx.selectFrom('orders').select(['status', 'delivery_method', 'paid_at']).where('id', '=', orderId).forUpdate().executeTakeFirst();
      const lines = await tx
        .selectFrom('order_lines as l')
        .leftJoin('supplier_products as sp', 'sp.product_id', 'l.product_id')
        .select(['l.id', 'sp.supplier_id'])
        .where('l.order_id', '=', orderId)
        .execute();
      if (!order || !order.paid_at || !lines.some((l) => l.supplier_id === supplier.id)) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      if (order.delivery_method === 'pickup') throw conflict('ORDER_IS_PICKUP', 'a pickup order is handed over at the store, not shipped');
      assertTransition(order.status, 'ship');
      const inserted = await tx
        .insertInto('supplier_shipments')
        .values({ order_id: orderId, supplier_id: supplier.id, carrier: parcel.carrier, tracking_no: parcel.trackingNo, shipped_by: actorId, shipped_at: this.core.clock.now() })
        .onConflict((oc) => oc.columns(['order_id', 'supplier_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw conflict('SHIPMENT_EXISTS', 'you already shipped this order');
      // the buyer's order page shows the parcel, and tracking follows it, as for HQ's own
      await this.core.orders.addParcelsIn(tx, orderId, [{ carrierName: parcel.carrier, trackingNo: parcel.trackingNo }], { kind: 'supplier', supplierId: supplier.id, actorId });
      if (lines.some((l) => l.supplier_id === null)) return false;
      const shipped = await tx.selectFrom('supplier_shipments').select('supplier_id').where('order_id', '=', orderId).execute();
      const shippedBy = new Set(shipped.map((s) => s.supplier_id));
      return lines.every((l) => shippedBy.has(l.supplier_id!));
    });
    if (shipOrder) {
      // HQ may have shipped it a moment ago: the parcel stands either way
      await this.core.orders.ship(orderId).catch((error: unknown) => {
        if (!(error instanceof AppError && error.code === 'ORDER_NOT_SHIPPABLE')) throw error;
      });
    }
    return this.order(this.core.db, supplier.id, orderId);
  }
}

/** A line of the supplier's own, as its orders show it. */
export interface SupplierOrderLine {
  id: number;
  productId: number;
  skuId: number;
  /** the SKU's name (规格) */
  skuName: string | null;
  title: string;
  quantity: number;
  unitPriceFen: number;
  paidFen: number;
  refundedFen: number;
  supplyPriceFen: number | null;
  settlementFen: number | null;
}

/** Who (masked) and where to, as a list shows it: no phone, no street. */
function consigneeOf(address: ShippingAddress | null): { name: string; province: string; city: string; district: string } | null {
  return address ? { name: maskName(address.name), province: address.province, city: address.city, district: address.district } : null;
}
