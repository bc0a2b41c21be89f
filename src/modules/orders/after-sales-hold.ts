// While a buyer's after-sales request on an order is open, the order's commission earnings do not
// unfreeze: the earner could withdraw money the refund then claws back (a debt). The hold is the
// commission module's (commission_earnings.after_sales_hold, set through its face in the
// transaction of the request's change), so the unfreeze sweep reads no table of ours; an approved
// request keeps it until its refund is settled by the provider (then reversed, the rest unfreezes).
import type { Tx } from '../../db/database.js';
import type { CommissionService } from '../commission/index.js';
import { OPEN_REFUND_REQUEST_STATUSES } from './tables.js';

/**
 * Sets the order's hold to what its requests and refunds say now: held while a request is open, or
 * approved with its refund still processing. Called after the change, in its transaction. The order
 * row is locked first (unless the caller holds it), so of two changes to one order the later
 * recomputation runs after the earlier one committed and sees it: the last word is always right.
 */
export async function settleAfterSalesHold(tx: Tx, commission: CommissionService, orderId: number, options: { orderLocked?: boolean } = {}): Promise<boolean> {
  if (!options.orderLocked) await tx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().executeTakeFirst();
  const holding = await tx
    .selectFrom('refund_requests as q')
    .leftJoin('refunds as r', 'r.id', 'q.refund_id')
    .select('q.id')
    .where('q.order_id', '=', orderId)
    .where((eb) => eb.or([eb('q.status', 'in', OPEN_REFUND_REQUEST_STATUSES), eb.and([eb('q.status', '=', 'approved'), eb('r.status', '=', 'processing')])]))
    .limit(1)
    .executeTakeFirst();
  await commission.holdForAfterSales(tx, orderId, holding !== undefined);
  return holding !== undefined;
}
