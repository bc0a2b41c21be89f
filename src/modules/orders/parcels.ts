// Parcels: an order ships in one or more, each with its carrier and tracking number, recorded by
// HQ or by a supplier for its own lines. The buyer's order page lists them with what the tracking
// provider last pushed. A parcel with a known carrier is subscribed at the provider after its
// transaction commits; a failed subscription is retried with a backoff by the tracking job.
import type { Executor, Tx } from '../../db/database.js';
import { badRequest } from '../../errors.js';
import { carrierName, carrierNamed, isCarrierCode } from './carriers.js';
import { OrdersPart } from './deps.js';
import type { TrackingEvent, TrackingState } from './tables.js';
import type { TrackingProvider, TrackingSnapshot } from './tracking.js';

/** A tracking number as carriers print them: 4–40 letters, digits and -. */
export const TRACKING_NO_PATTERN = /^[A-Za-z0-9-]{4,40}$/;

export interface ParcelInput {
  /** a known carrier (carriers.ts); or carrierName alone, as a supplier types it */
  carrierCode?: string;
  carrierName?: string;
  trackingNo: string;
}

export interface ParcelShipper {
  kind: 'hq' | 'supplier';
  supplierId?: number;
  actorId?: number | null;
}

export interface ParcelView {
  id: number;
  carrierCode: string | null;
  carrierName: string;
  trackingNo: string;
  shippedBy: 'hq' | 'supplier';
  shippedAt: Date;
  trackingState: TrackingState | null;
  trackingUpdatedAt: Date | null;
  deliveredAt: Date | null;
  events: TrackingEvent[];
}

/** retries of a failed subscription: 1 min, 5 min, 30 min, then every 2 h, at most this many */
const SUBSCRIBE_BACKOFF_MS = [60_000, 300_000, 1_800_000, 7_200_000];
const SUBSCRIBE_MAX_TRIES = 10;
/** 快递100 asks to wait about half an hour before subscribing a number it gave up on again */
const RESUBSCRIBE_AFTER_ABORT_MS = 30 * 60_000;

/** A carrier as the order stores it: a known code with its name, or a typed name matched to a code when it names one. */
export function resolveCarrier(input: ParcelInput): { code: string | null; name: string } {
  if (input.carrierCode) {
    if (!isCarrierCode(input.carrierCode)) throw badRequest('CARRIER_UNKNOWN', `unknown carrier ${input.carrierCode}`);
    return { code: input.carrierCode, name: carrierName(input.carrierCode, 'zh') };
  }
  const typed = (input.carrierName ?? '').trim();
  if (!typed) throw badRequest('CARRIER_REQUIRED', 'a parcel needs its carrier');
  // 顺丰 → 顺丰速运, 中通 → 中通快递: a supplier types the short name
  const known = carrierNamed(typed);
  return known ? { code: known.code, name: known.zh } : { code: null, name: typed };
}

export class OrderParcels extends OrdersPart {
  private get tracking(): TrackingProvider | undefined {
    return this.deps.tracking.current;
  }

  /** Records parcels of an order in tx; a tracking number recorded again for the order is the same parcel. */
  async addIn(tx: Tx, orderId: number, parcels: ParcelInput[], by: ParcelShipper, at: Date): Promise<void> {
    for (const parcel of parcels) {
      const carrier = resolveCarrier(parcel);
      const subscribe = carrier.code !== null && this.tracking !== undefined;
      await tx
        .insertInto('order_parcels')
        .values({
          order_id: orderId,
          carrier_code: carrier.code,
          carrier_name: carrier.name,
          tracking_no: parcel.trackingNo,
          shipped_by_kind: by.kind,
          supplier_id: by.supplierId ?? null,
          shipped_by: by.actorId ?? null,
          shipped_at: at,
          subscription: subscribe ? 'pending' : 'none',
          subscribe_next_at: subscribe ? at : null,
        })
        .onConflict((oc) => oc.columns(['order_id', 'tracking_no']).doNothing())
        .execute();
    }
  }

  /** The parcels of these orders, oldest first; the events newest first, as the provider sent them. */
  async ofOrders(ex: Executor, orderIds: number[]): Promise<Map<number, ParcelView[]>> {
    const result = new Map<number, ParcelView[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return result;
    const rows = await ex.selectFrom('order_parcels').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute();
    for (const r of rows) {
      const events = (typeof r.tracking_events === 'string' ? JSON.parse(r.tracking_events) : r.tracking_events) as TrackingEvent[];
      result.get(r.order_id)!.push({
        id: r.id,
        carrierCode: r.carrier_code,
        carrierName: r.carrier_name,
        trackingNo: r.tracking_no,
        shippedBy: r.shipped_by_kind,
        shippedAt: r.shipped_at,
        trackingState: r.tracking_state,
        trackingUpdatedAt: r.tracking_updated_at,
        deliveredAt: r.delivered_at,
        events,
      });
    }
    return result;
  }

  /** Subscribes the parcels whose subscription is due (just recorded, or waiting for a retry). */
  async subscribeDue(limit = 50): Promise<{ subscribed: number; failed: number; retrying: number }> {
    const tally = { subscribed: 0, failed: 0, retrying: 0 };
    const tracking = this.tracking;
    if (!tracking) return tally;
    const due = await this.db
      .selectFrom('order_parcels as p')
      .innerJoin('orders as o', 'o.id', 'p.order_id')
      .select(['p.id', 'p.carrier_code', 'p.tracking_no', 'p.subscribe_tries', 'o.shipping_address'])
      .where('p.subscription', '=', 'pending')
      .where('p.subscribe_next_at', '<=', this.clock.now())
      .orderBy('p.subscribe_next_at')
      .limit(limit)
      .execute();
    for (const parcel of due) {
      // SF and some others answer only with the consignee's phone (the last four digits suffice)
      const phone = (parcel.shipping_address as { phone?: string } | null)?.phone;
      const answer = await tracking.subscribe({ carrierCode: parcel.carrier_code!, trackingNo: parcel.tracking_no, phone }).catch((error: unknown) => ({
        ok: false as const,
        code: 'NETWORK',
        retryable: true,
        message: error instanceof Error ? error.message : String(error),
      }));
      const tries = parcel.subscribe_tries + 1;
      // the state moves only from pending: a parallel run that answered first stands
      const update = this.db.updateTable('order_parcels').where('id', '=', parcel.id).where('subscription', '=', 'pending');
      if (answer.ok) {
        await update.set({ subscription: 'subscribed', subscribe_tries: tries, subscribe_next_at: null, subscribe_error: null }).execute();
        tally.subscribed++;
        // the demo's provider pushes nothing: its made-up path stands in for the first push
        if (tracking.name === 'dev') await this.applyTracking(await tracking.query({ carrierCode: parcel.carrier_code!, trackingNo: parcel.tracking_no }));
      } else if (answer.retryable && tries < SUBSCRIBE_MAX_TRIES) {
        const wait = SUBSCRIBE_BACKOFF_MS[Math.min(tries - 1, SUBSCRIBE_BACKOFF_MS.length - 1)]!;
        await update.set({ subscribe_tries: tries, subscribe_next_at: new Date(this.clock.now().getTime() + wait), subscribe_error: `${answer.code}: ${answer.message}`.slice(0, 500) }).execute();
        tally.retrying++;
      } else {
        await update.set({ subscription: 'failed', subscribe_tries: tries, subscribe_next_at: null, subscribe_error: `${answer.code}: ${answer.message}`.slice(0, 500) }).execute();
        tally.failed++;
      }
    }
    return tally;
  }

  /** What the provider pushed (or a query answered): every parcel with this carrier and number takes it. Returns how many did. */
  async applyTracking(snapshot: TrackingSnapshot): Promise<number> {
    const now = this.clock.now();
    const delivered = snapshot.delivered ? (snapshot.events[0]?.at ?? now) : null;
    const rows = await this.db
      .updateTable('order_parcels')
      .set((eb) => ({
        tracking_state: snapshot.state,
        tracking_events: JSON.stringify(snapshot.events.map((e) => ({ at: e.at.toISOString(), text: e.text, ...(e.area ? { area: e.area } : {}) }))),
        tracking_updated_at: now,
        delivered_at: delivered ? eb.fn.coalesce('delivered_at', eb.val(delivered)) : null,
        // a push means the subscription took, whatever the subscribe call answered; when the
        // provider gave up on the number (no record for days), it is subscribed again later
        subscription: snapshot.watch === 'aborted' ? 'pending' : 'subscribed',
        subscribe_next_at: snapshot.watch === 'aborted' ? new Date(now.getTime() + RESUBSCRIBE_AFTER_ABORT_MS) : null,
      }))
      .where('tracking_no', '=', snapshot.trackingNo)
      .where('carrier_code', '=', snapshot.carrierCode)
      .returning('id')
      .execute();
    return rows.length;
  }
}
