// 我的收藏: the member's favourite products, the newest first; one taken off sale stays, dimmed and
// marked 已下架 (it cannot be opened until it is back on sale); each can be taken out of the list.
import { Toast } from 'antd-mobile';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api';
import { Empty, ErrorView, LoadMore, Price, ProductImage, SubPage, usePaged } from '../../components';
import { pictureOf } from '../../gallery';
import { useFeatureT } from '../../i18n';
import { favouritesApi, type Favourite } from './favouritesApi';

function FavouriteRow({ item, onRemoved }: { item: Favourite; onRemoved: () => void }) {
  const t = useFeatureT();
  const p = item.product;
  const remove = async () => {
    try {
      await favouritesApi.remove(p.id);
      Toast.show({ content: t('fav.removedToast') });
      onRemoved();
    } catch (e) {
      Toast.show({ content: errorMessage(e) });
    }
  };
  const body = (
    <>
      <ProductImage src={pictureOf(p, 'thumb')} title={p.title} seed={p.id} style={{ width: 72, height: 72, borderRadius: 8, flex: '0 0 72px', objectFit: 'cover' }} />
      <div style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', justifyContent: 'space-between' }}>
        <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} data-testid="favourite-title">
          {p.title}
        </div>
        {item.onSale ? <Price fen={p.minPriceFen} /> : <span className="muted small" data-testid="favourite-off-sale">{t('fav.offSale')}</span>}
      </div>
    </>
  );
  return (
    <div className="card" data-testid="favourite-item" data-product-id={p.id} data-on-sale={String(item.onSale)} style={{ display: 'flex', alignItems: 'center', gap: 10, opacity: item.onSale ? 1 : 0.55 }}>
      {item.onSale ? (
        <Link to={`/product/${p.id}`} style={{ display: 'flex', gap: 10, flex: 1, minWidth: 0, color: 'inherit' }}>
          {body}
        </Link>
      ) : (
        <div style={{ display: 'flex', gap: 10, flex: 1, minWidth: 0 }}>{body}</div>
      )}
      <button type="button" className="muted small" onClick={() => void remove()} data-testid="favourite-remove" style={{ border: '1px solid var(--line)', borderRadius: 14, background: '#fff', padding: '4px 10px', flex: '0 0 auto' }}>
        {t('fav.remove')}
      </button>
    </div>
  );
}

export default function FavouritesPage() {
  const t = useFeatureT();
  const paged = usePaged((limit, offset) => favouritesApi.list(limit, offset).then((r) => r.items), []);
  return (
    <SubPage title={t('fav.title')} testId="favourites-page">
      {paged.error && !paged.items.length ? (
        <ErrorView error={paged.error} onRetry={paged.reload} />
      ) : !paged.loading && paged.items.length === 0 ? (
        <Empty text={t('fav.empty')} />
      ) : (
        paged.items.map((f) => <FavouriteRow key={f.productId} item={f} onRemoved={paged.reload} />)
      )}
      <LoadMore paged={paged} />
    </SubPage>
  );
}
