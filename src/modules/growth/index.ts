// The growth feature: distributor tier auto-upgrade and leaderboards (排行榜), wired from the core.
import type { CoreServices } from '../../services.js';
import { LeaderboardService } from './leaderboards.js';
import { TierUpgradeService } from './tiers.js';

export function createGrowth(core: CoreServices) {
  const leaderboards = new LeaderboardService(core.db, core.clock, core.referral);
  const tierUpgrades = new TierUpgradeService(core.db, core.clock, core.members, core.audit, leaderboards, core.rules);
  // tier rules crossing the compliance line with no override, for HQ's compliance report
  core.compliance.addFindings((ex) => tierUpgrades.complianceFindings(ex));

  core.orders.addParticipant({
    name: 'growth',
    // no money moves here: after the payment commits, through the orders module's outbox
    later: {
      // the deltas carry the order's earnings (commission and coupon guide, written in the payment);
      // the tier checks then see them, and an upgrade applies from the next order
      async onPaid(tx, order) {
        await leaderboards.recordPaid(tx, order);
        await tierUpgrades.afterPaid(tx, order);
      },
      // several orders of a batch: their deltas, then each member they concern checked once
      async onPaidMany(tx, orders) {
        await leaderboards.recordPaidMany(tx, orders);
        await tierUpgrades.afterPaidMany(tx, orders);
      },
      async onRefunded(tx, refund) {
        await leaderboards.recordRefund(tx, refund);
      },
    },
  });
  core.extensions.addJob({
    name: 'growth.leaderboards',
    async run() {
      await leaderboards.scanInvites();
      return leaderboards.fold();
    },
  });
  core.extensions.addJob({ name: 'growth.tier-checks', run: () => tierUpgrades.processQueue() });

  return { leaderboards, tierUpgrades };
}
export { seedGrowth } from './demo.js';
export { COMMISSION_KINDS } from './leaderboards.js';
export { periodOf, rangeOf } from './periods.js';
export type { Period } from './periods.js';
