// A distributor's coupon link (/coupons/claim/:id?sharer=CODE): shows the coupon and claims it
// through the sharer, who then earns guide commission when the friend buys with it.
import { Button, Result, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth';
import { ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { promotionsApi } from './api';
import { CouponCard, useValidityText } from './CouponCard';

export function CouponClaimPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const { id } = useParams();
  const [params] = useSearchParams();
  const sharer = params.get('sharer');
  const { me, token } = useAuth();
  const templateId = Number(id);
  const template = useLoad(() => promotionsApi.template(templateId), [templateId]);
  const validity = useValidityText();
  const [claimed, setClaimed] = useState(false);
  const [busy, setBusy] = useState(false);

  const claim = async () => {
    if (!token) {
      navigate(`/login?redirect=${encodeURIComponent(`/coupons/claim/${templateId}${sharer ? `?sharer=${encodeURIComponent(sharer)}` : ''}`)}`);
      return;
    }
    setBusy(true);
    try {
      // one's own link claims without a sharer (the server ignores it too)
      await promotionsApi.claim(templateId, sharer && sharer !== me?.inviteCode ? sharer : null);
      Toast.show({ icon: 'success', content: t('promo.claimedToast') });
      setClaimed(true);
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SubPage title={t('promo.claimPage.title')} testId="coupon-claim-page">
      {template.loading ? (
        <Loading />
      ) : template.error || !template.data ? (
        <ErrorView error={template.error} onRetry={template.reload} />
      ) : (
        <>
          {sharer && <Result status="info" title={t('promo.claimPage.from')} />}
          <CouponCard coupon={template.data} validity={validity(template.data)} testId="claim-coupon" dimmed={template.data.soldOut} />
          <div style={{ margin: '16px 12px' }}>
            {claimed ? (
              <Button block color="primary" shape="rounded" onClick={() => navigate('/')} data-testid="claim-go-shopping">
                {t('promo.claimPage.use')}
              </Button>
            ) : (
              <Button block color="danger" shape="rounded" loading={busy} disabled={template.data.soldOut} onClick={() => void claim()} data-testid="claim-submit">
                {template.data.soldOut ? t('promo.soldOut') : t('promo.claim')}
              </Button>
            )}
          </div>
        </>
      )}
    </SubPage>
  );
}
