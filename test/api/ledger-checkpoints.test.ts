import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('ledger balance checkpoints', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    chain = await registerChain(app, 2);
    skuId = (await createProduct(app, owner, [{ priceFen: 1_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  it('folds transfers into checkpoints without changing any balance, and keeps counting what comes after', async () => {
    const [earner, buyer] = chain;
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    const before = await app.services.ledger.memberBalances(app.services.db, earner.id);
    expect(before.pendingFen).toBe(300);

    const fold = await app.services.ledger.foldCheckpoints(app.services.db, 0);
    expect(fold.accounts).toBeGreaterThan(0);
    const checkpoints = await app.services.db.selectFrom('ledger_checkpoints').selectAll().execute();
    expect(checkpoints.length).toBe(fold.accounts);
    expect(await app.services.ledger.memberBalances(app.services.db, earner.id)).toEqual(before);

    // a later transfer is counted on top of the checkpoint, and a debit is still refused past zero
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await app.services.ledger.memberBalances(app.services.db, earner.id)).pendingFen).toBe(400);
    const finance = await hqMember(app, 'finance');
    const tooMuch = await call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId: earner.id, amountFen: -50, reason: '测试扣减', idempotencyKey: 'adjust-negative-1' } });
    expect(tooMuch.status).toBe(201);
    expect(tooMuch.body.balances.debtFen).toBe(50);

    // folding again is idempotent for balances, and reconciliation checks every checkpoint
    await app.services.ledger.foldCheckpoints(app.services.db, 0);
    expect((await app.services.ledger.memberBalances(app.services.db, earner.id)).pendingFen).toBe(400);
    const report = await call(app, 'GET', '/api/admin/reconciliation', { token: finance.token });
    expect(report.body.ok).toBe(true);
    expect(report.body.checks.map((c: { name: string }) => c.name)).toContain('checkpoints_match_transfers');

    // the database itself refuses an overdraft, with or without a checkpoint in the sum
    const accounts = await app.services.ledger.memberAccounts(app.services.db, earner.id);
    const { inTransaction } = await import('../../src/db/database.js');
    await expect(
      inTransaction(app.services.db, (tx) =>
        app.services.ledger.transfer(tx, { fromAccountId: accounts.commission_pending, toAccountId: accounts.commission_frozen, amountFen: 401, code: 'test.overdraft', idempotencyKey: 'test-overdraft-1' }),
      ),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect((await app.services.ledger.memberBalances(app.services.db, earner.id)).pendingFen).toBe(400);

    // a tampered checkpoint is caught by reconciliation
    await sql`update ledger_checkpoints set balance_fen = balance_fen + 1 where account_id = (select min(account_id) from ledger_checkpoints)`.execute(app.services.db);
    const broken = await call(app, 'GET', '/api/admin/reconciliation', { token: finance.token });
    expect(broken.body.ok).toBe(false);
    expect(broken.body.checks.find((c: { name: string }) => c.name === 'checkpoints_match_transfers').differences).toHaveLength(1);

    // a stray transfer that moves pending money without its earning is caught by the set-based balance checks
    await inTransaction(app.services.db, (tx) =>
      app.services.ledger.transfer(tx, { fromAccountId: accounts.commission_pending, toAccountId: accounts.commission_frozen, amountFen: 7, code: 'test.stray', idempotencyKey: 'test-stray-1' }),
    );
    const stray = await call(app, 'GET', '/api/admin/reconciliation', { token: finance.token });
    const diffs = stray.body.checks.find((c: { name: string }) => c.name === 'pending_and_frozen_match_earnings').differences;
    expect(diffs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ member_id: earner.id, purpose: 'commission_pending', ledger_fen: 393, earnings_fen: 400 }),
        expect.objectContaining({ member_id: earner.id, purpose: 'commission_frozen', ledger_fen: 7, earnings_fen: 0 }),
      ]),
    );
  });
});
