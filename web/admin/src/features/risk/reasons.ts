// A risk hold's reason as a sentence of the console's language (the API sends the figures, not text).
import { formatFen } from '../../../../shared/money';
import type { RiskReason } from './types';

type FeatureT = (key: string, vars?: Record<string, string | number>) => string;

export function signalName(t: FeatureT, kind: string): string {
  return t(`risk.signal.${kind}`);
}

export function reasonText(t: FeatureT, reason: RiskReason): string {
  switch (reason.rule) {
    case 'linked_buyer':
      return t('risk.reason.linked_buyer', { kinds: reason.kinds.map((k) => signalName(t, k)).join('、') });
    case 'shared_signal':
      return t('risk.reason.shared_signal', { buyers: reason.buyers, kind: signalName(t, reason.kind), threshold: reason.threshold });
    case 'refund_rate':
      return t('risk.reason.refund_rate', { rate: `${(reason.refundBp / 100).toFixed(2)}%`, orders: reason.orders, threshold: `${(reason.threshold / 100).toFixed(2)}%` });
    case 'refund_burst':
      return t('risk.reason.refund_burst', { orders: reason.orders, window: reason.windowMinutes, threshold: reason.threshold });
    case 'daily_commission':
      return t('risk.reason.daily_commission', { amount: formatFen(reason.dayFen), threshold: formatFen(reason.threshold) });
  }
}
