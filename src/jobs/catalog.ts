// Every periodic job: the core's sweeps, then each feature's (services.extensions.jobs), then the
// runner's own housekeeping. Each is a pg-boss queue of its own (src/jobs/runner.ts), so a long one
// delays no other; each handler is the existing sweep, idempotent and safe on several instances
// (rows claimed with SKIP LOCKED or guarded by status), and the queue lets one run at a time.
import { JobRuns } from '../modules/jobs/index.js';
import type { Services } from '../services.js';

/** Cron expressions are read in this zone (the business calendar's). */
export const JOBS_TIME_ZONE = 'Asia/Shanghai';

/** `interval`: every JOB_INTERVAL_MS (the frequent sweeps); `cron`: at these times, Asia/Shanghai. */
export type JobSchedule = { kind: 'interval' } | { kind: 'cron'; cron: string };

export interface JobRunContext {
  /** 0 for a scheduled run, n for its n-th retry */
  attempt: number;
  /** pg-boss's job id */
  id: string;
  /** the schedule slot the run was sent for (interval jobs), else null */
  slot: Date | null;
}

export interface JobDefinition {
  /** the queue's name: letters, digits, _ . - / */
  name: string;
  schedule: JobSchedule;
  run(context: JobRunContext): Promise<unknown>;
}

const INTERVAL: JobSchedule = { kind: 'interval' };

/** The jobs this app runs, in the order the console lists them. */
export function jobCatalog(services: Services): JobDefinition[] {
  const log = services.log;
  const core: JobDefinition[] = [
    {
      // lost callbacks: open attempts queried on their backoff, processing refunds and returns
      name: 'payments.checks',
      schedule: INTERVAL,
      async run() {
        const checked = await services.paymentChecks.sweep();
        if (checked.paid + checked.closed + checked.refundsSettled > 0) log.info(checked, 'applied what payment providers reported');
        return checked;
      },
    },
    {
      name: 'orders.close-unpaid',
      schedule: INTERVAL,
      async run() {
        // the orders about to close are asked about first, in this run: an order paid at the provider
        // must not be closed as unpaid, whatever the payment checks' queue is doing
        const checked = await services.paymentChecks.checkDueForClose();
        if (checked.paid > 0) log.info(checked, 'orders about to close were paid at the provider');
        const unpaid = await services.orders.closeUnpaid();
        if (unpaid.closed > 0) log.info(unpaid, 'closed unpaid orders');
        return unpaid;
      },
    },
    {
      // the participants' deferred effects (points, growth points, leaderboards, tier checks) that no
      // process expanded right after its commit (it crashed) or that wait for a retry after a failure
      name: 'orders.expand-effects',
      schedule: INTERVAL,
      async run() {
        const expanded = await services.orders.expandEffects();
        if (expanded.failed > 0) log.warn(expanded, 'order effects failed and wait for a retry');
        return expanded;
      },
    },
    {
      // 自动确认收货: shipped orders whose receipt date passed complete, which starts their freeze
      name: 'orders.auto-receive',
      schedule: INTERVAL,
      async run() {
        const received = await services.orders.autoReceiveDue();
        if (received.completed > 0) log.info(received, 'orders received automatically');
        return received;
      },
    },
    ...afterSalesJobs(services),
    {
      // recorded parcels subscribed at the tracking provider; failed subscriptions retried with a backoff
      name: 'orders.track-parcels',
      schedule: INTERVAL,
      async run() {
        const tracked = await services.orders.subscribeParcels();
        if (tracked.failed > 0) log.warn(tracked, 'parcels the tracking provider refused');
        return tracked;
      },
    },
    {
      name: 'commission.unfreeze',
      schedule: INTERVAL,
      async run() {
        const unfrozen = await services.commission.unfreezeDue();
        if (unfrozen.earnings > 0) log.info(unfrozen, 'unfroze earnings');
        return unfrozen;
      },
    },
    { name: 'ledger.fold-checkpoints', schedule: INTERVAL, run: () => services.ledger.foldCheckpoints(services.db) },
    { name: 'referral.fold-team-totals', schedule: INTERVAL, run: () => services.referral.foldTeamTotals() },
    {
      // payouts left processing (a call that died, a provider that refused for now): resent or queried
      name: 'payouts.resend-stuck',
      schedule: INTERVAL,
      async run() {
        const resent = await services.payouts.resendStuck();
        if (resent > 0) log.info({ resent }, 'resent stuck payouts');
        return { resent };
      },
    },
  ];
  const features = services.extensions.jobs.map((job): JobDefinition => ({ name: job.name, schedule: INTERVAL, run: () => job.run() }));
  const runs = new JobRuns(services.db);
  const housekeeping: JobDefinition[] = [
    // job_runs keeps a week; at 03:30 Beijing time, when the shop is quiet
    { name: 'jobs.prune-runs', schedule: { kind: 'cron', cron: '30 3 * * *' }, run: () => runs.prune() },
    // limit windows that ended over a day ago (logins, SMS codes, download tickets, export slots)
    { name: 'limits.prune', schedule: { kind: 'cron', cron: '40 3 * * *' }, run: async () => ({ pruned: await services.limits.prune(new Date(services.clock.now().getTime() - 86_400_000)) }) },
  ];
  return [...core, ...features, ...housekeeping];
}

/** After-sales' sweeps: returns never sent back expire; requests past the merchant's deadlines are decided. */
function afterSalesJobs(services: Services): JobDefinition[] {
  const log = services.log;
  return [
    {
      // approved returns whose parcel never left the buyer by the deadline expire
      name: 'orders.expire-returns',
      schedule: INTERVAL,
      async run() {
        const expired = await services.orders.expireReturns();
        if (expired.expired > 0) log.info(expired, 'returns expired');
        return expired;
      },
    },
    {
      // 商家处理时限: requests the merchant did not review in afterSalesReviewDays are approved, returns
      // not confirmed in returnReceiveDays after the parcel are received; their refunds go out now, as
      // after a reviewer's decision (a call that fails is resent and queried by payments.checks)
      name: 'orders.after-sales-deadlines',
      schedule: INTERVAL,
      async run() {
        const decided = await services.orders.decideOverdueAfterSales();
        for (const refundId of decided.refundIds) {
          await services.payments.requestRefund(refundId).catch((error: unknown) => log.warn({ err: error, refundId }, 'the refund of an overdue after-sales request did not go out'));
        }
        const { refundIds, ...counts } = decided;
        if (counts.approved + counts.awaitingReturn + counts.received > 0) log.info({ ...counts, refunds: refundIds.length }, 'after-sales requests decided past the merchant’s deadline');
        if (counts.overdue > 0) log.warn(counts, 'after-sales requests past their deadline wait for HQ');
        return { ...counts, refunds: refundIds.length };
      },
    },
  ];
}
