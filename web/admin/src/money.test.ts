// Run with: npx vitest run --root web/admin
import { describe, expect, it } from 'vitest';
import { bpToPercentText, fenToYuanText, formatBp, formatFen, parsePercentToBp, parseYuanToFen } from './money';
import { configToForm, formToConfig } from './pages/rulesForm';
import type { RuleConfig } from './types';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(-1234)).toBe('-¥12.34');
    expect(formatFen(100_000_000_00)).toBe('¥100,000,000.00');
    expect(formatFen(undefined)).toBe('—');
  });

  it('parses yuan text into fen exactly, without float drift', () => {
    expect(parseYuanToFen('12.34')).toBe(1234);
    expect(parseYuanToFen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(parseYuanToFen('1.005')).toBeNull(); // three decimals are refused, not rounded
    expect(parseYuanToFen('19.9')).toBe(1990);
    expect(parseYuanToFen('12')).toBe(1200);
    expect(parseYuanToFen('.5')).toBe(50);
    expect(parseYuanToFen('12.')).toBe(1200);
    expect(parseYuanToFen('¥1,234.56')).toBe(123456);
    expect(parseYuanToFen(' 8 ')).toBe(800);
    expect(parseYuanToFen('-12.34')).toBeNull();
    expect(parseYuanToFen('-12.34', { allowNegative: true })).toBe(-1234);
    for (const bad of ['', '.', 'abc', '1e3', '12.3.4', '--1', '1 2']) expect(parseYuanToFen(bad)).toBeNull();
  });

  it('round-trips every cent from 0 to 100 yuan', () => {
    for (let fen = 0; fen <= 10_000; fen++) expect(parseYuanToFen(fenToYuanText(fen))).toBe(fen);
  });

  it('shows basis points as percent and parses them back', () => {
    expect(formatBp(1000)).toBe('10%');
    expect(formatBp(1250)).toBe('12.5%');
    expect(bpToPercentText(1)).toBe('0.01');
    expect(parsePercentToBp('12.5')).toBe(1250);
    expect(parsePercentToBp('0.01')).toBe(1);
    expect(parsePercentToBp('7.07')).toBe(707);
    for (let bp = 0; bp <= 10_000; bp++) expect(parsePercentToBp(bpToPercentText(bp))).toBe(bp);
  });
});

describe('rules form', () => {
  const config: RuleConfig = {
    commission: {
      levels: 3,
      selfPurchase: false,
      capBp: 3000,
      tierRatesBp: { '1': [1000, 500, 300], '2': [1200, 600, 300] },
      productOverrides: { '5': { mode: 'fixed', amountsFen: [199, 99, 29] } },
      skuOverrides: { '8': { mode: 'rate', ratesBp: [1500, 0, 0] } },
      freezeDays: 7,
      futureKey: 'kept',
    },
    binding: { trigger: 'registration', protectionDays: 7, permanence: 'permanent', validDays: 365, newUsersOnly: true },
    distributor: { mode: 'automatic', spendThresholdFen: 0 },
    payout: { minAmountFen: 100, feeBp: 60, dailyCountLimit: 3, autoApproveMaxFen: 5000, channels: ['wechat', 'alipay'] },
    order: { shippingFen: 800, freeShippingMinFen: 9900, fullReduction: [{ thresholdFen: 30000, offFen: 3000 }] },
    futureSection: { x: 1 },
  };

  it('round-trips the config through the form unchanged', () => {
    expect(formToConfig(configToForm(config, [1, 2, 3]), config)).toEqual(config);
  });

  it('sizes rate arrays to the level count and requires the override reason above three', () => {
    const form = configToForm(config, [1, 2, 3]);
    form.levels = 4;
    form.overrideReason = '  legal signed off on a fourth level  ';
    form.tierRates['1'][3] = '0.5';
    const out = formToConfig(form, config);
    expect(out.commission.tierRatesBp['1']).toEqual([1000, 500, 300, 50]);
    expect(out.commission.tierRatesBp['2']).toEqual([1200, 600, 300, 0]);
    expect(out.commission.tierRatesBp['3']).toBeUndefined();
    expect(out.commission.complianceOverride).toEqual({ reason: 'legal signed off on a fourth level' });
    form.levels = 2;
    const two = formToConfig(form, out);
    expect(two.commission.tierRatesBp['1']).toEqual([1000, 500]);
    expect(two.commission.complianceOverride).toBeUndefined();
  });
});
