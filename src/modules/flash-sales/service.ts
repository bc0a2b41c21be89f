// 秒杀 campaigns as HQ runs them: create and edit (items' price, campaign stock, per-member limit,
// commission mode), end early or by the job at the end time. A campaign's stock is moved out of the
// SKU's normal stock through the catalog's face when an item is created or raised, and back when it
// is lowered or the campaign ends (once), so a SKU's stock plus its campaigns' always stays the same.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import { itemSales, readFlashSales, stateOf, type FlashSaleView } from './reads.js';
import type { CommissionMode } from './tables.js';

export interface FlashSaleItemInput {
  skuId: number;
  priceFen: number;
  /** campaign stock: units moved out of the SKU's stock */
  stock: number;
  perMemberLimit?: number | null;
  /** normal: the rules' rates on the campaign price; none: no commission; rate: commissionRatesBp per level */
  commissionMode?: CommissionMode;
  commissionRatesBp?: number[] | null;
}

export interface FlashSaleInput {
  name: string;
  startsAt: Date;
  endsAt: Date;
  /** an unpaid order closes (its units selling again) this many minutes after checkout; default 5 */
  unpaidMinutes?: number;
  items: FlashSaleItemInput[];
}

type ItemRow = { id: number; sku_id: number; stock: number; sold: number; returned: number; price_fen: number; per_member_limit: number | null; commission_mode: CommissionMode; commission_rates_bp: number[] | null };

export class FlashSalesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
  ) {}

  /** HQ's list, newest first, with live sales per item. */
  async list(ex: Executor, page: { limit: number; offset: number }) {
    return this.withSales(ex, await readFlashSales(ex, this.clock.now(), page));
  }

  async get(ex: Executor, id: number) {
    const [sale] = await this.withSales(ex, await readFlashSales(ex, this.clock.now(), { ids: [id], limit: 1, offset: 0 }));
    if (!sale) throw notFound('FLASH_SALE_NOT_FOUND', `flash sale ${id} does not exist`);
    return sale;
  }

  /** The shop's: running and upcoming campaigns (one product's, when given), soonest first. */
  async open(ex: Executor, filter: { productId?: number; limit: number }) {
    return readFlashSales(ex, this.clock.now(), { open: true, productId: filter.productId, limit: filter.limit, offset: 0 });
  }

  /** One campaign for the shop: 404 once it ended. */
  async openOne(ex: Executor, id: number) {
    const [sale] = await readFlashSales(ex, this.clock.now(), { ids: [id], open: true, limit: 1, offset: 0 });
    if (!sale) throw notFound('FLASH_SALE_NOT_FOUND', `flash sale ${id} does not exist or has ended`);
    return sale;
  }

  async create(actorId: number, input: FlashSaleInput) {
    const now = this.clock.now();
    checkInput(input, now);
    const id = await inTransaction(this.db, async (tx) => {
      const sale = await tx
        .insertInto('flash_sales')
        .values({ name: input.name, starts_at: input.startsAt, ends_at: input.endsAt, unpaid_minutes: input.unpaidMinutes ?? 5, created_by: actorId, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const item of sortedItems(input.items)) await this.addItem(tx, sale.id, item, input);
      await this.audit.record(tx, { actorId, action: 'flash_sale.create', targetType: 'flash_sale', targetId: sale.id, after: auditShape(input) });
      return sale.id;
    });
    return this.get(this.db, id);
  }

  /** Edits a campaign that has not ended: its terms, and its items (raised, lowered, added; removed while none was ordered). */
  async update(actorId: number, id: number, input: FlashSaleInput) {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const sale = await tx.selectFrom('flash_sales').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!sale) throw notFound('FLASH_SALE_NOT_FOUND', `flash sale ${id} does not exist`);
      if (stateOf(sale, now) === 'ended') throw conflict('FLASH_SALE_ENDED', `flash sale ${id} has ended`);
      checkInput(input, now);
      const before = await tx.selectFrom('flash_sale_items').select(['id', 'sku_id', 'stock', 'sold', 'returned', 'price_fen', 'per_member_limit', 'commission_mode', 'commission_rates_bp']).where('flash_sale_id', '=', id).orderBy('sku_id').forUpdate().execute();
      await tx.updateTable('flash_sales').set({ name: input.name, starts_at: input.startsAt, ends_at: input.endsAt, unpaid_minutes: input.unpaidMinutes ?? sale.unpaid_minutes }).where('id', '=', id).execute();
      const wanted = new Map(input.items.map((i) => [i.skuId, i]));
      for (const row of before) if (!wanted.has(row.sku_id)) await this.removeItem(tx, row);
      for (const item of sortedItems(input.items)) {
        const row = before.find((b) => b.sku_id === item.skuId);
        if (row) await this.changeItem(tx, id, row, item, input);
        else await this.addItem(tx, id, item, input);
      }
      await this.audit.record(tx, {
        actorId,
        action: 'flash_sale.update',
        targetType: 'flash_sale',
        targetId: id,
        before: { name: sale.name, startsAt: sale.starts_at, endsAt: sale.ends_at, unpaidMinutes: sale.unpaid_minutes, items: before.map((b) => ({ skuId: b.sku_id, priceFen: b.price_fen, stock: b.stock, perMemberLimit: b.per_member_limit, commissionMode: b.commission_mode, commissionRatesBp: b.commission_rates_bp })) },
        after: auditShape(input),
      });
    });
    return this.get(this.db, id);
  }

  /** Ends a campaign now (HQ, early) — 409 FLASH_SALE_ENDED when it already has. */
  async end(actorId: number, id: number) {
    const ended = await inTransaction(this.db, (tx) => this.endIn(tx, id, actorId));
    if (!ended) {
      const exists = await this.db.selectFrom('flash_sales').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) throw notFound('FLASH_SALE_NOT_FOUND', `flash sale ${id} does not exist`);
      throw conflict('FLASH_SALE_ENDED', `flash sale ${id} has ended`);
    }
    return this.get(this.db, id);
  }

  /** The job: campaigns past their end time end (their unsold stock back), each once, on any number of instances. */
  async endDue(): Promise<{ ended: number }> {
    let ended = 0;
    for (;;) {
      const done = await inTransaction(this.db, async (tx) => {
        const due = await tx.selectFrom('flash_sales').select('id').where('status', '=', 'active').where('ends_at', '<=', this.clock.now()).orderBy('ends_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
        return due ? this.endIn(tx, due.id, null) : undefined;
      });
      if (done === undefined) return { ended };
      if (done) ended++;
    }
  }

  /**
   * Marks the campaign ended (once: the guarded update) and gives every item's unsold units back to
   * its SKU. Units still held by unpaid orders stay with the campaign; they follow to the SKU when
   * those orders close (participant.ts, giveBack).
   */
  private async endIn(tx: Tx, id: number, actorId: number | null): Promise<boolean> {
    const now = this.clock.now();
    const sale = await tx
      .updateTable('flash_sales')
      // a running one ends now; one that never started keeps its times (ends_at stays after starts_at)
      .set({ status: 'ended', ended_at: now, ends_at: sql<Date>`case when starts_at < ${now} and ends_at > ${now} then ${now} else ends_at end` })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst();
    if (!sale) return false;
    const items = await tx.selectFrom('flash_sale_items').select(['id', 'sku_id', 'stock', 'sold', 'returned']).where('flash_sale_id', '=', id).orderBy('sku_id').forUpdate().execute();
    const back = items.map((i) => ({ itemId: i.id, skuId: i.sku_id, quantity: i.stock - i.returned - i.sold })).filter((b) => b.quantity > 0);
    for (const b of back) await tx.updateTable('flash_sale_items').set((eb) => ({ returned: eb('returned', '+', b.quantity) })).where('id', '=', b.itemId).execute();
    await this.catalog.release(tx, back);
    await this.audit.record(tx, { actorId, action: 'flash_sale.end', targetType: 'flash_sale', targetId: id, after: { returned: back.map((b) => ({ skuId: b.skuId, quantity: b.quantity })), early: actorId !== null } });
    return true;
  }

  private async addItem(tx: Tx, saleId: number, item: FlashSaleItemInput, sale: FlashSaleInput): Promise<void> {
    const sku = await tx.selectFrom('product_skus').select(['product_id', 'retired_at']).where('id', '=', item.skuId).executeTakeFirst();
    if (!sku || sku.retired_at !== null) throw unprocessable('SKU_NOT_FOUND', `sku ${item.skuId} does not exist`);
    // the stock first: it locks the SKU row, so a second campaign created at once sees this one below
    await this.catalog.takeStock(tx, item.skuId, item.stock);
    await assertNoOverlap(tx, saleId, item.skuId, sale);
    await tx.insertInto('flash_sale_items').values({ flash_sale_id: saleId, sku_id: item.skuId, product_id: sku.product_id, ...itemTerms(item), stock: item.stock }).execute();
  }

  /** Price, limit and commission as given; stock raised (taken from the SKU) or lowered (given back), never below what is sold or returned. */
  private async changeItem(tx: Tx, saleId: number, row: ItemRow, item: FlashSaleItemInput, sale: FlashSaleInput): Promise<void> {
    await assertNoOverlap(tx, saleId, row.sku_id, sale);
    const delta = item.stock - row.stock;
    if (delta > 0) await this.catalog.takeStock(tx, row.sku_id, delta);
    if (delta < 0 && item.stock < row.sold + row.returned) throw conflict('FLASH_SALE_STOCK_BELOW_SOLD', `sku ${row.sku_id}: ${row.sold + row.returned} are sold or held already`, { skuId: row.sku_id, sold: row.sold, returned: row.returned });
    await tx.updateTable('flash_sale_items').set({ ...itemTerms(item), stock: item.stock }).where('id', '=', row.id).execute();
    if (delta < 0) await this.catalog.release(tx, [{ skuId: row.sku_id, quantity: -delta }]);
  }

  private async removeItem(tx: Tx, row: ItemRow): Promise<void> {
    const ordered = await tx.selectFrom('flash_sale_orders').select('order_id').where('item_id', '=', row.id).limit(1).executeTakeFirst();
    if (ordered) throw conflict('FLASH_SALE_ITEM_ORDERED', `sku ${row.sku_id} has orders in this flash sale: lower its stock instead`, { skuId: row.sku_id });
    await tx.deleteFrom('flash_sale_items').where('id', '=', row.id).execute();
    const back = row.stock - row.returned;
    if (back > 0) await this.catalog.release(tx, [{ skuId: row.sku_id, quantity: back }]);
  }

  private async withSales(ex: Executor, sales: FlashSaleView[]) {
    const figures = await itemSales(ex, sales.flatMap((s) => s.items.map((i) => i.id)));
    return sales.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, ...figures.get(i.id)! })) }));
  }
}

/** A SKU is in at most one campaign at a time (its panel and price are one). */
async function assertNoOverlap(tx: Tx, saleId: number, skuId: number, sale: Pick<FlashSaleInput, 'startsAt' | 'endsAt'>): Promise<void> {
  const overlapping = await tx
    .selectFrom('flash_sale_items as i')
    .innerJoin('flash_sales as f', 'f.id', 'i.flash_sale_id')
    .select('f.id')
    .where('i.sku_id', '=', skuId)
    .where('f.id', '<>', saleId)
    .where('f.status', '=', 'active')
    .where('f.starts_at', '<', sale.endsAt)
    .where('f.ends_at', '>', sale.startsAt)
    .executeTakeFirst();
  if (overlapping) throw conflict('FLASH_SALE_SKU_TAKEN', `sku ${skuId} is in flash sale ${overlapping.id} at that time`, { skuId, flashSaleId: overlapping.id });
}

function checkInput(input: FlashSaleInput, now: Date): void {
  if (!(input.endsAt > input.startsAt)) throw unprocessable('FLASH_SALE_TIMES_INVALID', 'a flash sale ends after it starts');
  if (input.endsAt <= now) throw unprocessable('FLASH_SALE_TIMES_INVALID', 'a flash sale must end in the future');
  const skus = new Set(input.items.map((i) => i.skuId));
  if (skus.size !== input.items.length) throw unprocessable('FLASH_SALE_ITEMS_INVALID', 'each SKU once');
  for (const item of input.items) {
    if (item.commissionMode === 'rate' && !item.commissionRatesBp?.length) throw unprocessable('FLASH_SALE_ITEMS_INVALID', `sku ${item.skuId}: rates per level are needed for the rate mode`);
  }
}

function sortedItems(items: FlashSaleItemInput[]): FlashSaleItemInput[] {
  return [...items].sort((a, b) => a.skuId - b.skuId);
}

function itemTerms(item: FlashSaleItemInput) {
  const mode = item.commissionMode ?? 'normal';
  return {
    price_fen: item.priceFen,
    per_member_limit: item.perMemberLimit ?? null,
    commission_mode: mode,
    commission_rates_bp: mode === 'rate' ? JSON.stringify(item.commissionRatesBp) : null,
  };
}

function auditShape(input: FlashSaleInput) {
  return {
    name: input.name,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    unpaidMinutes: input.unpaidMinutes ?? 5,
    items: sortedItems(input.items).map((i) => ({ skuId: i.skuId, priceFen: i.priceFen, stock: i.stock, perMemberLimit: i.perMemberLimit ?? null, commissionMode: i.commissionMode ?? 'normal', commissionRatesBp: i.commissionMode === 'rate' ? i.commissionRatesBp : null })),
  };
}
