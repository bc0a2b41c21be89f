// Squads (战队) and PK contests: HQ manages tags, squads and contests; captains and members use
// their own squad (every /api/me route is scoped to the caller).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { complianceOverrideInput } from '../../modules/compliance/index.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, type Auth } from '../auth.js';
import { idParams, page, positiveFen } from '../schemas.js';
import { noContent } from './common.responses.js';
import * as R from './contests.responses.js';

const tags = ['contests'];
const tag = z.string().trim().min(1).max(20);
const inviteCode = z.string().trim().regex(/^[A-Za-z0-9]{8}$/, '8 letters or digits');
const contestBody = z.object({
  name: z.string().trim().min(1).max(60),
  metric: z.enum(['sales', 'invites', 'points']),
  startAt: z.coerce.date(),
  deadline: z.coerce.date(),
  squadIds: z.array(z.number().int().positive()).min(2).max(50),
  prizes: z
    .array(
      z.object({
        rank: z.number().int().min(1).max(100),
        kind: z.enum(['cash', 'points', 'honour']).default('cash').describe('cash (amountFen), points (points) or an honour (title); an invites contest pays cash only with complianceOverride'),
        amountFen: positiveFen.optional(),
        points: z.number().int().min(1).max(100_000_000).optional(),
        title: z.string().trim().min(1).max(20).optional(),
      }),
    )
    .max(50),
  complianceOverride: complianceOverrideInput.nullable().optional(),
});

/** The shop path that opens the join page for an invite code. */
export function squadInvitePath(code: string): string {
  return `/squad/join/${code}`;
}

export function contestsRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  squadAdminRoutes(app, s, auth);
  contestAdminRoutes(app, s, auth);
  squadMemberRoutes(app, s, auth);
}

/** HQ: member tags, captain candidates and squads. */
function squadAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');

  // --- HQ: member tags and captain candidates ---
  r.get('/api/admin/member-tags', { preHandler: readers, schema: { tags, summary: 'Member tags with their member counts', response: { 200: R.memberTags } } }, async () => ({ items: await s.squads.listTags(s.db) }));

  r.get('/api/admin/member-tags/members', {
    preHandler: readers,
    schema: { tags, summary: 'Tagged members (phones masked), optionally with one tag', querystring: page.extend({ tag: tag.optional() }), response: { 200: R.taggedMembers } },
  }, async (req) => s.squads.taggedMembers(s.db, req.query));

  r.put('/api/admin/member-tags/:id', {
    preHandler: operators,
    schema: { tags, summary: "Replace a member's tags (audited)", params: idParams, body: z.object({ tags: z.array(tag).max(20) }), response: { 200: R.memberTagsSet } },
  }, async (req) => s.squads.setTags(member(req).id, req.params.id, req.body.tags));

  r.get('/api/admin/squads/captain-candidates', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'Captain candidates: members with a tag and sales in a window, best first',
      querystring: z.object({
        tag: tag.optional(),
        from: z.coerce.date(),
        to: z.coerce.date(),
        minSalesFen: z.coerce.number().int().min(0).max(1e12).default(0),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: { 200: R.captainCandidates },
    },
  }, async (req) => ({ items: await s.squads.captainCandidates(s.db, req.query) }));

  // --- HQ: squads ---
  r.get('/api/admin/squads', { preHandler: readers, schema: { tags, summary: 'Squads', querystring: page, response: { 200: R.squads } } }, async (req) => s.squads.list(s.db, req.query));

  r.post('/api/admin/squads', {
    preHandler: operators,
    schema: { tags, summary: 'Create a squad with its captain (who must not be in another squad)', body: z.object({ name: z.string().trim().min(1).max(40), captainId: z.number().int().positive() }), response: { 201: R.squad } },
  }, async (req, reply) => reply.status(201).send(await s.squads.create(member(req).id, req.body)));

  r.get('/api/admin/squads/:id', { preHandler: readers, schema: { tags, summary: 'A squad and its members', params: idParams, response: { 200: R.squad } } }, async (req) => {
    const squad = await s.squads.detail(s.db, req.params.id);
    if (!squad) throw notFound('SQUAD_NOT_FOUND', 'no such squad');
    return squad;
  });

  r.patch('/api/admin/squads/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Rename a squad or appoint another captain (not while a contest runs)', params: idParams, body: z.object({ name: z.string().trim().min(1).max(40).optional(), captainId: z.number().int().positive().optional() }), response: { 200: R.squad } },
  }, async (req) => s.squads.update(member(req).id, req.params.id, req.body));

  r.delete('/api/admin/squads/:id', { preHandler: operators, schema: { tags, summary: 'Delete a squad that never took part in a contest', params: idParams, response: { 204: noContent } } }, async (req, reply) => {
    await s.squads.remove(member(req).id, req.params.id);
    return reply.status(204).send();
  });

  r.delete('/api/admin/squads/:id/members/:memberId', {
    preHandler: operators,
    schema: { tags, summary: 'Remove a member from a squad (not while a contest runs)', params: z.object({ id: z.coerce.number().int().positive(), memberId: z.coerce.number().int().positive() }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.squads.removeMember(member(req).id, req.params.id, req.params.memberId, true);
    return reply.status(204).send();
  });
}

/** HQ: contests. */
function contestAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');

  // --- HQ: contests ---
  r.get('/api/admin/contests', { preHandler: readers, schema: { tags, summary: 'Contests, newest first', querystring: page, response: { 200: R.contests } } }, async (req) => s.contests.list(s.db, req.query));

  r.post('/api/admin/contests', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Create a contest: squads, metric, a hard window [startAt, deadline), prizes by squad rank',
      description: 'An invites contest with a cash prize pays for recruiting alone: 422 COMPLIANCE_RECRUITING_CASH (details.field = prizes) unless the body carries complianceOverride (a reason of at least 10 characters, stored with who and when, audited as contests.compliance_override). Points and honour prizes need none.',
      body: contestBody,
      response: { 201: R.contest },
    },
  }, async (req, reply) => reply.status(201).send(await s.contests.create(member(req).id, req.body)));

  r.get('/api/admin/contests/:id', { preHandler: readers, schema: { tags, summary: 'A contest', params: idParams, response: { 200: R.contest } } }, async (req) => {
    const contest = await s.contests.detail(s.db, req.params.id);
    if (!contest) throw notFound('CONTEST_NOT_FOUND', 'no such contest');
    return contest;
  });

  r.put('/api/admin/contests/:id', { preHandler: operators, schema: { tags, summary: 'Change a contest before it starts', params: idParams, body: contestBody, response: { 200: R.contest } } }, async (req) =>
    s.contests.update(member(req).id, req.params.id, req.body),
  );

  r.delete('/api/admin/contests/:id', { preHandler: operators, schema: { tags, summary: 'Delete a contest before it starts', params: idParams, response: { 204: noContent } } }, async (req, reply) => {
    await s.contests.remove(member(req).id, req.params.id);
    return reply.status(204).send();
  });

  r.post('/api/admin/contests/:id/release-prizes', {
    preHandler: auth.requireRoles('owner', 'finance'),
    schema: {
      tags,
      summary: 'Record the compliance override for a finished invites contest whose cash prizes were withheld, and pay them (once, audited)',
      description: 'An invites contest that reached its deadline with cash prizes and no override kept them in its results unpaid. 409 CONTEST_PRIZES_NOT_WITHHELD when nothing is withheld, 409 CONTEST_PRIZES_RELEASED when they were paid already.',
      params: idParams,
      body: z.object({ complianceOverride: complianceOverrideInput }),
      response: { 200: R.prizesReleased },
    },
  }, async (req) => s.contests.releaseWithheldPrizes(member(req).id, req.params.id, req.body.complianceOverride));

  r.get('/api/admin/contests/:id/standings', { preHandler: readers, schema: { tags, summary: 'Live standings (or the frozen results): squads ranked, member contributions', params: idParams, response: { 200: R.standings } } }, async (req) =>
    s.contests.standings(s.db, req.params.id),
  );

  r.get('/api/admin/contests/:id/results', { preHandler: readers, schema: { tags, summary: 'The results frozen at the deadline, with the prizes paid', params: idParams, response: { 200: R.standings } } }, async (req) => {
    const standings = await s.contests.standings(s.db, req.params.id);
    if (standings.contest.state !== 'finished') throw notFound('RESULTS_NOT_READY', 'the contest has not been finalised yet');
    return standings;
  });
}

/** Captains and members. */
function squadMemberRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // --- captains and members ---
  r.get('/api/me/squad', { preHandler: auth.authenticate, schema: { tags, summary: 'My squad, its contests, and (for the captain) the invite link', response: { 200: R.mySquad } } }, async (req) => {
    const me = member(req);
    const squadId = await s.squads.squadIdOf(s.db, me.id);
    if (squadId === undefined) return { squad: null, isCaptain: false, contests: [] };
    const squad = (await s.squads.detail(s.db, squadId))!;
    const isCaptain = squad.captainId === me.id;
    const { inviteCode: code, ...rest } = squad;
    const contests = (await s.contests.list(s.db, { squadId, limit: 20, offset: 0 })).items;
    return { squad: rest, isCaptain, invite: isCaptain ? { code, path: squadInvitePath(code) } : null, contests };
  });

  r.get('/api/me/squad/contests/:id', { preHandler: auth.authenticate, schema: { tags, summary: "A contest of my squad: every squad's total, my squad's members, my contribution", params: idParams, response: { 200: R.memberStandings } } }, async (req) =>
    s.contests.standingsForMember(s.db, member(req).id, req.params.id),
  );

  r.get('/api/me/squad/results', { preHandler: auth.authenticate, schema: { tags, summary: 'My finished contests: rank and prize', response: { 200: R.myResults } } }, async (req) => ({
    items: await s.contests.resultsOfMember(s.db, member(req).id),
  }));

  r.get('/api/squads/invites/:code', {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { tags, summary: 'The squad behind an invite code, for the join page', params: z.object({ code: inviteCode }), response: { 200: R.squadPreview } },
  }, async (req) => s.squads.preview(s.db, req.params.code));

  r.post('/api/me/squad/join', {
    preHandler: auth.authenticate,
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Join a squad with its invite code (one squad at a time; not while its contest runs)', body: z.object({ code: inviteCode }), response: { 200: R.memberSquad } },
  }, async (req) => s.squads.join(member(req).id, req.body.code).then(({ inviteCode: _code, ...squad }) => squad));

  r.post('/api/me/squad/leave', { preHandler: auth.authenticate, schema: { tags, summary: 'Leave my squad (not the captain; not while a contest runs)', response: { 204: noContent } } }, async (req, reply) => {
    await s.squads.leave(member(req).id);
    return reply.status(204).send();
  });

  r.delete('/api/me/squad/members/:id', { preHandler: auth.authenticate, schema: { tags, summary: 'The captain removes a member (not while a contest runs)', params: idParams, response: { 204: noContent } } }, async (req, reply) => {
    const me = member(req);
    const squadId = await s.squads.squadIdOf(s.db, me.id);
    if (squadId === undefined) throw notFound('NOT_IN_SQUAD', 'you are not in a squad');
    await s.squads.removeMember(me.id, squadId, req.params.id, false);
    return reply.status(204).send();
  });
}

