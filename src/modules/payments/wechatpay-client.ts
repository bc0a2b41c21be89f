// WeChat Pay API v3 client: the protocol only (signing, verifying, shapes, errors); the money rules stay in
// PaymentsService. Every request carries a WECHATPAY2-SHA256-RSA2048 Authorization made with the merchant key,
// and every answer must carry a valid platform signature: WeChat documents that an unsigned or badly signed
// answer has to be rejected, since anyone on the path could otherwise say "paid" or "refunded".
// The answers' shapes and errors are in wechatpay-answers.ts, the trade bill format in wechatpay-bill.ts.
import crypto from 'node:crypto';
import { WechatpayPlatformKeys, type RawAnswer, type WechatpayPlatformConfig } from './wechatpay-certs.js';
import {
  decryptWechatpayResource,
  parseWechatpayNotification,
  parseWechatpayRefund,
  parseWechatpayTransaction,
  readWechatpayHeaders,
  WechatpayVerifyError,
  type WechatpayRefund,
  type WechatpayTransaction,
} from './wechatpay-crypto.js';
import { buildWechatpayAuthorization, signWechatpayMessage } from './wechatpay-signing.js';
import { fen, malformed, refundResult, str, TRADE_STATES, WechatpayApiError, type RefundResult, type TradeState } from './wechatpay-answers.js';

export type { WechatpayPlatformConfig } from './wechatpay-certs.js';
export { WechatpayApiError } from './wechatpay-answers.js';
export type { RefundResult, RefundStatus, TradeState } from './wechatpay-answers.js';
export { parseTradeBill } from './wechatpay-bill.js';
export type { TradeBill, TradeBillRow } from './wechatpay-bill.js';

export interface WechatpayClientConfig {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  apiV3Key: string;
  baseUrl?: string;
  notifyUrl: string;
  /** oa 公众号 (JSAPI), mp mini-program; H5 and Native use their own appid when set, else oa */
  appids: { oa?: string; mp?: string; h5?: string; native?: string };
  platform: WechatpayPlatformConfig;
  fetchFn?: typeof fetch;
  /** per request, connect to last byte; default 10 s */
  timeoutMs?: number;
  /** injectable clock (ms), for signatures' timestamps and the certificate refresh limit */
  now?: () => number;
}

const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'BANK_ERROR', 'FREQUENCY_LIMITED', 'STATEMENT_CREATING']);

export interface PrepayInput {
  outTradeNo: string;
  description: string;
  amountFen: number;
  expiresAt?: Date;
  /** overrides the configured appid for this kind */
  appid?: string;
}
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}
export interface OrderQueryResult {
  trade_state: TradeState;
  trade_state_desc?: string;
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  success_time?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency?: string };
}
export type VerifiedNotification =
  | { id: string; event_type: string; kind: 'transaction'; transaction: WechatpayTransaction }
  | { id: string; event_type: string; kind: 'refund'; refund: WechatpayRefund };

interface SentAnswer {
  status: number;
  headers: RawAnswer['headers'];
  bytes: Buffer;
  requestId?: string;
}

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const nonce32 = () => Array.from(crypto.randomBytes(32), (b) => NONCE_CHARS[b % NONCE_CHARS.length]).join('');
// WeChat's times are RFC 3339 in China Standard Time.
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

export class WechatpayClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly keys: WechatpayPlatformKeys;

  constructor(private readonly config: WechatpayClientConfig) {
    this.baseUrl = (config.baseUrl ?? 'https://api.mch.weixin.qq.com').replace(/\/+$/, '');
    this.fetchFn = config.fetchFn ?? fetch;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.now = config.now ?? Date.now;
    this.keys = new WechatpayPlatformKeys(config.platform, config.apiV3Key, this.now, () =>
      this.send('GET', '/v3/certificates').then((r) => ({ status: r.status, headers: r.headers, body: r.bytes.toString('utf8') })),
    );
  }

  // ------------------------------------------------------------------ prepay

  /** 公众号 JSAPI: prepay_id and the parameters for WeixinJSBridge.invoke('getBrandWCPayRequest'). */
  jsapi(input: PrepayInput & { openid: string }) {
    return this.prepayForBridge(input.appid ?? this.appid('oa'), input);
  }

  /** Mini-program: the same call with the mini-program appid; the parameters are for wx.requestPayment. */
  miniProgram(input: PrepayInput & { openid: string }) {
    return this.prepayForBridge(input.appid ?? this.appid('mp'), input);
  }

  async h5(input: PrepayInput & { payerClientIp: string; sceneType?: 'Wap' | 'iOS' | 'Android' }): Promise<{ h5_url: string }> {
    const scene = { payer_client_ip: input.payerClientIp, h5_info: { type: input.sceneType ?? 'Wap' } };
    const json = await this.call('POST', '/v3/pay/transactions/h5', this.order(input.appid ?? this.appid('h5'), input, { scene_info: scene }));
    return { h5_url: str(json, 'h5_url') };
  }

  async native(input: PrepayInput): Promise<{ code_url: string }> {
    const json = await this.call('POST', '/v3/pay/transactions/native', this.order(input.appid ?? this.appid('native'), input, {}));
    return { code_url: str(json, 'code_url') };
  }

  private async prepayForBridge(appid: string, input: PrepayInput & { openid: string }) {
    const json = await this.call('POST', '/v3/pay/transactions/jsapi', this.order(appid, input, { payer: { openid: input.openid } }));
    const prepayId = str(json, 'prepay_id');
    const timeStamp = String(Math.floor(this.now() / 1000));
    const nonceStr = nonce32();
    const pkg = `prepay_id=${prepayId}`;
    const paySign = signWechatpayMessage(`${appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, this.config.merchantPrivateKeyPem);
    const payParams: JsapiPayParams = { appId: appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
    return { prepay_id: prepayId, payParams };
  }

  private appid(kind: 'oa' | 'mp' | 'h5' | 'native'): string {
    const a = this.config.appids;
    const appid = kind === 'h5' || kind === 'native' ? (a[kind] ?? a.oa) : a[kind];
    if (!appid) throw new TypeError(`no appid configured for ${kind} payments`);
    return appid;
  }

  private order(appid: string, input: PrepayInput, extra: object) {
    // Money is integer fen: a float here would be a bug upstream, so fail before WeChat sees it.
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new TypeError('amountFen must be a positive integer');
    return {
      appid,
      mchid: this.config.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      ...(input.expiresAt ? { time_expire: beijing(input.expiresAt.getTime()) } : {}),
      notify_url: this.config.notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
      ...extra,
    };
  }

  // ------------------------------------------------------------------ orders

  async queryByOutTradeNo(outTradeNo: string): Promise<OrderQueryResult> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.config.mchid)}`;
    const o = await this.call('GET', path);
    const state = str(o, 'trade_state');
    if (!(TRADE_STATES as readonly string[]).includes(state)) throw malformed(`trade_state ${state}`);
    // An answer about another order must never be applied to this one.
    if (str(o, 'out_trade_no') !== outTradeNo) throw malformed('out_trade_no differs');
    const a = (o.amount ?? {}) as Record<string, unknown>;
    const out: OrderQueryResult = {
      trade_state: state as TradeState,
      appid: str(o, 'appid'),
      mchid: str(o, 'mchid'),
      out_trade_no: outTradeNo,
      amount: { total: fen(a.total), ...(a.payer_total !== undefined ? { payer_total: fen(a.payer_total) } : {}) },
    };
    if (typeof a.currency === 'string') out.amount.currency = a.currency;
    for (const f of ['trade_state_desc', 'transaction_id', 'success_time'] as const) if (typeof o[f] === 'string') out[f] = o[f] as string;
    const payer = o.payer as { openid?: unknown } | undefined;
    if (typeof payer?.openid === 'string') out.payer = { openid: payer.openid };
    if (state === 'SUCCESS' && !out.transaction_id) throw malformed('paid without transaction_id');
    return out;
  }

  /** 关闭订单: 204 without body. Closing a paid order answers ORDERPAID. */
  async close(outTradeNo: string): Promise<void> {
    await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: this.config.mchid });
  }

  // ------------------------------------------------------------------ refunds

  async refund(input: { outTradeNo: string; outRefundNo: string; reason?: string; refundFen: number; totalFen: number }): Promise<RefundResult> {
    for (const v of [input.refundFen, input.totalFen]) if (!Number.isSafeInteger(v) || v <= 0) throw new TypeError('refund amounts must be positive integers');
    const body = {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      ...(input.reason ? { reason: input.reason } : {}),
      notify_url: this.config.notifyUrl,
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    };
    return refundResult(await this.call('POST', '/v3/refund/domestic/refunds', body), input.outRefundNo);
  }

  async queryRefund(outRefundNo: string): Promise<RefundResult> {
    return refundResult(await this.call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`), outRefundNo);
  }

  // ------------------------------------------------------------------ notifications and certificates

  /** Verifies (platform key by Wechatpay-Serial) and decrypts a notification; throws WechatpayVerifyError. */
  async verifyNotification(headers: Record<string, string | string[] | undefined>, body: string): Promise<VerifiedNotification> {
    await this.keys.verify(readWechatpayHeaders(headers), body);
    const n = parseWechatpayNotification(body);
    const plain = decryptWechatpayResource(n.resource, this.config.apiV3Key);
    if (n.resource.original_type === 'refund') return { id: n.id, event_type: n.event_type, kind: 'refund', refund: parseWechatpayRefund(plain) };
    return { id: n.id, event_type: n.event_type, kind: 'transaction', transaction: parseWechatpayTransaction(plain) };
  }

  /** Downloads the platform certificate list now (mode 'certificates'); also done on demand. */
  refreshCertificates(): Promise<void> {
    return this.keys.refresh();
  }

  platformSerials(): string[] {
    return this.keys.serials();
  }

  // ------------------------------------------------------------------ bills

  /** The day's trade bill as WeChat's CSV text, after checking its SHA1 (the file itself is not signed). */
  async tradeBill(date: string, billType: 'ALL' | 'SUCCESS' | 'REFUND' = 'ALL'): Promise<string> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError('date must be YYYY-MM-DD');
    const info = await this.call('GET', `/v3/bill/tradebill?bill_date=${date}&bill_type=${billType}`);
    const hash = str(info, 'hash_value').toLowerCase();
    if (str(info, 'hash_type') !== 'SHA1' || !/^[0-9a-f]{40}$/.test(hash)) throw malformed('bill hash');
    const url = new URL(str(info, 'download_url'));
    // The download is signed with our key too: send it only to WeChat's own origin.
    if (url.origin !== new URL(this.baseUrl).origin) throw malformed('download_url outside the API origin');
    const file = await this.send('GET', url.pathname + url.search, '', '*/*');
    if (file.status !== 200) throw this.apiError(file, file.bytes.toString('utf8'));
    if (crypto.createHash('sha1').update(file.bytes).digest('hex') !== hash) {
      throw new WechatpayApiError(200, 'BILL_HASH_MISMATCH', true, 'wechatpay trade bill: downloaded bytes do not match hash_value', file.requestId);
    }
    return file.bytes.toString('utf8');
  }

  // ------------------------------------------------------------------ transport

  /** Signed request, verified answer; returns the parsed JSON ({} for 204). */
  private async call(method: 'GET' | 'POST', pathWithQuery: string, payload?: unknown): Promise<Record<string, unknown>> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const answer = await this.send(method, pathWithQuery, body);
    const text = answer.bytes.toString('utf8');
    const where = `wechatpay ${method} ${pathWithQuery.split('?')[0]}`;
    const ok = answer.status >= 200 && answer.status < 300;
    // Success must be signed. An error answer is verified when signed; some (401 SIGN_ERROR) may not be.
    if (!answer.headers && ok) throw new WechatpayApiError(answer.status, 'RESPONSE_UNSIGNED', false, `${where}: answer without signature`, answer.requestId);
    if (answer.headers) {
      try {
        await this.keys.verify(answer.headers, text);
      } catch (e) {
        // Not retried blindly: it may be forged. Query (a verified answer) decides what happened.
        const code = e instanceof WechatpayVerifyError ? e.code : 'UNKNOWN';
        throw new WechatpayApiError(answer.status, 'RESPONSE_SIGNATURE_INVALID', false, `${where}: answer signature rejected (${code})`, answer.requestId, { cause: e });
      }
    }
    if (!ok) throw this.apiError(answer, text, where);
    if (answer.status === 204 || text === '') return {};
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw malformed(`${where}: body is not a JSON object`);
  }

  private apiError(answer: { status: number; requestId?: string }, text: string, where = 'wechatpay'): WechatpayApiError {
    let code = '';
    try {
      code = String((JSON.parse(text) as { code?: unknown }).code ?? '');
    } catch {
      // not JSON: a gateway page, keep the status only
    }
    if (!/^[A-Z_]{1,64}$/.test(code)) code = `HTTP_${answer.status}`;
    const retryable = RETRYABLE_CODES.has(code) || answer.status === 429 || (answer.status >= 500 && code.startsWith('HTTP_'));
    // WeChat's `message`/`detail` can echo request fields (openid, names): only status and code go in the message.
    return new WechatpayApiError(answer.status, code, retryable, `${where} answered ${answer.status} ${code}`, answer.requestId);
  }

  private async send(method: string, pathWithQuery: string, body = '', accept = 'application/json'): Promise<SentAnswer> {
    const authorization = buildWechatpayAuthorization({
      method,
      urlPathWithQuery: pathWithQuery,
      body,
      mchid: this.config.mchid,
      merchantSerial: this.config.merchantSerial,
      merchantPrivateKeyPem: this.config.merchantPrivateKeyPem,
      nowMs: this.now(),
      nonce: nonce32(),
    });
    const headers: Record<string, string> = { Authorization: authorization, Accept: accept, 'User-Agent': 'fenxiao-wechatpay/1' };
    if (body) headers['Content-Type'] = 'application/json';
    const where = `wechatpay ${method} ${pathWithQuery.split('?')[0]}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await this.fetchFn(this.baseUrl + pathWithQuery, { method, headers, body: body || undefined, signal: controller.signal });
      const bytes = Buffer.from(await res.arrayBuffer());
      let signed: RawAnswer['headers'];
      try {
        signed = readWechatpayHeaders(Object.fromEntries(res.headers));
      } catch {
        signed = undefined;
      }
      return { status: res.status, headers: signed, bytes, requestId: res.headers.get('request-id') ?? undefined };
    } catch (e) {
      // The outcome is unknown; a repeat with the same out_trade_no/out_refund_no is safe, so both are retryable.
      if (controller.signal.aborted) throw new WechatpayApiError(0, 'TIMEOUT', true, `${where}: no answer within ${this.timeoutMs} ms`, undefined, { cause: e });
      throw new WechatpayApiError(0, 'NETWORK_ERROR', true, `${where}: network error`, undefined, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }
}
