// Periodic sweeps. Each is idempotent and safe to run on several instances at once
// (rows are claimed with SKIP LOCKED or guarded by status), so no leader election is needed.
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Services } from '../services.js';

export interface JobsContext {
  services: Services;
  database: DatabaseHandle;
  config: AppConfig;
  log: Logger;
}

export interface RunningJobs {
  stop(): Promise<void>;
}

export async function startJobs({ services, config }: JobsContext): Promise<RunningJobs> {
  const intervalMs = config.jobIntervalMs;
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // lost callbacks first: an order paid at the provider must not be closed as unpaid
      const checked = await services.paymentChecks.sweep();
      if (checked.paid + checked.closed + checked.refundsSettled > 0) services.log.info(checked, 'applied what payment providers reported');
      const unpaid = await services.orders.closeUnpaid();
      if (unpaid.closed > 0) services.log.info(unpaid, 'closed unpaid orders');
      const unfrozen = await services.commission.unfreezeDue();
      if (unfrozen.earnings > 0) services.log.info(unfrozen, 'unfroze earnings');
      await services.ledger.foldCheckpoints(services.db);
      await services.referral.foldTeamTotals();
      const resent = await services.payouts.resendStuck();
      if (resent > 0) services.log.info({ resent }, 'resent stuck payouts');
      for (const job of services.extensions.jobs) {
        // one feature's failing job does not stop the others
        try {
          await job.run();
        } catch (error) {
          services.log.error({ err: error, job: job.name }, 'feature job failed');
        }
      }
    } catch (error) {
      services.log.error({ err: error }, 'job sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
}
