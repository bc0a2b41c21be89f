// 领券中心: coupons that can be claimed now; claim one.
import { Button, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth';
import { Empty, ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { promotionsApi, type CentreTemplate } from './api';
import { CouponCard, useValidityText } from './CouponCard';

export function CouponCentrePage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const { token } = useAuth();
  const list = useLoad(() => promotionsApi.centre(), [token]);
  const validity = useValidityText();
  const [busy, setBusy] = useState<number | null>(null);

  const claim = async (c: CentreTemplate) => {
    if (!token) {
      navigate(`/login?redirect=${encodeURIComponent('/coupons')}`);
      return;
    }
    setBusy(c.id);
    try {
      await promotionsApi.claim(c.id);
      Toast.show({ icon: 'success', content: t('promo.claimedToast') });
      list.reload();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(null);
    }
  };

  const label = (c: CentreTemplate) => (c.soldOut ? t('promo.soldOut') : c.canClaim === false ? t('promo.limitReached') : t('promo.claim'));

  return (
    <SubPage title={t('promo.centre.title')} testId="coupon-centre-page">
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorView error={list.error} onRetry={list.reload} />
      ) : !list.data?.items.length ? (
        <Empty text={t('promo.centre.empty')} />
      ) : (
        list.data.items.map((c) => (
          <CouponCard
            key={c.id}
            coupon={c}
            validity={validity(c)}
            testId={`centre-coupon-${c.id}`}
            dimmed={c.soldOut}
            action={
              <Button size="mini" color="danger" shape="rounded" loading={busy === c.id} disabled={c.soldOut || c.canClaim === false} onClick={() => void claim(c)} data-testid={`claim-${c.id}`}>
                {label(c)}
              </Button>
            }
          />
        ))
      )}
    </SubPage>
  );
}
