// A loopback Aliyun SMS (dysmsapi 2017-05-25) that does what the real service documents, so the real
// adapter and SDK are exercised end to end: the V3 signature (ACS3-HMAC-SHA256) is recomputed from the
// secret, x-acs-date must be within 15 minutes and a nonce is good once, SendSms checks its parameters
// against registered signs/templates, the per-phone frequency control applies, and answers take
// Aliyun's shapes: business results as HTTP 200 { RequestId, Code, Message, BizId }, gateway errors
// (signature, key) with their HTTP status and { RequestId, HostId, Code, Message, Recommend }.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const ALIYUN_FAKE_SIGN = '分销商城';
/** template code → the variables its text uses */
export const ALIYUN_FAKE_TEMPLATES: Record<string, string[]> = {
  SMS_460000001: ['code'], // register
  SMS_460000002: ['code'], // login
  SMS_460000003: ['code'], // reset password
};

export interface AliyunSmsFakeOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signNames?: string[];
  templates?: Record<string, string[]>;
  /** Aliyun's default control for codes: same phone + sign, 1/minute, 5/hour, 10/day. Default on. */
  frequencyLimit?: boolean;
}

export interface AliyunSentSms {
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** path and query, as received */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface AliyunSmsFake {
  readonly url: string;
  readonly port: number;
  readonly sent: AliyunSentSms[];
  /** every request as received, for replay/tamper tests */
  readonly requests: RecordedRequest[];
  frequencyLimit: boolean;
  lastCodeFor(phone: string): string | undefined;
  /** the next `times` well-formed, authenticated SendSms calls answer with this documented code */
  failNext(code: string, times?: number): void;
  /** the next request is never answered (client timeouts) */
  stallNext(): void;
  /** moves the fake's clock (timestamp freshness, frequency windows) */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

const ACTION = 'SendSms';
const VERSION = '2017-05-25';
const ALGORITHM = 'ACS3-HMAC-SHA256';
const TIMESTAMP_WINDOW_MS = 15 * 60_000;
const MINUTE = 60_000;
const FREQUENCY: Array<{ windowMs: number; permits: number; label: string }> = [
  { windowMs: MINUTE, permits: 1, label: '分钟级' },
  { windowMs: 60 * MINUTE, permits: 5, label: '小时级' },
  { windowMs: 24 * 60 * MINUTE, permits: 10, label: '天级' },
];

/** Errors the POP gateway answers with an HTTP error status; everything else is a 200 business result. */
const GATEWAY_ERRORS: Record<string, { status: number; message: string }> = {
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature does not match our calculation.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidAccessKeyId.Inactive': { status: 400, message: 'Specified access key is disabled.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  'InvalidAction.NotFound': { status: 404, message: 'Specified api is not found, please check your url and method.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  MissingParameter: { status: 400, message: 'A required parameter is missing.' },
  MissingPhoneNumbers: { status: 400, message: 'PhoneNumbers is mandatory for this action.' },
  MissingSignName: { status: 400, message: 'SignName is mandatory for this action.' },
  MissingTemplateCode: { status: 400, message: 'TemplateCode is mandatory for this action.' },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error.' },
};

const BUSINESS_MESSAGES: Record<string, string> = {
  'isv.BUSINESS_LIMIT_CONTROL': '触发分钟级流控Permits:1',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isv.OUT_OF_SERVICE': '业务停机',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.SMS_SIGN_ILLEGAL': '签名禁止使用',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量中存在未赋值变量',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.MOBILE_COUNT_OVER_LIMIT': '手机号码数量超过限制',
  'isv.BLACK_KEY_CONTROL_LIMIT': '黑名单管控',
  'isp.RAM_PERMISSION_DENY': 'RAM权限DENY',
  'isp.SYSTEM_ERROR': '系统错误',
};

/** RFC 3986 percent-encoding, as the V3 canonical query string requires. */
function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Mainland mobile, with or without +86/0086/86. Returns the 11 digits. */
function mainland(phone: string): string | undefined {
  return /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(phone.trim())?.[1];
}

class Reject extends Error {
  constructor(readonly code: string, readonly detail?: string) {
    super(code);
  }
}

export async function startAliyunSmsFake(options: AliyunSmsFakeOptions): Promise<AliyunSmsFake> {
  const signNames = new Set(options.signNames ?? [ALIYUN_FAKE_SIGN]);
  const templates = options.templates ?? ALIYUN_FAKE_TEMPLATES;
  const sent: AliyunSentSms[] = [];
  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const nonces = new Map<string, number>();
  const history = new Map<string, number[]>();
  let clockOffset = 0;
  let stall = 0;
  const now = () => Date.now() + clockOffset;

  function authenticate(req: RecordedRequest): void {
    const h = req.headers;
    const auth = typeof h.authorization === 'string' ? h.authorization : '';
    const m = /^(\S+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth);
    if (!m) throw new Reject('IncompleteSignature', 'Authorization must be "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…"');
    const [, algorithm, accessKeyId, signedHeaderList, signature] = m;
    if (algorithm !== ALGORITHM) throw new Reject('IncompleteSignature', `unsupported signature algorithm ${algorithm}`);
    if (accessKeyId !== options.accessKeyId) throw new Reject('InvalidAccessKeyId.NotFound');
    const signed = signedHeaderList.split(';');
    // host, content-type and every x-acs-* header must be signed, so none can be swapped in transit
    const mustSign = Object.keys(h).filter((k) => k === 'host' || k === 'content-type' || k.startsWith('x-acs-'));
    for (const name of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', ...mustSign]) {
      if (!signed.includes(name) || typeof h[name] !== 'string') throw new Reject('IncompleteSignature', `header ${name} must be present and signed`);
    }
    if ([...signed].sort().join(';') !== signedHeaderList) throw new Reject('IncompleteSignature', 'SignedHeaders must be sorted');
    const date = String(h['x-acs-date']);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) || Number.isNaN(Date.parse(date))) throw new Reject('InvalidTimeStamp.Format');
    if (Math.abs(now() - Date.parse(date)) > TIMESTAMP_WINDOW_MS) throw new Reject('InvalidTimeStamp.Expired');
    if (!safeEqualHex(String(h['x-acs-content-sha256']), sha256Hex(req.body))) {
      throw new Reject('SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body');
    }
    const [path, query = ''] = req.url.split('?', 2);
    const canonicalQuery = [...new URLSearchParams(query)]
      .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalHeaders = signed.map((name) => `${name}:${String(h[name] ?? '').trim()}\n`).join('');
    const canonicalRequest = [req.method, path || '/', canonicalQuery, canonicalHeaders, signedHeaderList, String(h['x-acs-content-sha256'])].join('\n');
    const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
    const expected = createHmac('sha256', options.accessKeySecret).update(stringToSign).digest('hex');
    if (!safeEqualHex(signature, expected)) throw new Reject('SignatureDoesNotMatch', `server string to sign is:${stringToSign}`);
    // a nonce counts only once its request is authentic, so forged requests cannot burn nonces
    for (const [n, at] of nonces) if (at < now() - TIMESTAMP_WINDOW_MS) nonces.delete(n);
    const nonce = String(h['x-acs-signature-nonce']);
    if (nonces.has(nonce)) throw new Reject('SignatureNonceUsed');
    nonces.set(nonce, now());
    if (h['x-acs-action'] !== ACTION) throw new Reject('InvalidAction.NotFound');
    if (h['x-acs-version'] !== VERSION) throw new Reject('InvalidVersion');
  }

  function sendSms(params: URLSearchParams): Record<string, string> {
    for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) {
      if (!params.get(name)) throw new Reject(`Missing${name}`);
    }
    const rawPhones = String(params.get('PhoneNumbers')).split(',');
    if (rawPhones.length > 1000) throw new Reject('isv.MOBILE_COUNT_OVER_LIMIT');
    const phones = rawPhones.map(mainland);
    if (phones.some((p) => !p)) throw new Reject('isv.MOBILE_NUMBER_ILLEGAL');
    const signName = String(params.get('SignName'));
    if (!signNames.has(signName)) throw new Reject('isv.SMS_SIGNATURE_ILLEGAL');
    const templateCode = String(params.get('TemplateCode'));
    const variables = templates[templateCode];
    if (!variables) throw new Reject('isv.SMS_TEMPLATE_ILLEGAL');
    let templateParams: Record<string, string> = {};
    const rawParam = params.get('TemplateParam');
    if (rawParam) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawParam);
      } catch {
        throw new Reject('isv.INVALID_JSON_PARAM');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
        throw new Reject('isv.INVALID_JSON_PARAM');
      }
      templateParams = parsed as Record<string, string>;
    }
    if (variables.some((v) => !templateParams[v])) throw new Reject('isv.TEMPLATE_MISSING_PARAMETERS');
    const failure = failures.shift();
    if (failure) throw new Reject(failure);
    if (fake.frequencyLimit) {
      for (const phone of phones as string[]) {
        const times = (history.get(`${phone}|${signName}`) ?? []).filter((t) => t > now() - FREQUENCY[2].windowMs);
        for (const rule of FREQUENCY) {
          if (times.filter((t) => t > now() - rule.windowMs).length >= rule.permits) {
            throw new Reject('isv.BUSINESS_LIMIT_CONTROL', `触发${rule.label}流控Permits:${rule.permits}`);
          }
        }
      }
    }
    for (const phone of phones as string[]) {
      const key = `${phone}|${signName}`;
      history.set(key, [...(history.get(key) ?? []), now()]);
      sent.push({ phone, signName, templateCode, params: templateParams });
    }
    return { Code: 'OK', Message: 'OK', BizId: `${Math.floor(Math.random() * 1e15)}^0` };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      if (stall > 0) {
        stall--;
        return; // never answered; close() drops the socket
      }
      const requestId = randomUUID().toUpperCase();
      const reply = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId });
        res.end(JSON.stringify({ RequestId: requestId, ...body }));
      };
      try {
        authenticate(recorded);
        const params = new URLSearchParams(recorded.url.split('?', 2)[1] ?? '');
        // RPC-style parameters may also travel as a form body
        if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          for (const [k, v] of new URLSearchParams(recorded.body)) params.set(k, v);
        }
        reply(200, sendSms(params));
      } catch (err) {
        if (!(err instanceof Reject)) throw err;
        const gateway = GATEWAY_ERRORS[err.code];
        if (gateway) {
          const message = err.detail ? `${gateway.message} ${err.detail}` : gateway.message;
          reply(gateway.status, { HostId: 'dysmsapi.aliyuncs.com', Code: err.code, Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${err.code}` });
        } else {
          reply(200, { Code: err.code, Message: err.detail ?? BUSINESS_MESSAGES[err.code] ?? err.code });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: AliyunSmsFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    sent,
    requests,
    frequencyLimit: options.frequencyLimit ?? true,
    lastCodeFor(phone) {
      const digits = mainland(phone) ?? phone;
      const last = sent.filter((s) => s.phone === digits).at(-1);
      return last ? (last.params.code ?? Object.values(last.params)[0]) : undefined;
    },
    failNext(code, times = 1) {
      for (let i = 0; i < times; i++) failures.push(code);
    },
    stallNext() {
      stall++;
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
