// The group-buys module's face (拼团, 056): HQ's offers, the groups members open and join at the group
// price (an order participant: places held at checkout, the Nth payment succeeds the group, orders
// do not ship before), and the deadline job that fills a group by the system (模拟成团) or fails it and
// refunds every paid member through the payment rail. Its tables are written only here; orders,
// refunds and payments go through their modules' faces.
import type { CoreServices } from '../../services.js';
import { GroupBuyGroups } from './groups.js';
import { GroupBuyOffers } from './offers.js';
import { groupBuyParticipant } from './participant.js';
import { GroupBuySettlement } from './settle.js';

export type { OfferInput, OfferPhase, OfferView } from './offers.js';
export type { SettleReport } from './settle.js';
export { FAILED_GROUP_REFUND_REASON } from './settle.js';
export { GROUP_MEMBER_STATUSES, GROUP_STATUSES, type GroupMemberStatus, type GroupStatus } from './tables.js';
export { seedGroupBuys } from './demo.js';

export function createGroupBuys(core: CoreServices) {
  const offers = new GroupBuyOffers(core.db, core.clock, core.audit, core.catalog);
  const groups = new GroupBuyGroups(core.clock);
  const settlement = new GroupBuySettlement({ db: core.db, clock: core.clock, audit: core.audit, orders: core.orders, payments: core.payments, paymentChecks: core.paymentChecks, log: core.log });
  core.orders.addParticipant(groupBuyParticipant());
  core.extensions.addJob({ name: 'group-buys.settle', run: () => settlement.sweep() });
  return { groupBuys: { offers, groups, settlement } };
}

export type GroupBuys = ReturnType<typeof createGroupBuys>['groupBuys'];
