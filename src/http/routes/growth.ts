// Growth: leaderboards (public board with masked names, my rank, the console's full board and
// export) and distributor tier upgrade rules (console) with the member's progress (shop).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { complianceOverrideInput } from '../../modules/compliance/index.js';
import { type Period, periodOf, rangeOf } from '../../modules/growth/index.js';
import { maskName } from '../../privacy.js';
import type { Services } from '../../services.js';
import { ALL_HQ_ROLES, member, phoneViewFor, type Auth } from '../auth.js';
import { toCsv, toXlsx, type ExportColumn } from '../exports.js';
import { fen, idParams } from '../schemas.js';
import { CSV, XLSX, file, noContent } from './common.responses.js';
import * as R from './growth.responses.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const boardQuery = z.object({
  metric: z.enum(['commission', 'sales', 'invites']).default('commission'),
  period: z.enum(['day', 'week', 'month', 'all', 'range']).default('month'),
  /** a day inside the day, week or month wanted (Asia/Shanghai); today by default */
  date: day.optional(),
  from: day.optional(),
  to: day.optional(),
});
type BoardQuery = z.infer<typeof boardQuery>;

const tierRuleBody = z.object({
  match: z.enum(['all', 'any']).default('all'),
  ownSpendFen: fen.nullable().default(null),
  teamSalesFen: fen.nullable().default(null),
  directReferrals: z.number().int().min(0).max(1_000_000).nullable().default(null),
  commissionEarnedFen: fen.nullable().default(null),
  productId: z.number().int().positive().nullable().default(null),
  enabled: z.boolean().default(true),
  complianceOverride: complianceOverrideInput.nullable().optional(),
});

function periodFrom(s: Services, q: BoardQuery): Period {
  try {
    if (q.period === 'range') {
      if (!q.from || !q.to) throw badRequest('RANGE_REQUIRED', 'a range needs from and to');
      return rangeOf(q.from, q.to);
    }
    return periodOf(q.period, q.date ?? s.leaderboards.today());
  } catch (error) {
    if (error instanceof RangeError) throw badRequest('PERIOD_INVALID', error.message);
    throw error;
  }
}
const describe = (p: Period) => ({ kind: p.kind, key: p.key, from: p.from, to: p.to });

export function growthRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  leaderboardShopRoutes(app, s, auth);
  growthAdminRoutes(app, s, auth);
}

/** Leaderboards and tier progress in the shop. */
function leaderboardShopRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['growth'];

  // --- shop ---
  r.get('/api/leaderboards', {
    preHandler: auth.optionalAuth,
    schema: { tags, summary: 'A public leaderboard: top N with masked names (the caller is marked)', querystring: boardQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(50) }), response: { 200: R.leaderboard } },
  }, async (req) => {
    const period = periodFrom(s, req.query);
    const items = await s.leaderboards.top(s.readDb, req.query.metric, period, req.query.limit);
    const me = req.member?.id;
    return {
      metric: req.query.metric,
      period: describe(period),
      items: items.map((e) => ({ rank: e.rank, nickname: maskName(e.nickname), avatarUrl: e.avatarUrl, value: e.value, isMe: e.memberId === me })),
    };
  });

  r.get('/api/me/leaderboards/rank', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My rank on a leaderboard: value, rank and the gap to the one above', querystring: boardQuery, response: { 200: R.myRank } },
  }, async (req) => {
    const period = periodFrom(s, req.query);
    const rank = await s.leaderboards.rankOf(s.readDb, req.query.metric, period, member(req).id);
    return { metric: req.query.metric, period: describe(period), value: rank.value, rank: rank.rank, gapToAbove: rank.gapToAbove };
  });

  r.get('/api/me/tier-progress', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My distributor tier and what the next tier needs', response: { 200: R.tierProgress } },
  }, async (req) => s.tierUpgrades.progress(s.db, member(req).id));
}

/** HQ: leaderboards and tier rules. */
function growthAdminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyHq = auth.requireRoles(...ALL_HQ_ROLES);
  const operators = auth.requireRoles('owner', 'operator');
  const tags = ['growth'];

  // --- console ---
  r.get('/api/admin/leaderboards', {
    preHandler: anyHq,
    schema: { tags, summary: 'A leaderboard with members (phones masked unless the role may see them)', querystring: boardQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: { 200: R.adminLeaderboard } },
  }, async (req) => {
    const period = periodFrom(s, req.query);
    const phoneOf = phoneViewFor(req);
    const items = await s.leaderboards.top(s.readDb, req.query.metric, period, req.query.limit);
    return { metric: req.query.metric, period: describe(period), items: items.map((e) => ({ ...e, phone: phoneOf(e.phone) })) };
  });

  r.get('/api/admin/leaderboards/export', {
    preHandler: anyHq,
    schema: { tags, summary: 'Export a leaderboard (CSV or XLSX)', querystring: boardQuery.extend({ limit: z.coerce.number().int().min(1).max(10_000).default(1000), format: z.enum(['csv', 'xlsx']).default('csv') }), response: { 200: file('The leaderboard as CSV or XLSX (format)', CSV, XLSX) } },
  }, async (req, reply) => {
    const period = periodFrom(s, req.query);
    const phoneOf = phoneViewFor(req);
    const items = await s.leaderboards.top(s.readDb, req.query.metric, period, req.query.limit);
    type Row = (typeof items)[number];
    const money = req.query.metric !== 'invites';
    const columns: ExportColumn<Row>[] = [
      { header: '排名', value: (e) => e.rank, width: 8 },
      { header: '会员ID', value: (e) => e.memberId, width: 10 },
      { header: '昵称', value: (e) => e.nickname },
      { header: '手机号', value: (e) => phoneOf(e.phone), width: 14 },
      { header: money ? '金额(元)' : '人数', value: (e) => (money ? (e.value / 100).toFixed(2) : e.value), width: 14 },
    ];
    const name = `leaderboard-${req.query.metric}-${period.key ?? `${period.from}_${period.to}`}`.replace(/[^\w.-]/g, '_');
    if (req.query.format === 'xlsx') {
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await toXlsx('排行榜', columns, items));
    }
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(columns, items));
  });

  r.get('/api/admin/leaderboards/rank', {
    preHandler: anyHq,
    schema: { tags, summary: "A member's rank on a leaderboard", querystring: boardQuery.extend({ memberId: z.coerce.number().int().positive() }), response: { 200: R.memberRank } },
  }, async (req) => {
    await s.members.require(s.db, req.query.memberId);
    const period = periodFrom(s, req.query);
    return { period: describe(period), ...(await s.leaderboards.rankOf(s.readDb, req.query.metric, period, req.query.memberId)) };
  });

  r.post('/api/admin/leaderboards/fold', { preHandler: operators, schema: { tags, summary: 'Fold pending leaderboard deltas and scan new invites now', response: { 200: R.folded } } }, async () => {
    const invites = await s.leaderboards.scanInvites();
    const folded = await s.leaderboards.fold();
    return { invites: invites.invites, deltas: folded.deltas };
  });

  r.get('/api/admin/tier-rules', { preHandler: anyHq, schema: { tags, summary: 'Tier upgrade rules, with every tier', response: { 200: R.tierRules } } }, async () => ({
    tiers: await s.members.tiers(s.db),
    items: await s.tierUpgrades.rules(s.db),
  }));

  r.put('/api/admin/tier-rules/:id', {
    preHandler: operators,
    schema: {
      tags,
      summary: "Set a tier's upgrade rule (conditions matched all/any); audited; every distributor is checked again",
      description:
        'Refused without complianceOverride (a reason of at least 10 characters, stored with who and when, audited as tier.compliance_override): 422 COMPLIANCE_ENTRY_FEE (field productId) when buying the package is the only way to the tier (with at most direct referrals besides); 422 COMPLIANCE_RECRUITING_CASH (field directReferrals) when direct referrals alone reach a tier whose commission rates are above the entry tier’s. A condition of 0 is no condition.',
      params: idParams,
      body: tierRuleBody,
      response: { 200: R.tierRule },
    },
  }, async (req) => s.tierUpgrades.saveRule(member(req).id, req.params.id, req.body));

  r.delete('/api/admin/tier-rules/:id', { preHandler: operators, schema: { tags, summary: "Remove a tier's upgrade rule; audited", params: idParams, response: { 204: noContent } } }, async (req, reply) => {
    await s.tierUpgrades.deleteRule(member(req).id, req.params.id);
    return reply.status(204).send();
  });

  r.post('/api/admin/tier-rules/check', { preHandler: operators, schema: { tags, summary: 'Run queued tier checks now', response: { 200: R.tierCheck } } }, async () => s.tierUpgrades.processQueue(1000));
}

