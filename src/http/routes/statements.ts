// Provider statements in the console: bills fetched, and every difference against our records.
// HQ finance, the owner and auditors read; finance and the owner fetch a day now and settle differences.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, beijingDay } from '../../modules/statements/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { idParams } from '../schemas.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const provider = z.enum(['wechatpay', 'alipay']);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const fenOrNull = z.number().int().nullable();

const billOut = z.object({
  id: z.number().int(),
  provider,
  billDate: z.string(),
  status: z.enum(['pending', 'not_ready', 'failed', 'fetched']),
  fetchedAt: z.string().nullable(),
  lineCount: z.number().int(),
  paymentCount: z.number().int(),
  paymentTotalFen: z.number().int(),
  refundCount: z.number().int(),
  refundTotalFen: z.number().int(),
  accountBill: z.boolean().describe("the day's account bill (WeChat 资金账单, Alipay 账务明细) was fetched with it: payouts are matched"),
  payoutCount: z.number().int(),
  payoutTotalFen: z.number().int(),
  payoutReturnFen: z.number().int().describe('money the provider gave back on failed or cancelled transfers'),
  providerSummary: z.record(z.string(), z.number()).nullable().describe("the provider's own summary figures (WeChat: tradeCount, settledTotalFen, refundTotalFen)"),
  differenceCount: z.number().int(),
  openDifferenceCount: z.number().int(),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('the provider code of the last failed try'),
  nextAttemptAt: z.string().nullable(),
});

const differenceOut = z.object({
  id: z.number().int(),
  provider,
  billDate: z.string(),
  kind: z.enum(['missing_here', 'missing_there', 'amount_differs', 'state_differs', 'duplicate']).describe('missing_here: on the bill, not in our records; missing_there: ours, not on the bill'),
  subject: z.enum(['payment', 'refund', 'payout']).describe('what the difference is about'),
  recordType: z.enum(['payment', 'refund', 'payment_return', 'payout']).nullable(),
  recordId: z.number().int().nullable(),
  reference: z.string().describe('out_trade_no of a payment, the refund number of a refund, the business number of a payout attempt'),
  outTradeNo: z.string().nullable(),
  lineSeq: z.number().int().nullable(),
  ourFen: fenOrNull,
  theirFen: fenOrNull,
  ourState: z.string().nullable(),
  theirState: z.string().nullable(),
  note: z.string().nullable(),
  resolved: z.boolean(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.number().int().nullable(),
  resolvedByName: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

export function statementRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = auth.requireRoles('owner', 'finance', 'auditor');
  const finance = auth.requireRoles('owner', 'finance');
  const tags = ['admin'];

  r.get('/api/admin/statements', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'Provider bills per day (default the last 30 days, Beijing) with line counts, totals and differences',
      querystring: z.object({ provider: provider.optional(), from: day.optional(), to: day.optional() }),
      response: { 200: z.object({ providers: z.array(z.object({ provider, configured: z.boolean() })), from: z.string(), to: z.string(), items: z.array(billOut) }) },
    },
  }, async (req) => {
    const to = req.query.to ?? addDays(beijingDay(s.clock.now()), -1);
    const from = req.query.from ?? addDays(to, -29);
    const items = await s.statements.list({ provider: req.query.provider, from, to });
    return {
      providers: s.statements.providers(),
      from,
      to,
      items: items.map((b) => ({ ...b, fetchedAt: iso(b.fetchedAt), nextAttemptAt: iso(b.nextAttemptAt), providerSummary: b.providerSummary ?? null })),
    };
  });

  r.get('/api/admin/statements/differences', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'Differences between provider bills and our records (by provider and bill day; open unless resolved)',
      querystring: z.object({
        provider: provider.optional(),
        date: day.optional(),
        status: z.enum(['open', 'resolved', 'all']).default('all'),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      response: { 200: z.object({ items: z.array(differenceOut) }) },
    },
  }, async (req) => ({
    items: (await s.statements.differences(req.query)).map((d) => ({ ...d, resolved: d.resolvedAt !== null, resolvedAt: iso(d.resolvedAt) })),
  }));

  r.post('/api/admin/statements/fetch', {
    preHandler: finance,
    schema: {
      tags,
      summary: "Fetch a provider's bill of a day now and match it, replacing that day's result (audited). 400 PROVIDER_NOT_CONFIGURED / DATE_INVALID, 409 STATEMENT_NOT_READY, 502 STATEMENT_PROVIDER_REFUSED / STATEMENT_MALFORMED, 503 STATEMENT_PROVIDER_UNAVAILABLE",
      body: z.object({ provider, date: z.string().max(20) }),
      response: { 200: z.object({ provider, date: z.string(), billId: z.number().int(), lineCount: z.number().int(), differenceCount: z.number().int() }) },
    },
  }, async (req) => {
    const outcome = await s.statements.fetchNow(member(req).id, req.body.provider, req.body.date);
    return { provider: req.body.provider, date: req.body.date, billId: outcome.billId, lineCount: outcome.lineCount, differenceCount: outcome.differenceCount };
  });

  r.post('/api/admin/statements/differences/:id/resolve', {
    preHandler: finance,
    schema: {
      tags,
      summary: 'Settle a difference with a note (audited); it stays settled while a refetch finds the same difference',
      params: idParams,
      body: z.object({ note: z.string().trim().min(2).max(500) }),
      response: { 200: z.object({ id: z.number().int(), resolved: z.boolean(), changed: z.boolean() }) },
    },
  }, async (req) => s.statements.resolve(member(req).id, req.params.id, req.body.note));
}
