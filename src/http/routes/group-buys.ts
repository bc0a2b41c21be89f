// 拼团: the shop's offers and groups (no sign-in needed to look; checkout opens or joins a group with
// its `campaign`), my groups, and the console's offers (operators manage, every HQ role reads) and
// each offer's groups with their members.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OfferView } from '../../modules/group-buys/index.js';
import type { Services } from '../../services.js';
import { member, phoneViewFor, type Auth } from '../auth.js';
import { idParams, page, positiveFen } from '../schemas.js';
import { adminGuards } from './admin-guards.js';
import { adminGroups, adminOffer, adminOffers, groupDetail, myGroups, shopOfferDetail, shopOffers } from './group-buys.responses.js';

const offerInput = z.object({
  title: z.string().trim().min(1).max(60),
  skus: z.array(z.object({ skuId: z.number().int().positive(), groupPriceFen: positiveFen })).min(1).max(50),
  groupSize: z.number().int().min(2).max(50).describe('N: the group succeeds when N members paid'),
  timeLimitHours: z.number().int().min(1).max(168).describe("each group's time from its opening (the opener's payment)"),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  simulatedFill: z.boolean().default(false).describe('模拟成团: a group short at its deadline succeeds anyway (audited as the system)'),
});

type OfferBody = z.infer<typeof offerInput>;
const toInput = (b: OfferBody) => ({ ...b, startsAt: new Date(b.startsAt), endsAt: new Date(b.endsAt) });
/** The shop's view of an offer: whether the system fills groups is HQ's to know. */
const forShop = ({ simulatedFill: _fill, ...offer }: OfferView) => offer;

export function groupBuyRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  const tags = ['group-buys'];
  const viewerOf = (req: FastifyRequest) => req.member?.id ?? null;

  r.get('/api/group-buys', {
    schema: { tags, summary: 'Running 拼团 offers, ending soonest first (one product’s with productId)', querystring: z.object({ productId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(50).default(20) }), response: { 200: shopOffers } },
  }, async (req) => ({ items: (await s.groupBuys.offers.running(s.db, req.query)).map(forShop) }));

  r.get('/api/group-buys/:id', {
    schema: { tags, summary: 'A 拼团 offer with the groups one may join now', params: idParams, response: { 200: shopOfferDetail } },
  }, async (req) => {
    const offer = await s.groupBuys.offers.get(s.db, req.params.id);
    return { ...forShop(offer), openGroups: await s.groupBuys.groups.openGroups(s.db, offer.id) };
  });

  r.get('/api/group-buy-groups/:id', {
    preHandler: auth.optionalAuth,
    schema: { tags, summary: "One group: its members (nicknames masked), places left, deadline, the opener's invite code for the share link; the viewer's own place when signed in", params: idParams, response: { 200: groupDetail } },
  }, async (req) => {
    const group = await s.groupBuys.groups.detail(s.db, req.params.id, viewerOf(req));
    return { ...group, offer: forShop(await s.groupBuys.offers.get(s.db, group.offerId)) };
  });

  r.get('/api/me/group-buys', {
    preHandler: auth.authenticate,
    schema: { tags, summary: '我的拼团: the groups I opened or joined, newest first', querystring: page, response: { 200: myGroups } },
  }, async (req) => ({ items: await s.groupBuys.groups.mine(s.db, member(req).id, req.query) }));

  // --- the console ---
  r.get('/api/admin/group-buys', {
    preHandler: anyHq,
    schema: { tags, summary: '拼团 offers, newest first, with their groups counted', querystring: page, response: { 200: adminOffers } },
  }, async (req) => ({ items: await s.groupBuys.offers.list(s.db, req.query) }));

  r.post('/api/admin/group-buys', {
    preHandler: operators,
    schema: { tags, summary: 'Create a 拼团 offer on a product (audited); group prices below the SKUs’ own, no overlap with another offer on the product', body: offerInput.extend({ productId: z.number().int().positive() }), response: { 201: adminOffer } },
  }, async (req, reply) => {
    const { productId, ...body } = req.body;
    return reply.status(201).send(await s.groupBuys.offers.create(member(req).id, productId, toInput(body)));
  });

  r.put('/api/admin/group-buys/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Edit a 拼团 offer (audited); groups already open keep their size and time limit', params: idParams, body: offerInput, response: { 200: adminOffer } },
  }, async (req) => s.groupBuys.offers.update(member(req).id, req.params.id, toInput(req.body)));

  r.get('/api/admin/group-buys/:id/groups', {
    preHandler: anyHq,
    schema: { tags, summary: "An offer's groups, newest first, each with its members (phones masked unless the role sees them)", params: idParams, querystring: page.extend({ status: z.enum(['pending', 'open', 'succeeded', 'failed', 'refunded', 'cancelled']).optional() }), response: { 200: adminGroups } },
  }, async (req) => {
    await s.groupBuys.offers.get(s.db, req.params.id);
    const view = phoneViewFor(req);
    const groups = await s.groupBuys.groups.forOffer(s.db, req.params.id, req.query);
    return { items: groups.map((g) => ({ ...g, members: g.members.map((m) => ({ ...m, phone: view(m.phone) })) })) };
  });
}
