// Provider statements (对账单): daily bills downloaded and matched line by line against payments, refunds and payouts.
import type { CoreServices } from '../../services.js';
import type { PaymentClients } from '../payments/clients.js';

export function createStatements(_core: CoreServices, _clients: PaymentClients) {
  return {};
}
