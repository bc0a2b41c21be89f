// The rules form edits money as yuan text and rates as percent text; this converts between that and
// the API's config (fen and basis points), exactly. Keys the form does not know are kept as they were.
import { bpToPercentText, fenToYuanText, parsePercentToBp, parseYuanToFen } from '../../../shared/money';
import type { CommissionOverride, RuleConfig } from '../types';

export interface OverrideRow {
  scope: 'product' | 'sku';
  id?: number;
  mode: 'rate' | 'fixed';
  values: string[];
}

export interface RulesForm {
  levels: number;
  overrideReason?: string;
  selfPurchase: boolean;
  capPct: string;
  freezeDays: number;
  tierRates: Record<string, string[]>;
  overrides: OverrideRow[];
  binding: RuleConfig['binding'];
  distributorMode: RuleConfig['distributor']['mode'];
  spendThresholdYuan: string;
  payout: {
    minAmountYuan: string;
    feePct: string;
    dailyCountLimit: number;
    autoApproveMaxYuan: string;
    channels: RuleConfig['payout']['channels'];
  };
  order: {
    shippingYuan: string;
    freeShippingMinYuan: string;
    unpaidCloseMinutes: number;
    autoReceiveDays: number;
    receiveExtensionDays: number;
    returnShipDays: number;
    afterSalesReviewDays: number;
    returnReceiveDays: number;
    returnAddress: { name: string; phone: string; address: string };
    fullReduction: Array<{ thresholdYuan: string; offYuan: string }>;
  };
  note?: string;
}

export const MAX_LEVELS_WITHOUT_OVERRIDE = 3;

function overrideToRow(scope: 'product' | 'sku', id: string, o: CommissionOverride): OverrideRow {
  return o.mode === 'rate'
    ? { scope, id: Number(id), mode: 'rate', values: o.ratesBp.map(bpToPercentText) }
    : { scope, id: Number(id), mode: 'fixed', values: o.amountsFen.map(fenToYuanText) };
}

export function configToForm(config: RuleConfig, tierIds: number[]): RulesForm {
  const c = config.commission;
  const tierRates: Record<string, string[]> = {};
  const ids = new Set([...tierIds.map(String), ...Object.keys(c.tierRatesBp ?? {})]);
  for (const id of ids) tierRates[id] = (c.tierRatesBp?.[id] ?? []).map(bpToPercentText);
  return {
    levels: c.levels,
    overrideReason: c.complianceOverride?.reason,
    selfPurchase: c.selfPurchase,
    capPct: bpToPercentText(c.capBp),
    freezeDays: c.freezeDays,
    tierRates,
    overrides: [
      ...Object.entries(c.productOverrides ?? {}).map(([id, o]) => overrideToRow('product', id, o)),
      ...Object.entries(c.skuOverrides ?? {}).map(([id, o]) => overrideToRow('sku', id, o)),
    ],
    binding: { ...config.binding },
    distributorMode: config.distributor.mode,
    spendThresholdYuan: fenToYuanText(config.distributor.spendThresholdFen),
    payout: {
      minAmountYuan: fenToYuanText(config.payout.minAmountFen),
      feePct: bpToPercentText(config.payout.feeBp),
      dailyCountLimit: config.payout.dailyCountLimit,
      autoApproveMaxYuan: fenToYuanText(config.payout.autoApproveMaxFen),
      channels: [...config.payout.channels],
    },
    order: {
      shippingYuan: fenToYuanText(config.order.shippingFen),
      freeShippingMinYuan: fenToYuanText(config.order.freeShippingMinFen),
      unpaidCloseMinutes: config.order.unpaidCloseMinutes ?? 30,
      autoReceiveDays: config.order.autoReceiveDays ?? 10,
      receiveExtensionDays: config.order.receiveExtensionDays ?? 3,
      returnShipDays: config.order.returnShipDays ?? 7,
      afterSalesReviewDays: config.order.afterSalesReviewDays ?? 2,
      returnReceiveDays: config.order.returnReceiveDays ?? 10,
      returnAddress: { name: config.order.returnAddress?.name ?? '', phone: config.order.returnAddress?.phone ?? '', address: config.order.returnAddress?.address ?? '' },
      fullReduction: config.order.fullReduction.map((r) => ({ thresholdYuan: fenToYuanText(r.thresholdFen), offYuan: fenToYuanText(r.offFen) })),
    },
  };
}

export class FormValueError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const fenOf = (text: string | undefined, field: string): number => {
  const v = parseYuanToFen(text ?? '');
  if (v === null) throw new FormValueError(field, `${field}: "${text ?? ''}" is not an amount in yuan`);
  return v;
};
const bpOf = (text: string | undefined, field: string): number => {
  const v = parsePercentToBp(text ?? '');
  if (v === null || v > 10_000) throw new FormValueError(field, `${field}: "${text ?? ''}" is not a percentage between 0 and 100`);
  return v;
};

/** Exactly `levels` entries: missing ones count as 0, extra ones are dropped. */
function perLevel<T>(values: Array<string | undefined>, levels: number, parse: (s: string | undefined, i: number) => T, empty: T): T[] {
  return Array.from({ length: levels }, (_, i) => (values[i] === undefined || values[i] === '' ? empty : parse(values[i], i)));
}

export function formToConfig(form: RulesForm, original: RuleConfig): RuleConfig {
  const levels = form.levels;
  const tierRatesBp: Record<string, number[]> = {};
  for (const [id, rates] of Object.entries(form.tierRates ?? {})) {
    const list = perLevel(rates ?? [], levels, (s, i) => bpOf(s, `tier ${id} level ${i + 1}`), 0);
    // a tier with every rate empty falls back to tier 1's rates on the server: leave it out
    if ((rates ?? []).slice(0, levels).some((s) => s !== undefined && s !== '') || id === '1') tierRatesBp[id] = list;
  }
  const productOverrides: Record<string, CommissionOverride> = {};
  const skuOverrides: Record<string, CommissionOverride> = {};
  for (const row of form.overrides ?? []) {
    if (row.id === undefined || row.id === null) continue;
    const label = `${row.scope} ${row.id}`;
    const o: CommissionOverride =
      row.mode === 'rate'
        ? { mode: 'rate', ratesBp: perLevel(row.values ?? [], levels, (s, i) => bpOf(s, `${label} level ${i + 1}`), 0) }
        : { mode: 'fixed', amountsFen: perLevel(row.values ?? [], levels, (s, i) => fenOf(s, `${label} level ${i + 1}`), 0) };
    (row.scope === 'product' ? productOverrides : skuOverrides)[String(row.id)] = o;
  }
  const commission: RuleConfig['commission'] = {
    ...original.commission,
    levels,
    selfPurchase: !!form.selfPurchase,
    capBp: bpOf(form.capPct, 'cap'),
    tierRatesBp,
    productOverrides,
    skuOverrides,
    freezeDays: form.freezeDays,
  };
  if (levels > MAX_LEVELS_WITHOUT_OVERRIDE) commission.complianceOverride = { reason: (form.overrideReason ?? '').trim() };
  else delete commission.complianceOverride;

  return {
    ...original,
    commission,
    binding: { ...original.binding, ...form.binding },
    distributor: {
      ...original.distributor,
      mode: form.distributorMode,
      spendThresholdFen: form.distributorMode === 'spend_threshold' ? fenOf(form.spendThresholdYuan, 'spend threshold') : original.distributor.spendThresholdFen,
    },
    payout: {
      ...original.payout,
      minAmountFen: fenOf(form.payout.minAmountYuan, 'payout minimum'),
      feeBp: bpOf(form.payout.feePct, 'payout fee'),
      dailyCountLimit: form.payout.dailyCountLimit,
      autoApproveMaxFen: fenOf(form.payout.autoApproveMaxYuan, 'auto-approve maximum'),
      channels: form.payout.channels,
    },
    order: {
      ...original.order,
      shippingFen: fenOf(form.order.shippingYuan, 'shipping'),
      freeShippingMinFen: fenOf(form.order.freeShippingMinYuan, 'free shipping minimum'),
      unpaidCloseMinutes: form.order.unpaidCloseMinutes,
      autoReceiveDays: form.order.autoReceiveDays,
      receiveExtensionDays: form.order.receiveExtensionDays,
      returnShipDays: form.order.returnShipDays,
      afterSalesReviewDays: form.order.afterSalesReviewDays,
      returnReceiveDays: form.order.returnReceiveDays,
      // all three or none: an empty address means the reviewer names one for each return
      returnAddress: form.order.returnAddress?.name?.trim() || form.order.returnAddress?.address?.trim() ? { name: form.order.returnAddress.name.trim(), phone: (form.order.returnAddress.phone ?? '').trim(), address: form.order.returnAddress.address.trim() } : undefined,
      fullReduction: (form.order.fullReduction ?? []).map((r, i) => ({ thresholdFen: fenOf(r.thresholdYuan, `full reduction ${i + 1}`), offFen: fenOf(r.offYuan, `full reduction ${i + 1}`) })),
    },
  };
}
