import { afterAll, beforeAll, expect, it } from 'vitest';
import { conditionProgress, ruleMet, type MemberStanding } from '../../src/modules/growth/tiers.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const standing: MemberStanding = { ownSpendFen: 5_000, teamSalesFen: 0, directReferrals: 2, commissionEarnedFen: 900, boughtProductIds: [7] };
const none = { ownSpendFen: null, teamSalesFen: null, directReferrals: null, commissionEarnedFen: null, productId: null };

it('a rule matches all or any of the conditions it sets', () => {
  expect(ruleMet({ ...none, match: 'all', ownSpendFen: 5_000, directReferrals: 2 }, standing)).toBe(true);
  expect(ruleMet({ ...none, match: 'all', ownSpendFen: 5_000, commissionEarnedFen: 1_000 }, standing)).toBe(false);
  expect(ruleMet({ ...none, match: 'any', productId: 8, commissionEarnedFen: 900 }, standing)).toBe(true);
  expect(ruleMet({ ...none, match: 'any', productId: 8 }, standing)).toBe(false);
  expect(ruleMet({ ...none, match: 'all' }, standing)).toBe(false);
  expect(conditionProgress({ ...none, teamSalesFen: 100, productId: 7 }, standing)).toEqual([
    { condition: 'teamSalesFen', required: 100, current: 0, met: false },
    { condition: 'productId', required: 7, current: 7, met: true },
  ]);
});

describeEachDatabase('distributor tiers upgrade automatically, from the next order on', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let skuId: number;
  let packageSkuId: number;
  let packageId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { tierRatesBp: { '1': [1_000, 500, 300], '2': [2_000, 500, 300], '3': [2_500, 800, 400] } } } });
    owner = await hqMember(app, 'owner');
    for (const [id, name, rank] of [[2, '银牌', 2], [3, '金牌', 3]] as const) {
      expect((await call(app, 'PUT', `/api/admin/tiers/${id}`, { token: owner.token, body: { name, rank } })).status).toBe(204);
    }
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
    const pkg = await createProduct(app, owner, [{ priceFen: 39_900 }], '创业礼包');
    packageId = pkg.id;
    packageSkuId = pkg.skus[0].id;
  });
  afterAll(async () => app?.close());

  const tierOf = async (m: RegisteredMember) => (await app.services.members.require(app.services.db, m.id)).tierId;
  const saveRule = (tierId: number, body: object, token = owner.token) => call(app, 'PUT', `/api/admin/tier-rules/${tierId}`, { token, body });

  it('refuses an empty rule, the entry tier and an auditor, changing nothing', async () => {
    const empty = await saveRule(2, { match: 'all' });
    expect([empty.status, empty.body.code]).toEqual([422, 'TIER_RULE_EMPTY']);
    const entry = await saveRule(1, { ownSpendFen: 100 });
    expect([entry.status, entry.body.code]).toEqual([422, 'TIER_IS_ENTRY']);
    const missing = await saveRule(99, { ownSpendFen: 100 });
    expect([missing.status, missing.body.code]).toEqual([404, 'TIER_NOT_FOUND']);
    const auditor = await hqMember(app, 'auditor');
    expect((await saveRule(2, { ownSpendFen: 100 }, auditor.token)).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/tier-rules', { token: owner.token })).body.items).toEqual([]);
  });

  it('an upline reaching the commission threshold earns the new rate from the next order', async () => {
    expect((await saveRule(2, { commissionEarnedFen: 1_000 })).status).toBe(200);
    const [earner, buyer] = await registerChain(app, 2);
    await app.services.tierUpgrades.processQueue(1_000); // the save queued every distributor; nobody qualifies yet
    expect(await tierOf(earner)).toBe(1);

    const first = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect(await tierOf(earner)).toBe(2);
    const second = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const earned = async (orderId: number) =>
      (await app.services.db.selectFrom('commission_earnings').select('amount_fen').where('order_id', '=', orderId).where('earner_id', '=', earner.id).executeTakeFirstOrThrow()).amount_fen;
    expect(await earned(first.id)).toBe(1_000); // paid at tier 1 (10 %)
    expect(await earned(second.id)).toBe(2_000); // tier 2 (20 %)

    const audit = await call(app, 'GET', `/api/admin/audit-log?action=distributor.tier&targetId=${earner.id}`, { token: owner.token });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorId: null, before: { tierId: 1 }, after: { tierId: 2 } });
    expect(audit.body.items[0].reason).toContain('commissionEarnedFen');
  });

  it('buying the chosen package (any-of) lifts the buyer to the highest tier reached; never down automatically', async () => {
    expect((await saveRule(3, { match: 'any', productId: packageId, ownSpendFen: 10_000_000 })).status).toBe(200);
    const [buyer] = await registerChain(app, 1);
    await buyAndPay(app, buyer, [{ skuId: packageSkuId, quantity: 1 }]);
    expect(await tierOf(buyer)).toBe(3);

    // HQ may still set any tier by hand; the next order lifts it again only if a rule holds
    const operator = await hqMember(app, 'operator');
    expect((await call(app, 'POST', `/api/admin/members/${buyer.id}/tier`, { token: operator.token, body: { tierId: 1, reason: '手动调整测试' } })).status).toBe(204);
    expect(await tierOf(buyer)).toBe(1);
    const other = await register(app);
    expect((await call(app, 'POST', `/api/admin/members/${other.id}/tier`, { token: operator.token, body: { tierId: 3, reason: '手动授予金牌' } })).status).toBe(204);
    await buyAndPay(app, other, [{ skuId, quantity: 1 }]);
    expect(await tierOf(other)).toBe(3);
  });

  it('direct referrals are checked by the job; the shop shows progress to the next tier', async () => {
    // direct referrals alone into 银牌, which pays more than the entry tier: only under a compliance override
    expect((await saveRule(2, { match: 'all', directReferrals: 2, ownSpendFen: 0 })).body.code).toBe('COMPLIANCE_RECRUITING_CASH');
    expect((await saveRule(2, { match: 'all', directReferrals: 2, ownSpendFen: 0, complianceOverride: { reason: '测试：直推升级经法务审核' } })).status).toBe(200);
    await app.services.tierUpgrades.processQueue(1_000);
    const leader = await register(app);
    const progress0 = await call(app, 'GET', '/api/me/tier-progress', { token: leader.token });
    expect(progress0.body).toMatchObject({ tierId: 1, next: { tierId: 2, match: 'all' } });
    expect(progress0.body.next.conditions).toEqual([
      { condition: 'ownSpendFen', required: 0, current: 0, met: true },
      { condition: 'directReferrals', required: 2, current: 0, met: false },
    ]);
    await register(app, { inviteCode: leader.inviteCode });
    await register(app, { inviteCode: leader.inviteCode });
    expect(await tierOf(leader)).toBe(1);
    await app.services.leaderboards.scanInvites();
    await app.services.tierUpgrades.processQueue(1_000);
    expect(await tierOf(leader)).toBe(2);
    const progress = await call(app, 'GET', '/api/me/tier-progress', { token: leader.token });
    expect(progress.body).toMatchObject({ tierId: 2, next: { tierId: 3, match: 'any', productTitle: '创业礼包' } });
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token })).body.ok).toBe(true);
  });

  it('a removed rule stops upgrades', async () => {
    expect((await call(app, 'DELETE', '/api/admin/tier-rules/3', { token: owner.token })).status).toBe(204);
    expect((await call(app, 'DELETE', '/api/admin/tier-rules/3', { token: owner.token })).status).toBe(404);
    const [buyer] = await registerChain(app, 1);
    await buyAndPay(app, buyer, [{ skuId: packageSkuId, quantity: 1 }]);
    expect(await tierOf(buyer)).toBe(1);
  });
});
