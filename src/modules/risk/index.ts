// The risk module's face (风控, 044): the identity graph of members (signals: device, network,
// address with consignee phone, phones, payout accounts, WeChat unionids), the seam commission plans
// through (a buyer's linked members are the buyer: never its referrers), the versioned risk rules that
// put an earning on hold, the queue finance decides, and the dry run. Its tables are written only here;
// commission's hold flag and ledger moves go through commission's face.
import type { CoreServices } from '../../services.js';
import { RiskHolds } from './holds.js';
import { dryRun, identityGraph } from './insight.js';
import { RiskReview } from './review.js';
import { RiskRules, type RiskRulesConfig } from './rules.js';
import { RiskSignals } from './signals.js';

export type { RiskReason } from './evaluate.js';
export { RISK_KINDS } from './evaluate.js';
export type { HoldsQuery } from './holds.js';
export type { GraphMember } from './insight.js';
export { DEVICE_ID, SIGNAL_KINDS, STRONG_KINDS, subnetOf } from './normalise.js';
export { RISK_RULES, riskRulesSchema, type RiskRule, type RiskRulesConfig, type RiskRulesInput, type RiskRulesVersion } from './rules.js';
export type { RiskHoldStatus, SignalKind } from './tables.js';
export { countHeldCases } from './todo.js';

export function createRisk(core: CoreServices) {
  const rules = new RiskRules(core.audit);
  const signals = new RiskSignals(core.db, core.clock, core.limits, core.identity.wechat);
  const holds = new RiskHolds(core.db, core.clock, core.commission, core.audit);
  const review = new RiskReview(core.db, core.clock, rules, core.rules, signals, holds, core.identity.wechat);
  // commission asks who else a buyer is before it plans an order's earnings
  core.commission.provideRiskLinks(signals);
  core.orders.addParticipant({
    name: 'risk',
    // where the order ships and who the buyer is, recorded with the order (so it counts at payment)
    afterCheckout: (tx, ctx) => signals.recordCheckout(tx, ctx.buyerId, ctx.input.shippingAddress),
    // the rules judge the order's earnings once its payment committed, exactly once per order
    later: {
      onPaid: async (tx, order) => void (await review.afterPaid(tx, [order.orderId])),
      onPaidMany: async (tx, orders) => void (await review.afterPaid(tx, orders.map((o) => o.orderId))),
    },
  });
  // payout accounts and unionids collected, then earnings whose earner and buyer became linked held
  core.extensions.addJob({ name: 'risk.review', run: () => review.sweep() });
  const risk = {
    rules,
    signals,
    holds,
    review,
    /** which of the last `days` days' earnings each rule would have held under these settings */
    dryRun: (config: RiskRulesConfig, days: number) => dryRun(core.db, { config, days, now: core.clock.now(), selfPurchaseOf: review.selfPurchaseOf(core.db) }),
    /** a hold's buyer and earner, the members linked to either, their signals and what they share */
    graph: (buyerId: number, earnerId: number) => identityGraph(core.db, signals, buyerId, earnerId),
  };
  return { risk };
}

export type Risk = ReturnType<typeof createRisk>['risk'];
