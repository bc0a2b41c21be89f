// The buyer's and distributor's side: catalog, orders, payments, team, commission, withdrawals.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { enforceLimits } from '../../modules/identity/index.js';
import { maskPhone } from '../../privacy.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import {
  commissionSummaryOut,
  dateTime,
  earningOut,
  fenOut,
  intOut,
  listOf,
  orderListItemOut,
  orderOut,
  orderStatusOut,
  pageOf,
  payoutOut,
  productOut,
  quoteOut,
  teamMemberOut,
  teamSummaryOut,
} from '../responses.js';
import { withThumbnails } from '../order-list.js';
import { checkoutCampaign, checkoutItems, idempotencyKey, idParams, page, positiveFen, shippingAddressInput } from '../schemas.js';

const shopConfigOut = z.object({
  order: z.object({
    shippingFen: fenOut,
    freeShippingMinFen: fenOut,
    fullReduction: z.array(z.object({ thresholdFen: fenOut, offFen: fenOut })).describe('满减 tiers: the best one the goods reach applies'),
    unpaidCloseMinutes: intOut.describe('an unpaid order closes after this long; 0 = never'),
  }),
  payout: z.object({ minAmountFen: fenOut, feeBp: intOut, dailyCountLimit: intOut, channels: z.array(z.enum(['wechat', 'alipay', 'bank'])) }),
  distributorMode: z.enum(['automatic', 'first_purchase', 'spend_threshold', 'application']),
});

const visitOut = z.object({
  referrer: z.object({ nickname: z.string(), avatarUrl: z.string().nullable() }),
  bound: z.boolean(),
  reason: z.enum(['no_referrer', 'self', 'cycle', 'already_bound', 'not_new_user', 'same_referrer', 'policy']).nullable().describe('why the visit did not bind (null when it did)'),
});

const promotionOrderOut = z.object({
  orderId: intOut,
  orderNo: z.string(),
  orderStatus: orderStatusOut,
  paidFen: fenOut,
  refundedFen: fenOut,
  paidAt: dateTime.nullable(),
  buyerNickname: z.string(),
  level: intOut.describe('the nearest level I earned at'),
  amountFen: fenOut,
  reversedFen: fenOut,
  states: z.string().describe('the states of my earnings on it, comma-separated'),
  held: z.boolean().describe('an earning of mine on it is under review (审核中)'),
});

export function shopRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  catalogueRoutes(app, s, auth);
  orderRoutes(app, s, auth);
  earningRoutes(app, s, auth);
}

/** The catalogue, share links, mini-shops and the team. */
function catalogueRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // --- catalog ---
  r.get('/api/products', {
    schema: { tags: ['catalog'], summary: 'Products on sale; q finds words in titles, descriptions and categories', querystring: page.extend({
      category: z.string().max(50).optional(),
      q: z.string().max(50).optional(),
      selectable: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('true: only what distributors may pick for their mini-shops (选品)'),
      sort: z.enum(['newest', 'sales', 'price_asc', 'price_desc']).optional().describe('综合 (newest, the default), 销量, 价格 up or down'),
    }), response: { 200: listOf(productOut) } },
  }, async (req) => ({ items: await s.catalog.list(s.db, { ...req.query, status: 'on_sale' }) }));

  r.get('/api/products/:id', { schema: { tags: ['catalog'], summary: 'One product with its SKUs', params: idParams, response: { 200: productOut } } }, async (req) => {
    const product = await s.catalog.get(s.db, req.params.id);
    if (product.status !== 'on_sale') throw notFound('PRODUCT_NOT_FOUND', `product ${req.params.id} does not exist`);
    return product;
  });

  r.get('/api/categories', { schema: { tags: ['catalog'], summary: 'Categories of products on sale, with counts', response: { 200: listOf(z.object({ name: z.string(), count: intOut })) } } }, async () => ({
    items: await s.catalog.categories(s.db),
  }));

  r.get('/api/shop/config', { schema: { tags: ['catalog'], summary: 'What buyers and distributors may know of the rules: promotions, shipping, withdrawal terms', response: { 200: shopConfigOut } } }, async () => {
    const { order, payout, distributor } = (await s.rules.current(s.db)).config;
    return { order, payout: { minAmountFen: payout.minAmountFen, feeBp: payout.feeBp, dailyCountLimit: payout.dailyCountLimit, channels: payout.channels }, distributorMode: distributor.mode };
  });

  // --- referral: share links, mini-shops, team ---
  r.get('/api/shops/:inviteCode', {
    schema: { tags: ['referral'], summary: "A distributor's mini-shop, opened from a share link", params: z.object({ inviteCode: z.string().min(4).max(16) }),
      response: { 200: z.object({ nickname: z.string(), avatarUrl: z.string().nullable(), isDistributor: z.boolean(), inviteCode: z.string() }) },
    },
  }, async (req) => {
    const owner = await s.referral.memberByInviteCode(s.db, req.params.inviteCode);
    if (!owner) throw notFound('INVITE_CODE_NOT_FOUND', 'this invite code does not exist');
    return { nickname: owner.nickname, avatarUrl: owner.avatarUrl, isDistributor: owner.isDistributor, inviteCode: req.params.inviteCode.toUpperCase() };
  });

  r.post('/api/referral/visits', {
    preHandler: auth.optionalAuth,
    // visits are anonymous: cap them per address so nobody floods the visit log
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      tags: ['referral'],
      summary: 'Record a share-link or poster visit; binds a signed-in visitor when the binding policy says so',
      body: z.object({ inviteCode: z.string().min(4).max(16), visitorKey: z.string().min(8).max(64) }),
      response: { 200: visitOut },
    },
  }, async (req) => {
    const rules = (await s.rules.current(s.db)).config;
    const result = await s.referral.recordVisit({ ...req.body, memberId: req.member?.id }, rules);
    return { referrer: { nickname: result.referrer.nickname, avatarUrl: result.referrer.avatarUrl }, bound: result.outcome.bound, reason: result.outcome.bound ? null : result.outcome.reason };
  });

  r.get('/api/me/team', {
    preHandler: auth.authenticate,
    schema: { tags: ['referral'], summary: 'My team: direct referrals (depth=1), a given level, or everyone', querystring: page.extend({ depth: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: pageOf(teamMemberOut) } },
  }, async (req) => {
    const team = await s.referral.team(s.db, member(req).id, req.query);
    return { total: team.total, items: team.items.map((m) => ({ ...m, phone: maskPhone(m.phone) })) };
  });

  r.get('/api/me/team/summary', { preHandler: auth.authenticate, schema: { tags: ['referral'], summary: 'Team size, direct referrals and team sales', response: { 200: teamSummaryOut } } }, async (req) =>
    s.referral.teamSummary(s.db, member(req).id),
  );

  r.post('/api/me/distributor-application', {
    preHandler: auth.authenticate,
    schema: { tags: ['referral'], summary: 'Apply to become a distributor (when HQ reviews applications)', body: z.object({ note: z.string().max(500).optional() }), response: { 201: z.object({ applicationId: intOut, status: z.string().describe('pending') }) } },
  }, async (req, reply) => reply.status(201).send(await s.members.applyForDistributor(member(req).id, req.body.note ?? null)));
}

/** Checkout and orders. */
function orderRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // --- orders ---
  r.post('/api/orders/quote', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['orders'],
      summary: 'Price a cart for me: discounts, member price, coupon and shipping, without taking stock',
      body: z.object({
        items: checkoutItems,
        sharerInviteCode: z.string().min(4).max(16).optional(),
        pickupStoreId: z.number().int().positive().optional(),
        couponId: z.number().int().positive().optional(),
        dealerShopId: z.number().int().positive().optional(),
        campaign: checkoutCampaign.optional(),
      }),
      response: { 200: quoteOut },
    },
  }, async (req) => s.orders.quoteFor(member(req).id, req.body));

  // unpaid orders hold stock: one buyer starts at most so many a minute, counted across instances
  const checkoutLimit = async (req: FastifyRequest) =>
    enforceLimits(s.limits, [{ key: `checkout:member:${member(req).id}`, windowMs: 60_000, max: s.config.limits?.checkoutPerMemberPerMinute ?? 30, code: 'CHECKOUT_RATE_LIMITED', message: 'too many orders in a minute: try again shortly' }], new Date());
  r.post('/api/orders', {
    preHandler: [auth.authenticate, checkoutLimit],
    schema: {
      tags: ['orders'],
      summary: 'Check out: takes stock and creates an order awaiting payment; the same checkoutKey returns the same order',
      body: z.object({
        items: checkoutItems,
        source: z.enum(['share_link', 'poster', 'store', 'direct']).optional(),
        sharerInviteCode: z.string().min(4).max(16).optional(),
        checkoutKey: idempotencyKey,
        shippingAddress: shippingAddressInput.optional(),
        pickupStoreId: z.number().int().positive().optional(),
        couponId: z.number().int().positive().optional(),
        dealerShopId: z.number().int().positive().optional(),
        campaign: checkoutCampaign.optional(),
        buyerNote: z.string().trim().max(200).optional().describe('买家留言 for the merchant'),
        invoice: z
          .discriminatedUnion('kind', [
            z.object({ kind: z.literal('personal'), title: z.string().trim().min(1).max(100) }),
            z.object({ kind: z.literal('company'), title: z.string().trim().min(2).max(100), taxNo: z.string().regex(/^[0-9A-Z]{15}$|^[0-9A-Z]{17,20}$/, "a company's unified social credit code (18 characters) or an older taxpayer number") }),
          ])
          .optional()
          .describe('发票: a personal title, or a company title with its taxpayer number'),
      }),
      response: { 201: orderOut },
    },
  }, async (req, reply) => reply.status(201).send(await s.orders.checkout(member(req).id, req.body)));

  r.get('/api/orders', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'My orders', querystring: page.extend({ status: z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']).optional() }), response: { 200: listOf(orderListItemOut) } },
  }, async (req) => ({ items: await withThumbnails(s, await s.orders.list(s.db, { ...req.query, buyerId: member(req).id })) }));

  r.get('/api/orders/:id', { preHandler: auth.authenticate, schema: { tags: ['orders'], summary: 'One of my orders', params: idParams, response: { 200: orderOut } } }, async (req) =>
    s.orders.get(s.db, req.params.id, member(req).id),
  );

  r.post('/api/orders/:id/cancel', { preHandler: auth.authenticate, schema: { tags: ['orders'], summary: 'Cancel an unpaid order', params: idParams, response: { 200: orderOut } } }, async (req) =>
    s.orders.cancel(member(req).id, req.params.id),
  );

  r.post('/api/orders/:id/confirm-receipt', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'Confirm receipt: completes the order and starts the return window', params: idParams, response: { 200: orderOut } },
  }, async (req) => s.orders.complete(req.params.id, member(req).id));
  r.post('/api/orders/:id/extend-receipt', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'Extend receipt (延长收货): the automatic receipt moves back by the rules\' days, once per order', params: idParams, response: { 200: orderOut } },
  }, async (req) => s.orders.extendReceipt(req.params.id, member(req).id));
}

/** Commission and withdrawals. */
function earningRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // --- commission and withdrawals ---
  r.get('/api/me/commission/summary', {
    preHandler: auth.authenticate,
    schema: { tags: ['commission'], summary: 'Pending, frozen, available, withdrawing, debt, total and today', response: { 200: commissionSummaryOut.extend({ withdrawnFen: fenOut }) } },
  }, async (req) => {
    const id = member(req).id;
    return { ...(await s.commission.summary(s.db, id)), withdrawnFen: await s.payouts.withdrawnFen(s.db, id) };
  });

  r.get('/api/me/commission/earnings', {
    preHandler: auth.authenticate,
    schema: { tags: ['commission'], summary: 'My earnings, newest first', querystring: page.extend({ state: z.enum(['pending', 'frozen', 'available', 'reversed']).optional() }), response: { 200: listOf(earningOut) } },
  }, async (req) => ({ items: await s.commission.earnings(s.db, { ...req.query, earnerId: member(req).id }) }));

  r.get('/api/me/promotion-orders', {
    preHandler: auth.authenticate,
    schema: { tags: ['commission'], summary: 'Orders that paid me commission', querystring: page, response: { 200: listOf(promotionOrderOut) } },
  }, async (req) => ({ items: await s.commission.promotionOrders(s.db, member(req).id, req.query.limit, req.query.offset) }));

  r.post('/api/me/payouts', {
    // distributors and channel partners (suppliers, dealers…): the service decides who may withdraw
    preHandler: auth.authenticate,
    schema: {
      tags: ['payouts'],
      summary: 'Withdraw available commission to WeChat balance, Alipay or a bank card',
      body: z.object({
        amountFen: positiveFen,
        channel: z.enum(['wechat', 'alipay', 'bank']),
        destination: z.partialRecord(z.enum(['realName', 'account', 'bankName', 'accountNo', 'openid']), z.string().trim().min(1).max(64)),
        idempotencyKey,
      }),
      response: { 201: payoutOut },
    },
  }, async (req, reply) => reply.status(201).send(await s.payouts.request(member(req).id, req.body as Parameters<typeof s.payouts.request>[1])));

  r.get('/api/me/payouts', { preHandler: auth.authenticate, schema: { tags: ['payouts'], summary: 'My withdrawals', querystring: page, response: { 200: listOf(payoutOut) } } }, async (req) => ({
    items: await s.payouts.list(s.db, { ...req.query, memberId: member(req).id }),
  }));

  r.get('/api/me/payouts/:id', { preHandler: auth.authenticate, schema: { tags: ['payouts'], summary: 'One of my withdrawals', params: idParams, response: { 200: payoutOut } } }, async (req) =>
    s.payouts.get(s.db, req.params.id, member(req).id),
  );
}

