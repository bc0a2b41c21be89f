// A dealer's virtual stock: every change is a move (unique per dealer, SKU, reason and reference,
// so a replayed step moves nothing) applied in the same statement order everywhere — SKUs in id
// order — so concurrent sales and restocks of one dealer never deadlock. Taking stock is a single
// conditional update (`quantity >= n`): the row lock serialises takers and none can overdraw.
import type { Tx } from '../../db/database.js';
import { conflict } from '../../errors.js';
import type { StockMoveReason } from './tables.js';

export interface StockMove {
  skuId: number;
  /** positive: stock comes in; negative: stock goes out */
  delta: number;
}

/** Merges items by SKU and sorts them by SKU id (the lock order). */
export function mergeItems(items: Array<{ skuId: number; quantity: number }>): Array<{ skuId: number; quantity: number }> {
  const merged = new Map<number, number>();
  for (const item of items) merged.set(item.skuId, (merged.get(item.skuId) ?? 0) + item.quantity);
  return [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([skuId, quantity]) => ({ skuId, quantity }));
}

/**
 * Applies moves to one dealer's stock for one reference; a move already recorded is skipped.
 * Taking more than is on hand throws 409 DEALER_STOCK_SHORT, and the caller's transaction rolls back.
 */
export async function moveStock(tx: Tx, dealerId: number, reason: StockMoveReason, refId: number, moves: StockMove[], at: Date): Promise<void> {
  for (const move of [...moves].sort((a, b) => a.skuId - b.skuId)) {
    if (move.delta === 0) continue;
    // two statements on purpose: the move's foreign-key lock on the SKU row is taken when its statement
    // ends, so before the stock row's lock; merged into one statement it comes after it, and a restock
    // deadlocks with a checkout that holds the SKU row and waits for the stock row
    const recorded = await tx
      .insertInto('dealer_stock_moves')
      .values({ dealer_id: dealerId, sku_id: move.skuId, delta: move.delta, reason, ref_id: refId, created_at: at })
      .onConflict((oc) => oc.columns(['dealer_id', 'sku_id', 'reason', 'ref_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!recorded) continue;
    if (move.delta > 0) {
      await tx
        .insertInto('dealer_stock')
        .values({ dealer_id: dealerId, sku_id: move.skuId, quantity: move.delta })
        .onConflict((oc) => oc.columns(['dealer_id', 'sku_id']).doUpdateSet((eb) => ({ quantity: eb('dealer_stock.quantity', '+', move.delta) })))
        .execute();
      continue;
    }
    const take = -move.delta;
    const taken = await tx
      .updateTable('dealer_stock')
      .set((eb) => ({ quantity: eb('quantity', '-', take) }))
      .where('dealer_id', '=', dealerId)
      .where('sku_id', '=', move.skuId)
      .where('quantity', '>=', take)
      .returning('quantity')
      .executeTakeFirst();
    if (!taken) {
      const onHand = await tx.selectFrom('dealer_stock').select('quantity').where('dealer_id', '=', dealerId).where('sku_id', '=', move.skuId).executeTakeFirst();
      throw conflict('DEALER_STOCK_SHORT', `dealer ${dealerId} holds only ${onHand?.quantity ?? 0} of sku ${move.skuId}, ${take} needed`, { dealerId, skuId: move.skuId, onHand: onHand?.quantity ?? 0, needed: take });
    }
  }
}
