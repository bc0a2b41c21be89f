// Provider statements (对账单): daily bills downloaded and matched line by line against payments, refunds,
// payment returns and payouts (the account bill of a provider a payout channel goes through). The job
// fetches yesterday's (and any recent day missed) once the bill is due.
import type { CoreServices } from '../../services.js';
import type { PaymentClients } from '../payments/index.js';
import { StatementsService } from './service.js';

export { StatementsService };

export function createStatements(core: CoreServices, clients: PaymentClients) {
  const channels = core.config.payoutChannels ?? {};
  const statements = new StatementsService(core.db, core.clock, core.audit, clients, core.log, { wechatpay: !!channels.wechat, alipay: !!channels.alipay });
  // claimed per provider and day (statement_bills), so any number of instances may run it
  core.extensions.addJob({ name: 'statements.fetch', run: () => statements.runDue() });
  return { statements };
}
export { addDays, beijingDay } from './days.js';
