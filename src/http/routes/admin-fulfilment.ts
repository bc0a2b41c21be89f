// The console's fulfilment: ship an order in parcels (or without a carrier), add parcels, mark it
// received; and the carriers a parcel can name (suppliers' consoles use the list too).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CARRIERS } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { listOf, orderOut } from '../responses.js';
import { idParams, parcelInput } from '../schemas.js';
import { adminGuards } from './admin-guards.js';

export function adminFulfilmentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { fulfilment } = adminGuards(auth);
  const tags = ['admin'];
  r.get('/api/carriers', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'The express companies a parcel can name (快递100 company codes)', response: { 200: listOf(z.object({ code: z.string(), zh: z.string(), en: z.string() })) } },
  }, async () => ({ items: CARRIERS.map(({ code, zh, en }) => ({ code, zh, en })) }));
  r.post('/api/admin/orders/:id/ship', {
    preHandler: fulfilment,
    schema: {
      tags,
      summary: 'Shipped, with the parcels that leave now (none: goods that need no carrier); the automatic receipt counts from now',
      params: idParams,
      // no body: shipped without a parcel (goods that need no carrier), as before parcels existed
      body: z.object({ parcels: z.array(parcelInput).max(20).default([]) }).nullish(),
      response: { 200: orderOut },
    },
  }, async (req) => s.orders.ship(req.params.id, { parcels: req.body?.parcels ?? [], actorId: member(req).id }));
  r.post('/api/admin/orders/:id/parcels', {
    preHandler: fulfilment,
    schema: {
      tags,
      summary: 'More parcels: part of a paid order leaves (it stays paid until shipped), or a late parcel of a shipped one (its receipt counts from it)',
      params: idParams,
      body: z.object({ parcels: z.array(parcelInput).min(1).max(20) }),
      response: { 200: orderOut },
    },
  }, async (req) => s.orders.addParcels(req.params.id, req.body.parcels, member(req).id));
  r.post('/api/admin/orders/:id/complete', { preHandler: fulfilment, schema: { tags, summary: 'Mark received: the return window starts', params: idParams, response: { 200: orderOut } } }, async (req) =>
    s.orders.complete(req.params.id),
  );
}
