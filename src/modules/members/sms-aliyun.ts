// Aliyun SMS (dysmsapi 2017-05-25) through the official SDK. The SDK (openapi-core 1.x) signs every
// call with ACS3-HMAC-SHA256 (Authorization header + x-acs-date/x-acs-signature-nonce/x-acs-content-sha256),
// sends SendSms as a POST whose parameters are all in the query string, and does not retry unless told
// to — which suits SMS: SendSms is not idempotent, a blind retry can text the user twice.
import * as DysmsapiModule from '@alicloud/dysmsapi20170525';
import { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { SmsSendError, type SmsFailureKind, type SmsProvider, type SmsPurpose } from './sms.js';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** the approved sign name (签名), e.g. 分销商城 */
  signName: string;
  /** the approved template code (SMS_123456789) for each purpose */
  templateCodes: Record<SmsPurpose, string>;
  /** host (dysmsapi.aliyuncs.com, the default) or a full URL, e.g. http://127.0.0.1:PORT for a loopback fake */
  endpoint?: string;
  /** the template's variable that carries the code, default 'code' (template text: 您的验证码为${code}) */
  codeParamName?: string;
  /** connect and read timeout; Aliyun recommends >= 1 s for mainland SMS. Default 5000 ms. */
  timeoutMs?: number;
}

const DEFAULT_HOST = 'dysmsapi.aliyuncs.com';
const DEFAULT_TIMEOUT_MS = 5_000;

/** Aliyun's documented SendSms / POP gateway error codes, by what the caller can do about them. */
const CODE_KINDS: Record<string, SmsFailureKind> = {
  // per phone+sign frequency control (1/min, 5/h, 10/day for codes) and account QPS throttling
  'isv.BUSINESS_LIMIT_CONTROL': 'throttled',
  'Throttling.User': 'throttled',
  'Throttling.Api': 'throttled',
  Throttling: 'throttled',
  'isv.AMOUNT_NOT_ENOUGH': 'quota',
  'isv.OUT_OF_SERVICE': 'quota',
  'isv.DAY_LIMIT_CONTROL': 'quota',
  'isv.SMS_TEMPLATE_ILLEGAL': 'template',
  'isv.SMS_SIGNATURE_ILLEGAL': 'template',
  'isv.SMS_SIGN_ILLEGAL': 'template',
  'isv.SIGN_NAME_ILLEGAL': 'template',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'template',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'template',
  'isv.INVALID_JSON_PARAM': 'template',
  'isv.INVALID_PARAMETERS': 'template',
  'isv.PARAM_LENGTH_LIMIT': 'template',
  'isv.PARAM_NOT_SUPPORT_URL': 'template',
  'isv.SMS_CONTENT_ILLEGAL': 'template',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': 'template',
  MissingSignName: 'template',
  MissingTemplateCode: 'template',
  'InvalidAccessKeyId.NotFound': 'credentials',
  'InvalidAccessKeyId.Inactive': 'credentials',
  SignatureDoesNotMatch: 'credentials',
  IncompleteSignature: 'credentials',
  'isp.RAM_PERMISSION_DENY': 'credentials',
  'Forbidden.RAM': 'credentials',
  'isv.ACCOUNT_NOT_EXISTS': 'credentials',
  'isv.ACCOUNT_ABNORMAL': 'credentials',
  // the gateway refused our request's signing (clock skew): the operator must fix the host, like a bad key
  'InvalidTimeStamp.Expired': 'credentials',
  'isv.MOBILE_NUMBER_ILLEGAL': 'phone',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'phone',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'phone',
  MissingPhoneNumbers: 'phone',
  'isp.SYSTEM_ERROR': 'unavailable',
  ServiceUnavailable: 'unavailable',
  InternalError: 'unavailable',
};

/** Unknown codes count as unavailable: the caller may retry later, the operator sees the code in the log. */
export function aliyunFailureKind(code: string): SmsFailureKind {
  return CODE_KINDS[code] ?? (code.startsWith('Throttling') ? 'throttled' : 'unavailable');
}

// The package is CommonJS with `exports.default = Client`: Node's ESM loader hands us module.exports,
// a bundler's interop may hand us the class itself.
type DysmsapiClient = InstanceType<typeof DysmsapiModule.default.default>;
type DysmsapiCtor = new (config: $OpenApiUtil.Config) => DysmsapiClient;
function dysmsapiCtor(): DysmsapiCtor {
  const mod = DysmsapiModule as unknown as { default: DysmsapiCtor | { default: DysmsapiCtor } };
  const d = mod.default;
  return typeof d === 'function' ? d : d.default;
}

/** 'http://127.0.0.1:8080' → { host: '127.0.0.1:8080', protocol: 'http' }; a bare host means HTTPS. */
export function parseEndpoint(endpoint: string | undefined, fallbackHost: string): { host: string; protocol: 'http' | 'https' } {
  if (!endpoint) return { host: fallbackHost, protocol: 'https' };
  if (!/^[a-z]+:\/\//i.test(endpoint)) return { host: endpoint, protocol: 'https' };
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported SMS endpoint protocol ${url.protocol}`);
  if (url.pathname !== '/' || url.search) throw new Error('SMS endpoint must be a bare origin');
  return { host: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun' as const;
  readonly revealsCodes = false;
  private readonly client: DysmsapiClient;
  private readonly codeParam: string;

  constructor(private readonly config: AliyunSmsConfig) {
    const { host, protocol } = parseEndpoint(config.endpoint, DEFAULT_HOST);
    const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const Ctor = dysmsapiCtor();
    this.client = new Ctor(
      new $OpenApiUtil.Config({
        accessKeyId: config.accessKeyId,
        accessKeySecret: config.accessKeySecret,
        endpoint: host,
        protocol,
        regionId: 'cn-hangzhou',
        connectTimeout: timeout,
        readTimeout: timeout,
      }),
    );
    this.codeParam = config.codeParamName ?? 'code';
  }

  async sendCode(phone: string, code: string, purpose: SmsPurpose): Promise<void> {
    const templateCode = this.config.templateCodes[purpose];
    if (!templateCode) throw new SmsSendError('template', 'NoTemplateConfigured', `aliyun sms: no template configured for ${purpose}`);
    const request = new SendSmsRequest({
      phoneNumbers: phone,
      signName: this.config.signName,
      templateCode,
      templateParam: JSON.stringify({ [this.codeParam]: code }),
    });
    let providerCode: string;
    let status: number | undefined;
    try {
      const response = await this.client.sendSms(request);
      providerCode = response.body?.code ?? '';
      status = response.statusCode;
      if (providerCode === 'OK') return;
      if (!providerCode) providerCode = 'EmptyResponse';
    } catch (err) {
      // SDK and socket messages carry the request URL, whose query holds the phone and the code: never
      // pass them on, keep only the provider's code (or the socket's errno) and the HTTP status.
      const e = err as { code?: unknown; statusCode?: unknown; name?: unknown };
      status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
      const errCode = typeof e.code === 'string' && e.code && e.code !== 'undefined' ? e.code : undefined;
      if (status === undefined) {
        // no HTTP answer: refused, reset, timed out
        const net = errCode ?? (typeof e.name === 'string' ? e.name : 'Error');
        throw new SmsSendError('unavailable', net, `aliyun sms: SendSms did not complete (${net})`);
      }
      providerCode = errCode ?? `HTTP${status}`;
    }
    const kind = aliyunFailureKind(providerCode);
    throw new SmsSendError(kind, providerCode, `aliyun sms: SendSms refused with ${providerCode}${status && status !== 200 ? ` (HTTP ${status})` : ''}`);
  }
}
