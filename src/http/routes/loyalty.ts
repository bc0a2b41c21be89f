// HTTP routes of the loyalty feature: points, sign-in, notes, the points mall, badges and honour.
// Member routes act on the caller only; HQ routes under /api/admin/loyalty.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maskPhone } from '../../privacy.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, phoneViewFor, type Auth } from '../auth.js';
import { idempotencyKey, idParams, page, reason } from '../schemas.js';
import * as R from './loyalty.responses.js';

const shippingAddress = z.object({
  name: z.string().trim().min(1).max(30),
  phone: z.string().regex(/^1[3-9]\d{9}$/),
  province: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(30),
  district: z.string().trim().min(1).max(30),
  detail: z.string().trim().min(1).max(120),
  regionCode: z.string().regex(/^\d{6}$/, 'a 6-digit district code (GB/T 2260)'),
});
const photoUrl = z.string().max(500).regex(/^(https?:\/\/|\/)\S+$/, 'an http(s) URL or a site path');
const pointsReason = z.enum(['order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust', 'reward']);
const points = z.number().int().min(0).max(1_000_000);

const settingsBody = z.object({
  pointsPerYuan: z.number().int().min(0).max(1000).optional(),
  signInBasePoints: points.optional(),
  streakBonusEveryDays: z.number().int().min(1).max(366).optional(),
  streakBonusPoints: points.optional(),
  noteRewardLikes: z.number().int().min(1).max(100_000).optional(),
  noteRewardPoints: points.optional(),
  noteRewardCashFen: z.number().int().min(0).max(100_000_000).optional(),
});

const itemEditable = {
  title: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  imageUrl: photoUrl.nullable(),
  pointsPrice: z.number().int().min(1).max(10_000_000),
  stock: z.number().int().min(0).max(10_000_000),
  perMemberLimit: z.number().int().min(1).max(10_000).nullable(),
  status: z.enum(['on', 'off']),
};

export function loyaltyRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  loyaltyMemberRoutes(app, s, auth);
  loyaltyMallRoutes(app, s, auth);
  loyaltyAdminRoutes(app, s, auth);
  loyaltyAdminMallRoutes(app, s, auth);
}

/** Points, sign-in and notes. */
function loyaltyMemberRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const L = s.loyalty;

  // --- points and sign-in (the member's own) ---
  r.get('/api/me/points', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'My points balance, honour level and rank, and today’s sign-in state', response: { 200: R.myPoints } } }, async (req) => {
    const me = member(req).id;
    const [balance, honour, signIn] = await Promise.all([L.points.balanceOf(s.db, me), L.badges.honourOf(s.db, me), L.signIns.status(s.db, me)]);
    return { ...balance, honour, signIn };
  });

  r.get('/api/me/points/transactions', {
    preHandler: auth.authenticate,
    schema: { tags: ['loyalty'], summary: 'My points history, newest first', querystring: page.extend({ reason: pointsReason.optional() }), response: { 200: R.myPointsTransactions } },
  }, async (req) => {
    const { total, items } = await L.points.history(s.db, { ...req.query, memberId: member(req).id });
    return { total, items: items.map(({ nickname: _n, phone: _p, ...t }) => t) };
  });

  r.post('/api/me/sign-ins', {
    preHandler: auth.authenticate,
    schema: { tags: ['loyalty'], summary: 'Sign in for today (Asia/Shanghai); a second sign-in the same day changes nothing', response: { 200: R.signedIn } },
  }, async (req) => L.signIns.signIn(member(req).id));

  r.get('/api/me/sign-ins', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'My recent sign-ins', response: { 200: R.mySignIns } } }, async (req) => ({
    status: await L.signIns.status(s.db, member(req).id),
    items: await L.signIns.recent(s.db, member(req).id, 31),
  }));

  // --- notes ---
  r.get('/api/loyalty/notes', {
    preHandler: auth.optionalAuth,
    schema: { tags: ['loyalty'], summary: 'The notes feed (种草), optionally of one product; author names masked', querystring: page.extend({ productId: z.coerce.number().int().positive().optional() }), response: { 200: R.feedNotes } },
  }, async (req) => ({ items: await L.notes.feed(s.db, { ...req.query, viewerId: req.member?.id ?? null }) }));

  r.get('/api/loyalty/notes/:id', { preHandler: auth.optionalAuth, schema: { tags: ['loyalty'], summary: 'One visible note', params: idParams, response: { 200: R.feedNote } } }, async (req) =>
    L.notes.getForMember(s.db, req.params.id, req.member?.id ?? null),
  );

  r.post('/api/me/notes', {
    preHandler: auth.authenticate,
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags: ['loyalty'],
      summary: 'Post a note: title, text, up to 9 photos, optionally about a product',
      body: z.object({
        title: z.string().trim().min(1).max(100),
        body: z.string().trim().min(1).max(5000),
        photoUrls: z.array(photoUrl).max(9).default([]),
        productId: z.number().int().positive().nullable().optional(),
      }),
      response: { 201: R.note },
    },
  }, async (req, reply) => reply.status(201).send(await L.notes.create(member(req).id, req.body)));

  r.get('/api/me/notes', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'My notes, hidden ones too', querystring: page, response: { 200: R.myNotes } } }, async (req) => ({
    items: await L.notes.mine(s.db, member(req).id, req.query),
  }));

  r.post('/api/loyalty/notes/:id/like', {
    preHandler: auth.authenticate,
    schema: { tags: ['loyalty'], summary: 'Like a note (once; not my own); may pay its author the reward, once per note', params: idParams, response: { 200: R.liked } },
  }, async (req) => L.notes.like(member(req).id, req.params.id));

  r.delete('/api/loyalty/notes/:id/like', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'Take back my like', params: idParams, response: { 200: R.unliked } } }, async (req) =>
    L.notes.unlike(member(req).id, req.params.id),
  );
}

/** The points mall, badges and honour. */
function loyaltyMallRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const L = s.loyalty;

  // --- the points mall ---
  r.get('/api/loyalty/mall/items', { schema: { tags: ['loyalty'], summary: 'Points-mall items on sale', querystring: page, response: { 200: R.mallItems } } }, async (req) => ({
    items: await L.mall.items(s.db, { ...req.query, onlyOn: true }),
  }));

  r.post('/api/me/mall/redemptions', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['loyalty'],
      summary: 'Exchange points for an item: points and stock are taken together; the same clientKey returns the same redemption',
      body: z.object({ itemId: z.number().int().positive(), quantity: z.number().int().min(1).max(99).default(1), clientKey: idempotencyKey, shippingAddress: shippingAddress.nullable().optional() }),
      response: { 200: R.exchanged, 201: R.exchanged },
    },
  }, async (req, reply) => {
    const result = await L.mall.exchange(member(req).id, req.body);
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });

  r.get('/api/me/mall/redemptions', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'My redemptions', querystring: page, response: { 200: R.myRedemptions } } }, async (req) => ({
    items: await L.mall.redemptionsOf(s.db, member(req).id, req.query),
  }));

  // --- badges and honour ---
  r.get('/api/me/badges', { preHandler: auth.authenticate, schema: { tags: ['loyalty'], summary: 'Every badge, with whether and when I earned it', response: { 200: R.myBadges } } }, async (req) => ({
    items: await L.badges.ofMember(s.db, member(req).id),
  }));

  r.get('/api/loyalty/honour/top', {
    schema: { tags: ['loyalty'], summary: 'Honour top list by lifetime points earned (names masked)', querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }), response: { 200: R.honourTop } },
  }, async (req) => ({ items: await L.badges.topList(s.db, req.query.limit) }));
}

/** HQ: settings and the points ledger. */
function loyaltyAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const hqAll = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');
  const L = s.loyalty;

  // --- HQ: settings and the points ledger ---
  r.get('/api/admin/loyalty/settings', { preHandler: hqAll, schema: { tags: ['loyalty'], summary: 'Loyalty settings', response: { 200: R.loyaltySettings } } }, async () => L.settings.current(s.db));

  r.put('/api/admin/loyalty/settings', {
    preHandler: operators,
    schema: { tags: ['loyalty'], summary: 'Change loyalty settings (points per yuan, sign-in points and streak bonus, note reward rule); audited', body: settingsBody, response: { 200: R.loyaltySettings } },
  }, async (req) => L.settings.update(member(req).id, req.body));

  r.get('/api/admin/loyalty/points-transactions', {
    preHandler: hqAll,
    schema: { tags: ['loyalty'], summary: 'Search the points ledger', querystring: page.extend({ memberId: z.coerce.number().int().positive().optional(), reason: pointsReason.optional() }), response: { 200: R.pointsTransactions } },
  }, async (req) => {
    const { total, items } = await L.points.history(s.db, req.query);
    const phone = phoneViewFor(req);
    return { total, items: items.map((t) => ({ ...t, phone: phone(t.phone) })) };
  });

  r.get('/api/admin/loyalty/members/:id/points', { preHandler: hqAll, schema: { tags: ['loyalty'], summary: "A member's points balance and honour", params: idParams, response: { 200: R.memberPoints } } }, async (req) => ({
    ...(await L.points.balanceOf(s.db, req.params.id)),
    honour: await L.badges.honourOf(s.db, req.params.id),
    badges: await L.badges.ofMember(s.db, req.params.id),
  }));

  r.post('/api/admin/loyalty/points-adjustments', {
    preHandler: operators,
    schema: {
      tags: ['loyalty'],
      summary: "Adjust a member's points with a reason (audited); a debit may not overdraw",
      body: z.object({ memberId: z.number().int().positive(), points: z.number().int().min(-1_000_000).max(1_000_000), reason, idempotencyKey }),
      response: { 200: R.pointsAdjusted },
    },
  }, async (req) => L.points.adjust(member(req).id, req.body));
}

/** HQ: the mall, notes moderation and badges. */
function loyaltyAdminMallRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const hqAll = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');
  const L = s.loyalty;

  // --- HQ: the mall ---
  r.get('/api/admin/loyalty/mall/items', { preHandler: hqAll, schema: { tags: ['loyalty'], summary: 'Every points-mall item', querystring: page, response: { 200: R.mallItems } } }, async (req) => ({
    items: await L.mall.items(s.db, { ...req.query, onlyOn: false }),
  }));

  r.post('/api/admin/loyalty/mall/items', {
    preHandler: operators,
    schema: {
      tags: ['loyalty'],
      summary: 'List an item: goods (optionally a SKU, shipped by HQ) or a coupon template',
      body: z.object({
        kind: z.enum(['goods', 'coupon']),
        ...itemEditable,
        description: itemEditable.description.optional(),
        imageUrl: itemEditable.imageUrl.optional(),
        perMemberLimit: itemEditable.perMemberLimit.optional(),
        status: itemEditable.status.optional(),
        skuId: z.number().int().positive().nullable().optional(),
        couponTemplateId: z.number().int().positive().nullable().optional(),
      }),
      response: { 201: R.mallItem },
    },
  }, async (req, reply) => reply.status(201).send(await L.mall.createItem(member(req).id, req.body)));

  r.patch('/api/admin/loyalty/mall/items/:id', {
    preHandler: operators,
    schema: { tags: ['loyalty'], summary: 'Edit an item: price, stock, limit, status, texts', params: idParams, body: z.object(itemEditable).partial(), response: { 200: R.mallItem } },
  }, async (req) => L.mall.updateItem(member(req).id, req.params.id, req.body));

  r.get('/api/admin/loyalty/redemptions', {
    preHandler: hqAll,
    schema: { tags: ['loyalty'], summary: 'Redemptions to fulfil and done', querystring: page.extend({ status: z.enum(['pending', 'fulfilled', 'granted', 'cancelled']).optional(), memberId: z.coerce.number().int().positive().optional() }), response: { 200: R.redemptions } },
  }, async (req) => {
    const { total, items } = await L.mall.redemptionsForHq(s.db, req.query);
    const phone = phoneViewFor(req);
    const fulfils = ['owner', 'operator', 'support'].includes(member(req).hqRole!);
    return { total, items: items.map((x) => ({ ...x, phone: phone(x.phone), shippingAddress: x.shippingAddress && !fulfils ? { ...x.shippingAddress, phone: maskPhone(x.shippingAddress.phone) } : x.shippingAddress })) };
  });

  r.post('/api/admin/loyalty/redemptions/:id/fulfil', {
    preHandler: operators,
    schema: { tags: ['loyalty'], summary: 'Mark a goods redemption shipped', params: idParams, body: z.object({ trackingNo: z.string().trim().min(1).max(50).nullable().optional() }), response: { 200: R.redemptionFulfilled } },
  }, async (req) => L.mall.fulfil(member(req).id, req.params.id, req.body.trackingNo ?? null));

  r.post('/api/admin/loyalty/redemptions/:id/cancel', {
    preHandler: operators,
    schema: { tags: ['loyalty'], summary: 'Cancel a pending goods redemption: points and stock go back', params: idParams, body: z.object({ reason }), response: { 200: R.redemptionCancelled } },
  }, async (req) => L.mall.cancel(member(req).id, req.params.id, req.body.reason));

  // --- HQ: notes moderation and badges ---
  r.get('/api/admin/loyalty/notes', {
    preHandler: hqAll,
    schema: { tags: ['loyalty'], summary: 'Notes for moderation', querystring: page.extend({ status: z.enum(['visible', 'hidden']).optional(), productId: z.coerce.number().int().positive().optional(), memberId: z.coerce.number().int().positive().optional() }), response: { 200: R.adminNotes } },
  }, async (req) => L.notes.listForHq(s.db, req.query));

  r.post('/api/admin/loyalty/notes/:id/hide', {
    preHandler: operators,
    schema: { tags: ['loyalty'], summary: 'Hide a note from the feed (audited)', params: idParams, body: z.object({ reason }), response: { 200: R.noteVisibility } },
  }, async (req) => L.notes.setVisibility(member(req).id, req.params.id, 'hidden', req.body.reason));

  r.post('/api/admin/loyalty/notes/:id/show', { preHandler: operators, schema: { tags: ['loyalty'], summary: 'Show a hidden note again', params: idParams, response: { 200: R.noteVisibility } } }, async (req) =>
    L.notes.setVisibility(member(req).id, req.params.id, 'visible', null),
  );

  r.get('/api/admin/loyalty/badges', { preHandler: hqAll, schema: { tags: ['loyalty'], summary: 'The badge catalogue with holder counts', response: { 200: R.badges } } }, async () => ({ items: await L.badges.catalogue(s.db) }));

  r.get('/api/admin/loyalty/badges/awards', {
    preHandler: hqAll,
    schema: { tags: ['loyalty'], summary: 'Who earned which badge', querystring: page.extend({ badgeCode: z.string().max(40).optional(), memberId: z.coerce.number().int().positive().optional() }), response: { 200: R.badgeAwards } },
  }, async (req) => ({ items: await L.badges.awards(s.db, req.query) }));

  r.get('/api/admin/loyalty/honour/top', {
    preHandler: hqAll,
    schema: { tags: ['loyalty'], summary: 'Honour top list', querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }), response: { 200: R.honourTop } },
  }, async (req) => ({ items: await L.badges.topList(s.db, req.query.limit) }));
}

