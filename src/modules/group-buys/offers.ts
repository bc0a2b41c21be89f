// 拼团 offers: HQ's operators set a product's SKUs at a group price, the group size N, each group's
// time limit and the offer's window (audited); the shop reads the running ones.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { badRequest, conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';

export interface OfferInput {
  title: string;
  skus: Array<{ skuId: number; groupPriceFen: number }>;
  /** N: the group succeeds when N members paid (2–50) */
  groupSize: number;
  /** each group's time from its opening (the opener's payment) */
  timeLimitHours: number;
  startsAt: Date;
  endsAt: Date;
  /** 模拟成团: a group short at its deadline succeeds anyway */
  simulatedFill: boolean;
}

export type OfferPhase = 'scheduled' | 'running' | 'ended';

const OFFER_COLUMNS = [
  'o.id',
  'o.title',
  'o.product_id as productId',
  'p.title as productTitle',
  'o.group_size as groupSize',
  'o.time_limit_hours as timeLimitHours',
  'o.starts_at as startsAt',
  'o.ends_at as endsAt',
  'o.simulated_fill as simulatedFill',
  'o.created_at as createdAt',
] as const;

export type OfferRow = { id: number; title: string; productId: number; productTitle: string; groupSize: number; timeLimitHours: number; startsAt: Date; endsAt: Date; simulatedFill: boolean; createdAt: Date };

export function phaseOf(offer: { startsAt: Date; endsAt: Date }, now: Date): OfferPhase {
  if (now < offer.startsAt) return 'scheduled';
  return now < offer.endsAt ? 'running' : 'ended';
}

export class GroupBuyOffers {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly catalog: CatalogService,
  ) {}

  async create(actorId: number, productId: number, input: OfferInput) {
    const id = await inTransaction(this.db, async (tx) => {
      await this.check(tx, productId, input);
      const now = this.clock.now();
      const row = await tx
        .insertInto('group_buy_offers')
        .values({ title: input.title, product_id: productId, group_size: input.groupSize, time_limit_hours: input.timeLimitHours, starts_at: input.startsAt, ends_at: input.endsAt, simulated_fill: input.simulatedFill, created_by: actorId, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('group_buy_offer_skus').values(input.skus.map((s) => ({ offer_id: row.id, sku_id: s.skuId, group_price_fen: s.groupPriceFen }))).execute();
      await this.audit.record(tx, { actorId, action: 'group_buy.create', targetType: 'group_buy', targetId: row.id, after: { productId, ...input } });
      return row.id;
    });
    return this.get(this.db, id);
  }

  /** Edits an offer; groups already opened keep the size and time limit they opened with. */
  async update(actorId: number, offerId: number, input: OfferInput) {
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('group_buy_offers').selectAll().where('id', '=', offerId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('GROUP_BUY_NOT_FOUND', `group-buy offer ${offerId} does not exist`);
      await this.check(tx, before.product_id, input, offerId);
      const beforeSkus = await tx.selectFrom('group_buy_offer_skus').select(['sku_id as skuId', 'group_price_fen as groupPriceFen']).where('offer_id', '=', offerId).orderBy('sku_id').execute();
      await tx
        .updateTable('group_buy_offers')
        .set({ title: input.title, group_size: input.groupSize, time_limit_hours: input.timeLimitHours, starts_at: input.startsAt, ends_at: input.endsAt, simulated_fill: input.simulatedFill, updated_at: this.clock.now() })
        .where('id', '=', offerId)
        .execute();
      await tx.deleteFrom('group_buy_offer_skus').where('offer_id', '=', offerId).execute();
      await tx.insertInto('group_buy_offer_skus').values(input.skus.map((s) => ({ offer_id: offerId, sku_id: s.skuId, group_price_fen: s.groupPriceFen }))).execute();
      const was = { title: before.title, groupSize: before.group_size, timeLimitHours: before.time_limit_hours, startsAt: before.starts_at, endsAt: before.ends_at, simulatedFill: before.simulated_fill, skus: beforeSkus };
      await this.audit.record(tx, { actorId, action: 'group_buy.update', targetType: 'group_buy', targetId: offerId, before: was, after: input });
    });
    return this.get(this.db, offerId);
  }

  /** SKUs of the product, each group price below the SKU's own, a window that ends after it starts, no overlap on the product. */
  private async check(tx: Tx, productId: number, input: OfferInput, exceptId?: number): Promise<void> {
    if (input.endsAt <= input.startsAt) throw badRequest('GROUP_BUY_DATES_INVALID', 'an offer must end after it starts');
    const skuIds = input.skus.map((s) => s.skuId);
    if (new Set(skuIds).size !== skuIds.length) throw badRequest('GROUP_BUY_SKU_REPEATED', 'a SKU appears twice');
    const product = await tx.selectFrom('products').select('id').where('id', '=', productId).executeTakeFirst();
    if (!product) throw unprocessable('PRODUCT_NOT_FOUND', `product ${productId} does not exist`);
    const skus = await tx.selectFrom('product_skus').select(['id', 'price_fen']).where('product_id', '=', productId).where('id', 'in', skuIds).execute();
    for (const s of input.skus) {
      const sku = skus.find((k) => k.id === s.skuId);
      if (!sku) throw unprocessable('GROUP_BUY_SKU_INVALID', `sku ${s.skuId} is not a SKU of product ${productId}`);
      if (s.groupPriceFen >= sku.price_fen) throw unprocessable('GROUP_BUY_PRICE_INVALID', `the group price of sku ${s.skuId} must be below its price ${sku.price_fen} fen`, { skuId: s.skuId, priceFen: sku.price_fen });
    }
    let overlap = tx.selectFrom('group_buy_offers').select('id').where('product_id', '=', productId).where('starts_at', '<', input.endsAt).where('ends_at', '>', input.startsAt);
    if (exceptId !== undefined) overlap = overlap.where('id', '<>', exceptId);
    const clash = await overlap.executeTakeFirst();
    if (clash) throw conflict('GROUP_BUY_OVERLAPS', `offer ${clash.id} already runs on this product in that window`, { offerId: clash.id });
  }

  private rows(ex: Executor) {
    return ex.selectFrom('group_buy_offers as o').innerJoin('products as p', 'p.id', 'o.product_id').select(OFFER_COLUMNS);
  }

  async get(ex: Executor, offerId: number) {
    const row = await this.rows(ex).where('o.id', '=', offerId).executeTakeFirst();
    if (!row) throw notFound('GROUP_BUY_NOT_FOUND', `group-buy offer ${offerId} does not exist`);
    return (await this.views(ex, [row]))[0]!;
  }

  /** HQ's list, newest first, with each offer's groups counted by status. */
  async list(ex: Executor, page: { limit: number; offset: number }) {
    const rows = await this.rows(ex).orderBy('o.id', 'desc').limit(page.limit).offset(page.offset).execute();
    const views = await this.views(ex, rows);
    const counts = rows.length
      ? await ex
          .selectFrom('group_buy_groups')
          .select(['offer_id', 'status', sql<number>`count(*)::int`.as('n')])
          .where('offer_id', 'in', rows.map((r) => r.id))
          .groupBy(['offer_id', 'status'])
          .execute()
      : [];
    return views.map((v) => {
      const of = (status: string) => counts.find((c) => c.offer_id === v.id && c.status === status)?.n ?? 0;
      return { ...v, groups: { open: of('open'), succeeded: of('succeeded'), failed: of('failed') + of('refunded') } };
    });
  }

  /** The shop's running offers (one product's, when given), ending soonest first. */
  async running(ex: Executor, filter: { productId?: number; limit: number }) {
    const now = this.clock.now();
    let q = this.rows(ex).where('o.starts_at', '<=', now).where('o.ends_at', '>', now);
    if (filter.productId !== undefined) q = q.where('o.product_id', '=', filter.productId);
    return this.views(ex, await q.orderBy('o.ends_at').orderBy('o.id').limit(filter.limit).execute());
  }

  /** Offers with their SKUs (name, own price, group price), picture and phase now. */
  private async views(ex: Executor, rows: OfferRow[]) {
    if (rows.length === 0) return [];
    const skus = await ex
      .selectFrom('group_buy_offer_skus as g')
      .innerJoin('product_skus as s', 's.id', 'g.sku_id')
      .select(['g.offer_id', 'g.sku_id as skuId', 's.name as skuName', 's.price_fen as priceFen', 'g.group_price_fen as groupPriceFen'])
      .where('g.offer_id', 'in', rows.map((r) => r.id))
      .orderBy('g.sku_id')
      .execute();
    const productIds = [...new Set(rows.map((r) => r.productId))];
    const products = await this.catalog.list(ex, { ids: productIds, limit: productIds.length, offset: 0 });
    const imageOf = new Map(products.map((p) => [p.id, p.images.main?.thumb.url ?? p.imageUrl]));
    const now = this.clock.now();
    return rows.map((r) => {
      const own = skus.filter((s) => s.offer_id === r.id).map(({ offer_id: _offer, ...s }) => s);
      return { ...r, imageUrl: imageOf.get(r.productId) ?? null, phase: phaseOf(r, now), skus: own, minGroupPriceFen: Math.min(...own.map((s) => s.groupPriceFen)) };
    });
  }
}

export type OfferView = Awaited<ReturnType<GroupBuyOffers['get']>>;
