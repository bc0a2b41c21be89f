// The HQ console's catalogue: products, their specs (规格) and SKU matrix, a SKU's price and stock.
// Operators and the owner write (audited by the catalog); every HQ role reads.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_SPEC_ATTRIBUTES, MAX_SPEC_SKUS } from '../../modules/catalog/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { listOf, productOut } from '../responses.js';
import { idParams, page, positiveFen } from '../schemas.js';
import { adminGuards } from './admin-guards.js';

export function adminCatalogRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  const tags = ['admin'];

  const stock = z.number().int().min(0).max(10_000_000);
  const listPriceFen = positiveFen.nullable().optional().describe('划线价: above priceFen (422 LIST_PRICE_NOT_ABOVE_PRICE), null for none');
  const maxPerMember = z.number().int().min(1).max(999).nullable().describe('限购: the most one member may hold in open and paid orders; null: no limit');
  const skuInput = z.object({ name: z.string().trim().min(1).max(50), priceFen: positiveFen, stock, listPriceFen });
  const specsInput = z.object({
    attributes: z.array(z.object({ name: z.string().trim().min(1).max(20), values: z.array(z.string().trim().min(1).max(20)).max(30) })).max(MAX_SPEC_ATTRIBUTES),
    skus: z
      .array(z.object({ specValues: z.array(z.string().trim().min(1).max(20)).max(MAX_SPEC_ATTRIBUTES), priceFen: positiveFen, listPriceFen, stock, imageMediaId: z.number().int().positive().nullable().optional(), name: z.string().trim().min(1).max(50).optional() }))
      .min(1)
      .max(MAX_SPEC_SKUS),
  });
  r.get('/api/admin/products', { preHandler: anyHq, schema: { tags, summary: 'All products', querystring: page.extend({ q: z.string().max(50).optional() }), response: { 200: listOf(productOut) } } }, async (req) => ({
    items: await s.catalog.list(s.db, req.query),
  }));
  r.post('/api/admin/products', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Create a product with SKUs',
      body: z.object({
        title: z.string().trim().min(1).max(100),
        description: z.string().max(5000).optional(),
        imageUrl: z.string().max(500).nullable().optional(),
        category: z.string().max(50).optional(),
        status: z.enum(['on_sale', 'off_sale']).optional(),
        selectable: z.boolean().optional(),
        maxPerMember: maxPerMember.optional(),
        skus: z.array(skuInput).min(1).max(50),
        specs: specsInput.optional().describe('规格 and their SKU matrix; when given, skus is ignored'),
      }),
      response: { 201: productOut },
    },
  }, async (req, reply) => reply.status(201).send(await s.catalog.create(req.body, member(req).id)));
  r.patch('/api/admin/products/:id', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Edit a product',
      params: idParams,
      body: z.object({
        title: z.string().trim().min(1).max(100).optional(),
        description: z.string().max(5000).optional(),
        imageUrl: z.string().max(500).nullable().optional(),
        category: z.string().max(50).optional(),
        status: z.enum(['on_sale', 'off_sale']).optional(),
        selectable: z.boolean().optional().describe('false: distributors may not pick it, and it leaves the mini-shops that did'),
        maxPerMember: maxPerMember.optional(),
      }),
      response: { 200: productOut },
    },
  }, async (req) => s.catalog.update(req.params.id, req.body, member(req).id));
  r.put('/api/admin/products/:id/specs', {
    preHandler: operators,
    schema: {
      tags,
      summary: '规格: replace the spec attributes and the SKU matrix (every combination once; a combination that stays keeps its SKU id, dropped ones stop selling)',
      params: idParams,
      body: specsInput,
      response: { 200: productOut },
    },
  }, async (req) => s.catalog.setSpecs(req.params.id, req.body, member(req).id));
  r.patch('/api/admin/skus/:id', { preHandler: operators, schema: { tags, summary: 'Edit a SKU: price, list price, stock, name (answers its product)', params: idParams, body: skuInput.partial(), response: { 200: productOut } } }, async (req) =>
    s.catalog.updateSku(req.params.id, req.body, member(req).id),
  );

}
