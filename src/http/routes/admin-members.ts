// The HQ console's API: members, distributors, applications, tiers, groups, teams and HQ roles. Every route checks roles; money, binding, tier and role changes are audited
// by the services they call.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, phoneViewFor, ROLES_SEEING_PERSONAL_DATA, type Auth } from '../auth.js';
import { idParams, page, reason } from '../schemas.js';
import { intOut, listOf, memberOut, noContent, pageOf, teamMemberOut } from '../responses.js';
import { adminGuards } from './admin-guards.js';
import { memberDetailOut, applicationOut, tierOut, groupOut } from './admin.responses.js';

export function adminMemberRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators, finance, support, owner } = adminGuards(auth);
  const tags = ['admin'];

  // --- members and distributors ---
  r.get('/api/admin/members', {
    preHandler: anyHq,
    schema: {
      tags,
      summary: 'Search members and distributors',
      querystring: page.extend({
        q: z.string().max(50).optional(),
        tierId: z.coerce.number().int().optional(),
        groupId: z.coerce.number().int().optional(),
        distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']).optional(),
        hqOnly: z.coerce.boolean().optional(),
      }),
      response: { 200: pageOf(memberOut) },
    },
  }, async (req) => {
    // roles that see phones masked may find a member by the whole number, never by digits of one
    const wholePhones = ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!);
    const result = await s.members.search(s.db, { ...req.query, phoneMatch: wholePhones ? 'partial' : 'whole' });
    const phoneOf = phoneViewFor(req);
    return { total: result.total, items: result.items.map((m) => ({ ...m, phone: phoneOf(m.phone) })) };
  });

  r.get('/api/admin/members/:id', { preHandler: anyHq, schema: { tags, summary: 'A member: upline chain, team, balances, binding history', params: idParams, response: { 200: memberDetailOut } } }, async (req) => {
    const id = req.params.id;
    const profile = await s.members.require(s.db, id);
    const phoneOf = phoneViewFor(req);
    const [uplines, team, balances, history, referrer] = await Promise.all([
      s.referral.uplines(s.db, id, 50),
      s.referral.teamSummary(s.db, id),
      s.commission.summary(s.db, id),
      s.referral.bindingHistory(s.db, id),
      s.referral.referrerOf(s.db, id),
    ]);
    return { ...profile, phone: phoneOf(profile.phone), referrer: referrer ?? null, uplines: uplines.map((u) => ({ ...u, phone: phoneOf(u.phone) })), team, balances, bindingHistory: history };
  });

  r.get('/api/admin/members/:id/team', {
    preHandler: anyHq,
    schema: { tags, summary: "A member's team", params: idParams, querystring: page.extend({ depth: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: pageOf(teamMemberOut) } },
  }, async (req) => {
    const team = await s.referral.team(s.db, req.params.id, req.query);
    const phoneOf = phoneViewFor(req);
    return { total: team.total, items: team.items.map((m) => ({ ...m, phone: phoneOf(m.phone) })) };
  });

  r.post('/api/admin/members/:id/rebind', {
    preHandler: operators,
    schema: { tags, summary: 'Move a member (with their team) under another referrer, or detach; audited', params: idParams, body: z.object({ referrerId: z.number().int().positive().nullable(), reason }), response: { 200: z.object({ memberId: intOut, referrerId: intOut.nullable() }) } },
  }, async (req) => s.referral.rebindByHq(member(req).id, req.params.id, req.body.referrerId, req.body.reason, (await s.rules.current(s.db)).config.binding));

  r.post('/api/admin/members/:id/tier', {
    preHandler: operators,
    schema: { tags, summary: "Set a distributor's tier; audited", params: idParams, body: z.object({ tierId: z.number().int().positive(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setTier(member(req).id, req.params.id, req.body.tierId, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/group', {
    preHandler: operators,
    schema: { tags, summary: "Set a distributor's group; audited", params: idParams, body: z.object({ groupId: z.number().int().positive().nullable(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setGroup(member(req).id, req.params.id, req.body.groupId, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/distributor-status', {
    preHandler: operators,
    schema: { tags, summary: 'Make, disable or restore a distributor; audited', params: idParams, body: z.object({ status: z.enum(['active', 'disabled', 'none']), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setDistributorStatus(member(req).id, req.params.id, req.body.status, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/role', {
    preHandler: owner,
    schema: { tags, summary: 'Grant or remove an HQ role; audited', params: idParams, body: z.object({ role: z.enum(['owner', 'operator', 'finance', 'support', 'auditor']).nullable(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setHqRole(member(req).id, req.params.id, req.body.role, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/disable', {
    preHandler: owner,
    schema: { tags, summary: "Disable or re-enable a member's account: disabling ends every session at once; audited", params: idParams, body: z.object({ disabled: z.boolean(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setDisabled(member(req).id, req.params.id, req.body.disabled, req.body.reason);
    return reply.status(204).send();
  });

}

/** Distributor applications, tiers, groups and the referral check. */
export function adminDistributorRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  const tags = ['admin'];

  r.get('/api/admin/distributor-applications', {
    preHandler: anyHq,
    schema: { tags, summary: 'Distributor applications', querystring: page.extend({ status: z.enum(['pending', 'approved', 'rejected']).default('pending') }), response: { 200: listOf(applicationOut) } },
  }, async (req) => {
    const phoneOf = phoneViewFor(req);
    const items = await s.members.listApplications(s.db, req.query.status, req.query.limit);
    return { items: items.map((a) => ({ ...a, phone: phoneOf(a.phone) })) };
  });

  r.post('/api/admin/distributor-applications/:id/review', {
    preHandler: operators,
    schema: { tags, summary: 'Approve or reject an application; audited', params: idParams, body: z.object({ approve: z.boolean(), reason: reason.optional() }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.reviewApplication(member(req).id, req.params.id, req.body.approve, req.body.reason ?? null);
    return reply.status(204).send();
  });

  r.get('/api/admin/tiers', { preHandler: anyHq, schema: { tags, summary: 'Distributor tiers', response: { 200: listOf(tierOut) } } }, async () => ({ items: await s.members.tiers(s.db) }));
  r.put('/api/admin/tiers/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Create or rename a tier', params: idParams, body: z.object({ name: z.string().trim().min(1).max(30), rank: z.number().int().min(1).max(100) }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.upsertTier(member(req).id, { id: req.params.id, ...req.body });
    return reply.status(204).send();
  });
  r.get('/api/admin/groups', { preHandler: anyHq, schema: { tags, summary: 'Distributor groups', response: { 200: listOf(groupOut) } } }, async () => ({ items: await s.members.groups(s.db) }));
  r.post('/api/admin/groups', { preHandler: operators, schema: { tags, summary: 'Create a group', body: z.object({ name: z.string().trim().min(1).max(30) }), response: { 201: groupOut } } }, async (req, reply) =>
    reply.status(201).send(await s.members.createGroup(member(req).id, req.body.name)),
  );

  r.get('/api/admin/referral/is-above', {
    preHandler: anyHq,
    schema: { tags, summary: 'Is X above Y in the referral tree?', querystring: z.object({ ancestorId: z.coerce.number().int().positive(), descendantId: z.coerce.number().int().positive() }), response: { 200: z.object({ above: z.boolean() }) } },
  }, async (req) => ({ above: await s.referral.isAbove(s.db, req.query.ancestorId, req.query.descendantId) }));
}
