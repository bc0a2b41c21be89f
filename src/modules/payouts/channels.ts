// Which provider carries a withdrawal, by channel. Bank cards never reach a provider (batches.ts).
import type { Logger } from 'pino';
import type { AppConfig } from '../../config.js';
import type { PaymentClients } from '../payments/clients.js';
import { DevPayoutProvider, type PayoutProvider } from './providers.js';

export interface PayoutChannelDeps {
  config: AppConfig;
  log: Logger;
  clients: PaymentClients;
  fetchFn?: typeof fetch;
}

/** Without a configured payout channel a withdrawal cannot leave: it fails and the funds go back. */
export function payoutProviderFor(deps: PayoutChannelDeps): PayoutProvider {
  const { config } = deps;
  if (config.devPayoutProvider !== false && config.appEnv !== 'production') return new DevPayoutProvider();
  return { send: async () => ({ status: 'failed', reason: 'no payout channel is configured (docs/going-live.md)' }) };
}
