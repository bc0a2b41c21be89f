// 我的徽章: every badge, earned or still to earn, and the honour list (names masked).
import { List, Tag } from 'antd-mobile';
import { Empty, ErrorView, formatDate, Loading, SubPage, useLoad } from '../../components';
import { useFeatureT, useI18n } from '../../i18n';
import { loyaltyApi } from './loyaltyApi';
import { LockIcon, MedalIcon } from '../../icons';

export default function BadgesPage() {
  const t = useFeatureT();
  const { locale } = useI18n();
  const badges = useLoad(() => loyaltyApi.badges(), []);
  const top = useLoad(() => loyaltyApi.honourTop(), []);
  return (
    <SubPage title={t('loyalty.nav.badges')} testId="loyalty-badges-page">
      {badges.loading && <Loading />}
      {badges.error ? <ErrorView error={badges.error} onRetry={badges.reload} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
        {badges.data?.map((b) => (
          <div key={b.code} className="card" style={{ padding: 12, textAlign: 'center', opacity: b.earned ? 1 : 0.45 }} data-testid={`badge-${b.code}`} data-earned={b.earned}>
            <div style={{ color: b.earned ? 'var(--accent)' : '#bbb' }}>{b.earned ? <MedalIcon size={32} /> : <LockIcon size={32} />}</div>
            <div style={{ fontWeight: 600 }}>{locale === 'en' ? b.nameEn : b.name}</div>
            <div className="muted small">{b.description}</div>
            {b.earned && b.awardedAt && <div className="small">{formatDate(b.awardedAt)}</div>}
          </div>
        ))}
      </div>
      <List header={t('loyalty.honour.top')} data-testid="honour-top">
        {top.data?.map((r) => (
          <List.Item key={r.rank} prefix={<b>{r.rank}</b>} extra={r.lifetimeEarned}>
            {r.name} <Tag color="warning">{t(`loyalty.honour.${r.level}`)}</Tag>
          </List.Item>
        ))}
      </List>
      {top.data && !top.data.length && <Empty text={t('loyalty.honour.empty')} />}
    </SubPage>
  );
}
