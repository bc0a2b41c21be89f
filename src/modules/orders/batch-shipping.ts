// Batch shipping (批量发货): HQ's fulfilment uploads rows of order number, carrier and tracking number
// (the file itself is read by the route, src/http/shipping-file.ts). preview answers every row and
// writes nothing; confirm ships each order through the one ship action (fulfilment.ts), each in its
// own transaction and audited as a single shipment is, so whatever ship checks (the participants'
// assertShippable too) holds for a batch. Uploading the same file again ships nothing twice: an order
// already shipped with the row's tracking number is reported already_shipped, not as an error.
import { inTransaction, type Executor } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderFulfilment } from './fulfilment.js';
import { carrierNamed } from './carriers.js';
import { TRACKING_NO_PATTERN, type ParcelInput } from './parcels.js';
import { canTransition } from './states.js';
import type { OrderStatus } from './tables.js';

/** One data row of the file, as read: its row number in the sheet (the header is row 1) and its three cells. */
export interface ShippingRow {
  row: number;
  orderNo: string;
  carrier: string;
  trackingNo: string;
}

export type ShippingRowStatus = 'ok' | 'shipped' | 'already_shipped' | 'error';

export interface ShippingRowResult {
  row: number;
  orderNo: string;
  /** the carrier as the file names it, and the known carrier it was matched to */
  carrier: string;
  carrierCode: string | null;
  carrierName: string | null;
  trackingNo: string;
  orderId: number | null;
  /** ok: would ship (preview); shipped (confirm); already_shipped: this order has left with this tracking number; error: see code */
  status: ShippingRowStatus;
  code: string | null;
}

export interface ShippingBatchAnswer {
  counts: Record<ShippingRowStatus, number>;
  rows: ShippingRowResult[];
}

/** at most this many data rows in one file */
export const SHIPPING_BATCH_MAX_ROWS = 2_000;

/** the orders the rows name, as shipping needs them */
interface OrderState {
  id: number;
  status: OrderStatus;
  deliveryMethod: 'express' | 'pickup';
  trackingNos: Set<string>;
}

export class OrderBatchShipping extends OrdersPart {
  constructor(deps: OrdersDeps, private readonly fulfilment: OrderFulfilment) {
    super(deps);
  }

  /** Every row answered (ok, already_shipped or an error code); nothing is written. */
  async preview(rows: ShippingRow[]): Promise<ShippingBatchAnswer> {
    const checked = checkRows(rows);
    // one snapshot for every order; the participants may refuse an order (assertShippable) in it
    const results = await inTransaction(this.db, async (tx) => {
      const orders = await this.ordersOf(tx, checked);
      const refused = new Map<number, string>();
      for (const order of orders.values()) {
        if (order.status !== 'paid') continue;
        const code = await refusalOf(async () => {
          for (const participant of this.participants) await participant.assertShippable?.(tx, order.id);
        });
        if (code) refused.set(order.id, code);
      }
      return checked.map((r) => (r.status === 'error' ? r : judge(r, orders.get(r.orderNo), refused)));
    });
    return answer(results);
  }

  /**
   * Ships every row that preview finds ok: the rows of one order together (its parcels), each order
   * in its own transaction through ship(), audited with the actor and the file and rows it came from.
   */
  async confirm(rows: ShippingRow[], by: { actorId: number; file: string }): Promise<ShippingBatchAnswer> {
    const checked = checkRows(rows);
    const orders = await this.ordersOf(this.db, checked);
    const results = checked.map((r) => (r.status === 'error' ? r : judge(r, orders.get(r.orderNo), new Map())));
    const byOrder = new Map<number, ShippingRowResult[]>();
    for (const r of results) if (r.status === 'ok') byOrder.set(r.orderId!, [...(byOrder.get(r.orderId!) ?? []), r]);
    for (const [orderId, group] of byOrder) {
      const parcels: ParcelInput[] = group.map((r) => ({ carrierCode: r.carrierCode!, trackingNo: r.trackingNo }));
      const outcome = await this.fulfilment
        .ship(orderId, { parcels, actorId: by.actorId, batch: { file: by.file, rows: group.map((r) => r.row) } })
        .then(() => ({ status: 'shipped' as const, code: null }))
        .catch((error: unknown) => this.shipRefused(error, orderId, group));
      for (const r of group) Object.assign(r, outcome);
    }
    return answer(results);
  }

  /** A refused ship of one order: already shipped with these numbers (another upload won the race), else the refusal's code. */
  private async shipRefused(error: unknown, orderId: number, group: ShippingRowResult[]): Promise<{ status: ShippingRowStatus; code: string | null }> {
    if (!(error instanceof AppError)) throw error;
    const now = (await this.ordersOf(this.db, group)).get(group[0]!.orderNo);
    const left = now !== undefined && now.id === orderId && now.status !== 'paid' && group.every((r) => now.trackingNos.has(r.trackingNo));
    return left ? { status: 'already_shipped', code: null } : { status: 'error', code: error.code };
  }

  /** The orders these rows name, by order number, with the tracking numbers each has left with. */
  private async ordersOf(ex: Executor, rows: Array<{ orderNo: string; status?: ShippingRowStatus }>): Promise<Map<string, OrderState>> {
    const numbers = [...new Set(rows.filter((r) => r.status !== 'error' && r.orderNo).map((r) => r.orderNo))];
    const result = new Map<string, OrderState>();
    if (numbers.length === 0) return result;
    const orders = await ex.selectFrom('orders').select(['id', 'order_no', 'status', 'delivery_method']).where('order_no', 'in', numbers).execute();
    const parcels = orders.length
      ? await ex.selectFrom('order_parcels').select(['order_id', 'tracking_no']).where('order_id', 'in', orders.map((o) => o.id)).execute()
      : [];
    const trackingNosOf = new Map(orders.map((o) => [o.id, new Set<string>()]));
    for (const p of parcels) trackingNosOf.get(p.order_id)!.add(p.tracking_no);
    for (const o of orders) result.set(o.order_no, { id: o.id, status: o.status, deliveryMethod: o.delivery_method, trackingNos: trackingNosOf.get(o.id)! });
    return result;
  }
}

/** The code an AppError the check throws carries (a refusal), or null when it passes; any other error goes on. */
async function refusalOf(check: () => Promise<void>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

/** The checks of a row by itself: a known carrier, a tracking number carriers print, not a repeat of an earlier row. */
function checkRows(rows: ShippingRow[]): ShippingRowResult[] {
  const seen = new Set<string>();
  return rows.map((row) => {
    const orderNo = row.orderNo.trim();
    const trackingNo = row.trackingNo.trim();
    const carrier = carrierNamed(row.carrier);
    const result: ShippingRowResult = { row: row.row, orderNo, carrier: row.carrier.trim(), carrierCode: carrier?.code ?? null, carrierName: carrier?.zh ?? null, trackingNo, orderId: null, status: 'ok', code: null };
    const key = `${orderNo}\u0000${trackingNo}`;
    const code = !orderNo ? 'ORDER_NOT_FOUND' : !carrier ? 'CARRIER_UNKNOWN' : !TRACKING_NO_PATTERN.test(trackingNo) ? 'TRACKING_NO_INVALID' : seen.has(key) ? 'DUPLICATE_ROW' : null;
    seen.add(key);
    return code ? { ...result, status: 'error', code } : result;
  });
}

/** A row that passed its own checks, against its order now. */
function judge(row: ShippingRowResult, order: OrderState | undefined, refused: Map<number, string>): ShippingRowResult {
  if (!order) return { ...row, status: 'error', code: 'ORDER_NOT_FOUND' };
  const withOrder = { ...row, orderId: order.id };
  // shipped (or on past it) with this very number: the same file again
  if (order.status !== 'paid' && order.trackingNos.has(row.trackingNo)) return { ...withOrder, status: 'already_shipped' };
  if (order.deliveryMethod === 'pickup') return { ...withOrder, status: 'error', code: 'ORDER_IS_PICKUP' };
  if (!canTransition(order.status, 'ship')) return { ...withOrder, status: 'error', code: 'ORDER_NOT_SHIPPABLE' };
  const refusal = refused.get(order.id);
  return refusal ? { ...withOrder, status: 'error', code: refusal } : withOrder;
}

function answer(rows: ShippingRowResult[]): ShippingBatchAnswer {
  const counts: Record<ShippingRowStatus, number> = { ok: 0, shipped: 0, already_shipped: 0, error: 0 };
  for (const r of rows) counts[r.status]++;
  return { counts, rows };
}
