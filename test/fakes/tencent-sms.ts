// A loopback Tencent Cloud SMS (API 2021-01-11) that does what the real service documents: the
// TC3-HMAC-SHA256 Authorization is recomputed from the secret (credential scope date/sms/tc3_request,
// signed headers incl. content-type and host, hashed payload), X-TC-Timestamp must be within 5 minutes,
// X-TC-Action/Version/Region are checked, SendSms validates its body against the registered app, sign
// and templates, and the per-number frequency limits apply. Every answer is HTTP 200 with
// { Response: { SendStatusSet, RequestId } } or { Response: { Error: { Code, Message }, RequestId } };
// per-number refusals (frequency, bad number) sit in SendStatusSet[].Code while the call succeeds.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const TENCENT_FAKE_SDK_APP_ID = '1400000001';
export const TENCENT_FAKE_SIGN = '分销商城';
/** template id → how many variables it has; all three are verification-code templates */
export const TENCENT_FAKE_TEMPLATES: Record<string, number> = { '2000001': 1, '2000002': 1, '2000003': 1 };

export interface TencentSmsFakeOptions {
  secretId: string;
  secretKey: string;
  sdkAppId?: string;
  signNames?: string[];
  templates?: Record<string, number>;
  /** Tencent's default mainland limits: same number 1 per 30 s, 5 per hour, 10 per day. Default on. */
  frequencyLimit?: boolean;
}

export interface TencentSentSms {
  /** the 11 mainland digits */
  phone: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
  params: string[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type TencentFailureLevel = 'call' | 'status';

export interface TencentSmsFake {
  readonly url: string;
  readonly port: number;
  readonly sent: TencentSentSms[];
  readonly requests: RecordedRequest[];
  frequencyLimit: boolean;
  lastCodeFor(phone: string): string | undefined;
  /**
   * The next well-formed, authenticated SendSms answers with this code: as Response.Error ('call') or
   * as every number's SendStatusSet[].Code ('status'). Default: where Tencent reports that code.
   */
  failNext(code: string, level?: TencentFailureLevel): void;
  stallNext(): void;
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

const SERVICE = 'sms';
const ACTION = 'SendSms';
const VERSION = '2021-01-11';
const REGIONS = new Set(['ap-guangzhou', 'ap-beijing', 'ap-nanjing']);
const TIMESTAMP_WINDOW_S = 300;
const MINUTE = 60_000;
const FREQUENCY: Array<{ windowMs: number; permits: number; code: string }> = [
  { windowMs: 30_000, permits: 1, code: 'LimitExceeded.PhoneNumberThirtySecondLimit' },
  { windowMs: 60 * MINUTE, permits: 5, code: 'LimitExceeded.PhoneNumberOneHourLimit' },
  { windowMs: 24 * 60 * MINUTE, permits: 10, code: 'LimitExceeded.PhoneNumberDailyLimit' },
];

/** Codes Tencent reports per number (in SendStatusSet) rather than as the call's Error. */
const STATUS_LEVEL = new Set([
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'LimitExceeded.PhoneNumberDailyLimit',
  'LimitExceeded.PhoneNumberSameContentDailyLimit',
  'LimitExceeded.DeliveryFrequencyLimit',
  'LimitExceeded.AppDailyLimit',
  'InvalidParameterValue.IncorrectPhoneNumber',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.InsufficientBalanceInSmsPackage',
]);

const MESSAGES: Record<string, string> = {
  'AuthFailure.InvalidAuthorization': '请求头部的 Authorization 不符合腾讯云标准。',
  'AuthFailure.SecretIdNotFound': '密钥不存在。请在控制台检查密钥是否已被删除或者禁用，如状态正常，请检查密钥是否填写正确，注意前后不得有空格。',
  'AuthFailure.SignatureExpire': '签名过期。Timestamp 和服务器时间相差不得超过五分钟，请检查本地时间是否和标准时间同步。',
  'AuthFailure.SignatureFailure': '签名错误。签名计算错误，请对照调用方式中的签名方法文档检查签名计算过程。',
  MissingParameter: '缺少参数错误。',
  InvalidAction: '接口不存在。',
  NoSuchVersion: '接口版本不存在。',
  UnsupportedRegion: '接口不支持所传地域。',
  InvalidParameter: '参数错误。',
  'FailedOperation.JsonParseFail': '解析请求包体时候失败。',
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': 'SmsSdkAppId 校验失败，请检查 SmsSdkAppId 是否属于云 API 密钥的关联账户。',
  'FailedOperation.SignatureIncorrectOrUnapproved': '签名未审批或格式错误。',
  'FailedOperation.TemplateIncorrectOrUnapproved': '模板未审批或内容不合规。',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': '请求内容与审核通过的模板内容不匹配。',
  'InvalidParameterValue.TemplateParameterFormatError': '验证码模板参数格式错误，验证码类模板，模板变量只能传入0-6位（包括6位）纯数字。',
  'InvalidParameterValue.IncorrectPhoneNumber': '手机号格式错误。',
  'FailedOperation.PhoneNumberInBlacklist': '手机号在免打扰名单库中。',
  'FailedOperation.InsufficientBalanceInSmsPackage': '套餐包余量不足。',
  'LimitExceeded.PhoneNumberCountLimit': '调用接口单次提交的手机号个数超过200个。',
  'MissingParameter.EmptyPhoneNumberSet': '传入的号码列表为空。',
  'LimitExceeded.PhoneNumberThirtySecondLimit': '单个手机号30秒内下发短信条数超过设定的上限。',
  'LimitExceeded.PhoneNumberOneHourLimit': '单个手机号1小时内下发短信条数超过设定的上限。',
  'LimitExceeded.PhoneNumberDailyLimit': '单个手机号日下发短信条数超过设定的上限。',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': '单个手机号下发相同内容超过设定的上限。',
  'LimitExceeded.DeliveryFrequencyLimit': '下发短信命中了频率限制策略。',
  'LimitExceeded.AppDailyLimit': '业务短信日下发条数超过设定的上限。',
  'InternalError.Timeout': '请求下发短信超时。',
};

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function mainland(phone: string): string | undefined {
  return /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(phone.trim())?.[1];
}

class Reject extends Error {
  constructor(readonly code: string, readonly detail?: string) {
    super(code);
  }
}

export async function startTencentSmsFake(options: TencentSmsFakeOptions): Promise<TencentSmsFake> {
  const sdkAppId = options.sdkAppId ?? TENCENT_FAKE_SDK_APP_ID;
  const signNames = new Set(options.signNames ?? [TENCENT_FAKE_SIGN]);
  const templates = options.templates ?? TENCENT_FAKE_TEMPLATES;
  const sent: TencentSentSms[] = [];
  const requests: RecordedRequest[] = [];
  const failures: Array<{ code: string; level: TencentFailureLevel }> = [];
  const history = new Map<string, number[]>();
  let clockOffset = 0;
  let stall = 0;
  const now = () => Date.now() + clockOffset;

  function authenticate(req: RecordedRequest): void {
    const h = req.headers;
    const auth = typeof h.authorization === 'string' ? h.authorization : '';
    const m = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/([^,\s]+), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) throw new Reject('AuthFailure.InvalidAuthorization');
    const [, secretId, credentialScope, signedHeaderList, signature] = m;
    if (secretId !== options.secretId) throw new Reject('AuthFailure.SecretIdNotFound');
    const signed = signedHeaderList.split(';');
    if (!signed.includes('content-type') || !signed.includes('host') || [...signed].sort().join(';') !== signedHeaderList) {
      throw new Reject('AuthFailure.InvalidAuthorization', 'SignedHeaders must be sorted and include content-type and host');
    }
    const timestamp = String(h['x-tc-timestamp'] ?? '');
    if (!/^\d{1,12}$/.test(timestamp)) throw new Reject('MissingParameter', 'X-TC-Timestamp');
    if (Math.abs(now() / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_S) throw new Reject('AuthFailure.SignatureExpire');
    // the server derives the scope itself: UTC date of X-TC-Timestamp, its own service name
    const date = new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
    const scope = `${date}/${SERVICE}/tc3_request`;
    if (credentialScope !== scope) throw new Reject('AuthFailure.SignatureFailure', `credential scope must be ${scope}`);
    const [path, query = ''] = req.url.split('?', 2);
    const canonicalHeaders = signed.map((name) => `${name}:${String(h[name] ?? '').trim().toLowerCase()}\n`).join('');
    const canonicalRequest = [req.method, path || '/', query, canonicalHeaders, signedHeaderList, sha256Hex(req.body)].join('\n');
    const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const kSigning = hmac(hmac(hmac(`TC3${options.secretKey}`, date), SERVICE), 'tc3_request');
    const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
    if (!safeEqual(signature, expected)) throw new Reject('AuthFailure.SignatureFailure');
    if (!h['x-tc-action']) throw new Reject('MissingParameter', 'X-TC-Action');
    if (h['x-tc-action'] !== ACTION) throw new Reject('InvalidAction');
    if (!h['x-tc-version']) throw new Reject('MissingParameter', 'X-TC-Version');
    if (h['x-tc-version'] !== VERSION) throw new Reject('NoSuchVersion');
    if (!h['x-tc-region']) throw new Reject('MissingParameter', 'X-TC-Region');
    if (!REGIONS.has(String(h['x-tc-region']))) throw new Reject('UnsupportedRegion');
    if (!/^application\/json\b/.test(String(h['content-type'] ?? ''))) throw new Reject('InvalidParameter', 'this fake takes JSON bodies only');
  }

  function status(phoneNumber: string, code: string) {
    const ok = code === 'Ok';
    return {
      SerialNo: ok ? `2433:${Math.floor(Math.random() * 1e18)}` : '',
      PhoneNumber: phoneNumber,
      Fee: ok ? 1 : 0,
      SessionContext: '',
      Code: code,
      Message: ok ? 'send success' : (MESSAGES[code] ?? code),
      IsoCode: 'CN',
    };
  }

  function sendSms(body: string) {
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      throw new Reject('FailedOperation.JsonParseFail');
    }
    const phones = input.PhoneNumberSet;
    if (!Array.isArray(phones)) throw new Reject('MissingParameter', 'PhoneNumberSet');
    if (phones.length === 0) throw new Reject('MissingParameter.EmptyPhoneNumberSet');
    if (phones.length > 200) throw new Reject('LimitExceeded.PhoneNumberCountLimit');
    if (typeof input.SmsSdkAppId !== 'string' || !input.SmsSdkAppId) throw new Reject('MissingParameter', 'SmsSdkAppId');
    if (typeof input.TemplateId !== 'string' || !input.TemplateId) throw new Reject('MissingParameter', 'TemplateId');
    if (input.SmsSdkAppId !== sdkAppId) throw new Reject('UnauthorizedOperation.SmsSdkAppIdVerifyFail');
    // domestic messages need an approved sign's content
    if (typeof input.SignName !== 'string' || !signNames.has(input.SignName)) throw new Reject('FailedOperation.SignatureIncorrectOrUnapproved');
    const variables = templates[input.TemplateId];
    if (variables === undefined) throw new Reject('FailedOperation.TemplateIncorrectOrUnapproved');
    const params = input.TemplateParamSet ?? [];
    if (!Array.isArray(params) || params.some((p) => typeof p !== 'string') || params.length !== variables) {
      throw new Reject('FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
    }
    if (params.some((p: string) => !/^\d{0,6}$/.test(p))) throw new Reject('InvalidParameterValue.TemplateParameterFormatError');
    const failure = failures.shift();
    if (failure?.level === 'call') throw new Reject(failure.code);
    const set = phones.map((raw: unknown) => {
      const phoneNumber = String(raw);
      const phone = mainland(phoneNumber);
      if (!phone) return status(phoneNumber, 'InvalidParameterValue.IncorrectPhoneNumber');
      if (failure) return status(phoneNumber, failure.code);
      if (fake.frequencyLimit) {
        const times = (history.get(phone) ?? []).filter((t) => t > now() - FREQUENCY[2].windowMs);
        const hit = FREQUENCY.find((rule) => times.filter((t) => t > now() - rule.windowMs).length >= rule.permits);
        if (hit) return status(phoneNumber, hit.code);
      }
      history.set(phone, [...(history.get(phone) ?? []), now()]);
      sent.push({ phone, sdkAppId, signName: String(input.SignName), templateId: String(input.TemplateId), params: params as string[] });
      return status(`+86${phone}`, 'Ok');
    });
    return { SendStatusSet: set };
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
      const RequestId = randomUUID();
      let response: Record<string, unknown>;
      try {
        authenticate(recorded);
        response = { ...sendSms(recorded.body), RequestId };
      } catch (err) {
        if (!(err instanceof Reject)) throw err;
        const message = MESSAGES[err.code] ?? err.code;
        response = { Error: { Code: err.code, Message: err.detail ? `${message} (${err.detail})` : message }, RequestId };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: TencentSmsFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    sent,
    requests,
    frequencyLimit: options.frequencyLimit ?? true,
    lastCodeFor(phone) {
      const digits = mainland(phone) ?? phone;
      return sent.filter((s) => s.phone === digits).at(-1)?.params[0];
    },
    failNext(code, level) {
      failures.push({ code, level: level ?? (STATUS_LEVEL.has(code) ? 'status' : 'call') });
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
