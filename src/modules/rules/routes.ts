// The console's rule-saving routes (registered from the rules block of src/http/routes/admin.ts):
// saving a version, and the pending changes a second owner/finance member approves or rejects.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction } from '../../db/database.js';
import { member, type Auth } from '../../http/auth.js';
import { reason } from '../../http/schemas.js';
import type { Services } from '../../services.js';
import type { Actor, RuleChange } from './changes.js';
import { ruleConfigSchema, type RuleConfigInput, type RuleVersion } from './schema.js';

const errorOut = z.looseObject({ code: z.string(), message: z.string(), details: z.unknown().optional() });
const errors = { 400: errorOut, 401: errorOut, 403: errorOut, 404: errorOut, 409: errorOut, 422: errorOut };

const versionOut = z.object({
  id: z.number().int(),
  config: ruleConfigSchema,
  note: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.string(),
});

const changeOut = z.object({
  id: z.number().int(),
  status: z.enum(['pending', 'approved', 'rejected', 'superseded']),
  baseVersionId: z.number().int().describe('the version this was proposed against'),
  proposedConfig: ruleConfigSchema,
  note: z.string().nullable(),
  triggers: z.array(z.object({ field: z.string(), line: z.string(), before: z.unknown(), after: z.unknown() })).describe('the second-approval lines the change crosses'),
  proposedBy: z.number().int(),
  proposedByName: z.string().nullable(),
  createdAt: z.string(),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  appliedVersionId: z.number().int().nullable(),
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })).describe('every field the change alters, against its base version'),
  stale: z.boolean().describe('the rules moved on since: approving answers 409 RULES_CHANGED_SINCE_PROPOSAL'),
});

const changeParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

function versionDto(v: RuleVersion) {
  return { id: v.id, config: v.config, note: v.note, createdBy: v.createdBy, createdAt: v.createdAt.toISOString() };
}

function changeDto(c: RuleChange) {
  return { ...c, createdAt: c.createdAt.toISOString(), decidedAt: c.decidedAt ? new Date(c.decidedAt).toISOString() : null };
}

function actorOf(req: Parameters<typeof member>[0]): Actor {
  const m = member(req);
  return { id: m.id, role: m.hqRole! };
}

export function ruleChangeRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const anyHq = auth.requireRoles('owner', 'operator', 'finance', 'support', 'auditor');
  const writers = auth.requireRoles('owner', 'operator', 'finance');
  const approvers = auth.requireRoles('owner', 'finance');

  r.put('/api/admin/rules', {
    preHandler: writers,
    schema: {
      tags,
      summary: 'Save the rules as a new version (201), or file it for a second approver (202)',
      description:
        'Money limits (commission and withdrawal settings) may be changed by owner or finance only (403 MONEY_LIMIT_ROLE names the fields); finance changes money limits only. A change past a second-approval line (auto-approval above ¥500, freeze below 7 days, more than 10 withdrawals a day, any commission raise) is answered 202 with the pending change. More than 3 levels needs a compliance override.',
      body: z.object({ config: z.record(z.string(), z.unknown()), note: z.string().max(200).optional() }),
      response: { 201: versionOut, 202: changeOut, ...errors },
    },
  }, async (req, reply) => {
    const result = await inTransaction(s.db, (tx) => s.rules.changes.submit(tx, req.body.config as RuleConfigInput, actorOf(req), req.body.note ?? null));
    if (result.kind === 'pending') return reply.status(202).send(changeDto(result.change));
    return reply.status(201).send(versionDto(result.version));
  });

  r.get('/api/admin/rules/changes', {
    preHandler: anyHq,
    schema: {
      tags,
      summary: 'Rule changes waiting for (or decided by) a second approver, newest first',
      querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected', 'superseded']).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { 200: z.object({ items: z.array(changeOut) }), ...errors },
    },
  }, async (req) => ({ items: (await s.rules.changes.list(s.db, req.query)).map(changeDto) }));

  r.get('/api/admin/rules/changes/:id', {
    preHandler: anyHq,
    schema: { tags, summary: 'One rule change with what it alters', params: changeParams, response: { 200: changeOut, ...errors } },
  }, async (req) => changeDto(await s.rules.changes.get(s.db, req.params.id)));

  r.post('/api/admin/rules/changes/:id/approve', {
    preHandler: approvers,
    schema: {
      tags,
      summary: 'Approve a pending rule change: it becomes the new version exactly as proposed',
      description: 'Not by its proposer (403 SECOND_APPROVER_REQUIRED); 409 RULE_CHANGE_DECIDED when already decided, 409 RULES_CHANGED_SINCE_PROPOSAL when another version was saved since (the change is then superseded).',
      params: changeParams,
      body: z.object({ reason: z.string().trim().max(500).optional() }).optional(),
      response: { 200: z.object({ change: changeOut, version: versionOut }), ...errors },
    },
  }, async (req) => {
    const { change, version } = await s.rules.changes.approve(s.db, req.params.id, actorOf(req), req.body?.reason || null);
    return { change: changeDto(change), version: versionDto(version) };
  });

  r.post('/api/admin/rules/changes/:id/reject', {
    preHandler: approvers,
    schema: {
      tags,
      summary: 'Reject a pending rule change with a reason (its proposer may withdraw it this way)',
      params: changeParams,
      body: z.object({ reason }),
      response: { 200: changeOut, ...errors },
    },
  }, async (req) => changeDto(await s.rules.changes.reject(s.db, req.params.id, actorOf(req), req.body.reason)));
}
