// Payout providers move money out to WeChat balance or Alipay. Bank cards do not go through one: they
// wait, processing (the answer is pending), for a batch file (批量代发, batches.ts) and the bank's results.
import type { PayoutChannel } from './tables.js';

export interface PayoutOrder {
  payoutNo: string;
  attempt: number;
  /** out_bill_no / out_biz_no of this attempt: the same on every resend, so the provider pays it once */
  businessNo: string;
  memberId: number;
  channel: PayoutChannel;
  netFen: number;
  destination: Record<string, string>;
  /** an earlier call for this attempt may have reached the provider (its answer was lost or retryable) */
  resend: boolean;
  /** the provider acknowledged this attempt before (it has a state there): "no such transfer" is then no answer */
  accepted: boolean;
}

/**
 * A provider's answer. `failed` only when the provider said so (a verified refusal, FAIL, CANCELLED): the
 * funds then go back. `pending` keeps the payout processing; `state` is the provider's own word for it.
 */
export type PayoutResult =
  | { status: 'paid'; providerRef: string; state?: string }
  | { status: 'failed'; reason: string; state?: string }
  | { status: 'pending'; state?: string; providerRef?: string; packageInfo?: string };

/**
 * The outcome is unknown or the provider asked us to come back (network, timeout, SYSTEM_ERROR,
 * FREQUENCY_LIMITED, an unverifiable answer): the attempt is tried again later under the same business
 * number. `resumable`: refused for now but not for good (the merchant's balance is short) — retried
 * slowly, and finance is told in the log.
 */
export class PayoutProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly resumable = false,
  ) {
    super(message);
    this.name = 'PayoutProviderError';
  }
}

/** What WeChat's requestMerchantTransfer takes for the receiver to confirm a transfer. */
export interface ConfirmParameters {
  mchId: string;
  appId: string;
  package: string;
}

/** A verified provider notification: which attempt (by business number), its amount and the answer it carries. */
export interface PayoutNotification {
  businessNo: string;
  netFen: number;
  result: PayoutResult;
}

export interface PayoutProvider {
  /** Must be safe to call again with the same business number: providers dedupe on it. */
  send(order: PayoutOrder): Promise<PayoutResult>;
  /** The attempt's state at the provider. Without it, a resend (deduped) stands in for a query. */
  query?(order: PayoutOrder): Promise<PayoutResult>;
  /** Which provider carries a channel, recorded with each attempt ('dev' when not said). */
  providerName?(channel: PayoutChannel): string;
  /** The receiver's confirmation parameters (WeChat 商家转账); undefined where the channel has none. */
  confirmParameters?(channel: PayoutChannel, packageInfo: string): ConfirmParameters | undefined;
  /** Verifies and reads a provider's notification; throws when it is not authentic. */
  parseNotification?(channel: PayoutChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): PayoutNotification;
}

/**
 * The dev provider pays at once, except to an account number containing "FAIL", which it
 * refuses: enough to exercise the failure and retry paths in the demo and in tests.
 */
export class DevPayoutProvider implements PayoutProvider {
  providerName(): string {
    return 'dev';
  }
  readonly sent: PayoutOrder[] = [];
  failNext = 0;
  async send(order: PayoutOrder): Promise<PayoutResult> {
    this.sent.push(order);
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { status: 'failed', reason: 'dev provider: simulated failure' };
    }
    if (Object.values(order.destination).some((v) => v.includes('FAIL'))) return { status: 'failed', reason: 'dev provider: account refused' };
    return { status: 'paid', providerRef: `dev-${order.payoutNo}-${order.attempt}` };
  }
}
