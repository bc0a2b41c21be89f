// Alipay (official alipay-sdk, classic gateway) as a PaymentProvider: the WAP cashier in mobile browsers,
// the page cashier on desktop; RSA2-verified notifications; query, close and refunds. Alipay answers a
// refund at once (fund_change) and sends no refund callback, so a refund's result is the answer or a query.
import { badRequest, unauthorized } from '../../errors.js';
import { ProviderCallError, type PaymentEvent, type PaymentProvider, type PaymentRequest, type PaymentState, type RefundEvent, type RefundRequest } from './providers.js';
import { AlipayApiError, type AlipayClient } from './alipay-client.js';

const PROVIDER = 'alipay';

export class AlipayProvider implements PaymentProvider {
  readonly name = PROVIDER;
  readonly methods = ['wap', 'page'] as const;

  constructor(
    private readonly client: AlipayClient,
    /** where 返回商家 leads when the buyer leaves the WAP cashier */
    private readonly shopUrl: string,
  ) {}

  async createPayment(request: PaymentRequest): Promise<Record<string, unknown>> {
    const input = { outTradeNo: request.outTradeNo, subject: request.description.slice(0, 120) || '订单', amountFen: request.amountFen, expiresAt: request.expiresAt, returnUrl: request.returnUrl };
    return this.calling(async () => {
      if (request.method === 'wap') return { payUrl: this.client.wapPay({ ...input, quitUrl: request.returnUrl ?? this.shopUrl }) };
      if (request.method === 'page') return { payUrl: this.client.pagePay(input) };
      throw badRequest('PAYMENT_METHOD_UNAVAILABLE', `alipay does not pay by ${request.method}`);
    });
  }

  async requestRefund(request: RefundRequest): Promise<RefundEvent | undefined> {
    const answer = await this.calling(() => this.client.refund({ outTradeNo: request.outTradeNo, outRequestNo: request.refundNo, refundFen: request.refundFen, reason: request.reason }));
    // fund_change N: a repeat of this request, or not settled yet; only the query can say which
    if (!answer.fundChange) {
      const state = await this.queryRefund(request);
      return typeof state === 'string' ? undefined : state;
    }
    return this.refundEvent(request, request.refundFen);
  }

  async queryPayment(outTradeNo: string): Promise<PaymentState> {
    try {
      const trade = await this.calling(() => this.client.query(outTradeNo));
      if (trade.tradeStatus === 'TRADE_SUCCESS' || trade.tradeStatus === 'TRADE_FINISHED') return { state: 'paid', event: this.paymentEvent(trade.outTradeNo, trade.tradeNo, trade.totalFen) };
      if (trade.tradeStatus === 'TRADE_CLOSED') return { state: 'closed' };
      return { state: 'unpaid' };
    } catch (error) {
      // the trade exists at Alipay only once the buyer reached the cashier
      if (isSubCode(error, 'ACQ.TRADE_NOT_EXIST')) return { state: 'unpaid' };
      throw error;
    }
  }

  async queryRefund(request: RefundRequest): Promise<RefundEvent | 'processing' | 'unknown'> {
    const answer = await this.calling(() => this.client.queryRefund(request.outTradeNo, request.refundNo));
    // Alipay keeps no failed refunds: a request it has no success for never happened, and may be sent again
    if (answer.status !== 'REFUND_SUCCESS') return 'unknown';
    return this.refundEvent(request, answer.refundFen ?? request.refundFen);
  }

  async closePayment(outTradeNo: string): Promise<'closed' | 'paid'> {
    try {
      await this.calling(() => this.client.close(outTradeNo));
      return 'closed';
    } catch (error) {
      if (isSubCode(error, 'ACQ.TRADE_NOT_EXIST')) return 'closed';
      if (isSubCode(error, 'ACQ.TRADE_STATUS_ERROR')) {
        const state = await this.queryPayment(outTradeNo);
        return state.state === 'paid' ? 'paid' : 'closed';
      }
      throw error;
    }
  }

  /** The form Alipay posts to notify_url, verified (RSA2 with Alipay's public key, our app id). */
  parseNotification(params: Record<string, string>): PaymentEvent | undefined {
    let n;
    try {
      n = this.client.verifyNotification(params);
    } catch (error) {
      if (error instanceof AlipayApiError) throw unauthorized(`ALIPAY_${error.code}`, 'the Alipay notification did not verify');
      throw error;
    }
    // refunds are settled from their synchronous answer; a trade's refund notice changes nothing here
    if (n.refundFen !== undefined) return undefined;
    if (n.tradeStatus !== 'TRADE_SUCCESS' && n.tradeStatus !== 'TRADE_FINISHED') return undefined;
    return this.paymentEvent(n.outTradeNo, n.tradeNo, n.totalFen);
  }

  private paymentEvent(outTradeNo: string, tradeNo: string, totalFen: number): PaymentEvent {
    // keyed by Alipay's trade: the notification, its resends and a query are one payment
    return { kind: 'payment', provider: PROVIDER, eventKey: `trade:${tradeNo}`, outTradeNo, providerTxnId: tradeNo, amountFen: totalFen };
  }

  private refundEvent(request: RefundRequest, amountFen: number): RefundEvent {
    return { kind: 'refund', provider: PROVIDER, eventKey: `refund:${request.refundNo}:SUCCESS`, outTradeNo: request.outTradeNo, refundNo: request.refundNo, amountFen, succeeded: true };
  }

  private async calling<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof AlipayApiError) throw new ProviderCallError(PROVIDER, error.subCode ?? error.code, error.retryable, error.message, { cause: error });
      if (error instanceof TypeError || error instanceof RangeError) throw new ProviderCallError(PROVIDER, 'REQUEST_INVALID', false, error.message, { cause: error });
      throw error;
    }
  }
}

function isSubCode(error: unknown, subCode: string): boolean {
  return error instanceof ProviderCallError && error.code === subCode;
}
