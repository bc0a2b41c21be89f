import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
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

  it('refuses a transfer naming a missing account, keeps accounts permanent, and counts credits since the checkpoint only when debits pass it', async () => {
    const { ledger, db } = app.services;
    const [member] = await registerChain(app, 1);
    const accounts = await ledger.memberAccounts(db, member.id);
    const expense = await ledger.platformAccount(db, 'commission_expense');
    const move = (from: number, to: number, amountFen: number, key: string) =>
      inTransaction(db, (tx) => ledger.transfer(tx, { fromAccountId: from, toAccountId: to, amountFen, code: 'test.move', idempotencyKey: key }));

    // 100 before the fold, 50 after it: a debit of 150 passes only by counting the credit since the horizon
    await move(expense, accounts.commission_available, 100, 'perm-credit-1');
    await ledger.foldCheckpoints(db, 0);
    await move(expense, accounts.commission_available, 50, 'perm-credit-2');
    expect(await move(accounts.commission_available, expense, 150, 'perm-debit-1')).toBe(true);
    await expect(move(accounts.commission_available, expense, 1, 'perm-debit-2')).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect((await ledger.memberBalances(db, member.id)).availableFen).toBe(0);

    // no foreign key, but the statement trigger: an account id that names nothing fails the statement
    const { max } = (await sql<{ max: number }>`select max(id)::int as max from ledger_accounts`.execute(db)).rows[0];
    await expect(move(expense, max + 1_000, 5, 'perm-missing-to')).rejects.toMatchObject({ code: '23503' });
    await expect(move(max + 1_000, expense, 5, 'perm-missing-from')).rejects.toMatchObject({ code: '23503' });
    const stray = await db.selectFrom('ledger_transfers').select('id').where('idempotency_key', 'like', 'perm-missing-%').execute();
    expect(stray).toEqual([]);

    // an account is never deleted, truncated or renumbered, so one that existed at the check exists for good
    await expect(sql`delete from ledger_accounts where id = ${accounts.commission_debt}`.execute(db)).rejects.toMatchObject({ message: expect.stringContaining('permanent') });
    await expect(sql`truncate ledger_accounts cascade`.execute(db)).rejects.toMatchObject({ message: expect.stringContaining('permanent') });
    await expect(sql`update ledger_accounts set id = ${max + 2_000} where id = ${accounts.commission_debt}`.execute(db)).rejects.toMatchObject({ message: expect.stringContaining('permanent') });
    expect(await ledger.memberAccounts(db, member.id)).toEqual(accounts);
  });
});
