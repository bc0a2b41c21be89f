// The HQ console's API. Every route checks roles; money, binding, tier and role changes are audited
// by the services they call.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reconcile } from '../../jobs/reconcile.js';
import { COMMISSION_KINDS, periodOf } from '../../modules/growth/index.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, phoneViewFor, ROLES_SEEING_PERSONAL_DATA, type Auth } from '../auth.js';
import { checkoutItems, fen, idempotencyKey, idParams, page, positiveFen, reason } from '../schemas.js';
import { ruleChangeRoutes, ruleConfigSchema } from '../../modules/rules/index.js';
import { notFound } from '../../errors.js';
import { toCsv, toXlsx, type ExportColumn } from '../exports.js';
import {
  balancesOut,
  commissionSummaryOut,
  CSV,
  dateTime,
  distributorStatusOut,
  earningOut,
  fenOut,
  file,
  intOut,
  listOf,
  memberOut,
  noContent,
  orderListItemOut,
  orderOut,
  pageOf,
  paymentOut,
  payoutOut,
  productOut,
  quoteOut,
  refundRequestOut,
  refundStatusOut,
  teamMemberOut,
  teamSummaryOut,
  XLSX,
} from '../responses.js';

const paymentReturnOut = z.object({
  id: z.number().int(),
  refundNo: z.string(),
  outTradeNo: z.string(),
  provider: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['processing', 'succeeded', 'failed']),
  duplicate: z.boolean(),
});

const memberDetailOut = memberOut.extend({
  referrer: z.object({ referrerId: intOut, source: z.string(), boundAt: dateTime, expiresAt: dateTime.nullable() }).nullable(),
  uplines: z.array(z.object({ id: intOut, nickname: z.string(), phone: z.string().nullable(), distributorStatus: distributorStatusOut, tierId: intOut, distance: intOut.describe('1 = the direct referrer') })),
  team: teamSummaryOut,
  balances: commissionSummaryOut,
  bindingHistory: z.array(z.object({
    id: intOut,
    oldReferrerId: intOut.nullable(),
    newReferrerId: intOut.nullable(),
    source: z.string(),
    reason: z.string().nullable(),
    actorId: intOut.nullable(),
    createdAt: dateTime,
  })),
});

const applicationOut = z.object({
  id: intOut,
  memberId: intOut,
  nickname: z.string(),
  phone: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  note: z.string().nullable(),
  reviewReason: z.string().nullable(),
  createdAt: dateTime,
  reviewedAt: dateTime.nullable(),
});

const tierOut = z.object({ id: intOut, name: z.string(), rank: intOut });
const groupOut = z.object({ id: intOut, name: z.string() });

const refundOut = z.object({ id: intOut, refundNo: z.string(), status: refundStatusOut, amountFen: fenOut, duplicate: z.boolean().describe('the same idempotency key: the refund it made before') });
const refundListItemOut = z.object({
  id: intOut,
  refundNo: z.string(),
  orderId: intOut,
  orderNo: z.string(),
  status: refundStatusOut,
  amountFen: fenOut,
  reason: z.string(),
  createdAt: dateTime,
  completedAt: dateTime.nullable(),
  providerCall: z
    .object({ tries: intOut, lastError: z.string().nullable().describe("the provider's code for the last refusal (e.g. SYSTEM_ERROR, NOT_ENOUGH); null once it accepted"), nextTryAt: dateTime })
    .nullable()
    .describe('the refund as sent to its provider; null before it was sent (or for the dev provider before this was recorded)'),
});

const ruleVersionOut = z.object({ id: intOut, config: ruleConfigSchema, note: z.string().nullable(), createdBy: intOut.nullable(), createdAt: dateTime });

const dryRunOut = z.object({
  ruleVersionId: intOut,
  quote: quoteOut,
  earnings: z.array(z.object({
    earnerId: intOut,
    level: intOut,
    baseFen: fenOut,
    rateBp: intOut.nullable(),
    amountFen: fenOut,
    lineIndex: intOut.describe("index into the quote's lines"),
    earnerNickname: z.string().optional(),
  })),
  totalCommissionFen: fenOut,
});

const adjustmentOut = z.object({ duplicate: z.boolean(), balances: balancesOut });

const periodFiguresOut = z.object({ gmvFen: fenOut, orders: intOut, newMembers: intOut, newDistributors: intOut });
const dashboardOut = z.object({
  today: periodFiguresOut,
  month: periodFiguresOut,
  commission: z.object({ pendingFen: fenOut, frozenFen: fenOut, payableFen: fenOut, withdrawingFen: fenOut, paidFen: fenOut }),
  trend: z.array(z.object({ date: z.string().describe('YYYY-MM-DD, Shanghai'), gmvFen: fenOut, orders: intOut, newMembers: intOut, commissionFen: fenOut })),
  generatedAt: dateTime,
});

const auditEntryOut = z.object({
  id: intOut,
  actorId: intOut.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  createdAt: dateTime,
});

const reconciliationOut = z.object({
  ok: z.boolean(),
  checkedAt: dateTime,
  transfers: intOut,
  checks: z.array(z.object({ name: z.string(), description: z.string(), differences: z.array(z.record(z.string(), z.unknown())) })),
});

export function adminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');
  const finance = auth.requireRoles('owner', 'finance');
  const support = auth.requireRoles('owner', 'support');
  const fulfilment = auth.requireRoles('owner', 'operator', 'support');
  const owner = auth.requireRoles('owner');
  const auditors = auth.requireRoles('owner', 'auditor');
  const tags = ['admin'];


  // --- members and distributors ---
  r.get('/api/admin/members', {
    preHandler: anyHq,
    schema: {
      tags,
      summary: 'Search members and distributors',
      querystring: page.extend({
        q: z.string().max(50).optional(),
        tierId: z.coerce.number().int().optional(),
        groupId: z.coerce.number().int().optional(),
        distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']).optional(),
        hqOnly: z.coerce.boolean().optional(),
      }),
      response: { 200: pageOf(memberOut) },
    },
  }, async (req) => {
    // roles that see phones masked may find a member by the whole number, never by digits of one
    const wholePhones = ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!);
    const result = await s.members.search(s.db, { ...req.query, phoneMatch: wholePhones ? 'partial' : 'whole' });
    const phoneOf = phoneViewFor(req);
    return { total: result.total, items: result.items.map((m) => ({ ...m, phone: phoneOf(m.phone) })) };
  });

  r.get('/api/admin/members/:id', { preHandler: anyHq, schema: { tags, summary: 'A member: upline chain, team, balances, binding history', params: idParams, response: { 200: memberDetailOut } } }, async (req) => {
    const id = req.params.id;
    const profile = await s.members.require(s.db, id);
    const phoneOf = phoneViewFor(req);
    const [uplines, team, balances, history, referrer] = await Promise.all([
      s.referral.uplines(s.db, id, 50),
      s.referral.teamSummary(s.db, id),
      s.commission.summary(s.db, id),
      s.referral.bindingHistory(s.db, id),
      s.referral.referrerOf(s.db, id),
    ]);
    return { ...profile, phone: phoneOf(profile.phone), referrer: referrer ?? null, uplines: uplines.map((u) => ({ ...u, phone: phoneOf(u.phone) })), team, balances, bindingHistory: history };
  });

  r.get('/api/admin/members/:id/team', {
    preHandler: anyHq,
    schema: { tags, summary: "A member's team", params: idParams, querystring: page.extend({ depth: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: pageOf(teamMemberOut) } },
  }, async (req) => {
    const team = await s.referral.team(s.db, req.params.id, req.query);
    const phoneOf = phoneViewFor(req);
    return { total: team.total, items: team.items.map((m) => ({ ...m, phone: phoneOf(m.phone) })) };
  });

  r.post('/api/admin/members/:id/rebind', {
    preHandler: operators,
    schema: { tags, summary: 'Move a member (with their team) under another referrer, or detach; audited', params: idParams, body: z.object({ referrerId: z.number().int().positive().nullable(), reason }), response: { 200: z.object({ memberId: intOut, referrerId: intOut.nullable() }) } },
  }, async (req) => s.referral.rebindByHq(member(req).id, req.params.id, req.body.referrerId, req.body.reason, (await s.rules.current(s.db)).config.binding));

  r.post('/api/admin/members/:id/tier', {
    preHandler: operators,
    schema: { tags, summary: "Set a distributor's tier; audited", params: idParams, body: z.object({ tierId: z.number().int().positive(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setTier(member(req).id, req.params.id, req.body.tierId, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/group', {
    preHandler: operators,
    schema: { tags, summary: "Set a distributor's group; audited", params: idParams, body: z.object({ groupId: z.number().int().positive().nullable(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setGroup(member(req).id, req.params.id, req.body.groupId, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/distributor-status', {
    preHandler: operators,
    schema: { tags, summary: 'Make, disable or restore a distributor; audited', params: idParams, body: z.object({ status: z.enum(['active', 'disabled', 'none']), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setDistributorStatus(member(req).id, req.params.id, req.body.status, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/role', {
    preHandler: owner,
    schema: { tags, summary: 'Grant or remove an HQ role; audited', params: idParams, body: z.object({ role: z.enum(['owner', 'operator', 'finance', 'support', 'auditor']).nullable(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setHqRole(member(req).id, req.params.id, req.body.role, req.body.reason);
    return reply.status(204).send();
  });

  r.post('/api/admin/members/:id/disable', {
    preHandler: owner,
    schema: { tags, summary: "Disable or re-enable a member's account: disabling ends every session at once; audited", params: idParams, body: z.object({ disabled: z.boolean(), reason }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.setDisabled(member(req).id, req.params.id, req.body.disabled, req.body.reason);
    return reply.status(204).send();
  });

  r.get('/api/admin/distributor-applications', {
    preHandler: anyHq,
    schema: { tags, summary: 'Distributor applications', querystring: page.extend({ status: z.enum(['pending', 'approved', 'rejected']).default('pending') }), response: { 200: listOf(applicationOut) } },
  }, async (req) => {
    const phoneOf = phoneViewFor(req);
    const items = await s.members.listApplications(s.db, req.query.status, req.query.limit);
    return { items: items.map((a) => ({ ...a, phone: phoneOf(a.phone) })) };
  });

  r.post('/api/admin/distributor-applications/:id/review', {
    preHandler: operators,
    schema: { tags, summary: 'Approve or reject an application; audited', params: idParams, body: z.object({ approve: z.boolean(), reason: reason.optional() }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.reviewApplication(member(req).id, req.params.id, req.body.approve, req.body.reason ?? null);
    return reply.status(204).send();
  });

  r.get('/api/admin/tiers', { preHandler: anyHq, schema: { tags, summary: 'Distributor tiers', response: { 200: listOf(tierOut) } } }, async () => ({ items: await s.members.tiers(s.db) }));
  r.put('/api/admin/tiers/:id', {
    preHandler: operators,
    schema: { tags, summary: 'Create or rename a tier', params: idParams, body: z.object({ name: z.string().trim().min(1).max(30), rank: z.number().int().min(1).max(100) }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.upsertTier(member(req).id, { id: req.params.id, ...req.body });
    return reply.status(204).send();
  });
  r.get('/api/admin/groups', { preHandler: anyHq, schema: { tags, summary: 'Distributor groups', response: { 200: listOf(groupOut) } } }, async () => ({ items: await s.members.groups(s.db) }));
  r.post('/api/admin/groups', { preHandler: operators, schema: { tags, summary: 'Create a group', body: z.object({ name: z.string().trim().min(1).max(30) }), response: { 201: groupOut } } }, async (req, reply) =>
    reply.status(201).send(await s.members.createGroup(member(req).id, req.body.name)),
  );

  r.get('/api/admin/referral/is-above', {
    preHandler: anyHq,
    schema: { tags, summary: 'Is X above Y in the referral tree?', querystring: z.object({ ancestorId: z.coerce.number().int().positive(), descendantId: z.coerce.number().int().positive() }), response: { 200: z.object({ above: z.boolean() }) } },
  }, async (req) => ({ above: await s.referral.isAbove(s.db, req.query.ancestorId, req.query.descendantId) }));

  // --- catalog ---
  const skuInput = z.object({ name: z.string().trim().min(1).max(50), priceFen: positiveFen, stock: z.number().int().min(0).max(10_000_000) });
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
        skus: z.array(skuInput).min(1).max(50),
      }),
      response: { 201: productOut },
    },
  }, async (req, reply) => reply.status(201).send(await s.catalog.create(req.body)));
  r.patch('/api/admin/products/:id', {
    preHandler: operators,
    schema: {
      tags,
      summary: 'Edit a product',
      params: idParams,
      body: z.object({ title: z.string().trim().min(1).max(100).optional(), description: z.string().max(5000).optional(), imageUrl: z.string().max(500).nullable().optional(), category: z.string().max(50).optional(), status: z.enum(['on_sale', 'off_sale']).optional() }),
      response: { 200: productOut },
    },
  }, async (req) => s.catalog.update(req.params.id, req.body));
  r.patch('/api/admin/skus/:id', { preHandler: operators, schema: { tags, summary: 'Edit a SKU: price, stock, name (answers its product)', params: idParams, body: skuInput.partial(), response: { 200: productOut } } }, async (req) =>
    s.catalog.updateSku(req.params.id, req.body),
  );

  // --- orders and refunds ---
  r.get('/api/admin/orders', {
    preHandler: anyHq,
    schema: { tags, summary: 'Orders', querystring: page.extend({ status: z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']).optional(), q: z.string().max(40).optional() }), response: { 200: listOf(orderListItemOut) } },
  }, async (req) => {
    const phoneOf = phoneViewFor(req);
    const items = await s.orders.list(s.db, req.query);
    return { items: items.map((o) => ({ ...o, buyerPhone: phoneOf(o.buyerPhone) })) };
  });
  r.get('/api/admin/orders/:id', { preHandler: anyHq, schema: { tags, summary: 'An order with its payments and earnings', params: idParams, response: { 200: orderOut.extend({ payments: z.array(paymentOut), earnings: z.array(earningOut) }) } } }, async (req) => {
    // fulfilment needs the whole address; other roles see the consignee masked
    const order = await s.orders.get(s.db, req.params.id, undefined, ['owner', 'operator', 'support'].includes(member(req).hqRole!));
    const [payments, earnings] = await Promise.all([s.payments.paymentsOfOrder(s.db, order.id), s.commission.earnings(s.db, { orderId: order.id, limit: 100, offset: 0 })]);
    return { ...order, payments, earnings };
  });
  r.post('/api/admin/orders/:id/ship', { preHandler: fulfilment, schema: { tags, summary: 'Mark shipped', params: idParams, response: { 200: orderOut } } }, async (req) => s.orders.ship(req.params.id));
  r.post('/api/admin/orders/:id/complete', { preHandler: fulfilment, schema: { tags, summary: 'Mark received: the return window starts', params: idParams, response: { 200: orderOut } } }, async (req) =>
    s.orders.complete(req.params.id),
  );
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

  // --- rules and commission ---
  r.get('/api/admin/rules', { preHandler: anyHq, schema: { tags, summary: 'The rules in force and earlier versions', response: { 200: z.object({ current: ruleVersionOut, versions: z.array(ruleVersionOut.omit({ config: true })) }) } } }, async () => {
    const versions = await s.rules.list(s.db, 20);
    return { current: versions[0], versions: versions.map((v) => ({ id: v.id, note: v.note, createdBy: v.createdBy, createdAt: v.createdAt })) };
  });
  r.get('/api/admin/rules/:id', { preHandler: anyHq, schema: { tags, summary: 'One rule version with its full settings', params: idParams, response: { 200: ruleVersionOut } } }, async (req) =>
    s.rules.byId(s.db, req.params.id),
  );
  // PUT /api/admin/rules and the pending changes a second approver decides (/api/admin/rules/changes…)
  ruleChangeRoutes(app, s, auth);
  r.post('/api/admin/commission/dry-run', {
    preHandler: anyHq,
    schema: { tags, summary: 'What would this order pay, to whom (no money moves)', body: z.object({ buyerId: z.number().int().positive(), items: checkoutItems, ruleVersionId: z.number().int().positive().optional() }), response: { 200: dryRunOut } },
  }, async (req) => {
    await s.members.require(s.db, req.body.buyerId);
    const version = req.body.ruleVersionId ? await s.rules.byId(s.db, req.body.ruleVersionId) : await s.rules.current(s.db);
    const quote = await s.orders.quote(s.db, req.body.items, version.config);
    const lines = quote.lines.map((l, i) => ({ lineId: i + 1, productId: l.productId, skuId: l.skuId, quantity: l.quantity, paidFen: l.paidFen }));
    const earnings = await s.commission.plan(s.db, req.body.buyerId, lines, version);
    const names = new Map((await Promise.all([...new Set(earnings.map((e) => e.earnerId))].map((id) => s.members.get(s.db, id)))).map((m) => [m!.id, m!.nickname]));
    return {
      ruleVersionId: version.id,
      quote,
      earnings: earnings.map((e) => ({ ...e, lineIndex: e.lineId - 1, lineId: undefined, earnerNickname: names.get(e.earnerId) })),
      totalCommissionFen: earnings.reduce((sum, e) => sum + e.amountFen, 0),
    };
  });
  r.post('/api/admin/adjustments', {
    preHandler: finance,
    schema: { tags, summary: "Manually adjust a member's commission (positive or negative); audited", body: z.object({ memberId: z.number().int().positive(), amountFen: z.number().int().min(-1e10).max(1e10), reason, idempotencyKey }), response: { 200: adjustmentOut, 201: adjustmentOut } },
  }, async (req, reply) => {
    await s.members.require(s.db, req.body.memberId);
    const result = await s.commission.adjust(member(req).id, req.body);
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });
  r.get('/api/admin/commission/earnings', {
    preHandler: anyHq,
    schema: { tags, summary: 'Earnings', querystring: page.extend({ memberId: z.coerce.number().int().optional(), orderId: z.coerce.number().int().optional(), state: z.enum(['pending', 'frozen', 'available', 'reversed']).optional() }), response: { 200: listOf(earningOut) } },
  }, async (req) => ({ items: await s.commission.earnings(s.db, { ...req.query, earnerId: req.query.memberId }) }));
  r.get('/api/admin/commission/ranking', {
    preHandler: anyHq,
    schema: { tags, summary: 'Top earners by commission (the leaderboard roll-up), with the orders they earned on', querystring: z.object({ period: z.enum(['today', 'month', 'all']).default('month'), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      response: { 200: listOf(z.object({ memberId: intOut, nickname: z.string(), phone: z.string().nullable(), earnedFen: fenOut, orderCount: intOut })) },
    },
  }, async (req) => {
    // the growth module's commission board (folded totals plus unfolded deltas): milliseconds at a
    // million distributors, where summing the period's earnings took seconds
    const period = periodOf(req.query.period === 'today' ? 'day' : req.query.period, s.leaderboards.today());
    const board = await s.leaderboards.top(s.readDb, 'commission', period, req.query.limit);
    const since = period.from === null ? null : new Date(`${period.from}T00:00:00+08:00`);
    const orders = await s.commission.orderCountsOf(s.db, board.map((b) => b.memberId), COMMISSION_KINDS, since);
    const phoneOf = phoneViewFor(req);
    return { items: board.map((b) => ({ memberId: b.memberId, nickname: b.nickname, phone: phoneOf(b.phone), earnedFen: b.value, orderCount: orders.get(b.memberId) ?? 0 })) };
  });

  // --- payouts ---
  r.get('/api/admin/payouts', {
    preHandler: auth.requireRoles('owner', 'finance', 'auditor'),
    schema: { tags, summary: 'Withdrawals', querystring: page.extend({ status: z.enum(['reviewing', 'processing', 'paid', 'rejected', 'failed']).optional(), memberId: z.coerce.number().int().optional() }), response: { 200: listOf(payoutOut) } },
  }, async (req) => ({ items: await s.payouts.list(s.db, req.query) }));
  r.post('/api/admin/payouts/:id/approve', { preHandler: finance, schema: { tags, summary: 'Approve a withdrawal and send it', params: idParams, response: { 200: payoutOut } } }, async (req) =>
    s.payouts.approve(member(req).id, req.params.id),
  );
  r.post('/api/admin/payouts/:id/reject', { preHandler: finance, schema: { tags, summary: 'Reject a withdrawal; funds go back', params: idParams, body: z.object({ reason }), response: { 200: payoutOut } } }, async (req) =>
    s.payouts.reject(member(req).id, req.params.id, req.body.reason),
  );
  r.post('/api/admin/payouts/:id/retry', { preHandler: finance, schema: { tags, summary: 'Send a failed withdrawal again, same payout number', params: idParams, response: { 200: payoutOut } } }, async (req) =>
    s.payouts.retry(member(req).id, req.params.id),
  );

  r.get('/api/admin/refund-requests', {
    preHandler: anyHq,
    schema: { tags, summary: 'Refund requests from buyers', querystring: page.extend({ status: z.enum(['pending', 'approved', 'rejected']).optional() }), response: { 200: listOf(refundRequestOut) } },
  }, async (req) => ({ items: await s.orders.listRefundRequests(s.db, req.query) }));
  r.post('/api/admin/refund-requests/:id/review', {
    preHandler: support,
    schema: { tags, summary: 'Approve (opens the refund) or reject a refund request',
      params: idParams,
      body: z.object({ approve: z.boolean(), reason: reason.optional() }),
      response: { 200: z.object({ requestId: intOut, status: z.enum(['approved', 'rejected']), refundId: intOut.nullable().describe('the refund an approval opened') }) },
    },
  }, async (req) => {
    const result = await s.orders.reviewRefundRequest(member(req).id, req.params.id, req.body.approve, req.body.reason ?? null);
    if (result.refundId !== null) await s.payments.requestRefund(result.refundId);
    return result;
  });

  // --- dashboard and exports ---
  r.get('/api/admin/dashboard', { preHandler: anyHq, schema: { tags, summary: "Today's and this month's GMV, orders, members; commission by state; 30-day trend", response: { 200: dashboardOut } } }, async () =>
    s.analytics.dashboard(s.readDb),
  );
  r.get('/api/admin/members/export', {
    preHandler: anyHq,
    schema: {
      tags,
      summary: 'Export members (CSV or XLSX) with the same filters as the list; phones masked unless the role may see them',
      querystring: z.object({
        format: z.enum(['csv', 'xlsx']).default('csv'),
        q: z.string().max(50).optional(),
        tierId: z.coerce.number().int().optional(),
        groupId: z.coerce.number().int().optional(),
        distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']).optional(),
      }),
      response: { 200: file('The members sheet (attachment), as the format asks', CSV, XLSX) },
    },
  }, async (req, reply) => {
    const phoneOf = phoneViewFor(req);
    const [{ items }, tiers, groups] = await Promise.all([s.members.search(s.readDb, { ...req.query, limit: 50_000, offset: 0 }), s.members.tiers(s.readDb), s.members.groups(s.readDb)]);
    type Row = (typeof items)[number];
    // names, not ids: the sheet is read by people
    const tierName = new Map(tiers.map((t) => [t.id, t.name]));
    const groupName = new Map(groups.map((g) => [g.id, g.name]));
    const statusNames: Record<string, string> = { none: '普通会员', applied: '申请中', active: '分销商', rejected: '已驳回', disabled: '已停用' };
    const columns: ExportColumn<Row>[] = [
      { header: 'ID', value: (m) => m.id, width: 8 },
      { header: '昵称', value: (m) => m.nickname },
      { header: '手机号', value: (m) => phoneOf(m.phone), width: 14 },
      { header: '邀请码', value: (m) => m.inviteCode, width: 12 },
      { header: '分销身份', value: (m) => statusNames[m.distributorStatus] ?? m.distributorStatus },
      { header: '等级', value: (m) => (m.tierId === null ? '' : (tierName.get(m.tierId) ?? m.tierId)), width: 10 },
      { header: '分组', value: (m) => (m.groupId === null ? '' : (groupName.get(m.groupId) ?? m.groupId)), width: 12 },
      { header: '注册时间', value: (m) => m.createdAt.toISOString(), width: 24 },
    ];
    const stamp = s.clock.now().toISOString().slice(0, 10);
    if (req.query.format === 'xlsx') {
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="members-${stamp}.xlsx"`)
        .send(await toXlsx('会员', columns, items));
    }
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="members-${stamp}.csv"`).send(toCsv(columns, items));
  });

  // --- audit and operations ---
  r.get('/api/admin/audit-log', {
    preHandler: auditors,
    schema: { tags, summary: 'The audit log', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), beforeId: z.coerce.number().int().optional(), action: z.string().max(50).optional(), targetType: z.string().max(50).optional(), targetId: z.string().max(50).optional(), actorId: z.coerce.number().int().optional() }), response: { 200: listOf(auditEntryOut) } },
  }, async (req) => ({ items: await s.audit.list(s.db, req.query) }));
  r.get('/api/admin/reconciliation', { preHandler: auth.requireRoles('owner', 'finance', 'auditor'), schema: { tags, summary: 'Check every ledger invariant now', response: { 200: reconciliationOut } } }, async () =>
    reconcile(s.readDb, s.clock.now()),
  );
  r.post('/api/admin/jobs/unfreeze', { preHandler: finance, schema: { tags, summary: 'Run the unfreeze sweep now', response: { 200: z.object({ earnings: intOut, amountFen: fenOut, debtRepaidFen: fenOut }) } } }, async () => s.commission.unfreezeDue());
  r.get('/api/admin/members/:id/balances', { preHandler: anyHq, schema: { tags, summary: "A member's ledger balances", params: idParams, response: { 200: balancesOut } } }, async (req) => {
    if (!(await s.members.get(s.db, req.params.id))) throw notFound('MEMBER_NOT_FOUND', `member ${req.params.id} does not exist`);
    return s.ledger.memberBalances(s.db, req.params.id);
  });
}
