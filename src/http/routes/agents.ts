// Agents in the console: regional agents with their division, parent, rate and term.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, type Auth } from '../auth.js';
import { idParams } from '../schemas.js';

export function agentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const operators = auth.requireRoles('owner', 'operator');

  r.get('/api/admin/agents', { preHandler: auth.requireRoles(...ALL_HQ_ROLES), schema: { tags: ['agents'], summary: 'Agents' } }, async () => ({ items: await s.agents.list(s.db) }));

  r.post('/api/admin/agents', {
    preHandler: operators,
    schema: {
      tags: ['agents'],
      summary: 'Appoint a regional agent for a province (XX0000), city (XXXX00) or district; its rate may not exceed its parent’s',
      body: z.object({
        memberId: z.number().int().positive(),
        regionCode: z.string().regex(/^\d{6}$/),
        parentAgentId: z.number().int().positive().nullable().optional(),
        rateBp: z.number().int().min(0).max(10_000),
        termStart: z.coerce.date(),
        termEnd: z.coerce.date(),
      }),
    },
  }, async (req, reply) => reply.status(201).send(await s.agents.createRegional(member(req).id, req.body)));

  r.post('/api/admin/agents/:id/rate', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: "Change an agent's rate (between its children's and its parent's)", params: idParams, body: z.object({ rateBp: z.number().int().min(0).max(10_000) }) },
  }, async (req) => s.agents.setRate(member(req).id, req.params.id, req.body.rateBp));
}
