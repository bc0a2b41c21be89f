// Which unpaid orders are due to close: past the rules' window (未付款自动关闭; 0 = never), or past
// their own pay-by time (a campaign's short hold, pay_due_at) whatever the rules say. The close sweep
// and the payment checks that run before it ask the same question.
import type { Executor } from '../../db/database.js';
import { statusesFor } from './states.js';

export function unpaidDue(ex: Executor, now: Date, unpaidCloseMinutes: number) {
  const cutoff = new Date(now.getTime() - unpaidCloseMinutes * 60_000);
  return ex
    .selectFrom('orders')
    .where('status', 'in', statusesFor('close'))
    .where((eb) => eb.or([eb('pay_due_at', '<=', now), ...(unpaidCloseMinutes > 0 ? [eb('created_at', '<', cutoff)] : [])]))
    .orderBy('created_at');
}
