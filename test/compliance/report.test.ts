// The compliance report (issue 16): the rule version and levels in force, every override with who and
// when, and what the programme paid in a period per metric — checked against amounts worked out here
// from what the test itself paid — as JSON and as an XLSX workbook read back with exceljs.
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const DAY = 86_400_000;
const RATES = [1_000, 500, 300];
const PRICE = 20_000;
const CONTEST_CASH = 3_000;
const CONTEST_POINTS = 500;
const WITHHELD = 1_000;
const REFERRAL_CASH = 8_800;
const REFERRAL_POINTS = 300;
const CONTEST_REASON = '总部法务审核通过：拉新赛奖金以首单为前提';
const LEVEL_REASON = '代理推荐奖经法务确认，按区域销售业绩核发';

/** The Shanghai day of an instant, YYYY-MM-DD. */
const shanghaiDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describeEachDatabase('the compliance report and its XLSX', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember, operator: RegisteredMember, finance: RegisteredMember, auditor: RegisteredMember;
  let contestId: number, levelId: number, withheldId: number;
  let range: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { tierRatesBp: { '1': RATES } } } });
    [owner, operator, finance, auditor] = [await hqMember(app, 'owner'), await hqMember(app, 'operator'), await hqMember(app, 'finance'), await hqMember(app, 'auditor')];
    const skuId = (await createProduct(app, owner, [{ priceFen: PRICE }])).skus[0].id;

    // commission: a chain of three distributors above a buyer, one order of ¥200
    const [, , , buyer] = await registerChain(app, 4);
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);

    // an invites contest with a cash prize under an override, and one from before the guard (withheld)
    const capA = await register(app);
    const capB = await register(app);
    const a1 = await register(app, { inviteCode: capA.inviteCode });
    const squadA = (await call(app, 'POST', '/api/admin/squads', { token: owner.token, body: { name: '甲队', captainId: capA.id } })).body;
    const squadB = (await call(app, 'POST', '/api/admin/squads', { token: owner.token, body: { name: '乙队', captainId: capB.id } })).body;
    await call(app, 'POST', '/api/me/squad/join', { token: a1.token, body: { code: squadA.inviteCode } });
    app.clock.advanceMs(1_000);
    const t0 = app.clock.now().getTime();
    const window = { startAt: new Date(t0), deadline: new Date(t0 + DAY), squadIds: [squadA.id, squadB.id] };
    const contest = await call(app, 'POST', '/api/admin/contests', {
      token: operator.token,
      body: { name: '拉新赛', metric: 'invites', ...window, prizes: [{ rank: 1, amountFen: CONTEST_CASH }, { rank: 2, kind: 'points', points: CONTEST_POINTS }], complianceOverride: { reason: CONTEST_REASON } },
    });
    contestId = contest.body.id;
    const legacy = await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { name: '旧拉新赛', metric: 'sales', ...window, prizes: [{ rank: 1, amountFen: WITHHELD }] } });
    withheldId = legacy.body.id;
    await app.services.db.updateTable('contests').set({ metric: 'invites' }).where('id', '=', withheldId).execute();
    app.clock.advanceMs(1_000);
    await register(app, { inviteCode: a1.inviteCode });

    // agent referral awards: one in cash under an override, one in points
    const cashLevel = await call(app, 'POST', '/api/admin/agent-levels', { token: owner.token, body: { name: '现金级', salesAwardBp: 0, referralAwardFen: REFERRAL_CASH, complianceOverride: { reason: LEVEL_REASON } } });
    levelId = cashLevel.body.id;
    const pointsLevel = await call(app, 'POST', '/api/admin/agent-levels', { token: owner.token, body: { name: '积分级', salesAwardBp: 0, referralAwardPoints: REFERRAL_POINTS } });
    const term = { termStart: new Date(t0 - DAY), termEnd: new Date(t0 + 365 * DAY) };
    const top = await register(app);
    const [x, y] = [await register(app, { inviteCode: top.inviteCode }), await register(app, { inviteCode: top.inviteCode })];
    await call(app, 'POST', '/api/admin/agents/non-regional', { token: owner.token, body: { memberId: top.id, levelId: pointsLevel.body.id, ...term } });
    await call(app, 'POST', '/api/admin/agents/non-regional', { token: owner.token, body: { memberId: x.id, levelId: cashLevel.body.id, ...term } });
    await call(app, 'POST', '/api/admin/agents/non-regional', { token: owner.token, body: { memberId: y.id, levelId: pointsLevel.body.id, ...term } });

    app.clock.advanceMs(DAY);
    await app.services.contests.finalizeDue();
    // the whole story happened within these Shanghai days
    range = `from=${shanghaiDay(new Date(t0 - DAY))}&to=${shanghaiDay(app.clock.now())}`;
  });
  afterAll(async () => app?.close());

  it('is for owner, finance and auditor', async () => {
    expect((await call(app, 'GET', `/api/admin/compliance/report?${range}`, { token: operator.token })).status).toBe(403);
    for (const m of [owner, finance, auditor]) expect((await call(app, 'GET', `/api/admin/compliance/report?${range}`, { token: m.token })).status).toBe(200);
    expect((await call(app, 'GET', '/api/admin/compliance/report?from=2026-12-02&to=2026-12-01', { token: owner.token })).body.code).toBe('RANGE_INVALID');
  });

  it('shows the rule version and levels in force, and every override with who and when', async () => {
    const report = (await call(app, 'GET', `/api/admin/compliance/report?${range}`, { token: auditor.token })).body;
    const version = (await call(app, 'GET', '/api/admin/rules', { token: owner.token })).body;
    expect(report.ruleVersion.id).toBe(version.current.id);
    expect(report.commission).toMatchObject({ levels: 3, maxLevelsWithoutOverride: 3, levelsOverride: null });
    expect(report.commission.tierRates.find((t: any) => t.tierId === 1).ratesBp).toEqual(RATES);
    const overrides = report.overrides.map((o: any) => [o.action, o.targetId, o.actorId, o.reason]);
    expect(overrides).toEqual([
      ['agent_level.compliance_override', String(levelId), owner.id, LEVEL_REASON],
      ['contests.compliance_override', String(contestId), operator.id, CONTEST_REASON],
    ]);
    for (const o of report.overrides) expect(Number.isNaN(Date.parse(o.at))).toBe(false);
    expect(report.findings).toEqual([{ area: 'contest', id: withheldId, name: '旧拉新赛', code: 'COMPLIANCE_RECRUITING_CASH', field: 'prizes', effect: 'cash_withheld' }]);
  });

  it('its money figures are what the test paid, per metric', async () => {
    const { money } = (await call(app, 'GET', `/api/admin/compliance/report?${range}`, { token: finance.token })).body;
    const levels = RATES.map((bp, i) => ({ level: i + 1, earnings: 1, amountFen: (PRICE * bp) / 10_000, reversedFen: 0, netFen: (PRICE * bp) / 10_000 }));
    expect(money.commissionByLevel).toEqual(levels);
    const commission = levels.reduce((s, l) => s + l.amountFen, 0);
    expect(money.earningsByKind).toEqual([{ kind: 'distribution', earnings: 3, amountFen: commission, reversedFen: 0, netFen: commission }]);
    expect(money.contestPrizes).toEqual([{ metric: 'invites', cashFen: CONTEST_CASH, withheldFen: WITHHELD, points: CONTEST_POINTS, honours: 0 }]);
    expect(money.agentReferral).toEqual({ cashAwards: 1, cashFen: REFERRAL_CASH, pointsAwards: 1, points: REFERRAL_POINTS });
    expect(money.recruitingCashFen).toBe(REFERRAL_CASH + CONTEST_CASH);
    // a period before any of it paid nothing
    const before = (await call(app, 'GET', '/api/admin/compliance/report?from=2026-01-01&to=2026-01-31', { token: finance.token })).body.money;
    expect([before.commissionByLevel, before.contestPrizes, before.agentReferral.cashFen, before.recruitingCashFen]).toEqual([[], [], 0, 0]);
  });

  it('counts awards by ledger code on the day the ledger booked them', async () => {
    // the ledger stamps a transfer with the database's time (the transaction's start), not the app's clock
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(app.services.db);
    const booked = new Date(rows[0].now);
    // the day before too: the suite may have started just before a Shanghai midnight
    const { money } = (await call(app, 'GET', `/api/admin/compliance/report?from=${shanghaiDay(new Date(booked.getTime() - DAY))}&to=${shanghaiDay(booked)}`, { token: finance.token })).body;
    expect(money.awardsByCode).toEqual([
      { code: 'agent_referral.award', awards: 1, amountFen: REFERRAL_CASH },
      { code: 'contest.prize', awards: 1, amountFen: CONTEST_CASH },
    ]);
  });

  it('downloads as an XLSX workbook that opens and holds the overrides and the figures; the download is audited', async () => {
    const res = await app.http.inject({ method: 'GET', url: `/api/admin/compliance/report/export?${range}&lang=zh`, headers: { authorization: `Bearer ${auditor.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(/compliance-report-.*\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '合规豁免记录', '发放金额', '待处理']);
    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const overrides = rowsOf('合规豁免记录');
    expect(overrides[0]).toEqual(['时间', '豁免内容', '对象', '操作人', '理由', '详情']);
    expect(overrides.slice(1).map((r) => [r[1], r[4]])).toEqual([['推荐代理现金奖', LEVEL_REASON], ['拉新赛发放现金奖金', CONTEST_REASON]]);
    const money = rowsOf('发放金额');
    expect(money).toContainEqual(['分销佣金', '第 1 级', '销售', '现金', 1, (PRICE * RATES[0]) / 10_000 / 100, 0]);
    expect(money).toContainEqual(['PK 赛奖金', '已发放', 'invites', '现金', undefined, CONTEST_CASH / 100]);
    expect(money).toContainEqual(['PK 赛奖金', '暂扣未发', 'invites', '现金', undefined, WITHHELD / 100]);
    expect(money).toContainEqual(['推荐代理奖', '现金', '邀请', '现金', 1, REFERRAL_CASH / 100]);
    expect(money).toContainEqual(['推荐代理奖', '积分', '邀请', '非现金', 1, undefined, undefined, REFERRAL_POINTS]);
    expect(rowsOf('待处理').slice(1)).toEqual([['PK 赛', withheldId, '旧拉新赛', '仅凭拉人头发放现金', 'prizes', '现金奖金已暂扣，待合规豁免后发放']]);

    const en = await app.http.inject({ method: 'GET', url: `/api/admin/compliance/report/export?${range}&lang=en`, headers: { authorization: `Bearer ${auditor.token}` } });
    const wbEn = new ExcelJS.Workbook();
    await wbEn.xlsx.load(en.rawPayload as unknown as ArrayBuffer);
    expect(wbEn.worksheets.map((w) => w.name)).toEqual(['Overview', 'Overrides', 'Money paid', 'Findings']);
    const audited = (await call(app, 'GET', '/api/admin/audit-log?action=export.compliance_report', { token: owner.token })).body.items;
    expect(audited).toHaveLength(2);
    expect(audited[1]).toMatchObject({ actorId: auditor.id, after: { lang: 'zh', overrides: 2 } });
    expect((await app.http.inject({ method: 'GET', url: `/api/admin/compliance/report/export?${range}`, headers: { authorization: `Bearer ${operator.token}` } })).statusCode).toBe(403);
  });
});
