// HTTP routes of the dealers feature (订货商): HQ manages tiers, dealers and restock payments; a
// dealer sees only its own shop, stock, restocks, sales and its lower dealers' restocks; buyers see
// an active dealer shop's stocked products.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, ROLES_SEEING_PERSONAL_DATA, type Auth } from '../auth.js';
import { forbidden } from '../../errors.js';
import { idempotencyKey, idParams, page } from '../schemas.js';
import * as R from './dealers.responses.js';

const tags = ['dealers'];
const bp = z.number().int().min(0).max(10_000);
const restockStatus = z.enum(['awaiting_payment', 'paid', 'cancelled']);
const tierBody = z.object({
  name: z.string().trim().min(1).max(40),
  discountBp: bp.describe('dealer price = retail − this share of retail, unless the tier sets a SKU price'),
  rewardMode: z.enum(['price_difference', 'rebate']).describe("how a dealer of this tier earns on its lower dealers' restocks"),
  rebateBp: bp.optional(),
});
const restockItems = z
  .array(z.object({ skuId: z.number().int().positive(), quantity: z.number().int().min(1).max(100_000) }))
  .min(1)
  .max(50);

export function dealersRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  dealerAdminRoutes(app, s, auth);
  dealerSelfRoutes(app, s, auth);
}

/** HQ: dealer tiers, dealers and restocks. */
function dealerAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');
  const finance = auth.requireRoles('owner', 'finance');

  // --- HQ: tiers ---------------------------------------------------------------------
  r.get('/api/admin/dealer-tiers', { preHandler: anyHq, schema: { tags, summary: 'Dealer tiers', response: { 200: R.dealerTiers } } }, async () => ({ items: await s.dealers.listTiers(s.db) }));

  r.post('/api/admin/dealer-tiers', { preHandler: operators, schema: { tags, summary: 'Create a dealer tier', body: tierBody, response: { 201: R.dealerTier } } }, async (req, reply) =>
    reply.status(201).send(await s.dealers.createTier(member(req).id, req.body)),
  );

  r.patch('/api/admin/dealer-tiers/:id', { preHandler: operators, schema: { tags, summary: 'Change a dealer tier (future restocks use it)', params: idParams, body: tierBody.partial(), response: { 200: R.dealerTier } } }, async (req) =>
    s.dealers.updateTier(member(req).id, req.params.id, req.body),
  );

  r.get('/api/admin/dealer-tiers/:id/prices', { preHandler: anyHq, schema: { tags, summary: "A tier's per-SKU dealer prices", params: idParams, response: { 200: R.tierPrices } } }, async (req) => ({
    items: await s.dealers.tierPrices(s.db, req.params.id),
  }));

  r.put('/api/admin/dealer-tiers/:id/prices/:skuId', {
    preHandler: operators,
    schema: {
      tags,
      summary: "Set (or with null remove) a tier's dealer price of one SKU; never above retail",
      params: z.object({ id: z.coerce.number().int().positive(), skuId: z.coerce.number().int().positive() }),
      body: z.object({ priceFen: z.number().int().min(0).max(1e12).nullable() }),
      response: { 200: R.tierPriceSet },
    },
  }, async (req) => s.dealers.setTierPrice(member(req).id, req.params.id, req.params.skuId, req.body.priceFen));

  // --- HQ: dealers -------------------------------------------------------------------
  r.get('/api/admin/dealers', { preHandler: anyHq, schema: { tags, summary: 'Dealer shops', querystring: page.extend({ status: z.enum(['active', 'suspended']).optional() }), response: { 200: R.dealers } } }, async (req) => ({
    items: await s.dealers.list(s.db, { ...req.query, showPhone: ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!) }),
  }));

  r.post('/api/admin/dealers', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Authorise a member as a dealer shop, with a tier and optionally an upper dealer',
      body: z.object({ memberId: z.number().int().positive(), shopName: z.string().trim().min(1).max(40), tierId: z.number().int().positive(), upperDealerId: z.number().int().positive().nullable().optional() }),
      response: { 201: R.dealerCreated },
    },
  }, async (req, reply) => reply.status(201).send(await s.dealers.authorise(member(req).id, req.body)));

  r.patch('/api/admin/dealers/:id', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Change a dealer shop: name, tier, upper dealer (no cycles), status',
      params: idParams,
      body: z.object({ shopName: z.string().trim().min(1).max(40).optional(), tierId: z.number().int().positive().optional(), upperDealerId: z.number().int().positive().nullable().optional(), status: z.enum(['active', 'suspended']).optional() }),
      response: { 200: R.dealerChanged },
    },
  }, async (req) => s.dealers.update(member(req).id, req.params.id, req.body));

  r.get('/api/admin/dealers/:id/stock', { preHandler: anyHq, schema: { tags, summary: "A dealer's virtual stock", params: idParams, response: { 200: R.dealerStock } } }, async (req) => {
    await s.dealers.get(s.db, req.params.id);
    return { items: await s.dealers.stock(s.db, req.params.id) };
  });

  // --- HQ: restocks ------------------------------------------------------------------
  r.get('/api/admin/dealer-restocks', {
    preHandler: anyHq,
    schema: { tags, summary: 'Restocks of every dealer', querystring: page.extend({ status: restockStatus.optional(), dealerId: z.coerce.number().int().positive().optional() }), response: { 200: R.restocks } },
  }, async (req) => ({ items: await s.dealers.restocks(s.db, req.query) }));

  r.post('/api/admin/dealer-restocks/:id/confirm-payment', {
    preHandler: finance,
    schema: {
      tags,
      summary: "Confirm the dealer's transfer: credits its stock and settles its upper dealer, once",
      params: idParams,
      body: z.object({ paymentRef: z.string().trim().min(4).max(64).describe('the bank transfer reference') }),
      response: { 200: R.restockPaid },
    },
  }, async (req) => s.dealers.confirmPayment(member(req).id, req.params.id, req.body.paymentRef));

  r.post('/api/admin/dealer-restocks/:id/cancel', { preHandler: operators, schema: { tags, summary: 'Cancel a restock awaiting payment (held upper stock goes back)', params: idParams, response: { 200: R.restock } } }, async (req) =>
    s.dealers.cancelRestock({ memberId: member(req).id }, req.params.id),
  );
}

/** The dealer's own shop, and its page for buyers. */
function dealerSelfRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The caller's own dealer shop: every dealer route is scoped by it, never by an id from the client. */
  const ownDealer = async (req: FastifyRequest) => s.dealers.requireOwn(s.db, member(req).id);
  const activeDealer = async (req: FastifyRequest) => {
    const dealer = await ownDealer(req);
    if (dealer.status !== 'active') throw forbidden('DEALER_SUSPENDED', 'this dealer shop is suspended');
    return dealer;
  };

  // --- the dealer's own ----------------------------------------------------------------
  r.get('/api/dealer/me', { preHandler: auth.authenticate, schema: { tags, summary: 'My dealer shop, tier, upper dealer and earnings', response: { 200: R.myDealer } } }, async (req) => {
    const dealer = await ownDealer(req);
    return { ...(await s.dealers.get(s.db, dealer.id)), earnings: await s.dealers.earningsSummary(s.db, dealer.id) };
  });

  r.get('/api/dealer/stock', { preHandler: auth.authenticate, schema: { tags, summary: 'My virtual stock at retail and at my dealer price', response: { 200: R.dealerStock } } }, async (req) => ({
    items: await s.dealers.stock(s.db, (await ownDealer(req)).id),
  }));

  r.get('/api/dealer/stock-moves', { preHandler: auth.authenticate, schema: { tags, summary: 'Every change of my stock', querystring: page, response: { 200: R.stockMoves } } }, async (req) => ({
    items: await s.dealers.stockMoves(s.db, (await ownDealer(req)).id, req.query.limit, req.query.offset),
  }));

  r.get('/api/dealer/restock-catalog', { preHandler: auth.authenticate, schema: { tags, summary: 'What I can restock, at my dealer price, and what my source holds', response: { 200: R.restockCatalog } } }, async (req) => ({
    items: await s.dealers.restockCatalog(s.db, (await ownDealer(req)).id),
  }));

  r.post('/api/dealer/restocks', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Restock a batch (idempotent by clientKey); awaits payment confirmation by HQ', body: z.object({ items: restockItems, clientKey: idempotencyKey }), response: { 201: R.restock } },
  }, async (req, reply) => {
    await activeDealer(req);
    return reply.status(201).send(await s.dealers.createRestock(member(req).id, req.body));
  });

  r.get('/api/dealer/restocks', { preHandler: auth.authenticate, schema: { tags, summary: 'My restocks', querystring: page.extend({ status: restockStatus.optional() }), response: { 200: R.restocks } } }, async (req) => ({
    items: await s.dealers.restocks(s.db, { ...req.query, dealerId: (await ownDealer(req)).id }),
  }));

  r.post('/api/dealer/restocks/:id/cancel', { preHandler: auth.authenticate, schema: { tags, summary: 'Cancel my restock awaiting payment', params: idParams, response: { 200: R.restock } } }, async (req) => {
    const dealer = await ownDealer(req);
    return s.dealers.cancelRestock({ memberId: member(req).id, asDealerId: dealer.id }, req.params.id);
  });

  r.get('/api/dealer/lower-restocks', { preHandler: auth.authenticate, schema: { tags, summary: "My lower dealers' restocks taken from my stock", querystring: page.extend({ status: restockStatus.optional() }), response: { 200: R.restocks } } }, async (req) => ({
    items: await s.dealers.restocks(s.db, { ...req.query, sourceDealerId: (await ownDealer(req)).id }),
  }));

  r.get('/api/dealer/sales', { preHandler: auth.authenticate, schema: { tags, summary: 'Orders sold in my shop and what I earned on each', querystring: page, response: { 200: R.shopSales } } }, async (req) => ({
    items: await s.dealers.sales(s.db, (await ownDealer(req)).id, req.query.limit, req.query.offset),
  }));

  // --- buyers ----------------------------------------------------------------------------
  r.get('/api/dealer-shops/:id', { schema: { tags, summary: 'A dealer shop: the products it holds stock of, at retail', params: idParams, response: { 200: R.dealerShop } } }, async (req) => s.dealers.shopPage(s.db, req.params.id));
}

