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
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import zlib from 'node:zlib';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { formatYuan, parseYuan } from '../../money.js';

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

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED';
const TRADE_STATUSES: readonly string[] = ['WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED'];

/**
 * An Alipay call that did not succeed. retryable=false means Alipay itself refused this request in a
 * verified answer (nothing happened; retrying the same request will not help). retryable=true means the
 * outcome is unknown or transient (network, timeout, 20000, SYSTEM_ERROR, an answer that failed signature
 * verification): retry with the SAME out_trade_no / out_request_no / out_biz_no, or query first.
 * The message carries codes only, never keys, sub_msg (it can echo biz_content) or personal data.
 */
export class AlipayApiError extends Error {
  constructor(
    readonly method: string,
    /** Alipay's code ('20000', '40004', ...) or ours: NETWORK, TIMEOUT, HTTP_502, RESPONSE_SIGNATURE_INVALID, INVALID_RESPONSE, NOTIFY_* */
    readonly code: string,
    readonly subCode: string | undefined,
    readonly retryable: boolean,
  ) {
    super(`alipay ${method} failed: ${code}${subCode ? ` ${subCode}` : ''}${retryable ? ' (retryable)' : ''}`);
    this.name = 'AlipayApiError';
  }
}

const RETRYABLE_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'SYSTEM_ERROR', 'isp.unknow-error', 'aop.unknow-error']);

// ---- money: integer fen ⇄ Alipay's yuan strings, exactly (no floating point) ----

/** 1 → "0.01"; any non-negative safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError('amount must be a non-negative integer number of fen');
  return formatYuan(fen);
}

/** "0.01" → 1; "-1.50" → -150 (bills carry refunds as negatives). Refuses more than two decimals. */
export function yuanToFen(yuan: string): number {
  return parseYuan(String(yuan).trim());
}

/** Alipay's clock is Beijing time (UTC+8, no DST), whatever this server's TZ is. */
function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

// ---- inputs and results ----

export interface AlipayPayInput {
  /** ours, unique: 1-64 of [A-Za-z0-9_] */
  outTradeNo: string;
  subject: string;
  amountFen: number;
  /** becomes time_expire; Alipay closes the trade unpaid after it */
  expiresAt?: Date;
  /** where the cashier sends the buyer afterwards (this payment's result page); else the configured one */
  returnUrl?: string;
}
export interface AlipayWapPayInput extends AlipayPayInput {
  /** where 返回商家 on the cashier goes */
  quitUrl: string;
}

export interface AlipayNotification {
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  appId: string;
  sellerId?: string;
  notifyId: string;
  gmtPayment?: string;
  /** refund notifications: the trade's cumulative refunded amount and the out_request_no (out_biz_no) */
  refundFen?: number;
  outRequestNo?: string;
}

export interface AlipayTrade {
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  /** send_pay_date, Beijing time, once paid */
  paidAt?: string;
}

export interface AlipayRefundResult {
  outTradeNo: string;
  tradeNo: string;
  /** fund_change 'Y': this call moved money. 'N': a repeat of an out_request_no already refunded, or not
   * confirmed yet: confirm with queryRefund before telling anyone the refund failed */
  fundChange: boolean;
  /** refund_fee: the trade's CUMULATIVE refunded amount, not this request's */
  refundedTotalFen: number;
}

export interface AlipayRefundQuery {
  outTradeNo: string;
  outRequestNo: string;
  /** Alipay omits refund_status when it has no successful refund under this out_request_no */
  status: 'REFUND_SUCCESS' | 'NOT_REFUNDED';
  refundFen?: number;
  totalFen?: number;
}

export interface AlipayPayee {
  identityType: 'ALIPAY_LOGON_ID' | 'ALIPAY_USER_ID';
  identity: string;
  /** real name; required by Alipay for ALIPAY_LOGON_ID */
  name: string;
}

export type AlipayTransferStatus = 'SUCCESS' | 'FAIL' | 'DEALING';
export interface AlipayTransferResult {
  outBizNo: string;
  status: AlipayTransferStatus;
  orderId: string;
  payFundOrderId?: string;
  transDate?: string;
}
export interface AlipayTransferQuery {
  outBizNo: string;
  /** SUCCESS, FAIL, DEALING, or REFUND (退票) as Alipay reports it */
  status: string;
  orderId: string;
  amountFen?: number;
  payDate?: string;
  errorCode?: string;
  failReason?: string;
}

export interface TradeBillRow {
  outTradeNo: string;
  tradeNo: string;
  type: '交易' | '退款';
  /** |商家实收|: what moved in (交易) or out (退款) */
  amountFen: number;
  refundRequestNo?: string;
  /** 完成时间, Beijing time */
  time: string;
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

/** The few zip features Alipay's bill archives use: stored or deflated entries, GBK or UTF-8 names. */
function unzip(buf: Buffer): Array<{ name: string; data: Buffer }> {
  const bad = () => new AlipayApiError('bill.download', 'INVALID_RESPONSE', undefined, false);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i -= 1) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw bad();
  const files: Array<{ name: string; data: Buffer }> = [];
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n -= 1) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw bad();
    const flags = buf.readUInt16LE(p + 8);
    const methodId = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const rawName = buf.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? rawName.toString('utf8') : new TextDecoder('gbk').decode(rawName);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const data = methodId === 8 ? zlib.inflateRawSync(raw) : methodId === 0 ? raw : undefined;
    if (!data || zlib.crc32(data) !== crc) throw bad();
    files.push({ name, data });
    p += 46 + skip;
  }
  return files;
}

/** One CSV line; quotes honoured ("" escapes). Alipay pads fields with a tab so Excel keeps them text. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i += 1; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** The rows of a trade bill's 业务明细 CSV; columns found by their header names, '#' lines skipped. */
export function parseTradeBill(csv: string): TradeBillRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  const headerAt = lines.findIndex((l) => l.includes('支付宝交易号') && l.includes('商户订单号'));
  if (headerAt < 0) throw new TypeError('not an Alipay trade bill: no header line');
  const header = csvFields(lines[headerAt]);
  const col = (prefix: string) => {
    const i = header.findIndex((h) => h.startsWith(prefix));
    if (i < 0) throw new TypeError(`not an Alipay trade bill: no ${prefix} column`);
    return i;
  };
  const c = { tradeNo: col('支付宝交易号'), outTradeNo: col('商户订单号'), type: col('业务类型'), time: col('完成时间'), amount: col('商家实收'), refundNo: col('退款批次号') };
  return lines.slice(headerAt + 1).map((line) => {
    const f = csvFields(line);
    const type = f[c.type];
    if (type !== '交易' && type !== '退款') throw new TypeError('unknown 业务类型 in bill');
    return {
      outTradeNo: f[c.outTradeNo],
      tradeNo: f[c.tradeNo],
      type,
      amountFen: Math.abs(yuanToFen(f[c.amount])),
      refundRequestNo: f[c.refundNo] || undefined,
      time: f[c.time],
    };
  });
}
