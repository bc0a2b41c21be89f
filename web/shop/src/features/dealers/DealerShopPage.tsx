// 订货商店铺: a dealer shop's page — the products it holds stock of, at retail, with a buy-now flow
// (the checkout page, told the shop, takes the units from the shop's stock).
import { Button, Stepper, Tag } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { encodeItems } from '../../cart';
import { Empty, ErrorView, Loading, Price, ProductImage, SubPage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { dealersApi, type DealerShop } from './dealersApi';

export function DealerShopPage() {
  const t = useFeatureT();
  const id = Number(useParams().id);
  const shop = useLoad(() => dealersApi.shop(id), [id]);
  if (shop.loading) return <SubPage title={t('dealer.shop.title')}><Loading /></SubPage>;
  if (shop.error || !shop.data) return <SubPage title={t('dealer.shop.title')}><ErrorView error={shop.error} onRetry={shop.reload} /></SubPage>;
  const s = shop.data;
  return (
    <SubPage title={s.shopName} testId="dealer-shop-page">
      <div className="card" style={{ background: 'linear-gradient(135deg, #b7472a, #e0803a)', color: '#fff' }}>
        <div style={{ fontSize: 20, fontWeight: 700 }} data-testid="dealer-shop-name">{s.shopName}</div>
        <div className="small" style={{ marginTop: 4, opacity: 0.9 }}>{t('dealer.shop.subtitle')}</div>
      </div>
      {s.products.length === 0 ? <Empty text={t('dealer.shop.empty')} /> : s.products.map((p) => <DealerProduct key={p.productId} shopId={s.id} product={p} />)}
    </SubPage>
  );
}

function DealerProduct({ shopId, product }: { shopId: number; product: DealerShop['products'][number] }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const [skuId, setSkuId] = useState(product.skus[0].skuId);
  const [quantity, setQuantity] = useState(1);
  const sku = product.skus.find((s) => s.skuId === skuId) ?? product.skus[0];
  const buy = () => navigate(`/checkout?items=${encodeURIComponent(encodeItems([{ skuId: sku.skuId, quantity }]))}&dealerShop=${shopId}`);
  return (
    <div className="card" data-testid={`dealer-product-${product.productId}`}>
      <div style={{ display: 'flex', gap: 12 }}>
        <ProductImage src={product.imageUrl} title={product.title} seed={product.productId} style={{ width: 88, height: 88, borderRadius: 8, flexShrink: 0 }} />
        <div style={{ flex: 1, minWidth: 0 }}>
          <div style={{ fontWeight: 600 }}>{product.title}</div>
          <Price fen={sku.priceFen} testId={`dealer-price-${sku.skuId}`} />
          <div className="muted small" data-testid={`dealer-stock-${sku.skuId}`}>{t('dealer.shop.stock', { n: sku.stock })}</div>
        </div>
      </div>
      {product.skus.length > 1 && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 8 }}>
          {product.skus.map((s) => (
            <Tag key={s.skuId} color={s.skuId === sku.skuId ? 'primary' : 'default'} fill="outline" onClick={() => { setSkuId(s.skuId); setQuantity(1); }} style={{ padding: '4px 8px', cursor: 'pointer' }} data-testid={`dealer-sku-${s.skuId}`}>
              {s.name}
            </Tag>
          ))}
        </div>
      )}
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 10 }}>
        <Stepper min={1} max={sku.stock} value={quantity} onChange={(v) => setQuantity(v)} data-testid={`dealer-qty-${product.productId}`} />
        <Button color="primary" size="small" shape="rounded" onClick={buy} data-testid={`dealer-buy-${product.productId}`}>
          {t('dealer.shop.buy')}
        </Button>
      </div>
    </div>
  );
}
