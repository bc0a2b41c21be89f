// A distributor's mini-shop (微店): what it shows, for anyone with its invite code; and its owner's
// picks (选品) — up to 100 products on sale, in the order the shop shows them; and 分享赚, what sharing a
// product would earn the distributor.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { fenOut, intOut, productOut } from '../responses.js';
import { idParams } from '../schemas.js';
import { shareEarnings } from '../../modules/commission/index.js';

const showcaseOut = z.object({ picked: z.boolean().describe('false: no picks; the mini-shop shows the mall'), items: z.array(productOut).describe('the picks on sale, in the shop’s order') });

export function showcaseRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/shops/:inviteCode/products', {
    schema: { tags: ['referral'], summary: "What a distributor's mini-shop shows", params: z.object({ inviteCode: z.string().min(4).max(16) }), response: { 200: showcaseOut } },
  }, async (req) => {
    const owner = await s.referral.memberByInviteCode(s.db, req.params.inviteCode);
    if (!owner) throw notFound('INVITE_CODE_NOT_FOUND', 'this invite code does not exist');
    return s.showcase.products(s.db, owner.id);
  });
  r.get('/api/products/:id/share-earning', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['commission'],
      summary: '分享赚: what I would earn at level 1 on one unit of each SKU bought through my share, under the rules in force (checkout discounts can lower it)',
      params: idParams,
      response: { 200: z.object({ eligible: z.boolean().describe('false: I am not an active distributor, nothing is earned'), maxFen: fenOut, minFen: fenOut, skus: z.array(z.object({ skuId: intOut, amountFen: fenOut })) }) },
    },
  }, async (req) => {
    const [product, viewer, rules] = await Promise.all([s.catalog.get(s.db, req.params.id), s.members.require(s.db, member(req).id), s.rules.current(s.db)]);
    if (!product || product.status !== 'on_sale') throw notFound('PRODUCT_NOT_FOUND', `product ${req.params.id} is not on sale`);
    const eligible = viewer.distributorStatus === 'active';
    const skus = eligible ? shareEarnings(product.skus.map((k) => ({ productId: product.id, skuId: k.id, priceFen: k.priceFen })), viewer.tierId, rules.config.commission) : product.skus.map((k) => ({ skuId: k.id, amountFen: 0 }));
    const amounts = skus.map((k) => k.amountFen);
    return { eligible, maxFen: Math.max(0, ...amounts), minFen: amounts.length ? Math.min(...amounts) : 0, skus };
  });
  r.get('/api/me/showcase', {
    preHandler: auth.authenticate,
    schema: { tags: ['referral'], summary: 'My mini-shop: the picks in order (on sale or not) and what it shows', response: { 200: showcaseOut.extend({ pickIds: z.array(intOut) }) } },
  }, async (req) => {
    const id = member(req).id;
    const [pickIds, shown] = await Promise.all([s.showcase.pickIds(s.db, id), s.showcase.products(s.db, id)]);
    return { ...shown, pickIds };
  });
  r.put('/api/me/showcase', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['referral'],
      summary: 'Pick the products my mini-shop shows, in order (an empty list: the mall)',
      body: z.object({ productIds: z.array(z.number().int().positive()).max(100) }),
      response: { 200: showcaseOut },
    },
  }, async (req) => s.showcase.setPicks(member(req).id, req.body.productIds));
}
