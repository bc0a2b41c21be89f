// Bargain offers (砍价活动): HQ's operators create and edit them (audited: bargain.offer_create,
// bargain.offer_update); every HQ role reads them; the shop lists the running ones.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { HelperRule, OfferStatus } from './tables.js';

export interface OfferTerms {
  /** default: the SKU's price */
  startPriceFen?: number;
  floorPriceFen: number;
  helpersNeeded: number;
  timeLimitHours: number;
  helperRule: HelperRule;
  startsAt: Date;
  endsAt: Date;
  stockCap: number;
}

export interface OfferInput extends OfferTerms {
  skuId: number;
}

export interface OfferUpdate extends OfferTerms {
  status: OfferStatus;
}

const OFFER_COLUMNS = [
  'o.id',
  'o.product_id as productId',
  'o.sku_id as skuId',
  'p.title',
  's.name as skuName',
  'p.image_url as imageUrl',
  's.price_fen as skuPriceFen',
  'o.start_price_fen as startPriceFen',
  'o.floor_price_fen as floorPriceFen',
  'o.helpers_needed as helpersNeeded',
  'o.time_limit_hours as timeLimitHours',
  'o.helper_rule as helperRule',
  'o.starts_at as startsAt',
  'o.ends_at as endsAt',
  'o.stock_cap as stockCap',
  'o.taken_count as takenCount',
  'o.status',
  'o.created_at as createdAt',
] as const;

function offersQuery(ex: Executor) {
  return ex.selectFrom('bargain_offers as o').innerJoin('products as p', 'p.id', 'o.product_id').innerJoin('product_skus as s', 's.id', 'o.sku_id');
}

/** An offer is running while active, inside its window, on sale and with stock left. */
function running<T extends { status: OfferStatus; startsAt: Date; endsAt: Date; takenCount: number; stockCap: number }>(o: T, now: Date) {
  return o.status === 'active' && o.startsAt <= now && o.endsAt > now && o.takenCount < o.stockCap;
}

export class BargainOffers {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(actorId: number, input: OfferInput) {
    return inTransaction(this.db, async (tx) => {
      const sku = await this.sku(tx, input.skuId);
      const values = checkTerms(input, sku.price_fen, 0);
      const row = await tx
        .insertInto('bargain_offers')
        .values({ product_id: sku.product_id, sku_id: sku.id, ...values, created_by: actorId, created_at: this.clock.now(), updated_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const offer = await this.get(tx, row.id);
      await this.audit.record(tx, { actorId, action: 'bargain.offer_create', targetType: 'bargain_offer', targetId: row.id, after: offer });
      return offer;
    });
  }

  /** New terms apply to bargains started from now on; a running bargain keeps the terms it started with. */
  async update(actorId: number, offerId: number, input: OfferUpdate) {
    return inTransaction(this.db, async (tx) => {
      const locked = await tx.selectFrom('bargain_offers').select(['id', 'sku_id', 'taken_count']).where('id', '=', offerId).forUpdate().executeTakeFirst();
      if (!locked) throw notFound('BARGAIN_OFFER_NOT_FOUND', `bargain offer ${offerId} does not exist`);
      const before = await this.get(tx, offerId);
      const sku = await this.sku(tx, locked.sku_id);
      const values = checkTerms(input, sku.price_fen, locked.taken_count);
      await tx.updateTable('bargain_offers').set({ ...values, status: input.status, updated_at: this.clock.now() }).where('id', '=', offerId).execute();
      const after = await this.get(tx, offerId);
      await this.audit.record(tx, { actorId, action: 'bargain.offer_update', targetType: 'bargain_offer', targetId: offerId, before, after });
      return after;
    });
  }

  async get(ex: Executor, offerId: number) {
    const row = await offersQuery(ex).select(OFFER_COLUMNS).where('o.id', '=', offerId).executeTakeFirst();
    if (!row) throw notFound('BARGAIN_OFFER_NOT_FOUND', `bargain offer ${offerId} does not exist`);
    return { ...row, running: running(row, this.clock.now()) };
  }

  /** HQ's list, newest first, with how many bargains each started and how many were bought. */
  async list(ex: Executor, page: { limit: number; offset: number }) {
    const rows = await offersQuery(ex)
      .select([
        ...OFFER_COLUMNS,
        sql<number>`(select count(*) from bargains b where b.offer_id = o.id)`.as('startedCount'),
        sql<number>`(select count(*) from bargains b where b.offer_id = o.id and b.status = 'bought')`.as('boughtCount'),
      ])
      .orderBy('o.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const now = this.clock.now();
    return rows.map((r) => ({ ...r, running: running(r, now) }));
  }

  /** What the shop shows: running offers (of one product, or all), the soonest to end first. */
  async listRunning(ex: Executor, filter: { productId?: number; limit: number }) {
    const now = this.clock.now();
    let q = offersQuery(ex)
      .select(OFFER_COLUMNS)
      .where('o.status', '=', 'active')
      .where('o.starts_at', '<=', now)
      .where('o.ends_at', '>', now)
      .where(sql<boolean>`o.taken_count < o.stock_cap`)
      .where('p.status', '=', 'on_sale')
      .where('s.retired_at', 'is', null);
    if (filter.productId !== undefined) q = q.where('o.product_id', '=', filter.productId);
    const rows = await q.orderBy('o.ends_at').orderBy('o.id').limit(filter.limit).execute();
    return rows.map((r) => ({ ...r, running: true }));
  }

  private async sku(tx: Tx, skuId: number) {
    const sku = await tx.selectFrom('product_skus').select(['id', 'product_id', 'price_fen', 'retired_at']).where('id', '=', skuId).executeTakeFirst();
    if (!sku) throw unprocessable('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
    if (sku.retired_at) throw unprocessable('SKU_RETIRED', `sku ${skuId} is no longer sold`);
    return sku;
  }
}

/** The terms as columns, or a 422 naming what is wrong (the table's checks are the backstop). */
function checkTerms(t: OfferTerms, skuPriceFen: number, takenCount: number) {
  const start = t.startPriceFen ?? skuPriceFen;
  const invalid = (message: string) => unprocessable('BARGAIN_OFFER_INVALID', message);
  if (start > skuPriceFen) throw invalid(`the start price may not be above the SKU's price (${skuPriceFen} fen)`);
  if (t.floorPriceFen >= start) throw invalid('the floor price must be below the start price');
  if (start - t.floorPriceFen < t.helpersNeeded) throw invalid('every cut is at least one fen: start − floor must be at least the helpers needed');
  if (t.endsAt <= t.startsAt) throw invalid('the offer must end after it starts');
  if (t.stockCap < takenCount) throw invalid(`${takenCount} bargains are already bought or held: the stock cap cannot go below that`);
  return {
    start_price_fen: start,
    floor_price_fen: t.floorPriceFen,
    helpers_needed: t.helpersNeeded,
    time_limit_hours: t.timeLimitHours,
    helper_rule: t.helperRule,
    starts_at: t.startsAt,
    ends_at: t.endsAt,
    stock_cap: t.stockCap,
  };
}
