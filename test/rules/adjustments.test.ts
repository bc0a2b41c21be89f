// Rule 9: manual adjustments by finance — with a reason, idempotent, audited; a negative one beyond
// what is available creates a debt, which later credits repay first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, countRows, expectReconciled, key, summary } from '../support/rules-kit.js';

describeEachDatabase('rule 9: manual adjustments', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let operator: RegisteredMember;
  let support: RegisteredMember;
  let auditor: RegisteredMember;

  const adjust = (memberId: number, amountFen: number, idempotencyKey = key('adj'), by = finance, reason: string | null = '活动补发佣金') =>
    call(app, 'POST', '/api/admin/adjustments', { token: by.token, body: { memberId, amountFen, idempotencyKey, ...(reason !== null ? { reason } : {}) } });

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    operator = await hqMember(app, 'operator');
    support = await hqMember(app, 'support');
    auditor = await hqMember(app, 'auditor');
  });
  afterAll(async () => app?.close());

  it('finance credits with a reason; the replay changes nothing; the audit log has actor, reason, before and after', async () => {
    const m = await register(app);
    const k = key('adj');
    const res = await adjust(m.id, 500, k);
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(false);
    expect((await summary(app, m)).availableFen).toBe(500);
    const transfers = await countRows(app, 'ledger_transfers');
    const audits = await countRows(app, 'audit_log');
    const again = await adjust(m.id, 500, k);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect((await summary(app, m)).availableFen).toBe(500);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect(await countRows(app, 'audit_log')).toBe(audits);

    const audit = await auditLog(app, auditor.token, { action: 'commission.adjust', targetId: String(m.id) });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: finance.id, reason: '活动补发佣金', before: { availableFen: 0 }, after: { availableFen: 500, amountFen: 500 } });

    // the same key for another member is a conflict, not a silent success
    const other = await register(app);
    const reused = await adjust(other.id, 500, k);
    expect(reused.status).toBe(409);
    expect((await summary(app, other)).availableFen).toBe(0);
  });

  it('needs a reason, a non-zero amount, an existing member, and the finance (or owner) role', async () => {
    const m = await register(app);
    const transfers = await countRows(app, 'ledger_transfers');
    const noReason = await adjust(m.id, 500, key('adj'), finance, null);
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toEqual(expect.any(String));
    expect((await adjust(m.id, 500, key('adj'), finance, ' ')).status).toBe(400);
    const zero = await adjust(m.id, 0);
    expect(zero.status).toBeGreaterThanOrEqual(400);
    expect(zero.status).toBeLessThan(500);
    expect((await adjust(m.id, 12.5)).status).toBe(400);
    expect((await adjust(99_999_999, 500)).status).toBe(404);
    for (const who of [operator, support, auditor]) {
      const res = await adjust(m.id, 500, key('adj'), who);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
    }
    expect((await adjust(m.id, 500, key('adj'), m)).status).toBe(403);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect((await adjust(m.id, 100, key('adj'), owner)).status).toBe(201);
  });

  it('a negative adjustment beyond what is available leaves a debt; later credits repay the debt first', async () => {
    const m = await register(app);
    expect((await adjust(m.id, 500)).status).toBe(201);
    const minus = await adjust(m.id, -800);
    expect(minus.status).toBe(201);
    expect(await summary(app, m)).toMatchObject({ availableFen: 0, debtFen: 300 });
    expect((await adjust(m.id, 200)).status).toBe(201);
    expect(await summary(app, m)).toMatchObject({ availableFen: 0, debtFen: 100 });
    expect((await adjust(m.id, 300)).status).toBe(201);
    expect(await summary(app, m)).toMatchObject({ availableFen: 200, debtFen: 0 });
    const audit = await auditLog(app, auditor.token, { action: 'commission.adjust', targetId: String(m.id) });
    expect(audit.find((a) => a.after?.amountFen === -800)).toMatchObject({ before: { availableFen: 500, debtFen: 0 }, after: { availableFen: 0, debtFen: 300 } });
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
