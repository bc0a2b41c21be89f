// Rule changes that wait for a second approver: the API's shapes, field names in words, values as
// text, and the rule-saving refusals said in the console's language.
import { ApiError } from '../api';
import type { Key, Translate } from '../i18n';
import { formatBp, formatFen } from '../../../shared/money';
import type { ResponseOf } from '../../../shared/api';
import type { HqRole, RuleConfig } from '../types';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** A change of the rules waiting for (or past) a second approver (typed from /openapi.json). */
export type RuleChange = ResponseOf<'/api/admin/rules/changes/{id}'>;

export interface SavedVersion {
  id: number;
  config: RuleConfig;
}

/** Who may change money limits (commission and withdrawals) and decide pending changes. */
export const MONEY_LIMIT_ROLES: HqRole[] = ['owner', 'finance'];

/** PUT /api/admin/rules answers 201 with the version, or 202 with the change waiting for a second approver. */
export function isPendingChange(body: SavedVersion | RuleChange): body is RuleChange {
  return (body as RuleChange).status === 'pending' && Array.isArray((body as RuleChange).triggers);
}

const FIELD_LABELS: Record<string, Key> = {
  'commission.levels': 'rules.levels',
  'commission.complianceOverride': 'rules.overrideReason',
  'commission.selfPurchase': 'rules.selfPurchase',
  'commission.capBp': 'rules.cap',
  'commission.tierRatesBp': 'rules.tierRates',
  'commission.productOverrides': 'ruleChanges.field.productOverrides',
  'commission.skuOverrides': 'ruleChanges.field.skuOverrides',
  'commission.freezeDays': 'rules.freezeDays',
  'payout.minAmountFen': 'rules.payoutMin',
  'payout.feeBp': 'rules.payoutFee',
  'payout.dailyCountLimit': 'rules.payoutDailyLimit',
  'payout.autoApproveMaxFen': 'rules.payoutAutoApprove',
  'approvals.adjustmentSecondApprovalFen': 'ruleChanges.field.adjustmentSecondApproval',
  'approvals.payoutSecondApprovalFen': 'ruleChanges.field.payoutSecondApproval',
  'payout.channels': 'rules.payoutChannels',
  'binding.trigger': 'rules.trigger',
  'binding.protectionDays': 'rules.protectionDays',
  'binding.permanence': 'rules.permanence',
  'binding.validDays': 'rules.validDays',
  'binding.newUsersOnly': 'rules.newUsersOnly',
  'distributor.mode': 'rules.distributorMode',
  'distributor.spendThresholdFen': 'rules.spendThreshold',
  'order.shippingFen': 'rules.shipping',
  'order.freeShippingMinFen': 'rules.freeShippingMin',
  'order.fullReduction': 'rules.fullReduction',
  'order.unpaidCloseMinutes': 'rules.unpaidClose',
  'order.autoReceiveDays': 'rules.autoReceive',
  'order.receiveExtensionDays': 'rules.receiveExtension',
  'order.returnShipDays': 'rules.returnShipDays',
  'order.afterSalesReviewDays': 'rules.afterSalesReviewDays',
  'order.returnReceiveDays': 'rules.returnReceiveDays',
  'order.returnAddress': 'rules.returnAddress',
};

export function fieldLabel(t: Translate, field: string): string {
  const key = FIELD_LABELS[field];
  return key ? t(key) : field;
}

export const fieldList = (t: Translate, fields: string[]) => fields.map((f) => fieldLabel(t, f)).join('、');

/** The line a trigger crosses, in words (the server's English when the console has no text for it). */
export function lineText(t: Translate, trigger: { field: string; line: string }): string {
  return t.maybe(`ruleChanges.line.${trigger.field}`) ?? trigger.line;
}

const DAY_FIELDS = ['commission.freezeDays', 'binding.protectionDays', 'binding.validDays'];

export function valueText(t: Translate, field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (field.endsWith('Fen')) return formatFen(value);
    if (field.endsWith('Bp')) return formatBp(value);
    if (DAY_FIELDS.includes(field)) return `${value} ${t('common.days')}`;
    return String(value);
  }
  if (typeof value === 'boolean') return value ? t('ruleChanges.on') : t('ruleChanges.off');
  if (field === 'commission.tierRatesBp' && typeof value === 'object') {
    return Object.entries(value as Record<string, number[]>)
      .map(([tier, rates]) => `${t('ruleChanges.tier', { id: tier })} ${rates.map(formatBp).join(' / ')}`)
      .join('；');
  }
  if (typeof value === 'string') return (FIELD_LABELS[field] && t.maybe(`${FIELD_LABELS[field]}.${value}`)) || value;
  return JSON.stringify(value);
}

export const changeText = (t: Translate, c: FieldChange) => `${fieldLabel(t, c.field)}：${valueText(t, c.field, c.before)} → ${valueText(t, c.field, c.after)}`;

/** A title and a sentence for the refusals of saving and deciding rules; undefined for any other error. */
export function ruleErrorText(t: Translate, e: unknown): { title: string; content: string } | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const raw = (e.details as { fields?: unknown } | undefined)?.fields;
  const fields = Array.isArray(raw) ? (raw as string[]) : undefined;
  switch (e.code) {
    case 'MONEY_LIMIT_ROLE':
      return { title: t('ruleChanges.err.moneyRoleTitle'), content: t('ruleChanges.err.moneyRoleBody', { fields: fieldList(t, fields ?? []) }) };
    case 'ROLE_FORBIDDEN':
      // the rules endpoint names the fields finance may not change; a plain role refusal names none
      if (!fields) return undefined;
      return { title: t('ruleChanges.err.financeOnlyTitle'), content: fields.length ? t('ruleChanges.err.financeOnlyBody', { fields: fieldList(t, fields) }) : t('ruleChanges.err.financeNothing') };
    case 'SECOND_APPROVER_REQUIRED':
      return { title: t('ruleChanges.err.ownTitle'), content: t('ruleChanges.err.ownBody') };
    case 'RULES_CHANGED_SINCE_PROPOSAL':
      return { title: t('ruleChanges.err.staleTitle'), content: t('ruleChanges.err.staleBody') };
    case 'RULE_CHANGE_DECIDED':
      return { title: t('ruleChanges.err.decidedTitle'), content: t('ruleChanges.err.decidedBody') };
    default:
      return undefined;
  }
}
