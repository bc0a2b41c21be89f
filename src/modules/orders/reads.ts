// Reading orders: one order as its buyer or HQ sees it (with its parcels), lists, what paying needs, refund lists.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { CommissionService } from '../commission/index.js';
import { notFound } from '../../errors.js';
import { maskName, maskPhone } from '../../privacy.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderParcels } from './parcels.js';
import { unpaidDue } from './unpaid.js';
import type { AfterSalesKind, OrderSource, OrderStatus, RefundRequestStatus, ReturnAddress, ShippingAddress } from './tables.js';

export const ORDER_COLUMNS = [
  'id',
  'order_no as orderNo',
  'buyer_id as buyerId',
  'status',
  'goods_fen as goodsFen',
  'discount_fen as discountFen',
  'shipping_fen as shippingFen',
  'payable_fen as payableFen',
  'paid_fen as paidFen',
  'refunded_fen as refundedFen',
  'source',
  'sharer_id as sharerId',
  'rule_version_id as ruleVersionId',
  'paid_at as paidAt',
  'shipped_at as shippedAt',
  'completed_at as completedAt',
  'closed_at as closedAt',
  'created_at as createdAt',
  'campaign',
] as const;

export const ORDER_LINE_COLUMNS = ['id', 'product_id as productId', 'sku_id as skuId', 'title', 'quantity', 'unit_price_fen as unitPriceFen', 'discount_fen as discountFen', 'paid_fen as paidFen', 'refunded_fen as refundedFen'] as const;
const REFUND_COLUMNS = ['id', 'refund_no as refundNo', 'status', 'amount_fen as amountFen', 'shipping_fen as shippingFen', 'reason', 'created_at as createdAt', 'completed_at as completedAt'] as const;

/** An order as its buyer or HQ reads it (get()). */
export type OrderView = Awaited<ReturnType<OrderReads['get']>>;

export class OrderReads extends OrdersPart {
  constructor(deps: OrdersDeps, private readonly parcels: OrderParcels) {
    super(deps);
  }

  /** An order with its lines and refunds; the consignee is masked unless `showConsignee`. */
  async get(ex: Executor, orderId: number, buyerId?: number, showConsignee = buyerId !== undefined) {
    let q = ex
      .selectFrom('orders')
      .select([...ORDER_COLUMNS, 'shipping_address as shippingAddress', 'delivery_method as deliveryMethod', 'store_id as storeId', 'receive_due_at as receiveDueAt', 'receive_extended_at as receiveExtendedAt', 'buyer_note as buyerNote', 'invoice'])
      .where('id', '=', orderId);
    // a buyer asking for someone else's order learns nothing, not even that it exists
    if (buyerId !== undefined) q = q.where('buyer_id', '=', buyerId);
    const order = await q.executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const [lines, refunds, parcels] = await Promise.all([
      ex.selectFrom('order_lines').select(ORDER_LINE_COLUMNS).where('order_id', '=', orderId).orderBy('id').execute(),
      ex.selectFrom('refunds').select(REFUND_COLUMNS).where('order_id', '=', orderId).orderBy('id').execute(),
      this.parcels.ofOrders(ex, [orderId]),
    ]);
    // the pickup code is the buyer's to show at the store, nobody else's
    const pickup =
      order.deliveryMethod === 'pickup' && buyerId !== undefined
        ? await ex.selectFrom('pickup_codes').select(['code', 'redeemed_at as redeemedAt']).where('order_id', '=', orderId).executeTakeFirst()
        : undefined;
    const address = order.shippingAddress as ShippingAddress | null;
    const shippingAddress = address && !showConsignee ? { ...address, name: maskName(address.name), phone: maskPhone(address.phone) } : address;
    return { ...order, shippingAddress, pickup: pickup ?? null, lines, refunds, parcels: parcels.get(orderId)! };
  }

  /** What paying needs of a buyer's order, in one read: its status, amount and a description of its lines. */
  /** closesAt: when the unpaid-order job will close it (providers are told to stop taking money then). */
  async payable(ex: Executor, orderId: number, buyerId: number): Promise<{ status: OrderStatus; payableFen: number; description: string; closesAt: Date | null }> {
    const { unpaidCloseMinutes } = (await this.rules.current(ex)).config.order;
    const order = await ex
      .selectFrom('orders as o')
      .select([
        'o.status',
        'o.created_at as createdAt',
        'o.pay_due_at as payDueAt',
        'o.payable_fen as payableFen',
        sql<string>`coalesce((select string_agg(l.title, '，' order by l.id) from order_lines l where l.order_id = o.id), '')`.as('description'),
      ])
      .where('o.id', '=', orderId)
      .where('o.buyer_id', '=', buyerId)
      .executeTakeFirst();
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const { createdAt, payDueAt, ...rest } = order;
    // a campaign order's own pay-by time comes first when it is sooner (or the rules never close)
    const byRules = unpaidCloseMinutes > 0 ? new Date(new Date(createdAt).getTime() + unpaidCloseMinutes * 60_000) : null;
    const closesAt = payDueAt && (!byRules || payDueAt < byRules) ? new Date(payDueAt) : byRules;
    return { ...rest, closesAt };
  }

  /** A page of orders, newest first, narrowed by every filter given (orderFilters). */
  async list(ex: Executor, filter: OrderListFilter & { limit: number; offset: number }) {
    const distributorId = filter.distributor === undefined ? undefined : await memberIdOf(ex, filter.distributor);
    // an invite code nobody holds: no order was shared or earned on by it
    if (distributorId === null) return [];
    const selected = ex.selectFrom('orders as o').innerJoin('members as b', 'b.id', 'o.buyer_id').select([
      'o.id',
      'o.order_no as orderNo',
      'o.buyer_id as buyerId',
      'b.nickname as buyerNickname',
      'b.phone as buyerPhone',
      'o.status',
      'o.payable_fen as payableFen',
      'o.paid_fen as paidFen',
      'o.refunded_fen as refundedFen',
      'o.source',
      'o.delivery_method as deliveryMethod',
      'o.created_at as createdAt',
      'o.paid_at as paidAt',
      'o.campaign',
      sql<string>`(select string_agg(l.title || ' ×' || l.quantity, '，' order by l.id) from order_lines l where l.order_id = o.id)`.as('summary'),
      // the first line's product, for the list's thumbnail (the catalog says which picture)
      sql<number | null>`(select l.product_id from order_lines l where l.order_id = o.id order by l.id limit 1)`.as('firstProductId'),
    ]);
    const q = orderFilters(ex, selected, filter, distributorId, this.commission);
    // newest first either way; within a date range by its own index (orders_created_at_idx, 055), which a
    // planner walking the ids backwards would not use, reading every later order to reach an old range
    const inRange = filter.createdFrom !== undefined || filter.createdBefore !== undefined;
    return (inRange ? q.orderBy('o.created_at', 'desc') : q).orderBy('o.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  /**
   * The ids of the orders the list's filters select and paid in [paidFrom, paidBefore), newest first,
   * below `before`: the order export pages through them (keyset on the id), so it exports what the list shows.
   */
  async filteredIds(ex: Executor, filter: OrderListFilter & { paidFrom?: Date; paidBefore?: Date }, page: { before?: number; limit: number }): Promise<number[]> {
    const distributorId = filter.distributor === undefined ? undefined : await memberIdOf(ex, filter.distributor);
    if (distributorId === null) return [];
    let q = orderFilters(ex, ex.selectFrom('orders as o').innerJoin('members as b', 'b.id', 'o.buyer_id').select('o.id'), filter, distributorId, this.commission);
    if (filter.paidFrom) q = q.where('o.paid_at', '>=', filter.paidFrom);
    if (filter.paidBefore) q = q.where('o.paid_at', '<', filter.paidBefore);
    if (page.before !== undefined) q = q.where('o.id', '<', page.before);
    return (await q.orderBy('o.id', 'desc').limit(page.limit).execute()).map((r) => r.id);
  }

  async hasPaidOrders(ex: Executor, memberId: number): Promise<boolean> {
    const row = await ex.selectFrom('orders').select('id').where('buyer_id', '=', memberId).where('paid_at', 'is not', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** The unpaid orders the next close sweep would close: their payments are asked about first (a lost callback). */
  async dueForClose(ex: Executor, limit = 200): Promise<number[]> {
    const { unpaidCloseMinutes } = (await this.rules.current(ex)).config.order;
    const rows = await unpaidDue(ex, this.clock.now(), unpaidCloseMinutes).select('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** After-sales requests; productIds: only those whose order holds a line of one of these products (a supplier's). */
  async listRefundRequests(ex: Executor, filter: { id?: number; status?: RefundRequestStatus; kind?: AfterSalesKind; buyerId?: number; orderId?: number; productIds?: number[]; limit: number; offset: number }) {
    let q = ex
      .selectFrom('refund_requests as q')
      .innerJoin('orders as o', 'o.id', 'q.order_id')
      .select([
        'q.id',
        'q.order_id as orderId',
        'o.order_no as orderNo',
        'q.buyer_id as buyerId',
        'q.kind',
        'q.reason_code as reasonCode',
        'q.lines',
        'q.shipping_fen as shippingFen',
        'q.reason',
        'q.status',
        'q.refund_id as refundId',
        'q.review_reason as reviewReason',
        'q.created_at as createdAt',
        'q.reviewed_at as reviewedAt',
        'q.return_address as returnAddress',
        'q.return_due_at as returnDueAt',
        'q.return_carrier_code as returnCarrierCode',
        'q.return_carrier_name as returnCarrierName',
        'q.return_tracking_no as returnTrackingNo',
        'q.return_shipped_at as returnShippedAt',
        'q.received_at as receivedAt',
        'q.closed_at as closedAt',
        // the merchant's deadline that applies now (逾期自动同意): the review while pending, the receipt while returning
        sql<Date | null>`case when q.status = 'pending' then q.review_due_at end`.as('reviewDueAt'),
        sql<Date | null>`case when q.status = 'returning' then q.receive_due_at end`.as('receiveDueAt'),
      ]);
    if (filter.id !== undefined) q = q.where('q.id', '=', filter.id);
    if (filter.status) q = q.where('q.status', '=', filter.status);
    if (filter.kind) q = q.where('q.kind', '=', filter.kind);
    if (filter.buyerId !== undefined) q = q.where('q.buyer_id', '=', filter.buyerId);
    if (filter.orderId !== undefined) q = q.where('q.order_id', '=', filter.orderId);
    if (filter.productIds) {
      const productIds = filter.productIds;
      if (productIds.length === 0) return [];
      q = q.where(({ exists, selectFrom }) => exists(selectFrom('order_lines as l').select('l.id').whereRef('l.order_id', '=', 'q.order_id').where('l.product_id', 'in', productIds)));
    }
    const rows = await q.orderBy('q.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({ ...r, returnAddress: (typeof r.returnAddress === 'string' ? JSON.parse(r.returnAddress) : r.returnAddress) as ReturnAddress | null }));
  }

  async refundByNo(ex: Executor, refundNo: string) {
    return ex.selectFrom('refunds').selectAll().where('refund_no', '=', refundNo).executeTakeFirst();
  }

  async listRefunds(ex: Executor, filter: { status?: 'processing' | 'succeeded' | 'failed'; limit: number; offset: number }) {
    let q = ex
      .selectFrom('refunds as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select(['r.id', 'r.refund_no as refundNo', 'r.order_id as orderId', 'o.order_no as orderNo', 'r.status', 'r.amount_fen as amountFen', 'r.reason', 'r.created_at as createdAt', 'r.completed_at as completedAt']);
    if (filter.status) q = q.where('r.status', '=', filter.status);
    return q.orderBy('r.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }
}

/** What the console's order list is narrowed by; each is optional and all that are given hold. */
export interface OrderListFilter {
  buyerId?: number;
  status?: OrderStatus;
  /** the start of an order number */
  q?: string;
  /** a word of the buyer's nickname, or the buyer's member id (digits) */
  buyer?: string;
  /** the buyer's phone, whole (11 digits) or its last 4 digits */
  phone?: string;
  /** a word in a line's title */
  product?: string;
  productId?: number;
  /** placed at or after / before these instants (the route makes them from Shanghai days) */
  createdFrom?: Date;
  createdBefore?: Date;
  source?: OrderSource;
  /** the order's sharer or a distributor who earned commission on it: a member id (digits) or an invite code */
  distributor?: string;
  delivery?: 'express' | 'pickup';
  /** 待发货, what fulfilment must ship: paid (not yet shipped; a part sent ahead in a parcel still leaves the rest to ship) and by express, not picked up */
  toShip?: boolean;
}

/** `%word%` for ilike, LIKE's own wildcards taken as plain characters */
const containing = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const MEMBER_ID = /^\d{1,15}$/;

/** A member named by id (digits) or invite code: the id, or null when no member holds the code. */
async function memberIdOf(ex: Executor, idOrInviteCode: string): Promise<number | null> {
  if (MEMBER_ID.test(idOrInviteCode)) return Number(idOrInviteCode);
  const row = await ex.selectFrom('members').select('id').where('invite_code', '=', idOrInviteCode.toUpperCase()).executeTakeFirst();
  return row?.id ?? null;
}

/** The list's filters on orders o joined with their buyer b; distributorId is filter.distributor resolved. */
/** orders as o with their buyer (members) as b */
type ListDb = Database & { o: Database['orders']; b: Database['members'] };

function orderFilters<O>(ex: Executor, query: SelectQueryBuilder<ListDb, 'o' | 'b', O>, filter: OrderListFilter, distributorId: number | undefined, commission: CommissionService) {
  let q = query;
  if (filter.buyerId !== undefined) q = q.where('o.buyer_id', '=', filter.buyerId);
  if (filter.status) q = q.where('o.status', '=', filter.status);
  if (filter.q) q = q.where('o.order_no', 'like', `${filter.q.replace(/[\\%_]/g, '')}%`);
  if (filter.buyer) {
    const buyer = filter.buyer;
    q = MEMBER_ID.test(buyer) ? q.where('o.buyer_id', '=', Number(buyer)) : q.where('b.nickname', 'ilike', containing(buyer));
  }
  // the last 4 digits through members_phone_last4_idx (055); a whole phone through the unique index
  if (filter.phone) q = filter.phone.length === 4 ? q.where(sql`right(b.phone, 4)`, '=', filter.phone) : q.where('b.phone', '=', filter.phone);
  if (filter.product) {
    const pattern = containing(filter.product);
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('order_lines as l').select('l.id').whereRef('l.order_id', '=', 'o.id').where('l.title', 'ilike', pattern)));
  }
  if (filter.productId !== undefined) {
    const productId = filter.productId;
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('order_lines as l').select('l.id').whereRef('l.order_id', '=', 'o.id').where('l.product_id', '=', productId)));
  }
  if (filter.createdFrom) q = q.where('o.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('o.created_at', '<', filter.createdBefore);
  if (filter.source) q = q.where('o.source', '=', filter.source);
  if (distributorId !== undefined) {
    // one set of order ids, each side by its own index (orders_sharer_idx, commission's by earner), then the page
    const shared = ex.selectFrom('orders').select('id as orderId').where('sharer_id', '=', distributorId);
    q = q.where('o.id', 'in', shared.union(commission.ordersEarnedBy(ex, distributorId)));
  }
  if (filter.delivery) q = q.where('o.delivery_method', '=', filter.delivery);
  if (filter.toShip) q = q.where('o.status', '=', 'paid').where('o.delivery_method', '=', 'express');
  return q;
}
