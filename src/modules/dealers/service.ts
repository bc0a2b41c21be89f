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
//
// Here: tiers and dealer shops. Restocks are in restocks.ts, the stock, sales and shop-page reads
// in reads.ts; DealersService answers for all of them.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, LOCK_KEYS, lockForTransaction, type Db, type Executor } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { maskPhone } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import {
  dealerOfMember,
  dealerSales,
  dealerStock,
  earningsSummary,
  requireOwnDealer,
  requireTier,
  restockCatalog,
  shopPage,
  stockMoves,
} from './reads.js';
import { DealerRestocks, type RestockInput } from './restocks.js';
import type { DealerRewardMode, DealerStatus, RestockStatus } from './tables.js';

export type { RestockInput } from './restocks.js';

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

const TIER_COLUMNS = ['id', 'name', 'discount_bp as discountBp', 'reward_mode as rewardMode', 'rebate_bp as rebateBp', 'created_at as createdAt'] as const;

export class DealersService {
  private readonly restocking: DealerRestocks;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    commission: CommissionService,
    private readonly audit: AuditService,
  ) {
    this.restocking = new DealerRestocks(db, clock, commission, audit);
  }

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
    await requireTier(ex, tierId);
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
      await requireTier(tx, tierId);
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
  ofMember(ex: Executor, memberId: number) {
    return dealerOfMember(ex, memberId);
  }

  /** The caller's dealer shop; a member who runs none is refused. */
  requireOwn(ex: Executor, memberId: number) {
    return requireOwnDealer(ex, memberId);
  }

  async authorise(actorId: number, input: DealerInput) {
    return inTransaction(this.db, async (tx) => {
      await lockForTransaction(tx, LOCK_KEYS.dealerTree);
      const member = await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${input.memberId} does not exist`);
      if (await this.ofMember(tx, input.memberId)) throw conflict('ALREADY_A_DEALER', `member ${input.memberId} already runs a dealer shop`);
      await requireTier(tx, input.tierId);
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
      if (patch.tierId !== undefined) await requireTier(tx, patch.tierId);
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

  // --- stock (reads.ts) --------------------------------------------------------------

  stock(ex: Executor, dealerId: number) {
    return dealerStock(ex, dealerId);
  }

  /** What a dealer may restock: on-sale SKUs at its dealer price, and what its source holds (null: HQ). */
  restockCatalog(ex: Executor, dealerId: number) {
    return restockCatalog(ex, dealerId);
  }

  /** Every stock move of a dealer, newest first (the proof of what is on hand). */
  stockMoves(ex: Executor, dealerId: number, limit: number, offset: number) {
    return stockMoves(ex, dealerId, limit, offset);
  }

  // --- restocks (restocks.ts) ---------------------------------------------------------

  /** A dealer orders a batch at its tier's prices; idempotent under the client key. */
  createRestock(memberId: number, input: RestockInput) {
    return this.restocking.createRestock(memberId, input);
  }

  /** HQ finance confirms the dealer's transfer: stock credited and the upper dealer settled, once. */
  confirmPayment(actorId: number, restockId: number, paymentRef: string) {
    return this.restocking.confirmPayment(actorId, restockId, paymentRef);
  }

  /** Cancels a restock awaiting payment (the dealer's own, or by HQ): held upper stock goes back. */
  cancelRestock(actor: { memberId: number; asDealerId?: number }, restockId: number) {
    return this.restocking.cancelRestock(actor, restockId);
  }

  /** One restock with its lines; scoped to a dealer (its own) or a source dealer (its lower's) when given. */
  restock(ex: Executor, restockId: number, scope: { dealerId?: number; sourceDealerId?: number } = {}) {
    return this.restocking.restock(ex, restockId, scope);
  }

  restocks(ex: Executor, filter: { id?: number; dealerId?: number; sourceDealerId?: number; status?: RestockStatus; limit: number; offset: number }) {
    return this.restocking.restocks(ex, filter);
  }

  // --- sales (reads.ts) ----------------------------------------------------------------

  /** Orders sold in a dealer's shop, with what the dealer earned on each (net of reversals). */
  sales(ex: Executor, dealerId: number, limit: number, offset: number) {
    return dealerSales(ex, dealerId, limit, offset);
  }

  /** A dealer's money: sale earnings by state, and what its lower dealers' restocks paid it. */
  earningsSummary(ex: Executor, dealerId: number) {
    return earningsSummary(ex, dealerId);
  }

  /** A dealer shop as buyers see it: its on-sale products it holds stock of, at retail. */
  shopPage(ex: Executor, dealerId: number) {
    return shopPage(ex, dealerId);
  }
}
