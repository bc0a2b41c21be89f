// Tencent Cloud SMS (API 2021-01-11) through the official SDK, which signs with TC3-HMAC-SHA256 and
// does not retry (SendSms is not idempotent). A call can succeed while the number itself is refused:
// Tencent reports that per number in SendStatusSet[].Code ("Ok" when accepted).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { SmsSendError, type SmsFailureKind, type SmsProvider, type SmsPurpose } from './sms.js';

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  /** the SMS application's SdkAppId (1400…) */
  sdkAppId: string;
  /** the approved sign's content (not its id), e.g. 分销商城 */
  signName: string;
  /** the approved template id for each purpose; each template has exactly one variable, the code */
  templateIds: Record<SmsPurpose, string>;
  /** ap-guangzhou (default), ap-beijing or ap-nanjing */
  region?: string;
  /**
   * API host (sms.tencentcloudapi.com, the default, or a regional sms.*.tencentcloudapi.com), or a URL.
   * A URL whose host is not a tencentcloudapi.com name (a loopback fake, an egress gateway) is only where
   * we connect: the request still carries Host sms.tencentcloudapi.com, because TC3 signs the host and
   * takes the service name ('sms') from it.
   */
  endpoint?: string;
  /** whole-request timeout, default 5000 ms */
  timeoutMs?: number;
}

const API_HOST = 'sms.tencentcloudapi.com';
const DEFAULT_TIMEOUT_MS = 5_000;

/** Tencent's documented SendSms error codes (call-level Error.Code and per-number SendStatusSet[].Code). */
const CODE_KINDS: Record<string, SmsFailureKind> = {
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'throttled',
  'LimitExceeded.PhoneNumberOneHourLimit': 'throttled',
  'LimitExceeded.PhoneNumberDailyLimit': 'throttled',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': 'throttled',
  RequestLimitExceeded: 'throttled',
  'FailedOperation.InsufficientBalanceInSmsPackage': 'quota',
  'LimitExceeded.DeliveryFrequencyLimit': 'quota',
  'LimitExceeded.AppDailyLimit': 'quota',
  'LimitExceeded.DailyLimit': 'quota',
  'LimitExceeded.AppMainlandChinaDailyLimit': 'quota',
  'LimitExceeded.AppGlobalDailyLimit': 'quota',
  'UnauthorizedOperation.SerivceSuspendDueToArrears': 'quota', // sic, Tencent's spelling
  'FailedOperation.TemplateIncorrectOrUnapproved': 'template',
  'FailedOperation.TemplateUnapprovedOrNotExist': 'template',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': 'template',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'template',
  'FailedOperation.ContainSensitiveWord': 'template',
  'InvalidParameterValue.TemplateParameterFormatError': 'template',
  'InvalidParameterValue.TemplateParameterLengthLimit': 'template',
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': 'template',
  'InvalidParameterValue.ContentLengthLimit': 'template',
  'AuthFailure.SecretIdNotFound': 'credentials',
  'AuthFailure.SignatureFailure': 'credentials',
  'AuthFailure.SignatureExpire': 'credentials',
  'AuthFailure.InvalidSecretId': 'credentials',
  'AuthFailure.InvalidAuthorization': 'credentials',
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': 'credentials',
  'UnauthorizedOperation.RequestPermissionDeny': 'credentials',
  'UnauthorizedOperation.RequestIpNotInWhitelist': 'credentials',
  'InvalidParameterValue.SdkAppIdNotExist': 'credentials',
  'InvalidParameterValue.IncorrectPhoneNumber': 'phone',
  'FailedOperation.PhoneNumberInBlacklist': 'phone',
  'FailedOperation.PhoneNumberParseFail': 'phone',
  'LimitExceeded.PhoneNumberCountLimit': 'phone',
  'MissingParameter.EmptyPhoneNumberSet': 'phone',
  'UnsupportedOperation.UnsupportedRegion': 'phone',
};

/** Table first, then Tencent's code families; anything unknown counts as unavailable. */
export function tencentFailureKind(code: string): SmsFailureKind {
  const known = CODE_KINDS[code];
  if (known) return known;
  if (code.startsWith('AuthFailure.') || code.startsWith('UnauthorizedOperation.')) return 'credentials';
  if (code.startsWith('LimitExceeded.PhoneNumber')) return 'throttled';
  return 'unavailable';
}

/** Connects every request to one fixed address, whatever the URL's host says (like curl --resolve). */
class PinnedHttpAgent extends http.Agent {
  constructor(private readonly target: { host: string; port: number }) {
    super({ keepAlive: true });
  }
  override createConnection(): Duplex {
    return net.connect(this.target);
  }
}
class PinnedHttpsAgent extends https.Agent {
  constructor(private readonly target: { host: string; port: number }) {
    super({ keepAlive: true });
  }
  override createConnection(): Duplex {
    return tls.connect({ ...this.target, servername: API_HOST });
  }
}

export function tencentConnection(endpoint: string | undefined): { host: string; protocol: 'http://' | 'https://'; agent?: http.Agent } {
  if (!endpoint) return { host: API_HOST, protocol: 'https://' };
  if (!/^[a-z]+:\/\//i.test(endpoint)) return { host: endpoint, protocol: 'https://' };
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported SMS endpoint protocol ${url.protocol}`);
  if (url.pathname !== '/' || url.search) throw new Error('SMS endpoint must be a bare origin');
  const protocol = url.protocol === 'http:' ? 'http://' : 'https://';
  if (url.hostname.endsWith('.tencentcloudapi.com')) return { host: url.host, protocol };
  const target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'http://' ? 80 : 443)) };
  return { host: API_HOST, protocol, agent: protocol === 'http://' ? new PinnedHttpAgent(target) : new PinnedHttpsAgent(target) };
}

/** Tencent wants E.164; our members' phones are 11-digit mainland numbers. */
function e164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

type SmsClient = InstanceType<typeof tencentcloud.sms.v20210111.Client>;

export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent' as const;
  readonly revealsCodes = false;
  private readonly client: SmsClient;

  constructor(private readonly config: TencentSmsConfig) {
    const { host, protocol, agent } = tencentConnection(config.endpoint);
    this.client = new tencentcloud.sms.v20210111.Client({
      credential: { secretId: config.secretId, secretKey: config.secretKey },
      region: config.region ?? 'ap-guangzhou',
      profile: {
        signMethod: 'TC3-HMAC-SHA256',
        httpProfile: {
          endpoint: host,
          protocol,
          reqMethod: 'POST',
          reqTimeout: (config.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000,
          ...(agent ? { agent } : {}),
        },
      },
    });
  }

  async sendCode(phone: string, code: string, purpose: SmsPurpose): Promise<void> {
    const templateId = this.config.templateIds[purpose];
    if (!templateId) throw new SmsSendError('template', 'NoTemplateConfigured', `tencent sms: no template configured for ${purpose}`);
    let status: { Code?: string } | undefined;
    try {
      const response = await this.client.SendSms({
        PhoneNumberSet: [e164(phone)],
        SmsSdkAppId: this.config.sdkAppId,
        SignName: this.config.signName,
        TemplateId: templateId,
        TemplateParamSet: [code],
      });
      status = response.SendStatusSet?.[0];
    } catch (err) {
      throw failureFrom(err);
    }
    const statusCode = status?.Code ?? 'EmptySendStatusSet';
    if (statusCode === 'Ok') return;
    throw new SmsSendError(tencentFailureKind(statusCode), statusCode, `tencent sms: number refused with ${statusCode}`);
  }
}

/** Never reuses the SDK's message: keeps the provider's code, the HTTP status or the socket's errno. */
function failureFrom(err: unknown): SmsSendError {
  const e = err as { code?: unknown; httpCode?: unknown; message?: unknown };
  if (typeof e.code === 'string' && e.code) {
    return new SmsSendError(tencentFailureKind(e.code), e.code, `tencent sms: SendSms refused with ${e.code}`);
  }
  if (typeof e.httpCode === 'number') {
    return new SmsSendError('unavailable', `HTTP${e.httpCode}`, `tencent sms: SendSms answered HTTP ${e.httpCode}`);
  }
  const message = typeof e.message === 'string' ? e.message : '';
  const net =
    /\b(E[A-Z]{3,})\b/.exec(message)?.[1] ?? (/timeout/i.test(message) ? 'Timeout' : /hang up/i.test(message) ? 'ECONNRESET' : 'NetworkError');
  return new SmsSendError('unavailable', net, `tencent sms: SendSms did not complete (${net})`);
}
