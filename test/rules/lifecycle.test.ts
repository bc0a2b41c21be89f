// Rule 6: the earnings lifecycle — pending → frozen (completion + freezeDays of the earning's rule
// version) → available after the window; cumulative proportional reversals on partial refunds;
// debt after withdrawal repaid by later earnings; refunds capped per line; idempotent refunds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { buyAndPay, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, confirmReceipt, countRows, expectReconciled, key, refund, setRules, summary, unfreeze, withdraw } from '../support/rules-kit.js';

const DAY = 86_400_000;
const BASE: RuleConfigInput = {
  commission: { levels: 3, tierRatesBp: { '1': [1000, 500, 300] }, capBp: 3000, freezeDays: 7 },
  binding: { trigger: 'registration' },
  distributor: { mode: 'automatic' },
  payout: { minAmountFen: 100, feeBp: 0, autoApproveMaxFen: 1_000_000, dailyCountLimit: 100 },
  order: { shippingFen: 0 },
};

describeEachDatabase('rule 6: earnings lifecycle', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let finance: RegisteredMember;
  let sku10k: number;
  let sku5k: number;

  const rules = (overrides: RuleConfigInput) => setRules(app, owner, overrides, BASE);
  const earningOf = async (orderId: number, level: number) => (await adminOrder(app, owner.token, orderId)).earnings.find((e) => e.level === level)!;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    finance = await hqMember(app, 'finance');
    [sku10k, sku5k] = (await createProduct(app, owner, [{ priceFen: 10_000 }, { priceFen: 5_000 }])).skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  it("pending → frozen on completion until completion + freezeDays of the earning's version → available only after", async () => {
    await rules({ commission: { freezeDays: 7 } });
    const [, p2, p1, buyer] = await registerChain(app, 4);
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const notCompleted = await buyAndPay(app, buyer, [{ skuId: sku5k, quantity: 1 }]);
    expect(await summary(app, p1)).toMatchObject({ pendingFen: 1_500, frozenFen: 0, availableFen: 0 });

    // the rules change after payment: the earning keeps its own version's 7 days
    await rules({ commission: { freezeDays: 1 } });
    app.clock.advanceDays(1);
    const completedAt = app.clock.now().getTime();
    await confirmReceipt(app, buyer, order.id);
    expect(await summary(app, p1)).toMatchObject({ pendingFen: 500, frozenFen: 1_000, availableFen: 0 });
    const frozen = await earningOf(order.id, 1);
    expect(frozen.state).toBe('frozen');
    expect(new Date(frozen.frozenUntil!).getTime()).toBe(completedAt + 7 * DAY);

    app.clock.advanceDays(1);
    await unfreeze(app, finance);
    expect(await summary(app, p1)).toMatchObject({ frozenFen: 1_000, availableFen: 0 });
    app.clock.advanceMs(6 * DAY - 60_000); // one minute before the window closes
    await unfreeze(app, finance);
    expect(await summary(app, p1)).toMatchObject({ frozenFen: 1_000, availableFen: 0 });
    app.clock.advanceMs(60_000);
    await unfreeze(app, finance);
    expect(await summary(app, p1)).toMatchObject({ pendingFen: 500, frozenFen: 0, availableFen: 1_000 });
    expect(await summary(app, p2)).toMatchObject({ pendingFen: 250, availableFen: 500 });
    expect((await earningOf(order.id, 1)).state).toBe('available');
    // an order never completed stays pending however long
    app.clock.advanceDays(60);
    await unfreeze(app, finance);
    expect((await earningOf(notCompleted.id, 1)).state).toBe('pending');

    // an order paid under the 1-day version freezes for 1 day
    const short = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const at = app.clock.now().getTime();
    await confirmReceipt(app, buyer, short.id);
    expect(new Date((await earningOf(short.id, 1)).frozenUntil!).getTime()).toBe(at + DAY);
  });

  it('three partial refunds of 3333/3333/3334 on a 10 000 line reverse cumulatively floor(C·refunded/paid), and exactly C at the end', async () => {
    await rules({ commission: { tierRatesBp: { '1': [333, 777, 1] } } });
    const [top, p2, p1, buyer] = await registerChain(app, 4);
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const lineId = order.lines[0].id;
    const c = { 1: 333, 2: 777, 3: 1 } as Record<number, number>;
    expect((await adminOrder(app, owner.token, order.id)).earnings.map((e) => e.amountFen).sort((a, b) => a - b)).toEqual([1, 333, 777]);
    const steps: Array<{ amount: number; reversed: Record<number, number> }> = [
      { amount: 3_333, reversed: { 1: 110, 2: 258, 3: 0 } },
      { amount: 3_333, reversed: { 1: 221, 2: 517, 3: 0 } },
      { amount: 3_334, reversed: { 1: 333, 2: 777, 3: 1 } },
    ];
    for (const step of steps) {
      expect((await refund(app, support, order.id, [{ lineId, amountFen: step.amount }])).status).toBe(201);
      const o = await adminOrder(app, owner.token, order.id);
      for (const e of o.earnings) expect([e.level, e.reversedFen]).toEqual([e.level, step.reversed[e.level]]);
      expect((await summary(app, p1)).pendingFen).toBe(c[1] - step.reversed[1]);
      expect((await summary(app, p2)).pendingFen).toBe(c[2] - step.reversed[2]);
      expect((await summary(app, top)).pendingFen).toBe(c[3] - step.reversed[3]);
    }
    const final = await adminOrder(app, owner.token, order.id);
    expect(final.status).toBe('refunded');
    expect(final.earnings.every((e) => e.state === 'reversed' && e.reversedFen === e.amountFen)).toBe(true);
  });

  it('partial refunds reverse from wherever the earning sits: frozen, then available', async () => {
    await rules({ commission: { tierRatesBp: { '1': [333, 777, 1] }, freezeDays: 3 } });
    const [, , p1, buyer] = await registerChain(app, 4);
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const lineId = order.lines[0].id;
    await confirmReceipt(app, buyer, order.id);
    expect((await refund(app, support, order.id, [{ lineId, amountFen: 3_333 }])).status).toBe(201);
    expect(await summary(app, p1)).toMatchObject({ pendingFen: 0, frozenFen: 223, availableFen: 0 });
    app.clock.advanceDays(3);
    await unfreeze(app, finance);
    expect(await summary(app, p1)).toMatchObject({ frozenFen: 0, availableFen: 223 });
    expect((await refund(app, support, order.id, [{ lineId, amountFen: 3_333 }])).status).toBe(201);
    expect(await summary(app, p1)).toMatchObject({ availableFen: 112, debtFen: 0 });
    expect((await refund(app, support, order.id, [{ lineId, amountFen: 3_334 }])).status).toBe(201);
    expect(await summary(app, p1)).toMatchObject({ availableFen: 0, debtFen: 0 });
    expect((await earningOf(order.id, 1)).reversedFen).toBe(333);
  });

  it('a refund after withdrawal leaves a debt, shown in the summary and repaid by later earnings at unfreeze', async () => {
    await rules({ commission: { freezeDays: 0 } });
    const [, , p1, buyer] = await registerChain(app, 4);
    const first = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    await confirmReceipt(app, buyer, first.id);
    await unfreeze(app, finance);
    expect((await summary(app, p1)).availableFen).toBe(1_000);
    const payout = await withdraw(app, p1, 1_000);
    expect(payout.status).toBe(201);
    expect(payout.body.status).toBe('paid');

    expect((await refund(app, support, first.id, [{ lineId: first.lines[0].id, amountFen: 10_000 }])).status).toBe(201);
    expect(await summary(app, p1)).toMatchObject({ availableFen: 0, debtFen: 1_000, withdrawnFen: 1_000 });

    const second = await buyAndPay(app, buyer, [{ skuId: sku5k, quantity: 1 }]); // earns 500
    await confirmReceipt(app, buyer, second.id);
    expect((await summary(app, p1)).frozenFen).toBe(500);
    const swept = await unfreeze(app, finance);
    expect(swept.debtRepaidFen).toBeGreaterThanOrEqual(500);
    expect(await summary(app, p1)).toMatchObject({ frozenFen: 0, availableFen: 0, debtFen: 500 });

    const third = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]); // earns 1 000
    await confirmReceipt(app, buyer, third.id);
    await unfreeze(app, finance);
    expect(await summary(app, p1)).toMatchObject({ availableFen: 500, debtFen: 0 });
    // with a debt, nothing more can be withdrawn than what is available
    expect((await withdraw(app, p1, 501)).status).toBe(409);
    await expectReconciled(app, finance.token);
  });

  it('a refund may not exceed what the line (or shipping) paid: 422 REFUND_EXCEEDS_PAID, nothing changes', async () => {
    await rules({ order: { shippingFen: 800 } });
    const [, , , buyer] = await registerChain(app, 4);
    const order = await buyAndPay(app, buyer, [
      { skuId: sku10k, quantity: 1 },
      { skuId: sku5k, quantity: 1 },
    ]);
    const other = await buyAndPay(app, buyer, [{ skuId: sku5k, quantity: 1 }]);
    const [l1, l2] = order.lines.map((l: any) => l.id);
    const refunds = await countRows(app, 'refunds');
    const transfers = await countRows(app, 'ledger_transfers');
    const tooMuch = await refund(app, support, order.id, [{ lineId: l1, amountFen: 10_001 }]);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_PAID');
    // both lines at once, one of them too much: all refused
    expect((await refund(app, support, order.id, [{ lineId: l1, amountFen: 100 }, { lineId: l2, amountFen: 5_001 }])).status).toBe(422);
    expect((await refund(app, support, order.id, [], undefined, 801)).body.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await refund(app, support, order.id, [{ lineId: other.lines[0].id, amountFen: 100 }])).status).toBe(422);
    expect(await countRows(app, 'refunds')).toBe(refunds);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);

    expect((await refund(app, support, order.id, [{ lineId: l1, amountFen: 6_000 }])).status).toBe(201);
    const rest = await refund(app, support, order.id, [{ lineId: l1, amountFen: 4_001 }]);
    expect(rest.status).toBe(422);
    expect(rest.body.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await refund(app, support, order.id, [{ lineId: l1, amountFen: 4_000 }])).status).toBe(201);
    expect((await refund(app, support, order.id, [{ lineId: l1, amountFen: 1 }])).status).toBe(422);
    expect((await refund(app, support, order.id, [], undefined, 800)).status).toBe(201);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.refundedFen).toBe(10_800);
    expect(o.lines[0].refundedFen).toBe(10_000);
    expect(o.lines[1].refundedFen).toBe(0);
  });

  it('replaying a refund idempotencyKey returns the same refund and reverses nothing twice', async () => {
    await rules({});
    const [, , p1, buyer] = await registerChain(app, 4);
    const order = await buyAndPay(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const k = key('refund');
    const first = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 3_000 }], k);
    expect(first.status).toBe(201);
    expect(first.body.duplicate).toBe(false);
    const transfers = await countRows(app, 'ledger_transfers');
    const before = await adminOrder(app, owner.token, order.id);
    const again = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 3_000 }], k);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, refundNo: first.body.refundNo, duplicate: true, amountFen: 3_000 });
    // the key names one refund: another amount under it is refused, not answered with the first
    const other = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 7_000 }], k);
    expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    const after = await adminOrder(app, owner.token, order.id);
    expect(after.refundedFen).toBe(3_000);
    expect(after.refunds).toHaveLength(1);
    expect(after.earnings).toEqual(before.earnings);
    expect((await summary(app, p1)).pendingFen).toBe(700);
    // the refund is an audited HQ action, recorded once
    const audit = await auditLog(app, owner.token, { action: 'order.refund', targetId: String(order.id) });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: support.id, reason: '测试退款', after: { amountFen: 3_000 } });
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
