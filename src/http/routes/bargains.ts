// HTTP routes of the bargains feature (砍价): HQ's offers and their bargains (operators write, every HQ
// role reads); the shop's running offers, a bargain's progress (no sign-in), mine, start and help.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enforceLimits } from '../../modules/identity/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { adminGuards } from './admin-guards.js';
import { idParams, page, positiveFen } from '../schemas.js';
import * as R from './bargains.responses.js';

const offerTerms = z.object({
  startPriceFen: positiveFen.optional().describe("default: the SKU's price (never above it)"),
  floorPriceFen: positiveFen.describe('the price after every cut'),
  helpersNeeded: z.number().int().min(1).max(100),
  timeLimitHours: z.number().int().min(1).max(240),
  helperRule: z.enum(['new_members', 'anyone']),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
  stockCap: z.number().int().min(1).max(1_000_000),
});

/** Helps a member may send a minute, counted across instances (a help is a write anyone can repeat). */
const HELPS_PER_MEMBER_PER_MINUTE = 20;

export function bargainsRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  hqRoutes(app, s, auth);
  shopRoutes(app, s, auth);
}

function hqRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  const tags = ['bargains'];
  r.get('/api/admin/bargain-offers', {
    preHandler: anyHq,
    schema: { tags, summary: 'Bargain offers, newest first, with bargains started and bought', querystring: page, response: { 200: R.adminBargainOffers } },
  }, async (req) => ({ items: await s.bargainOffers.list(s.db, req.query) }));
  r.post('/api/admin/bargain-offers', {
    preHandler: operators,
    schema: { tags, summary: 'Create a bargain offer on a SKU (422 BARGAIN_OFFER_INVALID for terms that cannot work)', body: offerTerms.extend({ skuId: z.number().int().positive() }), response: { 201: R.bargainOffer } },
  }, async (req, reply) => reply.status(201).send(await s.bargainOffers.create(member(req).id, req.body)));
  r.put('/api/admin/bargain-offers/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Edit or stop an offer: bargains started from now on take the new terms', params: idParams, body: offerTerms.extend({ status: z.enum(['active', 'stopped']) }), response: { 200: R.bargainOffer } },
  }, async (req) => s.bargainOffers.update(member(req).id, req.params.id, req.body));
  r.get('/api/admin/bargain-offers/:id/bargains', {
    preHandler: anyHq,
    schema: { tags, summary: "An offer's bargains with their progress and status", params: idParams, querystring: page.extend({ status: z.enum(['open', 'complete', 'bought', 'expired']).optional() }), response: { 200: R.offerBargains } },
  }, async (req) => ({ items: await s.bargains.ofOffer(s.db, req.params.id, req.query) }));
}

function shopRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['bargains'];
  const helpLimit = async (req: FastifyRequest) =>
    enforceLimits(s.limits, [{ key: `bargain-help:member:${member(req).id}`, windowMs: 60_000, max: HELPS_PER_MEMBER_PER_MINUTE, code: 'BARGAIN_HELP_RATE_LIMITED', message: 'too many cuts in a minute: try again shortly' }], new Date());
  r.get('/api/bargain-offers', {
    schema: { tags, summary: 'Running bargain offers (of one product), the soonest to end first', querystring: z.object({ productId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(50).default(20) }), response: { 200: R.bargainOffers } },
  }, async (req) => ({ items: await s.bargainOffers.listRunning(s.db, req.query) }));
  r.get('/api/bargain-offers/:id', { schema: { tags, summary: 'One bargain offer', params: idParams, response: { 200: R.bargainOffer } } }, async (req) => s.bargainOffers.get(s.db, req.params.id));
  r.get('/api/bargains/:id', {
    preHandler: auth.optionalAuth,
    schema: { tags, summary: "A bargain's progress: cut so far, the helpers' cuts (nicknames masked), time left", params: idParams, response: { 200: R.bargainProgress } },
  }, async (req) => s.bargains.progress(s.db, req.params.id, req.member?.id ?? null));
  r.get('/api/me/bargains', {
    preHandler: auth.authenticate,
    schema: { tags, summary: '我的砍价: my bargains, newest first', querystring: page, response: { 200: R.myBargains } },
  }, async (req) => ({ items: await s.bargains.mine(s.db, member(req).id, req.query) }));
  r.post('/api/bargains', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Start my bargain on a running offer (409 BARGAIN_ALREADY_STARTED names the live one)', body: z.object({ offerId: z.number().int().positive() }), response: { 201: R.bargainProgress } },
  }, async (req, reply) => reply.status(201).send(await s.bargains.start(member(req).id, req.body.offerId)));
  r.post('/api/bargains/:id/help', {
    preHandler: [auth.authenticate, helpLimit],
    schema: { tags, summary: "Cut a friend's bargain (once each; helping earns nothing)", params: idParams, response: { 200: R.helpResult } },
  }, async (req) => s.bargains.help(member(req).id, req.params.id));
}
