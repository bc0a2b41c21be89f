// The flash sale as an order participant (see orders/participants.ts). A checkout with
// campaign = { kind: 'flash_sale', id } is priced at the campaign's price for its SKUs; their stock is
// the campaign's own, taken last in the checkout's transaction by one conditional update of the item
// row (sold + q <= stock − returned), so the row is locked only until the commit and no unit is sold
// twice. The member's limit on an item is held by an advisory lock on (member, item) from pricing to
// the commit. An unpaid order closes after the campaign's unpaid_minutes and its units sell again.
// A refunded order's units are not sold again (the goods were bought); a full refund frees the
// member's limit.
import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../errors.js';
import type { CatalogService } from '../catalog/index.js';
import type { CampaignTerms, CheckoutContext, OrderParticipant } from '../orders/index.js';
import type { CommissionOverride } from '../rules/index.js';
import type { CommissionMode } from './tables.js';

/** The advisory-lock class of a member's checkouts of one campaign item (the second key hashes both). */
const MEMBER_LIMIT_LOCK_CLASS = 7_100_202;

/** The rules' override shape for an item's commission mode; undefined: as the rules say. */
export function commissionOverrideOf(mode: CommissionMode, ratesBp: number[] | null): CommissionOverride | undefined {
  if (mode === 'none') return { mode: 'rate', ratesBp: [0] };
  if (mode === 'rate') return { mode: 'rate', ratesBp: ratesBp?.length ? ratesBp : [0] };
  return undefined;
}

function wantedOf(ctx: CheckoutContext): Map<number, number> {
  const wanted = new Map<number, number>();
  for (const item of ctx.input.items) wanted.set(item.skuId, (wanted.get(item.skuId) ?? 0) + item.quantity);
  return wanted;
}

function flashSaleId(ctx: CheckoutContext): number | undefined {
  return ctx.input.campaign?.kind === 'flash_sale' ? ctx.input.campaign.id : undefined;
}

export function flashSaleParticipant(catalog: CatalogService): OrderParticipant {
  return {
    name: 'flash-sales',

    async campaignTerms(tx, ctx) {
      const id = flashSaleId(ctx);
      if (id === undefined) return undefined;
      const wanted = wantedOf(ctx);
      const rows = await tx
        .selectFrom('flash_sales as f')
        .leftJoin('flash_sale_items as i', (j) => j.onRef('i.flash_sale_id', '=', 'f.id').on('i.sku_id', 'in', [...wanted.keys()]))
        .select(['f.starts_at', 'f.ends_at', 'f.status', 'f.unpaid_minutes', 'i.id as itemId', 'i.sku_id', 'i.price_fen', 'i.stock', 'i.sold', 'i.returned', 'i.per_member_limit', 'i.commission_mode', 'i.commission_rates_bp'])
        .where('f.id', '=', id)
        .execute();
      const items = rows.filter((r) => r.itemId !== null);
      if (rows.length === 0 || items.length === 0) throw unprocessable('FLASH_SALE_NOT_FOUND', `flash sale ${id} does not sell these SKUs`);
      const sale = rows[0]!;
      if (ctx.now < sale.starts_at) throw conflict('FLASH_SALE_NOT_STARTED', `flash sale ${id} starts at ${sale.starts_at.toISOString()}`, { startsAt: sale.starts_at });
      if (sale.status === 'ended' || ctx.now >= sale.ends_at) throw conflict('FLASH_SALE_ENDED', `flash sale ${id} has ended`);
      // a cheap early answer once it is gone; the conditional update in reserveCheckout is the real check
      for (const item of items) if (item.stock! - item.returned! - item.sold! < wanted.get(item.sku_id!)!) throw conflict('FLASH_SALE_SOLD_OUT', `flash sale ${id} has sold out`, { skuId: item.sku_id });
      await holdMemberLimits(tx, ctx.buyerId, items.flatMap((i) => (i.per_member_limit === null ? [] : [{ itemId: i.itemId!, limit: i.per_member_limit, quantity: wanted.get(i.sku_id!)! }])));
      const terms: CampaignTerms = {
        unitPricesFen: new Map(items.map((i) => [i.sku_id!, i.price_fen!])),
        ownStockSkuIds: new Set(items.map((i) => i.sku_id!)),
        commissionOverrides: new Map(items.flatMap((i) => {
          const override = commissionOverrideOf(i.commission_mode!, i.commission_rates_bp);
          return override ? [[i.sku_id!, override] as const] : [];
        })),
        payWithinMinutes: sale.unpaid_minutes,
      };
      return terms;
    },

    async reserveCheckout(tx, ctx) {
      const id = flashSaleId(ctx);
      if (id === undefined) return;
      const wanted = [...wantedOf(ctx)].sort((a, b) => a[0] - b[0]);
      for (const [skuId, quantity] of wanted) {
        // one statement: take the units if they are there, and record the order's line of the item
        const taken = await sql<{ item_id: number }>`
          with taken as (
            update flash_sale_items set sold = sold + ${quantity}
            where flash_sale_id = ${id} and sku_id = ${skuId} and sold + ${quantity} <= stock - returned
            returning id)
          insert into flash_sale_orders (order_id, item_id, flash_sale_id, member_id, quantity, created_at)
          select ${ctx.orderId}, id, ${id}, ${ctx.buyerId}, ${quantity}, ${ctx.now} from taken
          returning item_id`.execute(tx);
        if (taken.rows.length > 0) continue;
        // a SKU of the cart outside the campaign is the catalog's; else it sold out or ended meanwhile
        const item = await tx.selectFrom('flash_sale_items as i').innerJoin('flash_sales as f', 'f.id', 'i.flash_sale_id').select(['f.status']).where('i.flash_sale_id', '=', id).where('i.sku_id', '=', skuId).executeTakeFirst();
        if (!item) continue;
        if (item.status === 'ended') throw conflict('FLASH_SALE_ENDED', `flash sale ${id} has ended`);
        throw conflict('FLASH_SALE_SOLD_OUT', `flash sale ${id} has sold out`, { skuId });
      }
    },

    async onClosed(tx, order) {
      const closed = await tx.updateTable('flash_sale_orders').set({ status: 'closed' }).where('order_id', '=', order.orderId).where('status', '=', 'unpaid').returning(['item_id', 'quantity', 'flash_sale_id']).execute();
      if (closed.length === 0) return;
      await giveBack(tx, catalog, closed);
    },

    async onPaid(tx, order) {
      if (order.campaign?.kind !== 'flash_sale') return;
      await tx.updateTable('flash_sale_orders').set({ status: 'paid' }).where('order_id', '=', order.orderId).where('status', '=', 'unpaid').execute();
    },

    async onRefunded(tx, refund) {
      // a line refunded whole no longer counts against the member's limit; its units are not sold again
      const skuIds = refund.lines.filter((l) => l.refundedFen >= l.paidFen).map((l) => l.skuId);
      if (skuIds.length === 0) return;
      await sql`
        update flash_sale_orders o set status = 'refunded' from flash_sale_items i
        where o.order_id = ${refund.orderId} and o.status = 'paid' and i.id = o.item_id and i.sku_id in (${sql.join(skuIds)})`.execute(tx);
    },
  };
}

/**
 * A member's limit on each item counts their unpaid and paid campaign orders (not closed, not
 * refunded). Their checkouts of one item take turns on the lock, held until the commit, so two at
 * once cannot both pass it.
 */
async function holdMemberLimits(tx: Tx, memberId: number, limited: Array<{ itemId: number; limit: number; quantity: number }>): Promise<void> {
  if (limited.length === 0) return;
  limited.sort((a, b) => a.itemId - b.itemId);
  for (const l of limited) await sql`select pg_advisory_xact_lock(${MEMBER_LIMIT_LOCK_CLASS}, hashtext(${`${memberId}:${l.itemId}`}))`.execute(tx);
  const held = await tx
    .selectFrom('flash_sale_orders')
    .select(['item_id', sql<number>`sum(quantity)::int`.as('quantity')])
    .where('item_id', 'in', limited.map((l) => l.itemId))
    .where('member_id', '=', memberId)
    .where('status', 'in', ['unpaid', 'paid'])
    .groupBy('item_id')
    .execute();
  for (const l of limited) {
    const holding = held.find((h) => h.item_id === l.itemId)?.quantity ?? 0;
    if (holding + l.quantity > l.limit) throw conflict('FLASH_SALE_LIMIT_REACHED', `at most ${l.limit} per member in this flash sale: you hold ${holding}`, { limit: l.limit, held: holding });
  }
}

/**
 * Closed orders' units go back to their items, to sell again — or, once the campaign has ended and
 * returned its stock, on to the SKU. The campaign row is read FOR SHARE first, so an end running now
 * either finished (this sees 'ended') or waits for this to commit (and then returns these units too).
 */
async function giveBack(tx: Tx, catalog: CatalogService, closed: Array<{ item_id: number; quantity: number; flash_sale_id: number }>): Promise<void> {
  const saleIds = [...new Set(closed.map((c) => c.flash_sale_id))].sort((a, b) => a - b);
  const sales = await tx.selectFrom('flash_sales').select(['id', 'status']).where('id', 'in', saleIds).orderBy('id').forShare().execute();
  const ended = new Set(sales.filter((s) => s.status === 'ended').map((s) => s.id));
  const toSku: Array<{ skuId: number; quantity: number }> = [];
  for (const c of [...closed].sort((a, b) => a.item_id - b.item_id)) {
    const after = ended.has(c.flash_sale_id);
    const row = await tx
      .updateTable('flash_sale_items')
      .set((eb) => ({ sold: eb('sold', '-', c.quantity), returned: after ? eb('returned', '+', c.quantity) : eb.ref('returned') }))
      .where('id', '=', c.item_id)
      .returning('sku_id')
      .executeTakeFirstOrThrow();
    if (after) toSku.push({ skuId: row.sku_id, quantity: c.quantity });
  }
  if (toSku.length) await catalog.release(tx, toSku);
}
