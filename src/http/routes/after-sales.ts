// After-sales (售后): the buyer's requests (a refund only or a return and refund), the return parcel
// and withdrawing; HQ's queue, review and confirming a return arrived. A decision that opens a
// refund sends it through the payment rail at once (payments.requestRefund). Each request shows the
// merchant's deadline that applies now (reviewDueAt, receiveDueAt: the job orders.after-sales-deadlines).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AFTER_SALES_KINDS, AFTER_SALES_REASONS, REFUND_REQUEST_STATUSES } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { afterSalesKindOut, afterSalesReasonOut, dateTime, intOut, listOf, refundRequestOut, refundRequestStatusOut } from '../responses.js';
import { idParams, page, parcelInput, reason, returnAddressInput } from '../schemas.js';
import { adminGuards } from './admin-guards.js';

export const decisionOut = z.object({ requestId: intOut, status: z.enum(['approved', 'rejected', 'awaiting_return']), refundId: intOut.nullable().describe('the refund the decision opened') });

export function afterSalesRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, support } = adminGuards(auth);
  const tags = ['admin'];

  // --- the buyer ---
  r.post('/api/orders/:id/refund-requests', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['orders'],
      summary: 'After-sales: ask for a refund only or a return and refund of some lines of my order; HQ support reviews it',
      params: idParams,
      body: z.object({
        kind: z.enum(AFTER_SALES_KINDS).default('refund_only'),
        reasonCode: z.enum(AFTER_SALES_REASONS).default('other'),
        lines: z.array(z.object({ lineId: z.number().int().positive(), amountFen: z.number().int().min(1).max(1e12) })).max(50),
        shippingFen: z.number().int().min(0).max(1e12).optional(),
        reason: z.string().trim().min(2).max(500).describe('in the buyer’s own words'),
      }),
      response: {
        201: z.object({
          id: intOut,
          orderId: intOut,
          status: refundRequestStatusOut,
          kind: afterSalesKindOut,
          reasonCode: afterSalesReasonOut,
          reason: z.string(),
          createdAt: dateTime,
          reviewDueAt: dateTime.nullable().describe('not reviewed by then, the request is approved by itself'),
        }),
      },
    },
  }, async (req, reply) => reply.status(201).send(await s.orders.requestRefundByBuyer(member(req).id, req.params.id, req.body)));
  r.get('/api/me/refund-requests', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'My after-sales requests', querystring: page.extend({ orderId: z.coerce.number().int().positive().optional() }), response: { 200: listOf(refundRequestOut) } },
  }, async (req) => ({ items: await s.orders.listRefundRequests(s.db, { ...req.query, buyerId: member(req).id }) }));
  r.post('/api/refund-requests/:id/return', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['orders'],
      summary: 'I sent the goods back: the return parcel’s carrier and tracking number (an approved return only)',
      params: idParams,
      body: parcelInput,
      response: { 200: refundRequestOut },
    },
  }, async (req) => s.orders.shipReturn(member(req).id, req.params.id, req.body));
  r.post('/api/refund-requests/:id/cancel', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'Withdraw my after-sales request while it is open', params: idParams, response: { 200: refundRequestOut } },
  }, async (req) => s.orders.cancelRefundRequest(member(req).id, req.params.id));

  // --- HQ ---
  r.get('/api/admin/refund-requests', {
    preHandler: anyHq,
    schema: {
      tags,
      summary: 'The after-sales queue',
      querystring: page.extend({ status: z.enum(REFUND_REQUEST_STATUSES).optional(), kind: z.enum(AFTER_SALES_KINDS).optional(), orderId: z.coerce.number().int().positive().optional() }),
      response: { 200: listOf(refundRequestOut) },
    },
  }, async (req) => ({ items: await s.orders.listRefundRequests(s.db, req.query) }));
  r.post('/api/admin/refund-requests/:id/review', {
    preHandler: support,
    schema: {
      tags,
      summary: 'Approve or reject a request: a refund only opens its refund; a return waits for the goods (sent to returnAddress, or the rules’ return address)',
      params: idParams,
      body: z.object({ approve: z.boolean(), reason: reason.optional(), returnAddress: returnAddressInput.optional() }),
      response: { 200: decisionOut },
    },
  }, async (req) => {
    const result = await s.orders.reviewRefundRequest(member(req).id, req.params.id, req.body.approve, req.body.reason ?? null, req.body.returnAddress);
    if (result.refundId !== null) await s.payments.requestRefund(result.refundId);
    return result;
  });
  r.post('/api/admin/refund-requests/:id/receive', {
    preHandler: support,
    schema: {
      tags,
      summary: 'The return arrived (accept: the refund goes through the payment rail now) or what came back is refused',
      params: idParams,
      body: z.object({ accept: z.boolean(), reason: reason.optional() }),
      response: { 200: decisionOut },
    },
  }, async (req) => {
    const result = await s.orders.receiveReturn(member(req).id, req.params.id, req.body.accept, req.body.reason ?? null);
    if (result.refundId !== null) await s.payments.requestRefund(result.refundId);
    return result;
  });
}
