// 我的代理: for an agent — its region or level, term, awards and this year's target progress by quarter.
import { ProgressBar } from 'antd-mobile';
import { ApiError } from '../../api';
import { Empty, ErrorView, formatDate, Loading, SubPage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { channelsApi } from './channelsApi';

const permille = (p: number) => `${(p / 10).toFixed(1)}%`;

export function MyAgencyPage() {
  const t = useFeatureT();
  const agency = useLoad(() => channelsApi.agency(), []);
  const earnings = useLoad(() => (agency.data ? channelsApi.agencyEarnings() : Promise.resolve(null)), [agency.data?.id]);
  const targets = useLoad(() => (agency.data ? channelsApi.targets() : Promise.resolve(null)), [agency.data?.id]);
  const title = t('channels.agency.title');
  if (agency.loading) return <SubPage title={title}><Loading /></SubPage>;
  if (agency.error instanceof ApiError && agency.error.code === 'AGENT_NOT_FOUND') return <SubPage title={title}><Empty text={t('channels.agency.notAgent')} /></SubPage>;
  if (agency.error || !agency.data) return <SubPage title={title}><ErrorView error={agency.error} onRetry={agency.reload} /></SubPage>;
  const a = agency.data;
  const s = earnings.data?.summary;
  const p = targets.data;
  const scope = a.kind === 'regional' ? t('channels.agency.regional', { code: a.regionCode ?? '', level: t(`channels.region.${a.regionLevel}`) }) : t('channels.agency.level', { level: a.levelName ?? '' });
  return (
    <SubPage title={title} testId="my-agency-page">
      <div className="card">
        <div style={{ fontSize: 18, fontWeight: 700 }} data-testid="my-agency-scope">{scope}</div>
        <div className="muted small">
          {t('channels.agency.term', { from: formatDate(a.termStart), to: formatDate(a.termEnd) })} · <span data-testid="my-agency-state">{t(`channels.state.${a.state}`)}</span>
        </div>
      </div>
      {s && (
        <div className="card stats-grid" data-testid="my-agency-earnings">
          <div><div className="muted small">{t('channels.agency.pending')}</div><b>{formatFen(s.pendingFen)}</b></div>
          <div><div className="muted small">{t('channels.agency.frozen')}</div><b>{formatFen(s.frozenFen)}</b></div>
          <div><div className="muted small">{t('channels.agency.available')}</div><b>{formatFen(s.availableFen)}</b></div>
          <div><div className="muted small">{t('channels.agency.referral')}</div><b>{formatFen(s.referralAwardFen)}</b></div>
        </div>
      )}
      {p && (
        <div className="card" data-testid="my-agency-targets">
          <div className="card-title">{t('channels.agency.target', { year: p.year })}</div>
          {!p.hasTarget && <div className="muted small">{t('channels.agency.noTarget')}</div>}
          <div className="small" style={{ margin: '6px 0' }}>
            {formatFen(p.achievedFen)} / {formatFen(p.targetFen)} · {permille(p.progressPermille)}
          </div>
          <ProgressBar percent={Math.min(p.progressPermille / 10, 100)} />
          {p.quarters.map((q) => (
            <div key={q.quarter} style={{ marginTop: 10 }} data-testid={`my-agency-q${q.quarter}`}>
              <div className="small" style={{ display: 'flex', justifyContent: 'space-between' }}>
                <span>Q{q.quarter}</span>
                <span>{formatFen(q.achievedFen)} / {formatFen(q.targetFen)} · {permille(q.progressPermille)}</span>
              </div>
              <ProgressBar percent={Math.min(q.progressPermille / 10, 100)} />
            </div>
          ))}
        </div>
      )}
    </SubPage>
  );
}
