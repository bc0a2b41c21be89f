// The console's finance and operations exports (issue 15): orders by line, commission earnings,
// withdrawals, after-sales requests and the ledger's transfers, as CSV or XLSX with the members
// export's conventions (src/http/exports.ts). Each is streamed: read from the database a page at a
// time (db/keyset.ts) and written as it is read, so there is no row cap and memory stays at about a
// page (bench/export.ts). Personal data is masked for the caller's role, and each export is written
// to the audit log with its filter when it starts, and its row count added when the file has ended.
// The console downloads them natively, straight to disk: it asks POST <export>/ticket for a download
// ticket (download-tickets.ts) and opens the export with the ticket in place of the Authorization
// header, which API clients still send. At most a few run at once (admin-exports.slots.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction } from '../../db/database.js';
import { EXPORT_BATCH_ROWS as EXPORT_PAGE, keysetPages } from '../../db/keyset.js';
import { ledgerExportRows, orderExportLines, refundRequestExportRows } from '../../modules/analytics/index.js';
import { AFTER_SALES_KINDS, REFUND_REQUEST_STATUSES } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';
import type { HqRole } from '../../modules/members/index.js';
import { ALL_HQ_ROLES, member, phoneViewFor, type Auth } from '../auth.js';
import { canonicalQuery, DOWNLOAD_TICKET_SECONDS, downloadTickets, ticketOf } from '../download-tickets.js';
import { primed, sendExport, type ExportColumn, type ExportEnd } from '../exports.js';
import { orderSearchFilter, orderSearchShape, placedDay } from '../order-list.js';
import { CSV, file, XLSX } from '../responses.js';
import { earningColumns, orderColumns, payoutColumns, refundRequestColumns } from './admin-exports.columns.js';
import { ledgerColumns } from './admin-exports.ledger-columns.js';
import { exportSlots, type ExportSlots } from './admin-exports.slots.js';

/** A calendar day in Asia/Shanghai; 2026-02-30 is refused like any other bad input (400). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD (Asia/Shanghai)')
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
  }, 'not a calendar date');

/** format, language of the headers and labels, and a day range (both days included); each export adds its filters */
const exportShape = {
  format: z.enum(['csv', 'xlsx']).default('csv'),
  lang: z.enum(['zh', 'en']).default('zh').describe('headers and labels: Chinese (default) or English'),
  from: day.optional().describe('first day, Asia/Shanghai'),
  to: day.optional().describe('last day (included), Asia/Shanghai'),
};
const rangeInOrder = { check: (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to, message: { message: 'from must not be after to', path: ['to'] } };
/** a download ticket (POST <export>/ticket) in place of the Authorization header: what a browser download sends */
const ticketParam = z.string().max(2048).optional().describe('a download ticket for exactly this export and query (POST …/export/ticket), instead of the Authorization header; used once');

type ExportShape = typeof exportShape;
/** an export's query as parsed: format, lang, the range and its own filters */
type Asked<F extends z.ZodRawShape> = z.output<z.ZodObject<ExportShape & F>>;

/** the query of an export (with the ticket) or of its ticket request (without) */
function querySchema(filters: z.ZodRawShape, withTicket: boolean) {
  return z.object({ ...exportShape, ...filters, ...(withTicket ? { ticket: ticketParam } : {}) }).refine(rangeInOrder.check, rangeInOrder.message);
}

/** [from 00:00, the day after to 00:00) in Asia/Shanghai, as instants */
function dayRange(q: { from?: string; to?: string }): { start?: Date; before?: Date } {
  const start = q.from ? new Date(`${q.from}T00:00:00+08:00`) : undefined;
  const before = q.to ? new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000) : undefined;
  return { start, before };
}

const EARNING_KINDS = ['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate'] as const;
const EARNING_STATES = ['pending', 'frozen', 'available', 'reversed'] as const;
const PAYOUT_STATUSES = ['reviewing', 'processing', 'paid', 'rejected', 'failed'] as const;
/** the roles the order detail shows the consignee whole (src/http/routes/admin-orders.ts) */
const CONSIGNEE_ROLES = ['owner', 'operator', 'support'];

type Sheet = 'orders' | 'commissions' | 'payouts' | 'refund_requests' | 'ledger';

/** one export: its audit sheet, the filter as asked, and the file */
interface ExportJob<T> {
  sheet: Sheet;
  format: 'csv' | 'xlsx';
  filter: object;
  name: string;
  sheetName: string;
  columns: ExportColumn<T>[];
  batches: AsyncIterable<T[]>;
}

type Run = <T>(req: FastifyRequest, reply: FastifyReply, job: ExportJob<T>) => Promise<FastifyReply>;

function exportRunner(s: Services, slots: ExportSlots): Run {
  const stamp = () => s.clock.now().toISOString().slice(0, 10);
  /** The audit entry is written when the export starts (who, which sheet and filter); its row count is added when the file ends. */
  const started = async (req: FastifyRequest, sheet: Sheet, filter: object): Promise<ExportEnd> => {
    const id = await inTransaction(s.db, (tx) =>
      s.audit.record(tx, {
        actorId: member(req).id,
        action: ({ orders: 'export.orders', commissions: 'export.commissions', payouts: 'export.payouts', refund_requests: 'export.refund_requests', ledger: 'export.ledger' } as const)[sheet],
        targetType: 'export',
        targetId: sheet,
        after: filter,
      }),
    );
    // the entry is committed before the first byte is sent: this later write does not race it
    return ({ rows, complete }) => s.audit.addToAfter(s.db, id, complete ? { rows } : { rows, incomplete: true });
  };
  /**
   * Takes the export's slots (or refuses, EXPORT_BUSY), reads the first page (a failure is answered
   * as an error, and nothing is audited), records the export, then streams the file. The slots are
   * given back when the file has ended or was cut off, or the response closed, whichever comes first.
   */
  return async <T>(req: FastifyRequest, reply: FastifyReply, job: ExportJob<T>) => {
    const free = await slots.take(member(req).id);
    reply.raw.once('close', free);
    try {
      const batches = await primed(job.batches);
      const ended = await started(req, job.sheet, { ...job.filter, format: job.format });
      const file = { name: `${job.name}-${stamp()}`, sheet: job.sheetName, columns: job.columns, batches };
      return sendExport(reply, job.format, file, async (outcome) => {
        free();
        await ended(outcome);
      });
    } catch (error) {
      free();
      throw error;
    }
  };
}

/** one export route: where, for whom, its own filters, and the job it runs for a query */
interface ExportRoute<F extends z.ZodRawShape> {
  path: string;
  roles: HqRole[];
  summary: string;
  answer: string;
  filters: F;
  handle: (req: FastifyRequest, reply: FastifyReply, format: 'csv' | 'xlsx', lang: 'zh' | 'en', filter: Omit<Asked<F>, 'format' | 'lang'>) => Promise<FastifyReply>;
}

const defineExport = <F extends z.ZodRawShape>(route: ExportRoute<F>) => route as unknown as ExportRoute<z.ZodRawShape>;
const sheetName = (lang: 'zh' | 'en', zh: string, en: string) => (lang === 'zh' ? zh : en);
const MONEY_ROLES: HqRole[] = ['owner', 'finance', 'auditor'];

function orderExports(s: Services, run: Run) {
  return {
    orders: defineExport({
      path: '/api/admin/orders/export',
      roles: ALL_HQ_ROLES,
      summary: 'Export orders, one row per order line (CSV or XLSX, streamed), with the orders list filters (placedFrom/placedTo: its placed-day range) and a paid-date range (from/to); phones and consignees masked as the role sees them',
      answer: 'The order lines sheet (attachment), as the format asks',
      filters: { ...orderSearchShape, placedFrom: placedDay.describe('placed on or after this day (the list’s from)'), placedTo: placedDay.describe('placed on or before this day (the list’s to)') },
      handle: (req, reply, format, lang, filter) => {
        const { start, before } = dayRange(filter);
        const viewer = { phoneOf: phoneViewFor(req), consigneeWhole: CONSIGNEE_ROLES.includes(member(req).hqRole!) };
        const { placedFrom, placedTo, from: _from, to: _to, ...search } = filter;
        // exactly the orders the list shows (its filters, read by the orders module), paid in the range
        const selected = { ...orderSearchFilter(req, search, { from: placedFrom, to: placedTo }), paidFrom: start, paidBefore: before };
        const batches = orderExportLines(s.readDb, (beforeId, limit) => s.orders.filteredIds(s.readDb, selected, { before: beforeId, limit }));
        return run(req, reply, { sheet: 'orders', format, filter, name: 'orders', sheetName: sheetName(lang, '订单', 'Orders'), columns: orderColumns(lang, viewer), batches });
      },
    }),
    refundRequests: defineExport({
      path: '/api/admin/refund-requests/export',
      roles: ALL_HQ_ROLES,
      summary: 'Export after-sales requests (CSV or XLSX, streamed) with the queue’s filters and a requested-date range: kind, reason, amounts, status, the return parcel, the refund number; buyer phones masked as the role sees them',
      answer: 'The after-sales sheet (attachment), as the format asks',
      filters: { status: z.enum(REFUND_REQUEST_STATUSES).optional(), kind: z.enum(AFTER_SALES_KINDS).optional(), orderId: z.coerce.number().int().positive().optional() },
      handle: (req, reply, format, lang, filter) => {
        const { start, before } = dayRange(filter);
        const batches = refundRequestExportRows(s.readDb, { status: filter.status, kind: filter.kind, orderId: filter.orderId, createdFrom: start, createdBefore: before });
        return run(req, reply, { sheet: 'refund_requests', format, filter, name: 'after-sales', sheetName: sheetName(lang, '售后', 'After-sales'), columns: refundRequestColumns(lang, { phoneOf: phoneViewFor(req) }), batches });
      },
    }),
  };
}

function moneyExports(s: Services, run: Run) {
  return {
    commissions: defineExport({
      path: '/api/admin/commissions/export',
      roles: MONEY_ROLES,
      summary: 'Export commission earnings (CSV or XLSX, streamed) by state, kind, earner and created-date range',
      answer: 'The earnings sheet (attachment), as the format asks',
      filters: { state: z.enum(EARNING_STATES).optional(), kind: z.enum(EARNING_KINDS).optional(), earnerId: z.coerce.number().int().positive().optional() },
      handle: (req, reply, format, lang, filter) => {
        const { start, before } = dayRange(filter);
        const selection = { state: filter.state, kind: filter.kind, earnerId: filter.earnerId, createdFrom: start, createdBefore: before };
        const batches = keysetPages((beforeId: number | undefined) => s.commission.earnings(s.readDb, { ...selection, beforeId, limit: EXPORT_PAGE, offset: 0 }), (e) => e.id, EXPORT_PAGE);
        return run(req, reply, { sheet: 'commissions', format, filter, name: 'commissions', sheetName: sheetName(lang, '佣金明细', 'Commissions'), columns: earningColumns(lang), batches });
      },
    }),
    payouts: defineExport({
      path: '/api/admin/payouts/export',
      roles: MONEY_ROLES,
      summary: 'Export withdrawals (CSV or XLSX, streamed) by status, member and requested-date range; destinations masked',
      answer: 'The withdrawals sheet (attachment), as the format asks',
      filters: { status: z.enum(PAYOUT_STATUSES).optional(), memberId: z.coerce.number().int().positive().optional() },
      handle: (req, reply, format, lang, filter) => {
        const { start, before } = dayRange(filter);
        const selection = { status: filter.status, memberId: filter.memberId, requestedFrom: start, requestedBefore: before };
        const batches = keysetPages((beforeId: number | undefined) => s.payouts.exportRows(s.readDb, { ...selection, beforeId, limit: EXPORT_PAGE }), (p) => p.id, EXPORT_PAGE);
        return run(req, reply, { sheet: 'payouts', format, filter, name: 'payouts', sheetName: sheetName(lang, '提现记录', 'Payouts'), columns: payoutColumns(lang), batches });
      },
    }),
    ledger: defineExport({
      path: '/api/admin/ledger/export',
      roles: MONEY_ROLES,
      summary: 'Export ledger transfers (CSV or XLSX, streamed) in booking order by booked-date range, code and member: both accounts, the amount, the code, the key and reference, and the order, refund and withdrawal numbers the providers’ statements carry',
      answer: 'The ledger transfers sheet (attachment), as the format asks',
      filters: {
        code: z.string().regex(/^[a-z0-9_.]{1,64}$/, 'a transfer code such as commission.earn').optional().describe('transfer code, exactly'),
        memberId: z.coerce.number().int().positive().optional().describe('transfers from or to any of this member’s accounts'),
      },
      handle: (req, reply, format, lang, filter) => {
        const { start, before } = dayRange(filter);
        const batches = ledgerExportRows(s.readDb, { code: filter.code, memberId: filter.memberId, createdFrom: start, createdBefore: before });
        return run(req, reply, { sheet: 'ledger', format, filter, name: 'ledger', sheetName: sheetName(lang, '账本流水', 'Ledger'), columns: ledgerColumns(lang), batches });
      },
    }),
  };
}

const ticketOut = z.object({
  ticket: z.string().describe('the download ticket: valid once, for this export and query, for a minute'),
  url: z.string().describe('the export’s path and query with the ticket: open it in the browser (no Authorization header)'),
  expiresInSeconds: z.number().int(),
});

/**
 * Each export twice: GET <path> sends the file (to the Authorization header, or to a download
 * ticket), and POST <path>/ticket answers a ticket for that query after the checks the export makes
 * first — the query's schema, the role, a free slot — with the export's own 4xx codes, so the console
 * learns of a refusal before it hands the download to the browser.
 */
export function adminExportRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const slots = exportSlots(s.limits, app.log);
  const tickets = downloadTickets({ secret: s.config.jwtSecret, limits: s.limits });
  const run = exportRunner(s, slots);

  /** the export's role check, for the Authorization header or, without one, a ticket for this path and query */
  const guard = (path: string, roles: HqRole[]) => {
    const byHeader = auth.requireRoles(...roles);
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const ticket = ticketOf(req.url);
      if (ticket === undefined || req.headers.authorization) return byHeader(req, reply);
      const holder = await tickets.redeem(ticket, path, canonicalQuery(req.url));
      await auth.requireRolesWithToken(req, await s.identity.signer.signAccess(holder), roles);
    };
  };

  const { orders, refundRequests } = orderExports(s, run);
  const { commissions, payouts, ledger } = moneyExports(s, run);
  for (const route of [orders, commissions, payouts, refundRequests, ledger]) {
    r.get(route.path, {
      preHandler: guard(route.path, route.roles),
      schema: { tags, summary: route.summary, querystring: querySchema(route.filters, true), response: { 200: file(route.answer, CSV, XLSX) } },
    }, async (req, reply) => {
      const { format, lang, ticket: _ticket, ...filter } = req.query as { format: 'csv' | 'xlsx'; lang: 'zh' | 'en'; ticket?: string };
      return route.handle(req, reply, format, lang, filter);
    });

    r.post(`${route.path}/ticket`, {
      preHandler: auth.requireRoles(...route.roles),
      schema: {
        tags,
        summary: `A download ticket for GET ${route.path} with this query (valid once, for ${DOWNLOAD_TICKET_SECONDS} s): the query, role and free slots are checked as the export checks them`,
        querystring: querySchema(route.filters, false),
        response: { 200: ticketOut },
      },
    }, async (req) => {
      const asker = member(req);
      await slots.check(asker.id);
      // the session the ticket is asked in, at its version: the ticket ends with it
      const claims = await s.identity.signer.verifyAccess(req.headers.authorization!.slice('Bearer '.length));
      return tickets.issue({ memberId: asker.id, sessionId: claims.sessionId, sessionVersion: claims.sessionVersion }, route.path, canonicalQuery(req.url));
    });
  }
}
