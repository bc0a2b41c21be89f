// 会员等级: my level card, growth points and the next level; every level's member price; my history.
import { ProgressBar } from 'antd-mobile';
import { ErrorView, formatDateTime, Loading, LoadMore, SubPage, useLoad, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { promotionsApi, type MemberLevel } from './api';
import { zheText } from './CouponCard';

export function MemberLevelPage() {
  const t = useFeatureT();
  const standing = useLoad(() => promotionsApi.standing(), []);
  const history = usePaged((limit, offset) => promotionsApi.growthEvents(limit, offset).then((r) => r.items), []);
  const price = (l: MemberLevel | null) =>
    !l || l.memberPriceBp >= 10_000 ? t('promo.level.noDiscount') : t('promo.level.price', { zhe: zheText(l.memberPriceBp), pct: String(l.memberPriceBp / 100) });

  if (standing.loading) return <SubPage title={t('promo.level.title')}><Loading /></SubPage>;
  if (standing.error || !standing.data) return <SubPage title={t('promo.level.title')}><ErrorView error={standing.error} onRetry={standing.reload} /></SubPage>;
  const s = standing.data;
  const from = s.level?.growthThreshold ?? 0;
  const percent = s.nextLevel ? Math.min(100, Math.floor(((s.growthPoints - from) * 100) / Math.max(1, s.nextLevel.growthThreshold - from))) : 100;
  return (
    <SubPage title={t('promo.level.title')} testId="member-level-page">
      <div className="card" style={{ background: 'linear-gradient(135deg, #3a3a4a, #1f1f2b)', color: '#f5d9a8' }} data-testid="member-level-card">
        <div style={{ fontSize: 22, fontWeight: 700 }} data-testid="member-level-name">
          {s.level?.name ?? t('promo.level.none')}
        </div>
        <div style={{ marginTop: 6 }} data-testid="member-level-growth" data-points={s.growthPoints}>
          {t('promo.level.growth', { points: s.growthPoints })} · {price(s.level)}
        </div>
        <ProgressBar percent={percent} style={{ marginTop: 12, '--fill-color': '#f5d9a8', '--track-color': '#55556a' } as React.CSSProperties} />
        <div className="small" style={{ marginTop: 6, opacity: 0.85 }} data-testid="member-level-next">
          {s.nextLevel ? t('promo.level.toNext', { points: s.pointsToNext ?? 0, name: s.nextLevel.name }) : t('promo.level.top')}
        </div>
      </div>
      <div className="card">
        <div className="card-title">{t('promo.level.all')}</div>
        {s.levels.map((l) => (
          <div key={l.id} style={{ display: 'flex', justifyContent: 'space-between', padding: '6px 0', fontWeight: l.id === s.level?.id ? 600 : undefined }} data-testid={`level-${l.id}`}>
            <span>{l.name}</span>
            <span className="muted">{l.growthThreshold}</span>
            <span className="accent">{price(l)}</span>
          </div>
        ))}
        <div className="muted small" style={{ marginTop: 8 }}>{t('promo.level.rule')}</div>
      </div>
      <div className="card">
        <div className="card-title">{t('promo.level.history')}</div>
        {history.items.map((h) => (
          <div key={h.id} style={{ display: 'flex', justifyContent: 'space-between', padding: '6px 0' }}>
            <span className="small">
              {t(h.refundId ? 'promo.level.refunded' : 'promo.level.paid', { no: h.orderNo })}
              <div className="muted small">{formatDateTime(h.createdAt)}</div>
            </span>
            <span className={h.points > 0 ? 'accent' : 'muted'}>{h.points > 0 ? `+${h.points}` : h.points}</span>
          </div>
        ))}
        <LoadMore paged={history} />
      </div>
    </SubPage>
  );
}
