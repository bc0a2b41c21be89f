// 我的积分: balance, honour, the daily sign-in button with its streak, and the points history.
import { Button, List, Tag, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Empty, ErrorView, formatDateTime, LoadMore, Loading, SubPage, toastError, useLoad, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { loyaltyApi } from './loyaltyApi';

/** onSignedIn: the page around the card refreshes what the sign-in changed (balance, history). */
export function SignInCard({ compact, onSignedIn }: { compact?: boolean; onSignedIn?: () => void }) {
  const t = useFeatureT();
  const summary = useLoad(() => loyaltyApi.points(), []);
  const [busy, setBusy] = useState(false);
  if (summary.loading && !summary.data) return <Loading />;
  if (summary.error || !summary.data) return <ErrorView error={summary.error} onRetry={summary.reload} />;
  const s = summary.data.signIn;
  const signIn = async () => {
    setBusy(true);
    try {
      const r = await loyaltyApi.signIn();
      Toast.show({ icon: 'success', content: r.duplicate ? t('loyalty.signIn.already') : t('loyalty.signIn.done', { points: r.points, streak: r.streak }) });
      summary.reload();
      onSignedIn?.();
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="loyalty-sign-in-card" style={{ padding: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <div>
          <div style={{ fontWeight: 600 }} data-testid="loyalty-streak" data-streak={s.streak}>{t('loyalty.signIn.streak', { days: s.streak })}</div>
          <div className="muted small">{s.signedToday ? t('loyalty.signIn.tomorrow', { points: s.nextPoints }) : t('loyalty.signIn.today', { points: s.nextPoints })}</div>
          {!compact && <div className="muted small">{t('loyalty.signIn.bonusHint', { days: s.daysToBonus, points: s.bonusPoints })}</div>}
        </div>
        <Button color="primary" shape="rounded" size="small" disabled={s.signedToday} loading={busy} onClick={signIn} data-testid="loyalty-sign-in">
          {s.signedToday ? t('loyalty.signIn.signed') : t('loyalty.signIn.button')}
        </Button>
      </div>
      {compact && <div className="small" style={{ marginTop: 8 }}>{t('loyalty.points.balance')}: <b data-testid="loyalty-home-balance">{summary.data.balance}</b></div>}
    </div>
  );
}

export default function PointsPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const summary = useLoad(() => loyaltyApi.points(), []);
  const history = usePaged((limit, offset) => loyaltyApi.transactions(limit, offset), []);
  return (
    <SubPage title={t('loyalty.points.title')} testId="loyalty-points-page">
      {summary.data && (
        <div className="card" style={{ padding: 16, textAlign: 'center' }}>
          <div className="muted small">{t('loyalty.points.balance')}</div>
          <div style={{ fontSize: 32, fontWeight: 700 }} data-testid="loyalty-balance" data-points={summary.data.balance}>{summary.data.balance}</div>
          <div className="small" data-testid="loyalty-honour">
            <Tag color="warning">{t(`loyalty.honour.${summary.data.honour.level.code}`)}</Tag>{' '}
            {t('loyalty.points.lifetime', { points: summary.data.lifetimeEarned })}
            {summary.data.honour.rank ? ` · ${t('loyalty.points.rank', { rank: summary.data.honour.rank })}` : ''}
          </div>
          <div style={{ display: 'flex', gap: 8, justifyContent: 'center', marginTop: 12 }}>
            <Button size="small" onClick={() => navigate('/points/mall')} data-testid="loyalty-go-mall">{t('loyalty.nav.mall')}</Button>
            <Button size="small" onClick={() => navigate('/badges')} data-testid="loyalty-go-badges">{t('loyalty.nav.badges')}</Button>
            <Button size="small" onClick={() => navigate('/notes')} data-testid="loyalty-go-notes">{t('loyalty.nav.notes')}</Button>
          </div>
        </div>
      )}
      {summary.error ? <ErrorView error={summary.error} onRetry={summary.reload} /> : null}
      <SignInCard
        onSignedIn={() => {
          summary.reload();
          history.reload();
        }}
      />
      <List header={t('loyalty.points.history')} data-testid="loyalty-history">
        {history.items.map((x) => (
          <List.Item
            key={x.id}
            description={`${formatDateTime(x.createdAt)}${x.shortfall ? ` · ${t('loyalty.points.shortfall', { points: x.shortfall })}` : ''}`}
            extra={<span style={{ color: x.points < 0 ? '#999' : '#e4393c', fontWeight: 600 }}>{x.points > 0 ? `+${x.points}` : x.points}</span>}
          >
            {t(`loyalty.reason.${x.reason}`)}
          </List.Item>
        ))}
      </List>
      {history.loading && !history.items.length && <Loading />}
      {!history.loading && !history.items.length && !history.error && <Empty text={t('loyalty.points.empty')} />}
      <LoadMore paged={history} />
    </SubPage>
  );
}
