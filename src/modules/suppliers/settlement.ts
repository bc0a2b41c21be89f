// Pure supplier settlement arithmetic: what a supplier is owed for one paid order line.
import { applyRateBp } from '../../money.js';

export interface SettlementInput {
  supplyPriceFen: number;
  quantity: number;
  feeBp: number;
  /** what the line paid after every discount */
  linePaidFen: number;
}

export interface Settlement {
  supplyFen: number;
  feeFen: number;
  amountFen: number;
  /** the line paid less than supply minus fee, so the settlement is the line's paid amount */
  capped: boolean;
}

/**
 * Supply price × quantity minus the platform fee (rounded down, in the supplier's favour),
 * never more than the line actually paid: HQ does not pay a supplier out of its own pocket for a
 * discount it gave the buyer beyond the line's value.
 */
export function settleLine(input: SettlementInput): Settlement {
  const supplyFen = input.supplyPriceFen * input.quantity;
  const feeFen = applyRateBp(supplyFen, input.feeBp);
  const netFen = supplyFen - feeFen;
  const amountFen = Math.min(netFen, input.linePaidFen);
  return { supplyFen, feeFen, amountFen, capped: netFen > input.linePaidFen };
}
