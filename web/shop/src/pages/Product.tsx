import { Badge, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { cart, cartCount, encodeItems, useCart } from '../cart';
import { ErrorView, Loading, Price, SubPage, useLoad } from '../components';
import { DetailImages, pictureOf, ProductGallery } from '../gallery';
import { SpecPicker } from '../SpecPicker';
import { FEATURE_PRODUCT_PANELS } from '../features';
import { FavouriteButton } from '../features/favourites';
import { useI18n } from '../i18n';
import { CartIcon, HomeIcon } from '../icons';
import { formatFen } from '../../../shared/money';

/** − [n] + with stable test ids; clamps to 1..max. */
export function QtyStepper({ value, max = 999, onChange, testId = 'quantity' }: { value: number; max?: number; onChange: (n: number) => void; testId?: string }) {
  const clamp = (n: number) => Math.max(1, Math.min(Math.max(1, max), Math.trunc(n) || 1));
  return (
    <span className="qty-stepper" data-testid={`${testId}-stepper`}>
      <button type="button" className="qty-btn" data-testid={`${testId}-minus`} disabled={value <= 1} onClick={() => onChange(clamp(value - 1))}>
        −
      </button>
      <input
        className="qty-input"
        data-testid={testId}
        inputMode="numeric"
        value={value}
        onChange={(e) => {
          const digits = e.target.value.replace(/\D/g, '');
          onChange(clamp(Number(digits || '1')));
        }}
      />
      <button type="button" className="qty-btn" data-testid={`${testId}-plus`} disabled={value >= max} onClick={() => onChange(clamp(value + 1))}>
        +
      </button>
    </span>
  );
}

export function ProductPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const navigate = useNavigate();
  const { me } = useAuth();
  const items = useCart();
  const productId = Number(id);
  const product = useLoad(() => api.product(productId), [productId]);
  // 分享赚: what sharing this product earns me at level 1 (distributors only)
  const distributor = me?.distributorStatus === 'active';
  const earning = useLoad(() => (distributor ? api.shareEarning(productId).catch(() => null) : Promise.resolve(null)), [productId, distributor]);
  const [skuId, setSkuId] = useState<number | null>(null);
  const [quantity, setQuantity] = useState(1);

  useEffect(() => {
    const p = product.data;
    if (!p) return;
    // preselect the first SKU in stock
    setSkuId((current) => (current && p.skus.some((s) => s.id === current) ? current : p.skus.find((s) => s.stock > 0)?.id ?? null));
  }, [product.data]);

  if (product.loading && !product.data) {
    return (
      <SubPage title={t('product.title')}>
        <Loading />
      </SubPage>
    );
  }
  if (product.error || !product.data) {
    return (
      <SubPage title={t('product.title')}>
        <ErrorView error={product.error ?? t('product.notFound')} onRetry={product.reload} />
      </SubPage>
    );
  }
  const p = product.data;
  const sku = p.skus.find((s) => s.id === skuId) ?? null;
  const soldOut = p.skus.every((s) => s.stock <= 0);

  const requireSku = () => {
    if (!sku) {
      Toast.show({ content: t('product.pickSku') });
      return null;
    }
    return sku;
  };
  const addToCart = () => {
    const s = requireSku();
    if (!s) return;
    cart.add({ skuId: s.id, productId: p.id, title: p.title, skuName: s.name, priceFen: s.priceFen, quantity, imageUrl: pictureOf(p, 'thumb') });
    Toast.show({ icon: 'success', content: <span data-testid="added-toast">{t('product.added')}</span> });
  };
  const buyNow = () => {
    const s = requireSku();
    if (!s) return;
    navigate(`/checkout?items=${encodeItems([{ skuId: s.id, quantity }])}`);
  };

  return (
    <SubPage title={t('product.title')} className="product-page" testId="product-page">
      <div className="product-hero">
        <ProductGallery product={p} />
      </div>
      <div className="card product-info">
        <div className="product-price-row">
          <Price fen={sku ? sku.priceFen : p.minPriceFen} size="lg" testId="product-detail-price" />
          {sku?.listPriceFen != null && (
            <s className="list-price muted small" data-testid="product-detail-list-price" aria-label={t('product.listPrice')}>
              {formatFen(sku.listPriceFen)}
            </s>
          )}
          {distributor && (
            <Link className="share-earn" to={`/centre/invite?productId=${p.id}`} data-testid="share-earn">
              {shareEarnText(t, earning.data ?? null, sku?.id ?? null)}
            </Link>
          )}
        </div>
        <h1 className="product-title" data-testid="product-title">
          {p.title}
        </h1>
        <div className="product-service muted small">{t('product.service')}</div>
      </div>
      {FEATURE_PRODUCT_PANELS.map(({ key, Panel }) => (
        <Panel key={key} product={p} skuId={skuId} />
      ))}

      <div className="card">
        <div className="card-title">{t('product.chooseSku')}</div>
        <div className="sku-chosen">
          {(sku?.image ?? p.images.main) && <img className="sku-picture" src={(sku?.image ?? p.images.main)!.thumb.url} alt="" data-testid="sku-picture" data-media-id={(sku?.image ?? p.images.main)!.id} />}
          <span className="muted small" data-testid="sku-chosen">{sku ? `${t('product.selected')} ${sku.name}` : t('product.pickSku')}</span>
        </div>
        <SpecPicker
          product={p}
          skuId={skuId}
          onPick={(s) => {
            setSkuId(s?.id ?? null);
            if (s) setQuantity((q) => Math.max(1, Math.min(q, s.stock)));
          }}
        />
        <div className="qty-row">
          <span>{t('product.quantity')}</span>
          <span className="qty-right">
            {p.maxPerMember !== null && <span className="muted small" data-testid="product-max-per-member">{t('product.maxPerMember', { n: p.maxPerMember })}</span>}
            {sku && <span className="muted small">{t('product.stock', { n: sku.stock })}</span>}
            <QtyStepper value={quantity} max={Math.min(sku?.stock ?? 999, p.maxPerMember ?? 999)} onChange={setQuantity} />
          </span>
        </div>
      </div>

      <div className="card">
        <div className="card-title">{t('product.description')}</div>
        <div className="product-description">{p.description || t('product.noDescription')}</div>
      </div>
      <DetailImages product={p} />

      <div className="action-bar product-actions">
        <Link to="/" className="action-icon">
          <HomeIcon />
          <span>{t('tab.home')}</span>
        </Link>
        <Link to="/cart" className="action-icon" data-testid="product-cart-link">
          <Badge content={cartCount(items) || null}>
            <CartIcon />
          </Badge>
          <span>{t('tab.cart')}</span>
        </Link>
        <FavouriteButton productId={p.id} />
        <div className="action-buttons">
          <button type="button" className="btn-cart" data-testid="add-to-cart" disabled={soldOut} onClick={addToCart}>
            {t('product.addToCart')}
          </button>
          <button type="button" className="btn-buy" data-testid="buy-now" disabled={soldOut} onClick={buyNow}>
            {soldOut ? t('product.soldOut') : t('product.buyNow')}
          </button>
        </div>
      </div>
    </SubPage>
  );
}

/** 分享赚 ¥x for the chosen SKU (or up to the most any SKU earns); without the figure, 分享赚. */
function shareEarnText(t: ReturnType<typeof useI18n>['t'], earning: { eligible: boolean; maxFen: number; skus: Array<{ skuId: number; amountFen: number }> } | null, skuId: number | null): string {
  if (!earning?.eligible || earning.maxFen === 0) return t('product.shareEarn');
  const forSku = skuId === null ? undefined : earning.skus.find((k) => k.skuId === skuId)?.amountFen;
  return forSku !== undefined ? t('product.shareEarnAmount', { amount: formatFen(forSku) }) : t('product.shareEarnUpTo', { amount: formatFen(earning.maxFen) });
}
