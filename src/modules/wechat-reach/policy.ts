// How deliveries are claimed and retried (deliveries.ts claims, sender.ts finishes).
import type { WechatAlertDeliveriesTable } from './tables.js';

/** a claim outlives any one send (WeChat's timeout is 5 s); past it, the sender is taken to have stopped */
export const CLAIM_MS = 60_000;
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 3_600_000;
/** sends per delivery before it is given up as failed */
export const MAX_ATTEMPTS = 6;
/** WeChat keeps a template message's client_msg_id for 10 minutes; we resend under it only well inside that */
export const TEMPLATE_RESEND_WINDOW_MS = 8 * 60_000;

/** 30 s after the first failed send, doubling, at most an hour apart */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
}

/** A delivery row as its claimer holds it (status sending, under claim_token). */
export type ClaimedDelivery = Omit<WechatAlertDeliveriesTable, 'id' | 'status' | 'attempts' | 'grant_taken' | 'maybe_delivered'> & {
  id: number;
  attempts: number;
  grant_taken: boolean;
  maybe_delivered: boolean;
  claim_token: string;
  first_attempt_at: Date;
};
