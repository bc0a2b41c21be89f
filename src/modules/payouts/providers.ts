// Payout providers move money out to WeChat balance or Alipay. Bank cards do not go through one: they
// wait, processing (the answer is pending), for a batch file (批量代发, batches.ts) and the bank's results.
import type { PayoutChannel } from '../../db/schema.js';

export interface PayoutOrder {
  payoutNo: string;
  attempt: number;
  channel: PayoutChannel;
  netFen: number;
  destination: Record<string, string>;
}

export type PayoutResult = { status: 'paid'; providerRef: string } | { status: 'failed'; reason: string } | { status: 'pending' };

export interface PayoutProvider {
  /** Must be safe to call again with the same payout number: providers dedupe on it. */
  send(order: PayoutOrder): Promise<PayoutResult>;
}

/**
 * The dev provider pays at once, except to an account number containing "FAIL", which it
 * refuses: enough to exercise the failure and retry paths in the demo and in tests.
 */
export class DevPayoutProvider implements PayoutProvider {
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
