// Pure commission arithmetic: who earns what on an order's lines, and how much a refund reverses.
import { applyRateBp, mulDivFloor } from '../../money.js';
import type { CommissionOverride, RuleConfig } from '../rules/index.js';

export interface CommissionLine {
  lineId: number;
  productId: number;
  skuId: number;
  quantity: number;
  /** what the line actually paid after discounts, shipping excluded */
  paidFen: number;
  /** the line's own terms, set at checkout (a campaign's: no commission, or its rates); before the rules' SKU and product overrides */
  override?: CommissionOverride | null;
}

export interface ChainMember {
  memberId: number;
  tierId: number;
  /** 1 = nearest distributor (or the buyer under self-purchase) */
  level: number;
}

export interface PlannedEarning {
  lineId: number;
  earnerId: number;
  level: number;
  baseFen: number;
  rateBp: number | null;
  amountFen: number;
}

function overrideFor(line: CommissionLine, rules: RuleConfig['commission']): CommissionOverride | undefined {
  return line.override ?? rules.skuOverrides[String(line.skuId)] ?? rules.productOverrides[String(line.productId)];
}

function tierRateBp(rules: RuleConfig['commission'], tierId: number, level: number): number {
  const rates = rules.tierRatesBp[String(tierId)] ?? rules.tierRatesBp['1'] ?? [];
  return rates[level - 1] ?? 0;
}

/** The earnings an order pays, before the order-level cap. */
function uncappedEarnings(lines: CommissionLine[], chain: ChainMember[], rules: RuleConfig['commission']): PlannedEarning[] {
  const earnings: PlannedEarning[] = [];
  for (const line of lines) {
    const override = overrideFor(line, rules);
    for (const earner of chain) {
      if (earner.level > rules.levels) continue;
      let rateBp: number | null;
      let amountFen: number;
      if (override?.mode === 'fixed') {
        rateBp = null;
        // a fixed amount can never pay more than the line itself brought in
        amountFen = Math.min((override.amountsFen[earner.level - 1] ?? 0) * line.quantity, line.paidFen);
      } else {
        rateBp = override?.mode === 'rate' ? (override.ratesBp[earner.level - 1] ?? 0) : tierRateBp(rules, earner.tierId, earner.level);
        amountFen = applyRateBp(line.paidFen, rateBp);
      }
      earnings.push({ lineId: line.lineId, earnerId: earner.memberId, level: earner.level, baseFen: line.paidFen, rateBp, amountFen });
    }
  }
  return earnings;
}

/**
 * Plans the commission of an order. The total never exceeds capBp of what the goods paid:
 * over the cap every earning is scaled down (rounded down), so the parts stay under it.
 */
export function planCommission(lines: CommissionLine[], chain: ChainMember[], rules: RuleConfig['commission']): PlannedEarning[] {
  const earnings = uncappedEarnings(lines, chain, rules);
  const paidFen = lines.reduce((s, l) => s + l.paidFen, 0);
  const capFen = applyRateBp(paidFen, rules.capBp);
  const totalFen = earnings.reduce((s, e) => s + e.amountFen, 0);
  const scaled =
    totalFen > capFen ? earnings.map((e) => ({ ...e, amountFen: mulDivFloor(e.amountFen, capFen, totalFen) })) : earnings;
  return scaled.filter((e) => e.amountFen > 0);
}

/**
 * How much of an earning stands reversed once its line has refundedFen of paidFen refunded:
 * cumulative and rounded down, so successive partial refunds never lose or invent a fen,
 * and a full refund reverses exactly the whole earning.
 */
export function reversalTarget(amountFen: number, linePaidFen: number, lineRefundedFen: number): number {
  if (lineRefundedFen >= linePaidFen) return amountFen;
  return mulDivFloor(amountFen, lineRefundedFen, linePaidFen);
}

/**
 * 分享赚: what a distributor of this tier would earn at level 1 on one unit of each SKU bought
 * through its share, under the rules in force — with a full chain above it, so the order cap
 * applies as it would. Discounts at checkout (full reduction, coupons, member prices) can lower it.
 */
export function shareEarnings(skus: Array<{ productId: number; skuId: number; priceFen: number }>, tierId: number, rules: RuleConfig['commission']): Array<{ skuId: number; amountFen: number }> {
  const chain: ChainMember[] = Array.from({ length: rules.levels }, (_, i) => ({ memberId: i + 1, tierId: i === 0 ? tierId : 1, level: i + 1 }));
  return skus.map((sku) => {
    const planned = planCommission([{ lineId: 1, productId: sku.productId, skuId: sku.skuId, quantity: 1, paidFen: sku.priceFen }], chain, rules);
    return { skuId: sku.skuId, amountFen: planned.find((e) => e.level === 1)?.amountFen ?? 0 };
  });
}
