// Payment providers. Each turns a payment into what the client needs to pay, and asks for refunds;
// confirmations always come back as notifications, verified, through PaymentsService.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WechatpayConfig } from '../../config.js';
import { buildWechatpayAuthorization } from './wechatpay-crypto.js';

export interface PaymentRequest {
  outTradeNo: string;
  amountFen: number;
  description: string;
}

export interface RefundRequest {
  outTradeNo: string;
  refundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
}

export interface PaymentProvider {
  readonly name: string;
  createPayment(request: PaymentRequest): Promise<Record<string, unknown>>;
  /** Asks the provider to refund; the result arrives as a refund notification. */
  requestRefund(request: RefundRequest): Promise<void>;
}

/** The dev provider pays nothing real: its notifications are HMAC-signed by this server itself. */
export class DevPaymentProvider implements PaymentProvider {
  readonly name = 'dev';
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

/**
 * WeChat Pay API v3, Native (QR) payments. Outgoing requests are signed with the merchant key;
 * the network call goes through `fetchFn` so it can be pointed elsewhere in tests.
 */
export class WechatpayProvider implements PaymentProvider {
  readonly name = 'wechatpay';
  constructor(
    private readonly config: WechatpayConfig & { merchantSerial?: string; merchantPrivateKeyPem?: string; notifyUrl?: string; baseUrl?: string },
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private async call(method: 'POST' | 'GET', path: string, payload: unknown): Promise<Record<string, unknown>> {
    if (!this.config.merchantPrivateKeyPem || !this.config.merchantSerial) throw new Error('wechatpay merchant key is not configured');
    const body = JSON.stringify(payload);
    const authorization = buildWechatpayAuthorization({
      method,
      urlPathWithQuery: path,
      body,
      mchid: this.config.mchid,
      merchantSerial: this.config.merchantSerial,
      merchantPrivateKeyPem: this.config.merchantPrivateKeyPem,
      nowMs: Date.now(),
      nonce: randomBytes(16).toString('hex'),
    });
    const response = await this.fetchFn(`${this.config.baseUrl ?? 'https://api.mch.weixin.qq.com'}${path}`, {
      method,
      headers: { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
    });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new Error(`wechatpay ${path} answered ${response.status}: ${String(json.code ?? '')}`);
    return json;
  }

  async createPayment(request: PaymentRequest) {
    const result = await this.call('POST', '/v3/pay/transactions/native', {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: request.description.slice(0, 127),
      out_trade_no: request.outTradeNo,
      notify_url: this.config.notifyUrl,
      amount: { total: request.amountFen, currency: 'CNY' },
    });
    return { outTradeNo: request.outTradeNo, codeUrl: result.code_url };
  }

  async requestRefund(request: RefundRequest) {
    await this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: request.outTradeNo,
      out_refund_no: request.refundNo,
      reason: request.reason.slice(0, 80),
      notify_url: this.config.notifyUrl,
      amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' },
    });
  }
}
