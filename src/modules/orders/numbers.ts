// Human-readable business numbers (order, refund, payout): date-time in Beijing plus 12 random
// digits, so two made in the same second collide with odds of about 1 in 10^12 per pair.
import { randomBytes } from 'node:crypto';

export function businessNumber(prefix: string, at: Date): string {
  const beijing = new Date(at.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  const random = (randomBytes(6).readUIntBE(0, 6) % 1_000_000_000_000).toString().padStart(12, '0');
  return `${prefix}${beijing}${random}`;
}
