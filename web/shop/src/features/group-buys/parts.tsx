// Small pieces of the 拼团 pages: the countdown, the status tag, the SKU picker.
import { Tag } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { GroupBuyOffer, GroupStatus } from './api';

/** hh:mm:ss until `until`, ticking each second; 00:00:00 once past. */
export function useCountdown(until: string | null): string {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = until ? Math.max(0, Math.floor((new Date(until).getTime() - nowMs) / 1000)) : 0;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(left / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
}

export function Countdown({ until, testId }: { until: string | null; testId?: string }) {
  const t = useFeatureT();
  return <span className="accent small" data-testid={testId}>{t('groupBuy.endsIn', { time: useCountdown(until) })}</span>;
}

export function GroupStatusTag({ status }: { status: GroupStatus }) {
  const t = useFeatureT();
  const color = status === 'open' ? 'danger' : status === 'succeeded' ? 'success' : status === 'pending' ? 'warning' : 'default';
  return (
    <Tag color={color} fill="outline" data-testid="group-status" data-status={status}>
      {t(`groupBuy.status.${status}`)}
    </Tag>
  );
}

/** The offer's SKUs as tags with their group prices (only when there are several). */
export function SkuTags({ offer, skuId, onPick }: { offer: Pick<GroupBuyOffer, 'skus'>; skuId: number; onPick: (skuId: number) => void }) {
  if (offer.skus.length < 2) return null;
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, margin: '8px 0' }}>
      {offer.skus.map((s) => (
        <Tag key={s.skuId} color={s.skuId === skuId ? 'danger' : 'default'} fill="outline" onClick={() => onPick(s.skuId)} style={{ padding: '4px 8px', cursor: 'pointer' }} data-testid={`group-sku-${s.skuId}`}>
          {s.skuName} {formatFen(s.groupPriceFen)}
        </Tag>
      ))}
    </div>
  );
}
