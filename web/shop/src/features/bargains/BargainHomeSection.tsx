// The home page's bargain strip (key 'bargain'): running offers, each opening its product.
import { useNavigate } from 'react-router-dom';
import { ProductImage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { bargainsApi } from './api';
import { ScissorsIcon } from './parts';

export function BargainHomeSection() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const offers = useLoad(() => bargainsApi.running(), []);
  const items = offers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="card" data-testid="bargain-home">
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span className="accent" style={{ display: 'flex' }}>
          <ScissorsIcon size={18} />
        </span>
        {t('bargain.home.title')}
      </div>
      <div style={{ display: 'flex', gap: 10, overflowX: 'auto' }}>
        {items.map((o) => (
          <div key={o.id} onClick={() => navigate(`/product/${o.productId}`)} style={{ width: 104, flex: 'none', cursor: 'pointer' }} data-testid={`bargain-home-offer-${o.id}`}>
            <ProductImage src={o.imageUrl} title={o.title} seed={o.productId} style={{ width: 104, height: 104, borderRadius: 8 }} />
            <div className="small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', marginTop: 4 }}>{o.title}</div>
            <div className="accent small">{t('bargain.home.floor', { amount: formatFen(o.floorPriceFen) })}</div>
            <div className="muted small">{t('bargain.home.helpers', { count: o.helpersNeeded })}</div>
          </div>
        ))}
      </div>
    </div>
  );
}
