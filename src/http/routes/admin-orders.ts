// The HQ console's API: orders, refunds and payment returns (the catalogue: admin-catalog.ts). Every route checks roles; money, binding, tier and role changes are audited
// by the services they call.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, phoneViewFor, type Auth } from '../auth.js';
import { fen, idempotencyKey, idParams, page, positiveFen, reason } from '../schemas.js';
import { earningOut, listOf, orderListItemOut, orderOut, paymentOut } from '../responses.js';
import { orderSearchFilter, orderSearchShape, placedDay, withThumbnails } from '../order-list.js';
import { adminGuards } from './admin-guards.js';
import { paymentReturnOut, refundOut, refundListItemOut } from './admin.responses.js';

/** The console's order search: URL names the console keeps in its address too. */
const orderListQuery = page.extend({
  ...orderSearchShape,
  from: placedDay.describe('placed on or after this day, Asia/Shanghai'),
  to: placedDay.describe('placed on or before this day (included), Asia/Shanghai; 400 RANGE_INVALID before from'),
});

export function adminOrderRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators, finance, support, fulfilment, owner } = adminGuards(auth);
  const tags = ['admin'];

  // --- orders and refunds ---
  r.get('/api/admin/orders', {
    preHandler: anyHq,
    schema: { tags, summary: 'Orders, newest first, narrowed by any of the filters (all that are given hold)', querystring: orderListQuery, response: { 200: listOf(orderListItemOut) } },
  }, async (req) => {
    const { from, to, limit, offset, ...search } = req.query;
    const phoneOf = phoneViewFor(req);
    const items = await withThumbnails(s, await s.orders.list(s.db, { ...orderSearchFilter(req, search, { from, to }), limit, offset }));
    return { items: items.map((o) => ({ ...o, buyerPhone: phoneOf(o.buyerPhone) })) };
  });
  r.get('/api/admin/orders/:id', { preHandler: anyHq, schema: { tags, summary: 'An order with its payments and earnings', params: idParams, response: { 200: orderOut.extend({ payments: z.array(paymentOut), earnings: z.array(earningOut) }) } } }, async (req) => {
    // fulfilment needs the whole address; other roles see the consignee masked
    const order = await s.orders.get(s.db, req.params.id, undefined, ['owner', 'operator', 'support'].includes(member(req).hqRole!));
    const [payments, earnings] = await Promise.all([s.payments.paymentsOfOrder(s.db, order.id), s.commission.earnings(s.db, { orderId: order.id, limit: 100, offset: 0 })]);
    return { ...order, payments, earnings };
  });
  r.post('/api/admin/orders/:id/refunds', {
    preHandler: support,
    schema: {
      tags,
      summary: 'Refund lines (in part or whole) and shipping; commission reverses in proportion',
      params: idParams,
      body: z.object({ lines: z.array(z.object({ lineId: z.number().int().positive(), amountFen: positiveFen })).max(50), shippingFen: fen.optional(), reason, idempotencyKey }),
      response: { 200: refundOut, 201: refundOut },
    },
  }, async (req, reply) => {
    const { refund, duplicate } = await s.orders.createRefund(member(req).id, req.params.id, req.body);
    await s.payments.requestRefund(refund.id);
    const after = await s.orders.refundByNo(s.db, refund.refund_no);
    return reply.status(duplicate ? 200 : 201).send({ id: after!.id, refundNo: after!.refund_no, status: after!.status, amountFen: after!.amount_fen, duplicate });
  });
  r.post('/api/admin/payments/:outTradeNo/return', {
    preHandler: finance,
    schema: {
      tags,
      summary: 'Send back a payment that arrived for an order that could not take it (paid after it closed, or paid twice), through the provider that took it; audited',
      params: z.object({ outTradeNo: z.string().min(8).max(64) }),
      body: z.object({ reason, idempotencyKey }),
      response: { 200: paymentReturnOut, 201: paymentReturnOut },
    },
  }, async (req, reply) => {
    const result = await s.payments.returnPayment(member(req).id, { outTradeNo: req.params.outTradeNo, ...req.body });
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });
  r.get('/api/admin/refunds', {
    preHandler: anyHq,
    schema: { tags, summary: 'Refunds', querystring: page.extend({ status: z.enum(['processing', 'succeeded', 'failed']).optional() }), response: { 200: listOf(refundListItemOut) } },
  }, async (req) => {
    const items = await s.orders.listRefunds(s.db, req.query);
    const calls = await s.payments.refundCalls(s.db, items.map((r) => r.refundNo));
    return { items: items.map((r) => ({ ...r, providerCall: calls.get(r.refundNo) ?? null })) };
  });
}
