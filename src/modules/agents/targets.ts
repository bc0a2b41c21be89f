// Yearly agent targets: four quarters of the Asia/Shanghai calendar, and an even split of a yearly amount.
import { allocateProportionally, mulDivFloor } from '../../money.js';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The instants where the year's quarters start, plus the next year's start: [Q1, Q2, Q3, Q4, end). */
export function quarterBounds(year: number): Date[] {
  return [0, 3, 6, 9, 12].map((month) => new Date(Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS));
}

/** A yearly amount in four quarters that add up to it exactly (largest remainder: Q1 takes the odd fen first). */
export function splitYearly(yearFen: number): [number, number, number, number] {
  const [q1, q2, q3, q4] = allocateProportionally(yearFen, [1, 1, 1, 1]);
  return [q1, q2, q3, q4];
}

/** Progress in tenths of a percent, floored (a target of zero reads as 0). */
export function progressPermille(achievedFen: number, targetFen: number): number {
  if (targetFen <= 0 || achievedFen <= 0) return 0;
  return mulDivFloor(achievedFen, 1_000, targetFen);
}
