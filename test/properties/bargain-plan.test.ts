// 砍价 (pure): a bargain's cut plan (src/modules/bargains/plan.ts). For any start − floor and any number
// of helpers it may hold (1–100, at least a fen each), whatever the random draws: N cuts, each a
// positive whole fen, adding up to exactly start − floor, so the price never goes below the floor and
// reaches it at the Nth; with equal draws the cuts fall from the first helper to the last.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCuts } from '../../src/modules/bargains/index.js';

const draws = (n: number) => fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: n, maxLength: n });
const terms = fc
  .record({ helpers: fc.integer({ min: 1, max: 100 }), floorFen: fc.integer({ min: 1, max: 10_000_000 }), spareFen: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 200_000_000 })) })
  .map((t) => ({ ...t, startFen: t.floorFen + t.helpers + t.spareFen }));

describe('the cut plan', () => {
  it('N positive cuts adding up to exactly start − floor; the running price never below the floor', () => {
    fc.assert(
      fc.property(terms.chain((t) => fc.tuple(fc.constant(t), draws(t.helpers))), ([t, values]) => {
        let i = 0;
        const cuts = planCuts(t.startFen - t.floorFen, t.helpers, () => values[i++]!);
        expect(cuts.length).toBe(t.helpers);
        let priceFen = t.startFen;
        for (const cut of cuts) {
          expect(Number.isSafeInteger(cut) && cut >= 1).toBe(true);
          priceFen -= cut;
          expect(priceFen).toBeGreaterThanOrEqual(t.floorFen);
        }
        expect(priceFen).toBe(t.floorFen);
      }),
      { numRuns: 500 },
    );
  });

  it('with equal draws the cuts fall from the first helper to the last (within the fen rounding)', () => {
    fc.assert(
      fc.property(terms, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (t, value) => {
        const cuts = planCuts(t.startFen - t.floorFen, t.helpers, () => value);
        for (let k = 1; k < cuts.length; k++) expect(cuts[k]!).toBeLessThanOrEqual(cuts[k - 1]! + 1);
        expect(cuts[0]!).toBeGreaterThanOrEqual(cuts[cuts.length - 1]!);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a plan that cannot give every helper a fen', () => {
    expect(() => planCuts(4, 5)).toThrow(RangeError);
    expect(() => planCuts(10, 0)).toThrow(RangeError);
    // the CSPRNG default still adds up
    expect(planCuts(9_000, 5).reduce((a, b) => a + b, 0)).toBe(9_000);
  });
});
