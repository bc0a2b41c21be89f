// Suppliers (供应商): accounts linked to a member, product proposals HQ approves into the catalog,
// the supplier's own orders (its lines only) and parcels, and settlement at supply price minus the
// platform fee as 'supplier_settlement' earnings — which freeze, unfreeze and reverse on refunds
// through the commission service exactly like commission.
import { sql } from 'kysely';
import { inTransaction, type Executor, type Tx } from '../../db/database.js';
import type { EarningState } from '../commission/index.js';
import { assertTransition, type ShippingAddress } from '../orders/index.js';
import { AppError, badRequest, conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import { maskName, maskPhone } from '../../privacy.js';
import type { CoreServices } from '../../services.js';
import type { PlannedEarning } from '../commission/index.js';
import type { AfterCommit, PaidOrder } from '../orders/index.js';
import { settleLine } from './settlement.js';
import type { ProposalStatus, ProposedSku, SupplierStatus } from './tables.js';

export interface SupplierInput {
  memberId: number;
  companyName: string;
  contactName?: string;
  contactPhone?: string;
  platformFeeBp: number;
  status?: SupplierStatus;
}

export type SupplierPatch = Partial<Omit<SupplierInput, 'memberId'>>;

export interface ProposalInput {
  title: string;
  category?: string;
  description?: string;
  imageUrl?: string | null;
  skus: ProposedSku[];
}

export interface Supplier {
  id: number;
  memberId: number;
  companyName: string;
  contactName: string;
  contactPhone: string;
  platformFeeBp: number;
  status: SupplierStatus;
  createdAt: Date;
}

const SUPPLIER_COLUMNS = [
  's.id',
  's.member_id as memberId',
  's.company_name as companyName',
  's.contact_name as contactName',
  's.contact_phone as contactPhone',
  's.platform_fee_bp as platformFeeBp',
  's.status',
  's.created_at as createdAt',
] as const;

const PROPOSAL_COLUMNS = [
  'p.id',
  'p.supplier_id as supplierId',
  'p.title',
  'p.category',
  'p.description',
  'p.image_url as imageUrl',
  'p.skus',
  'p.status',
  'p.reject_reason as rejectReason',
  'p.product_id as productId',
  'p.reviewed_at as reviewedAt',
  'p.created_at as createdAt',
] as const;

/** Orders a supplier sees: paid ones (an unpaid order is nobody's business yet). */
const SUPPLIER_ORDER_STATUSES = ['paid', 'shipped', 'completed', 'refunded'] as const;
type SupplierOrderStatus = (typeof SUPPLIER_ORDER_STATUSES)[number];

export class SuppliersService {
  constructor(private readonly core: CoreServices) {}

  // --- accounts (HQ) --------------------------------------------------------------

  async create(actorId: number, input: SupplierInput): Promise<Supplier> {
    return inTransaction(this.core.db, async (tx) => {
      const member = await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${input.memberId} does not exist`);
      const taken = await tx.selectFrom('suppliers').select('id').where('member_id', '=', input.memberId).executeTakeFirst();
      if (taken) throw conflict('SUPPLIER_EXISTS', `member ${input.memberId} is already supplier ${taken.id}`);
      const row = await tx
        .insertInto('suppliers')
        .values({
          member_id: input.memberId,
          company_name: input.companyName,
          contact_name: input.contactName ?? '',
          contact_phone: input.contactPhone ?? '',
          platform_fee_bp: input.platformFeeBp,
          status: input.status ?? 'active',
          created_by: actorId,
          created_at: this.core.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const supplier = await this.get(tx, row.id);
      await this.core.audit.record(tx, { actorId, action: 'supplier.create', targetType: 'supplier', targetId: row.id, after: supplier });
      return supplier;
    });
  }

  /** The fee applies to orders paid from now on; lines already settled keep theirs. */
  async update(actorId: number, supplierId: number, patch: SupplierPatch): Promise<Supplier> {
    return inTransaction(this.core.db, async (tx) => {
      const before = await this.get(tx, supplierId, true);
      await tx
        .updateTable('suppliers')
        .set({
          ...(patch.companyName !== undefined ? { company_name: patch.companyName } : {}),
          ...(patch.contactName !== undefined ? { contact_name: patch.contactName } : {}),
          ...(patch.contactPhone !== undefined ? { contact_phone: patch.contactPhone } : {}),
          ...(patch.platformFeeBp !== undefined ? { platform_fee_bp: patch.platformFeeBp } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
        })
        .where('id', '=', supplierId)
        .execute();
      const after = await this.get(tx, supplierId);
      await this.core.audit.record(tx, { actorId, action: 'supplier.update', targetType: 'supplier', targetId: supplierId, before, after });
      return after;
    });
  }

  async get(ex: Executor, supplierId: number, lock = false): Promise<Supplier> {
    let q = ex.selectFrom('suppliers as s').select(SUPPLIER_COLUMNS).where('s.id', '=', supplierId);
    if (lock) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('SUPPLIER_NOT_FOUND', `supplier ${supplierId} does not exist`);
    return row;
  }

  /** HQ's list, with each supplier's products and what its settlements hold by state. */
  async list(ex: Executor, filter: { status?: SupplierStatus; limit: number; offset: number }) {
    let q = ex
      .selectFrom('suppliers as s')
      .innerJoin('members as m', 'm.id', 's.member_id')
      .select([
        ...SUPPLIER_COLUMNS,
        'm.nickname as memberNickname',
        'm.phone as memberPhone',
        sql<number>`(select count(*) from supplier_products sp where sp.supplier_id = s.id)`.as('productCount'),
        sql<number>`(select count(*) from supplier_proposals pp where pp.supplier_id = s.id and pp.status = 'pending')`.as('pendingProposals'),
        sql<number>`(select coalesce(sum(e.amount_fen - e.reversed_fen), 0) from supplier_settlement_lines sl join commission_earnings e on e.id = sl.earning_id where sl.supplier_id = s.id and e.state = 'pending')`.as('pendingFen'),
        sql<number>`(select coalesce(sum(e.amount_fen - e.reversed_fen), 0) from supplier_settlement_lines sl join commission_earnings e on e.id = sl.earning_id where sl.supplier_id = s.id and e.state = 'frozen')`.as('frozenFen'),
        sql<number>`(select coalesce(sum(e.amount_fen - e.reversed_fen), 0) from supplier_settlement_lines sl join commission_earnings e on e.id = sl.earning_id where sl.supplier_id = s.id and e.state = 'available')`.as('availableFen'),
      ]);
    if (filter.status) q = q.where('s.status', '=', filter.status);
    const rows = await q.orderBy('s.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({ ...r, productCount: Number(r.productCount), pendingProposals: Number(r.pendingProposals) }));
  }

  /** The supplier a member acts for, or undefined. */
  async ofMember(ex: Executor, memberId: number): Promise<Supplier | undefined> {
    return ex.selectFrom('suppliers as s').select(SUPPLIER_COLUMNS).where('s.member_id', '=', memberId).executeTakeFirst();
  }

  /** The caller's supplier: a member who is not one gets 403. */
  async requireOfMember(ex: Executor, memberId: number): Promise<Supplier> {
    const supplier = await this.ofMember(ex, memberId);
    if (!supplier) throw forbidden('NOT_A_SUPPLIER', 'this is for suppliers');
    return supplier;
  }

  // --- proposals ------------------------------------------------------------------

  async propose(supplier: Supplier, input: ProposalInput) {
    if (supplier.status !== 'active') throw forbidden('SUPPLIER_SUSPENDED', 'a suspended supplier cannot propose products');
    validateProposedSkus(input.skus);
    return this.core.db
      .insertInto('supplier_proposals')
      .values({
        supplier_id: supplier.id,
        title: input.title,
        category: input.category ?? '',
        description: input.description ?? '',
        image_url: input.imageUrl ?? null,
        skus: JSON.stringify(input.skus),
        created_at: this.core.clock.now(),
      })
      .returning(['id', 'supplier_id as supplierId', 'title', 'status', 'created_at as createdAt'])
      .executeTakeFirstOrThrow();
  }

  async proposals(ex: Executor, filter: { supplierId?: number; status?: ProposalStatus; limit: number; offset: number }) {
    let q = ex.selectFrom('supplier_proposals as p').innerJoin('suppliers as s', 's.id', 'p.supplier_id').select([...PROPOSAL_COLUMNS, 's.company_name as companyName']);
    if (filter.supplierId !== undefined) q = q.where('p.supplier_id', '=', filter.supplierId);
    if (filter.status) q = q.where('p.status', '=', filter.status);
    return q.orderBy('p.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  /**
   * HQ approves: the catalog creates the product off sale, the mapping (product and SKUs → this
   * supplier, supply prices) is recorded, and only then is it put on sale — so no order can ever buy
   * a supplier's product that would not settle to it. A concurrent second approval finds the
   * proposal reviewed and leaves its own product off sale.
   */
  async approve(actorId: number, proposalId: number) {
    const proposal = await this.core.db.selectFrom('supplier_proposals').selectAll().where('id', '=', proposalId).executeTakeFirst();
    if (!proposal) throw notFound('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`);
    if (proposal.status !== 'pending') throw conflict('PROPOSAL_REVIEWED', `the proposal is already ${proposal.status}`);
    const skus = proposal.skus;
    const product = await this.core.catalog.create({
      title: proposal.title,
      description: proposal.description,
      imageUrl: proposal.image_url,
      category: proposal.category,
      status: 'off_sale',
      skus: skus.map((s) => ({ name: s.name, priceFen: s.retailPriceFen, stock: s.stock })),
    });
    await inTransaction(this.core.db, async (tx) => {
      const now = this.core.clock.now();
      const claimed = await tx
        .updateTable('supplier_proposals')
        .set({ status: 'approved', product_id: product.id, reviewed_by: actorId, reviewed_at: now })
        .where('id', '=', proposalId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw conflict('PROPOSAL_REVIEWED', 'the proposal was reviewed meanwhile');
      await tx.insertInto('supplier_products').values({ product_id: product.id, supplier_id: proposal.supplier_id, proposal_id: proposalId, created_at: now }).execute();
      // SKU names are unique within a proposal, so they match the catalog's SKUs one to one
      const skuIdByName = new Map(product.skus.map((s) => [s.name, s.id]));
      await tx
        .insertInto('supplier_skus')
        .values(skus.map((s) => ({ sku_id: skuIdByName.get(s.name)!, product_id: product.id, supplier_id: proposal.supplier_id, supply_price_fen: s.supplyPriceFen })))
        .execute();
      await this.core.audit.record(tx, {
        actorId,
        action: 'supplier.proposal.approve',
        targetType: 'supplier',
        targetId: proposal.supplier_id,
        before: { proposalId, status: 'pending' },
        after: { proposalId, status: 'approved', productId: product.id, supplyPricesFen: skus.map((s) => ({ name: s.name, supplyPriceFen: s.supplyPriceFen })) },
      });
    });
    return this.core.catalog.update(product.id, { status: 'on_sale' });
  }

  async reject(actorId: number, proposalId: number, reason: string) {
    return inTransaction(this.core.db, async (tx) => {
      const updated = await tx
        .updateTable('supplier_proposals')
        .set({ status: 'rejected', reject_reason: reason, reviewed_by: actorId, reviewed_at: this.core.clock.now() })
        .where('id', '=', proposalId)
        .where('status', '=', 'pending')
        .returning(['id', 'supplier_id', 'status'])
        .executeTakeFirst();
      if (!updated) {
        const exists = await tx.selectFrom('supplier_proposals').select('status').where('id', '=', proposalId).executeTakeFirst();
        if (!exists) throw notFound('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`);
        throw conflict('PROPOSAL_REVIEWED', `the proposal is already ${exists.status}`);
      }
      await this.core.audit.record(tx, { actorId, action: 'supplier.proposal.reject', targetType: 'supplier', targetId: updated.supplier_id, before: { proposalId, status: 'pending' }, after: { proposalId, status: 'rejected' }, reason });
      return { id: updated.id, status: updated.status, rejectReason: reason };
    });
  }

  // --- products and stock (the supplier's own) ------------------------------------

  async products(ex: Executor, supplierId: number, page: { limit: number; offset: number }) {
    const mapped = await ex.selectFrom('supplier_products').select('product_id').where('supplier_id', '=', supplierId).orderBy('product_id', 'desc').limit(page.limit).offset(page.offset).execute();
    return mapped.length ? this.productsByIds(ex, mapped.map((m) => m.product_id)) : [];
  }

  /** Stock of one of the supplier's own SKUs, through the catalog; another's SKU is a 404. */
  async setStock(supplier: Supplier, skuId: number, stock: number) {
    if (supplier.status !== 'active') throw forbidden('SUPPLIER_SUSPENDED', 'a suspended supplier cannot change stock');
    const own = await this.core.db.selectFrom('supplier_skus').select('sku_id').where('sku_id', '=', skuId).where('supplier_id', '=', supplier.id).executeTakeFirst();
    if (!own) throw notFound('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
    const product = await this.core.catalog.updateSku(skuId, { stock });
    const [withSupply] = await this.productsByIds(this.core.db, [product.id]);
    return withSupply;
  }

  private async productsByIds(ex: Executor, ids: number[]) {
    const [products, supply] = await Promise.all([
      this.core.catalog.list(ex, { ids, limit: ids.length, offset: 0 }),
      ex.selectFrom('supplier_skus').select(['sku_id', 'supply_price_fen']).where('product_id', 'in', ids).execute(),
    ]);
    const supplyBySku = new Map(supply.map((s) => [s.sku_id, s.supply_price_fen]));
    return products.map((p) => ({ ...p, skus: p.skus.map((s) => ({ ...s, supplyPriceFen: supplyBySku.get(s.id) ?? null })) }));
  }

  // --- orders (the supplier's lines only) ------------------------------------------

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
    // lists show the consignee masked; the order itself (to ship it) shows it whole
    return orders.map((o) => ({ ...o, shippingAddress: maskAddress(o.shippingAddress as ShippingAddress | null), ...details.get(o.id)! }));
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
    const result = new Map<number, { lines: Array<Record<string, unknown>>; mixed: boolean; shipment: { carrier: string; trackingNo: string; shippedAt: Date } | null }>();
    if (orderIds.length === 0) return result;
    const [lines, shipments] = await Promise.all([
      ex
        .selectFrom('order_lines as l')
        .leftJoin('supplier_products as sp', 'sp.product_id', 'l.product_id')
        .leftJoin('supplier_skus as ss', 'ss.sku_id', 'l.sku_id')
        .leftJoin('supplier_settlement_lines as sl', 'sl.order_line_id', 'l.id')
        .select([
          'l.id',
          'l.order_id as orderId',
          'l.product_id as productId',
          'l.sku_id as skuId',
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

  // --- settlement -----------------------------------------------------------------

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

function validateProposedSkus(skus: ProposedSku[]): void {
  const names = new Set<string>();
  for (const sku of skus) {
    if (names.has(sku.name)) throw badRequest('SKU_NAME_REPEATED', `SKU name "${sku.name}" appears twice`);
    names.add(sku.name);
    if (sku.supplyPriceFen > sku.retailPriceFen) throw unprocessable('SUPPLY_ABOVE_RETAIL', `the supply price of "${sku.name}" is above its retail price`);
  }
}

function maskAddress(address: ShippingAddress | null): ShippingAddress | null {
  return address ? { ...address, name: maskName(address.name), phone: maskPhone(address.phone) } : null;
}
