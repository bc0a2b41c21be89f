import { SideBar } from 'antd-mobile';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { Empty, ErrorView, Loading, Price, ProductImage, useLoad } from '../components';
import { pictureOf } from '../gallery';
import { useI18n } from '../i18n';

const ALL = '__all__';

export function CategoryPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const active = params.get('c') ?? ALL;
  const products = useLoad(() => api.products(), []);
  const categories = useMemo(() => Array.from(new Set((products.data?.items ?? []).map((p) => p.category).filter(Boolean))), [products.data]);
  const shown = (products.data?.items ?? []).filter((p) => active === ALL || p.category === active);

  return (
    <div className="page category-page" data-testid="category-page">
      <div className="tab-page-title">{t('category.title')}</div>
      {products.loading && !products.data ? (
        <Loading />
      ) : products.error ? (
        <ErrorView error={products.error} onRetry={products.reload} />
      ) : (
        <div className="category-layout">
          <SideBar activeKey={active} onChange={(key) => setParams(key === ALL ? {} : { c: key }, { replace: true })} className="category-side">
            <SideBar.Item key={ALL} title={t('category.all')} data-testid="category-item" />
            {categories.map((c) => (
              <SideBar.Item key={c} title={c} data-testid="category-item" />
            ))}
          </SideBar>
          <div className="category-list" data-testid="category-products">
            {shown.length === 0 ? (
              <Empty text={t('home.noProducts')} />
            ) : (
              shown.map((p) => (
                <Link key={p.id} to={`/product/${p.id}`} className="category-row" data-testid="product-card" data-product-id={p.id}>
                  <ProductImage src={pictureOf(p, 'thumb')} title={p.title} seed={p.id} className="category-row-image" />
                  <div className="category-row-body">
                    <div className="category-row-title">{p.title}</div>
                    <div className="muted small">{p.skus.map((s) => s.name).join(' / ')}</div>
                    <Price fen={p.minPriceFen} size="sm" />
                  </div>
                </Link>
              ))
            )}
          </div>
        </div>
      )}
    </div>
  );
}
