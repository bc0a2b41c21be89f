// Selling from a dealer shop: an order checked out with `dealerShopId` is served from that
// dealer's virtual stock. The hooks run inside the order's transaction (see orders/participants.ts).
//
// The economics of a dealer sale. The customer pays HQ the retail price (less any discount); HQ
// ships from its physical stock (the core takes catalog stock at checkout as for any order) and pays
// the distribution commission the customer's referrers earn, as on every order. The dealer already
// paid HQ its dealer price for the unit when it restocked, so the rest of the sale is the dealer's:
// per line, a 'dealer_sale' earning = what the line paid − the distribution commission recorded on
// it. It is pending until the order completes, frozen for the return window, then available, and a
// refund reverses it in proportion — the same lifecycle as commission. A refund does not put the
// unit back in the dealer's stock: returned goods go back to HQ's warehouse, as for any order.
// Other channel costs on the line (regional agent awards, coupon guide commission) are HQ's.
import type { Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../errors.js';
import type { CommissionService } from '../commission/service.js';
import type { PlannedEarning } from '../commission/plan.js';
import type { OrderParticipant } from '../orders/participants.js';
import { mergeItems, moveStock } from './stock.js';

async function sellingDealer(tx: Tx, dealerShopId: number, buyerId: number) {
  const dealer = await tx.selectFrom('dealers').select(['id', 'member_id', 'status']).where('id', '=', dealerShopId).executeTakeFirst();
  if (!dealer || dealer.status !== 'active') throw unprocessable('DEALER_SHOP_NOT_AVAILABLE', `dealer shop ${dealerShopId} does not sell now`);
  // a dealer buying its own stock at retail would only pay itself back: it restocks instead
  if (dealer.member_id === buyerId) throw unprocessable('DEALER_OWN_SHOP', 'a dealer cannot buy from its own shop');
  return dealer;
}

export function dealerSalesParticipant(commission: CommissionService): OrderParticipant {
  return {
    name: 'dealers',

    async priceCheckout(tx, ctx, quote) {
      if (ctx.input.dealerShopId === undefined) return quote;
      const dealer = await sellingDealer(tx, ctx.input.dealerShopId, ctx.buyerId);
      const items = mergeItems(ctx.input.items);
      const held = await tx
        .selectFrom('dealer_stock')
        .select(['sku_id', 'quantity'])
        .where('dealer_id', '=', dealer.id)
        .where('sku_id', 'in', items.map((i) => i.skuId))
        .execute();
      for (const item of items) {
        const onHand = held.find((h) => h.sku_id === item.skuId)?.quantity ?? 0;
        if (onHand < item.quantity) throw conflict('DEALER_STOCK_SHORT', `this shop holds only ${onHand} of sku ${item.skuId}`, { skuId: item.skuId, onHand });
      }
      // the shop sells at retail: the price is the core's (and other participants'), unchanged
      return quote;
    },

    async afterCheckout(tx, ctx) {
      if (ctx.input.dealerShopId === undefined) return;
      const dealer = await sellingDealer(tx, ctx.input.dealerShopId, ctx.buyerId);
      const items = mergeItems(ctx.input.items);
      await tx.insertInto('dealer_orders').values({ order_id: ctx.orderId, dealer_id: dealer.id, created_at: ctx.now }).execute();
      await tx.insertInto('dealer_order_lines').values(items.map((i) => ({ order_id: ctx.orderId, sku_id: i.skuId, quantity: i.quantity }))).execute();
      // the check in priceCheckout may be stale by now: this conditional take is the real one
      await moveStock(tx, dealer.id, 'sale', ctx.orderId, items.map((i) => ({ skuId: i.skuId, delta: -i.quantity })), ctx.now);
    },

    async onClosed(tx, order) {
      const sale = await tx.selectFrom('dealer_orders').select(['dealer_id', 'status']).where('order_id', '=', order.orderId).forUpdate().executeTakeFirst();
      if (!sale || sale.status !== 'reserved') return;
      const lines = await tx.selectFrom('dealer_order_lines').select(['sku_id', 'quantity']).where('order_id', '=', order.orderId).execute();
      await moveStock(tx, sale.dealer_id, 'sale_returned', order.orderId, lines.map((l) => ({ skuId: l.sku_id, delta: l.quantity })), order.at);
      await tx.updateTable('dealer_orders').set({ status: 'returned' }).where('order_id', '=', order.orderId).execute();
    },

    async onPaid(tx, order, afterCommit) {
      const sale = await tx
        .selectFrom('dealer_orders as so')
        .innerJoin('dealers as d', 'd.id', 'so.dealer_id')
        .select(['so.status', 'd.member_id'])
        .where('so.order_id', '=', order.orderId)
        .executeTakeFirst();
      if (!sale || sale.status !== 'reserved') return;
      await tx.updateTable('dealer_orders').set({ status: 'paid' }).where('order_id', '=', order.orderId).execute();
      const commissionRows = await tx
        .selectFrom('commission_earnings')
        .select(['order_line_id', 'amount_fen'])
        .where('order_id', '=', order.orderId)
        .where('kind', '=', 'distribution')
        .execute();
      const planned: PlannedEarning[] = order.lines
        .map((line) => {
          const commissionFen = commissionRows.filter((c) => c.order_line_id === line.lineId).reduce((s, c) => s + c.amount_fen, 0);
          return { lineId: line.lineId, earnerId: sale.member_id, level: 1, baseFen: line.paidFen, rateBp: null, amountFen: Math.max(line.paidFen - commissionFen, 0) };
        })
        .filter((e) => e.amountFen > 0);
      await commission.recordEarnings(tx, { id: order.orderId, buyerId: order.buyerId }, planned, 'dealer_sale', order.ruleVersion, afterCommit);
    },
  };
}
