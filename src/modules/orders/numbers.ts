// Human-readable business numbers (order, refund, payout): date-time in Beijing plus randomness.
import { randomInt } from 'node:crypto';

export function businessNumber(prefix: string, at: Date): string {
  const beijing = new Date(at.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${prefix}${beijing}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}
