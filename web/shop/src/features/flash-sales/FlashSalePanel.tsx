// The product page's 秒杀 panel (productPanels): for a product with a SKU in a running or upcoming
// campaign, the chosen SKU's campaign price (the SKU's own struck through), the countdown, what is
// left, the member limit, and 立即抢购, which opens checkout with the campaign. Refreshed every 10 s.
import { Button } from 'antd-mobile';
import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Product } from '../../../../shared/types';
import { Price, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { CalendarIcon } from '../../icons';
import { formatFen } from '../../../../shared/money';
import { flashCheckoutPath, flashSalesApi, serverOffsetMs, type FlashSale } from './api';
import { Countdown, Remaining, usePhase } from './parts';

export function FlashSalePanel({ product, skuId }: { product: Product; skuId: number | null }) {
  const open = useLoad(() => flashSalesApi.open(product.id), [product.id]);
  const { reload } = open;
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const sale = open.data?.items[0];
  if (!sale) return null;
  return <SalePanel sale={sale} skuId={skuId} offsetMs={serverOffsetMs(open.data?.now)} />;
}

function SalePanel({ sale, skuId, offsetMs }: { sale: FlashSale; skuId: number | null; offsetMs: number }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const { phase, seconds } = usePhase(sale, offsetMs);
  if (phase === 'ended') return null;
  const item = sale.items.find((i) => i.skuId === skuId) ?? null;
  const shown = item ?? sale.items[0]!;
  const canBuy = phase === 'running' && item !== null && item.remaining > 0;
  const label = item === null ? t('flashSale.panel.skuNotIn') : phase === 'upcoming' ? t('flashSale.panel.notStarted') : item.remaining <= 0 ? t('flashSale.soldOut') : t('flashSale.panel.buy');
  return (
    <div className="card" data-testid="flash-sale-panel" data-sale-id={sale.id} data-phase={phase}>
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span className="accent" style={{ display: 'flex' }}>
          <CalendarIcon size={18} />
        </span>
        <span style={{ flex: 1 }}>{t('flashSale.panel.title')}</span>
        <Countdown phase={phase} seconds={seconds} testId="flash-sale-panel-countdown" />
      </div>
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 10 }}>
        <div style={{ flex: 1 }}>
          <Price fen={shown.priceFen} testId="flash-sale-panel-price" />
          <s className="muted small" style={{ marginLeft: 6 }}>{formatFen(shown.skuPriceFen)}</s>
          {shown.perMemberLimit !== null && <div className="muted small" data-testid="flash-sale-panel-limit">{t('flashSale.panel.limit', { n: shown.perMemberLimit })}</div>}
          {item && <Remaining item={item} testId="flash-sale-panel-remaining" />}
        </div>
        <Button color="danger" shape="rounded" size="small" disabled={!canBuy} onClick={() => { if (canBuy) navigate(flashCheckoutPath(sale.id, item.skuId, 1)); }} data-testid="flash-sale-buy">
          {label}
        </Button>
      </div>
    </div>
  );
}
