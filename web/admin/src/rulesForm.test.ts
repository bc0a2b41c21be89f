// The rules form's round trip. Run with: npx vitest run --config web/vitest.config.ts
import { describe, expect, it } from 'vitest';
import { configToForm, formToConfig } from './pages/rulesForm';
import type { RuleConfig } from './types';

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
    order: { shippingFen: 800, freeShippingMinFen: 9900, fullReduction: [{ thresholdFen: 30000, offFen: 3000 }], unpaidCloseMinutes: 30, autoReceiveDays: 10, receiveExtensionDays: 3, returnShipDays: 7, afterSalesReviewDays: 2, returnReceiveDays: 10 },
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
