// Parcel tracking goes through a provider port: the real adapter (快递100, tracking-kuaidi100.ts)
// subscribes a tracking number once and is then pushed every change; query() asks once, for a page a
// buyer opens. The dev provider, for the demo only, never touches the network and makes up a path.
import { carrierName } from './carriers.js';

export const TRACKING_STATES = ['in_transit', 'collected', 'problem', 'delivered', 'returned', 'out_for_delivery', 'customs', 'rejected'] as const;
export type TrackingState = (typeof TRACKING_STATES)[number];

export interface TrackingEventData {
  at: Date;
  text: string;
  /** the administrative area the provider resolved, when it did */
  area?: string;
}

export interface TrackingSnapshot {
  carrierCode: string;
  trackingNo: string;
  state: TrackingState;
  delivered: boolean;
  /** newest first */
  events: TrackingEventData[];
  /**
   * whether the provider still watches the parcel (pushes only): 'ended' once signed for or closed;
   * 'aborted' when it gave up (no record for 3 days, no change for 60): subscribe again later if the
   * number and carrier are right.
   */
  watch?: 'active' | 'ended' | 'aborted';
  /**
   * the provider found the number under another carrier and now tracks it there; carrierCode stays the
   * one we subscribed with, so the push still finds its parcel
   */
  correctedCarrierCode?: string;
}

export interface TrackingRequest {
  carrierCode: string;
  trackingNo: string;
  /** consignee's or sender's phone; some carriers (SF, ZTO) answer only with it, the last four digits suffice */
  phone?: string;
}

export type SubscribeResult = { ok: true } | { ok: false; code: string; retryable: boolean; message: string };

export interface TrackingProvider {
  readonly name: 'kuaidi100' | 'dev';
  /** Asks the provider to watch a number and push changes; never throws (network failures are retryable results). */
  subscribe(p: TrackingRequest): Promise<SubscribeResult>;
  /** The number's current path, asked now; throws TrackingError. */
  query(p: TrackingRequest): Promise<TrackingSnapshot>;
  /** A push as received (the form fields posted to the callback URL); throws TrackingCallbackError unless it is authentic and readable. */
  readCallback(form: Record<string, string>): TrackingSnapshot;
  /** The JSON body to answer a push with: accepted only once it is recorded, or the provider retries. */
  callbackAnswer(accepted: boolean): Record<string, unknown>;
}

/** The provider refused, failed or did not answer a query. */
export class TrackingError extends Error {
  constructor(
    /** the provider's own code (e.g. 503), or TIMEOUT, NETWORK, HTTP_502, BAD_ANSWER */
    readonly code: string,
    /** asking again later may succeed */
    readonly retryable: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'TrackingError';
  }
}

export type TrackingCallbackProblem = 'missing_sign' | 'bad_sign' | 'malformed';

/** A push that is not authentic (no or wrong signature) or cannot be read. */
export class TrackingCallbackError extends Error {
  constructor(
    readonly problem: TrackingCallbackProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TrackingCallbackError';
  }
}

const HOUR = 3_600_000;

/** Development and demo only: subscribe succeeds, query makes up a path from the number, nothing is pushed. */
export class DevTracking implements TrackingProvider {
  readonly name = 'dev' as const;
  readonly subscribed: TrackingRequest[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  async subscribe(p: TrackingRequest): Promise<SubscribeResult> {
    this.subscribed.push(p);
    if (this.subscribed.length > 1000) this.subscribed.shift();
    return { ok: true };
  }

  /** The same number always goes as far along the same path; the times end a little before now. */
  async query(p: TrackingRequest): Promise<TrackingSnapshot> {
    const name = carrierName(p.carrierCode, 'zh');
    const path: Array<{ state: TrackingState; text: string; area: string }> = [
      { state: 'collected', text: `【深圳市】${name} 已揽收`, area: '广东省深圳市' },
      { state: 'in_transit', text: '快件已发往【华东转运中心】', area: '广东省深圳市' },
      { state: 'in_transit', text: '快件已到达【上海转运中心】', area: '上海市' },
      { state: 'out_for_delivery', text: '【上海市浦东新区】快递员正在派件，请保持电话畅通', area: '上海市浦东新区' },
      { state: 'delivered', text: '快件已签收，签收人：本人', area: '上海市浦东新区' },
    ];
    let hash = 0;
    for (const ch of p.trackingNo) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    const reached = path.slice(0, 2 + (hash % (path.length - 1)));
    const end = this.now().getTime() - HOUR;
    const events = reached
      .map((step, i) => ({ at: new Date(end - (reached.length - 1 - i) * 14 * HOUR), text: step.text, area: step.area }))
      .reverse();
    const state = reached[reached.length - 1]!.state;
    return { carrierCode: p.carrierCode, trackingNo: p.trackingNo, state, delivered: state === 'delivered', events };
  }

  readCallback(): TrackingSnapshot {
    throw new TrackingCallbackError('bad_sign', 'the dev tracking provider sends no pushes');
  }

  callbackAnswer(accepted: boolean): Record<string, unknown> {
    return { result: accepted };
  }
}
