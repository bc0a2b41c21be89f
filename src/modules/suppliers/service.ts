// Suppliers (供应商): accounts linked to a member, product proposals HQ approves into the catalog,
// the supplier's own orders (its lines only) and parcels, and settlement at supply price minus the
// platform fee as 'supplier_settlement' earnings — which freeze, unfreeze and reverse on refunds
// through the commission service exactly like commission.
//
// Here: accounts, proposals, the supplier's products and stock. Its orders and parcels are in
// orders.ts, its settlement earnings in earnings.ts; SuppliersService answers for them.
import { sql } from 'kysely';
import { inTransaction, type Executor, type Tx } from '../../db/database.js';
import type { EarningState } from '../commission/index.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import type { CoreServices } from '../../services.js';
import { SupplierAfterSales } from './after-sales.js';
import type { AfterCommit, PaidOrder } from '../orders/index.js';
import { SupplierEarnings } from './earnings.js';
import { SupplierOrders, type SupplierOrderStatus } from './orders.js';
import type { ProposalStatus, ProposedSku, SupplierStatus } from './tables.js';
import type { ProposalInput, Supplier, SupplierInput, SupplierPatch } from './types.js';

export type { ProposalInput, Supplier, SupplierInput, SupplierPatch } from './types.js';

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

export class SuppliersService {
  private readonly ordersOf: SupplierOrders;
  private readonly earnings: SupplierEarnings;
  /** the supplier's own after-sales requests (after-sales.ts) */
  readonly afterSales: SupplierAfterSales;

  constructor(private readonly core: CoreServices) {
    this.ordersOf = new SupplierOrders(core);
    this.afterSales = new SupplierAfterSales(core);
    this.earnings = new SupplierEarnings(core);
  }

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

  // --- orders (orders.ts: the supplier's lines only) ------------------------------

  orders(ex: Executor, supplierId: number, filter: { status?: SupplierOrderStatus; limit: number; offset: number }) {
    return this.ordersOf.orders(ex, supplierId, filter);
  }

  /** One order as the supplier sees it: its own lines, the consignee, its parcel; another's order is a 404. */
  order(ex: Executor, supplierId: number, orderId: number) {
    return this.ordersOf.order(ex, supplierId, orderId);
  }

  /** The supplier records its parcel, once per order; the order ships when every supplier in it has. */
  ship(supplier: Supplier, actorId: number, orderId: number, parcel: { carrier: string; trackingNo: string }) {
    return this.ordersOf.ship(supplier, actorId, orderId, parcel);
  }

  // --- settlement (earnings.ts) ----------------------------------------------------

  /** Order participant onPaid: each line of a supplier's product earns its 'supplier_settlement'. */
  settlePaidOrder(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void> {
    return this.earnings.settlePaidOrder(tx, order, afterCommit);
  }

  /** The supplier's settlements, one row per order with its lines; state and reversals come from the earnings. */
  settlements(ex: Executor, supplierId: number, filter: { state?: EarningState; limit: number; offset: number }) {
    return this.earnings.settlements(ex, supplierId, filter);
  }

  /** What the supplier's settlements hold by state, and the member's balances. */
  settlementSummary(ex: Executor, supplier: Supplier) {
    return this.earnings.settlementSummary(ex, supplier);
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
