// The cut plan of a bargain (pure): N positive cuts in fen that add up to exactly start − floor, drawn
// once when the bargain starts and stored, so every helper's cut is decided and auditable beforehand.
// Like 拼多多's, early cuts are larger: each helper's weight is a random factor in [0.5, 1.5) times a
// decay per place, and what is left after one fen each is split by those weights (largest
// remainder, src/money.ts), so the parts add up exactly and none is zero.
import { randomInt } from 'node:crypto';
import { allocateProportionally } from '../../money.js';

/** A uniform draw in [0, 1). */
export type Draw = () => number;

const WEIGHT_SCALE = 1_000_000;

/** A CSPRNG draw (the default: a helper cannot predict or steer the next cut). */
export const cryptoDraw: Draw = () => randomInt(0, WEIGHT_SCALE) / WEIGHT_SCALE;

/** How fast the weights fall per place: steeper for few helpers, gentle for many (the last of 100 still weigh about 5 %). */
export function decayFor(helpers: number): number {
  return helpers <= 1 ? 1 : Math.max(0.5, 1 - 3 / helpers);
}

/** The cuts, first helper first: `helpers` positive integers adding up to `totalFen`. */
export function planCuts(totalFen: number, helpers: number, draw: Draw = cryptoDraw): number[] {
  if (!Number.isSafeInteger(helpers) || helpers < 1) throw new RangeError('a bargain needs at least one helper');
  if (!Number.isSafeInteger(totalFen) || totalFen < helpers) throw new RangeError('every cut must be at least one fen');
  const decay = decayFor(helpers);
  const weights = Array.from({ length: helpers }, (_, i) => {
    const factor = 0.5 + Math.min(Math.max(draw(), 0), 1);
    // integer weights (the split is exact in BigInt); at least 1 so every place shares
    return Math.max(1, Math.round(factor * decay ** i * WEIGHT_SCALE));
  });
  return allocateProportionally(totalFen - helpers, weights).map((extra) => extra + 1);
}
