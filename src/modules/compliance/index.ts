// The compliance module's face: the checks that keep the programme from becoming 传销 (guard.ts), used by
// the modules that configure rewards, and the report for HQ (report.ts). It owns no table: an override
// is stored with the configuration it allows, by that configuration's module, and audited.
export {
  COMPLIANCE_OVERRIDE_ACTIONS,
  complianceOverrideInput,
  ENTRY_FEE,
  entryFeeRefused,
  hasInviteOnlyPath,
  isEntryFee,
  overrideColumns,
  overrideOf,
  paysMoreThanEntry,
  ratesOfTier,
  RECRUITING_CASH,
  recruitingCashRefused,
  tierRulePaths,
  withoutInviteOnlyPath,
} from './guard.js';
export type { ComplianceCode, ComplianceOverride, ComplianceOverrideInput, TierCondition, TierRuleShape } from './guard.js';
export { ComplianceService } from './report.js';
export type { ComplianceFinding, ComplianceOverrideEntry, ComplianceReport, FindingsSource } from './report.js';
