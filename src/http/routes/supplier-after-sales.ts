// A supplier's after-sales in its own console: the requests wholly on its lines, its review (a
// return goes to the address it names) and confirming its returns arrived. Each decision that
// opens a refund sends it through the payment rail at once, as HQ's do.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REFUND_REQUEST_STATUSES } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { listOf, refundRequestOut } from '../responses.js';
import { idParams, page, reason, returnAddressInput } from '../schemas.js';
import { decisionOut } from './after-sales.js';

export function supplierAfterSalesRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['suppliers'];
  const supplierOf = (req: FastifyRequest) => s.suppliers.requireOfMember(s.db, member(req).id);

  r.get('/api/supplier/refund-requests', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'After-sales requests on my lines only', querystring: page.extend({ status: z.enum(REFUND_REQUEST_STATUSES).optional() }), response: { 200: listOf(refundRequestOut) } },
  }, async (req) => ({ items: await s.suppliers.afterSales.list(s.db, (await supplierOf(req)).id, req.query) }));
  r.post('/api/supplier/refund-requests/:id/review', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: 'Approve or reject a request on my lines; approving a return names where it goes',
      params: idParams,
      body: z.object({ approve: z.boolean(), reason: reason.optional(), returnAddress: returnAddressInput.optional() }),
      response: { 200: decisionOut },
    },
  }, async (req) => {
    const result = await s.suppliers.afterSales.review(await supplierOf(req), member(req).id, req.params.id, req.body.approve, req.body.reason ?? null, req.body.returnAddress);
    if (result.refundId !== null) await s.payments.requestRefund(result.refundId);
    return result;
  });
  r.post('/api/supplier/refund-requests/:id/receive', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My return arrived (the refund goes through now) or what came back is refused', params: idParams, body: z.object({ accept: z.boolean(), reason: reason.optional() }), response: { 200: decisionOut } },
  }, async (req) => {
    const result = await s.suppliers.afterSales.receive(await supplierOf(req), member(req).id, req.params.id, req.body.accept, req.body.reason ?? null);
    if (result.refundId !== null) await s.payments.requestRefund(result.refundId);
    return result;
  });
}
