// HTTP routes of the flash-sales feature (秒杀): campaigns for HQ (operators write, every HQ role
// reads; the catalog's stock moves and every change audited by the module) and the shop's running and
// upcoming campaigns (no login). Buying is the ordinary checkout with campaign = { kind: 'flash_sale', id }.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { idParams, page, positiveFen } from '../schemas.js';
import { adminGuards } from './admin-guards.js';
import * as R from './flash-sales.responses.js';

const flashSaleBody = z.object({
  name: z.string().trim().min(1).max(60),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date().describe('after startsAt and in the future (422 FLASH_SALE_TIMES_INVALID)'),
  unpaidMinutes: z.number().int().min(1).max(60).optional().describe('an unpaid order closes after this long and its units sell again; default 5'),
  items: z
    .array(
      z.object({
        skuId: z.number().int().positive(),
        priceFen: positiveFen.describe('the campaign price'),
        stock: z.number().int().min(0).max(1_000_000).describe('campaign stock, moved out of the SKU’s stock (409 OUT_OF_STOCK when it has fewer)'),
        perMemberLimit: z.number().int().min(1).max(999).nullable().optional().describe('限购 per member; null: none'),
        commissionMode: z.enum(['normal', 'none', 'rate']).optional().describe('default normal: the rules’ rates on the campaign price'),
        commissionRatesBp: z.array(z.number().int().min(0).max(10_000)).min(1).max(3).nullable().optional().describe('rate mode: per level, level 1 first (at most 3 levels; the order cap still applies)'),
      }),
    )
    .min(1)
    .max(50),
});

export function flashSalesRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  const tags = ['flash-sales'];

  // --- HQ ---
  r.get('/api/admin/flash-sales', { preHandler: anyHq, schema: { tags, summary: 'Flash sales, newest first, with live sales per item', querystring: page, response: { 200: R.adminFlashSales } } }, async (req) => ({
    items: await s.flashSales.list(s.db, req.query),
  }));
  r.get('/api/admin/flash-sales/:id', { preHandler: anyHq, schema: { tags, summary: 'A flash sale with live sales per item (sold, paid, held by unpaid orders)', params: idParams, response: { 200: R.adminFlashSale } } }, async (req) =>
    s.flashSales.get(s.db, req.params.id),
  );
  r.post('/api/admin/flash-sales', {
    preHandler: operators,
    schema: { tags, summary: 'Create a flash sale: its items’ stock moves out of the SKUs’ (audited)', body: flashSaleBody, response: { 201: R.adminFlashSale } },
  }, async (req, reply) => reply.status(201).send(await s.flashSales.create(member(req).id, req.body)));
  r.put('/api/admin/flash-sales/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Edit a flash sale that has not ended: items raised, lowered (never below sold), added or removed (while unordered)', params: idParams, body: flashSaleBody, response: { 200: R.adminFlashSale } },
  }, async (req) => s.flashSales.update(member(req).id, req.params.id, req.body));
  r.post('/api/admin/flash-sales/:id/end', {
    preHandler: operators,
    schema: { tags, summary: 'End a flash sale now: its unsold stock goes back to the SKUs (409 FLASH_SALE_ENDED when it already has)', params: idParams, response: { 200: R.adminFlashSale } },
  }, async (req) => s.flashSales.end(member(req).id, req.params.id));

  // --- the shop ---
  r.get('/api/flash-sales', {
    schema: { tags, summary: 'Running and upcoming flash sales (one product’s, when given), soonest first, with what is left', querystring: z.object({ productId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(50).default(20) }), response: { 200: R.shopFlashSales } },
  }, async (req) => ({ now: s.clock.now(), items: await s.flashSales.open(s.db, req.query) }));
  r.get('/api/flash-sales/:id', { schema: { tags, summary: 'A running or upcoming flash sale with what is left (404 once it ended)', params: idParams, response: { 200: R.shopFlashSale } } }, async (req) => ({
    ...(await s.flashSales.openOne(s.db, req.params.id)),
    now: s.clock.now(),
  }));
}
