// Stores: the nearest ones for buyers, pickup redemption (核销) for staff, management for HQ.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, ROLES_SEEING_PERSONAL_DATA, member, type Auth } from '../auth.js';
import { idParams, page, reason } from '../schemas.js';
import { noContent } from './common.responses.js';
import * as R from './stores.responses.js';

export function storeRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  storeFrontRoutes(app, s, auth);
  storeFigureRoutes(app, s, auth);
}

/** Nearby stores, redemption and HQ set-up. */
function storeFrontRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const operators = auth.requireRoles('owner', 'operator');

  r.get('/api/stores/nearby', {
    schema: {
      tags: ['stores'],
      summary: 'Open stores nearest to a location',
      querystring: z.object({ lat: z.coerce.number().min(-90).max(90), lng: z.coerce.number().min(-180).max(180), limit: z.coerce.number().int().min(1).max(50).default(10) }),
      response: { 200: R.nearbyStores },
    },
  }, async (req) => ({ items: await s.stores.nearest(s.db, req.query.lat, req.query.lng, req.query.limit) }));

  r.get('/api/stores/:id', { schema: { tags: ['stores'], summary: 'A store', params: idParams, response: { 200: R.store } } }, async (req) => s.stores.get(s.db, req.params.id));

  r.get('/api/store/mine', { preHandler: auth.authenticate, schema: { tags: ['stores'], summary: 'The stores I work at', response: { 200: R.myStores } } }, async (req) => ({
    items: await s.stores.storesOfStaff(s.db, member(req).id),
  }));

  r.post('/api/store/redemptions', {
    preHandler: auth.authenticate,
    // codes are 10 digits: cap guesses per address and staff member
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { tags: ['stores'], summary: 'Store staff verify a pickup code, once; the order completes', body: z.object({ code: z.string().regex(/^\d{10}$/) }), response: { 200: R.redemption } },
  }, async (req) => {
    const order = await s.orders.redeemPickup(member(req).id, req.body.code, (ex, storeId, memberId) => s.stores.isStaff(ex, storeId, memberId));
    return { orderId: order.id, orderNo: order.orderNo, status: order.status, lines: order.lines.map((l) => ({ title: l.title, quantity: l.quantity })) };
  });

  r.get('/api/admin/stores', { preHandler: auth.requireRoles('owner', 'operator', 'finance', 'support', 'auditor'), schema: { tags: ['admin'], summary: 'Stores', response: { 200: R.stores } } }, async () => ({
    items: await s.stores.list(s.db),
  }));

  r.post('/api/admin/stores', {
    preHandler: operators,
    schema: {
      tags: ['admin'],
      summary: 'Open a store',
      body: z.object({
        name: z.string().trim().min(1).max(50),
        regionCode: z.string().regex(/^\d{6}$/),
        address: z.string().trim().min(1).max(200),
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        openingHours: z.string().max(50).optional(),
        phone: z.string().max(20).nullable().optional(),
      }),
      response: { 201: R.store },
    },
  }, async (req, reply) => reply.status(201).send(await s.stores.create(member(req).id, req.body)));

  r.post('/api/admin/stores/:id/staff', {
    preHandler: operators,
    schema: { tags: ['admin'], summary: 'Add a member as store staff', params: idParams, body: z.object({ memberId: z.number().int().positive(), role: z.enum(['manager', 'clerk']).default('clerk') }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.stores.addStaff(member(req).id, req.params.id, req.body.memberId, req.body.role);
    return reply.status(204).send();
  });
}

/** Binding, staff summaries and customers. */
function storeFigureRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');

  // region protection: a customer binds to one store (QR scan or first pickup); others cannot claim them
  r.post('/api/stores/:id/bind', {
    preHandler: auth.authenticate,
    schema: { tags: ['stores'], summary: "Scanned a store's QR code: bind me to it unless I am bound to a store already", params: idParams, response: { 200: R.scanBinding } },
  }, async (req) => s.stores.bindByScan(member(req).id, req.params.id));

  r.get('/api/me/store', { preHandler: auth.authenticate, schema: { tags: ['stores'], summary: 'The store I am bound to, if any', response: { 200: R.myStoreBinding } } }, async (req) => ({
    store: (await s.stores.bindingOf(s.db, member(req).id)) ?? null,
  }));

  // the store party's pages: only stores the caller works at (another id is a 404)
  r.get('/api/store/:id/summary', { preHandler: auth.authenticate, schema: { tags: ['stores'], summary: "My store's figures", params: idParams, response: { 200: R.storePerformance } } }, async (req) => {
    await s.stores.requireStaff(s.db, req.params.id, member(req).id);
    return s.stores.performance(s.db, req.params.id);
  });

  r.get('/api/store/:id/orders', {
    preHandler: auth.authenticate,
    schema: { tags: ['stores'], summary: "My store's orders: credited to it or picked up there", params: idParams, querystring: page, response: { 200: R.storeOrders } },
  }, async (req) => {
    await s.stores.requireStaff(s.db, req.params.id, member(req).id);
    return { items: await s.stores.ordersOf(s.db, req.params.id, req.query) };
  });

  r.get('/api/store/:id/customers', {
    preHandler: auth.authenticate,
    schema: { tags: ['stores'], summary: "My store's bound customers (phones masked)", params: idParams, querystring: page, response: { 200: R.storeCustomers } },
  }, async (req) => {
    await s.stores.requireStaff(s.db, req.params.id, member(req).id);
    return { items: await s.stores.customersOf(s.db, req.params.id, req.query) };
  });

  r.get('/api/admin/stores/:id/summary', { preHandler: anyHq, schema: { tags: ['admin'], summary: "A store's figures", params: idParams, response: { 200: R.storePerformance } } }, async (req) => s.stores.performance(s.db, req.params.id));

  r.get('/api/admin/stores/:id/orders', { preHandler: anyHq, schema: { tags: ['admin'], summary: "A store's orders", params: idParams, querystring: page, response: { 200: R.storeOrders } } }, async (req) => {
    await s.stores.get(s.db, req.params.id);
    return { items: await s.stores.ordersOf(s.db, req.params.id, req.query) };
  });

  r.get('/api/admin/stores/:id/customers', { preHandler: anyHq, schema: { tags: ['admin'], summary: "A store's bound customers", params: idParams, querystring: page, response: { 200: R.storeCustomers } } }, async (req) => {
    await s.stores.get(s.db, req.params.id);
    return { items: await s.stores.customersOf(s.db, req.params.id, req.query, ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!)) };
  });

  r.get('/api/admin/store-customers/:id', { preHandler: anyHq, schema: { tags: ['admin'], summary: "A member's store binding and its history", params: idParams, response: { 200: R.storeBindingWithHistory } } }, async (req) => ({
    store: (await s.stores.bindingOf(s.db, req.params.id)) ?? null,
    history: await s.stores.bindingHistory(s.db, req.params.id),
  }));

  r.post('/api/admin/store-customers/:id/rebind', {
    preHandler: operators,
    schema: { tags: ['admin'], summary: 'Move a customer to another store, with a reason (audited)', params: idParams, body: z.object({ storeId: z.number().int().positive(), reason }), response: { 200: R.rebound } },
  }, async (req) => s.stores.rebind(member(req).id, req.params.id, req.body.storeId, req.body.reason));
}

