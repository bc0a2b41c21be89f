// The home page's 拼团 strip (key 'group-buy'): running offers with their group price and N, each
// opening its product.
import { useNavigate } from 'react-router-dom';
import { ProductImage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { TeamIcon } from '../../icons';
import { formatFen } from '../../../../shared/money';
import { groupBuysApi } from './api';

export function GroupBuyHomeSection() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const offers = useLoad(() => groupBuysApi.running(), []);
  const items = offers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="card" data-testid="group-buy-home">
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span className="accent" style={{ display: 'flex' }}>
          <TeamIcon size={18} />
        </span>
        {t('groupBuy.home.title')}
      </div>
      <div style={{ display: 'flex', gap: 10, overflowX: 'auto' }}>
        {items.map((o) => (
          <div key={o.id} onClick={() => navigate(`/product/${o.productId}`)} style={{ width: 104, flex: 'none', cursor: 'pointer' }} data-testid={`group-buy-home-offer-${o.id}`}>
            <ProductImage src={o.imageUrl} title={o.productTitle} seed={o.productId} style={{ width: 104, height: 104, borderRadius: 8 }} />
            <div className="small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', marginTop: 4 }}>{o.productTitle}</div>
            <div className="accent small">{t('groupBuy.home.price', { amount: formatFen(o.minGroupPriceFen) })}</div>
            <div className="muted small">{t('groupBuy.home.size', { n: o.groupSize })}</div>
          </div>
        ))}
      </div>
    </div>
  );
}
