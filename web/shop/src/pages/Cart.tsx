import { Button, Checkbox, Dialog, Toast } from 'antd-mobile';
import { Link, useNavigate } from 'react-router-dom';
import { cart, encodeItems, useCart } from '../cart';
import { Empty, Price, ProductImage } from '../components';
import { useI18n } from '../i18n';
import { QtyStepper } from './Product';

export function CartPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const items = useCart();
  const checked = items.filter((i) => i.checked);
  const allChecked = items.length > 0 && checked.length === items.length;
  // integer fen × integer quantity: stays exact
  const totalFen = checked.reduce((sum, i) => sum + i.priceFen * i.quantity, 0);
  const count = checked.reduce((n, i) => n + i.quantity, 0);

  const checkout = () => {
    if (!checked.length) {
      Toast.show({ content: t('cart.nothingSelected') });
      return;
    }
    navigate(`/checkout?from=cart&items=${encodeItems(checked)}`);
  };

  return (
    <div className="page cart-page" data-testid="cart-page">
      <div className="tab-page-title">{t('cart.title')}</div>
      {items.length === 0 ? (
        <Empty
          text={t('cart.empty')}
          action={
            <Button color="primary" shape="rounded" onClick={() => navigate('/')}>
              {t('common.goShopping')}
            </Button>
          }
        />
      ) : (
        <>
          <div className="cart-list" data-testid="cart-list">
            {items.map((item) => (
              <div className="card cart-item" key={item.skuId} data-testid="cart-item" data-sku-id={item.skuId}>
                <Checkbox checked={item.checked} onChange={(v) => cart.setChecked(item.skuId, v)} data-testid="cart-item-check" />
                <Link to={`/product/${item.productId}`} className="cart-item-image">
                  <ProductImage src={item.imageUrl} title={item.title} seed={item.productId} />
                </Link>
                <div className="cart-item-body">
                  <div className="cart-item-title">{item.title}</div>
                  <div className="cart-item-sku">{item.skuName}</div>
                  <div className="cart-item-foot">
                    <Price fen={item.priceFen} size="sm" />
                    <QtyStepper value={item.quantity} onChange={(n) => cart.setQuantity(item.skuId, n)} testId="cart-qty" />
                  </div>
                </div>
                <button
                  type="button"
                  className="cart-item-remove"
                  data-testid="cart-item-remove"
                  onClick={async () => {
                    if (await Dialog.confirm({ content: t('cart.removeConfirm') })) cart.remove([item.skuId]);
                  }}
                >
                  {t('cart.remove')}
                </button>
              </div>
            ))}
          </div>
          <div className="action-bar cart-bar above-tabbar">
            <Checkbox checked={allChecked} indeterminate={!allChecked && checked.length > 0} onChange={(v) => cart.setAllChecked(v)} data-testid="cart-select-all">
              {t('cart.selectAll')}
            </Checkbox>
            <div className="cart-total">
              <div>
                {t('common.total')}: <Price fen={totalFen} testId="cart-total" />
              </div>
              <div className="muted tiny">{t('cart.estimate')}</div>
            </div>
            <button type="button" className="btn-buy" data-testid="cart-checkout" disabled={!checked.length} onClick={checkout}>
              {t('cart.checkoutN', { n: count })}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
