// Value analytics and channel performance for HQ: member value, order trends, cycle times, the
// share-link funnel, per-mode earnings and payables, and CSV exports. Read-only; phones are masked
// unless the role may see them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatYuan } from '../../money.js';
import { MEMBER_VALUE_SORTS } from '../../modules/insights/index.js';
import { maskPhone } from '../../privacy.js';
import type { Services } from '../../services.js';
import { member, ROLES_SEEING_PERSONAL_DATA, type Auth } from '../auth.js';
import { toCsv, type ExportColumn } from '../exports.js';
import { idParams, page } from '../schemas.js';
import { CSV, file } from './common.responses.js';
import * as R from './insights.responses.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD (Asia/Shanghai)');
const range = z.object({ from: day.optional(), to: day.optional() });
const memberSort = z.object({ sort: z.enum(MEMBER_VALUE_SORTS).default('socialValue'), order: z.enum(['asc', 'desc']).default('desc') });
/** the most rows a member-value export carries */
const EXPORT_MAX_ROWS = 50_000;

function sendCsv(reply: FastifyReply, name: string, body: Buffer) {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

export function insightsRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const analysts = auth.requireRoles('owner', 'operator', 'finance', 'auditor');
  const tags = ['insights'];
  const phoneFor = (req: FastifyRequest) => (phone: string) => (ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!) ? phone : maskPhone(phone));

  r.get('/api/admin/insights/members', {
    preHandler: analysts,
    schema: { tags, summary: 'Members by value: lifetime spend, social value direct (depth 1) and indirect (depth ≥ 2), team size', querystring: page.extend(memberSort.shape), response: { 200: R.memberValues } },
  }, async (req) => {
    const result = await s.insights.memberValues(s.readDb, req.query);
    const phoneOf = phoneFor(req);
    return { total: result.total, items: result.items.map((m) => ({ ...m, phone: phoneOf(m.phone) })) };
  });

  r.get('/api/admin/insights/members/export', {
    preHandler: analysts,
    schema: { tags, summary: 'Export the member value list (CSV), in the list’s order', querystring: memberSort, response: { 200: file('The member value list as CSV', CSV) } },
  }, async (req, reply) => {
    const { items } = await s.insights.memberValues(s.readDb, { ...req.query, limit: EXPORT_MAX_ROWS, offset: 0 });
    const phoneOf = phoneFor(req);
    type Row = (typeof items)[number];
    const columns: ExportColumn<Row>[] = [
      { header: '会员ID', value: (m) => m.memberId },
      { header: '昵称', value: (m) => m.nickname },
      { header: '手机号', value: (m) => phoneOf(m.phone) },
      { header: '分销身份', value: (m) => m.distributorStatus },
      { header: '注册时间', value: (m) => m.joinedAt.toISOString() },
      { header: '订单数', value: (m) => m.orderCount },
      { header: '累计消费(元)', value: (m) => formatYuan(m.lifetimeSpendFen) },
      { header: '直接社交价值(元)', value: (m) => formatYuan(m.directSocialFen) },
      { header: '间接社交价值(元)', value: (m) => formatYuan(m.indirectSocialFen) },
      { header: '社交价值合计(元)', value: (m) => formatYuan(m.socialValueFen) },
      { header: '直推人数', value: (m) => m.directCount },
      { header: '团队人数', value: (m) => m.teamSize },
    ];
    return sendCsv(reply, `member-value-${s.clock.now().toISOString().slice(0, 10)}`, toCsv(columns, items));
  });

  r.get('/api/admin/insights/members/:id', {
    preHandler: analysts,
    schema: { tags, summary: "One member's value: spend, social value by depth, journey fan → first order → distributor", params: idParams, response: { 200: R.memberValue } },
  }, async (req) => {
    const detail = await s.insights.memberValue(s.readDb, req.params.id);
    return { ...detail, phone: phoneFor(req)(detail.phone) };
  });

  r.get('/api/admin/insights/trends', {
    preHandler: analysts,
    schema: { tags, summary: 'Paid orders per Shanghai day: first vs repeat, referral vs other, shares (bp); repurchase rate', querystring: range, response: { 200: R.trends } },
  }, async (req) => s.insights.trends(s.readDb, req.query));

  r.get('/api/admin/insights/trends/export', {
    preHandler: analysts,
    schema: { tags, summary: 'Export the daily order trend (CSV)', querystring: range, response: { 200: file('The daily order trend as CSV', CSV) } },
  }, async (req, reply) => {
    const trend = await s.insights.trends(s.readDb, req.query);
    type Row = (typeof trend.days)[number];
    const pct = (bp: number) => (bp / 100).toFixed(2);
    const columns: ExportColumn<Row>[] = [
      { header: '日期', value: (d) => d.date },
      { header: '支付订单数', value: (d) => d.orders },
      { header: '支付金额(元)', value: (d) => formatYuan(d.gmvFen) },
      { header: '首单', value: (d) => d.firstOrders },
      { header: '复购', value: (d) => d.repeatOrders },
      { header: '推荐来源', value: (d) => d.referralOrders },
      { header: '其他来源', value: (d) => d.otherOrders },
      { header: '复购占比(%)', value: (d) => pct(d.repeatShareBp) },
      { header: '推荐占比(%)', value: (d) => pct(d.referralShareBp) },
      { header: '复购或推荐占比(%)', value: (d) => pct(d.repeatOrReferralShareBp) },
    ];
    return sendCsv(reply, `order-trend-${trend.from}-${trend.to}`, toCsv(columns, trend.days));
  });

  r.get('/api/admin/insights/cycle-times', {
    preHandler: analysts,
    schema: { tags, summary: 'Median and p75 days fan → member → first order → distributor, for members registered in the range', querystring: range, response: { 200: R.cycleTimes } },
  }, async (req) => s.insights.cycleTimes(s.readDb, req.query));

  r.get('/api/admin/insights/funnel', {
    preHandler: analysts,
    schema: { tags, summary: 'Share-link funnel: distinct visitors → registrations through the link → first orders, with conversion (bp)', querystring: range, response: { 200: R.funnel } },
  }, async (req) => s.insights.funnel(s.readDb, req.query));

  r.get('/api/admin/insights/channels', {
    preHandler: analysts,
    schema: { tags, summary: 'Per earning mode: orders, base, earned, reversed, payables by state; pickup vs express GMV (range optional, payables as of now)', querystring: range, response: { 200: R.channels } },
  }, async (req) => s.insights.channels(s.readDb, req.query));
}
