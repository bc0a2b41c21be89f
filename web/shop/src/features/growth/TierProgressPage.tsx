// 等级进度: my distributor tier and what the next tier needs, condition by condition.
import { ProgressBar, Tag } from 'antd-mobile';
import { ErrorView, Loading, SubPage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { growthApi, type TierProgress } from './growthApi';
import { CheckCircleIcon } from '../../icons';

type Condition = NonNullable<TierProgress['next']>['conditions'][number];

export function TierProgressCard() {
  const t = useFeatureT();
  const progress = useLoad(() => growthApi.tierProgress(), []);
  if (progress.loading && !progress.data) return <Loading />;
  if (progress.error || !progress.data) return <ErrorView error={progress.error} onRetry={progress.reload} />;
  const p = progress.data;
  const amount = (c: Condition, v: number) => (c.condition === 'directReferrals' ? t('growth.people', { n: v }) : formatFen(v));
  return (
    <div className="card" style={{ padding: 16 }} data-testid="growth-tier-card" data-tier={p.tierId}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <div>
          <div className="muted small">{t('growth.tier.current')}</div>
          <div style={{ fontSize: 20, fontWeight: 700 }}>{p.tierName}</div>
        </div>
        {p.next && <Tag color="primary">{t('growth.tier.next', { name: p.next.tierName })}</Tag>}
      </div>
      {!p.next ? (
        <div className="small" style={{ marginTop: 8 }}>{t('growth.tier.top')}</div>
      ) : (
        <div style={{ marginTop: 12 }}>
          <div className="small muted">{t(p.next.match === 'all' ? 'growth.tier.all' : 'growth.tier.any')}</div>
          {p.next.conditions.map((c) => (
            <div key={c.condition} style={{ marginTop: 10 }} data-testid={`growth-condition-${c.condition}`} data-met={c.met ? 'yes' : 'no'}>
              <div style={{ display: 'flex', justifyContent: 'space-between' }} className="small">
                <span>{c.met ? <CheckCircleIcon size={14} /> : null} {t(`growth.cond.${c.condition}`, { title: p.next!.productTitle ?? `#${c.required}` })}</span>
                {c.condition !== 'productId' && (
                  <span>
                    {amount(c, c.current)} / {amount(c, c.required)}
                  </span>
                )}
              </div>
              {c.condition !== 'productId' ? (
                <ProgressBar percent={c.required > 0 ? Math.min(100, Math.floor((c.current * 100) / c.required)) : 100} />
              ) : (
                <div className="small muted">{c.met ? t('growth.cond.bought') : t('growth.cond.notBought')}</div>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export default function TierProgressPage() {
  const t = useFeatureT();
  return (
    <SubPage title={t('growth.tier.title')} testId="growth-tier-page">
      <div style={{ padding: 12 }}>
        <TierProgressCard />
        <div className="muted small" style={{ marginTop: 12 }}>{t('growth.tier.hint')}</div>
      </div>
    </SubPage>
  );
}
