// Rule 11 (pure): money arithmetic in src/money.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, applyRateBp, mulDivFloor, shanghaiDayStart } from '../../src/money.js';

const fen = fc.integer({ min: 0, max: 1e12 });

describe('allocateProportionally', () => {
  it('parts add up to the total, are whole non-negative fen, and each is within 1 fen of its exact share', () => {
    fc.assert(
      fc.property(fen, fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 20 }), (total, raw) => {
        const weights = raw.some((w) => w > 0) ? raw : [...raw.slice(1), 1];
        const parts = allocateProportionally(total, weights);
        expect(parts).toHaveLength(weights.length);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        const weightSum = BigInt(weights.reduce((s, w) => s + w, 0));
        parts.forEach((part, i) => {
          expect(Number.isSafeInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
          // |part − total·w/W| < 1  ⇔  |part·W − total·w| < W, exactly in BigInt
          const diff = BigInt(part) * weightSum - BigInt(total) * BigInt(weights[i]);
          expect(diff < 0n ? -diff : diff).toBeLessThan(weightSum);
          if (weights[i] === 0) expect(part).toBe(0);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('splits small totals over many parts without inventing or losing a fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 60 }), (total, weights) => {
        const parts = allocateProportionally(total, weights);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        expect(Math.max(...parts)).toBeLessThanOrEqual(Math.ceil((total * Math.max(...weights)) / weights.reduce((s, w) => s + w, 0)));
      }),
    );
  });

  it('refuses all-zero weights for a non-zero total', () => {
    expect(() => allocateProportionally(10, [0, 0])).toThrow(RangeError);
    expect(allocateProportionally(0, [0, 0])).toEqual([0, 0]);
  });
});

describe('mulDivFloor and applyRateBp', () => {
  it('equal exact floor(a·b/c) and never exceed the amount for rates ≤ 100 %', () => {
    fc.assert(
      fc.property(fen, fc.integer({ min: 0, max: 10_000 }), (amount, rate) => {
        const exact = (BigInt(amount) * BigInt(rate)) / 10_000n;
        expect(applyRateBp(amount, rate)).toBe(Number(exact));
        expect(applyRateBp(amount, rate)).toBeLessThanOrEqual(amount);
      }),
    );
    fc.assert(
      fc.property(fen, fen, fc.integer({ min: 1, max: 1e12 }), (a, b, c) => {
        const result = mulDivFloor(a, Math.min(b, c), c);
        expect(result).toBeLessThanOrEqual(a);
        expect(BigInt(result) * BigInt(c) <= BigInt(a) * BigInt(Math.min(b, c))).toBe(true);
        expect((BigInt(result) + 1n) * BigInt(c) > BigInt(a) * BigInt(Math.min(b, c))).toBe(true);
      }),
    );
  });
});

describe('shanghaiDayStart', () => {
  it('is the Asia/Shanghai midnight at or before the instant, less than a day before it', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (at) => {
        const start = shanghaiDayStart(at);
        expect(start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime() - start.getTime()).toBeLessThan(86_400_000);
        expect(start.getUTCHours()).toBe(16);
        expect(start.getUTCMinutes() + start.getUTCSeconds() + start.getUTCMilliseconds()).toBe(0);
      }),
    );
  });
});
