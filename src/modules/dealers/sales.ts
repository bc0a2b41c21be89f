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
import { sql } from 'kysely';
import type { Tx } from '../../db/database.js';
import { conflict, unprocessable } from '../../errors.js';
import type { CommissionService, PlannedEarning } from '../commission/index.js';
import type { OrderParticipant } from '../orders/index.js';
import { mergeItems, moveStock } from './stock.js';

function checkSellingDealer<T extends { member_id: number; status: string }>(dealer: T | undefined, dealerShopId: number, buyerId: number): T {
  if (!dealer || dealer.status !== 'active') throw unprocessable('DEALER_SHOP_NOT_AVAILABLE', `dealer shop ${dealerShopId} does not sell now`);
  // a dealer buying its own stock at retail would only pay itself back: it restocks instead
  if (dealer.member_id === buyerId) throw unprocessable('DEALER_OWN_SHOP', 'a dealer cannot buy from its own shop');
  return dealer;
}

async function sellingDealer(tx: Tx, dealerShopId: number, buyerId: number) {
  const dealer = await tx.selectFrom('dealers').select(['id', 'member_id', 'status']).where('id', '=', dealerShopId).executeTakeFirst();
  return checkSellingDealer(dealer, dealerShopId, buyerId);
}

export function dealerSalesParticipant(commission: CommissionService): OrderParticipant {
  return {
    name: 'dealers',

    async priceCheckout(tx, ctx, quote) {
      if (ctx.input.dealerShopId === undefined) return quote;
      const items = mergeItems(ctx.input.items);
      // the shop and its stock of these SKUs in one statement (a row per SKU held; one with no stock row if none)
      const rows = await tx
        .selectFrom('dealers as d')
        .leftJoin('dealer_stock as s', (join) => join.onRef('s.dealer_id', '=', 'd.id').on('s.sku_id', 'in', items.map((i) => i.skuId)))
        .select(['d.id', 'd.member_id', 'd.status', 's.sku_id', 's.quantity'])
        .where('d.id', '=', ctx.input.dealerShopId)
        .execute();
      checkSellingDealer(rows[0], ctx.input.dealerShopId, ctx.buyerId);
      const held = rows.filter((r) => r.sku_id !== null);
      for (const item of items) {
        const onHand = held.find((h) => h.sku_id === item.skuId)?.quantity ?? 0;
        if (onHand < item.quantity) throw conflict('DEALER_STOCK_SHORT', `this shop holds only ${onHand} of sku ${item.skuId}`, { skuId: item.skuId, onHand });
      }
      // the shop sells at retail: the price is the core's (and other participants'), unchanged
      return quote;
    },

    async afterCheckout(tx, ctx) {
      if (ctx.input.dealerShopId === undefined) return;
      const items = mergeItems(ctx.input.items);
      // the shop is checked again (it may have stopped selling since pricing) by the statement recording the sale
      const recorded = await sql<{ dealer_id: number }>`
        with sale as (
          insert into dealer_orders (order_id, dealer_id, created_at)
          select ${ctx.orderId}, d.id, ${ctx.now} from dealers d
          where d.id = ${ctx.input.dealerShopId} and d.status = 'active' and d.member_id <> ${ctx.buyerId}
          returning dealer_id
        ),
        lines as (
          insert into dealer_order_lines (order_id, sku_id, quantity)
          select ${ctx.orderId}, item.sku_id, item.quantity
          from sale, (values ${sql.join(items.map((i) => sql`(${i.skuId}::bigint, ${i.quantity}::integer)`))}) as item (sku_id, quantity)
        )
        select dealer_id from sale`.execute(tx);
      let dealerId = recorded.rows[0]?.dealer_id;
      if (dealerId === undefined) {
        // not recorded: the check says why (or, if the shop sells again by now, the sale is recorded as before)
        const dealer = await sellingDealer(tx, ctx.input.dealerShopId, ctx.buyerId);
        await tx.insertInto('dealer_orders').values({ order_id: ctx.orderId, dealer_id: dealer.id, created_at: ctx.now }).execute();
        await tx.insertInto('dealer_order_lines').values(items.map((i) => ({ order_id: ctx.orderId, sku_id: i.skuId, quantity: i.quantity }))).execute();
        dealerId = dealer.id;
      }
      // the check in priceCheckout may be stale by now: this conditional take is the real one
      await moveStock(tx, dealerId, 'sale', ctx.orderId, items.map((i) => ({ skuId: i.skuId, delta: -i.quantity })), ctx.now);
    },

    async onClosed(tx, order) {
      const sale = await tx.selectFrom('dealer_orders').select(['dealer_id', 'status']).where('order_id', '=', order.orderId).forUpdate().executeTakeFirst();
      if (!sale || sale.status !== 'reserved') return;
      const lines = await tx.selectFrom('dealer_order_lines').select(['sku_id', 'quantity']).where('order_id', '=', order.orderId).execute();
      await moveStock(tx, sale.dealer_id, 'sale_returned', order.orderId, lines.map((l) => ({ skuId: l.sku_id, delta: l.quantity })), order.at);
      await tx.updateTable('dealer_orders').set({ status: 'returned' }).where('order_id', '=', order.orderId).execute();
    },

    async onPaid(tx, order, afterCommit) {
      // one statement for every paid order: a reserved dealer sale becomes paid (nothing matches other orders)
      const paid = await sql<{ member_id: number }>`
        update dealer_orders so set status = 'paid' from dealers d
        where so.order_id = ${order.orderId} and so.status = 'reserved' and d.id = so.dealer_id
        returning d.member_id`.execute(tx);
      const sale = paid.rows[0];
      if (!sale) return;
      // the order's distribution commission: the core records all of it in this payment, before participants run
      const commissionRows = order.coreEarnings.filter((e) => e.kind === 'distribution');
      const planned: PlannedEarning[] = order.lines
        .map((line) => {
          const commissionFen = commissionRows.filter((c) => c.lineId === line.lineId).reduce((s, c) => s + c.amountFen, 0);
          return { lineId: line.lineId, earnerId: sale.member_id, level: 1, baseFen: line.paidFen, rateBp: null, amountFen: Math.max(line.paidFen - commissionFen, 0) };
        })
        .filter((e) => e.amountFen > 0);
      await commission.recordEarnings(tx, { id: order.orderId, buyerId: order.buyerId }, planned, 'dealer_sale', order.ruleVersion, afterCommit);
    },
  };
}
