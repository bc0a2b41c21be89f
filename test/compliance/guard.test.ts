// The compliance guard, extended (issue 16): recruiting alone never pays withdrawable cash — invites
// contests, agent referral awards, invite-only tier rules into a better-paying tier — and buying a
// package is never the only way to a tier, unless HQ records an explicit, audited override.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { hasInviteOnlyPath, isEntryFee, tierRulePaths } from '../../src/modules/compliance/index.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const none = { ownSpendFen: null, teamSalesFen: null, directReferrals: null, commissionEarnedFen: null, productId: null };

it('the ways to a tier, entry fees and invite-only ways (a condition of 0 is no condition)', () => {
  expect(tierRulePaths({ ...none, match: 'any', teamSalesFen: 100, productId: 7 })).toEqual([['teamSalesFen'], ['productId']]);
  expect(isEntryFee({ ...none, match: 'any', productId: 7 })).toBe(true);
  expect(isEntryFee({ ...none, match: 'all', productId: 7, directReferrals: 3 })).toBe(true);
  expect(isEntryFee({ ...none, match: 'all', productId: 7, ownSpendFen: 0 })).toBe(true);
  expect(isEntryFee({ ...none, match: 'any', productId: 7, teamSalesFen: 1_000_000 })).toBe(false);
  expect(isEntryFee({ ...none, match: 'all', productId: 7, teamSalesFen: 1_000 })).toBe(false);
  expect(hasInviteOnlyPath({ ...none, match: 'all', directReferrals: 2, ownSpendFen: 0 })).toBe(true);
  expect(hasInviteOnlyPath({ ...none, match: 'any', directReferrals: 2, commissionEarnedFen: 100 })).toBe(true);
  expect(hasInviteOnlyPath({ ...none, match: 'all', directReferrals: 2, commissionEarnedFen: 100 })).toBe(false);
  // an any-rule with a 0 condition is open to everyone: no way needs anything
  expect(tierRulePaths({ ...none, match: 'any', ownSpendFen: 0, directReferrals: 2 })).toEqual([[], ['directReferrals']]);
});

describeEachDatabase('the compliance guard: no cash for recruiting alone, no entry fee, without an audited override', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let squadIds: number[];
  let capA: RegisteredMember, capB: RegisteredMember, a1: RegisteredMember;
  let packageId: number, packageSkuId: number;
  const OVERRIDE = { reason: '总部法务已审核：本次活动奖金以销售为前提' };

  beforeAll(async () => {
    // 银牌 (2) pays more than the entry tier; 荣誉 (3) pays the same: its reward is an honour
    app = await startTestApp(kind, { rules: { commission: { tierRatesBp: { '1': [1_000, 500, 300], '2': [1_500, 600, 300], '3': [1_000, 500, 300] } } } });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    finance = await hqMember(app, 'finance');
    for (const [id, name, rank] of [[2, '银牌', 2], [3, '荣誉推客', 3]] as const) expect((await call(app, 'PUT', `/api/admin/tiers/${id}`, { token: owner.token, body: { name, rank } })).status).toBe(204);
    const pkg = await createProduct(app, owner, [{ priceFen: 39_900 }], '创业礼包');
    packageId = pkg.id;
    packageSkuId = pkg.skus[0].id;
    capA = await register(app, { nickname: '队长A' });
    capB = await register(app, { nickname: '队长B' });
    a1 = await register(app, { nickname: '队员A1', inviteCode: capA.inviteCode });
    const squadA = (await call(app, 'POST', '/api/admin/squads', { token: owner.token, body: { name: '甲队', captainId: capA.id } })).body;
    const squadB = (await call(app, 'POST', '/api/admin/squads', { token: owner.token, body: { name: '乙队', captainId: capB.id } })).body;
    expect((await call(app, 'POST', '/api/me/squad/join', { token: a1.token, body: { code: squadA.inviteCode } })).status).toBe(200);
    squadIds = [squadA.id, squadB.id];
  });
  afterAll(async () => app?.close());

  const overridesOf = async (action: string, targetId: number | string) => (await call(app, 'GET', `/api/admin/audit-log?action=${action}&targetId=${targetId}`, { token: owner.token })).body.items as any[];
  const availableFen = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/commission/summary', { token: m.token })).body.availableFen as number;
  const pointsOf = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/points', { token: m.token })).body.balance as number;

  it('an invites contest with a cash prize is refused without the override, accepted and audited with it, and pays its cash at the deadline', async () => {
    app.clock.advanceMs(1_000); // the squads' own bindings are before the window
    const t0 = app.clock.now().getTime();
    const body = { name: '拉新赛', metric: 'invites', startAt: new Date(t0), deadline: new Date(t0 + DAY), squadIds, prizes: [{ rank: 1, amountFen: 3_000 }, { rank: 2, kind: 'points', points: 500 }] };
    const refused = await call(app, 'POST', '/api/admin/contests', { token: operator.token, body });
    expect([refused.status, refused.body.code, refused.body.details]).toEqual([422, 'COMPLIANCE_RECRUITING_CASH', { field: 'prizes', metric: 'invites', ranks: [1] }]);
    expect((await call(app, 'GET', '/api/admin/contests', { token: owner.token })).body.total).toBe(0);
    // a reason of fewer than ten characters is no override
    expect((await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { ...body, complianceOverride: { reason: '同意' } } })).status).toBe(400);

    const accepted = await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { ...body, complianceOverride: OVERRIDE } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.complianceOverride).toMatchObject({ reason: OVERRIDE.reason, byId: operator.id });
    expect(accepted.body.prizes).toEqual([{ rank: 1, kind: 'cash', amountFen: 3_000, points: null, title: null }, { rank: 2, kind: 'points', amountFen: 0, points: 500, title: null }]);
    const audited = await overridesOf('contests.compliance_override', accepted.body.id);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorId: operator.id, reason: OVERRIDE.reason, after: { code: 'COMPLIANCE_RECRUITING_CASH', field: 'prizes', metric: 'invites' } });

    // the same contest with points and an honour needs no override
    const points = await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { ...body, name: '拉新积分赛', prizes: [{ rank: 1, kind: 'points', points: 800 }, { rank: 2, kind: 'honour', title: '拉新新锐' }] } });
    expect(points.status).toBe(201);
    expect(points.body.complianceOverride).toBeNull();
    expect((await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { ...body, prizes: [{ rank: 1, kind: 'points', amountFen: 100 }] } })).body.code).toBe('PRIZE_INVALID');

    app.clock.advanceMs(1_000);
    await register(app, { inviteCode: a1.inviteCode });
    await register(app, { inviteCode: a1.inviteCode });
    app.clock.advanceMs(DAY);
    const [a1Cash, a1Points, capBPoints] = [await availableFen(a1), await pointsOf(a1), await pointsOf(capB)];
    await app.services.contests.finalizeDue();
    // 甲队 ranks first: a1 brought both members, so takes the ¥30 (override) and, from the other contest, the 800 points
    expect((await availableFen(a1)) - a1Cash).toBe(3_000);
    expect((await pointsOf(a1)) - a1Points).toBe(800);
    // 乙队 second, nobody contributed: its captain takes the 500 points, and the honour
    expect((await pointsOf(capB)) - capBPoints).toBe(500);
    const honour = await call(app, 'GET', `/api/admin/contests/${points.body.id}/results`, { token: owner.token });
    expect(honour.body.squads.map((s: any) => [s.squadId, s.honour, s.prizePoints])).toEqual([[squadIds[0], null, 800], [squadIds[1], '拉新新锐', 0]]);
  });

  it('an invites contest saved before the guard keeps its configuration, but its cash is withheld at the deadline until HQ records the override', async () => {
    const t0 = app.clock.now().getTime();
    const created = await call(app, 'POST', '/api/admin/contests', { token: operator.token, body: { name: '旧拉新赛', metric: 'sales', startAt: new Date(t0), deadline: new Date(t0 + DAY), squadIds, prizes: [{ rank: 1, amountFen: 1_000 }] } });
    // what an invites contest with cash looked like before the guard existed
    await app.services.db.updateTable('contests').set({ metric: 'invites' }).where('id', '=', created.body.id).execute();
    const findings = (await call(app, 'GET', '/api/admin/compliance/report', { token: owner.token })).body.findings;
    expect(findings).toContainEqual({ area: 'contest', id: created.body.id, name: '旧拉新赛', code: 'COMPLIANCE_RECRUITING_CASH', field: 'prizes', effect: 'cash_will_be_withheld' });

    app.clock.advanceMs(1_000);
    await register(app, { inviteCode: a1.inviteCode });
    app.clock.advanceMs(DAY);
    const before = await availableFen(a1);
    await app.services.contests.finalizeDue();
    expect(await availableFen(a1)).toBe(before);
    const results = await call(app, 'GET', `/api/admin/contests/${created.body.id}/results`, { token: owner.token });
    expect(results.body.squads[0]).toMatchObject({ squadId: squadIds[0], prizeFen: 1_000 });
    expect(results.body.contest.prizesWithheldAt).not.toBeNull();
    expect((await call(app, 'GET', `/api/admin/audit-log?action=contests.prizes_withheld&targetId=${created.body.id}`, { token: owner.token })).body.items[0].after).toMatchObject({ cashFen: 1_000, metric: 'invites' });

    const path = `/api/admin/contests/${created.body.id}/release-prizes`;
    expect((await call(app, 'POST', path, { token: operator.token, body: { complianceOverride: OVERRIDE } })).status).toBe(403);
    expect((await call(app, 'POST', path, { token: finance.token, body: {} })).status).toBe(400);
    const released = await call(app, 'POST', path, { token: finance.token, body: { complianceOverride: OVERRIDE } });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ releasedFen: 1_000, members: 1, contest: { prizesReleasedAt: expect.any(String), complianceOverride: { byId: finance.id } } });
    expect((await availableFen(a1)) - before).toBe(1_000);
    expect((await call(app, 'POST', path, { token: finance.token, body: { complianceOverride: OVERRIDE } })).body.code).toBe('CONTEST_PRIZES_RELEASED');
    expect(await overridesOf('contests.compliance_override', created.body.id)).toHaveLength(1);
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token })).body.ok).toBe(true);
  });

  it('an agent referral award in cash is refused without the override and paid with it; in points it needs none; a level from before the guard blocks appointments', async () => {
    const level = { name: '推荐现金级', salesAwardBp: 300, referralAwardFen: 8_800 };
    const refused = await call(app, 'POST', '/api/admin/agent-levels', { token: operator.token, body: level });
    expect([refused.status, refused.body.code, refused.body.details?.field]).toEqual([422, 'COMPLIANCE_RECRUITING_CASH', 'referralAwardFen']);
    const cash = await call(app, 'POST', '/api/admin/agent-levels', { token: operator.token, body: { ...level, complianceOverride: OVERRIDE } });
    expect(cash.status).toBe(201);
    expect(cash.body).toMatchObject({ referralAwardFen: 8_800, referralAwardPoints: 0, complianceOverride: { reason: OVERRIDE.reason, byId: operator.id } });
    expect((await overridesOf('agent_level.compliance_override', cash.body.id))[0]).toMatchObject({ actorId: operator.id, reason: OVERRIDE.reason, after: { field: 'referralAwardFen', referralAwardFen: 8_800 } });
    // saving it again without the override is refused again: the override is restated with each save
    expect((await call(app, 'PUT', `/api/admin/agent-levels/${cash.body.id}`, { token: operator.token, body: level })).body.code).toBe('COMPLIANCE_RECRUITING_CASH');
    const points = await call(app, 'POST', '/api/admin/agent-levels', { token: operator.token, body: { name: '推荐积分级', salesAwardBp: 300, referralAwardPoints: 300 } });
    expect(points.status).toBe(201);

    const term = { termStart: new Date(app.clock.now().getTime() - DAY), termEnd: new Date(app.clock.now().getTime() + 365 * DAY) };
    const top = await register(app, { nickname: '上级代理' });
    const second = await register(app, { inviteCode: top.inviteCode });
    const third = await register(app, { inviteCode: top.inviteCode });
    await call(app, 'POST', '/api/admin/agents/non-regional', { token: operator.token, body: { memberId: top.id, levelId: points.body.id, ...term } });
    const [cashBefore, pointsBefore] = [await availableFen(top), await pointsOf(top)];
    const viaCash = await call(app, 'POST', '/api/admin/agents/non-regional', { token: operator.token, body: { memberId: second.id, levelId: cash.body.id, ...term } });
    expect(viaCash.body.referralAward).toEqual({ earnerId: top.id, amountFen: 8_800, points: 0 });
    const viaPoints = await call(app, 'POST', '/api/admin/agents/non-regional', { token: operator.token, body: { memberId: third.id, levelId: points.body.id, ...term } });
    expect(viaPoints.body.referralAward).toEqual({ earnerId: top.id, amountFen: 0, points: 300 });
    expect((await availableFen(top)) - cashBefore).toBe(8_800);
    expect((await pointsOf(top)) - pointsBefore).toBe(300);

    // a level saved before the guard: cash, no override — appointing at it is refused until HQ decides
    await app.services.db.updateTable('agent_levels').set({ referral_award_fen: 500, compliance_override_reason: null, compliance_override_by: null, compliance_override_at: null }).where('id', '=', points.body.id).execute();
    const fourth = await register(app, { inviteCode: top.inviteCode });
    const blocked = await call(app, 'POST', '/api/admin/agents/non-regional', { token: operator.token, body: { memberId: fourth.id, levelId: points.body.id, ...term } });
    expect([blocked.status, blocked.body.code, blocked.body.details]).toEqual([422, 'COMPLIANCE_RECRUITING_CASH', { field: 'referralAwardFen', levelId: points.body.id }]);
    expect((await call(app, 'GET', '/api/admin/compliance/report', { token: owner.token })).body.findings).toContainEqual({ area: 'agent_level', id: points.body.id, name: '推荐积分级', code: 'COMPLIANCE_RECRUITING_CASH', field: 'referralAwardFen', effect: 'appointment_refused' });
  });

  it('an invite-only tier rule into a better-paying tier is refused without the override; into a tier that pays the same it is an honour', async () => {
    const save = (tierId: number, body: object) => call(app, 'PUT', `/api/admin/tier-rules/${tierId}`, { token: operator.token, body });
    const invitesOnly = await save(2, { match: 'any', directReferrals: 3 });
    expect([invitesOnly.status, invitesOnly.body.code, invitesOnly.body.details?.field]).toEqual([422, 'COMPLIANCE_RECRUITING_CASH', 'directReferrals']);
    // a condition of 0 is no condition
    expect((await save(2, { match: 'all', directReferrals: 3, ownSpendFen: 0 })).body.code).toBe('COMPLIANCE_RECRUITING_CASH');
    // with a sales condition besides (all) the invites are not alone
    expect((await save(2, { match: 'all', directReferrals: 3, commissionEarnedFen: 5_000 })).status).toBe(200);
    expect((await save(3, { match: 'any', directReferrals: 3 })).status).toBe(200);
    const overridden = await save(2, { match: 'any', directReferrals: 3, complianceOverride: OVERRIDE });
    expect(overridden.status).toBe(200);
    expect(overridden.body.complianceOverride).toMatchObject({ reason: OVERRIDE.reason, byId: operator.id });
    expect((await overridesOf('tier.compliance_override', 2))[0]).toMatchObject({ actorId: operator.id, reason: OVERRIDE.reason, after: { code: 'COMPLIANCE_RECRUITING_CASH', field: 'directReferrals' } });
  });

  it('a package-only tier rule is refused without the override (an entry fee); another way besides is fine; a rule from before the guard lifts nobody by the package', async () => {
    const save = (tierId: number, body: object) => call(app, 'PUT', `/api/admin/tier-rules/${tierId}`, { token: operator.token, body });
    await call(app, 'DELETE', '/api/admin/tier-rules/3', { token: operator.token });
    const only = await save(3, { match: 'any', productId: packageId });
    expect([only.status, only.body.code, only.body.details]).toEqual([422, 'COMPLIANCE_ENTRY_FEE', { field: 'productId', tierId: 3, productId: packageId }]);
    expect((await save(3, { match: 'all', productId: packageId, directReferrals: 2 })).body.code).toBe('COMPLIANCE_ENTRY_FEE');
    expect((await call(app, 'GET', '/api/admin/tier-rules', { token: owner.token })).body.items.map((r: any) => r.tierId)).toEqual([2]);
    expect((await save(3, { match: 'any', productId: packageId, teamSalesFen: 1_000_000 })).status).toBe(200);
    const overridden = await save(3, { match: 'any', productId: packageId, complianceOverride: OVERRIDE });
    expect(overridden.status).toBe(200);
    expect((await overridesOf('tier.compliance_override', 3))[0]).toMatchObject({ after: { code: 'COMPLIANCE_ENTRY_FEE', field: 'productId' } });
    const [buyer] = [await register(app)];
    await buyAndPay(app, buyer, [{ skuId: packageSkuId, quantity: 1 }]);
    expect((await app.services.members.require(app.services.db, buyer.id)).tierId).toBe(3);

    // the same rule with its override gone (saved before the guard): buying the package lifts nobody
    await app.services.db.updateTable('growth_tier_rules').set({ compliance_override_reason: null, compliance_override_by: null, compliance_override_at: null }).where('tier_id', '=', 3).execute();
    const next = await register(app);
    await buyAndPay(app, next, [{ skuId: packageSkuId, quantity: 1 }]);
    expect((await app.services.members.require(app.services.db, next.id)).tierId).toBe(1);
    expect((await call(app, 'GET', '/api/admin/compliance/report', { token: owner.token })).body.findings).toContainEqual({ area: 'tier_rule', id: 3, name: '荣誉推客', code: 'COMPLIANCE_ENTRY_FEE', field: 'productId', effect: 'rule_lifts_nobody' });
  });

  it('an invite-only way from before the guard lifts nobody into a better-paying tier', async () => {
    await app.services.db.updateTable('growth_tier_rules').set({ match: 'any', direct_referrals: 1, commission_earned_fen: null, compliance_override_reason: null, compliance_override_by: null, compliance_override_at: null }).where('tier_id', '=', 2).execute();
    await app.services.db.deleteFrom('growth_tier_rules').where('tier_id', '=', 3).execute();
    const leader = await register(app);
    await register(app, { inviteCode: leader.inviteCode });
    await app.services.leaderboards.scanInvites();
    await inTransaction(app.services.db, (tx) => app.services.tierUpgrades.evaluate(tx, leader.id, 'test'));
    expect((await app.services.members.require(app.services.db, leader.id)).tierId).toBe(1);
    const progress = await call(app, 'GET', '/api/me/tier-progress', { token: leader.token });
    expect(progress.body.next).toBeNull();
  });
});
