// The two-person rule (issue 16): an adjustment above approvals.adjustmentSecondApprovalFen waits (202) for a
// different owner/finance member, who applies it under the maker's key exactly once; a withdrawal above
// approvals.payoutSecondApprovalFen needs two different approvers before the provider is called; and the
// lines themselves are money limits whose loosening is a pending rule change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFieldRoles, diffConfigs, isMoneyLimit, riskTriggers } from '../../src/modules/rules/limits.js';
import { ruleConfigSchema, type RuleConfigInput } from '../../src/modules/rules/schema.js';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type DatabaseKind, type TestApp } from '../support/harness.js';
import { approveRuleChange, auditLog, countRows, credit, currentRules, expectReconciled, key, summary, withdraw } from '../support/rules-kit.js';

const RULES: RuleConfigInput = { payout: { minAmountFen: 100, feeBp: 0, dailyCountLimit: 100, autoApproveMaxFen: 0, channels: ['alipay', 'bank'] } };
type Hq = Record<'owner' | 'finance' | 'finance2' | 'operator' | 'support' | 'auditor', RegisteredMember>;

async function world(kind: DatabaseKind, poolSize?: number) {
  const app = await startTestApp(kind, { rules: RULES, poolSize });
  const hq = {} as Hq;
  for (const role of ['owner', 'finance', 'operator', 'support', 'auditor'] as const) hq[role] = await hqMember(app, role);
  hq.finance2 = await hqMember(app, 'finance');
  return { app, hq };
}

function actions(app: TestApp) {
  return {
    adjust: (by: RegisteredMember, memberId: number, amountFen: number, idempotencyKey = key('adj'), reason = '大额活动奖励') =>
      call(app, 'POST', '/api/admin/adjustments', { token: by.token, body: { memberId, amountFen, reason, idempotencyKey } }),
    approve: (by: RegisteredMember, id: number, body: unknown = {}) => call(app, 'POST', `/api/admin/adjustment-approvals/${id}/approve`, { token: by.token, body }),
    reject: (by: RegisteredMember, id: number, body: unknown) => call(app, 'POST', `/api/admin/adjustment-approvals/${id}/reject`, { token: by.token, body }),
    approvePayout: (by: RegisteredMember, id: number) => call(app, 'POST', `/api/admin/payouts/${id}/approve`, { token: by.token }),
    rejectPayout: (by: RegisteredMember, id: number, reason: string) => call(app, 'POST', `/api/admin/payouts/${id}/reject`, { token: by.token, body: { reason } }),
    inbox: async (by: RegisteredMember) => (await call(app, 'GET', '/api/admin/approvals/pending', { token: by.token })).body.items as Array<{ kind: string; id: number; mine: boolean; canApprove: boolean; status: string; startedBy: number }>,
    adjustTransfers: (k: string) => app.services.db.selectFrom('ledger_transfers').select('id').where('idempotency_key', 'in', [`commission:adjust:${k}`, `commission:adjust:${k}:debt`]).execute(),
  };
}

describeEachDatabase('two-person rule: adjustments', (kind) => {
  let app: TestApp;
  let hq: Hq;
  let a: ReturnType<typeof actions>;

  beforeAll(async () => {
    ({ app, hq } = await world(kind));
    a = actions(app);
  });
  afterAll(async () => app?.close());

  it('above the line it waits (202); the maker cannot approve it; another finance member applies it once, both audited', async () => {
    const m = await register(app);
    const k = key('adj');
    const transfers = await countRows(app, 'ledger_transfers');
    const filed = await a.adjust(hq.finance, m.id, 150_000, k);
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({ status: 'pending', memberId: m.id, amountFen: 150_000, thresholdFen: 100_000, requestedBy: hq.finance.id, requestedByName: 'hq-finance', idempotencyKey: k, decidedBy: null, balances: null });
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect((await summary(app, m)).availableFen).toBe(0);
    const [requested] = await auditLog(app, hq.auditor.token, { action: 'approvals.adjustment_requested', targetId: String(filed.body.id) });
    expect(requested).toMatchObject({ actorId: hq.finance.id, reason: '大额活动奖励', after: { status: 'pending', memberId: m.id, amountFen: 150_000 } });

    // a replay of the request answers the same approval; another amount under the key is 409
    const replay = await a.adjust(hq.finance, m.id, 150_000, k);
    expect([replay.status, replay.body.id]).toEqual([202, filed.body.id]);
    expect((await a.adjust(hq.finance, m.id, 150_001, k)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await a.adjust(hq.finance, m.id, 500, k)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const own = await a.approve(hq.finance, filed.body.id);
    expect([own.status, own.body.code]).toEqual([403, 'SECOND_APPROVER_REQUIRED']);
    for (const who of [hq.operator, hq.support, hq.auditor]) expect((await a.approve(who, filed.body.id)).body.code).toBe('ROLE_FORBIDDEN');
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);

    const ok = await a.approve(hq.finance2, filed.body.id, { reason: '已核对活动预算' });
    expect(ok.status).toBe(200);
    expect(ok.body.approval).toMatchObject({ id: filed.body.id, status: 'applied', decidedBy: hq.finance2.id, decisionReason: '已核对活动预算', balances: { availableFen: 150_000 } });
    expect(ok.body.adjustment).toMatchObject({ duplicate: false, balances: { availableFen: 150_000 } });
    expect((await summary(app, m)).availableFen).toBe(150_000);
    expect(await a.adjustTransfers(k)).toHaveLength(1);
    const [approved] = await auditLog(app, hq.auditor.token, { action: 'approvals.adjustment_approved', targetId: String(filed.body.id) });
    expect(approved).toMatchObject({ actorId: hq.finance2.id, reason: '已核对活动预算', before: { status: 'pending', requestedBy: hq.finance.id, amountFen: 150_000 } });
    const moved = await auditLog(app, hq.auditor.token, { action: 'commission.adjust', targetId: String(m.id) });
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ actorId: hq.finance2.id, reason: '大额活动奖励', after: { amountFen: 150_000 } });

    // decided: a second approval or a rejection is 409; the request's replay answers it applied, nothing moves
    const twice = await a.approve(hq.owner, filed.body.id);
    expect([twice.status, twice.body.code]).toEqual([409, 'ADJUSTMENT_APPROVAL_DECIDED']);
    expect((await a.reject(hq.owner, filed.body.id, { reason: '太晚了' })).body.code).toBe('ADJUSTMENT_APPROVAL_DECIDED');
    const late = await a.adjust(hq.finance, m.id, 150_000, k);
    expect([late.status, late.body.status]).toEqual([202, 'applied']);
    expect((await summary(app, m)).availableFen).toBe(150_000);
    expect(await a.adjustTransfers(k)).toHaveLength(1);
  });

  it('at or below the line it applies at once, as before; a debit is measured by its absolute amount', async () => {
    const m = await register(app);
    const at = await a.adjust(hq.finance, m.id, 100_000);
    expect([at.status, at.body.duplicate]).toEqual([201, false]);
    expect((await a.adjust(hq.finance, m.id, -50_000)).status).toBe(201);
    const debit = await a.adjust(hq.owner, m.id, -100_001);
    expect([debit.status, debit.body.status, debit.body.amountFen]).toEqual([202, 'pending', -100_001]);
    expect((await summary(app, m)).availableFen).toBe(50_000);
    const ok = await a.approve(hq.finance, debit.body.id);
    expect(ok.status).toBe(200);
    expect(await summary(app, m)).toMatchObject({ availableFen: 0, debtFen: 50_001 });
    expect((await a.adjust(hq.finance, 99_999_999, 150_000)).status).toBe(404);
    expect((await a.adjust(hq.finance, m.id, 0)).status).toBe(422);
  });

  it('a rejection needs a reason, is audited and moves nothing; the maker may withdraw their own', async () => {
    const m = await register(app);
    const first = (await a.adjust(hq.finance, m.id, 200_000)).body;
    for (const body of [{}, { reason: '' }, { reason: ' ' }, { reason: 'x'.repeat(501) }]) expect((await a.reject(hq.owner, first.id, body)).status).toBe(400);
    const no = await a.reject(hq.owner, first.id, { reason: '没有活动依据' });
    expect(no.body).toMatchObject({ status: 'rejected', decidedBy: hq.owner.id, decisionReason: '没有活动依据' });
    const [entry] = await auditLog(app, hq.auditor.token, { action: 'approvals.adjustment_rejected', targetId: String(first.id) });
    expect(entry).toMatchObject({ actorId: hq.owner.id, reason: '没有活动依据', after: { status: 'rejected', withdrawn: false } });
    expect((await a.approve(hq.finance2, first.id)).body.code).toBe('ADJUSTMENT_APPROVAL_DECIDED');

    const second = (await a.adjust(hq.finance, m.id, 300_000)).body;
    expect((await a.reject(hq.finance, second.id, { reason: '提交错了，撤回' })).body).toMatchObject({ status: 'rejected', decidedBy: hq.finance.id });
    expect((await summary(app, m)).availableFen).toBe(0);
    expect((await call(app, 'GET', '/api/admin/adjustment-approvals/99999999', { token: hq.auditor.token })).body.code).toBe('ADJUSTMENT_APPROVAL_NOT_FOUND');
    const open = (await call(app, 'GET', '/api/admin/adjustment-approvals?open=true', { token: hq.auditor.token })).body.items.map((x: { id: number }) => x.id);
    expect(open).not.toContain(first.id);
    const third = (await a.adjust(hq.finance, m.id, 400_000)).body;
    expect((await call(app, 'GET', '/api/admin/adjustment-approvals?open=true', { token: hq.auditor.token })).body.items[0]).toMatchObject({ id: third.id, status: 'pending' });
    expect((await call(app, 'GET', '/api/admin/adjustment-approvals?status=rejected&limit=2', { token: hq.auditor.token })).body.items.map((x: { id: number }) => x.id)).toEqual([second.id, first.id]);
    await a.reject(hq.finance, third.id, { reason: '清理测试数据' });
  });

  it('a claim whose adjustment never finished is taken up by the next approval after a minute, once', async () => {
    const m = await register(app);
    const k = key('adj');
    const filed = (await a.adjust(hq.finance, m.id, 120_000, k)).body;
    // as if the approver's process died between the claim's commit and commission's adjustment
    await app.services.db.updateTable('adjustment_approvals').set({ status: 'approved', decided_by: hq.finance2.id, decided_at: app.clock.now() }).where('id', '=', filed.id).execute();
    expect((await a.approve(hq.owner, filed.id)).body.code).toBe('ADJUSTMENT_APPROVAL_DECIDED');
    expect((await a.approve(hq.finance, filed.id)).body.code).toBe('SECOND_APPROVER_REQUIRED');
    app.clock.advanceMs(61_000);
    const resumed = await a.approve(hq.owner, filed.id);
    expect([resumed.status, resumed.body.approval.status, resumed.body.approval.decidedBy]).toEqual([200, 'applied', hq.finance2.id]);
    expect((await summary(app, m)).availableFen).toBe(120_000);
    expect(await a.adjustTransfers(k)).toHaveLength(1);
  });

  it('a key commission already used for another adjustment leaves the approval failed, audited, and moves nothing', async () => {
    const m = await register(app);
    const k = key('adj');
    expect((await a.adjust(hq.finance, m.id, 500, k)).status).toBe(201);
    const filed = (await a.adjust(hq.finance, m.id, 150_000, k)).body;
    const res = await a.approve(hq.finance2, filed.id);
    expect([res.status, res.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const after = (await call(app, 'GET', `/api/admin/adjustment-approvals/${filed.id}`, { token: hq.auditor.token })).body;
    expect(after).toMatchObject({ status: 'failed', failure: expect.stringContaining('IDEMPOTENCY_KEY_REUSED') });
    expect(await auditLog(app, hq.auditor.token, { action: 'approvals.adjustment_failed', targetId: String(filed.id) })).toHaveLength(1);
    expect((await summary(app, m)).availableFen).toBe(500);
  });

  it('待我审批 lists the pending adjustments, withdrawals with a first approval and rule changes, mine apart', async () => {
    const m = await register(app);
    const adj = (await a.adjust(hq.finance, m.id, 110_000)).body;
    await credit(app, hq.owner, m.id, 700_000);
    const payout = (await withdraw(app, m, 600_000)).body;
    expect((await a.approvePayout(hq.finance2, payout.id)).body.firstApprovedBy).toBe(hq.finance2.id);
    const change = await call(app, 'PUT', '/api/admin/rules', { token: hq.owner.token, body: { config: { ...RULES, approvals: { adjustmentSecondApprovalFen: 200_000 } }, note: '提高调整审批线' } });
    expect(change.status).toBe(202);

    const forFinance = await a.inbox(hq.finance);
    // oldest first; the three here are sorted by kind (rule changes carry the database's clock, the others the app's)
    const pick = (items: typeof forFinance) =>
      items
        .filter((i) => [`adjustment:${adj.id}`, `payout:${payout.id}`, `rule_change:${change.body.id}`].includes(`${i.kind}:${i.id}`))
        .map((i) => ({ kind: i.kind, mine: i.mine, canApprove: i.canApprove }))
        .sort((x, y) => (x.kind < y.kind ? -1 : 1));
    expect(pick(forFinance)).toEqual([
      { kind: 'adjustment', mine: true, canApprove: false },
      { kind: 'payout', mine: false, canApprove: true },
      { kind: 'rule_change', mine: false, canApprove: true },
    ]);
    expect(pick(await a.inbox(hq.finance2))).toEqual([
      { kind: 'adjustment', mine: false, canApprove: true },
      { kind: 'payout', mine: true, canApprove: false },
      { kind: 'rule_change', mine: false, canApprove: true },
    ]);
    expect(pick(await a.inbox(hq.auditor)).every((i) => !i.canApprove)).toBe(true);
    expect((await call(app, 'GET', '/api/admin/approvals/pending', { token: hq.operator.token })).status).toBe(403);

    await a.reject(hq.finance, adj.id, { reason: '清理测试数据' });
    await a.rejectPayout(hq.finance, payout.id, '清理测试数据');
    await call(app, 'POST', `/api/admin/rules/changes/${change.body.id}/reject`, { token: hq.finance.token, body: { reason: '清理测试数据' } });
    expect(pick(await a.inbox(hq.finance))).toEqual([]);
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, hq.owner.token);
  });
});

describeEachDatabase('two-person rule: withdrawals', (kind) => {
  let app: TestApp;
  let hq: Hq;
  let a: ReturnType<typeof actions>;
  const sentFor = (payoutNo: string) => app.payoutProvider.sent.filter((o) => o.payoutNo === payoutNo).length;

  beforeAll(async () => {
    ({ app, hq } = await world(kind));
    a = actions(app);
  });
  afterAll(async () => app?.close());

  async function funded(fen: number) {
    const m = await register(app);
    await credit(app, hq.owner, m.id, fen);
    return m;
  }

  it('above the line the first approval only marks it; the provider is called after a different member approves', async () => {
    const m = await funded(1_000_000);
    const payout = (await withdraw(app, m, 600_000)).body;
    expect(payout.status).toBe('reviewing');
    const listed = (await call(app, 'GET', '/api/admin/payouts?status=reviewing', { token: hq.auditor.token })).body.items.find((p: { id: number }) => p.id === payout.id);
    expect(listed).toMatchObject({ firstApprovedBy: null, secondApprovalRequired: true });

    const first = await a.approvePayout(hq.finance, payout.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'reviewing', firstApprovedBy: hq.finance.id, firstApprovedByName: 'hq-finance', secondApprovalRequired: true });
    expect(sentFor(payout.payoutNo)).toBe(0);
    expect(await summary(app, m)).toMatchObject({ availableFen: 400_000, withdrawingFen: 600_000 });
    const [marked] = await auditLog(app, hq.auditor.token, { action: 'payout.first_approve', targetId: String(payout.id) });
    expect(marked).toMatchObject({ actorId: hq.finance.id, after: { status: 'reviewing', firstApprovedBy: hq.finance.id, secondApprovalFen: 500_000 } });

    const again = await a.approvePayout(hq.finance, payout.id);
    expect([again.status, again.body.code]).toEqual([403, 'SECOND_APPROVER_REQUIRED']);
    expect((await a.approvePayout(hq.support, payout.id)).body.code).toBe('ROLE_FORBIDDEN');
    expect(sentFor(payout.payoutNo)).toBe(0);
    expect((await call(app, 'GET', '/api/admin/payouts?status=reviewing', { token: hq.auditor.token })).body.items.find((p: { id: number }) => p.id === payout.id)).toMatchObject({ firstApprovedBy: hq.finance.id, firstApprovedByName: 'hq-finance' });

    const second = await a.approvePayout(hq.owner, payout.id);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'paid', firstApprovedBy: hq.finance.id });
    expect(sentFor(payout.payoutNo)).toBe(1);
    expect(await summary(app, m)).toMatchObject({ availableFen: 400_000, withdrawingFen: 0, withdrawnFen: 600_000 });
    const [approved] = await auditLog(app, hq.auditor.token, { action: 'payout.approve', targetId: String(payout.id) });
    expect(approved).toMatchObject({ actorId: hq.owner.id, before: { status: 'reviewing', firstApprovedBy: hq.finance.id }, after: { status: 'processing' } });
    expect((await a.approvePayout(hq.finance2, payout.id)).body.code).toBe('PAYOUT_NOT_REVIEWABLE');
  });

  it('at the line one approval sends it, as before', async () => {
    const m = await funded(500_000);
    const payout = (await withdraw(app, m, 500_000)).body;
    const res = await a.approvePayout(hq.finance, payout.id);
    expect(res.body).toMatchObject({ status: 'paid', firstApprovedBy: null, secondApprovalRequired: false });
    expect(sentFor(payout.payoutNo)).toBe(1);
  });

  it('either approver may reject it, after a first approval too; the funds go back and nothing is sent', async () => {
    const m = await funded(800_000);
    const payout = (await withdraw(app, m, 700_000)).body;
    expect((await a.approvePayout(hq.finance, payout.id)).body.status).toBe('reviewing');
    const rejected = await a.rejectPayout(hq.finance, payout.id, '收款账户存疑');
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '收款账户存疑', firstApprovedBy: hq.finance.id });
    expect(await summary(app, m)).toMatchObject({ availableFen: 800_000, withdrawingFen: 0 });
    expect(sentFor(payout.payoutNo)).toBe(0);
    expect((await a.approvePayout(hq.owner, payout.id)).body.code).toBe('PAYOUT_NOT_REVIEWABLE');
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, hq.owner.token);
  });
});

const full = (overrides: RuleConfigInput = {}) => ruleConfigSchema.parse({ ...RULES, ...overrides });

describe('the two-person lines are money limits', () => {
  it.each([
    ['the adjustment line raised', { approvals: { adjustmentSecondApprovalFen: 100_001 } }, ['approvals.adjustmentSecondApprovalFen']],
    ['the adjustment line turned off', { approvals: { adjustmentSecondApprovalFen: 0 } }, ['approvals.adjustmentSecondApprovalFen']],
    ['the adjustment line lowered', { approvals: { adjustmentSecondApprovalFen: 50_000 } }, []],
    ['the payout line raised', { approvals: { payoutSecondApprovalFen: 1_000_000 } }, ['approvals.payoutSecondApprovalFen']],
    ['the payout line turned off', { approvals: { payoutSecondApprovalFen: 0 } }, ['approvals.payoutSecondApprovalFen']],
    ['the payout line lowered', { approvals: { payoutSecondApprovalFen: 200_000 } }, []],
  ] as Array<[string, RuleConfigInput, string[]]>)('%s', (_name, overrides, expected) => {
    expect(riskTriggers(full(), full(overrides)).map((t) => t.field)).toEqual(expected);
  });

  it('turning a line back on applies at once; only owner and finance may change them', () => {
    expect(riskTriggers(full({ approvals: { adjustmentSecondApprovalFen: 0 } }), full())).toEqual([]);
    expect(full().approvals).toEqual({ adjustmentSecondApprovalFen: 100_000, payoutSecondApprovalFen: 500_000 });
    for (const field of ['approvals.adjustmentSecondApprovalFen', 'approvals.payoutSecondApprovalFen']) expect(isMoneyLimit(field), field).toBe(true);
    const change = diffConfigs(full(), full({ approvals: { payoutSecondApprovalFen: 100_000 } }));
    expect(() => checkFieldRoles('operator', change)).toThrow(expect.objectContaining({ code: 'MONEY_LIMIT_ROLE' }));
    expect(() => checkFieldRoles('finance', change)).not.toThrow();
  });
});

describeEachDatabase('two-person rule: changing the lines', (kind) => {
  let app: TestApp;
  let hq: Hq;
  const put = (who: RegisteredMember, approvals: Record<string, number>) => call(app, 'PUT', '/api/admin/rules', { token: who.token, body: { config: { ...RULES, approvals }, note: '调整二人审批线' } });

  beforeAll(async () => {
    ({ app, hq } = await world(kind));
  });
  afterAll(async () => app?.close());

  it('raising a line or turning it off is a pending rule change; lowering it applies at once', async () => {
    const before = (await currentRules(app, hq.owner.token)).current;
    const raised = await put(hq.finance, { adjustmentSecondApprovalFen: 300_000 });
    expect(raised.status).toBe(202);
    expect(raised.body.triggers).toEqual([{ field: 'approvals.adjustmentSecondApprovalFen', line: 'raised or turned off', before: 100_000, after: 300_000 }]);
    expect((await currentRules(app, hq.owner.token)).current.id).toBe(before.id);
    // still the old line: 150 000 fen waits
    const m = await register(app);
    expect((await actions(app).adjust(hq.owner, m.id, 150_000)).status).toBe(202);
    expect((await call(app, 'POST', `/api/admin/rules/changes/${raised.body.id}/approve`, { token: hq.finance.token, body: {} })).body.code).toBe('SECOND_APPROVER_REQUIRED');
    await approveRuleChange(app, raised.body.id);
    expect((await currentRules(app, hq.owner.token)).current.config.approvals.adjustmentSecondApprovalFen).toBe(300_000);
    expect((await actions(app).adjust(hq.owner, m.id, 150_000)).status).toBe(201);

    const off = await put(hq.owner, { adjustmentSecondApprovalFen: 300_000, payoutSecondApprovalFen: 0 });
    expect([off.status, off.body.triggers.map((t: { field: string }) => t.field)]).toEqual([202, ['approvals.payoutSecondApprovalFen']]);
    await call(app, 'POST', `/api/admin/rules/changes/${off.body.id}/reject`, { token: hq.owner.token, body: { reason: '不能关闭二人审批' } });
    expect((await put(hq.finance, { adjustmentSecondApprovalFen: 80_000 })).status).toBe(201);
    expect((await put(hq.operator, { adjustmentSecondApprovalFen: 70_000 })).body.code).toBe('MONEY_LIMIT_ROLE');
  });
});

describeOnPostgres('two-person rule under concurrency [postgres]', () => {
  let app: TestApp;
  let hq: Hq;
  let a: ReturnType<typeof actions>;

  beforeAll(async () => {
    ({ app, hq } = await world('postgres', 8));
    a = actions(app);
  });
  afterAll(async () => app?.close());

  it('concurrent approvals of one adjustment: one applies it, the others get 409; the balance moves once', async () => {
    const others = [hq.finance2, hq.owner, await hqMember(app, 'finance'), await hqMember(app, 'owner')];
    for (let round = 0; round < 5; round++) {
      const m = await register(app);
      const k = key('adj');
      const filed = (await a.adjust(hq.finance, m.id, 150_000 + round, k)).body;
      const results = await Promise.all([...others.map((who) => a.approve(who, filed.id)), a.approve(hq.finance, filed.id)]);
      expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([200, 403, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('ADJUSTMENT_APPROVAL_DECIDED');
      expect((await summary(app, m)).availableFen).toBe(150_000 + round);
      expect(await a.adjustTransfers(k)).toHaveLength(1);
      expect(await auditLog(app, hq.auditor.token, { action: 'commission.adjust', targetId: String(m.id) })).toHaveLength(1);
      expect(await auditLog(app, hq.auditor.token, { action: 'approvals.adjustment_approved', targetId: String(filed.id) })).toHaveLength(1);
    }
  });

  it('an approval racing a rejection: exactly one decides it', async () => {
    for (let round = 0; round < 5; round++) {
      const m = await register(app);
      const filed = (await a.adjust(hq.finance, m.id, 200_000)).body;
      const [ok, no] = await Promise.all([a.approve(hq.finance2, filed.id), a.reject(hq.owner, filed.id, { reason: '并发驳回' })]);
      expect([ok.status, no.status].sort()).toEqual([200, 409]);
      expect((await summary(app, m)).availableFen).toBe(ok.status === 200 ? 200_000 : 0);
    }
  });

  it('concurrent identical requests file one approval', async () => {
    const m = await register(app);
    const k = key('adj');
    const results = await Promise.all(Array.from({ length: 10 }, () => a.adjust(hq.finance, m.id, 180_000, k)));
    expect(results.every((r) => r.status === 202), JSON.stringify(results.map((r) => r.body))).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const rows = await app.services.db.selectFrom('adjustment_approvals').select('id').where('idempotency_key', '=', k).execute();
    expect(rows).toHaveLength(1);
  });

  it('two members approving a large withdrawal at once: one first, one second, sent once; one member twice: once', async () => {
    for (let round = 0; round < 4; round++) {
      const m = await register(app);
      await credit(app, hq.owner, m.id, 2_000_000);
      const both = (await withdraw(app, m, 600_000)).body;
      const [x, y] = await Promise.all([a.approvePayout(hq.finance, both.id), a.approvePayout(hq.finance2, both.id)]);
      expect([x.status, y.status]).toEqual([200, 200]);
      const done = (await call(app, 'GET', `/api/admin/payouts?memberId=${m.id}`, { token: hq.auditor.token })).body.items.find((p: { id: number }) => p.id === both.id);
      expect(done.status).toBe('paid');
      expect([hq.finance.id, hq.finance2.id]).toContain(done.firstApprovedBy);
      expect(app.payoutProvider.sent.filter((o) => o.payoutNo === both.payoutNo)).toHaveLength(1);
      const steps = await app.services.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_type', '=', 'payout').where('target_id', '=', String(both.id)).orderBy('id').execute();
      expect(steps.map((st) => st.action)).toEqual(['payout.first_approve', 'payout.approve']);
      expect(steps[0].actor_id).not.toBe(steps[1].actor_id);

      const same = (await withdraw(app, m, 700_000)).body;
      const twice = await Promise.all([a.approvePayout(hq.finance, same.id), a.approvePayout(hq.finance, same.id)]);
      expect(twice.map((r) => r.status).sort()).toEqual([200, 403]);
      expect(app.payoutProvider.sent.filter((o) => o.payoutNo === same.payoutNo)).toHaveLength(0);
      await a.rejectPayout(hq.owner, same.id, '并发测试结束');
    }
    await expectReconciled(app, hq.owner.token);
  });
});
