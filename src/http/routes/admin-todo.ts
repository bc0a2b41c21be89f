// 待办 on the console's dashboard: how many things wait for an HQ decision, and for the caller's role only
// those it can act on — each item carries the roles of the guard on the route that decides it (named
// beside it). Every count comes from its own module's face and they run at once; each is one index
// range over the few waiting rows (the status indexes, and the partial indexes of 054). The primary is
// read, not the replica: acting on an item must lower its count at once.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countHeldEarnings } from '../../modules/commission/index.js';
import { countRestocksAwaitingPayment } from '../../modules/dealers/index.js';
import { countRedemptionsToFulfil } from '../../modules/loyalty/index.js';
import { countPendingApplications, type HqRole } from '../../modules/members/index.js';
import { countFailedRefunds, countOrdersToShip, countRefundRequests } from '../../modules/orders/index.js';
import { countFailedPayouts, countPayoutsToReview } from '../../modules/payouts/index.js';
import { countHeldCases } from '../../modules/risk/index.js';
import { countPendingProposals } from '../../modules/suppliers/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { intOut } from '../responses.js';
import { adminGuards, GUARD_ROLES } from './admin-guards.js';

export const TODO_KEYS = [
  'ordersToShip',
  'refundRequestsToReview',
  'returnsToReceive',
  'refundsFailed',
  'payoutsToReview',
  'payoutsFailed',
  'approvalsAwaiting',
  'riskHolds',
  'heldEarnings',
  'restocksToConfirm',
  'applicationsToReview',
  'proposalsToReview',
  'redemptionsToFulfil',
] as const;
export type TodoKey = (typeof TODO_KEYS)[number];

interface TodoItem {
  roles: readonly HqRole[];
  count: (s: Services, actor: { id: number; role: HqRole }) => Promise<number>;
}

/** In the dashboard's order; each item's roles are its deciding route's guard. */
const ITEMS: Record<TodoKey, TodoItem> = {
  // POST /api/admin/orders/:id/ship
  ordersToShip: { roles: GUARD_ROLES.fulfilment, count: (s) => countOrdersToShip(s.db) },
  // POST /api/admin/refund-requests/:id/review
  refundRequestsToReview: { roles: GUARD_ROLES.support, count: (s) => countRefundRequests(s.db, 'pending') },
  // POST /api/admin/refund-requests/:id/receive
  returnsToReceive: { roles: GUARD_ROLES.support, count: (s) => countRefundRequests(s.db, 'returning') },
  // POST /api/admin/orders/:id/refunds (refund again)
  refundsFailed: { roles: GUARD_ROLES.support, count: (s) => countFailedRefunds(s.db) },
  // POST /api/admin/payouts/:id/approve | reject
  payoutsToReview: { roles: GUARD_ROLES.finance, count: (s) => countPayoutsToReview(s.db) },
  // POST /api/admin/payouts/:id/retry
  payoutsFailed: { roles: GUARD_ROLES.finance, count: (s) => countFailedPayouts(s.db) },
  // the second approvals: adjustment-approvals/:id/approve, payouts/:id/approve, rules/changes/:id/approve (owner, finance)
  approvalsAwaiting: { roles: GUARD_ROLES.finance, count: (s, actor) => s.approvals.inbox.countFor(s.db, actor) },
  // POST /api/admin/risk/holds/:id/release | void (owner, finance)
  riskHolds: { roles: GUARD_ROLES.finance, count: (s) => countHeldCases(s.db) },
  // the same deciders: a risk hold is theirs, an after-sales hold goes with its request
  heldEarnings: { roles: GUARD_ROLES.finance, count: (s) => countHeldEarnings(s.db) },
  // POST /api/admin/dealer-restocks/:id/confirm-payment
  restocksToConfirm: { roles: GUARD_ROLES.finance, count: (s) => countRestocksAwaitingPayment(s.db) },
  // POST /api/admin/distributor-applications/:id/review
  applicationsToReview: { roles: GUARD_ROLES.operators, count: (s) => countPendingApplications(s.db) },
  // POST /api/admin/supplier-proposals/:id/approve | reject
  proposalsToReview: { roles: GUARD_ROLES.operators, count: (s) => countPendingProposals(s.db) },
  // POST /api/admin/loyalty/redemptions/:id/fulfil | cancel
  redemptionsToFulfil: { roles: GUARD_ROLES.operators, count: (s) => countRedemptionsToFulfil(s.db) },
};

const todoOut = z.object({
  items: z
    .array(z.object({ key: z.enum(TODO_KEYS), count: intOut }))
    .describe("only the items the caller's role acts on, in the dashboard's order; empty for a role that decides none (the auditor)"),
});

/** The keys a role sees, in order. */
export function todoKeysFor(role: HqRole): TodoKey[] {
  return TODO_KEYS.filter((key) => ITEMS[key].roles.includes(role));
}

export function adminTodoRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq } = adminGuards(auth);
  r.get('/api/admin/todo', {
    preHandler: anyHq,
    schema: { tags: ['admin'], summary: '待办: how many things wait for an HQ decision that the caller’s role can take (orders to ship, after-sales, withdrawals, reviews…)', response: { 200: todoOut } },
  }, async (req) => {
    const m = member(req);
    const actor = { id: m.id, role: m.hqRole! };
    const keys = todoKeysFor(actor.role);
    const counts = await Promise.all(keys.map((key) => ITEMS[key].count(s, actor)));
    return { items: keys.map((key, i) => ({ key, count: counts[i]! })) };
  });
}
