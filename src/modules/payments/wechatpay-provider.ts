// WeChat Pay API v3 as a PaymentProvider: JSAPI, mini-program, H5 and Native prepay; query, close and
// refunds; notifications verified by the client (platform key or rotating certificates) and checked
// here against this merchant and its apps before they become PaymentNotifications.
import { badRequest, unauthorized } from '../../errors.js';
import type { WechatpayConfig } from '../../config-payments.js';
import { ProviderCallError, type PaymentEvent, type PaymentProvider, type PaymentRequest, type PaymentState, type RefundEvent, type RefundRequest } from './providers.js';
import { WechatpayApiError, type RefundResult, type WechatpayClient } from './wechatpay-client.js';
import { WechatpayVerifyError, type WechatpayRefund, type WechatpayTransaction } from './wechatpay-crypto.js';

const PROVIDER = 'wechatpay';

export class WechatpayProvider implements PaymentProvider {
  readonly name = PROVIDER;
  readonly methods;

  constructor(
    private readonly client: WechatpayClient,
    private readonly config: WechatpayConfig,
  ) {
    const a = config.appids;
    // H5 and Native pay under their own appid or the 公众号's
    this.methods = [...(a.oa ? (['jsapi'] as const) : []), ...(a.mp ? (['mp'] as const) : []), ...(a.h5 ?? a.oa ? (['h5'] as const) : []), ...(a.native ?? a.oa ? (['native'] as const) : [])];
  }

  /** The app an openid or a payment belongs to, by method. */
  appidFor(method: 'jsapi' | 'mp'): string | undefined {
    return method === 'mp' ? this.config.appids.mp : this.config.appids.oa;
  }

  async createPayment(request: PaymentRequest): Promise<Record<string, unknown>> {
    const input = { outTradeNo: request.outTradeNo, description: request.description.slice(0, 127) || '订单', amountFen: request.amountFen, expiresAt: request.expiresAt };
    return this.calling(async () => {
      switch (request.method) {
        case 'jsapi':
        case 'mp': {
          if (!request.openid) throw badRequest('WECHAT_OPENID_REQUIRED', 'sign in with WeChat first: this payment needs your openid');
          const prepay = request.method === 'mp' ? await this.client.miniProgram({ ...input, openid: request.openid }) : await this.client.jsapi({ ...input, openid: request.openid });
          return { ...prepay.payParams };
        }
        case 'h5': {
          if (!request.clientIp) throw badRequest('CLIENT_IP_REQUIRED', 'WeChat H5 payment needs the payer IP');
          const { h5_url } = await this.client.h5({ ...input, payerClientIp: request.clientIp });
          // WeChat sends the buyer back to redirect_url after the cashier (its documented parameter)
          return { h5Url: request.returnUrl ? `${h5_url}${h5_url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(request.returnUrl)}` : h5_url };
        }
        case 'native': {
          const { code_url } = await this.client.native(input);
          return { codeUrl: code_url };
        }
        default:
          throw badRequest('PAYMENT_METHOD_UNAVAILABLE', `wechatpay does not pay by ${request.method}`);
      }
    });
  }

  async requestRefund(request: RefundRequest): Promise<RefundEvent | undefined> {
    const result = await this.calling(() => this.client.refund({ outTradeNo: request.outTradeNo, outRefundNo: request.refundNo, reason: request.reason.slice(0, 80), refundFen: request.refundFen, totalFen: request.totalFen }));
    return result.status === 'PROCESSING' ? undefined : this.refundEvent(result);
  }

  async queryPayment(outTradeNo: string): Promise<PaymentState> {
    try {
      const o = await this.calling(() => this.client.queryByOutTradeNo(outTradeNo));
      // REFUND: it was paid, then (partly) refunded
      if (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') {
        return { state: 'paid', event: this.paymentEvent({ mchid: o.mchid, appid: o.appid, out_trade_no: o.out_trade_no, transaction_id: o.transaction_id!, trade_state: 'SUCCESS', amount: o.amount }) };
      }
      if (o.trade_state === 'CLOSED' || o.trade_state === 'REVOKED' || o.trade_state === 'PAYERROR') return { state: 'closed' };
      return { state: 'unpaid' };
    } catch (error) {
      // an order no one opened yet does not exist at WeChat
      if (error instanceof ProviderCallError && error.code === 'ORDER_NOT_EXIST') return { state: 'unpaid' };
      throw error;
    }
  }

  async queryRefund(request: RefundRequest): Promise<RefundEvent | 'processing' | 'unknown'> {
    try {
      const result = await this.calling(() => this.client.queryRefund(request.refundNo));
      return result.status === 'PROCESSING' ? 'processing' : this.refundEvent(result);
    } catch (error) {
      if (error instanceof ProviderCallError && (error.code === 'RESOURCE_NOT_EXISTS' || error.code === 'ORDER_NOT_EXIST')) return 'unknown';
      throw error;
    }
  }

  async closePayment(outTradeNo: string): Promise<'closed' | 'paid'> {
    try {
      await this.calling(() => this.client.close(outTradeNo));
      return 'closed';
    } catch (error) {
      if (error instanceof ProviderCallError && error.code === 'ORDERPAID') return 'paid';
      if (error instanceof ProviderCallError && (error.code === 'ORDER_CLOSED' || error.code === 'ORDER_NOT_EXIST')) return 'closed';
      throw error;
    }
  }

  /** A callback: verified and decrypted by the client, then checked against this merchant. */
  async parseNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<PaymentEvent | RefundEvent | undefined> {
    try {
      const n = await this.client.verifyNotification(headers, rawBody);
      if (n.kind === 'transaction') {
        if (n.event_type !== 'TRANSACTION.SUCCESS' || n.transaction.trade_state !== 'SUCCESS') return undefined;
        return this.paymentEvent(n.transaction);
      }
      if (!n.event_type.startsWith('REFUND.')) return undefined;
      return this.refundNotification(n.refund);
    } catch (error) {
      if (error instanceof WechatpayVerifyError) throw unauthorized(error.code, error.message);
      throw error;
    }
  }

  private paymentEvent(txn: WechatpayTransaction): PaymentEvent {
    if (txn.mchid !== this.config.mchid) throw unauthorized('WECHATPAY_MCHID_MISMATCH', 'the payment is for another merchant');
    if (!Object.values(this.config.appids).includes(txn.appid)) throw unauthorized('WECHATPAY_APPID_MISMATCH', 'the payment is for another app');
    checkCurrency(txn.amount);
    // keyed by transaction: a callback, its resends and a query all name the same payment
    return { kind: 'payment', provider: PROVIDER, eventKey: `txn:${txn.transaction_id}`, outTradeNo: txn.out_trade_no, providerTxnId: txn.transaction_id, amountFen: txn.amount.total };
  }

  private refundNotification(refund: WechatpayRefund): RefundEvent {
    if (refund.mchid !== this.config.mchid) throw unauthorized('WECHATPAY_MCHID_MISMATCH', 'the refund is for another merchant');
    return this.refundOf(refund.refund_id, refund.refund_status, refund.out_trade_no, refund.out_refund_no, refund.amount);
  }

  private refundEvent(result: RefundResult): RefundEvent {
    return this.refundOf(result.refund_id, result.status, result.out_trade_no, result.out_refund_no, result.amount);
  }

  private refundOf(refundId: string, status: string, outTradeNo: string, refundNo: string, amount: { total: number; refund: number }): RefundEvent {
    // keyed by refund and state: a callback and a query of the same final state are one event
    return { kind: 'refund', provider: PROVIDER, eventKey: `refund:${refundId}:${status}`, outTradeNo, refundNo, amountFen: amount.refund, succeeded: status === 'SUCCESS', paymentTotalFen: amount.total };
  }

  /** The client's errors, as the service understands them. */
  private async calling<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof WechatpayApiError) throw new ProviderCallError(PROVIDER, error.code, error.retryable, error.message, { cause: error });
      if (error instanceof TypeError) throw new ProviderCallError(PROVIDER, 'REQUEST_INVALID', false, error.message, { cause: error });
      throw error;
    }
  }
}

/** Orders are priced and paid in CNY only: what the payer was charged in, too. */
function checkCurrency(amount: { currency?: string; payer_currency?: string }): void {
  const foreign = amount.currency !== 'CNY' || (amount.payer_currency !== undefined && amount.payer_currency !== 'CNY');
  if (foreign) throw badRequest('PAYMENT_CURRENCY_MISMATCH', `orders are paid in CNY, the notification says ${amount.currency ?? 'nothing'} / ${amount.payer_currency ?? 'nothing'}`);
}
