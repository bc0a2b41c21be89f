// 待办 of the orders module: what waits for HQ among orders, after-sales requests and refunds, counted for
// the console's dashboard (GET /api/admin/todo). Each count is one index range: the status indexes of
// refund_requests, and the partial indexes for orders to ship (055) and failed refunds (054). The literals are
// inlined (sql.lit), so the planner can match a partial index even under a generic plan.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { OrderStatus } from './tables.js';

/**
 * 待发货, as the console's order list means it with toShip=true: an order that can still take the ship step
 * (states.ts: paid; a part sent ahead in a parcel leaves the rest to ship, fulfilment.ts) and goes by express
 * (a pickup order is handed over at its store). orders_to_ship_idx (055) is built on exactly these values.
 */
export const TO_SHIP = { status: 'paid', deliveryMethod: 'express' } as const satisfies { status: OrderStatus; deliveryMethod: 'express' };

const count = (n: { n: number | string | bigint } | undefined) => Number(n?.n ?? 0);

/** Orders HQ's fulfilment has to ship. */
export async function countOrdersToShip(ex: Executor): Promise<number> {
  return count(
    await ex
      .selectFrom('orders')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', sql.lit(TO_SHIP.status))
      .where('delivery_method', '=', sql.lit(TO_SHIP.deliveryMethod))
      .executeTakeFirst(),
  );
}

/** After-sales requests waiting for support: to review (pending), or a return on its way back to confirm (returning). */
export async function countRefundRequests(ex: Executor, status: 'pending' | 'returning'): Promise<number> {
  return count(await ex.selectFrom('refund_requests').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit(status)).executeTakeFirst());
}

/**
 * Refunds the provider reported failed that nobody has answered yet: no later refund of the same order was
 * opened (support answers a failure by refunding again). Every failed refund stays failed, so counting them
 * all would never go down. The failed ones are few (refunds_failed_idx, 054); each looks up its order's
 * refunds through refunds_order_idx.
 */
export async function countFailedRefunds(ex: Executor): Promise<number> {
  return count(
    await ex
      .selectFrom('refunds as r')
      .select(sql<number>`count(*)`.as('n'))
      .where('r.status', '=', sql.lit('failed'))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('refunds as later').select('later.id').whereRef('later.order_id', '=', 'r.order_id').whereRef('later.id', '>', 'r.id'))))
      .executeTakeFirst(),
  );
}
