import { SearchBar } from 'antd-mobile';
import { Fragment, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api';
import { Avatar, Empty, ErrorView, Loading, Price, ProductImage, useLoad, type Loaded } from '../components';
import { pictureOf } from '../gallery';
import { useI18n } from '../i18n';
import { storedInviteCode } from '../referral';
import type { Product, ShopInfo } from '../../../shared/types';
import { FeatureEntries } from '../features/entries';
import { FEATURE_HOME_SECTIONS } from '../features';
import type { ShopEntry } from '../features/types';
import { arrange, BannerCarousel, DefaultBanner, useDecoration } from '../home-decoration';
import { formatFen } from '../../../shared/money';
import { ShowcaseSection } from './Showcase';

type ProductSort = 'newest' | 'sales' | 'price_asc' | 'price_desc';
const SORTS: ProductSort[] = ['newest', 'sales', 'price_asc', 'price_desc'];

export function ProductCard({ product }: { product: Product }) {
  const { t } = useI18n();
  const multiple = new Set(product.skus.map((s) => s.priceFen)).size > 1;
  const soldOut = product.skus.every((s) => s.stock <= 0);
  // 划线价 of the cheapest SKU, when it has one
  const cheapest = product.skus.reduce<Product['skus'][number] | null>((m, s) => (m === null || s.priceFen < m.priceFen ? s : m), null);
  return (
    <Link to={`/product/${product.id}`} className="product-card" data-testid="product-card" data-product-id={product.id}>
      <div className="product-card-image">
        <ProductImage src={pictureOf(product, 'medium')} title={product.title} seed={product.id} />
        {soldOut && <span className="sold-out">{t('product.soldOut')}</span>}
      </div>
      <div className="product-card-body">
        <div className="product-card-title">{product.title}</div>
        {product.category && <span className="product-card-tag">{product.category}</span>}
        <div className="product-card-foot">
          <Price fen={product.minPriceFen} testId="product-price" />
          {multiple && <span className="muted small"> {t('home.from')}</span>}
          {cheapest?.listPriceFen != null && <s className="list-price muted small" data-testid="product-list-price">{formatFen(cheapest.listPriceFen)}</s>}
          {product.soldCount > 0 && <span className="sold-count muted tiny" data-testid="product-sold">{t('home.sold', { n: product.soldCount })}</span>}
        </div>
      </div>
    </Link>
  );
}

/** The mini-shop header shown when the visitor came through a distributor's share link. */
export function MiniShopHeader() {
  const { t } = useI18n();
  const [shop, setShop] = useState<ShopInfo | null>(null);
  const code = storedInviteCode();
  useEffect(() => {
    if (!code) return;
    let live = true;
    api.shop(code).then(
      (s) => live && setShop(s),
      () => live && setShop(null),
    );
    return () => {
      live = false;
    };
  }, [code]);
  if (!shop) return null;
  return (
    <div className="mini-shop" data-testid="mini-shop" data-invite-code={shop.inviteCode}>
      <Avatar src={shop.avatarUrl} name={shop.nickname} size={44} />
      <div className="mini-shop-text">
        <div className="mini-shop-name" data-testid="mini-shop-name">
          {t('home.shopOf', { name: shop.nickname })}
        </div>
        <div className="mini-shop-sub">{t('home.shopWelcome')}</div>
      </div>
    </div>
  );
}

const CHIP_COLOURS = [
  'linear-gradient(135deg, #ff9a76, #ff4d2d)',
  'linear-gradient(135deg, #ffc371, #ff7e5f)',
  'linear-gradient(135deg, #fddb92, #f0a030)',
  'linear-gradient(135deg, #f6a6c1, #e0567a)',
  'linear-gradient(135deg, #96e6a1, #3fb27f)',
  'linear-gradient(135deg, #a1c4fd, #5b8def)',
];

/** The home page's own sections and the features' (campaigns…), in the order they have with nothing decorated. */
export function homeSectionDefaults(): string[] {
  return ['banners', 'categories', 'entries', 'showcase', ...FEATURE_HOME_SECTIONS.map((s) => s.key), 'hot'];
}

export function HomePage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<ProductSort>('newest');
  // one request for the whole list (its categories make the strip); a search asks again only for its words
  const all = useLoad(() => api.products(), []);
  const search = useLoad(() => (q ? api.products({ q, sort }) : Promise.resolve(undefined)), [q, sort]);
  const products = q ? search : all;
  const source = all.data;
  const categories = useMemo(() => Array.from(new Set((source?.items ?? []).map((p) => p.category).filter(Boolean))), [source]);
  // 装修: the sections in HQ's order (hidden ones not at all); until it is known, nothing below the header jumps
  const decoration = useDecoration();
  const order = decoration ? arrange(homeSectionDefaults(), decoration.sections) : [];
  const bannersInHeader = order[0] === 'banners';
  const tiles = decoration?.tiles ?? [];
  const arrangeTiles = useCallback((entries: ShopEntry[]) => arrange(entries.map((e) => e.key), tiles).map((k) => entries.find((e) => e.key === k)!), [tiles]);
  const banners = decoration?.banners.length ? <BannerCarousel banners={decoration.banners} /> : <DefaultBanner />;
  const features = new Map(FEATURE_HOME_SECTIONS.map((s) => [s.key, s.Section]));

  const section = (key: string): ReactNode => {
    if (key === 'banners') return bannersInHeader ? null : <div style={{ padding: '0 12px' }}>{banners}</div>;
    if (key === 'categories') {
      return categories.length > 0 ? (
        <div className="category-strip" data-testid="category-strip">
          {categories.map((c, i) => (
            <button key={c} className="category-chip" data-testid="category-chip" onClick={() => navigate(`/category?c=${encodeURIComponent(c)}`)}>
              <span className="category-chip-icon" style={{ background: CHIP_COLOURS[i % CHIP_COLOURS.length] }}>
                {Array.from(c)[0]}
              </span>
              <span>{c}</span>
            </button>
          ))}
        </div>
      ) : null;
    }
    if (key === 'entries') return <FeatureEntries where="home" arrange={arrangeTiles} />;
    if (key === 'showcase') return q ? null : <ShowcaseSection inviteCode={storedInviteCode()} />;
    if (key === 'hot') return <HotSection q={q} sort={sort} setSort={setSort} products={products} />;
    const Section = features.get(key);
    return Section && !q ? (
      <div data-testid={`home-section-${key}`}>
        <Section />
      </div>
    ) : null;
  };

  return (
    <div className="page home-page" data-testid="home-page" data-section-order={order.join(',')}>
      <div className="home-header">
        <div className="home-brand">{t('app.name')}</div>
        <SearchBar className="home-search" placeholder={t('home.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} onClear={() => setQ('')} data-testid="search" />
        <MiniShopHeader />
        {bannersInHeader && banners}
      </div>
      {decoration ? order.map((key) => <Fragment key={key}>{section(key)}</Fragment>) : <Loading />}
    </div>
  );
}

/** 热卖推荐, or a search's results with their sort tabs. */
function HotSection({ q, sort, setSort, products }: { q: string; sort: ProductSort; setSort: (s: ProductSort) => void; products: Pick<Loaded<{ items: Product[] } | undefined>, 'data' | 'error' | 'loading' | 'reload'> }) {
  const { t } = useI18n();
  return (
    <>
      <div className="section-title">
        <span className="section-bar" />
        {q ? t('home.results', { q }) : t('home.hot')}
      </div>
      {q && (
        <div className="sort-tabs" role="tablist" data-testid="search-sort">
          {SORTS.map((s) => (
            <button key={s} type="button" role="tab" aria-selected={sort === s} className={`sort-tab ${sort === s ? 'active' : ''}`} onClick={() => setSort(s)} data-testid={`sort-${s}`}>
              {t(`home.sort.${s}`)}
            </button>
          ))}
        </div>
      )}
      {products.loading && !products.data ? (
        <Loading />
      ) : products.error ? (
        <ErrorView error={products.error} onRetry={products.reload} />
      ) : products.data && products.data.items.length ? (
        <div className="product-grid" data-testid="product-grid">
          {products.data.items.map((p) => (
            <ProductCard key={p.id} product={p} />
          ))}
        </div>
      ) : (
        <Empty text={t('home.noProducts')} />
      )}
    </>
  );
}
