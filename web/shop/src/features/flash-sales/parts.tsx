// Small pieces of the flash-sale strip and panel: the countdown to the start or the end, and what is left.
import { ProgressBar } from 'antd-mobile';
import { useFeatureT } from '../../i18n';
import { clockText, useSecondsLeft, type FlashSale, type FlashSaleItem } from './api';

/** Upcoming until its start, then running until its end, on the server's clock. */
export function usePhase(sale: Pick<FlashSale, 'startsAt' | 'endsAt'>, offsetMs: number): { phase: 'upcoming' | 'running' | 'ended'; seconds: number } {
  const toStart = useSecondsLeft(sale.startsAt, offsetMs);
  const toEnd = useSecondsLeft(sale.endsAt, offsetMs);
  if (toStart > 0) return { phase: 'upcoming', seconds: toStart };
  return toEnd > 0 ? { phase: 'running', seconds: toEnd } : { phase: 'ended', seconds: 0 };
}

export function Countdown({ phase, seconds, testId }: { phase: 'upcoming' | 'running' | 'ended'; seconds: number; testId: string }) {
  const t = useFeatureT();
  if (phase === 'ended') return <span className="muted small" data-testid={testId} data-phase={phase}>{t('flashSale.panel.ended')}</span>;
  return (
    <span className="accent small" data-testid={testId} data-phase={phase}>
      {t(phase === 'upcoming' ? 'flashSale.upcoming' : 'flashSale.running', { time: clockText(seconds, t('flashSale.day')) })}
    </span>
  );
}

/** 仅剩 n 件 with a bar of what was claimed, or 已抢光. */
export function Remaining({ item, testId }: { item: Pick<FlashSaleItem, 'remaining' | 'stock' | 'sold'>; testId: string }) {
  const t = useFeatureT();
  if (item.remaining <= 0) {
    return (
      <span className="muted small" data-testid={testId} data-remaining={0}>
        {t('flashSale.soldOut')}
      </span>
    );
  }
  const pct = item.stock > 0 ? Math.min(100, Math.round((item.sold / item.stock) * 100)) : 0;
  return (
    <div data-testid={testId} data-remaining={item.remaining}>
      <ProgressBar percent={pct} style={{ '--track-width': '4px', '--fill-color': 'var(--adm-color-danger)' } as React.CSSProperties} />
      <span className="muted small">{t('flashSale.left', { n: item.remaining })}</span>
    </div>
  );
}
