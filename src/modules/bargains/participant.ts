// Buying a bargain: a checkout with campaign { kind: 'bargain', id } is priced, held and marked by
// this order participant (orders/participants.ts), inside the order's own transactions.
// - priceCheckout (reads only; quotes run it too): the starter's own live bargain, its SKU alone at
//   quantity 1, no coupon (the price is the bargain's) or dealer shop, offer stock left; the line then pays the reached price
//   (start − cut so far; the floor when complete), or less when 满减 or the member price already
//   took it lower. Commission runs on what the line paid, as on every order.
// - afterCheckout: the order holds the bargain (one live order per bargain) and a unit of the
//   offer's stock; both conditional, so of two checkouts racing the second is refused.
// - onClosed: an unpaid order closed gives both back; the starter may buy again within the limit
//   (past it, the bargain expires there and then).
// - onPaid: the bargain is bought, in the payment's transaction; only for an order checked out in a
//   bargain (PaidOrder.campaign), so no other payment pays a statement for it.
// A refund changes nothing here: the bargain stays bought and the offer's unit stays taken, as
// returned goods do not go back to a dealer's stock either.
import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import type { CheckoutContext, OrderParticipant, Quote } from '../orders/index.js';

interface LiveBargain {
  id: number;
  starter_id: number;
  status: string;
  order_id: number | null;
  expires_at: Date;
  start_price_fen: number;
  cut_fen: number;
  sku_id: number;
  stock_cap: number;
  taken_count: number;
}

function bargainOf(ctx: CheckoutContext): number | null {
  return ctx.input.campaign?.kind === 'bargain' ? ctx.input.campaign.id : null;
}

async function readBargain(tx: Tx, bargainId: number): Promise<LiveBargain | undefined> {
  return tx
    .selectFrom('bargains as b')
    .innerJoin('bargain_offers as o', 'o.id', 'b.offer_id')
    .select(['b.id', 'b.starter_id', 'b.status', 'b.order_id', 'b.expires_at', 'b.start_price_fen', 'b.cut_fen', 'o.sku_id', 'o.stock_cap', 'o.taken_count'])
    .where('b.id', '=', bargainId)
    .executeTakeFirst();
}

/** Why this checkout cannot buy the bargain now, as the 4xx the buyer sees; nothing when it can. */
function refusal(b: LiveBargain | undefined, ctx: CheckoutContext, bargainId: number) {
  if (!b) return notFound('BARGAIN_NOT_FOUND', `bargain ${bargainId} does not exist`);
  if (b.starter_id !== ctx.buyerId) return forbidden('BARGAIN_NOT_YOURS', 'only the member who started this bargain may buy it');
  if (b.status === 'bought') return conflict('BARGAIN_ALREADY_BOUGHT', 'this bargain has been bought');
  if (b.status === 'expired' || b.expires_at <= ctx.now) return conflict('BARGAIN_EXPIRED', 'this bargain’s time is up');
  const items = ctx.input.items;
  if (items.length !== 1 || items[0]!.skuId !== b.sku_id || items[0]!.quantity !== 1) return unprocessable('BARGAIN_QUANTITY_ONE', 'a bargain is bought alone: its SKU, quantity 1');
  // COUPON_…: the checkout page drops a coupon the quote refuses and prices again without it
  if (ctx.input.couponId !== undefined) return unprocessable('COUPON_NOT_WITH_BARGAIN', 'a bargain is bought without a coupon');
  if (ctx.input.dealerShopId !== undefined) return unprocessable('BARGAIN_NOT_COMBINABLE', 'a bargain is bought from the mall, not a dealer shop');
  if (b.order_id !== null) return conflict('BARGAIN_ORDER_OPEN', 'an unpaid order of this bargain exists: pay or cancel it first', { orderId: b.order_id });
  if (b.taken_count >= b.stock_cap) return conflict('BARGAIN_SOLD_OUT', 'every bargain of this offer has been bought');
  return null;
}

/** The bargain's line pays the reached price: a line discount on top of what it has (never below zero). */
export function priceAtReached(quote: Quote, skuId: number, reachedFen: number): Quote {
  const extra = quote.lines.map((l) => (l.skuId === skuId ? Math.max(0, l.paidFen - reachedFen) : 0));
  const added = extra.reduce((a, b) => a + b, 0);
  const lines = quote.lines.map((l, i) => ({ ...l, discountFen: l.discountFen + extra[i]!, paidFen: l.paidFen - extra[i]! }));
  return { ...quote, lines, discountFen: quote.discountFen + added, payableFen: quote.payableFen - added };
}

export function bargainParticipant(): OrderParticipant {
  return {
    name: 'bargains',

    async priceCheckout(tx, ctx, quote) {
      const bargainId = bargainOf(ctx);
      if (bargainId === null) return quote;
      const b = await readBargain(tx, bargainId);
      const refused = refusal(b, ctx, bargainId);
      if (refused) throw refused;
      return priceAtReached(quote, b!.sku_id, b!.start_price_fen - b!.cut_fen);
    },

    async afterCheckout(tx, ctx, quote) {
      const bargainId = bargainOf(ctx);
      if (bargainId === null) return;
      // priceCheckout, in this transaction, let through only the bargain's SKU alone: its line is the one
      const line = quote.lines[0]!;
      // the checks of priceCheckout again, where they count: a racing checkout or the expiry job may have come first
      const held = await sql<{ offer_id: number }>`
        update bargains set order_id = ${ctx.orderId}, order_price_fen = ${line.paidFen}
        where id = ${bargainId} and starter_id = ${ctx.buyerId} and order_id is null
          and status in ('open', 'complete') and expires_at > ${ctx.now}
        returning offer_id`.execute(tx);
      const offerId = held.rows[0]?.offer_id;
      if (offerId === undefined) throw refusal(await readBargain(tx, bargainId), ctx, bargainId) ?? conflict('BARGAIN_ORDER_OPEN', 'another order of this bargain was just placed');
      const taken = await tx
        .updateTable('bargain_offers')
        .set((eb) => ({ taken_count: eb('taken_count', '+', 1) }))
        .where('id', '=', offerId)
        .where(sql<boolean>`taken_count < stock_cap`)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) throw conflict('BARGAIN_SOLD_OUT', 'every bargain of this offer has been bought');
    },

    async onClosed(tx, order) {
      // one statement: free the bargain (expired if its time is up) and give the offer's unit back
      await sql`
        with freed as (
          update bargains
          set order_id = null, order_price_fen = null,
              status = case when expires_at <= ${order.at} then 'expired' else status end
          where order_id = ${order.orderId} and status in ('open', 'complete')
          returning offer_id
        )
        update bargain_offers o set taken_count = o.taken_count - 1 from freed where o.id = freed.offer_id`.execute(tx);
    },

    async onPaid(tx, order) {
      // checkout recorded the campaign on the order; undefined only where the orders module does not tell
      if (order.campaign !== undefined && order.campaign?.kind !== 'bargain') return;
      await tx
        .updateTable('bargains')
        .set({ status: 'bought', bought_at: order.paidAt })
        .where('order_id', '=', order.orderId)
        .where('status', 'in', ['open', 'complete'])
        .execute();
    },
  };
}
