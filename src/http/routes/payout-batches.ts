// Bank-card withdrawals as batch files (批量代发) for finance: gather, download, enter the bank's results.
// Finance and the owner only; account numbers appear whole only in the downloaded file (audited).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BatchFileRow, PayoutBatchesService } from '../../modules/payouts/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { toCsv, toXlsx, type ExportColumn } from '../exports.js';
import { CSV, file, XLSX } from '../responses.js';
import { idempotencyKey, idParams, page } from '../schemas.js';

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

const summaryOut = z.object({
  id: z.number().int(),
  batchNo: z.string(),
  status: z.enum(['open', 'settled']),
  createdBy: z.number().int(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
  lineCount: z.number().int(),
  paidCount: z.number().int(),
  failedCount: z.number().int(),
  pendingCount: z.number().int(),
  totalFen: z.number().int(),
  paidFen: z.number().int(),
  failedFen: z.number().int(),
});
const batchOut = summaryOut.extend({
  lines: z.array(z.object({
    payoutNo: z.string(),
    memberId: z.number().int(),
    attempt: z.number().int(),
    netFen: z.number().int(),
    bankName: z.string(),
    accountNo: z.string().describe('masked'),
    realName: z.string().describe('masked'),
    result: z.enum(['paid', 'failed']).nullable(),
    bankReference: z.string().nullable(),
    reason: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })),
});
const resultsOut = z.object({
  batchId: z.number().int(),
  batchNo: z.string(),
  status: z.enum(['open', 'settled']),
  lines: z.array(z.object({ payoutNo: z.string(), result: z.enum(['paid', 'failed']), changed: z.boolean() })),
});
const resultsBody = z.object({
  lines: z.array(z.object({
    payoutNo: z.string().trim().min(1).max(64),
    result: z.enum(['paid', 'failed']),
    bankReference: z.string().trim().min(1).max(100).optional(),
    reason: z.string().trim().max(500).optional(),
  })).min(1).max(5_000),
  idempotencyKey,
});

/** The columns of the banks' 批量代发 templates; amounts are yuan text with two decimals, from fen exactly. */
const FILE_COLUMNS: ExportColumn<BatchFileRow>[] = [
  { header: '序号', value: (r) => r.seq, width: 8 },
  { header: '收款人户名', value: (r) => r.realName, width: 14 },
  { header: '收款账号', value: (r) => r.accountNo, width: 24 },
  { header: '开户行', value: (r) => r.bankName, width: 18 },
  { header: '金额', value: (r) => r.amountYuan, width: 14 },
  { header: '用途/附言', value: (r) => r.payoutNo, width: 28 },
  { header: '备注', value: (r) => r.note, width: 14 },
];

export function payoutBatchRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const finance = auth.requireRoles('owner', 'finance');
  const batches = s.payoutBatches;
  const tags = ['admin'];
  type Summary = Awaited<ReturnType<PayoutBatchesService['list']>>[number];
  const presentSummary = (b: Summary) => ({ ...b, createdAt: iso(b.createdAt)!, settledAt: iso(b.settledAt) });
  const present = (b: Awaited<ReturnType<PayoutBatchesService['get']>>) => ({
    ...presentSummary(b),
    lines: b.lines.map((l) => ({ ...l, decidedAt: iso(l.decidedAt) })),
  });

  r.post('/api/admin/payout-batches', {
    preHandler: finance,
    schema: {
      tags,
      summary: 'Gather every approved bank-card withdrawal not yet in a batch into a new batch (409 PAYOUT_BATCH_EMPTY when none waits)',
      body: z.object({ idempotencyKey: idempotencyKey.optional() }).nullish(),
      response: { 201: batchOut },
    },
  }, async (req, reply) => reply.code(201).send(present(await batches.create(member(req).id, req.body?.idempotencyKey))));

  r.get('/api/admin/payout-batches', {
    preHandler: finance,
    schema: { tags, summary: 'Payout batches with line counts and totals', querystring: page, response: { 200: z.object({ items: z.array(summaryOut) }) } },
  }, async (req) => ({ items: (await batches.list(s.db, req.query)).map(presentSummary) }));

  r.get('/api/admin/payout-batches/:id', {
    preHandler: finance,
    schema: { tags, summary: 'A payout batch and its lines (account numbers masked)', params: idParams, response: { 200: batchOut } },
  }, async (req) => present(await batches.get(s.db, req.params.id)));

  r.get('/api/admin/payout-batches/:id/file', {
    preHandler: finance,
    schema: {
      tags,
      summary: 'The bank file (批量代发) of a batch, account numbers whole; the download is audited',
      params: idParams,
      querystring: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
      response: { 200: file('The batch file (attachment), as the format asks', XLSX, CSV) },
    },
  }, async (req, reply) => {
    const { batchNo, rows } = await batches.fileRows(member(req).id, req.params.id, req.query.format);
    reply.header('cache-control', 'no-store');
    if (req.query.format === 'xlsx') {
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${batchNo}.xlsx"`)
        .send(await toXlsx('批量代发', FILE_COLUMNS, rows));
    }
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${batchNo}.csv"`).send(toCsv(FILE_COLUMNS, rows));
  });

  r.post('/api/admin/payout-batches/:id/results', {
    preHandler: finance,
    schema: {
      tags,
      summary: "Enter the bank's return file: each line paid or failed (funds back); all lines or none (422 PAYOUT_BATCH_LINES_REJECTED names them)",
      params: idParams,
      body: resultsBody,
      response: { 200: resultsOut },
    },
  }, async (req) => batches.applyResults(member(req).id, req.params.id, req.body));
}
