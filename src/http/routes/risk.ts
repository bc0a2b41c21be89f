// 风控 in the console: the queue of held earnings (owner, finance and auditors read; owner and
// finance release or void, with a reason), a hold's identity graph, the risk rules (versioned) and
// their dry run. And the shop's device id: every signed-in request that carries x-device-id is
// recorded for its member with the request's network (throttled; risk/signals.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction } from '../../db/database.js';
import type { Services } from '../../services.js';
import { member, phoneViewFor, type Auth } from '../auth.js';
import { idParams, page, reason } from '../schemas.js';
import { riskHoldDetailOut, riskHoldOut, riskRulesOut, riskRulesVersionOut, dryRunOut } from './risk.responses.js';

export const DEVICE_HEADER = 'x-device-id';

/** onSend: the signed-in member's device and network, before the answer leaves (a failure never fails the request). */
export function observeDevices(app: FastifyInstance, s: Services) {
  app.addHook('onSend', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    const deviceId = request.headers[DEVICE_HEADER];
    if (request.member && typeof deviceId === 'string') {
      await s.risk.signals.observe(request.member.id, deviceId, request.ip).catch((error: unknown) => request.log.warn({ err: error }, 'device signal not recorded'));
    }
    return payload;
  });
}

export function riskRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = auth.requireRoles('owner', 'finance', 'auditor');
  const deciders = auth.requireRoles('owner', 'finance');
  const tags = ['risk'];
  const masked = (req: FastifyRequest) => {
    const view = phoneViewFor(req);
    return <T extends { earnerPhone: string | null; buyerPhone: string | null }>(h: T): T => ({ ...h, earnerPhone: view(h.earnerPhone), buyerPhone: view(h.buyerPhone) });
  };

  r.get('/api/admin/risk/holds', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'Earnings a risk rule held (审核中), newest first, with their reasons; decided ones by status',
      querystring: page.extend({ status: z.enum(['held', 'released', 'voided']).optional(), earnerId: z.coerce.number().int().positive().optional() }),
      response: { 200: z.object({ total: z.number().int(), items: z.array(riskHoldOut) }) },
    },
  }, async (req) => {
    const answer = await s.risk.holds.list(s.db, req.query);
    return { total: answer.total, items: answer.items.map(masked(req)) };
  });

  r.get('/api/admin/risk/holds/:id', {
    preHandler: readers,
    schema: { tags, summary: 'A hold with its identity graph: buyer, earner, the members linked to either, their signals and what they share', params: idParams, response: { 200: riskHoldDetailOut } },
  }, async (req) => {
    const hold = await s.risk.holds.get(s.db, req.params.id);
    const graph = await s.risk.graph(hold.buyerId, hold.earnerId);
    const view = phoneViewFor(req);
    return { hold: masked(req)(hold), graph: { ...graph, members: graph.members.map((m) => ({ ...m, phone: view(m.phone) })) } };
  });

  const decision = { params: idParams, body: z.object({ reason }), response: { 200: riskHoldOut } };
  r.post('/api/admin/risk/holds/:id/release', {
    preHandler: deciders,
    schema: { tags, summary: 'Let a held earning go: it continues normally (audited with the reason); 409 RISK_HOLD_DECIDED once decided', ...decision },
  }, async (req) => masked(req)(await s.risk.holds.release(member(req).id, req.params.id, req.body.reason)));

  r.post('/api/admin/risk/holds/:id/void', {
    preHandler: deciders,
    schema: { tags, summary: 'Void a held earning: reversed through the ledger like a full refund of it (audited with the reason)', ...decision },
  }, async (req) => masked(req)(await s.risk.holds.void(member(req).id, req.params.id, req.body.reason)));

  r.get('/api/admin/risk/rules', {
    preHandler: readers,
    schema: { tags, summary: 'The risk rules in force and earlier versions', response: { 200: riskRulesOut } },
  }, async () => {
    const versions = await s.risk.rules.list(s.db, 20);
    return { current: versions[0]!, versions: versions.map(({ config: _config, ...v }) => v) };
  });

  r.put('/api/admin/risk/rules', {
    preHandler: deciders,
    schema: {
      tags,
      summary: 'Save the risk rules as a new version (audited); 422 RISK_RULES_INVALID names what is wrong',
      body: z.object({ config: z.record(z.string(), z.unknown()), note: z.string().trim().max(200).optional() }),
      response: { 201: riskRulesVersionOut },
    },
  }, async (req, reply) => {
    const saved = await inTransaction(s.db, (tx) => s.risk.rules.save(tx, req.body.config, member(req).id, req.body.note ?? null));
    return reply.status(201).send(saved);
  });

  r.post('/api/admin/risk/rules/dry-run', {
    preHandler: readers,
    schema: {
      tags,
      summary: "Which of the last `days` days' earnings each rule (on or off) would have held, under these settings or the ones in force; nothing is held",
      body: z.object({ config: z.record(z.string(), z.unknown()).optional(), days: z.number().int().min(1).max(90).default(7) }),
      response: { 200: dryRunOut },
    },
  }, async (req) => {
    const config = req.body.config ? s.risk.rules.validate(req.body.config) : (await s.risk.rules.current(s.db)).config;
    return s.risk.dryRun(config, req.body.days);
  });
}
