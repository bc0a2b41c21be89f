// Rule 8: withdrawals — minimum, fee in bp (netFen), daily count limit by Asia/Shanghai day,
// channel list, auto-approval under autoApproveMaxFen else finance review, rejection and provider
// failure return the funds, retry under the same payout number, idempotent requests, distributors only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shanghaiDayStart } from '../../src/money.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, countRows, credit, expectReconciled, key, setRules, summary, withdraw } from '../support/rules-kit.js';

const BASE: RuleConfigInput = {
  distributor: { mode: 'automatic' },
  payout: { minAmountFen: 500, feeBp: 100, dailyCountLimit: 2, autoApproveMaxFen: 1_000, channels: ['alipay', 'bank'] },
};

describeEachDatabase('rule 8: withdrawals', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let support: RegisteredMember;
  let auditor: RegisteredMember;

  /** A distributor with `fen` available. */
  async function funded(fen: number) {
    const m = await register(app);
    await credit(app, finance, m.id, fen);
    expect((await summary(app, m)).availableFen).toBe(fen);
    return m;
  }
  const approve = (id: number, by = finance) => call(app, 'POST', `/api/admin/payouts/${id}/approve`, { token: by.token });
  const reject = (id: number, by = finance) => call(app, 'POST', `/api/admin/payouts/${id}/reject`, { token: by.token, body: { reason: '信息不符' } });
  const retry = (id: number, by = finance) => call(app, 'POST', `/api/admin/payouts/${id}/retry`, { token: by.token });

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
    auditor = await hqMember(app, 'auditor');
    await setRules(app, owner, {}, BASE);
  });
  afterAll(async () => app?.close());

  it('below the minimum is 422 PAYOUT_BELOW_MINIMUM and moves nothing', async () => {
    const m = await funded(10_000);
    const low = await withdraw(app, m, 499);
    expect(low.status).toBe(422);
    expect(low.body.code).toBe('PAYOUT_BELOW_MINIMUM');
    expect(await summary(app, m)).toMatchObject({ availableFen: 10_000, withdrawingFen: 0 });
    expect((await withdraw(app, m, 500)).status).toBe(201);
  });

  it('the fee is feeBp of the amount (rounded down); the provider is sent netFen', async () => {
    const m = await funded(10_000);
    const res = await withdraw(app, m, 5_000);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'reviewing', amountFen: 5_000, feeFen: 50, netFen: 4_950, autoApproved: false });
    expect(await summary(app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 5_000 });
    const paid = await approve(res.body.id);
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('paid');
    expect(app.payoutProvider.sent.at(-1)).toMatchObject({ payoutNo: res.body.payoutNo, netFen: 4_950 });
    expect(await summary(app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0, withdrawnFen: 5_000 });

    const odd = await withdraw(app, m, 999);
    expect(odd.body).toMatchObject({ feeFen: 9, netFen: 990, status: 'paid' });
    expect(app.payoutProvider.sent.at(-1)?.netFen).toBe(990);
  });

  it('at most dailyCountLimit withdrawals per Asia/Shanghai day', async () => {
    const m = await funded(10_000);
    // move to 12:00 Shanghai time on a fresh day
    const now = app.clock.now().getTime();
    app.clock.advanceMs(shanghaiDayStart(app.clock.now()).getTime() + 86_400_000 + 12 * 3_600_000 - now);
    expect((await withdraw(app, m, 600)).status).toBe(201);
    expect((await withdraw(app, m, 600)).status).toBe(201);
    const third = await withdraw(app, m, 600);
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('PAYOUT_DAILY_LIMIT');
    // 23:59 in Shanghai (15:59 UTC): still the same day
    app.clock.advanceMs(11 * 3_600_000 + 59 * 60_000);
    expect((await withdraw(app, m, 600)).body.code).toBe('PAYOUT_DAILY_LIMIT');
    // 00:01 in Shanghai (16:01 UTC, still the same UTC day): a new day
    app.clock.advanceMs(2 * 60_000);
    expect((await withdraw(app, m, 600)).status).toBe(201);
    expect(await summary(app, m)).toMatchObject({ availableFen: 10_000 - 1_800 });
  });

  it('only the channels in the rules are offered, each with its destination fields', async () => {
    const m = await funded(5_000);
    const wechat = await withdraw(app, m, 600, { channel: 'wechat' });
    expect(wechat.status).toBe(422);
    expect(wechat.body.code).toBe('PAYOUT_CHANNEL_DISABLED');
    const noAccount = await withdraw(app, m, 600, { channel: 'bank', destination: { bankName: '工商银行', realName: '张三' } });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.code).toBe('PAYOUT_DESTINATION_INVALID');
    expect(await summary(app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0 });
    const bank = await withdraw(app, m, 600, { channel: 'bank' });
    expect(bank.status).toBe(201);
    expect(bank.body.destination.accountNo).toBe('********1234');
  });

  it('auto-approves up to autoApproveMaxFen; above it waits for finance (support may not approve)', async () => {
    const m = await funded(10_000);
    const small = await withdraw(app, m, 1_000);
    expect(small.body).toMatchObject({ status: 'paid', autoApproved: true });
    const big = await withdraw(app, m, 1_001);
    expect(big.body).toMatchObject({ status: 'reviewing', autoApproved: false });
    const bySupport = await approve(big.body.id, support);
    expect(bySupport.status).toBe(403);
    expect(bySupport.body.code).toBe('ROLE_FORBIDDEN');
    const ok = await approve(big.body.id);
    expect(ok.body.status).toBe('paid');
    expect((await approve(big.body.id)).status).toBe(409);
    expect(await summary(app, m)).toMatchObject({ availableFen: 10_000 - 2_001, withdrawnFen: 2_001 });
    const audit = await auditLog(app, auditor.token, { action: 'payout.approve', targetId: String(big.body.id) });
    expect(audit[0]).toMatchObject({ actorId: finance.id });
  });

  it('a rejection returns the funds and is audited', async () => {
    const m = await funded(5_000);
    const res = await withdraw(app, m, 2_000);
    expect(await summary(app, m)).toMatchObject({ availableFen: 3_000, withdrawingFen: 2_000 });
    const rejected = await reject(res.body.id);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '信息不符' });
    expect(await summary(app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0, withdrawnFen: 0 });
    expect((await reject(res.body.id)).status).toBe(409);
    expect((await approve(res.body.id)).status).toBe(409);
    const audit = await auditLog(app, auditor.token, { action: 'payout.reject', targetId: String(res.body.id) });
    expect(audit[0]).toMatchObject({ actorId: finance.id, reason: '信息不符', after: { status: 'rejected' } });
  });

  it('a provider failure returns the funds; the retry goes out under the same payout number', async () => {
    const m = await funded(5_000);
    app.payoutProvider.failNext = 1;
    const res = await withdraw(app, m, 800);
    expect(res.body.status).toBe('failed');
    expect(res.body.failureReason).toEqual(expect.any(String));
    expect(await summary(app, m)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0 });

    const again = await retry(res.body.id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: res.body.id, payoutNo: res.body.payoutNo, status: 'paid', attempts: 2 });
    const sends = app.payoutProvider.sent.filter((s) => s.payoutNo === res.body.payoutNo);
    expect(sends.map((s) => s.attempt)).toEqual([1, 2]);
    expect(await summary(app, m)).toMatchObject({ availableFen: 4_200, withdrawnFen: 800 });
    expect((await retry(res.body.id)).status).toBe(409);

    // the same after a manual approval
    const reviewed = await withdraw(app, m, 2_000);
    app.payoutProvider.failNext = 1;
    expect((await approve(reviewed.body.id)).body.status).toBe('failed');
    expect(await summary(app, m)).toMatchObject({ availableFen: 4_200, withdrawingFen: 0 });
  });

  it('replaying an idempotencyKey returns the same payout and reserves once', async () => {
    const m = await funded(5_000);
    const k = key('payout');
    const first = await withdraw(app, m, 2_000, { idempotencyKey: k });
    const payouts = await countRows(app, 'payouts');
    const second = await withdraw(app, m, 2_000, { idempotencyKey: k });
    const third = await withdraw(app, m, 3_000, { idempotencyKey: k });
    expect(second.body.id).toBe(first.body.id);
    // the key names one withdrawal: another amount under it is refused, not answered with the first
    expect([third.status, third.body.code, third.body.details]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED', { fields: ['amountFen'] }]);
    expect(await countRows(app, 'payouts')).toBe(payouts);
    expect(await summary(app, m)).toMatchObject({ availableFen: 3_000, withdrawingFen: 2_000 });
  });

  it('more than available is 409; a non-distributor is refused even with a balance', async () => {
    const m = await funded(1_000);
    const over = await withdraw(app, m, 1_001);
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('INSUFFICIENT_BALANCE');

    const plain = await funded(5_000);
    await call(app, 'POST', `/api/admin/members/${plain.id}/distributor-status`, { token: owner.token, body: { status: 'disabled', reason: '违规' } });
    const refused = await withdraw(app, plain, 1_000);
    expect([403, 409]).toContain(refused.status);
    expect(refused.body.code).toBe('NOT_A_DISTRIBUTOR');
    expect(await summary(app, plain)).toMatchObject({ availableFen: 5_000, withdrawingFen: 0 });
    // the service refuses too, not only the route
    await expect(
      app.services.payouts.request(plain.id, { amountFen: 1_000, channel: 'alipay', destination: { account: 'x@y.z', realName: '张三' }, idempotencyKey: key('svc') }),
    ).rejects.toMatchObject({ status: 409, code: 'NOT_A_DISTRIBUTOR' });
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
