// 分享优惠券 (distributor centre): copy a coupon link carrying my invite code; what my links brought.
import { Button, Toast } from 'antd-mobile';
import { useAuth } from '../../auth';
import { copyText, Empty, ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { promotionsApi, type CentreTemplate } from './api';
import { CouponCard, useValidityText } from './CouponCard';

export function CouponSharePage() {
  const t = useFeatureT();
  const { me } = useAuth();
  const distributor = me?.distributorStatus === 'active';
  const list = useLoad(() => promotionsApi.centre(), []);
  const shares = useLoad(() => (distributor ? promotionsApi.shares() : Promise.resolve(null)), [distributor]);
  const validity = useValidityText();

  const share = async (c: CentreTemplate) => {
    try {
      const link = await promotionsApi.shareLink(c.id);
      const url = `${window.location.origin}${link.path}`;
      const ok = await copyText(url);
      Toast.show({ icon: ok ? 'success' : undefined, content: ok ? t('promo.share.copied') : url });
    } catch (error) {
      toastError(error);
    }
  };

  if (!distributor) {
    return (
      <SubPage title={t('promo.share.title')} testId="coupon-share-page">
        <Empty text={t('promo.share.notDistributor')} />
      </SubPage>
    );
  }
  const byTemplate = new Map((shares.data?.templates ?? []).map((s) => [s.templateId, s]));
  return (
    <SubPage title={t('promo.share.title')} testId="coupon-share-page">
      <div className="card">
        <div className="muted small">{t('promo.share.hint')}</div>
        <div style={{ marginTop: 8, display: 'flex', justifyContent: 'space-between' }}>
          <span>{t('promo.share.earned')}</span>
          <span className="accent" data-testid="coupon-guide-earned" data-fen={(shares.data?.guideEarnedFen ?? 0) - (shares.data?.guideReversedFen ?? 0)}>
            {formatFen((shares.data?.guideEarnedFen ?? 0) - (shares.data?.guideReversedFen ?? 0))}
          </span>
        </div>
      </div>
      {list.loading ? (
        <Loading />
      ) : list.error ? (
        <ErrorView error={list.error} onRetry={list.reload} />
      ) : !list.data?.items.length ? (
        <Empty text={t('promo.centre.empty')} />
      ) : (
        list.data.items.map((c) => {
          const stats = byTemplate.get(c.id);
          return (
            <CouponCard
              key={c.id}
              coupon={c}
              validity={validity(c)}
              testId={`share-coupon-${c.id}`}
              action={
                <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
                  <span className="small muted">
                    {c.guideRateBp > 0 && <span className="accent">{t('promo.share.guide', { rate: String(c.guideRateBp / 100) })} </span>}
                    {stats && t('promo.share.claims', { claims: stats.claims, uses: stats.uses })}
                  </span>
                  <Button size="mini" color="primary" shape="rounded" onClick={() => void share(c)} data-testid={`share-coupon-copy-${c.id}`}>
                    {t('promo.share.copy')}
                  </Button>
                </div>
              }
            />
          );
        })
      )}
    </SubPage>
  );
}
