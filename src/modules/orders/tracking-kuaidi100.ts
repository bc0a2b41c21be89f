// 快递100 (api.kuaidi100.com, 企业版) as the tracking provider: the protocol only. Which parcel a push
// belongs to and what the order does with it stay in parcels.ts.
//
// - 订阅 (subscribe): POST {base}/poll, form schema=json & param={company, number, key,
//   parameters:{callbackurl, salt, resultv2, phone?}}; answer {result, returnCode, message}:
//   200 提交成功, 501 重复订阅 (already watched, or the 4-a-month limit: counts as done),
//   500 server error (retry), 600 bad key, 601 key expired, 700 bad data / callback URL,
//   701 company refused, 702 company not recognised.
// - 推送 (push): 快递100 form-POSTs param (JSON {status, message, autoCheck, comOld, comNew,
//   lastResult:{state, ischeck, com, nu, data:[{context, time, ftime, areaName?}]}}) and
//   sign = MD5(param + salt), upper-case hex. The answer must be {"result":true,"returnCode":"200",...}
//   or it pushes again (3 times, about 30 minutes apart).
// - 实时查询 (query): POST {base}/poll/query.do, form customer, param={com, num, phone?, resultv2},
//   sign = MD5(param + key + customer), upper-case; answers the same shape as lastResult, or
//   {result:false, returnCode, message} (400 bad data, 408 phone check, 500 no result yet, 503 bad sign, 601 key expired).
// Times are Beijing local 'YYYY-MM-DD HH:mm:ss' (UTC+8, no DST), whatever this server's TZ is.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  TrackingCallbackError,
  TrackingError,
  type SubscribeResult,
  type TrackingEventData,
  type TrackingProvider,
  type TrackingRequest,
  type TrackingSnapshot,
  type TrackingState,
} from './tracking.js';

export interface Kuaidi100Config {
  /** default https://poll.kuaidi100.com (a loopback fake or an egress gateway in tests) */
  baseUrl?: string;
  /** 授权key */
  key: string;
  /** the company number (customer) shown with the key; signs queries */
  customer: string;
  /** our random string for push signatures; required, or a push could not be told from a forgery */
  salt: string;
  /** where 快递100 pushes to (our callback route), absolute */
  callbackUrl: string;
  /** per request, default 5000 */
  timeoutMs?: number;
  fetchFn?: typeof fetch;
}

/**
 * 快递100 state → ours. Base states (resultv2 1): 0 在途 in_transit, 1 揽收 collected, 2 疑难 problem,
 * 3 签收 delivered, 4 退签 returned (back with the sender), 5 派件 out_for_delivery, 6 退回 returned (on its
 * way back), 7 转投 in_transit (handed to another carrier), 8 清关 and 10 待清关 / 11 清关中 / 12 已清关 customs,
 * 13 清关异常 problem, 14 拒签 rejected. Advanced states (resultv2 4) belong to a base one: 101-103 → 1,
 * 1001-1003 → 0, 2xx → 2, 301-304 → 3, 401 → 4, 501 (in a locker or station) → 5. Anything else is in_transit
 * rather than a refused push: a refused push is pushed again and then lost.
 */
const BASE_STATES: Record<string, TrackingState> = {
  '0': 'in_transit',
  '1': 'collected',
  '2': 'problem',
  '3': 'delivered',
  '4': 'returned',
  '5': 'out_for_delivery',
  '6': 'returned',
  '7': 'in_transit',
  '8': 'customs',
  '10': 'customs',
  '11': 'customs',
  '12': 'customs',
  '13': 'problem',
  '14': 'rejected',
};

export function kuaidi100State(code: string): TrackingState {
  const c = code.trim();
  if (BASE_STATES[c]) return BASE_STATES[c];
  if (/^10\d\d$/.test(c)) return 'in_transit';
  if (/^[1-8]\d\d$/.test(c)) return BASE_STATES[c[0]!] ?? 'in_transit';
  return 'in_transit';
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** 'YYYY-MM-DD HH:mm:ss' in Beijing time → the instant; undefined unless it is a real date and time. */
export function beijingTimeToDate(text: string): Date | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h - 8, mi, s));
  // Date.UTC rolls 02-30 over to 03-02: compare back to refuse it
  const back = new Date(at.getTime() + 8 * 3_600_000);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return undefined;
  return at;
}

const md5Upper = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.trim().toUpperCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** lastResult (push) or the query answer → a snapshot; undefined when it is not that shape. */
function readResult(r: unknown): TrackingSnapshot | undefined {
  if (!isObject(r) || !Array.isArray(r.data)) return undefined;
  const com = text(r.com);
  const nu = text(r.nu);
  const state = text(r.state);
  if (!com || !nu || state === undefined) return undefined;
  const events: TrackingEventData[] = [];
  for (const e of r.data) {
    if (!isObject(e) || typeof e.context !== 'string') return undefined;
    // ftime is the formatted time, time the carrier's own; both are documented as Beijing time
    const at = beijingTimeToDate(text(e.ftime) ?? '') ?? beijingTimeToDate(text(e.time) ?? '');
    if (!at) return undefined;
    const area = text(e.areaName)?.trim();
    events.push({ at, text: e.context, ...(area ? { area } : {}) });
  }
  events.sort((a, b) => b.at.getTime() - a.at.getTime()); // documented newest first; made sure
  const mapped = kuaidi100State(state);
  return { carrierCode: com, trackingNo: nu, state: mapped, delivered: mapped === 'delivered', events };
}

const WATCH: Record<string, TrackingSnapshot['watch']> = { polling: 'active', updateall: 'active', shutdown: 'ended', abort: 'aborted' };

export class Kuaidi100Tracking implements TrackingProvider {
  readonly name = 'kuaidi100' as const;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly config: Kuaidi100Config) {
    for (const field of ['key', 'customer', 'salt'] as const) {
      if (!config[field]?.trim()) throw new TypeError(`Kuaidi100Tracking: ${field} is required`);
    }
    if (!/^https?:\/\/[^/\s]+/.test(config.callbackUrl ?? '')) throw new TypeError('Kuaidi100Tracking: callbackUrl must be an absolute http(s) URL');
    this.base = (config.baseUrl ?? 'https://poll.kuaidi100.com').replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 5_000;
    this.fetchFn = config.fetchFn ?? fetch;
  }

  async subscribe(p: TrackingRequest): Promise<SubscribeResult> {
    const parameters: Record<string, string> = { callbackurl: this.config.callbackUrl, salt: this.config.salt, resultv2: '1' };
    if (p.phone?.trim()) parameters.phone = p.phone.trim();
    const param = JSON.stringify({ company: p.carrierCode, number: p.trackingNo.trim(), key: this.config.key, parameters });
    let answer: { status: number; body: string };
    try {
      answer = await this.post('/poll', { schema: 'json', param });
    } catch (err) {
      const e = err as TrackingError;
      return { ok: false, code: e.code, retryable: true, message: e.message };
    }
    if (answer.status !== 200) return { ok: false, code: `HTTP_${answer.status}`, retryable: answer.status >= 500 || answer.status === 429, message: `快递100 answered HTTP ${answer.status}` };
    const json = parseJson(answer.body);
    const code = isObject(json) ? text(json.returnCode) : undefined;
    if (!code) return { ok: false, code: 'BAD_ANSWER', retryable: true, message: '快递100 answered something other than its JSON' };
    if (code === '200' || code === '501') return { ok: true };
    const message = (isObject(json) && text(json.message)) || `returnCode ${code}`;
    // 500 and other 5xx are its own trouble; 600/601 (key), 700/701/702 (data, company) stay wrong until fixed
    return { ok: false, code, retryable: code.startsWith('5'), message };
  }

  async query(p: TrackingRequest): Promise<TrackingSnapshot> {
    const q: Record<string, string> = { com: p.carrierCode, num: p.trackingNo.trim() };
    if (p.phone?.trim()) q.phone = p.phone.trim();
    Object.assign(q, { resultv2: '1', show: '0', order: 'desc' });
    const param = JSON.stringify(q);
    const sign = md5Upper(param + this.config.key + this.config.customer);
    const answer = await this.post('/poll/query.do', { customer: this.config.customer, sign, param });
    if (answer.status !== 200) throw new TrackingError(`HTTP_${answer.status}`, answer.status >= 500 || answer.status === 429, `快递100 answered HTTP ${answer.status}`);
    const json = parseJson(answer.body);
    if (isObject(json) && (json.result === false || (json.returnCode !== undefined && json.data === undefined))) {
      const code = text(json.returnCode) ?? 'UNKNOWN';
      // 500: no result yet (the carrier has nothing, or not yet); 501/502: its servers
      throw new TrackingError(code, code.startsWith('5') && code !== '503', text(json.message) || `returnCode ${code}`);
    }
    const snapshot = readResult(json);
    if (!snapshot) throw new TrackingError('BAD_ANSWER', true, '快递100 answered something other than a tracking result');
    return snapshot;
  }

  readCallback(form: Record<string, string>): TrackingSnapshot {
    const sign = form.sign;
    const param = form.param;
    if (!sign) throw new TrackingCallbackError('missing_sign', 'the push carries no sign');
    if (typeof param !== 'string' || param === '') throw new TrackingCallbackError('malformed', 'the push carries no param');
    if (!sameHex(sign, md5Upper(param + this.config.salt))) throw new TrackingCallbackError('bad_sign', 'the push sign does not match MD5(param + salt)');
    const json = parseJson(param);
    if (!isObject(json)) throw new TrackingCallbackError('malformed', 'param is not a JSON object');
    const snapshot = readResult(json.lastResult);
    if (!snapshot) throw new TrackingCallbackError('malformed', 'param.lastResult is not a tracking result');
    const status = text(json.status);
    if (status && WATCH[status]) snapshot.watch = WATCH[status];
    // autoCheck 1: 快递100 found the number under comNew and tracks it there; the parcel still has comOld
    const comOld = text(json.comOld);
    if (text(json.autoCheck) === '1' && comOld && comOld !== snapshot.carrierCode) {
      snapshot.correctedCarrierCode = snapshot.carrierCode;
      snapshot.carrierCode = comOld;
    }
    return snapshot;
  }

  /** 快递100 counts a push as received only on result true with returnCode "200"; its docs leave other codes to us. */
  callbackAnswer(accepted: boolean): Record<string, unknown> {
    return accepted ? { result: true, returnCode: '200', message: '成功' } : { result: false, returnCode: '500', message: '未处理，请重推' };
  }

  private async post(path: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
    try {
      const res = await this.fetchFn(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new TrackingError('TIMEOUT', true, `快递100 did not answer within ${this.timeoutMs} ms`);
      // the cause names the host and errno only, never the key
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new TrackingError('NETWORK', true, `快递100 could not be reached${cause}`);
    }
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
