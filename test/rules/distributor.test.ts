// Rule 3: becoming a distributor — automatic, first_purchase, spend_threshold (≥ X) and application
// (apply → owner/operator approves or rejects, audited). Only active distributors earn.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, earningsByEarner, expectReconciled, me, setRules } from '../support/rules-kit.js';

const BASE: RuleConfigInput = {
  commission: { levels: 3, tierRatesBp: { '1': [1000, 500, 300] } },
  binding: { trigger: 'registration' },
  distributor: { mode: 'automatic', spendThresholdFen: 0 },
};

describeEachDatabase('rule 3: becoming a distributor', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let support: RegisteredMember;
  let auditor: RegisteredMember;
  let sku10k: number;
  let sku5k: number;

  const rules = (overrides: RuleConfigInput) => setRules(app, owner, overrides, BASE);
  const status = async (m: RegisteredMember) => (await me(app, m)).distributorStatus;
  const apply = (m: RegisteredMember) => call(app, 'POST', '/api/me/distributor-application', { token: m.token, body: { note: '我想推广' } });
  const review = (id: number, by: RegisteredMember, approve: boolean, reason?: string) =>
    call(app, 'POST', `/api/admin/distributor-applications/${id}/review`, { token: by.token, body: { approve, ...(reason ? { reason } : {}) } });

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
    auditor = await hqMember(app, 'auditor');
    const product = await createProduct(app, owner, [{ priceFen: 10_000 }, { priceFen: 5_000 }]);
    [sku10k, sku5k] = product.skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  it('automatic: every new member is an active distributor and earns at once', async () => {
    await rules({ distributor: { mode: 'automatic' } });
    const p = await register(app);
    expect(await status(p)).toBe('active');
    const buyer = await register(app, { inviteCode: p.inviteCode });
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect((await earningsByEarner(app, owner.token, order.id)).get(p.id)).toBe(1000);
    const applied = await apply(buyer);
    expect(applied.status).toBe(409);
  });

  it('first_purchase: a member becomes a distributor when their first order is paid, not before', async () => {
    await rules({ distributor: { mode: 'first_purchase' } });
    const p = await register(app);
    expect(await status(p)).toBe('none');
    const buyer = await register(app, { inviteCode: p.inviteCode });
    // p is not a distributor yet: p earns nothing on buyer's order
    const o1 = await buyAndPay(app, buyer, [{ skuId: sku5k, quantity: 1 }]);
    expect((await earningsByEarner(app, owner.token, o1.id)).size).toBe(0);
    expect(await status(buyer)).toBe('active');
    expect(await status(p)).toBe('none');
    // an unpaid checkout does not count
    await call(app, 'POST', '/api/orders', { token: p.token, body: { items: [{ skuId: sku5k, quantity: 1 }], checkoutKey: `unpaid-${p.id}-x` } });
    expect(await status(p)).toBe('none');
    await buyAndPay(app, p, [{ skuId: sku5k, quantity: 1 }]);
    expect(await status(p)).toBe('active');
    const o2 = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect((await earningsByEarner(app, owner.token, o2.id)).get(p.id)).toBe(1000);
    const audit = await auditLog(app, auditor.token, { action: 'distributor.status', targetId: String(p.id) });
    expect(audit[0]).toMatchObject({ after: { distributorStatus: 'active' } });
  });

  it('spend_threshold: active once total spend reaches X (≥, not >)', async () => {
    await rules({ distributor: { mode: 'spend_threshold', spendThresholdFen: 15_000 } });
    const m = await register(app);
    expect(await status(m)).toBe('none');
    await buyAndPay(app, m, [{ skuId: sku10k, quantity: 1 }]);
    expect(await status(m)).toBe('none');
    await buyAndPay(app, m, [{ skuId: sku5k, quantity: 1 }]); // 15 000 in total: exactly X
    expect(await status(m)).toBe('active');

    const below = await register(app);
    await buyAndPay(app, below, [{ skuId: sku5k, quantity: 2 }]);
    expect(await status(below)).toBe('none'); // 10 000 < 15 000
  });

  it('application: apply → operator approves; the approval is audited and the member earns from then on', async () => {
    await rules({ distributor: { mode: 'application' } });
    const p = await register(app);
    expect(await status(p)).toBe('none');
    const buyer = await register(app, { inviteCode: p.inviteCode });
    const before = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect((await earningsByEarner(app, owner.token, before.id)).size).toBe(0);

    const applied = await apply(p);
    expect(applied.status).toBe(201);
    expect(applied.body.status).toBe('pending');
    expect(await status(p)).toBe('applied');
    // applying twice keeps one open application
    expect((await apply(p)).body.applicationId).toBe(applied.body.applicationId);

    const list = await call(app, 'GET', '/api/admin/distributor-applications?status=pending', { token: operator.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: any) => a.id)).toContain(applied.body.applicationId);

    // finance, support and auditor may not review
    for (const who of [finance, support, auditor]) {
      const res = await review(applied.body.applicationId, who, true);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
    }
    expect(await status(p)).toBe('applied');

    const ok = await review(applied.body.applicationId, operator, true, '资料齐全');
    expect(ok.status).toBe(204);
    expect(await status(p)).toBe('active');
    expect((await review(applied.body.applicationId, operator, false, '重复审核')).status).toBe(409);
    const audit = await auditLog(app, auditor.token, { action: 'distributor.status', targetId: String(p.id) });
    expect(audit[0]).toMatchObject({ actorId: operator.id, before: { distributorStatus: 'applied' }, after: { distributorStatus: 'active' }, reason: '资料齐全' });

    const after = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    expect((await earningsByEarner(app, owner.token, after.id)).get(p.id)).toBe(1000);
    expect((await apply(p)).status).toBe(409);
  });

  it('application: the owner rejects; the member stays a non-distributor; audited with the reason', async () => {
    await rules({ distributor: { mode: 'application' } });
    const m = await register(app);
    const applied = await apply(m);
    expect(applied.status).toBe(201);
    const no = await review(applied.body.applicationId, owner, false, '资料不全');
    expect(no.status).toBe(204);
    expect(await status(m)).toBe('rejected');
    const audit = await auditLog(app, auditor.token, { action: 'distributor.status', targetId: String(m.id) });
    expect(audit[0]).toMatchObject({ actorId: owner.id, before: { distributorStatus: 'applied' }, after: { distributorStatus: 'rejected' }, reason: '资料不全' });
    const rejected = await call(app, 'GET', '/api/admin/distributor-applications?status=rejected', { token: owner.token });
    expect(rejected.body.items.find((a: any) => a.id === applied.body.applicationId)).toMatchObject({ status: 'rejected', reviewReason: '资料不全' });
    // a rejected member cannot withdraw
    const payout = await call(app, 'POST', '/api/me/payouts', {
      token: m.token,
      body: { amountFen: 100, channel: 'alipay', destination: { account: 'a@b.c', realName: '张三' }, idempotencyKey: `payout-${m.id}-rejected` },
    });
    expect([payout.status, payout.body.code]).toEqual([409, 'NOT_A_DISTRIBUTOR']);
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
