// The HQ console's API: rules, commission, adjustments and payouts. Every route checks roles; money, binding, tier and role changes are audited
// by the services they call.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMISSION_KINDS, periodOf } from '../../modules/growth/index.js';
import type { Services } from '../../services.js';
import { member, phoneViewFor, type Auth } from '../auth.js';
import { checkoutItems, idempotencyKey, idParams, page, reason } from '../schemas.js';
import { ruleChangeRoutes } from '../../modules/rules/index.js';
import { adjustmentApprovalOut, approvalRoutes } from '../../modules/approvals/index.js';
import { dateTime, earningOut, fenOut, intOut, listOf, payoutOut } from '../responses.js';
import { adminGuards } from './admin-guards.js';
import { ruleVersionOut, dryRunOut, adjustmentOut } from './admin.responses.js';

/** A withdrawal as HQ reviews it: above approvals.payoutSecondApprovalFen two different members approve it. */
const reviewedPayoutOut = payoutOut.extend({
  firstApprovedBy: intOut.nullable().describe('the first of two approvers; the payout stays reviewing until another member approves'),
  firstApprovedByName: z.string().nullable(),
  firstApprovedAt: dateTime.nullable(),
  secondApprovalRequired: z.boolean().describe('approving it takes two members (it was first-approved, or it is above the line in force)'),
});
/** An earning as HQ sees it: also whether an after-sales request on its order holds it (its earner is not told why). */
const adminEarningOut = earningOut.extend({ afterSalesHold: z.boolean().describe('an open after-sales request on the order holds it; it goes on when the request closes') });
const earningsQuery = page.extend({
  memberId: z.coerce.number().int().optional(),
  orderId: z.coerce.number().int().optional(),
  state: z.enum(['pending', 'frozen', 'available', 'reversed']).optional(),
  held: z.enum(['true', 'false']).optional().describe('true: only those held back (a risk rule, or an open after-sales request on the order): the dashboard 待办 counts them'),
});
const payoutsQuery = page.extend({
  status: z.enum(['reviewing', 'processing', 'paid', 'rejected', 'failed']).optional(),
  memberId: z.coerce.number().int().optional(),
  firstApproved: z.enum(['true', 'false']).optional().describe('only those with (true) or without (false) a first approval: false with reviewing is what the dashboard 待办 counts to review'),
});
const moneyError = z.looseObject({ code: z.string(), message: z.string(), details: z.unknown().optional() });
const reviewErrors = { 403: moneyError, 404: moneyError, 409: moneyError };

export function adminMoneyRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, finance } = adminGuards(auth);
  const tags = ['admin'];

  // --- rules and commission ---
  r.get('/api/admin/rules', { preHandler: anyHq, schema: { tags, summary: 'The rules in force and earlier versions', response: { 200: z.object({ current: ruleVersionOut, versions: z.array(ruleVersionOut.omit({ config: true })) }) } } }, async () => {
    const versions = await s.rules.list(s.db, 20);
    return { current: versions[0], versions: versions.map((v) => ({ id: v.id, note: v.note, createdBy: v.createdBy, createdAt: v.createdAt })) };
  });
  r.get('/api/admin/rules/:id', { preHandler: anyHq, schema: { tags, summary: 'One rule version with its full settings', params: idParams, response: { 200: ruleVersionOut } } }, async (req) =>
    s.rules.byId(s.db, req.params.id),
  );
  // PUT /api/admin/rules and the pending changes a second approver decides (/api/admin/rules/changes…)
  ruleChangeRoutes(app, s, auth);
  r.post('/api/admin/commission/dry-run', {
    preHandler: anyHq,
    schema: { tags, summary: 'What would this order pay, to whom (no money moves)', body: z.object({ buyerId: z.number().int().positive(), items: checkoutItems, ruleVersionId: z.number().int().positive().optional() }), response: { 200: dryRunOut } },
  }, async (req) => {
    await s.members.require(s.db, req.body.buyerId);
    const version = req.body.ruleVersionId ? await s.rules.byId(s.db, req.body.ruleVersionId) : await s.rules.current(s.db);
    const quote = await s.orders.quote(s.db, req.body.items, version.config);
    const lines = quote.lines.map((l, i) => ({ lineId: i + 1, productId: l.productId, skuId: l.skuId, quantity: l.quantity, paidFen: l.paidFen }));
    const earnings = await s.commission.plan(s.db, req.body.buyerId, lines, version);
    const names = new Map((await Promise.all([...new Set(earnings.map((e) => e.earnerId))].map((id) => s.members.get(s.db, id)))).map((m) => [m!.id, m!.nickname]));
    return {
      ruleVersionId: version.id,
      quote,
      earnings: earnings.map((e) => ({ ...e, lineIndex: e.lineId - 1, lineId: undefined, earnerNickname: names.get(e.earnerId) })),
      totalCommissionFen: earnings.reduce((sum, e) => sum + e.amountFen, 0),
    };
  });
  r.post('/api/admin/adjustments', {
    preHandler: finance,
    schema: {
      tags,
      summary: "Manually adjust a member's commission (positive or negative); audited",
      description: 'Above the rules\' approvals.adjustmentSecondApprovalFen (absolute amount; 0 = never) it is filed for a second owner/finance member: 202 with the pending approval (POST /api/admin/adjustment-approvals/{id}/approve applies it under this idempotency key); a replay of the key answers that approval again.',
      body: z.object({ memberId: z.number().int().positive(), amountFen: z.number().int().min(-1e10).max(1e10), reason, idempotencyKey }),
      response: { 200: adjustmentOut, 201: adjustmentOut, 202: adjustmentApprovalOut },
    },
  }, async (req, reply) => {
    const outcome = await s.approvals.adjustments.request(member(req).id, req.body);
    if (outcome.kind === 'pending') return reply.status(202).send(outcome.approval);
    return reply.status(outcome.result.duplicate ? 200 : 201).send(outcome.result);
  });
  // the adjustments waiting for a second approver, and 待我审批 (/api/admin/adjustment-approvals…, /api/admin/approvals/pending)
  approvalRoutes(app, s, auth);
  r.get('/api/admin/commission/earnings', {
    preHandler: anyHq,
    schema: { tags, summary: 'Earnings', querystring: earningsQuery, response: { 200: listOf(adminEarningOut) } },
  }, async (req) => ({ items: await s.commission.earnings(s.db, { ...req.query, held: req.query.held === 'true', earnerId: req.query.memberId }) }));
  r.get('/api/admin/commission/ranking', {
    preHandler: anyHq,
    schema: { tags, summary: 'Top earners by commission (the leaderboard roll-up), with the orders they earned on', querystring: z.object({ period: z.enum(['today', 'month', 'all']).default('month'), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      response: { 200: listOf(z.object({ memberId: intOut, nickname: z.string(), phone: z.string().nullable(), earnedFen: fenOut, orderCount: intOut })) },
    },
  }, async (req) => {
    // the growth module's commission board (folded totals plus unfolded deltas): milliseconds at a
    // million distributors, where summing the period's earnings took seconds
    const period = periodOf(req.query.period === 'today' ? 'day' : req.query.period, s.leaderboards.today());
    const board = await s.leaderboards.top(s.readDb, 'commission', period, req.query.limit);
    const since = period.from === null ? null : new Date(`${period.from}T00:00:00+08:00`);
    const orders = await s.commission.orderCountsOf(s.db, board.map((b) => b.memberId), COMMISSION_KINDS, since);
    const phoneOf = phoneViewFor(req);
    return { items: board.map((b) => ({ memberId: b.memberId, nickname: b.nickname, phone: phoneOf(b.phone), earnedFen: b.value, orderCount: orders.get(b.memberId) ?? 0 })) };
  });

  // --- payouts ---
  r.get('/api/admin/payouts', {
    preHandler: auth.requireRoles('owner', 'finance', 'auditor'),
    schema: { tags, summary: 'Withdrawals', querystring: payoutsQuery, response: { 200: listOf(reviewedPayoutOut) } },
  }, async (req) => ({ items: await s.payouts.reviewList(s.db, { ...req.query, firstApproved: req.query.firstApproved === undefined ? undefined : req.query.firstApproved === 'true' }) }));
  r.post('/api/admin/payouts/:id/approve', {
    preHandler: finance,
    schema: {
      tags,
      summary: 'Approve a withdrawal and send it (above the second-approval line: the first of two approvals)',
      description: "Above the rules' approvals.payoutSecondApprovalFen the first approval is recorded (firstApprovedBy) and it stays reviewing; a different owner/finance member's approval sends it (the first approver again: 403 SECOND_APPROVER_REQUIRED).",
      params: idParams,
      response: { 200: reviewedPayoutOut, ...reviewErrors },
    },
  }, async (req) => s.payouts.approve(member(req).id, req.params.id));
  r.post('/api/admin/payouts/:id/reject', { preHandler: finance, schema: { tags, summary: 'Reject a withdrawal (also after a first approval); funds go back', params: idParams, body: z.object({ reason }), response: { 200: reviewedPayoutOut, ...reviewErrors } } }, async (req) =>
    s.payouts.reject(member(req).id, req.params.id, req.body.reason),
  );
  r.post('/api/admin/payouts/:id/retry', { preHandler: finance, schema: { tags, summary: 'Send a failed withdrawal again, same payout number', params: idParams, response: { 200: reviewedPayoutOut, ...reviewErrors } } }, async (req) =>
    s.payouts.retry(member(req).id, req.params.id),
  );
}
