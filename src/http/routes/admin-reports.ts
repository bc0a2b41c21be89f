// The HQ console's API: the dashboard, exports, the audit log, reconciliation and operations. Every route checks roles; money, binding, tier and role changes are audited
// by the services they call.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reconcile } from '../../jobs/reconcile.js';
import type { Services } from '../../services.js';
import { member, phoneViewFor, type Auth } from '../auth.js';
import { idParams } from '../schemas.js';
import { notFound } from '../../errors.js';
import { toCsv, toXlsx, type ExportColumn } from '../exports.js';
import { balancesOut, CSV, fenOut, file, intOut, listOf, XLSX } from '../responses.js';
import { adminGuards } from './admin-guards.js';
import { dashboardOut, auditEntryOut, reconciliationOut } from './admin.responses.js';

export function adminReportRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, finance, owner, auditors } = adminGuards(auth);
  const tags = ['admin'];

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
