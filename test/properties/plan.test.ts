// Rule 11 (pure): commission planning and refund reversal in src/modules/commission/plan.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCommission, reversalTarget, type ChainMember, type CommissionLine } from '../../src/modules/commission/plan.js';
import { applyRateBp } from '../../src/money.js';
import { ruleConfigSchema, type RuleConfig } from '../../src/modules/rules/schema.js';

const bp = fc.integer({ min: 0, max: 10_000 });
const rates = fc.array(bp, { minLength: 1, maxLength: 9 });
const override = fc.oneof(
  fc.record({ mode: fc.constant('rate' as const), ratesBp: rates }),
  fc.record({ mode: fc.constant('fixed' as const), amountsFen: fc.array(fc.integer({ min: 0, max: 1e7 }), { minLength: 1, maxLength: 9 }) }),
);

const commissionRules: fc.Arbitrary<RuleConfig['commission']> = fc
  .record({
    levels: fc.integer({ min: 1, max: 9 }),
    capBp: bp,
    tier1: rates,
    tier2: rates,
    productOverrides: fc.dictionary(fc.integer({ min: 1, max: 4 }).map(String), override, { maxKeys: 3 }),
    skuOverrides: fc.dictionary(fc.integer({ min: 1, max: 8 }).map(String), override, { maxKeys: 3 }),
  })
  .map(
    (r) =>
      ruleConfigSchema.parse({
        commission: {
          levels: r.levels,
          complianceOverride: r.levels > 3 ? { reason: 'property test, more than three levels' } : undefined,
          capBp: r.capBp,
          tierRatesBp: { '1': r.tier1, '2': r.tier2 },
          productOverrides: r.productOverrides,
          skuOverrides: r.skuOverrides,
        },
      }).commission,
  );

const lines: fc.Arbitrary<CommissionLine[]> = fc.array(
  fc.record({
    productId: fc.integer({ min: 1, max: 4 }),
    skuId: fc.integer({ min: 1, max: 8 }),
    quantity: fc.integer({ min: 1, max: 999 }),
    paidFen: fc.integer({ min: 0, max: 1e9 }),
  }),
  { minLength: 1, maxLength: 8 },
).map((ls) => ls.map((l, i) => ({ ...l, lineId: i + 1 })));

const chain: fc.Arbitrary<ChainMember[]> = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 9 })
  .map((tiers) => tiers.map((tierId, i) => ({ memberId: 100 + i, tierId, level: i + 1 })));

describe('planCommission', () => {
  it('never pays more than capBp of the goods paid, and every earning is a whole, positive fen amount', () => {
    fc.assert(
      fc.property(lines, chain, commissionRules, (ls, ch, rules) => {
        const planned = planCommission(ls, ch, rules);
        const paid = ls.reduce((s, l) => s + l.paidFen, 0);
        const total = planned.reduce((s, e) => s + e.amountFen, 0);
        expect(total).toBeLessThanOrEqual(applyRateBp(paid, rules.capBp));
        for (const e of planned) {
          expect(Number.isSafeInteger(e.amountFen)).toBe(true);
          expect(e.amountFen).toBeGreaterThan(0);
          expect(e.level).toBeLessThanOrEqual(rules.levels);
          const line = ls.find((l) => l.lineId === e.lineId)!;
          expect(e.baseFen).toBe(line.paidFen);
          expect(e.amountFen).toBeLessThanOrEqual(line.paidFen);
        }
        // one earning per (line, level) at most
        const keys = planned.map((e) => `${e.lineId}:${e.level}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 500 },
    );
  });

  it('under the cap, each earning is exactly the rate (or fixed × quantity) of its line', () => {
    fc.assert(
      fc.property(lines, chain, commissionRules, (ls, ch, base) => {
        const rules = { ...base, capBp: 10_000, productOverrides: {}, skuOverrides: {} };
        const planned = planCommission(ls, ch, rules);
        const expected = ls.flatMap((l) =>
          ch
            .filter((m) => m.level <= rules.levels)
            .map((m) => ({ lineId: l.lineId, level: m.level, amountFen: applyRateBp(l.paidFen, (rules.tierRatesBp[String(m.tierId)] ?? rules.tierRatesBp['1'])[m.level - 1] ?? 0) })),
        );
        const total = expected.reduce((s, e) => s + e.amountFen, 0);
        const paid = ls.reduce((s, l) => s + l.paidFen, 0);
        fc.pre(total <= paid); // otherwise the 100 % cap scales
        expect(planned.map((e) => [e.lineId, e.level, e.amountFen])).toEqual(expected.filter((e) => e.amountFen > 0).map((e) => [e.lineId, e.level, e.amountFen]));
      }),
    );
  });
});

describe('reversalTarget over successive partial refunds', () => {
  /** Random partial refunds of a line, each ≥ 1 fen, together at most what it paid. */
  const scenario = fc
    .record({ paid: fc.integer({ min: 1, max: 1e9 }), c: fc.integer({ min: 1, max: 1e9 }), cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), full: fc.boolean() })
    .map(({ paid, c, cuts, full }) => {
      const amount = Math.min(c, paid); // an earning never exceeds its line
      const points = [...new Set(cuts.map((x) => Math.floor(x * paid)))].filter((p) => p > 0).sort((a, b) => a - b);
      if (full && points.at(-1) !== paid) points.push(paid);
      const refunds = points.map((p, i) => p - (points[i - 1] ?? 0)).filter((r) => r > 0);
      return { paid, amount, refunds };
    });

  it('the cumulative reversal equals reversalTarget of the total refunded, never exceeds C, and is exactly C when fully refunded', () => {
    fc.assert(
      fc.property(scenario, ({ paid, amount, refunds }) => {
        let refunded = 0;
        let reversed = 0;
        for (const r of refunds) {
          refunded += r;
          const target = reversalTarget(amount, paid, refunded);
          const delta = target - reversed;
          expect(delta).toBeGreaterThanOrEqual(0); // reversals only ever grow
          reversed += delta;
          expect(reversed).toBe(reversalTarget(amount, paid, refunded));
          expect(reversed).toBe(refunded >= paid ? amount : Number((BigInt(amount) * BigInt(refunded)) / BigInt(paid)));
          expect(reversed).toBeLessThanOrEqual(amount);
        }
        expect(refunded).toBeLessThanOrEqual(paid);
        if (refunded === paid) expect(reversed).toBe(amount);
        else expect(reversed).toBeLessThan(amount); // floor(C·r/p) < C while r < p
      }),
      { numRuns: 1000 },
    );
  });

  it('the awkward example: 3333/3333/3334 of 10 000 with C = 333 reverses 110, 111, 112', () => {
    expect(reversalTarget(333, 10_000, 3_333)).toBe(110);
    expect(reversalTarget(333, 10_000, 6_666)).toBe(221);
    expect(reversalTarget(333, 10_000, 10_000)).toBe(333);
  });
});
