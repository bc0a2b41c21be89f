// The home page's 秒杀 strip (key 'flash-sale'): running and upcoming campaigns, each with its
// countdown and its items' campaign price, the SKU's own price struck through, and what is left (or
// 已抢光); an item opens its product.
import { useNavigate } from 'react-router-dom';
import { ProductImage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { CalendarIcon } from '../../icons';
import { formatFen } from '../../../../shared/money';
import { flashSalesApi, serverOffsetMs, type FlashSale } from './api';
import { Countdown, Remaining, usePhase } from './parts';

export function FlashSaleHomeSection() {
  const open = useLoad(() => flashSalesApi.open(), []);
  const sales = open.data?.items ?? [];
  if (sales.length === 0) return null;
  const offsetMs = serverOffsetMs(open.data?.now);
  return (
    <>
      {sales.map((sale) => (
        <SaleStrip key={sale.id} sale={sale} offsetMs={offsetMs} />
      ))}
    </>
  );
}

function SaleStrip({ sale, offsetMs }: { sale: FlashSale; offsetMs: number }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const { phase, seconds } = usePhase(sale, offsetMs);
  if (phase === 'ended') return null;
  return (
    <div className="card" data-testid={`flash-sale-home-${sale.id}`} data-phase={phase}>
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span className="accent" style={{ display: 'flex' }}>
          <CalendarIcon size={18} />
        </span>
        <span style={{ flex: 1 }}>{sale.name || t('flashSale.home.title')}</span>
        <Countdown phase={phase} seconds={seconds} testId="flash-sale-countdown" />
      </div>
      <div style={{ display: 'flex', gap: 10, overflowX: 'auto' }}>
        {sale.items.map((item) => (
          <div key={item.id} onClick={() => navigate(`/product/${item.productId}`)} style={{ width: 112, flex: 'none', cursor: 'pointer', opacity: item.remaining > 0 ? 1 : 0.6 }} data-testid={`flash-sale-item-${item.skuId}`}>
            <ProductImage src={item.imageUrl} title={item.productTitle} seed={item.productId} style={{ width: 112, height: 112, borderRadius: 8 }} />
            <div className="small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', marginTop: 4 }}>{item.productTitle}</div>
            <div>
              <span className="accent small" data-testid="flash-sale-item-price" data-fen={item.priceFen}>{formatFen(item.priceFen)}</span>
              <s className="muted small" style={{ marginLeft: 4 }}>{formatFen(item.skuPriceFen)}</s>
            </div>
            <Remaining item={item} testId="flash-sale-item-remaining" />
          </div>
        ))}
      </div>
    </div>
  );
}
