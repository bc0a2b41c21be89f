// The points mall (积分商城): HQ lists goods (shipped by HQ) and coupons (granted by the promotions
// feature through an injected CouponGranter). An exchange takes the points and the stock in one
// transaction, once per client key.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/idempotency.js';
import type { ShippingAddress } from '../orders/index.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { PointsService } from './points.js';
import type { MallItemKind, RedemptionStatus } from './tables.js';

/** Grants one coupon of a template to a member inside the caller's transaction, once per key. */
export type CouponGranter = (tx: Tx, memberId: number, templateId: number, idempotencyKey: string) => Promise<void>;

export interface MallItemInput {
  kind: MallItemKind;
  title: string;
  description?: string;
  imageUrl?: string | null;
  pointsPrice: number;
  skuId?: number | null;
  couponTemplateId?: number | null;
  stock: number;
  perMemberLimit?: number | null;
  status?: 'on' | 'off';
}

export interface ExchangeInput {
  itemId: number;
  quantity: number;
  clientKey: string;
  shippingAddress?: ShippingAddress | null;
}

const ITEM_COLUMNS = [
  'i.id',
  'i.kind',
  'i.title',
  'i.description',
  'i.image_url as imageUrl',
  'i.points_price as pointsPrice',
  'i.sku_id as skuId',
  'i.coupon_template_id as couponTemplateId',
  'i.stock',
  'i.per_member_limit as perMemberLimit',
  'i.status',
  'i.created_at as createdAt',
] as const;

const REDEMPTION_COLUMNS = [
  'r.id',
  'r.member_id as memberId',
  'r.item_id as itemId',
  'i.title as itemTitle',
  'r.kind',
  'r.quantity',
  'r.points',
  'r.status',
  'r.shipping_address as shippingAddress',
  'r.tracking_no as trackingNo',
  'r.handled_at as handledAt',
  'r.cancel_reason as cancelReason',
  'r.created_at as createdAt',
] as const;

export class MallService {
  private couponGranter: CouponGranter | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly points: PointsService,
    private readonly audit: AuditService,
  ) {}

  setCouponGranter(fn: CouponGranter): void {
    this.couponGranter = fn;
  }

  async createItem(actorId: number, input: MallItemInput) {
    return inTransaction(this.db, async (tx) => {
      await this.checkItemTarget(tx, input);
      const row = await tx
        .insertInto('loyalty_mall_items')
        .values({
          kind: input.kind,
          title: input.title,
          description: input.description ?? '',
          image_url: input.imageUrl ?? null,
          points_price: input.pointsPrice,
          sku_id: input.kind === 'goods' ? (input.skuId ?? null) : null,
          coupon_template_id: input.kind === 'coupon' ? input.couponTemplateId! : null,
          stock: input.stock,
          per_member_limit: input.perMemberLimit ?? null,
          status: input.status ?? 'on',
          created_at: this.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const item = await this.item(tx, row.id);
      await this.audit.record(tx, { actorId, action: 'loyalty.mall_item_create', targetType: 'loyalty_mall_item', targetId: row.id, after: item });
      return item;
    });
  }

  private async checkItemTarget(tx: Tx, input: Pick<MallItemInput, 'kind' | 'skuId' | 'couponTemplateId'>) {
    if (input.kind === 'coupon' && input.couponTemplateId == null) throw unprocessable('MALL_ITEM_INVALID', 'a coupon item names a coupon template');
    if (input.kind === 'goods' && input.couponTemplateId != null) throw unprocessable('MALL_ITEM_INVALID', 'a goods item has no coupon template');
    if (input.kind === 'coupon' && input.skuId != null) throw unprocessable('MALL_ITEM_INVALID', 'a coupon item has no SKU');
    if (input.kind === 'goods' && input.skuId != null) {
      const sku = await tx.selectFrom('product_skus').select('id').where('id', '=', input.skuId).executeTakeFirst();
      if (!sku) throw unprocessable('SKU_NOT_FOUND', `SKU ${input.skuId} does not exist`);
    }
  }

  /** HQ edits price, stock, limit, status and texts; the kind and its target stay. */
  async updateItem(actorId: number, id: number, changes: Partial<Omit<MallItemInput, 'kind' | 'skuId' | 'couponTemplateId'>>) {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('loyalty_mall_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MALL_ITEM_NOT_FOUND', `mall item ${id} does not exist`);
      await tx
        .updateTable('loyalty_mall_items')
        .set({
          ...(changes.title !== undefined ? { title: changes.title } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.imageUrl !== undefined ? { image_url: changes.imageUrl } : {}),
          ...(changes.pointsPrice !== undefined ? { points_price: changes.pointsPrice } : {}),
          ...(changes.stock !== undefined ? { stock: changes.stock } : {}),
          ...(changes.perMemberLimit !== undefined ? { per_member_limit: changes.perMemberLimit } : {}),
          ...(changes.status !== undefined ? { status: changes.status } : {}),
        })
        .where('id', '=', id)
        .execute();
      const after = await this.item(tx, id);
      await this.audit.record(tx, { actorId, action: 'loyalty.mall_item_update', targetType: 'loyalty_mall_item', targetId: id, before, after });
      return after;
    });
  }

  async item(ex: Executor, id: number) {
    const row = await ex.selectFrom('loyalty_mall_items as i').select(ITEM_COLUMNS).where('i.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('MALL_ITEM_NOT_FOUND', `mall item ${id} does not exist`);
    return row;
  }

  async items(ex: Executor, query: { onlyOn: boolean; limit: number; offset: number }) {
    let q = ex.selectFrom('loyalty_mall_items as i').select(ITEM_COLUMNS).orderBy('i.id', 'desc').limit(query.limit).offset(query.offset);
    if (query.onlyOn) q = q.where('i.status', '=', 'on');
    return q.execute();
  }

  /**
   * Exchanges points for an item: the item row is locked, its stock and the member's points are
   * taken and the redemption is written in one transaction. A repeated client key answers with
   * the first redemption (also when two requests race: the unique key decides).
   */
  async exchange(memberId: number, input: ExchangeInput) {
    try {
      return await inTransaction(this.db, (tx) => this.exchangeIn(tx, memberId, input));
    } catch (error) {
      if (!isUniqueViolation(error, 'loyalty_redemptions_client_key')) throw error;
      return { duplicate: true, redemption: await this.existingRedemption(this.db, memberId, input) };
    }
  }

  private async existingRedemption(ex: Executor, memberId: number, input: ExchangeInput) {
    const row = await ex.selectFrom('loyalty_redemptions as r').innerJoin('loyalty_mall_items as i', 'i.id', 'r.item_id').select(REDEMPTION_COLUMNS).where('r.member_id', '=', memberId).where('r.client_key', '=', input.clientKey).executeTakeFirst();
    if (row && (row.itemId !== input.itemId || row.quantity !== input.quantity)) throw conflict('IDEMPOTENCY_KEY_REUSED', 'this client key was used for another exchange');
    return row;
  }

  private async exchangeIn(tx: Tx, memberId: number, input: ExchangeInput) {
    const existing = await this.existingRedemption(tx, memberId, input);
    if (existing) return { duplicate: true, redemption: existing };
    const item = await tx.selectFrom('loyalty_mall_items').selectAll().where('id', '=', input.itemId).forUpdate().executeTakeFirst();
    if (!item || item.status !== 'on') throw notFound('MALL_ITEM_NOT_FOUND', `mall item ${input.itemId} is not on sale`);
    if (item.kind === 'coupon' && !this.couponGranter) throw unprocessable('COUPON_ITEMS_UNAVAILABLE', 'coupon items cannot be exchanged yet: coupons are not set up');
    if (item.kind === 'goods' && !input.shippingAddress) throw unprocessable('SHIPPING_ADDRESS_REQUIRED', 'goods need a shipping address');
    if (item.stock < input.quantity) throw unprocessable('MALL_OUT_OF_STOCK', `only ${item.stock} left`);
    if (item.per_member_limit !== null) {
      const taken = await tx
        .selectFrom('loyalty_redemptions')
        .select(sql<number>`coalesce(sum(quantity), 0)`.as('n'))
        .where('item_id', '=', item.id)
        .where('member_id', '=', memberId)
        .where('status', '<>', 'cancelled')
        .executeTakeFirstOrThrow();
      if (Number(taken.n) + input.quantity > item.per_member_limit) throw unprocessable('MALL_LIMIT_REACHED', `at most ${item.per_member_limit} per member`);
    }
    const points = item.points_price * input.quantity;
    await tx.updateTable('loyalty_mall_items').set({ stock: item.stock - input.quantity }).where('id', '=', item.id).execute();
    const redemption = await tx
      .insertInto('loyalty_redemptions')
      .values({
        member_id: memberId,
        item_id: item.id,
        kind: item.kind,
        quantity: input.quantity,
        points,
        status: item.kind === 'goods' ? 'pending' : 'granted',
        shipping_address: item.kind === 'goods' ? JSON.stringify(input.shippingAddress) : null,
        client_key: input.clientKey,
        created_at: this.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.points.record(tx, { memberId, points: -points, reason: 'mall_exchange', refType: 'loyalty_redemption', refId: redemption.id, idempotencyKey: `mall:exchange:${redemption.id}`, memo: item.title });
    if (item.kind === 'coupon') {
      for (let n = 1; n <= input.quantity; n++) await this.couponGranter!(tx, memberId, item.coupon_template_id!, `loyalty:mall:${redemption.id}:${n}`);
    }
    return { duplicate: false, redemption: (await this.existingRedemption(tx, memberId, input))! };
  }

  async redemptionsOf(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    return ex.selectFrom('loyalty_redemptions as r').innerJoin('loyalty_mall_items as i', 'i.id', 'r.item_id').select(REDEMPTION_COLUMNS).where('r.member_id', '=', memberId).orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute();
  }

  async redemptionsForHq(ex: Executor, query: { status?: RedemptionStatus; memberId?: number; limit: number; offset: number }) {
    let q = ex
      .selectFrom('loyalty_redemptions as r')
      .innerJoin('loyalty_mall_items as i', 'i.id', 'r.item_id')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select([...REDEMPTION_COLUMNS, 'm.nickname', 'm.phone'])
      .orderBy('r.id', 'desc')
      .limit(query.limit)
      .offset(query.offset);
    let count = ex.selectFrom('loyalty_redemptions as r').select(sql<number>`count(*)`.as('n'));
    if (query.status) {
      q = q.where('r.status', '=', query.status);
      count = count.where('r.status', '=', query.status);
    }
    if (query.memberId) {
      q = q.where('r.member_id', '=', query.memberId);
      count = count.where('r.member_id', '=', query.memberId);
    }
    const [items, total] = await Promise.all([q.execute(), count.executeTakeFirstOrThrow()]);
    return { total: Number(total.n), items };
  }

  /** HQ shipped a goods redemption. */
  async fulfil(actorId: number, id: number, trackingNo: string | null) {
    return inTransaction(this.db, async (tx) => {
      const r = await this.lockPending(tx, id);
      await tx.updateTable('loyalty_redemptions').set({ status: 'fulfilled', tracking_no: trackingNo, handled_by: actorId, handled_at: this.clock.now() }).where('id', '=', id).execute();
      await this.audit.record(tx, { actorId, action: 'loyalty.redemption_fulfil', targetType: 'loyalty_redemption', targetId: id, before: { status: r.status }, after: { status: 'fulfilled', trackingNo } });
      return { id, status: 'fulfilled' as const };
    });
  }

  /** HQ cannot ship a goods redemption: the points and the stock go back. */
  async cancel(actorId: number, id: number, reason: string) {
    return inTransaction(this.db, async (tx) => {
      const r = await this.lockPending(tx, id);
      await tx.updateTable('loyalty_redemptions').set({ status: 'cancelled', cancel_reason: reason, handled_by: actorId, handled_at: this.clock.now() }).where('id', '=', id).execute();
      await tx.updateTable('loyalty_mall_items').set((eb) => ({ stock: eb('stock', '+', r.quantity) })).where('id', '=', r.item_id).execute();
      await this.points.record(tx, { memberId: r.member_id, points: r.points, reason: 'mall_refund', refType: 'loyalty_redemption', refId: id, idempotencyKey: `mall:cancel:${id}`, memo: reason });
      await this.audit.record(tx, { actorId, action: 'loyalty.redemption_cancel', targetType: 'loyalty_redemption', targetId: id, before: { status: r.status }, after: { status: 'cancelled', pointsReturned: r.points }, reason });
      return { id, status: 'cancelled' as const };
    });
  }

  private async lockPending(tx: Tx, id: number) {
    const r = await tx.selectFrom('loyalty_redemptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound('REDEMPTION_NOT_FOUND', `redemption ${id} does not exist`);
    if (r.status !== 'pending') throw conflict('REDEMPTION_NOT_PENDING', `redemption ${id} is ${r.status}`);
    return r;
  }
}
