// A loopback 快递100 (api.kuaidi100.com 企业版) that behaves as its documentation says, so the real
// adapter runs end to end:
// - POST /poll (订阅): form schema (json) and param {company, number, key, parameters:{callbackurl, salt,
//   resultv2, phone}}; the key is checked first (600), then the data (700 bad data or callback URL, 701 a
//   refused company, 702 autoCom it cannot resolve); a number still watched, or subscribed 4 times this
//   month, answers 501 重复订阅; else 200 提交成功. Answers are {result, returnCode, message}.
// - POST /poll/query.do (实时查询): form customer, sign, param; customer must be the account's (400), sign
//   must be MD5(param + key + customer) upper-case (503), com known and num 6-32 long (400), SF-family numbers
//   need a phone (408), a number with no track answers 500 查询无结果; else the track, newest first.
// - push(): form-POSTs param and sign = MD5(param + salt) upper-case to the subscription's callbackurl, as
//   快递100 does (no sign when the subscription had no salt); the answer counts only if it is
//   {"result":true,"returnCode":"200"}. 快递100 retries a failed push 3 times, ~30 min apart: call push again.
// Failures the provider can have are injected per path: an HTTP status, a stall (no answer), or a returnCode.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeEvent { at: Date; text: string; area?: string }
export interface FakeTrack { company: string; state: string; events: FakeEvent[] }
export interface FakeSubscription {
  company: string; number: string; callbackurl: string; salt?: string; resultv2?: string; phone?: string;
  status: 'polling' | 'shutdown' | 'abort'; times: number;
}
export type Kuaidi100Failure = { httpStatus: number } | { stall: true } | { returnCode: string; message?: string };
export type FakePath = '/poll' | '/poll/query.do';
export interface RecordedCall { path: string; form: Record<string, string>; answer?: Record<string, unknown>; httpStatus?: number }
export interface PushOptions {
  /** the push's monitoring status; default shutdown on 3 (签收), polling otherwise */
  status?: 'polling' | 'shutdown' | 'abort' | 'updateall';
  message?: string;
  /** signs with another salt, as a forger would */
  wrongSign?: boolean;
  omitSign?: boolean;
  /** 快递100 found the number under this company instead (autoCheck 1, comOld/comNew) */
  correctedTo?: string;
}
export interface PushOutcome { form: Record<string, string>; httpStatus: number; answer: string; acknowledged: boolean }

export interface Kuaidi100FakeOptions {
  key: string;
  customer: string;
  /** company codes it knows; default a common set */
  companies?: string[];
  /** companies whose subscriptions it refuses (701) */
  refusedCompanies?: string[];
}

export interface Kuaidi100Fake {
  readonly url: string;
  readonly calls: RecordedCall[];
  readonly subscriptions: ReadonlyMap<string, FakeSubscription>;
  readonly pushes: PushOutcome[];
  /** what query answers for the number (and what a push sends) */
  setTrack(trackingNo: string, track: FakeTrack): void;
  /** pushes the number's track to its subscription's callbackurl; state is 快递100's code ('0'…'14') */
  push(trackingNo: string, state: string, events: FakeEvent[], opts?: PushOptions): Promise<PushOutcome>;
  failNext(path: FakePath, failure: Kuaidi100Failure): void;
  close(): Promise<void>;
}

const DEFAULT_COMPANIES = [
  'shunfeng', 'jd', 'ems', 'youzhengguonei', 'zhongtong', 'yuantong', 'shentong', 'yunda', 'jtexpress', 'debangkuaidi',
  'debangwuliu', 'huitongkuaidi', 'zhaijisong', 'youshuwuliu', 'annengwuliu', 'kuayue', 'shunfengkuaiyun', 'zhongtongkuaiyun',
  'jingdongkuaiyun', 'fengwang', 'danniao', 'tiantian', 'youzhengbk',
];
const PHONE_COMPANIES = new Set(['shunfeng', 'shunfengkuaiyun', 'fengwang', 'zhongtong']);
const STATE_NAMES: Record<string, string> = { '0': '在途', '1': '揽收', '2': '疑难', '3': '签收', '4': '退签', '5': '派件', '6': '退回', '7': '转投', '8': '清关', '14': '拒签' };
const MSG = {
  '200': '提交成功',
  '501': '重复订阅',
  '600': '您不是合法的订阅者（即授权Key出错）',
  '700': '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址',
  '701': '拒绝订阅的快递公司',
  '702': 'POLL:识别不到该单号对应的快递公司',
} as const;

const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const bj = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
const validNumber = (n: unknown): n is string => typeof n === 'string' && n.length >= 6 && n.length <= 32;

function parseObject(text: string | undefined): Record<string, any> | undefined {
  try {
    const v = JSON.parse(text ?? '');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function startKuaidi100Fake(options: Kuaidi100FakeOptions): Promise<Kuaidi100Fake> {
  const companies = new Set(options.companies ?? DEFAULT_COMPANIES);
  const refused = new Set(options.refusedCompanies ?? []);
  const subscriptions = new Map<string, FakeSubscription>();
  const tracks = new Map<string, FakeTrack>();
  const calls: RecordedCall[] = [];
  const pushes: PushOutcome[] = [];
  const failures = new Map<string, Kuaidi100Failure[]>();
  const stalled = new Set<Socket>();

  /** data items as 快递100 sends them: newest first, areaName and status only with resultv2 */
  const data = (track: FakeTrack, resultv2: boolean) =>
    [...track.events]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .map((e) => ({ context: e.text, time: bj(e.at), ftime: bj(e.at), ...(resultv2 ? { status: STATE_NAMES[track.state] ?? '在途', areaCode: null, areaName: e.area ?? null } : {}) }));
  const result = (num: string, track: FakeTrack, resultv2: boolean) => ({
    message: 'ok', nu: num, ischeck: track.state === '3' ? '1' : '0', condition: 'F00', com: track.company, status: '200', state: track.state, data: data(track, resultv2),
  });

  type Injected = { returnCode: string; message?: string } | undefined;
  let lastInjected: Record<string, unknown> | undefined;
  const injectedAnswer = (f: NonNullable<Injected>) => (lastInjected = { result: false, returnCode: f.returnCode, message: f.message ?? '服务器错误' });

  function subscribe(form: Record<string, string>, injected: Injected): Record<string, unknown> {
    const answer = (code: keyof typeof MSG) => ({ result: code === '200', returnCode: code, message: MSG[code] });
    if (form.schema !== undefined && form.schema !== 'json') return answer('700'); // the fake speaks json only
    const p = parseObject(form.param);
    if (!p) return answer('700');
    if (p.key !== options.key) return answer('600');
    const params = p.parameters && typeof p.parameters === 'object' ? (p.parameters as Record<string, unknown>) : undefined;
    if (!p.company && params?.autoCom === '1') return answer('702');
    if (typeof p.company !== 'string' || !companies.has(p.company)) return answer('700');
    if (refused.has(p.company)) return answer('701');
    if (!validNumber(p.number)) return answer('700');
    const callbackurl = params?.callbackurl;
    if (typeof callbackurl !== 'string' || !/^https?:\/\/[^/\s]+/.test(callbackurl)) return answer('700');
    if (injected) return injectedAnswer(injected);
    const id = `${p.company}:${p.number}`;
    const existing = subscriptions.get(id);
    if (existing && (existing.status === 'polling' || existing.times >= 4)) return answer('501');
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    subscriptions.set(id, {
      company: p.company, number: p.number, callbackurl, salt: str(params?.salt), resultv2: str(params?.resultv2), phone: str(params?.phone),
      status: 'polling', times: (existing?.times ?? 0) + 1,
    });
    return answer('200');
  }

  function query(form: Record<string, string>, injected: Injected): Record<string, unknown> {
    const fail = (returnCode: string, message: string) => ({ result: false, returnCode, message });
    if (!form.customer || !form.sign || !form.param) return fail('400', '提交的数据不完整，或者贵公司没授权');
    if (form.customer !== options.customer) return fail('400', '提交的数据不完整，或者贵公司没授权');
    if (form.sign !== md5Upper(form.param + options.key + options.customer)) return fail('503', '验证签名失败');
    const p = parseObject(form.param);
    if (!p) return fail('400', '提交的数据不完整，或者贵公司没授权');
    if (typeof p.com !== 'string' || !companies.has(p.com)) return fail('400', '找不到对应公司');
    if (!validNumber(p.num)) return fail('400', '提交的数据不完整，或者贵公司没授权');
    if (PHONE_COMPANIES.has(p.com) && !(typeof p.phone === 'string' && /\d{4}/.test(p.phone))) return fail('408', '快递公司参数异常：需要收、寄件人的电话号码');
    if (injected) return injectedAnswer(injected);
    const track = tracks.get(p.num);
    if (!track || track.company !== p.com) return fail('500', '查询无结果，请隔段时间再查');
    return result(p.num, track, Boolean(p.resultv2) && p.resultv2 !== '0');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const form: Record<string, string> = isForm ? Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) : {};
      const call: RecordedCall = { path, form };
      calls.push(call);
      if ((path !== '/poll' && path !== '/poll/query.do') || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const queued = failures.get(path) ?? [];
      const failure = queued[0];
      if (failure && !('returnCode' in failure)) queued.shift();
      if (failure && 'stall' in failure) { stalled.add(req.socket); return; }
      if (failure && 'httpStatus' in failure) {
        call.httpStatus = failure.httpStatus;
        res.writeHead(failure.httpStatus, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      // an injected business failure answers a well-formed, authentic call only, and changes nothing
      const injected = failure && 'returnCode' in failure ? failure : undefined;
      const answer = path === '/poll' ? subscribe(form, injected) : query(form, injected);
      if (injected && answer === lastInjected) queued.shift();
      call.answer = answer;
      call.httpStatus = 200;
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function push(trackingNo: string, state: string, events: FakeEvent[], opts: PushOptions = {}): Promise<PushOutcome> {
    const sub = [...subscriptions.values()].find((s) => s.number === trackingNo);
    if (!sub) throw new Error(`kuaidi100 fake: ${trackingNo} is not subscribed`);
    const track: FakeTrack = { company: opts.correctedTo ?? sub.company, state, events };
    tracks.set(trackingNo, track);
    const status = opts.status ?? (state === '3' ? 'shutdown' : 'polling');
    const body = {
      status, billstatus: 'got', message: opts.message ?? '',
      autoCheck: opts.correctedTo ? '1' : '0', comOld: opts.correctedTo ? sub.company : '', comNew: opts.correctedTo ?? '',
      lastResult: result(trackingNo, track, Boolean(sub.resultv2) && sub.resultv2 !== '0'),
    };
    const param = JSON.stringify(body);
    const form: Record<string, string> = { param };
    if (sub.salt !== undefined && !opts.omitSign) form.sign = md5Upper(param + (opts.wrongSign ? `${sub.salt}-forged` : sub.salt));
    if (status === 'shutdown' || status === 'abort') sub.status = status;
    let outcome: PushOutcome;
    try {
      const res = await fetch(sub.callbackurl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(5_000),
      });
      const answer = await res.text();
      const json = parseObject(answer);
      outcome = { form, httpStatus: res.status, answer, acknowledged: res.status === 200 && json?.result === true && json?.returnCode === '200' };
    } catch (err) {
      outcome = { form, httpStatus: 0, answer: String(err), acknowledged: false };
    }
    pushes.push(outcome);
    return outcome;
  }

  return {
    url,
    calls,
    subscriptions,
    pushes,
    setTrack(trackingNo, track) { tracks.set(trackingNo, track); },
    push,
    failNext(path, failure) { failures.set(path, [...(failures.get(path) ?? []), failure]); },
    async close() {
      for (const s of stalled) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
