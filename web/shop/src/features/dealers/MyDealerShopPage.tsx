// 我的订货店: for a dealer — its shop link, stock and earnings; restocking is in the console.
import { Button, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api';
import { copyText, Empty, ErrorView, Loading, SubPage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { dealersApi } from './dealersApi';

export function MyDealerShopPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const mine = useLoad(() => dealersApi.mine(), []);
  const stock = useLoad(() => (mine.data ? dealersApi.myStock() : Promise.resolve(null)), [mine.data?.id]);
  if (mine.loading) return <SubPage title={t('dealer.mine.title')}><Loading /></SubPage>;
  if (mine.error instanceof ApiError && mine.error.code === 'NOT_A_DEALER') {
    return <SubPage title={t('dealer.mine.title')}><Empty text={t('dealer.mine.notDealer')} /></SubPage>;
  }
  if (mine.error || !mine.data) return <SubPage title={t('dealer.mine.title')}><ErrorView error={mine.error} onRetry={mine.reload} /></SubPage>;
  const d = mine.data;
  const link = `${window.location.origin}/dealer/${d.id}`;
  const copy = async () => {
    Toast.show({ content: (await copyText(link)) ? t('dealer.mine.copied') : link });
  };
  return (
    <SubPage title={t('dealer.mine.title')} testId="my-dealer-shop-page">
      <div className="card">
        <div style={{ fontSize: 18, fontWeight: 700 }} data-testid="my-dealer-shop-name">{d.shopName}</div>
        <div className="muted small">{t('dealer.mine.tier', { tier: d.tierName, upper: d.upperShopName ?? t('dealer.mine.hq') })}</div>
        <div style={{ display: 'flex', gap: 8, marginTop: 10 }}>
          <Button size="small" color="primary" onClick={() => navigate(`/dealer/${d.id}`)} data-testid="my-dealer-shop-open">{t('dealer.mine.open')}</Button>
          <Button size="small" onClick={copy} data-testid="my-dealer-shop-copy">{t('dealer.mine.copy')}</Button>
        </div>
      </div>
      <div className="card stats-grid" data-testid="my-dealer-earnings">
        <div><div className="muted small">{t('dealer.mine.pending')}</div><b>{formatFen(d.earnings.saleEarnings.pendingFen)}</b></div>
        <div><div className="muted small">{t('dealer.mine.frozen')}</div><b>{formatFen(d.earnings.saleEarnings.frozenFen)}</b></div>
        <div><div className="muted small">{t('dealer.mine.available')}</div><b>{formatFen(d.earnings.saleEarnings.availableFen)}</b></div>
        <div><div className="muted small">{t('dealer.mine.lower')}</div><b>{formatFen(d.earnings.lowerRestocks.handoverFen + d.earnings.lowerRestocks.rewardFen)}</b></div>
      </div>
      <div className="card">
        <div className="card-title">{t('dealer.mine.stock')}</div>
        {(stock.data?.items ?? []).map((s) => (
          <div key={s.skuId} style={{ display: 'flex', justifyContent: 'space-between', padding: '6px 0' }} data-testid={`my-dealer-stock-${s.skuId}`}>
            <span className="small">{s.title} {s.skuName}<div className="muted small">{t('dealer.mine.prices', { retail: formatFen(s.retailFen), dealer: formatFen(s.dealerPriceFen) })}</div></span>
            <b>{s.quantity}</b>
          </div>
        ))}
        {stock.data && stock.data.items.length === 0 && <div className="muted small">{t('dealer.shop.empty')}</div>}
        <div className="muted small" style={{ marginTop: 8 }}>{t('dealer.mine.restockHint')}</div>
      </div>
    </SubPage>
  );
}
