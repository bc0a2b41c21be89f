// Small pieces of the bargain pages: the scissors icon, the countdown, the progress card.
import { ProgressBar, Tag } from 'antd-mobile';
import { useEffect, useState, type CSSProperties } from 'react';
import { Price, ProductImage } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';

export const ScissorsIcon = ({ size = 22 }: { size?: number }) => (
  <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <circle cx="6" cy="6" r="3" />
    <circle cx="6" cy="18" r="3" />
    <path d="M20 4 8.1 15.9M14.5 14.5 20 20M8.1 8.1 12 12" />
  </svg>
);

/** hh:mm:ss until `until`, ticking each second; 00:00:00 once past. */
export function useCountdown(until: string): string {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((new Date(until).getTime() - nowMs) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(left / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
}

export type BargainStatus = 'open' | 'complete' | 'bought' | 'expired';

export function StatusTag({ status }: { status: BargainStatus }) {
  const t = useFeatureT();
  const color = status === 'open' ? 'danger' : status === 'complete' ? 'success' : 'default';
  return (
    <Tag color={color} fill="outline" data-testid="bargain-status" data-status={status}>
      {t(`bargain.status.${status}`)}
    </Tag>
  );
}

interface ProgressShape {
  id: number;
  productId: number;
  title: string;
  skuName: string;
  imageUrl: string | null;
  startPriceFen: number;
  floorPriceFen: number;
  cutFen: number;
  currentPriceFen: number;
  helpersNeeded: number;
  helpedCount: number;
  status: BargainStatus;
  expiresAt: string;
}

/** The product, the price now, the bar (cut so far of what there is to cut), the countdown. */
export function ProgressCard({ b }: { b: ProgressShape }) {
  const t = useFeatureT();
  const countdown = useCountdown(b.expiresAt);
  const range = b.startPriceFen - b.floorPriceFen;
  const percent = range > 0 ? Math.min(100, Math.floor((b.cutFen * 100) / range)) : 100;
  const live = b.status === 'open' || b.status === 'complete';
  return (
    <div className="card" data-testid="bargain-progress" data-cut-fen={b.cutFen} data-current-fen={b.currentPriceFen}>
      <div style={{ display: 'flex', gap: 12 }}>
        <ProductImage src={b.imageUrl} title={b.title} seed={b.productId} style={{ width: 84, height: 84, borderRadius: 8, flex: 'none' }} />
        <div style={{ minWidth: 0, flex: 1 }}>
          <div style={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{b.title}</div>
          <div className="muted small">{b.skuName}</div>
          <div style={{ marginTop: 6, display: 'flex', alignItems: 'baseline', gap: 8, flexWrap: 'wrap' }}>
            <span className="muted small">{t('bargain.current')}</span>
            <Price fen={b.currentPriceFen} size="lg" testId="bargain-current-price" />
            <span className="muted small" style={{ textDecoration: 'line-through' }}>{formatFen(b.startPriceFen)}</span>
          </div>
        </div>
      </div>
      <div style={{ marginTop: 12 }}>
        <ProgressBar percent={percent} style={{ '--fill-color': 'var(--accent)' } as CSSProperties} />
        <div className="small" style={{ marginTop: 6, display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
          <span data-testid="bargain-cut-text">
            {b.cutFen >= range ? t('bargain.reachedFloor', { amount: formatFen(b.floorPriceFen) }) : t('bargain.cutSoFar', { cut: formatFen(b.cutFen), rest: formatFen(range - b.cutFen) })}
          </span>
          <span className="muted">{t('bargain.helped', { count: b.helpedCount, total: b.helpersNeeded })}</span>
        </div>
        <div className="small" style={{ marginTop: 6, display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <StatusTag status={b.status} />
          {live && <span className="accent" data-testid="bargain-countdown">{t('bargain.endsIn', { time: countdown })}</span>}
        </div>
      </div>
    </div>
  );
}
