// Alipay through the official SDK (alipay-sdk v4): the protocol only. Money rules (which order, how much
// may be refunded, when a payout is final) stay in the payments and payouts modules.
//
// Protocol: every call here uses Alipay's classic gateway (OpenAPI 2.0, gateway.do). The SDK's README
// recommends curl() (v3) and marks exec() (v2) deprecated, yet keeps it working; we still use exec():
// pageExec() and the notifications are v2 anyway, and curl() throws on HTTP >= 400 before verifying the
// answer's signature, while exec() with validateSign verifies every answer, failures included, so a
// forged "PAYEE_NOT_EXIST" cannot make a paid transfer look failed.
// - requests: common params (app_id, method, charset, sign_type, timestamp, version) in the query string,
//   biz_content form-encoded, RSA2 (SHA256withRSA) over all params sorted by key;
// - answers: {"<method>_response": {...}, "sign": "..."}, signed by Alipay over the inner JSON text;
// - code 10000 is success; anything else is an AlipayApiError.
// The error, money helpers and shapes are in alipay-answers.ts, the trade bill format in alipay-bill.ts.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import {
  AlipayApiError,
  fenToYuan,
  TRADE_STATUSES,
  yuanToFen,
  type AlipayNotification,
  type AlipayPayee,
  type AlipayPayInput,
  type AlipayRefundQuery,
  type AlipayRefundResult,
  type AlipayTrade,
  type AlipayTradeStatus,
  type AlipayTransferQuery,
  type AlipayTransferResult,
  type AlipayWapPayInput,
} from './alipay-answers.js';
import { unzip } from './alipay-bill.js';

export { AlipayApiError, fenToYuan, yuanToFen } from './alipay-answers.js';
export type {
  AlipayNotification,
  AlipayPayee,
  AlipayPayInput,
  AlipayRefundQuery,
  AlipayRefundResult,
  AlipayTrade,
  AlipayTradeStatus,
  AlipayTransferQuery,
  AlipayTransferResult,
  AlipayTransferStatus,
  AlipayWapPayInput,
} from './alipay-answers.js';
export { parseTradeBill } from './alipay-bill.js';
export type { TradeBillRow } from './alipay-bill.js';

export interface AlipayClientConfig {
  appId: string;
  /** the app's RSA2 private key: PKCS#1 or PKCS#8 PEM, or the bare base64 Alipay's key tool prints */
  privateKeyPem: string;
  /** Alipay's public key (not the app's): verifies answers and notifications */
  alipayPublicKeyPem: string;
  /** default https://openapi.alipay.com/gateway.do */
  gateway?: string;
  notifyUrl: string;
  returnUrl?: string;
  /** per request, default 5000 */
  timeoutMs?: number;
}

const RETRYABLE_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'SYSTEM_ERROR', 'isp.unknow-error', 'aop.unknow-error']);

/** Alipay's clock is Beijing time (UTC+8, no DST), whatever this server's TZ is. */
function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

function normalisePrivateKey(input: string): KeyObject {
  const text = input.trim();
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

function normalisePublicKey(input: string): KeyObject {
  const text = input.trim();
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

export class AlipayClient {
  private readonly sdk: AlipaySdk;

  constructor(private readonly config: AlipayClientConfig) {
    // Normalised to PKCS#8 / SPKI so the SDK's PEM re-wrapping (formatKey) cannot mislabel a PKCS#1 key;
    // errors name the setting, never the key.
    let privateKey: string;
    let alipayPublicKey: string;
    try {
      privateKey = normalisePrivateKey(config.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      throw new TypeError('AlipayClient: privateKeyPem is not a readable RSA private key');
    }
    try {
      alipayPublicKey = normalisePublicKey(config.alipayPublicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      throw new TypeError('AlipayClient: alipayPublicKeyPem is not a readable RSA public key');
    }
    const gateway = config.gateway ?? 'https://openapi.alipay.com/gateway.do';
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey,
      keyType: 'PKCS8',
      alipayPublicKey,
      signType: 'RSA2',
      gateway,
      // v3 calls are not used, but point the endpoint at the same host so nothing can reach the real one
      endpoint: new URL(gateway).origin,
      timeout: config.timeoutMs ?? 5000,
      camelcase: false, // keep Alipay's documented snake_case field names
    });
  }

  /** alipay.trade.wap.pay: the signed URL (or, with form, an auto-submitting HTML form) a mobile browser opens. */
  wapPay(input: AlipayWapPayInput, opts: { form?: boolean } = {}): string {
    if (!/^https?:\/\//.test(input.quitUrl)) throw new TypeError('quitUrl must be an http(s) URL');
    return this.cashier('alipay.trade.wap.pay', { ...this.payContent(input, 'QUICK_WAP_WAY'), quit_url: input.quitUrl }, opts.form, input.returnUrl);
  }

  /** alipay.trade.page.pay: desktop cashier (QR code or login). */
  pagePay(input: AlipayPayInput, opts: { form?: boolean } = {}): string {
    return this.cashier('alipay.trade.page.pay', this.payContent(input, 'FAST_INSTANT_TRADE_PAY'), opts.form, input.returnUrl);
  }

  private payContent(input: AlipayPayInput, productCode: string): Record<string, string> {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(input.outTradeNo)) throw new TypeError('outTradeNo must be 1-64 of [A-Za-z0-9_]');
    // Alipay: [0.01, 100000000] yuan
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1 || input.amountFen > 10_000_000_000) throw new RangeError('amountFen must be 1..10000000000');
    const subject = input.subject.replace(/[/=&]/g, ' ').trim().slice(0, 256); // Alipay refuses / = & in subject
    if (!subject) throw new TypeError('subject is required');
    const content: Record<string, string> = { out_trade_no: input.outTradeNo, total_amount: fenToYuan(input.amountFen), subject, product_code: productCode };
    if (input.expiresAt) content.time_expire = beijingTime(input.expiresAt);
    return content;
  }

  private cashier(method: string, bizContent: Record<string, string>, form?: boolean, returnUrl?: string): string {
    // undefined values must not reach the SDK: it would sign the text "undefined"
    const params: Record<string, unknown> = { bizContent, notifyUrl: this.config.notifyUrl };
    const back = returnUrl ?? this.config.returnUrl;
    if (back) params.returnUrl = back;
    return this.sdk.pageExec(method, form ? 'POST' : 'GET', params);
  }

  /**
   * An asynchronous notification (the form fields posted to notify_url), verified with Alipay's public key
   * via the SDK (checkNotifySignV2: values exactly as received, no second URL-decoding). Throws unless the
   * signature verifies and app_id is ours. The caller must still check that out_trade_no is its order and
   * total_amount equals that order's amount (and seller_id if it pins one), answer the plain text
   * "success" only after recording it, and treat repeats (same notify_id) as normal.
   */
  verifyNotification(params: Record<string, string>): AlipayNotification {
    const method = 'notify';
    if (!params.sign || !this.sdk.checkNotifySignV2(params)) throw new AlipayApiError(method, 'NOTIFY_SIGNATURE_INVALID', undefined, false);
    if (params.app_id !== this.config.appId) throw new AlipayApiError(method, 'NOTIFY_APP_MISMATCH', undefined, false);
    if (!params.out_trade_no || !params.trade_no || !params.notify_id || !TRADE_STATUSES.includes(params.trade_status)) {
      throw new AlipayApiError(method, 'NOTIFY_INVALID', undefined, false);
    }
    return {
      outTradeNo: params.out_trade_no,
      tradeNo: params.trade_no,
      tradeStatus: params.trade_status as AlipayTradeStatus,
      totalFen: this.amount(method, params.total_amount),
      appId: params.app_id,
      sellerId: params.seller_id || undefined,
      notifyId: params.notify_id,
      gmtPayment: params.gmt_payment || undefined,
      refundFen: params.refund_fee ? this.amount(method, params.refund_fee) : undefined,
      outRequestNo: params.refund_fee ? params.out_biz_no || undefined : undefined,
    };
  }

  /** The query string Alipay appends to return_url. Only a hint for the page: payment is confirmed by the notification or query(). */
  verifyReturn(params: Record<string, string>): { outTradeNo: string; tradeNo: string; totalFen: number } {
    const method = 'return';
    if (!params.sign || !this.sdk.checkNotifySignV2(params)) throw new AlipayApiError(method, 'NOTIFY_SIGNATURE_INVALID', undefined, false);
    if (params.app_id !== this.config.appId) throw new AlipayApiError(method, 'NOTIFY_APP_MISMATCH', undefined, false);
    return { outTradeNo: params.out_trade_no, tradeNo: params.trade_no, totalFen: this.amount(method, params.total_amount) };
  }

  /** alipay.trade.query. ACQ.TRADE_NOT_EXIST also means "the buyer has not reached the cashier yet". */
  async query(outTradeNo: string): Promise<AlipayTrade> {
    const method = 'alipay.trade.query';
    const r = await this.call(method, { out_trade_no: outTradeNo });
    this.expect(method, r.out_trade_no === outTradeNo && TRADE_STATUSES.includes(r.trade_status));
    return { outTradeNo, tradeNo: r.trade_no, tradeStatus: r.trade_status, totalFen: this.amount(method, r.total_amount), paidAt: r.send_pay_date || undefined };
  }

  /** alipay.trade.close: unpaid trades only (a paid one answers ACQ.TRADE_STATUS_ERROR). */
  async close(outTradeNo: string): Promise<{ outTradeNo: string; tradeNo?: string }> {
    const r = await this.call('alipay.trade.close', { out_trade_no: outTradeNo });
    return { outTradeNo, tradeNo: r.trade_no || undefined };
  }

  /** alipay.trade.refund. Retry a failed or unanswered refund with the SAME outRequestNo: Alipay refunds it once. */
  async refund(input: { outTradeNo: string; outRequestNo: string; refundFen: number; reason: string }): Promise<AlipayRefundResult> {
    const method = 'alipay.trade.refund';
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen < 1) throw new RangeError('refundFen must be a positive integer');
    const r = await this.call(method, {
      out_trade_no: input.outTradeNo,
      out_request_no: input.outRequestNo,
      refund_amount: fenToYuan(input.refundFen),
      refund_reason: input.reason.slice(0, 256),
    });
    this.expect(method, r.out_trade_no === input.outTradeNo && (r.fund_change === 'Y' || r.fund_change === 'N'));
    return { outTradeNo: input.outTradeNo, tradeNo: r.trade_no, fundChange: r.fund_change === 'Y', refundedTotalFen: this.amount(method, r.refund_fee) };
  }

  /** alipay.trade.fastpay.refund.query */
  async queryRefund(outTradeNo: string, outRequestNo: string): Promise<AlipayRefundQuery> {
    const method = 'alipay.trade.fastpay.refund.query';
    const r = await this.call(method, { out_trade_no: outTradeNo, out_request_no: outRequestNo });
    const success = r.refund_status === 'REFUND_SUCCESS' && r.out_request_no === outRequestNo;
    return {
      outTradeNo,
      outRequestNo,
      status: success ? 'REFUND_SUCCESS' : 'NOT_REFUNDED',
      refundFen: success ? this.amount(method, r.refund_amount) : undefined,
      totalFen: r.total_amount ? this.amount(method, r.total_amount) : undefined,
    };
  }

  /**
   * alipay.fund.trans.uni.transfer to an Alipay account (TRANS_ACCOUNT_NO_PWD / DIRECT_TRANSFER).
   * Alipay dedupes on out_biz_no: after a timeout or a retryable error, call again with the same outBizNo
   * (or queryTransfer) — never a new one, or the payee may be paid twice.
   */
  async transfer(input: { outBizNo: string; amountFen: number; payee: AlipayPayee; title: string }): Promise<AlipayTransferResult> {
    const method = 'alipay.fund.trans.uni.transfer';
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) throw new RangeError('amountFen must be a positive integer');
    const payeeInfo: Record<string, string> = { identity: input.payee.identity, identity_type: input.payee.identityType };
    if (input.payee.name) payeeInfo.name = input.payee.name;
    const r = await this.call(method, {
      out_biz_no: input.outBizNo,
      trans_amount: fenToYuan(input.amountFen),
      product_code: 'TRANS_ACCOUNT_NO_PWD',
      biz_scene: 'DIRECT_TRANSFER',
      order_title: input.title.slice(0, 128),
      payee_info: payeeInfo,
    });
    this.expect(method, r.out_biz_no === input.outBizNo && ['SUCCESS', 'FAIL', 'DEALING'].includes(r.status) && !!r.order_id);
    return { outBizNo: input.outBizNo, status: r.status, orderId: r.order_id, payFundOrderId: r.pay_fund_order_id || undefined, transDate: r.trans_date || undefined };
  }

  /** alipay.fund.trans.common.query. ORDER_NOT_EXIST: Alipay has no order under this out_biz_no. */
  async queryTransfer(outBizNo: string): Promise<AlipayTransferQuery> {
    const method = 'alipay.fund.trans.common.query';
    const r = await this.call(method, { out_biz_no: outBizNo, product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER' });
    this.expect(method, r.out_biz_no === outBizNo && typeof r.status === 'string');
    return {
      outBizNo,
      status: r.status,
      orderId: r.order_id,
      amountFen: r.trans_amount ? this.amount(method, r.trans_amount) : undefined,
      payDate: r.pay_date || undefined,
      errorCode: r.error_code || undefined,
      failReason: r.fail_reason || undefined,
    };
  }

  /** alipay.data.dataservice.bill.downloadurl.query: a short-lived (30 s) URL. A day's bill exists from the next day. */
  async billDownloadUrl(date: string, billType: 'trade' | 'signcustomer' = 'trade'): Promise<string> {
    const method = 'alipay.data.dataservice.bill.downloadurl.query';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError('date must be YYYY-MM-DD');
    const r = await this.call(method, { bill_type: billType, bill_date: date });
    this.expect(method, typeof r.bill_download_url === 'string' && /^https?:\/\//.test(r.bill_download_url));
    return r.bill_download_url;
  }

  /**
   * The 业务明细 CSV of a downloaded bill, as text. Alipay serves a zip holding GBK-encoded CSVs (the
   * details and a 汇总 summary); this unzips it and decodes GBK, so the fake serves the same.
   */
  async downloadBill(url: string): Promise<string> {
    const method = 'bill.download';
    let body: Buffer;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.config.timeoutMs ?? 5000) });
      if (!response.ok) throw new AlipayApiError(method, `HTTP_${response.status}`, undefined, response.status >= 500);
      body = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      if (err instanceof AlipayApiError) throw err;
      throw new AlipayApiError(method, (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK', undefined, true);
    }
    const files = unzip(body);
    const detail = files.find((f) => f.name.endsWith('业务明细.csv')) ?? files.find((f) => !f.name.includes('汇总'));
    if (!detail) throw new AlipayApiError(method, 'INVALID_RESPONSE', undefined, false);
    return new TextDecoder('gbk').decode(detail.data);
  }

  private amount(method: string, value: unknown): number {
    try {
      return yuanToFen(String(value));
    } catch {
      throw new AlipayApiError(method, 'INVALID_RESPONSE', undefined, true);
    }
  }

  private expect(method: string, ok: boolean): void {
    if (!ok) throw new AlipayApiError(method, 'INVALID_RESPONSE', undefined, true);
  }

  private async call(method: string, bizContent: Record<string, unknown>): Promise<Record<string, any>> {
    let result: Record<string, any>;
    try {
      result = await this.sdk.exec(method, { bizContent }, { validateSign: true });
    } catch (err) {
      throw fromSdkError(method, err);
    }
    const code = String(result.code ?? '');
    if (code === '10000') return result;
    const subCode = result.sub_code ? String(result.sub_code) : undefined;
    throw new AlipayApiError(method, code || 'INVALID_RESPONSE', subCode, !code || code === '20000' || (!!subCode && RETRYABLE_SUB_CODES.has(subCode)));
  }
}

/** The SDK's errors carry the raw answer and sign strings in their messages: keep only a code. */
function fromSdkError(method: string, err: unknown): AlipayApiError {
  if (err instanceof AlipayRequestError) {
    if (err.message.startsWith('验签失败')) return new AlipayApiError(method, 'RESPONSE_SIGNATURE_INVALID', undefined, true);
    const status = /^HTTP 请求错误, status: (\d+)/.exec(err.message);
    if (status) return new AlipayApiError(method, `HTTP_${status[1]}`, undefined, true);
    if (err.message.startsWith('HttpClient Request error')) {
      const cause = err.cause as { name?: string } | undefined;
      return new AlipayApiError(method, /Timeout/i.test(cause?.name ?? '') ? 'TIMEOUT' : 'NETWORK', undefined, true);
    }
    return new AlipayApiError(method, 'INVALID_RESPONSE', undefined, true);
  }
  // An answer without "sign" makes the SDK's verifier throw a TypeError: unverified, so outcome unknown.
  return new AlipayApiError(method, 'RESPONSE_SIGNATURE_INVALID', undefined, true);
}
