// Rule 11 (DB-backed, PGlite): random orders and random partial refunds through the HTTP API keep
// reconciliation clean, and each order's commission and reversals within what it paid.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reversalTarget } from '../../src/modules/commission/plan.js';
import { buyAndPay, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, confirmReceipt, reconciliation, refund, setRules, summary, unfreeze, withdraw } from '../support/rules-kit.js';

describe('property: random orders and partial refunds through the API [pglite]', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let finance: RegisteredMember;
  let chain: RegisteredMember[];
  let skus: number[];

  beforeAll(async () => {
    app = await startTestApp('pglite');
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    finance = await hqMember(app, 'finance');
    chain = await registerChain(app, 4);
    skus = (await createProduct(app, owner, [{ priceFen: 9_999, stock: 100_000 }, { priceFen: 3_333, stock: 100_000 }, { priceFen: 1_001, stock: 100_000 }, { priceFen: 77, stock: 100_000 }])).skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  const scenario = fc.record({
    ratesBp: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 3, maxLength: 3 }),
    capBp: fc.integer({ min: 0, max: 10_000 }),
    offFen: fc.integer({ min: 0, max: 2_500 }),
    items: fc.uniqueArray(fc.record({ sku: fc.integer({ min: 0, max: 3 }), quantity: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 4, selector: (i) => i.sku }),
    stage: fc.constantFrom('pending', 'completed', 'withdrawn'),
    refunds: fc.array(fc.record({ line: fc.nat(), share: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(1)) }), { maxLength: 4 }),
  });

  it('reconciliation stays clean and every earning stands reversed by exactly reversalTarget', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await setRules(app, owner, {
          commission: { tierRatesBp: { '1': s.ratesBp }, capBp: s.capBp, freezeDays: 0 },
          order: { fullReduction: s.offFen > 0 ? [{ thresholdFen: 5_000, offFen: s.offFen }] : [] },
          payout: { minAmountFen: 100, autoApproveMaxFen: 1e9, dailyCountLimit: 100, feeBp: 0 },
        });
        const buyer = chain[3];
        const order = await buyAndPay(app, buyer, s.items.map((i) => ({ skuId: skus[i.sku], quantity: i.quantity })));
        if (s.stage !== 'pending') {
          await confirmReceipt(app, buyer, order.id);
          await unfreeze(app, finance);
        }
        if (s.stage === 'withdrawn') {
          const available = (await summary(app, chain[2])).availableFen;
          if (available >= 100) expect((await withdraw(app, chain[2], available)).body.status).toBe('paid');
        }
        const left = new Map<number, number>(order.lines.map((l: any) => [l.id, l.paidFen]));
        let refundedTotal = 0;
        for (const r of s.refunds) {
          const line = order.lines[r.line % order.lines.length];
          const remaining = left.get(line.id)!;
          if (remaining <= 0) continue;
          const amountFen = Math.max(1, Math.min(remaining, Math.floor(r.share * remaining)));
          const res = await refund(app, support, order.id, [{ lineId: line.id, amountFen }]);
          expect(res.status).toBe(201);
          left.set(line.id, remaining - amountFen);
          refundedTotal += amountFen;
        }

        const report = await reconciliation(app, owner.token);
        expect(report.checks.filter((c) => c.differences.length > 0)).toEqual([]);
        expect(report.ok).toBe(true);

        const o = await adminOrder(app, owner.token, order.id);
        expect(o.refundedFen).toBe(refundedTotal);
        const linesPaid = o.lines.reduce((t, l) => t + l.paidFen, 0);
        expect(o.earnings.reduce((t, e) => t + e.amountFen, 0)).toBeLessThanOrEqual(Math.floor((linesPaid * s.capBp) / 10_000));
        for (const line of o.lines) {
          const onLine = o.earnings.filter((e) => e.orderLineId === line.id);
          expect(onLine.reduce((t, e) => t + e.amountFen, 0)).toBeLessThanOrEqual(line.paidFen);
          expect(line.refundedFen).toBe(line.paidFen - left.get(line.id)!);
          for (const e of onLine) {
            expect(e.reversedFen).toBe(reversalTarget(e.amountFen, line.paidFen, line.refundedFen));
            expect(e.reversedFen).toBeLessThanOrEqual(e.amountFen);
            expect(e.state === 'reversed').toBe(e.reversedFen === e.amountFen);
          }
        }
      }),
      { numRuns: 15, endOnFailure: true },
    );
  });
});
