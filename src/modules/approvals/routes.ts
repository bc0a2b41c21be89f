// The console's two-person routes (registered from src/http/routes/admin-money.ts): adjustments waiting for a
// second approver, decided by another owner/finance member, and 待我审批 across adjustments, withdrawals and
// rule changes. POST /api/admin/adjustments itself (which files them) stays with the money routes.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { member, type Auth } from '../../http/auth.js';
import { balancesOut, dateTime, fenOut, intOut } from '../../http/responses.js';
import { reason } from '../../http/schemas.js';
import type { Services } from '../../services.js';

const errorOut = z.looseObject({ code: z.string(), message: z.string(), details: z.unknown().optional() });
const errors = { 400: errorOut, 401: errorOut, 403: errorOut, 404: errorOut, 409: errorOut, 422: errorOut };

const STATUSES = ['pending', 'approved', 'applied', 'rejected', 'failed'] as const;

export const adjustmentApprovalOut = z.object({
  id: intOut,
  status: z.enum(STATUSES).describe('pending → approved (the second approver claimed it; being applied) → applied; or rejected; failed when commission refused it'),
  memberId: intOut,
  memberNickname: z.string().nullable(),
  amountFen: fenOut.describe('signed: negative takes away'),
  reason: z.string(),
  idempotencyKey: z.string().describe("the maker's key: the approval adjusts under it, so the money moves once"),
  thresholdFen: fenOut.describe('the line (absolute fen) it was above when filed'),
  requestedBy: intOut,
  requestedByName: z.string().nullable(),
  requestedAt: dateTime,
  decidedBy: intOut.nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: dateTime.nullable(),
  decisionReason: z.string().nullable(),
  appliedAt: dateTime.nullable(),
  balances: balancesOut.nullable().describe("the member's balances right after the adjustment"),
  failure: z.string().nullable(),
});

const pendingItemOut = z.object({
  kind: z.enum(['adjustment', 'payout', 'rule_change']),
  id: intOut.describe("the adjustment approval's, the withdrawal's or the rule change's id"),
  status: z.string(),
  memberId: intOut.nullable(),
  memberNickname: z.string().nullable(),
  amountFen: fenOut.nullable(),
  note: z.string().nullable().describe("the adjustment's reason, the withdrawal's number, the rule change's note"),
  fields: z.array(z.string()).describe("a rule change's fields past a second-approval line"),
  startedBy: intOut.describe("the adjustment's maker, the withdrawal's first approver, the rule change's proposer"),
  startedByName: z.string().nullable(),
  startedAt: dateTime,
  mine: z.boolean().describe('the caller started it: it waits for someone else'),
  canApprove: z.boolean(),
});

const params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export function approvalRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const readers = auth.requireRoles('owner', 'finance', 'auditor');
  const approvers = auth.requireRoles('owner', 'finance');

  r.get('/api/admin/adjustment-approvals', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'Adjustments above the second-approval line, newest first',
      querystring: z.object({
        status: z.enum(STATUSES).optional(),
        open: z.enum(['true', 'false']).optional().describe('true: only those still waiting (pending, or approved and being applied)'),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
      response: { 200: z.object({ items: z.array(adjustmentApprovalOut) }), ...errors },
    },
  }, async (req) => ({ items: await s.approvals.adjustments.list(s.db, { status: req.query.status, open: req.query.open === 'true', limit: req.query.limit }) }));

  r.get('/api/admin/adjustment-approvals/:id', {
    preHandler: readers,
    schema: { tags, summary: 'One adjustment waiting for (or decided by) a second approver', params, response: { 200: adjustmentApprovalOut, ...errors } },
  }, async (req) => s.approvals.adjustments.get(s.db, req.params.id));

  r.post('/api/admin/adjustment-approvals/:id/approve', {
    preHandler: approvers,
    schema: {
      tags,
      summary: "Approve a pending adjustment: commission adjusts under the maker's key, once",
      description: 'Not by its maker (403 SECOND_APPROVER_REQUIRED); 409 ADJUSTMENT_APPROVAL_DECIDED when it was decided already (of concurrent approvals one applies it); a key commission already used for another adjustment answers its 409 and leaves the approval failed.',
      params,
      body: z.object({ reason: z.string().trim().max(500).optional() }).optional(),
      response: { 200: z.object({ approval: adjustmentApprovalOut, adjustment: z.object({ duplicate: z.boolean(), balances: balancesOut }) }), ...errors },
    },
  }, async (req) => s.approvals.adjustments.approve(member(req).id, req.params.id, req.body?.reason || null));

  r.post('/api/admin/adjustment-approvals/:id/reject', {
    preHandler: approvers,
    schema: {
      tags,
      summary: 'Reject a pending adjustment with a reason (its maker may withdraw it this way); no money moves',
      params,
      body: z.object({ reason }),
      response: { 200: adjustmentApprovalOut, ...errors },
    },
  }, async (req) => s.approvals.adjustments.reject(member(req).id, req.params.id, req.body.reason));

  r.get('/api/admin/approvals/pending', {
    preHandler: readers,
    schema: {
      tags,
      summary: '待我审批: adjustments, withdrawals with a first approval and rule changes waiting for a second approver, oldest first',
      response: { 200: z.object({ items: z.array(pendingItemOut) }), ...errors },
    },
  }, async (req) => {
    const m = member(req);
    return { items: await s.approvals.inbox.pendingFor(s.db, { id: m.id, role: m.hqRole ?? null }) };
  });
}
