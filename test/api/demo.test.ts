// The demo a newcomer sees after `npm start`: every feature's seed on an empty database, then the
// facts each screen relies on — parties signing in to their own pages, a running contest with
// standings, a populated leaderboard, analytics with real numbers — and reconciliation clean.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { call } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled } from '../support/rules-kit.js';

describeEachDatabase('the demo data', (kind) => {
  let app: TestApp;
  let owner: string;
  beforeAll(async () => {
    // the seed waits out a contest's deadline, so this clock moves with wall time
    app = await startTestApp(kind, { tickingClock: true });
    expect(await seedDemo(app.services)).toBe(true);
    expect(await seedDemo(app.services)).toBe(false);
    owner = await login('13800000000');
  }, 240_000);
  afterAll(async () => app?.close());

  const login = async (phone: string) => {
    const res = await call(app, 'POST', '/api/auth/login', { body: { phone, password: 'demo1234' } });
    expect(res.status).toBe(200);
    return res.body.token as string;
  };

  it('promotions: chain members at different levels, coupons claimed and used, a sharer paid guide commission', async () => {
    const { db, memberLevels, coupons } = app.services;
    const levelOf = async (phone: string) => {
      const m = await db.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
      return (await memberLevels.standing(db, m.id)).level?.name;
    };
    const levels = await Promise.all(['13900000001', '13900000002', '13900000003', '13900000004', '13900000005'].map(levelOf));
    expect(levels[0]).toBe('钻石会员');
    expect(new Set(levels).size).toBeGreaterThanOrEqual(2);
    const templates = await coupons.listTemplates(db, { limit: 20, offset: 0 });
    expect(templates.reduce((s, t) => s + t.usedCount, 0)).toBe(4);
    const chen = await db.selectFrom('members').select('id').where('phone', '=', '13900000002').executeTakeFirstOrThrow();
    expect((await coupons.sharerSummary(db, chen.id)).guideEarnedFen).toBeGreaterThan(0);
  });

  it('contests: one finished with prizes paid, one running with live standings, one scheduled', async () => {
    const contests = (await call(app, 'GET', '/api/admin/contests', { token: owner })).body.items as Array<{ id: number; name: string; state: string; prizeTotalFen: number }>;
    expect(contests.map((c) => c.state).sort()).toEqual(['finished', 'running', 'scheduled']);
    const running = contests.find((c) => c.state === 'running')!;
    const standings = (await call(app, 'GET', `/api/admin/contests/${running.id}/standings`, { token: owner })).body;
    expect(standings.squads).toHaveLength(3);
    expect(standings.squads.every((s: { value: number }) => s.value > 0)).toBe(true);
    const finished = contests.find((c) => c.state === 'finished')!;
    const results = (await call(app, 'GET', `/api/admin/contests/${finished.id}/results`, { token: owner })).body;
    expect(JSON.stringify(results)).toContain('prize');
  });

  it('growth: the month’s commission leaderboard is populated with masked names; some members were upgraded', async () => {
    const board = (await call(app, 'GET', '/api/leaderboards?metric=commission&period=month')).body.items as Array<{ rank: number; nickname: string; value: number }>;
    expect(board.length).toBeGreaterThanOrEqual(8);
    expect(board[0].value).toBeGreaterThan(board[7].value);
    expect(board.every((row) => row.nickname.includes('*'))).toBe(true);
    const upgraded = await app.services.db.selectFrom('audit_log').select('id').where('action', '=', 'distributor.tier').where('actor_id', 'is', null).execute();
    expect(upgraded.length).toBeGreaterThan(0);
  });

  it('compliance: nothing in the demo pays cash for recruiting alone or makes a purchase the only way to a tier', async () => {
    const report = (await call(app, 'GET', '/api/admin/compliance/report', { token: owner })).body;
    expect(report.findings).toEqual([]);
    expect(report.overrides).toEqual([]);
    expect(report.money.recruitingCashFen).toBe(0);
    expect(report.money.commissionByLevel.map((l: { level: number }) => l.level)).toEqual([1, 2, 3]);
  });

  it('insights: member value, channel figures and a share-link funnel with real numbers', async () => {
    const members = (await call(app, 'GET', '/api/admin/insights/members?limit=3', { token: owner })).body;
    expect(members.items[0].socialValueFen).toBeGreaterThan(0);
    expect(members.items[0].indirectSocialFen).toBeGreaterThan(0);
    const funnel = (await call(app, 'GET', '/api/admin/insights/funnel', { token: owner })).body;
    expect(funnel).toMatchObject({ visitors: 24, registrations: 10 });
    expect(funnel.firstOrders).toBeGreaterThan(0);
    const channels = (await call(app, 'GET', '/api/admin/insights/channels', { token: owner })).body.modes as Array<{ kind: string; netFen: number }>;
    for (const kind of ['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale']) {
      expect(channels.find((m) => m.kind === kind)?.netFen, kind).toBeGreaterThan(0);
    }
  });

  it('suppliers: the demo supplier signs in to its own pages with products, a pending proposal, orders and settlements', async () => {
    const token = await login('13700000001');
    expect((await call(app, 'GET', '/api/me', { token })).body.parties).toEqual([expect.objectContaining({ kind: 'supplier', name: '云岭茶业有限公司' })]);
    expect((await call(app, 'GET', '/api/supplier/products', { token })).body.items).toHaveLength(2);
    expect((await call(app, 'GET', '/api/supplier/proposals?status=pending', { token })).body.items).toHaveLength(1);
    expect((await call(app, 'GET', '/api/supplier/orders', { token })).body.items).toHaveLength(3);
    const summary = (await call(app, 'GET', '/api/supplier/me', { token })).body.settlements;
    expect(summary.pendingFen).toBeGreaterThan(0);
    expect(summary.frozenFen).toBeGreaterThan(0);
  });

  it('dealers: both dealers sign in and see stock, restocks, rewards and sale earnings', async () => {
    const upper = await login('13700000011');
    const lower = await login('13700000012');
    expect((await call(app, 'GET', '/api/me', { token: upper })).body.parties).toEqual([expect.objectContaining({ kind: 'dealer', name: '华南茶行' })]);
    const upperMe = (await call(app, 'GET', '/api/dealer/me', { token: upper })).body;
    expect(upperMe.earnings.lowerRestocks.rewardFen).toBeGreaterThan(0);
    const lowerMe = (await call(app, 'GET', '/api/dealer/me', { token: lower })).body;
    expect(lowerMe.earnings.saleEarnings.pendingFen + lowerMe.earnings.saleEarnings.frozenFen).toBeGreaterThan(0);
    expect((await call(app, 'GET', '/api/dealer/stock', { token: lower })).body.items).toHaveLength(2);
    expect((await call(app, 'GET', `/api/dealer-shops/${lowerMe.id}`)).body.products).toHaveLength(2);
  });

  it('channels: agents and store staff sign in to their own pages; HQ pages stay closed to them', async () => {
    const agent = await login('13700000022');
    expect((await call(app, 'GET', '/api/me', { token: agent })).body.parties).toEqual([expect.objectContaining({ kind: 'agent' })]);
    expect((await call(app, 'GET', '/api/agent/targets', { token: agent })).status).toBe(200);
    const manager = await login('13700000027');
    const parties = (await call(app, 'GET', '/api/me', { token: manager })).body.parties as Array<{ kind: string; id: number }>;
    const store = parties.find((p) => p.kind === 'store')!;
    expect((await call(app, 'GET', `/api/store/${store.id}/customers`, { token: manager })).body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call(app, 'GET', '/api/admin/members', { token: manager })).status).toBe(403);
  });

  it('loyalty: sign-ins, a rewarded note and mall redemptions', async () => {
    const lin = await login('13900000001');
    expect((await call(app, 'GET', '/api/me/points', { token: lin })).body.balance).toBeGreaterThan(0);
    const notes = (await call(app, 'GET', '/api/loyalty/notes')).body.items as Array<{ likeCount: number }>;
    expect(notes.some((n) => n.likeCount >= 5)).toBe(true);
  });

  it('reconciliation is clean after the whole demo', async () => {
    await expectReconciled(app, owner);
  });
});
