// 我的砍价: the bargains I started, newest first; each opens its page.
import { useNavigate } from 'react-router-dom';
import { Empty, LoadMore, ProductImage, SubPage, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { bargainsApi } from './api';
import { StatusTag } from './parts';

export function MyBargainsPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const paged = usePaged((limit, offset) => bargainsApi.mine(limit, offset).then((r) => r.items), []);
  return (
    <SubPage title={t('bargain.mine.title')} testId="my-bargains-page">
      {!paged.loading && paged.items.length === 0 && !paged.error ? (
        <Empty text={t('bargain.mine.empty')} />
      ) : (
        paged.items.map((b) => (
          <div key={b.id} className="card" onClick={() => navigate(`/bargain/${b.id}`)} style={{ display: 'flex', gap: 10, cursor: 'pointer' }} data-testid={`my-bargain-${b.id}`}>
            <ProductImage src={b.imageUrl} title={b.title} seed={b.productId} style={{ width: 64, height: 64, borderRadius: 8, flex: 'none' }} />
            <div style={{ minWidth: 0, flex: 1 }}>
              <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{b.title}</div>
              <div className="muted small">{t('bargain.mine.progress', { cut: formatFen(b.cutFen), current: formatFen(b.currentPriceFen) })}</div>
              <div style={{ marginTop: 4 }}>
                <StatusTag status={b.status} />
              </div>
            </div>
          </div>
        ))
      )}
      <LoadMore paged={paged} />
    </SubPage>
  );
}
