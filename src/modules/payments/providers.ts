// Payment providers. Each turns a payment into what the buyer's client needs to pay, asks for refunds,
// and answers queries. Whatever a provider reports (callback, query, synchronous refund answer) becomes
// a PaymentNotification applied through PaymentsService's one exactly-once path.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How the buyer pays: jsapi inside WeChat (公众号), mp in the mini-program, h5 in a mobile browser
 * (WeChat H5), native a QR on desktop; wap / page the Alipay mobile and desktop cashiers.
 */
export const PAYMENT_METHODS = ['dev', 'jsapi', 'mp', 'h5', 'native', 'wap', 'page'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentRequest {
  outTradeNo: string;
  amountFen: number;
  description: string;
  method: PaymentMethod;
  /** the buyer's openid for the app that pays (jsapi, mp) */
  openid?: string;
  /** the buyer's IP (WeChat H5 requires it) */
  clientIp?: string;
  /** this payment's result page: cashiers send the buyer back there */
  returnUrl?: string;
  /** the provider closes the trade unpaid after this (the order's own deadline) */
  expiresAt?: Date;
}

export interface RefundRequest {
  outTradeNo: string;
  refundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
}

/** A provider-neutral notification, after verification. */
export type PaymentNotification =
  | { kind: 'payment'; provider: string; eventKey: string; outTradeNo: string; providerTxnId: string; amountFen: number }
  | { kind: 'refund'; provider: string; eventKey: string; outTradeNo: string; refundNo: string; amountFen: number; succeeded: boolean; paymentTotalFen?: number };
export type PaymentEvent = Extract<PaymentNotification, { kind: 'payment' }>;
export type RefundEvent = Extract<PaymentNotification, { kind: 'refund' }>;

/** What the provider says about one payment attempt. */
export type PaymentState = { state: 'paid'; event: PaymentEvent } | { state: 'unpaid' } | { state: 'closed' };

export interface PaymentProvider {
  readonly name: string;
  readonly methods: readonly PaymentMethod[];
  createPayment(request: PaymentRequest): Promise<Record<string, unknown>>;
  /** Asks the provider to refund; a final answer given at once (Alipay) is returned, else the result comes later. */
  requestRefund(request: RefundRequest): Promise<RefundEvent | undefined>;
  queryPayment(outTradeNo: string): Promise<PaymentState>;
  /** undefined: still processing, or the provider never received the request ('unknown') */
  queryRefund(request: RefundRequest): Promise<RefundEvent | 'processing' | 'unknown'>;
  /** Closes an unpaid attempt so it can no longer be paid; 'paid' when it was paid first. */
  closePayment(outTradeNo: string): Promise<'closed' | 'paid'>;
}

/**
 * A provider call that failed without a verified answer, or was refused. retryable: the same request
 * (same out_trade_no / refund number) may be sent again; the provider dedupes on it.
 */
export class ProviderCallError extends Error {
  constructor(
    readonly provider: string,
    readonly code: string,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderCallError';
  }
}

/** The dev provider pays nothing real: its notifications are HMAC-signed by this server itself. */
export class DevPaymentProvider implements PaymentProvider {
  readonly name = 'dev';
  readonly methods = ['dev'] as const;
  readonly refundsRequested: RefundRequest[] = [];
  constructor(
    private readonly secret: string,
    /** delivers a notification back to the server, as the real provider would */
    private readonly deliver: (body: string, signature: string) => Promise<void>,
  ) {}

  async createPayment(request: PaymentRequest) {
    return { outTradeNo: request.outTradeNo, amountFen: request.amountFen, simulate: { method: 'POST', path: '/api/payments/dev/simulate', body: { outTradeNo: request.outTradeNo } } };
  }

  async requestRefund(request: RefundRequest) {
    this.refundsRequested.push(request);
    const body = JSON.stringify({ eventId: `refund-${request.refundNo}`, kind: 'refund', outTradeNo: request.outTradeNo, refundNo: request.refundNo, amountFen: request.refundFen, status: 'SUCCESS' });
    // called after the refund committed, so the notification is handled like any later callback
    await this.deliver(body, this.sign(body));
    return undefined;
  }

  /** The dev provider keeps no state of its own: a payment is paid only when its simulate call notifies. */
  async queryPayment(): Promise<PaymentState> {
    return { state: 'unpaid' };
  }

  async queryRefund(): Promise<'unknown'> {
    return 'unknown';
  }

  async closePayment(): Promise<'closed'> {
    return 'closed';
  }

  sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('hex');
  }

  verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body), 'hex');
    const given = Buffer.from(signature, 'hex');
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
