import { Toast } from 'antd-mobile';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, errorMessage, randomKey, request } from '../api';
import { useAuth } from '../auth';
import { cart, decodeItems } from '../cart';
import { decodeCampaign } from '../campaign';
import { Empty, ErrorView, Loading, Price, ProductImage, SubPage, toastError, useLoad } from '../components';
import { useI18n } from '../i18n';
import { formatFen } from '../../../shared/money';
import { storeInviteCode, storedInviteCode } from '../referral';
import { CouponRow, useCheckoutCoupons } from '../features/promotions/CheckoutCoupon';
import { DeliveryCard, useDelivery } from '../delivery';
import { CheckoutExtras, useCheckoutExtras } from '../checkout-extras';
import type { Order, Quote } from '../../../shared/types';
import { PayMethodsRow } from '../pay/MethodsRow';
import { startPay } from '../pay/start';

export function CheckoutPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { me } = useAuth();
  const [params] = useSearchParams();
  const itemsParam = params.get('items');
  const fromCart = params.get('from') === 'cart';
  const items = useMemo(() => decodeItems(itemsParam), [itemsParam]);
  // bought in a campaign (秒杀, 拼团, 砍价): its pages link here with ?campaign=<kind>:<id>[:<groupId>] (campaign.ts)
  const campaignParam = params.get('campaign');
  const campaign = useMemo(() => decodeCampaign(campaignParam), [campaignParam]);
  // one key per visit of this page: a retried submit returns the same order
  const checkoutKey = useRef(randomKey('co'));
  const [stage, setStage] = useState<'idle' | 'ordering' | 'paying'>('idle');

  // bought in an order-dealer's shop: its pages link here with ?dealerShop=<id>
  const dealerShopParam = Number(params.get('dealerShop'));
  const dealerShopId = Number.isSafeInteger(dealerShopParam) && dealerShopParam > 0 ? dealerShopParam : undefined;
  const coupons = useCheckoutCoupons(items, itemsParam ?? '', dealerShopId);
  const couponId = coupons.couponId ?? undefined;
  const delivery = useDelivery();
  const extras = useCheckoutExtras();
  const pickupStoreId = delivery.pickupStoreId;
  const quote = useLoad(
    () =>
      items.length && coupons.ready
        ? request<Quote>('/api/orders/quote', {
            method: 'POST',
            body: { items, ...(couponId ? { couponId } : {}), ...(dealerShopId ? { dealerShopId } : {}), ...(pickupStoreId ? { pickupStoreId } : {}), ...(campaign ? { campaign } : {}) },
          })
        : Promise.resolve(null),
    [itemsParam, couponId, dealerShopId, coupons.ready, pickupStoreId, campaignParam],
  );
  // a coupon the quote refuses (used elsewhere meanwhile) is dropped rather than blocking checkout
  const quoteErrorCode = quote.error instanceof ApiError ? quote.error.code : null;
  useEffect(() => {
    if (couponId && quoteErrorCode?.startsWith('COUPON_')) coupons.choose(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [quoteErrorCode, couponId]);
  const inviteCode = storedInviteCode();
  // the code the buyer came by; not their own (the server also ignores a buyer sharing to themself)
  const sharerCode = inviteCode && inviteCode !== me?.inviteCode ? inviteCode : null;
  const sharer = useLoad(() => (sharerCode ? api.shop(sharerCode).catch(() => null) : Promise.resolve(null)), [sharerCode]);

  if (!items.length) {
    return (
      <SubPage title={t('checkout.title')}>
        <Empty text={t('checkout.noItems')} />
      </SubPage>
    );
  }

  const submit = async () => {
    if (stage !== 'idle') return;
    if (extras.invoiceError) {
      Toast.show({ content: <span data-testid="invoice-required">{t(extras.invoiceError)}</span> });
      return;
    }
    if (!delivery.ready) {
      Toast.show({ content: <span data-testid="delivery-required">{t('delivery.chooseFirst')}</span> });
      return;
    }
    setStage('ordering');
    let orderId: number;
    try {
      const order = await request<Order>('/api/orders', {
        method: 'POST',
        body: {
          items,
          checkoutKey: checkoutKey.current,
          ...(sharerCode ? { sharerInviteCode: sharerCode, source: 'share_link' as const } : {}),
          ...(couponId ? { couponId } : {}),
          ...(dealerShopId ? { dealerShopId } : {}),
          ...(campaign ? { campaign } : {}),
          ...delivery.body,
          ...extras.body,
        },
      });
      orderId = order.id;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'INVITE_CODE_NOT_FOUND') storeInviteCode(null);
      // the coupon was used or expired meanwhile: choose again from fresh coupons
      if (error instanceof ApiError && error.code.startsWith('COUPON_')) coupons.reload();
      setStage('idle');
      toastError(error);
      return;
    }
    if (fromCart) cart.remove(items.map((i) => i.skuId));
    setStage('paying');
    try {
      await startPay(orderId, navigate, { replace: true });
    } catch (error) {
      Toast.show({ icon: 'fail', content: <span data-testid="error-toast">{t('checkout.payFailed', { msg: errorMessage(error) })}</span>, duration: 3000 });
      navigate(`/orders/${orderId}`, { replace: true });
    }
  };

  const q = quote.data;
  // the quote's discount is the cart's own (满减) plus the chosen coupon's: each shown once
  const reductionFen = q ? (coupons.couponId ? Math.min(coupons.baseDiscountFen, q.discountFen) : q.discountFen) : 0;
  const couponFen = q ? q.discountFen - reductionFen : 0;
  return (
    <SubPage title={t('checkout.title')} className="checkout-page" testId="checkout-page">
      {(quote.loading || !coupons.ready) && !q ? (
        <Loading />
      ) : quote.error || !q ? (
        <ErrorView error={quote.error ?? t('checkout.noItems')} onRetry={quote.reload} />
      ) : (
        <>
          {sharer.data && (
            <div className="card sharer-card" data-testid="checkout-sharer">
              {t('checkout.sharer', { name: sharer.data.nickname })}
            </div>
          )}
          <DeliveryCard delivery={delivery} />
          <div className="card">
            {q.lines.map((line) => (
              <div className="checkout-line" key={line.skuId} data-testid="checkout-line">
                <ProductImage src={null} title={line.title} seed={line.productId} className="checkout-line-image" />
                <div className="checkout-line-body">
                  <div className="checkout-line-title">{line.title}</div>
                  <div className="checkout-line-foot">
                    <Price fen={line.unitPriceFen} size="sm" />
                    <span className="muted">×{line.quantity}</span>
                  </div>
                </div>
              </div>
            ))}
          </div>
          {/* one line per deduction actually charged: 满减 (the cart's discount without a coupon) and the coupon's part; none at ¥0 */}
          <div className="card amounts" data-testid="quote-discount" data-fen={q.discountFen}>
            <div className="amount-row">
              <span>{t('checkout.goods')}</span>
              <span data-testid="quote-goods">{formatFen(q.goodsFen)}</span>
            </div>
            {reductionFen > 0 && (
              <div className="amount-row">
                <span>{t(campaign?.kind === 'bargain' ? 'checkout.bargainDiscount' : 'checkout.discount')}</span>
                <span className="accent" data-testid="quote-full-reduction" data-fen={reductionFen}>
                  -{formatFen(reductionFen)}
                </span>
              </div>
            )}
            {/* a bargain is bought without a coupon (COUPON_NOT_WITH_BARGAIN) */}
            {campaign?.kind !== 'bargain' && <CouponRow coupons={coupons.coupons} couponId={coupons.couponId} couponDiscountFen={couponFen} onChoose={coupons.choose} />}
            <div className="amount-row">
              <span>{t('checkout.shipping')}</span>
              <span data-testid="quote-shipping" data-fen={q.shippingFen}>
                {q.shippingFen === 0 ? t('checkout.freeShipping') : formatFen(q.shippingFen)}
              </span>
            </div>
            <div className="amount-row total">
              <span>{t('checkout.payable')}</span>
              <Price fen={q.payableFen} testId="quote-payable" />
            </div>
          </div>
          <CheckoutExtras extras={extras} />
          <div className="card">
            <PayMethodsRow />
          </div>
          <div className="action-bar checkout-bar">
            <div className="checkout-total">
              {t('checkout.payable')}: <Price fen={q.payableFen} testId="checkout-payable" />
            </div>
            <button type="button" className="btn-buy" data-testid="checkout-submit" disabled={stage !== 'idle'} onClick={() => void submit()}>
              {stage === 'ordering' ? t('checkout.submitting') : stage === 'paying' ? t('checkout.paying') : t('checkout.submit')}
            </button>
          </div>
        </>
      )}
    </SubPage>
  );
}
