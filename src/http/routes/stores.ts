// Stores: the nearest ones for buyers, pickup redemption (核销) for staff, management for HQ.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { idParams } from '../schemas.js';

export function storeRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const operators = auth.requireRoles('owner', 'operator');

  r.get('/api/stores/nearby', {
    schema: {
      tags: ['stores'],
      summary: 'Open stores nearest to a location',
      querystring: z.object({ lat: z.coerce.number().min(-90).max(90), lng: z.coerce.number().min(-180).max(180), limit: z.coerce.number().int().min(1).max(50).default(10) }),
    },
  }, async (req) => ({ items: await s.stores.nearest(s.db, req.query.lat, req.query.lng, req.query.limit) }));

  r.get('/api/stores/:id', { schema: { tags: ['stores'], summary: 'A store', params: idParams } }, async (req) => s.stores.get(s.db, req.params.id));

  r.get('/api/store/mine', { preHandler: auth.authenticate, schema: { tags: ['stores'], summary: 'The stores I work at' } }, async (req) => ({
    items: await s.stores.storesOfStaff(s.db, member(req).id),
  }));

  r.post('/api/store/redemptions', {
    preHandler: auth.authenticate,
    // codes are 10 digits: cap guesses per address and staff member
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { tags: ['stores'], summary: 'Store staff verify a pickup code, once; the order completes', body: z.object({ code: z.string().regex(/^\d{10}$/) }) },
  }, async (req) => {
    const order = await s.orders.redeemPickup(member(req).id, req.body.code, (ex, storeId, memberId) => s.stores.isStaff(ex, storeId, memberId));
    return { orderId: order.id, orderNo: order.orderNo, status: order.status, lines: order.lines.map((l) => ({ title: l.title, quantity: l.quantity })) };
  });

  r.get('/api/admin/stores', { preHandler: auth.requireRoles('owner', 'operator', 'finance', 'support', 'auditor'), schema: { tags: ['admin'], summary: 'Stores' } }, async () => ({
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
    },
  }, async (req, reply) => reply.status(201).send(await s.stores.create(member(req).id, req.body)));

  r.post('/api/admin/stores/:id/staff', {
    preHandler: operators,
    schema: { tags: ['admin'], summary: 'Add a member as store staff', params: idParams, body: z.object({ memberId: z.number().int().positive(), role: z.enum(['manager', 'clerk']).default('clerk') }) },
  }, async (req, reply) => {
    await s.stores.addStaff(member(req).id, req.params.id, req.body.memberId, req.body.role);
    return reply.status(204).send();
  });
}
