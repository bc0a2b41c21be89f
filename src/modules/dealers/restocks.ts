// Restocks (进货): a dealer orders a batch at its tier's prices, from its upper dealer's stock (held
// until HQ confirms the offline payment) or from HQ; confirmation credits the dealer's stock and
// settles the upper dealer once; a restock awaiting payment can be cancelled. See service.ts.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import { businessNumber } from '../orders/index.js';
import { dealerUnitPrice, upperDealerSettlement, type DealerTierPricing } from './pricing.js';
import { requireOwnDealer, tierPricing } from './reads.js';
import { mergeItems, moveStock } from './stock.js';
import type { RestockStatus } from './tables.js';

export interface RestockInput {
  items: Array<{ skuId: number; quantity: number }>;
  clientKey: string;
}

export class DealerRestocks {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A dealer orders a batch at its tier's prices. The client key makes it idempotent: a replay —
   * even a concurrent one — returns the same restock. Stock from an upper dealer is held now.
   */
  async createRestock(memberId: number, input: RestockInput) {
    const dealer = await requireOwnDealer(this.db, memberId);
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
    const pricing = await tierPricing(tx, dealer.tier_id);
    let sourcePricing: DealerTierPricing | undefined;
    if (dealer.upper_dealer_id !== null) {
      const upper = await tx.selectFrom('dealers').select(['tier_id', 'status']).where('id', '=', dealer.upper_dealer_id).executeTakeFirstOrThrow();
      if (upper.status !== 'active') throw conflict('UPPER_DEALER_SUSPENDED', 'your upper dealer is suspended; HQ must reassign you first');
      sourcePricing = await tierPricing(tx, upper.tier_id);
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
}
