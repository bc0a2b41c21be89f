// Coupon choice at checkout: the buyer's coupons against the cart (usable ones first, the best
// chosen by default), and a popup to pick another or none.
import { Popup } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { formatDate, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { promotionsApi, type ApplicableCoupon, type CartItem } from './api';
import { CouponCard } from './CouponCard';

/** The coupons for a cart and the chosen one: undefined until loaded, null for none. */
export function useCheckoutCoupons(items: CartItem[], itemsKey: string, dealerShopId: number | undefined) {
  const applicable = useLoad(() => (items.length ? promotionsApi.applicable(items, dealerShopId) : Promise.resolve(null)), [itemsKey, dealerShopId]);
  const [couponId, setCouponId] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    // the best usable coupon is chosen at first; the buyer may change it
    if (couponId === undefined && applicable.data) setCouponId(applicable.data.items.find((c) => c.usable)?.id ?? null);
  }, [applicable.data, couponId]);
  return {
    coupons: applicable.data?.items ?? [],
    /** discount of the cart without any coupon, to show what the coupon adds */
    baseDiscountFen: applicable.data?.quote.discountFen ?? 0,
    ready: couponId !== undefined || !!applicable.error,
    couponId: couponId ?? null,
    choose: (id: number | null) => setCouponId(id),
    reload: () => {
      setCouponId(undefined);
      applicable.reload();
    },
  };
}

export function CouponRow({
  coupons,
  couponId,
  couponDiscountFen,
  onChoose,
}: {
  coupons: ApplicableCoupon[];
  couponId: number | null;
  couponDiscountFen: number;
  onChoose: (id: number | null) => void;
}) {
  const t = useFeatureT();
  const [open, setOpen] = useState(false);
  const usable = coupons.filter((c) => c.usable).length;
  return (
    <>
      <div className="amount-row" onClick={() => setOpen(true)} style={{ cursor: 'pointer' }} data-testid="checkout-coupon">
        <span>{t('promo.checkout.coupon')}</span>
        <span className={couponId && couponDiscountFen > 0 ? 'accent' : 'muted'} data-testid="checkout-coupon-discount" data-fen={couponId ? couponDiscountFen : 0}>
          {couponId && couponDiscountFen > 0 ? `-${formatFen(couponDiscountFen)}` : usable > 0 ? t('promo.checkout.available', { count: usable }) : t('promo.checkout.noneAvailable')} ›
        </span>
      </div>
      <Popup visible={open} onMaskClick={() => setOpen(false)} bodyStyle={{ maxHeight: '70vh', overflowY: 'auto', borderRadius: '12px 12px 0 0', paddingBottom: 12 }}>
        <div className="card-title" style={{ margin: '14px 16px 4px' }}>{t('promo.checkout.pick')}</div>
        <div
          className="card"
          onClick={() => {
            onChoose(null);
            setOpen(false);
          }}
          style={{ outline: couponId === null ? '2px solid var(--accent)' : undefined, cursor: 'pointer' }}
          data-testid="coupon-option-none"
        >
          {t('promo.checkout.none')}
        </div>
        {coupons.map((c) => (
          <CouponCard
            key={c.id}
            coupon={c}
            testId={`coupon-option-${c.id}`}
            selected={c.id === couponId}
            dimmed={!c.usable}
            validity={`${formatDate(c.validFrom)} ~ ${formatDate(c.validUntil)}`}
            onClick={
              c.usable
                ? () => {
                    onChoose(c.id);
                    setOpen(false);
                  }
                : undefined
            }
            action={
              c.usable ? (
                <span className="accent small">-{formatFen(c.discountFen)}</span>
              ) : (
                <span className="muted small">{c.reason ? t(`promo.reason.${c.reason}`) : t('promo.checkout.unusable')}</span>
              )
            }
          />
        ))}
      </Popup>
    </>
  );
}
