// HTTP routes of the promotions feature: coupon templates and member levels (HQ), the coupon centre,
// claims, my coupons and coupon links (members and distributors), my member level.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, type Auth } from '../auth.js';
import { checkoutItems, idParams, page, positiveFen } from '../schemas.js';
import { noContent } from './common.responses.js';
import * as R from './promotions.responses.js';

const inviteCode = z.string().min(4).max(16);

const couponTemplateBody = z.object({
  name: z.string().trim().min(1).max(60),
  kind: z.enum(['fixed', 'percent', 'threshold']).describe('fixed: offFen off; percent: rateBp off (maxOffFen caps it); threshold: offFen off from minSpendFen (满减)'),
  offFen: positiveFen.nullable().optional(),
  rateBp: z.number().int().min(1).max(9_999).nullable().optional().describe('the part taken off: 1000 = 10 % off (9折)'),
  maxOffFen: positiveFen.nullable().optional(),
  minSpendFen: z.number().int().min(0).max(1e12).optional().describe('eligible goods (after 满减 and member price) must reach this'),
  validFrom: z.coerce.date().nullable().optional(),
  validUntil: z.coerce.date().nullable().optional(),
  validDays: z.number().int().min(1).max(3650).nullable().optional().describe('valid this many days after the claim, instead of a window'),
  totalQuantity: z.number().int().min(1).max(10_000_000),
  perMemberLimit: z.number().int().min(1).max(100),
  productIds: z.array(z.number().int().positive()).max(200).nullable().optional().describe('empty or null: every product'),
  guideRateBp: z.number().int().min(0).max(3_000).optional().describe('guide commission (导购返佣) to the sharer on what the coupon’s lines paid'),
});

const levelBody = z.object({
  name: z.string().trim().min(1).max(30),
  growthThreshold: z.number().int().min(0).max(1e12),
  memberPriceBp: z.number().int().min(1_000).max(10_000).describe('the member price as bp of the list price: 9500 = 9.5折'),
});

export function promotionsRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const operators = auth.requireRoles('owner', 'operator');
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const tags = ['promotions'];

  // --- HQ: coupon templates ---
  r.get('/api/admin/coupon-templates', {
    preHandler: anyHq,
    schema: { tags, summary: 'Coupon templates with issued and used counts', querystring: page.extend({ status: z.enum(['active', 'stopped']).optional() }), response: { 200: R.couponTemplates } },
  }, async (req) => ({ items: await s.coupons.listTemplates(s.db, req.query) }));

  r.post('/api/admin/coupon-templates', {
    preHandler: operators,
    schema: { tags, summary: 'Create a coupon template (fixed, percent or threshold; a window or N days after claim)', body: couponTemplateBody, response: { 201: R.couponTemplate } },
  }, async (req, reply) => reply.status(201).send(await s.coupons.createTemplate(member(req).id, req.body)));

  r.post('/api/admin/coupon-templates/:id/status', {
    preHandler: operators,
    schema: { tags, summary: 'Stop (no more claims; claimed coupons stay usable) or resume a template', params: idParams, body: z.object({ status: z.enum(['active', 'stopped']) }), response: { 200: R.couponTemplate } },
  }, async (req) => s.coupons.setTemplateStatus(member(req).id, req.params.id, req.body.status));

  // --- HQ: member levels ---
  r.get('/api/admin/member-levels', { preHandler: anyHq, schema: { tags, summary: 'Member levels with the members at each', response: { 200: R.memberLevels } } }, async () => ({
    items: await s.memberLevels.listWithCounts(s.db),
  }));

  r.post('/api/admin/member-levels', { preHandler: operators, schema: { tags, summary: 'Add a member level', body: levelBody, response: { 201: R.memberLevel } } }, async (req, reply) =>
    reply.status(201).send(await s.memberLevels.create(member(req).id, req.body)),
  );

  r.put('/api/admin/member-levels/:id', { preHandler: operators, schema: { tags, summary: 'Edit a member level', params: idParams, body: levelBody, response: { 200: R.memberLevel } } }, async (req) =>
    s.memberLevels.update(member(req).id, req.params.id, req.body),
  );

  r.delete('/api/admin/member-levels/:id', { preHandler: operators, schema: { tags, summary: 'Remove a member level', params: idParams, response: { 204: noContent } } }, async (req, reply) => {
    await s.memberLevels.remove(member(req).id, req.params.id);
    return reply.status(204).send();
  });

  // --- members: the coupon centre and my coupons ---
  r.get('/api/coupon-templates', { preHandler: auth.optionalAuth, schema: { tags, summary: 'The coupon centre: coupons that can be claimed now', response: { 200: R.claimableTemplates } } }, async (req) => ({
    items: await s.coupons.centre(s.db, req.member?.id ?? null),
  }));

  r.get('/api/coupon-templates/:id', { preHandler: auth.optionalAuth, schema: { tags, summary: 'One coupon template (what a coupon link shows)', params: idParams, response: { 200: R.publicTemplate } } }, async (req) => {
    const template = await s.coupons.template(s.db, req.params.id);
    return { ...template, soldOut: template.issuedCount >= template.totalQuantity };
  });

  r.post('/api/coupon-templates/:id/claim', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Claim a coupon, through a distributor’s coupon link when sharerInviteCode is given', params: idParams, body: z.object({ sharerInviteCode: inviteCode.optional() }), response: { 201: R.coupon } },
  }, async (req, reply) => reply.status(201).send(await s.coupons.claim(member(req).id, req.params.id, req.body.sharerInviteCode)));

  r.get('/api/me/coupons', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My coupons: usable, used or expired', querystring: page.extend({ status: z.enum(['usable', 'used', 'expired']).default('usable') }), response: { 200: R.myCoupons } },
  }, async (req) => ({ items: await s.coupons.myCoupons(s.db, member(req).id, req.query) }));

  r.post('/api/me/coupons/applicable', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: 'My usable coupons against a cart: whether each applies and what it would take off',
      body: z.object({ items: checkoutItems, pickupStoreId: z.number().int().positive().optional(), dealerShopId: z.number().int().positive().optional() }),
      response: { 200: R.applicableCoupons },
    },
  }, async (req) => {
    const quote = await s.orders.quoteFor(member(req).id, { ...req.body, couponId: undefined });
    return { quote, items: await s.coupons.applicableTo(s.db, member(req).id, quote) };
  });

  // --- distributors: coupon links ---
  r.get('/api/me/coupon-templates/:id/share-link', {
    preHandler: auth.requireDistributor,
    schema: { tags, summary: 'My link for a coupon: friends who claim through it and buy pay me guide commission', params: idParams, response: { 200: R.shareLink } },
  }, async (req) => {
    const template = await s.coupons.template(s.db, req.params.id);
    const me = member(req);
    return { templateId: template.id, name: template.name, guideRateBp: template.guideRateBp, inviteCode: me.inviteCode, path: `/coupons/claim/${template.id}?sharer=${encodeURIComponent(me.inviteCode)}` };
  });

  r.get('/api/me/coupon-shares', { preHandler: auth.requireDistributor, schema: { tags, summary: 'What my coupon links brought: claims, uses and guide commission', response: { 200: R.myCouponShares } } }, async (req) =>
    s.coupons.sharerSummary(s.db, member(req).id),
  );

  // --- members: my level ---
  r.get('/api/me/member-level', { preHandler: auth.authenticate, schema: { tags, summary: 'My growth points, level, next level and every level', response: { 200: R.myMemberLevel } } }, async (req) =>
    s.memberLevels.standing(s.db, member(req).id),
  );

  r.get('/api/me/growth-events', { preHandler: auth.authenticate, schema: { tags, summary: 'My growth points history', querystring: page, response: { 200: R.growthEvents } } }, async (req) => ({
    items: await s.memberLevels.history(s.db, member(req).id, req.query),
  }));
}
