// SMS codes go through a provider interface; the dev provider writes the code to the log
// (with the phone masked) and hands it back so a newcomer with curl can finish registration.
import type { Logger } from 'pino';
import { maskPhone } from '../../privacy.js';

export interface SmsProvider {
  readonly revealsCodes: boolean;
  send(phone: string, message: string, code: string): Promise<void>;
}

export class DevSmsProvider implements SmsProvider {
  readonly revealsCodes = true;
  readonly sent: Array<{ phone: string; code: string }> = [];
  constructor(private readonly log: Logger) {}
  async send(phone: string, _message: string, code: string): Promise<void> {
    this.sent.push({ phone, code });
    if (this.sent.length > 1000) this.sent.shift();
    this.log.info({ phone: maskPhone(phone), code }, 'dev sms provider: verification code');
  }
}
