// SMS codes go through a provider port: the real adapters (Aliyun, Tencent Cloud) send a templated
// code through the provider's official SDK; the dev provider, for the demo only, writes the code to
// the log (phone masked) and hands it back so a newcomer with curl can finish registration.
import type { Logger } from 'pino';
import { maskPhone } from '../../privacy.js';

export type SmsPurpose = 'register' | 'login' | 'reset_password';

/** Why a provider refused to send: the service maps each to one API code. */
export type SmsFailureKind =
  /** the provider throttles this phone or this account (too frequent) */
  | 'throttled'
  /** the account's balance or daily quota is used up */
  | 'quota'
  /** the sign name or template is not approved, or its variables do not match: a configuration error */
  | 'template'
  /** the access key is wrong or not allowed: a configuration error */
  | 'credentials'
  /** the provider says this phone number cannot receive (invalid, blacklisted) */
  | 'phone'
  /** the provider is down, busy or did not answer */
  | 'unavailable';

export class SmsSendError extends Error {
  constructor(
    readonly kind: SmsFailureKind,
    /** the provider's own error code, for the operator's log (never contains the code or phone) */
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface SmsProvider {
  readonly name: 'dev' | 'aliyun' | 'tencent';
  /** only the dev provider: the API may hand the code back */
  readonly revealsCodes: boolean;
  /** Sends a verification code with the purpose's template; throws SmsSendError when the provider refuses. */
  sendCode(phone: string, code: string, purpose: SmsPurpose): Promise<void>;
}

export class DevSmsProvider implements SmsProvider {
  readonly name = 'dev' as const;
  readonly revealsCodes = true;
  readonly sent: Array<{ phone: string; code: string; purpose: SmsPurpose }> = [];
  constructor(private readonly log: Logger) {}
  async sendCode(phone: string, code: string, purpose: SmsPurpose): Promise<void> {
    this.sent.push({ phone, code, purpose });
    if (this.sent.length > 1000) this.sent.shift();
    this.log.info({ phone: maskPhone(phone), code }, 'dev sms provider: verification code');
  }
}
