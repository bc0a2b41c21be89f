// 排行榜: tabs of metric × period, the public board (names masked) and my rank with the gap to the one above.
import { Tabs } from 'antd-mobile';
import { useState } from 'react';
import { Avatar, Empty, ErrorView, Loading, SubPage, useLoad } from '../../components';
import { useAuth } from '../../auth';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { growthApi, type Metric, type PeriodKind } from './growthApi';
import { MedalIcon } from '../../icons';

const METRICS: Metric[] = ['commission', 'sales', 'invites'];
const PERIODS: PeriodKind[] = ['day', 'week', 'month', 'all'];
// gold, silver, bronze: the line medal in the rank's colour
const MEDALS = ['#f5b400', '#a0a8b3', '#c57b3a'];

export default function LeaderboardPage() {
  const t = useFeatureT();
  const { me: member } = useAuth();
  const [metric, setMetric] = useState<Metric>('commission');
  const [period, setPeriod] = useState<PeriodKind>('month');
  const board = useLoad(() => growthApi.board(metric, period), [metric, period]);
  const mine = useLoad(() => (member ? growthApi.myRank(metric, period) : Promise.resolve(null)), [metric, period, member?.id]);
  const show = (v: number) => (metric === 'invites' ? t('growth.people', { n: v }) : formatFen(v));

  return (
    <SubPage title={t('growth.board.title')} testId="growth-leaderboard-page">
      <Tabs activeKey={metric} onChange={(k) => setMetric(k as Metric)} data-testid="growth-metric-tabs">
        {METRICS.map((m) => (
          <Tabs.Tab key={m} title={t(`growth.metric.${m}`)} />
        ))}
      </Tabs>
      <div style={{ display: 'flex', gap: 8, padding: '8px 12px' }} data-testid="growth-period-tabs">
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={`chip${p === period ? ' chip-active' : ''}`}
            style={{ flex: 1, padding: '6px 0', borderRadius: 16, border: '1px solid #eee', background: p === period ? '#e4393c' : '#fff', color: p === period ? '#fff' : '#333' }}
            onClick={() => setPeriod(p)}
            data-testid={`growth-period-${p}`}
          >
            {t(`growth.period.${p}`)}
          </button>
        ))}
      </div>
      {member && mine.data && (
        <div className="card" style={{ padding: 16, margin: '0 12px 8px' }} data-testid="growth-my-rank" data-rank={mine.data.rank ?? ''}>
          <div className="muted small">{t('growth.myRank')}</div>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
            <div style={{ fontSize: 24, fontWeight: 700 }}>{mine.data.rank ? t('growth.rankNo', { rank: mine.data.rank }) : t('growth.unranked')}</div>
            <div style={{ fontWeight: 600 }}>{show(mine.data.value)}</div>
          </div>
          {mine.data.rank !== null && mine.data.rank > 1 && mine.data.gapToAbove !== null && (
            <div className="small" data-testid="growth-gap">{t('growth.gap', { gap: show(mine.data.gapToAbove) })}</div>
          )}
          {mine.data.rank === 1 && <div className="small">{t('growth.first')}</div>}
        </div>
      )}
      {board.loading && !board.data ? (
        <Loading />
      ) : board.error ? (
        <ErrorView error={board.error} onRetry={board.reload} />
      ) : !board.data?.items.length ? (
        <Empty text={t('growth.empty')} />
      ) : (
        <div className="card" style={{ margin: '0 12px' }} data-testid="growth-board">
          {board.data.items.map((e, i) => (
            <div
              key={i}
              style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '10px 16px', borderBottom: '1px solid #f5f5f5', background: e.isMe ? '#fff7e6' : undefined }}
              data-testid={`growth-board-row-${i + 1}`}
            >
              <div style={{ width: 28, textAlign: 'center', fontWeight: 700 }}>{MEDALS[e.rank - 1] ? <span style={{ color: MEDALS[e.rank - 1] }} aria-label={String(e.rank)}><MedalIcon size={22} /></span> : e.rank}</div>
              <Avatar src={e.avatarUrl} name={e.nickname} size={32} />
              <div style={{ flex: 1 }}>
                {e.nickname}
                {e.isMe ? ` (${t('growth.me')})` : ''}
              </div>
              <div style={{ fontWeight: 600, color: '#e4393c' }}>{show(e.value)}</div>
            </div>
          ))}
        </div>
      )}
      <div className="muted small" style={{ padding: 12 }}>{t('growth.board.hint')}</div>
    </SubPage>
  );
}
