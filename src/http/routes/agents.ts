// Agents in the console: regional agents (division, parent, rate, term), non-regional agents with
// levels, yearly targets; and the agent's own pages (party 'agent'), scoped to the caller's agency.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { complianceOverrideInput } from '../../modules/compliance/index.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, type Auth } from '../auth.js';
import { fen, idParams, page } from '../schemas.js';
import * as R from './agents.responses.js';

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const shanghaiYear = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();

/** A non-regional agent level; its cash referral award pays for recruiting alone, so only under a compliance override. */
const agentLevelBody = z.object({
  name: z.string().trim().min(1).max(30),
  salesAwardBp: z.number().int().min(0).max(10_000),
  referralAwardFen: fen.max(100_000_000).default(0).describe('cash for bringing in an agent: pay for recruiting alone, so only with complianceOverride (else 422 COMPLIANCE_RECRUITING_CASH)'),
  referralAwardPoints: z.number().int().min(0).max(100_000_000).default(0).describe('the referral award in points (needs no override)'),
  complianceOverride: complianceOverrideInput.nullable().optional(),
});

export function agentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  agentAdminRoutes(app, s, auth);
  agentSelfRoutes(app, s, auth);
}

/** HQ: agents, levels, terms and targets. */
function agentAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const operators = auth.requireRoles('owner', 'operator');

  r.get('/api/admin/agents', { preHandler: auth.requireRoles(...ALL_HQ_ROLES), schema: { tags: ['agents'], summary: 'Agents', response: { 200: R.agentList } } }, async () => ({ items: await s.agents.list(s.db) }));

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
      response: { 201: R.agentCreated },
    },
  }, async (req, reply) => reply.status(201).send(await s.agents.createRegional(member(req).id, req.body)));

  r.post('/api/admin/agents/:id/rate', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: "Change an agent's rate (between its children's and its parent's)", params: idParams, body: z.object({ rateBp: z.number().int().min(0).max(10_000) }), response: { 200: R.agentRow } },
  }, async (req) => s.agents.setRate(member(req).id, req.params.id, req.body.rateBp));

  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const term = { termStart: z.coerce.date(), termEnd: z.coerce.date() };
  const levelBody = agentLevelBody;
  const yearParams = z.object({ id: z.coerce.number().int().positive(), year: z.coerce.number().int().min(2000).max(2100) });
  const targetBody = z.union([
    z.object({ quartersFen: z.tuple([fen, fen, fen, fen]) }).strict(),
    z.object({ yearFen: fen }).strict(),
  ]);

  r.get('/api/admin/agent-levels', { preHandler: anyHq, schema: { tags: ['agents'], summary: 'Levels of non-regional agents', response: { 200: R.agentLevels } } }, async () => ({ items: await s.agents.listLevels(s.db) }));

  r.post('/api/admin/agent-levels', {
    preHandler: operators,
    schema: {
      tags: ['agents'],
      summary: 'Define a level: sales award rate and the award (points, or cash under a compliance override) for bringing in an agent of this level',
      description: 'A cash referral award pays for recruiting alone: 422 COMPLIANCE_RECRUITING_CASH (details.field = referralAwardFen) unless complianceOverride is given (stored with who and when, audited as agent_level.compliance_override).',
      body: levelBody,
      response: { 201: R.agentLevel },
    },
  }, async (req, reply) => reply.status(201).send(await s.agents.saveLevel(member(req).id, req.body)));

  r.put('/api/admin/agent-levels/:id', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: 'Change a level (applies to orders paid from now on)', params: idParams, body: levelBody, response: { 200: R.agentLevel } },
  }, async (req) => s.agents.saveLevel(member(req).id, req.body, req.params.id));

  r.post('/api/admin/agents/non-regional', {
    preHandler: operators,
    schema: {
      tags: ['agents'],
      summary: 'Appoint a non-regional agent at a level; the nearest active agent above it earns the level’s referral award once',
      description: '422 COMPLIANCE_RECRUITING_CASH when the level pays its referral award in cash with no compliance override (a level saved before the guard): change it to points or record the override on the level first.',
      body: z.object({ memberId: z.number().int().positive(), levelId: z.number().int().positive(), ...term }),
      response: { 201: R.agentAppointed },
    },
  }, async (req, reply) => reply.status(201).send(await s.agents.appointNonRegional(member(req).id, req.body)));

  r.get('/api/admin/agents/:id', { preHandler: anyHq, schema: { tags: ['agents'], summary: 'An agent, with its state (active, upcoming, expired, suspended)', params: idParams, response: { 200: R.agent } } }, async (req) =>
    s.agents.get(s.db, req.params.id),
  );

  r.post('/api/admin/agents/:id/term', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: "Set an agent's term (renewal); outside it the agent earns nothing", params: idParams, body: z.object(term), response: { 200: R.agent } },
  }, async (req) => s.agents.setTerm(member(req).id, req.params.id, req.body));

  r.post('/api/admin/agents/:id/level', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: "Change a non-regional agent's level", params: idParams, body: z.object({ levelId: z.number().int().positive() }), response: { 200: R.agent } },
  }, async (req) => s.agents.setLevel(member(req).id, req.params.id, req.body.levelId));

  r.put('/api/admin/agents/:id/targets/:year', {
    preHandler: operators,
    schema: { tags: ['agents'], summary: "Set an agent's yearly sales target: four quarter amounts, or a yearly amount split evenly", params: yearParams, body: targetBody, response: { 200: R.targetProgress } },
  }, async (req) => s.agents.setTarget(member(req).id, req.params.id, req.params.year, req.body));

  r.get('/api/admin/agents/:id/targets', {
    preHandler: anyHq,
    schema: { tags: ['agents'], summary: "An agent's target and progress by Asia/Shanghai quarter (default: this year)", params: idParams, querystring: yearQuery, response: { 200: R.targetProgressWithYears } },
  }, async (req) => ({ ...(await s.agents.targetProgress(s.db, req.params.id, req.query.year ?? shanghaiYear(s.clock.now()))), years: await s.agents.targetYears(s.db, req.params.id) }));

  r.get('/api/admin/agents/:id/orders', {
    preHandler: anyHq,
    schema: { tags: ['agents'], summary: 'Orders attributed to an agent', params: idParams, querystring: page, response: { 200: R.attributedOrders } },
  }, async (req) => ({ items: await s.agents.attributedOrders(s.db, req.params.id, req.query) }));
}

/** The agent's own pages. */
function agentSelfRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // the agent's own pages: everything is the caller's agency, so there is no id to forge
  r.get('/api/agent/me', { preHandler: auth.authenticate, schema: { tags: ['agents'], summary: 'My agency: region or level, term and state', response: { 200: R.agent } } }, async (req) =>
    s.agents.agentOfMember(s.db, member(req).id),
  );

  r.get('/api/agent/earnings', {
    preHandler: auth.authenticate,
    schema: { tags: ['agents'], summary: 'My agent awards (differentials, sales awards) and referral awards', querystring: page, response: { 200: R.agentEarnings } },
  }, async (req) => {
    const me = member(req);
    await s.agents.agentOfMember(s.db, me.id);
    return s.agents.earningsOf(s.db, me.id, req.query);
  });

  r.get('/api/agent/orders', { preHandler: auth.authenticate, schema: { tags: ['agents'], summary: 'Orders attributed to my agency', querystring: page, response: { 200: R.attributedOrders } } }, async (req) => {
    const agent = await s.agents.agentOfMember(s.db, member(req).id);
    return { items: await s.agents.attributedOrders(s.db, agent.id, req.query) };
  });

  r.get('/api/agent/targets', {
    preHandler: auth.authenticate,
    schema: { tags: ['agents'], summary: 'My yearly target and progress by quarter (default: this year)', querystring: yearQuery, response: { 200: R.targetProgressWithYears } },
  }, async (req) => {
    const agent = await s.agents.agentOfMember(s.db, member(req).id);
    return { ...(await s.agents.targetProgress(s.db, agent.id, req.query.year ?? shanghaiYear(s.clock.now()))), years: await s.agents.targetYears(s.db, agent.id) };
  });
}

