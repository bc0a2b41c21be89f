// Read-only queries of dealers: a tier's pricing, the shop a member runs, stock, sales and the shop
// page. DealersService answers for them; restocks.ts prices and checks with them too.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { forbidden, notFound } from '../../errors.js';
import { dealerUnitPrice, type DealerTierPricing } from './pricing.js';
import type { DealerRewardMode } from './tables.js';

export async function requireTier(ex: Executor, tierId: number) {
  const tier = await ex.selectFrom('dealer_tiers').selectAll().where('id', '=', tierId).executeTakeFirst();
  if (!tier) throw notFound('DEALER_TIER_NOT_FOUND', `dealer tier ${tierId} does not exist`);
  return tier;
}

export async function tierPricing(ex: Executor, tierId: number): Promise<DealerTierPricing & { rewardMode: DealerRewardMode; rebateBp: number }> {
  const tier = await requireTier(ex, tierId);
  const overrides = await ex.selectFrom('dealer_tier_prices').select(['sku_id', 'price_fen']).where('tier_id', '=', tierId).execute();
  return { discountBp: tier.discount_bp, overrides: new Map(overrides.map((o) => [o.sku_id, o.price_fen])), rewardMode: tier.reward_mode, rebateBp: tier.rebate_bp };
}

/** The dealer shop a member runs (any status), or undefined. */
export async function dealerOfMember(ex: Executor, memberId: number) {
  return ex.selectFrom('dealers').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}

/** The caller's dealer shop; a member who runs none is refused. */
export async function requireOwnDealer(ex: Executor, memberId: number) {
  const dealer = await dealerOfMember(ex, memberId);
  if (!dealer) throw forbidden('NOT_A_DEALER', 'this is for dealer shops');
  return dealer;
}

export async function dealerStock(ex: Executor, dealerId: number) {
  const dealer = await ex.selectFrom('dealers').select('tier_id').where('id', '=', dealerId).executeTakeFirstOrThrow();
  const pricing = await tierPricing(ex, dealer.tier_id);
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
export async function restockCatalog(ex: Executor, dealerId: number) {
  const dealer = await ex.selectFrom('dealers').select(['tier_id', 'upper_dealer_id']).where('id', '=', dealerId).executeTakeFirstOrThrow();
  const pricing = await tierPricing(ex, dealer.tier_id);
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
export async function stockMoves(ex: Executor, dealerId: number, limit: number, offset: number) {
  return ex
    .selectFrom('dealer_stock_moves')
    .select(['id', 'sku_id as skuId', 'delta', 'reason', 'ref_id as refId', 'created_at as createdAt'])
    .where('dealer_id', '=', dealerId)
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Orders sold in a dealer's shop, with what the dealer earned on each (net of reversals). */
export async function dealerSales(ex: Executor, dealerId: number, limit: number, offset: number) {
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
export async function earningsSummary(ex: Executor, dealerId: number) {
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
export async function shopPage(ex: Executor, dealerId: number) {
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
