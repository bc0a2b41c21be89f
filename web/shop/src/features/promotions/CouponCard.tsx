// A coupon as a ticket: its value on the left, its terms and an action on the right.
import type { ReactNode } from 'react';
import { formatDate } from '../../components';
import { useFeatureT } from '../../i18n';
import { fenToYuanText, formatFen } from '../../../../shared/money';
import type { CouponTerms } from './api';

/** 2000 bp off → "8", 1500 → "8.5". */
export function zheText(priceBp: number): string {
  return String(priceBp / 1000).replace(/\.?0+$/, '') || '0';
}

export function useCouponText() {
  const t = useFeatureT();
  return {
    value: (c: CouponTerms) =>
      c.kind === 'percent' ? t('promo.zhe', { zhe: zheText(10_000 - (c.rateBp ?? 0)), pct: String((c.rateBp ?? 0) / 100) }) : t('promo.off', { amount: fenToYuanText(c.offFen ?? 0) }),
    condition: (c: CouponTerms) => {
      const parts = [c.minSpendFen > 0 ? t('promo.minSpend', { amount: formatFen(c.minSpendFen) }) : t('promo.noThreshold')];
      if (c.kind === 'percent' && c.maxOffFen) parts.push(t('promo.maxOff', { amount: formatFen(c.maxOffFen) }));
      return parts.join('，');
    },
    scope: (c: CouponTerms) => (c.productIds?.length ? t('promo.scopeSome') : t('promo.scopeAll')),
  };
}

export function CouponCard({
  coupon,
  validity,
  action,
  dimmed,
  testId,
  onClick,
  selected,
}: {
  coupon: CouponTerms;
  validity: string;
  action?: ReactNode;
  dimmed?: boolean;
  testId?: string;
  onClick?: () => void;
  selected?: boolean;
}) {
  const text = useCouponText();
  return (
    <div
      className="card"
      data-testid={testId}
      onClick={onClick}
      style={{ display: 'flex', padding: 0, overflow: 'hidden', opacity: dimmed ? 0.55 : 1, outline: selected ? '2px solid var(--accent)' : undefined, cursor: onClick ? 'pointer' : undefined }}
    >
      <div style={{ width: 96, flex: 'none', background: 'linear-gradient(135deg, #ff7a45, #f5222d)', color: '#fff', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', padding: '12px 4px' }}>
        <div style={{ fontSize: 22, fontWeight: 700 }} data-testid={testId ? `${testId}-value` : undefined}>
          {text.value(coupon)}
        </div>
        <div style={{ fontSize: 11, marginTop: 4, textAlign: 'center' }}>{text.condition(coupon)}</div>
      </div>
      <div style={{ flex: 1, padding: '10px 12px', minWidth: 0 }}>
        <div style={{ fontWeight: 600, fontSize: 15 }}>{coupon.name}</div>
        <div className="muted small" style={{ marginTop: 4 }}>{text.scope(coupon)}</div>
        <div className="muted small" style={{ marginTop: 2 }}>{validity}</div>
        {action && <div style={{ marginTop: 8, textAlign: 'right' }}>{action}</div>}
      </div>
    </div>
  );
}

export function useValidityText() {
  const t = useFeatureT();
  return (c: { validDays?: number | null; validFrom: string | null; validUntil: string | null }) =>
    c.validDays ? t('promo.validDays', { days: c.validDays }) : t('promo.validUntil', { from: formatDate(c.validFrom), until: formatDate(c.validUntil) });
}
