// Suppliers: HQ manages supplier accounts and reviews their product proposals; a supplier (a member
// linked to a supplier account) manages its own products, ships its own orders and sees its own
// settlements. Every /api/supplier route is scoped to the caller's supplier: a foreign id is a 404,
// a member who is not a supplier gets 403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maskPhone } from '../../privacy.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, ROLES_SEEING_PERSONAL_DATA, type Auth } from '../auth.js';
import { withLineThumbnails } from '../order-list.js';
import { idParams, page, positiveFen, reason, trackingNo } from '../schemas.js';
import { supplierAfterSalesRoutes } from './supplier-after-sales.js';
import * as R from './suppliers.responses.js';

const tags = ['suppliers'];
const feeBp = z.number().int().min(0).max(10_000);
const supplierStatus = z.enum(['active', 'suspended']);
const proposalStatus = z.enum(['pending', 'approved', 'rejected']);
const earningState = z.enum(['pending', 'frozen', 'available', 'reversed']);
const proposedSku = z.object({
  name: z.string().trim().min(1).max(50),
  retailPriceFen: positiveFen,
  supplyPriceFen: z.number().int().min(0).max(1e12),
  stock: z.number().int().min(0).max(10_000_000),
});

export function suppliersRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  supplierAdminRoutes(app, s, auth);
  supplierSelfRoutes(app, s, auth);
  supplierAfterSalesRoutes(app, s, auth);
}

/** HQ: suppliers and proposals. */
function supplierAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');

  // --- HQ ---
  r.get('/api/admin/suppliers', {
    preHandler: anyHq,
    schema: { tags, summary: 'Suppliers, with their products and settlements by state', querystring: page.extend({ status: supplierStatus.optional() }), response: { 200: R.suppliers } },
  }, async (req) => {
    const whole = ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!);
    const items = await s.suppliers.list(s.db, req.query);
    return { items: items.map((i) => ({ ...i, memberPhone: whole ? i.memberPhone : maskPhone(i.memberPhone), contactPhone: whole || !i.contactPhone ? i.contactPhone : maskPhone(i.contactPhone) })) };
  });

  r.post('/api/admin/suppliers', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Create a supplier account for a member (who signs in with their own phone)',
      body: z.object({
        memberId: z.number().int().positive(),
        companyName: z.string().trim().min(1).max(100),
        contactName: z.string().trim().max(30).optional(),
        contactPhone: z.string().trim().max(20).optional(),
        platformFeeBp: feeBp,
        status: supplierStatus.optional(),
      }),
      response: { 201: R.supplier },
    },
  }, async (req, reply) => reply.status(201).send(await s.suppliers.create(member(req).id, req.body)));

  r.patch('/api/admin/suppliers/:id', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Edit a supplier: name, contact, platform fee (for orders paid from now on), status',
      params: idParams,
      body: z.object({
        companyName: z.string().trim().min(1).max(100).optional(),
        contactName: z.string().trim().max(30).optional(),
        contactPhone: z.string().trim().max(20).optional(),
        platformFeeBp: feeBp.optional(),
        status: supplierStatus.optional(),
      }),
      response: { 200: R.supplier },
    },
  }, async (req) => s.suppliers.update(member(req).id, req.params.id, req.body));

  r.get('/api/admin/supplier-proposals', {
    preHandler: anyHq,
    schema: { tags, summary: 'Product proposals of suppliers', querystring: page.extend({ status: proposalStatus.optional(), supplierId: z.coerce.number().int().positive().optional() }), response: { 200: R.proposals } },
  }, async (req) => ({ items: await s.suppliers.proposals(s.db, req.query) }));

  r.post('/api/admin/supplier-proposals/:id/approve', {
    preHandler: operators,
    schema: { tags, summary: 'Approve a proposal: the product goes on sale, settled to its supplier at the supply prices', params: idParams, response: { 200: R.approvedProduct } },
  }, async (req) => s.suppliers.approve(member(req).id, req.params.id));

  r.post('/api/admin/supplier-proposals/:id/reject', {
    preHandler: operators,
    schema: { tags, summary: 'Reject a proposal with a reason the supplier sees', params: idParams, body: z.object({ reason }), response: { 200: R.proposalRejected } },
  }, async (req) => s.suppliers.reject(member(req).id, req.params.id, req.body.reason));
}

/** The supplier's own console. */
function supplierSelfRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** the caller's supplier; 403 for a member who is not one */
  const supplierOf = (req: FastifyRequest) => s.suppliers.requireOfMember(s.db, member(req).id);

  // --- the supplier's own console ---
  r.get('/api/supplier/me', { preHandler: auth.authenticate, schema: { tags, summary: 'My supplier account and my settlements by state', response: { 200: R.mySupplier } } }, async (req) => {
    const supplier = await supplierOf(req);
    return { ...supplier, settlements: await s.suppliers.settlementSummary(s.db, supplier) };
  });

  r.get('/api/supplier/products', { preHandler: auth.authenticate, schema: { tags, summary: 'My products with SKUs, stock and supply prices', querystring: page, response: { 200: R.myProducts } } }, async (req) => {
    const supplier = await supplierOf(req);
    return { items: await s.suppliers.products(s.db, supplier.id, req.query) };
  });

  r.patch('/api/supplier/skus/:id', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Set the stock of one of my SKUs', params: idParams, body: z.object({ stock: z.number().int().min(0).max(10_000_000) }), response: { 200: R.myProduct } },
  }, async (req) => s.suppliers.setStock(await supplierOf(req), req.params.id, req.body.stock));

  r.get('/api/supplier/proposals', { preHandler: auth.authenticate, schema: { tags, summary: 'My product proposals and their review', querystring: page.extend({ status: proposalStatus.optional() }), response: { 200: R.proposals } } }, async (req) => {
    const supplier = await supplierOf(req);
    return { items: await s.suppliers.proposals(s.db, { ...req.query, supplierId: supplier.id }) };
  });

  r.post('/api/supplier/proposals', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: 'Propose a product (HQ reviews it)',
      body: z.object({
        title: z.string().trim().min(1).max(100),
        category: z.string().trim().max(50).optional(),
        description: z.string().max(5000).optional(),
        imageUrl: z.string().max(500).nullable().optional(),
        skus: z.array(proposedSku).min(1).max(50),
      }),
      response: { 201: R.proposalCreated },
    },
  }, async (req, reply) => reply.status(201).send(await s.suppliers.propose(await supplierOf(req), req.body)));

  r.get('/api/supplier/orders', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Paid orders with my products: my lines (title, SKU, quantity, thumbnail) and who and where to ship (name masked, city and district)', querystring: page.extend({ status: z.enum(['paid', 'shipped', 'completed', 'refunded']).optional() }), response: { 200: R.supplierOrders } },
  }, async (req) => {
    const supplier = await supplierOf(req);
    return { items: await withLineThumbnails(s, await s.suppliers.orders(s.db, supplier.id, req.query)) };
  });

  r.get('/api/supplier/orders/:id', { preHandler: auth.authenticate, schema: { tags, summary: 'One of my orders with the consignee, to ship it', params: idParams, response: { 200: R.supplierOrder } } }, async (req) => {
    const supplier = await supplierOf(req);
    return (await withLineThumbnails(s, [await s.suppliers.order(s.db, supplier.id, req.params.id)]))[0]!;
  });

  r.post('/api/supplier/orders/:id/shipments', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: 'Record my parcel; an order wholly of suppliers’ goods is shipped once each of them has',
      params: idParams,
      body: z.object({ carrier: z.string().trim().min(1).max(30), trackingNo }),
      response: { 200: R.supplierOrder },
    },
  }, async (req) => (await withLineThumbnails(s, [await s.suppliers.ship(await supplierOf(req), member(req).id, req.params.id, req.body)]))[0]!);

  r.get('/api/supplier/settlements', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My settlements per order: supply, fee, amount, reversals, state', querystring: page.extend({ state: earningState.optional() }), response: { 200: R.settlements } },
  }, async (req) => {
    const supplier = await supplierOf(req);
    return { items: await s.suppliers.settlements(s.db, supplier.id, req.query) };
  });
}

