// Reads of flash sales: HQ's campaigns with live sales per item, and the shop's running and upcoming
// campaigns with what is left (no login; two statements whatever the number of campaigns).
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { CommissionMode } from './tables.js';

export type FlashSaleState = 'upcoming' | 'running' | 'ended';

export interface FlashSaleItemView {
  id: number;
  skuId: number;
  productId: number;
  productTitle: string;
  skuName: string;
  imageUrl: string | null;
  /** the SKU's own price, for the struck-through figure */
  skuPriceFen: number;
  priceFen: number;
  stock: number;
  sold: number;
  returned: number;
  /** left to sell: stock − returned − sold */
  remaining: number;
  perMemberLimit: number | null;
  commissionMode: CommissionMode;
  commissionRatesBp: number[] | null;
}

export interface FlashSaleView {
  id: number;
  name: string;
  startsAt: Date;
  endsAt: Date;
  unpaidMinutes: number;
  state: FlashSaleState;
  endedAt: Date | null;
  createdAt: Date;
  items: FlashSaleItemView[];
}

/** HQ's live figures of an item: units in paid and in unpaid (held) orders. */
export interface ItemSales {
  paidQuantity: number;
  unpaidQuantity: number;
  orders: number;
}

export function stateOf(sale: { status: string; starts_at: Date; ends_at: Date }, now: Date): FlashSaleState {
  if (sale.status === 'ended' || now >= sale.ends_at) return 'ended';
  return now < sale.starts_at ? 'upcoming' : 'running';
}

export async function readFlashSales(ex: Executor, now: Date, filter: { ids?: number[]; open?: boolean; productId?: number; limit: number; offset: number }): Promise<FlashSaleView[]> {
  let q = ex.selectFrom('flash_sales').selectAll();
  if (filter.ids) q = q.where('id', 'in', filter.ids.length ? filter.ids : [-1]);
  // the shop's: not ended and not past its end, soonest first
  if (filter.open) q = q.where('status', '=', 'active').where('ends_at', '>', now);
  if (filter.productId !== undefined) q = q.where((eb) => eb.exists(eb.selectFrom('flash_sale_items as i').select('i.id').whereRef('i.flash_sale_id', '=', 'flash_sales.id').where('i.product_id', '=', filter.productId!)));
  const sales = await (filter.open ? q.orderBy('starts_at').orderBy('id') : q.orderBy('id', 'desc')).limit(filter.limit).offset(filter.offset).execute();
  if (sales.length === 0) return [];
  const items = await ex
    .selectFrom('flash_sale_items as i')
    .innerJoin('product_skus as s', 's.id', 'i.sku_id')
    .innerJoin('products as p', 'p.id', 'i.product_id')
    .select(['i.id', 'i.flash_sale_id', 'i.sku_id', 'i.product_id', 'p.title', 's.name', 'p.image_url', 's.price_fen as sku_price_fen', 'i.price_fen', 'i.stock', 'i.sold', 'i.returned', 'i.per_member_limit', 'i.commission_mode', 'i.commission_rates_bp'])
    .where('i.flash_sale_id', 'in', sales.map((s) => s.id))
    .orderBy('i.id')
    .execute();
  return sales.map((s) => ({
    id: s.id,
    name: s.name,
    startsAt: s.starts_at,
    endsAt: s.ends_at,
    unpaidMinutes: s.unpaid_minutes,
    state: stateOf(s, now),
    endedAt: s.ended_at,
    createdAt: s.created_at,
    items: items
      .filter((i) => i.flash_sale_id === s.id)
      .map((i) => ({
        id: i.id,
        skuId: i.sku_id,
        productId: i.product_id,
        productTitle: i.title,
        skuName: i.name,
        imageUrl: i.image_url,
        skuPriceFen: i.sku_price_fen,
        priceFen: i.price_fen,
        stock: i.stock,
        sold: i.sold,
        returned: i.returned,
        remaining: Math.max(0, i.stock - i.returned - i.sold),
        perMemberLimit: i.per_member_limit,
        commissionMode: i.commission_mode,
        commissionRatesBp: i.commission_rates_bp,
      })),
  }));
}

/** Units and orders per item by state of their orders: one grouped read over the campaign's items. */
export async function itemSales(ex: Executor, itemIds: number[]): Promise<Map<number, ItemSales>> {
  const rows = itemIds.length
    ? await ex
        .selectFrom('flash_sale_orders')
        .select(['item_id', 'status', sql<number>`sum(quantity)::int`.as('quantity'), sql<number>`count(*)::int`.as('orders')])
        .where('item_id', 'in', itemIds)
        .where('status', 'in', ['unpaid', 'paid'])
        .groupBy(['item_id', 'status'])
        .execute()
    : [];
  const out = new Map<number, ItemSales>(itemIds.map((id) => [id, { paidQuantity: 0, unpaidQuantity: 0, orders: 0 }]));
  for (const r of rows) {
    const s = out.get(r.item_id)!;
    if (r.status === 'paid') s.paidQuantity += r.quantity;
    else s.unpaidQuantity += r.quantity;
    s.orders += r.orders;
  }
  return out;
}
