// HQ's compliance report (合规报告, issue 16): the rule version and commission levels in force, every
// compliance override with who and when, the money paid in a period per metric (cash and non-cash),
// and the configurations that cross the line with no override; as JSON and as an XLSX file (audited
// as export.compliance_report). Owner, finance and auditor. Read from the read database.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction } from '../../db/database.js';
import { badRequest } from '../../errors.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { XLSX_TYPE } from '../exports.js';
import { file, XLSX } from './common.responses.js';
import { complianceWorkbook } from './compliance-xlsx.js';
import { complianceReport } from './compliance.responses.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD (Asia/Shanghai)')
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
  }, 'not a calendar date');

const range = {
  from: day.optional().describe('first day, Asia/Shanghai (default: 29 days before to)'),
  to: day.optional().describe('last day, included (default: today, Asia/Shanghai)'),
};

const MAX_DAYS = 366;

/** The days asked, with the defaults (the last 30 days, today included); 400 RANGE_INVALID when reversed or longer than a year. */
function daysOf(now: Date, q: { from?: string; to?: string }): { from: string; to: string } {
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const to = q.to ?? today;
  const from = q.from ?? new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  const span = (new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / 86_400_000;
  if (span < 0) throw badRequest('RANGE_INVALID', 'from must not be after to');
  if (span >= MAX_DAYS) throw badRequest('RANGE_INVALID', `a report covers at most ${MAX_DAYS} days`);
  return { from, to };
}

export function complianceRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['compliance'];
  const readers = auth.requireRoles('owner', 'finance', 'auditor');

  r.get('/api/admin/compliance/report', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'The compliance report: rule version and levels in force, every compliance override (who, when), money paid in the days per metric, findings',
      querystring: z.object(range),
      response: { 200: complianceReport },
    },
  }, async (req) => s.compliance.report(s.readDb, daysOf(s.clock.now(), req.query)));

  r.get('/api/admin/compliance/report/export', {
    preHandler: readers,
    schema: {
      tags,
      summary: 'The compliance report as an XLSX workbook (overview, overrides, money paid, findings); audited',
      querystring: z.object({ ...range, lang: z.enum(['zh', 'en']).default('zh').describe('headers and labels: Chinese (default) or English') }),
      response: { 200: file('The compliance report workbook (attachment)', XLSX) },
    },
  }, async (req, reply) => {
    const days = daysOf(s.clock.now(), req.query);
    const report = await s.compliance.report(s.readDb, days);
    const body = await complianceWorkbook(report, req.query.lang);
    await inTransaction(s.db, (tx) =>
      s.audit.record(tx, { actorId: member(req).id, action: 'export.compliance_report', targetType: 'export', targetId: 'compliance_report', after: { ...days, lang: req.query.lang, format: 'xlsx', overrides: report.overrides.length } }),
    );
    return reply
      .header('content-type', XLSX_TYPE)
      .header('content-disposition', `attachment; filename="compliance-report-${days.from}-${days.to}.xlsx"`)
      .send(body);
  });
}
