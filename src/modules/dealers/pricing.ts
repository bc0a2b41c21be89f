// Pure dealer arithmetic: a tier's dealer price of a SKU, and what an upper dealer earns when a
// lower dealer restocks from it.
import { applyRateBp } from '../../money.js';
import type { DealerRewardMode } from './tables.js';

export interface DealerTierPricing {
  discountBp: number;
  /** per-SKU dealer prices that override the discount */
  overrides: Map<number, number>;
}

/** The tier's per-SKU price if it has one, else retail less the discount (the discount rounds down). */
export function dealerUnitPrice(tier: DealerTierPricing, skuId: number, retailFen: number): number {
  return tier.overrides.get(skuId) ?? retailFen - applyRateBp(retailFen, tier.discountBp);
}

export interface RestockLinePrice {
  quantity: number;
  /** the restocking (lower) dealer's unit price */
  unitPriceFen: number;
  /** the source (upper) dealer's unit price */
  sourceUnitPriceFen: number;
}

/**
 * What the upper dealer gets for a lower dealer's paid restock taken from its stock:
 * - costFen: the upper's own dealer price of the units it handed over (it paid HQ for them and no
 *   longer holds them; HQ collected the lower's payment, so HQ passes this back);
 * - rewardFen: by the upper's tier — the price difference (lower's price − upper's, never below
 *   zero per unit) × quantity, or rebate bp of the restock amount (rounded down).
 */
export function upperDealerSettlement(mode: DealerRewardMode, rebateBp: number, lines: RestockLinePrice[]): { costFen: number; rewardFen: number } {
  const costFen = lines.reduce((s, l) => s + l.sourceUnitPriceFen * l.quantity, 0);
  const amountFen = lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0);
  const rewardFen =
    mode === 'price_difference'
      ? lines.reduce((s, l) => s + Math.max(l.unitPriceFen - l.sourceUnitPriceFen, 0) * l.quantity, 0)
      : applyRateBp(amountFen, rebateBp);
  return { costFen, rewardFen };
}
