// Order-dealers (订货商). HQ authorises members as dealer shops with a tier (dealer price) and an
// optional upper dealer. A dealer restocks (进货) virtual stock in batches: from its upper dealer's
// stock if it has one, else from HQ. HQ collects every payment and ships every parcel.
//
// Restock payment: the dealer transfers the amount to HQ offline (bank transfer); HQ finance
// confirms it with the transfer's reference (audited, idempotent). Until then the restock awaits
// payment, holding the upper dealer's units so the confirmation can never fail for want of stock;
// on confirmation the dealer's stock is credited and the upper dealer is settled once per restock
// through commission.award (see pricing.ts: its cost of the units back, plus its reward).
//
// HQ as the source: HQ's catalog stock is physical and is taken when a dealer's customer checks
// out (the core does that for every order, and that is when HQ ships), so a restock from HQ does
// not touch catalog stock — a dealer's virtual stock is a right to sell, not goods set aside.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, LOCK_KEYS, lockForTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import { maskPhone } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import { businessNumber } from '../orders/index.js';
import { dealerUnitPrice, upperDealerSettlement, type DealerTierPricing } from './pricing.js';
import { mergeItems, moveStock } from './stock.js';
import type { DealerRewardMode, DealerStatus, RestockStatus } from './tables.js';

/** Serialises changes of the dealer tree (upper links), so two concurrent changes cannot make a cycle. */

export interface TierInput {
  name: string;
  discountBp: number;
  rewardMode: DealerRewardMode;
  rebateBp?: number;
}

export interface DealerInput {
  memberId: number;
  shopName: string;
  tierId: number;
  upperDealerId?: number | null;
}

export interface DealerPatch {
  shopName?: string;
  tierId?: number;
  upperDealerId?: number | null;
  status?: DealerStatus;
}

export interface RestockInput {
  items: Array<{ skuId: number; quantity: number }>;
  clientKey: string;
}

const TIER_COLUMNS = ['id', 'name', 'discount_bp as discountBp', 'reward_mode as rewardMode', 'rebate_bp as rebateBp', 'created_at as createdAt'] as const;

export class DealersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {}

  // --- tiers ---------------------------------------------------------------------

  async listTiers(ex: Executor) {
    return ex
      .selectFrom('dealer_tiers as t')
      .select(['t.id', 't.name', 't.discount_bp as discountBp', 't.reward_mode as rewardMode', 't.rebate_bp as rebateBp', 't.created_at as createdAt', sql<number>`(select count(*) from dealer_tier_prices p where p.tier_id = t.id)`.as('skuPriceCount'), sql<number>`(select count(*) from dealers d where d.tier_id = t.id)`.as('dealerCount')])
      .orderBy('t.id')
      .execute();
  }

  async createTier(actorId: number, input: TierInput) {
    return inTransaction(this.db, async (tx) => {
      const taken = await tx.selectFrom('dealer_tiers').select('id').where('name', '=', input.name).executeTakeFirst();
      if (taken) throw conflict('DEALER_TIER_NAME_TAKEN', `a dealer tier named ${input.name} exists`);
      const tier = await tx
        .insertInto('dealer_tiers')
        .values({ name: input.name, discount_bp: input.discountBp, reward_mode: input.rewardMode, rebate_bp: input.rebateBp ?? 0, created_at: this.clock.now() })
        .returning(TIER_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'dealer.tier.create', targetType: 'dealer_tier', targetId: tier.id, after: tier });
      return tier;
    });
  }

  async updateTier(actorId: number, tierId: number, patch: Partial<TierInput>) {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('dealer_tiers').select(TIER_COLUMNS).where('id', '=', tierId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('DEALER_TIER_NOT_FOUND', `dealer tier ${tierId} does not exist`);
      if (patch.name !== undefined && patch.name !== before.name) {
        const taken = await tx.selectFrom('dealer_tiers').select('id').where('name', '=', patch.name).executeTakeFirst();
        if (taken) throw conflict('DEALER_TIER_NAME_TAKEN', `a dealer tier named ${patch.name} exists`);
      }
      const after = await tx
        .updateTable('dealer_tiers')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.discountBp !== undefined ? { discount_bp: patch.discountBp } : {}),
          ...(patch.rewardMode !== undefined ? { reward_mode: patch.rewardMode } : {}),
          ...(patch.rebateBp !== undefined ? { rebate_bp: patch.rebateBp } : {}),
        })
        .where('id', '=', tierId)
        .returning(TIER_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'dealer.tier.update', targetType: 'dealer_tier', targetId: tierId, before, after });
      return after;
    });
  }

  async tierPrices(ex: Executor, tierId: number) {
    await this.requireTier(ex, tierId);
    return ex
      .selectFrom('dealer_tier_prices as p')
      .innerJoin('product_skus as s', 's.id', 'p.sku_id')
      .innerJoin('products as pr', 'pr.id', 's.product_id')
      .select(['p.sku_id as skuId', 'pr.title', 's.name as skuName', 's.price_fen as retailFen', 'p.price_fen as priceFen'])
      .where('p.tier_id', '=', tierId)
      .orderBy('p.sku_id')
      .execute();
  }

  /** Sets (priceFen) or removes (null) a tier's own dealer price of a SKU; never above retail. */
  async setTierPrice(actorId: number, tierId: number, skuId: number, priceFen: number | null) {
    return inTransaction(this.db, async (tx) => {
      await this.requireTier(tx, tierId);
      const sku = await tx.selectFrom('product_skus').select(['id', 'price_fen']).where('id', '=', skuId).executeTakeFirst();
      if (!sku) throw unprocessable('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
      const before = await tx.selectFrom('dealer_tier_prices').select('price_fen').where('tier_id', '=', tierId).where('sku_id', '=', skuId).executeTakeFirst();
      if (priceFen === null) {
        await tx.deleteFrom('dealer_tier_prices').where('tier_id', '=', tierId).where('sku_id', '=', skuId).execute();
      } else {
        if (priceFen > sku.price_fen) throw unprocessable('DEALER_PRICE_ABOVE_RETAIL', `the dealer price may not exceed retail ${sku.price_fen} fen`);
        await tx
          .insertInto('dealer_tier_prices')
          .values({ tier_id: tierId, sku_id: skuId, price_fen: priceFen })
          .onConflict((oc) => oc.columns(['tier_id', 'sku_id']).doUpdateSet({ price_fen: priceFen }))
          .execute();
      }
      await this.audit.record(tx, { actorId, action: 'dealer.tier.price', targetType: 'dealer_tier', targetId: tierId, before: { skuId, priceFen: before?.price_fen ?? null }, after: { skuId, priceFen } });
      return { tierId, skuId, priceFen };
    });
  }

  private async requireTier(ex: Executor, tierId: number) {
    const tier = await ex.selectFrom('dealer_tiers').selectAll().where('id', '=', tierId).executeTakeFirst();
    if (!tier) throw notFound('DEALER_TIER_NOT_FOUND', `dealer tier ${tierId} does not exist`);
    return tier;
  }

  private async tierPricing(ex: Executor, tierId: number): Promise<DealerTierPricing & { rewardMode: DealerRewardMode; rebateBp: number }> {
    const tier = await this.requireTier(ex, tierId);
    const overrides = await ex.selectFrom('dealer_tier_prices').select(['sku_id', 'price_fen']).where('tier_id', '=', tierId).execute();
    return { discountBp: tier.discount_bp, overrides: new Map(overrides.map((o) => [o.sku_id, o.price_fen])), rewardMode: tier.reward_mode, rebateBp: tier.rebate_bp };
  }

  // --- dealers -------------------------------------------------------------------

  async list(ex: Executor, filter: { status?: DealerStatus; showPhone: boolean; limit: number; offset: number }) {
    let q = ex
      .selectFrom('dealers as d')
      .innerJoin('members as m', 'm.id', 'd.member_id')
      .innerJoin('dealer_tiers as t', 't.id', 'd.tier_id')
      .leftJoin('dealers as u', 'u.id', 'd.upper_dealer_id')
      .select([
        'd.id',
        'd.member_id as memberId',
        'm.nickname',
        'm.phone',
        'd.shop_name as shopName',
        'd.tier_id as tierId',
        't.name as tierName',
        'd.upper_dealer_id as upperDealerId',
        'u.shop_name as upperShopName',
        'd.status',
        'd.created_at as createdAt',
        sql<number>`(select coalesce(sum(quantity), 0) from dealer_stock s where s.dealer_id = d.id)`.as('stockUnits'),
      ]);
    if (filter.status) q = q.where('d.status', '=', filter.status);
    const rows = await q.orderBy('d.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({ ...r, stockUnits: Number(r.stockUnits), phone: filter.showPhone ? r.phone : maskPhone(r.phone) }));
  }

  async get(ex: Executor, dealerId: number) {
    const dealer = await ex
      .selectFrom('dealers as d')
      .innerJoin('dealer_tiers as t', 't.id', 'd.tier_id')
      .leftJoin('dealers as u', 'u.id', 'd.upper_dealer_id')
      .select(['d.id', 'd.member_id as memberId', 'd.shop_name as shopName', 'd.tier_id as tierId', 't.name as tierName', 't.discount_bp as discountBp', 'd.upper_dealer_id as upperDealerId', 'u.shop_name as upperShopName', 'd.status', 'd.created_at as createdAt'])
      .where('d.id', '=', dealerId)
      .executeTakeFirst();
    if (!dealer) throw notFound('DEALER_NOT_FOUND', `dealer ${dealerId} does not exist`);
    return dealer;
  }

  /** The dealer shop a member runs (any status), or undefined. */
  async ofMember(ex: Executor, memberId: number) {
    return ex.selectFrom('dealers').selectAll().where('member_id', '=', memberId).executeTakeFirst();
  }

  /** The caller's dealer shop; a member who runs none is refused. */
  async requireOwn(ex: Executor, memberId: number) {
    const dealer = await this.ofMember(ex, memberId);
    if (!dealer) throw forbidden('NOT_A_DEALER', 'this is for dealer shops');
    return dealer;
  }

  async authorise(actorId: number, input: DealerInput) {
    return inTransaction(this.db, async (tx) => {
      await lockForTransaction(tx, LOCK_KEYS.dealerTree);
      const member = await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${input.memberId} does not exist`);
      if (await this.ofMember(tx, input.memberId)) throw conflict('ALREADY_A_DEALER', `member ${input.memberId} already runs a dealer shop`);
      await this.requireTier(tx, input.tierId);
      if (input.upperDealerId != null) await this.requireUpper(tx, input.upperDealerId);
      const dealer = await tx
        .insertInto('dealers')
        .values({ member_id: input.memberId, shop_name: input.shopName, tier_id: input.tierId, upper_dealer_id: input.upperDealerId ?? null, created_at: this.clock.now() })
        .returning(['id', 'member_id as memberId', 'shop_name as shopName', 'tier_id as tierId', 'upper_dealer_id as upperDealerId', 'status'])
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'dealer.authorise', targetType: 'dealer', targetId: dealer.id, after: dealer });
      return dealer;
    });
  }

  async update(actorId: number, dealerId: number, patch: DealerPatch) {
    return inTransaction(this.db, async (tx) => {
      await lockForTransaction(tx, LOCK_KEYS.dealerTree);
      const before = await tx.selectFrom('dealers').select(['id', 'shop_name as shopName', 'tier_id as tierId', 'upper_dealer_id as upperDealerId', 'status']).where('id', '=', dealerId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('DEALER_NOT_FOUND', `dealer ${dealerId} does not exist`);
      if (patch.tierId !== undefined) await this.requireTier(tx, patch.tierId);
      if (patch.upperDealerId != null && patch.upperDealerId !== before.upperDealerId) {
        await this.requireUpper(tx, patch.upperDealerId);
        // walking up from the new upper must never reach this dealer
        const chain = await sql<{ id: number }>`
          with recursive up(id, upper_id, depth) as (
            select id, upper_dealer_id, 0 from dealers where id = ${patch.upperDealerId}
            union all
            select d.id, d.upper_dealer_id, up.depth + 1 from dealers d join up on d.id = up.upper_id where up.depth < 1000)
          select id from up`.execute(tx);
        if (chain.rows.some((r) => Number(r.id) === dealerId)) throw unprocessable('DEALER_CYCLE', 'a dealer cannot be above its own upper dealer');
      }
      const after = await tx
        .updateTable('dealers')
        .set({
          ...(patch.shopName !== undefined ? { shop_name: patch.shopName } : {}),
          ...(patch.tierId !== undefined ? { tier_id: patch.tierId } : {}),
          ...(patch.upperDealerId !== undefined ? { upper_dealer_id: patch.upperDealerId } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
        })
        .where('id', '=', dealerId)
        .returning(['id', 'shop_name as shopName', 'tier_id as tierId', 'upper_dealer_id as upperDealerId', 'status'])
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'dealer.update', targetType: 'dealer', targetId: dealerId, before, after });
      return after;
    });
  }

  private async requireUpper(ex: Executor, upperDealerId: number) {
    const upper = await ex.selectFrom('dealers').select(['id', 'status']).where('id', '=', upperDealerId).executeTakeFirst();
    if (!upper) throw unprocessable('UPPER_DEALER_INVALID', `dealer ${upperDealerId} does not exist: the upper must be a dealer`);
    return upper;
  }

  // --- stock and prices ------------------------------------------------------------

  async stock(ex: Executor, dealerId: number) {
    const dealer = await ex.selectFrom('dealers').select('tier_id').where('id', '=', dealerId).executeTakeFirstOrThrow();
    const pricing = await this.tierPricing(ex, dealer.tier_id);
    const rows = await ex
      .selectFrom('dealer_stock as st')
      .innerJoin('product_skus as s', 's.id', 'st.sku_id')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['st.sku_id as skuId', 'p.id as productId', 'p.title', 's.name as skuName', 'p.status as productStatus', 's.price_fen as retailFen', 'st.quantity'])
      .where('st.dealer_id', '=', dealerId)
      .orderBy('st.sku_id')
      .execute();
    return rows.map((r) => ({ ...r, dealerPriceFen: dealerUnitPrice(pricing, r.skuId, r.retailFen) }));
  }

  /** What a dealer may restock: on-sale SKUs at its dealer price, and what its source holds (null: HQ). */
  async restockCatalog(ex: Executor, dealerId: number) {
    const dealer = await ex.selectFrom('dealers').select(['tier_id', 'upper_dealer_id']).where('id', '=', dealerId).executeTakeFirstOrThrow();
    const pricing = await this.tierPricing(ex, dealer.tier_id);
    const skus = await ex
      .selectFrom('product_skus as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .leftJoin('dealer_stock as mine', (j) => j.onRef('mine.sku_id', '=', 's.id').on('mine.dealer_id', '=', dealerId))
      .leftJoin('dealer_stock as src', (j) => j.onRef('src.sku_id', '=', 's.id').on('src.dealer_id', '=', dealer.upper_dealer_id ?? -1))
      .select(['s.id as skuId', 'p.id as productId', 'p.title', 's.name as skuName', 's.price_fen as retailFen', 'mine.quantity as onHand', 'src.quantity as sourceOnHand'])
      .where('p.status', '=', 'on_sale')
      .orderBy('s.id')
      .execute();
    return skus.map((s) => ({
      ...s,
      onHand: s.onHand ?? 0,
      sourceOnHand: dealer.upper_dealer_id === null ? null : (s.sourceOnHand ?? 0),
      dealerPriceFen: dealerUnitPrice(pricing, s.skuId, s.retailFen),
    }));
  }

  /** Every stock move of a dealer, newest first (the proof of what is on hand). */
  async stockMoves(ex: Executor, dealerId: number, limit: number, offset: number) {
    return ex
      .selectFrom('dealer_stock_moves')
      .select(['id', 'sku_id as skuId', 'delta', 'reason', 'ref_id as refId', 'created_at as createdAt'])
      .where('dealer_id', '=', dealerId)
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  // --- restocks --------------------------------------------------------------------

  /**
   * A dealer orders a batch at its tier's prices. The client key makes it idempotent: a replay —
   * even a concurrent one — returns the same restock. Stock from an upper dealer is held now.
   */
  async createRestock(memberId: number, input: RestockInput) {
    const dealer = await this.requireOwn(this.db, memberId);
    if (dealer.status !== 'active') throw forbidden('DEALER_SUSPENDED', 'this dealer shop is suspended');
    const items = mergeItems(input.items);
    const findExisting = async () => {
      const row = await this.db.selectFrom('dealer_restocks').select('id').where('dealer_id', '=', dealer.id).where('client_key', '=', input.clientKey).executeTakeFirst();
      return row?.id;
    };
    const existingId = await findExisting();
    const restockId =
      existingId ??
      (await createOnce('dealer_restocks_client_key_key', () => inTransaction(this.db, (tx) => this.insertRestock(tx, dealer, items, input.clientKey)), findExisting));
    const restock = await this.restock(this.db, restockId, { dealerId: dealer.id });
    const sameItems = restock.lines.length === items.length && items.every((i) => restock.lines.some((l) => l.skuId === i.skuId && l.quantity === i.quantity));
    if (!sameItems) throw conflict('IDEMPOTENCY_KEY_REUSED', 'this restock key was used for other items');
    return restock;
  }

  private async insertRestock(tx: Tx, dealer: { id: number; tier_id: number; upper_dealer_id: number | null }, items: Array<{ skuId: number; quantity: number }>, clientKey: string) {
    const skus = await tx
      .selectFrom('product_skus as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['s.id', 's.price_fen', 'p.status'])
      .where('s.id', 'in', items.map((i) => i.skuId))
      .execute();
    const byId = new Map(skus.map((s) => [s.id, s]));
    for (const item of items) {
      const sku = byId.get(item.skuId);
      if (!sku) throw unprocessable('SKU_NOT_FOUND', `sku ${item.skuId} does not exist`);
      if (sku.status !== 'on_sale') throw conflict('PRODUCT_OFF_SALE', `sku ${item.skuId} is not on sale`);
    }
    const pricing = await this.tierPricing(tx, dealer.tier_id);
    let sourcePricing: DealerTierPricing | undefined;
    if (dealer.upper_dealer_id !== null) {
      const upper = await tx.selectFrom('dealers').select(['tier_id', 'status']).where('id', '=', dealer.upper_dealer_id).executeTakeFirstOrThrow();
      if (upper.status !== 'active') throw conflict('UPPER_DEALER_SUSPENDED', 'your upper dealer is suspended; HQ must reassign you first');
      sourcePricing = await this.tierPricing(tx, upper.tier_id);
    }
    const lines = items.map((i) => {
      const retail = byId.get(i.skuId)!.price_fen;
      return {
        sku_id: i.skuId,
        quantity: i.quantity,
        unit_price_fen: dealerUnitPrice(pricing, i.skuId, retail),
        source_unit_price_fen: sourcePricing ? dealerUnitPrice(sourcePricing, i.skuId, retail) : null,
      };
    });
    const now = this.clock.now();
    const restock = await tx
      .insertInto('dealer_restocks')
      .values({
        restock_no: businessNumber('D', now),
        dealer_id: dealer.id,
        source_dealer_id: dealer.upper_dealer_id,
        client_key: clientKey,
        amount_fen: lines.reduce((s, l) => s + l.unit_price_fen * l.quantity, 0),
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('dealer_restock_lines').values(lines.map((l) => ({ ...l, restock_id: restock.id }))).execute();
    if (dealer.upper_dealer_id !== null) {
      await moveStock(tx, dealer.upper_dealer_id, 'restock_out', restock.id, items.map((i) => ({ skuId: i.skuId, delta: -i.quantity })), now);
    }
    return restock.id;
  }

  /**
   * HQ finance confirms the dealer's transfer: stock is credited and the upper dealer settled,
   * once — a repeat (or a concurrent second confirmation) finds the restock paid and changes nothing.
   */
  async confirmPayment(actorId: number, restockId: number, paymentRef: string) {
    const duplicate = await inTransaction(this.db, async (tx) => {
      const restock = await tx.selectFrom('dealer_restocks').selectAll().where('id', '=', restockId).forUpdate().executeTakeFirst();
      if (!restock) throw notFound('RESTOCK_NOT_FOUND', `restock ${restockId} does not exist`);
      if (restock.status === 'paid') return true;
      if (restock.status === 'cancelled') throw conflict('RESTOCK_CANCELLED', 'this restock was cancelled');
      const lines = await tx.selectFrom('dealer_restock_lines').selectAll().where('restock_id', '=', restockId).execute();
      const now = this.clock.now();
      await moveStock(tx, restock.dealer_id, 'restock_in', restockId, lines.map((l) => ({ skuId: l.sku_id, delta: l.quantity })), now);
      const settlement = restock.source_dealer_id === null ? { costFen: 0, rewardFen: 0 } : await this.settleUpper(tx, restock, lines);
      await tx
        .updateTable('dealer_restocks')
        .set({ status: 'paid', paid_at: now, payment_ref: paymentRef, confirmed_by: actorId, upper_cost_fen: settlement.costFen, upper_reward_fen: settlement.rewardFen })
        .where('id', '=', restockId)
        .execute();
      await this.audit.record(tx, {
        actorId,
        action: 'dealer.restock.confirm_payment',
        targetType: 'dealer_restock',
        targetId: restockId,
        before: { status: restock.status },
        after: { status: 'paid', amountFen: restock.amount_fen, paymentRef, upperCostFen: settlement.costFen, upperRewardFen: settlement.rewardFen },
      });
      return false;
    });
    return { ...(await this.restock(this.db, restockId)), duplicate };
  }

  /** The upper dealer's money for a lower's paid restock: its cost of the units, then its reward; once per restock each. */
  private async settleUpper(tx: Tx, restock: { id: number; restock_no: string; source_dealer_id: number | null }, lines: Array<{ quantity: number; unit_price_fen: number; source_unit_price_fen: number | null }>) {
    const upper = await tx
      .selectFrom('dealers as d')
      .innerJoin('dealer_tiers as t', 't.id', 'd.tier_id')
      .select(['d.id', 'd.member_id', 't.reward_mode', 't.rebate_bp'])
      .where('d.id', '=', restock.source_dealer_id!)
      .executeTakeFirstOrThrow();
    const settlement = upperDealerSettlement(
      upper.reward_mode,
      upper.rebate_bp,
      lines.map((l) => ({ quantity: l.quantity, unitPriceFen: l.unit_price_fen, sourceUnitPriceFen: l.source_unit_price_fen ?? 0 })),
    );
    const base = { memberId: upper.member_id, refType: 'dealer_restock', refId: restock.id };
    if (settlement.costFen > 0) {
      await this.commission.award(tx, { ...base, amountFen: settlement.costFen, code: 'dealer.stock_handover', memo: `进货单 ${restock.restock_no} 货款`, idempotencyKey: `dealer-restock:${restock.id}:handover` });
    }
    if (settlement.rewardFen > 0) {
      await this.commission.award(tx, { ...base, amountFen: settlement.rewardFen, code: `dealer.upper_${upper.reward_mode}`, memo: `进货单 ${restock.restock_no} 上级奖励`, idempotencyKey: `dealer-restock:${restock.id}:reward` });
    }
    return settlement;
  }

  /** Cancels a restock awaiting payment (the dealer's own, or by HQ): held upper stock goes back. */
  async cancelRestock(actor: { memberId: number; asDealerId?: number }, restockId: number) {
    await inTransaction(this.db, async (tx) => {
      let q = tx.selectFrom('dealer_restocks').selectAll().where('id', '=', restockId);
      if (actor.asDealerId !== undefined) q = q.where('dealer_id', '=', actor.asDealerId);
      const restock = await q.forUpdate().executeTakeFirst();
      if (!restock) throw notFound('RESTOCK_NOT_FOUND', `restock ${restockId} does not exist`);
      if (restock.status === 'cancelled') return;
      if (restock.status === 'paid') throw conflict('RESTOCK_ALREADY_PAID', 'a paid restock cannot be cancelled');
      const now = this.clock.now();
      if (restock.source_dealer_id !== null) {
        const lines = await tx.selectFrom('dealer_restock_lines').select(['sku_id', 'quantity']).where('restock_id', '=', restockId).execute();
        await moveStock(tx, restock.source_dealer_id, 'restock_out_returned', restockId, lines.map((l) => ({ skuId: l.sku_id, delta: l.quantity })), now);
      }
      await tx.updateTable('dealer_restocks').set({ status: 'cancelled', cancelled_at: now }).where('id', '=', restockId).execute();
      if (actor.asDealerId === undefined) {
        await this.audit.record(tx, { actorId: actor.memberId, action: 'dealer.restock.cancel', targetType: 'dealer_restock', targetId: restockId, before: { status: restock.status }, after: { status: 'cancelled' } });
      }
    });
    return this.restock(this.db, restockId);
  }

  /** One restock with its lines; scoped to a dealer (its own) or a source dealer (its lower's) when given. */
  async restock(ex: Executor, restockId: number, scope: { dealerId?: number; sourceDealerId?: number } = {}) {
    const [row] = await this.restocks(ex, { ...scope, id: restockId, limit: 1, offset: 0 });
    if (!row) throw notFound('RESTOCK_NOT_FOUND', `restock ${restockId} does not exist`);
    return row;
  }

  async restocks(ex: Executor, filter: { id?: number; dealerId?: number; sourceDealerId?: number; status?: RestockStatus; limit: number; offset: number }) {
    let q = ex
      .selectFrom('dealer_restocks as r')
      .innerJoin('dealers as d', 'd.id', 'r.dealer_id')
      .leftJoin('dealers as src', 'src.id', 'r.source_dealer_id')
      .select([
        'r.id',
        'r.restock_no as restockNo',
        'r.dealer_id as dealerId',
        'd.shop_name as shopName',
        'r.source_dealer_id as sourceDealerId',
        'src.shop_name as sourceShopName',
        'r.status',
        'r.amount_fen as amountFen',
        'r.upper_cost_fen as upperCostFen',
        'r.upper_reward_fen as upperRewardFen',
        'r.payment_ref as paymentRef',
        'r.created_at as createdAt',
        'r.paid_at as paidAt',
        'r.cancelled_at as cancelledAt',
      ]);
    if (filter.id !== undefined) q = q.where('r.id', '=', filter.id);
    if (filter.dealerId !== undefined) q = q.where('r.dealer_id', '=', filter.dealerId);
    if (filter.sourceDealerId !== undefined) q = q.where('r.source_dealer_id', '=', filter.sourceDealerId);
    if (filter.status) q = q.where('r.status', '=', filter.status);
    const rows = await q.orderBy('r.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const lines = rows.length
      ? await ex
          .selectFrom('dealer_restock_lines as l')
          .innerJoin('product_skus as s', 's.id', 'l.sku_id')
          .innerJoin('products as p', 'p.id', 's.product_id')
          .select(['l.restock_id', 'l.sku_id as skuId', 'p.title', 's.name as skuName', 'l.quantity', 'l.unit_price_fen as unitPriceFen', 'l.source_unit_price_fen as sourceUnitPriceFen'])
          .where('l.restock_id', 'in', rows.map((r) => r.id))
          .orderBy('l.sku_id')
          .execute()
      : [];
    return rows.map((r) => ({ ...r, lines: lines.filter((l) => l.restock_id === r.id).map(({ restock_id: _, ...l }) => l) }));
  }

  // --- sales -----------------------------------------------------------------------

  /** Orders sold in a dealer's shop, with what the dealer earned on each (net of reversals). */
  async sales(ex: Executor, dealerId: number, limit: number, offset: number) {
    const dealer = await ex.selectFrom('dealers').select('member_id').where('id', '=', dealerId).executeTakeFirstOrThrow();
    return ex
      .selectFrom('dealer_orders as so')
      .innerJoin('orders as o', 'o.id', 'so.order_id')
      .select([
        'o.id as orderId',
        'o.order_no as orderNo',
        'o.status as orderStatus',
        'so.status as stockStatus',
        'o.goods_fen as goodsFen',
        'o.paid_fen as paidFen',
        'o.refunded_fen as refundedFen',
        'o.created_at as createdAt',
        'o.paid_at as paidAt',
        sql<string>`(select string_agg(l.title || ' ×' || l.quantity, '，' order by l.id) from order_lines l where l.order_id = o.id)`.as('summary'),
        sql<number>`(select coalesce(sum(e.amount_fen - e.reversed_fen), 0) from commission_earnings e where e.order_id = o.id and e.kind = 'dealer_sale' and e.earner_id = ${dealer.member_id})`.as('earnedFen'),
        sql<number>`(select coalesce(sum(e.amount_fen - e.reversed_fen), 0) from commission_earnings e where e.order_id = o.id and e.kind = 'distribution')`.as('commissionFen'),
      ])
      .where('so.dealer_id', '=', dealerId)
      .orderBy('so.order_id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** A dealer's money: sale earnings by state, and what its lower dealers' restocks paid it. */
  async earningsSummary(ex: Executor, dealerId: number) {
    const dealer = await ex.selectFrom('dealers').select('member_id').where('id', '=', dealerId).executeTakeFirstOrThrow();
    const byState = await ex
      .selectFrom('commission_earnings')
      .select(['state', sql<number>`coalesce(sum(amount_fen - reversed_fen), 0)`.as('fen')])
      .where('earner_id', '=', dealer.member_id)
      .where('kind', '=', 'dealer_sale')
      .groupBy('state')
      .execute();
    const fromLower = await ex
      .selectFrom('dealer_restocks')
      .select([sql<number>`coalesce(sum(upper_cost_fen), 0)`.as('costFen'), sql<number>`coalesce(sum(upper_reward_fen), 0)`.as('rewardFen'), sql<number>`count(*)`.as('count')])
      .where('source_dealer_id', '=', dealerId)
      .where('status', '=', 'paid')
      .executeTakeFirstOrThrow();
    const sale = Object.fromEntries(byState.map((r) => [r.state, Number(r.fen)]));
    return {
      saleEarnings: { pendingFen: sale.pending ?? 0, frozenFen: sale.frozen ?? 0, availableFen: sale.available ?? 0, reversedFen: sale.reversed ?? 0 },
      lowerRestocks: { count: Number(fromLower.count), handoverFen: Number(fromLower.costFen), rewardFen: Number(fromLower.rewardFen) },
    };
  }

  /** A dealer shop as buyers see it: its on-sale products it holds stock of, at retail. */
  async shopPage(ex: Executor, dealerId: number) {
    const dealer = await ex.selectFrom('dealers').select(['id', 'shop_name', 'status']).where('id', '=', dealerId).executeTakeFirst();
    if (!dealer || dealer.status !== 'active') throw notFound('DEALER_SHOP_NOT_FOUND', `dealer shop ${dealerId} does not exist`);
    const rows = await ex
      .selectFrom('dealer_stock as st')
      .innerJoin('product_skus as s', 's.id', 'st.sku_id')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['p.id as productId', 'p.title', 'p.description', 'p.image_url as imageUrl', 's.id as skuId', 's.name as skuName', 's.price_fen as priceFen', 'st.quantity as stock'])
      .where('st.dealer_id', '=', dealerId)
      .where('st.quantity', '>', 0)
      .where('p.status', '=', 'on_sale')
      .orderBy('p.id')
      .orderBy('s.id')
      .execute();
    const products = new Map<number, { productId: number; title: string; description: string; imageUrl: string | null; minPriceFen: number; skus: Array<{ skuId: number; name: string; priceFen: number; stock: number }> }>();
    for (const r of rows) {
      const product = products.get(r.productId) ?? { productId: r.productId, title: r.title, description: r.description, imageUrl: r.imageUrl, minPriceFen: r.priceFen, skus: [] };
      product.skus.push({ skuId: r.skuId, name: r.skuName, priceFen: r.priceFen, stock: r.stock });
      product.minPriceFen = Math.min(product.minPriceFen, r.priceFen);
      products.set(r.productId, product);
    }
    return { id: dealer.id, shopName: dealer.shop_name, products: [...products.values()] };
  }
}
