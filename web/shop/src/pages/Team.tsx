import { Tabs } from 'antd-mobile';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { Avatar, Empty, ErrorView, LoadMore, Loading, SubPage, formatDate, useLoad, usePaged } from '../components';
import { useI18n } from '../i18n';
import { formatFen } from '../../../shared/money';
import type { TeamMember } from '../../../shared/types';

export function TeamPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'all' ? 'all' : 'direct';
  const summary = useLoad(() => api.teamSummary(), []);
  const team = usePaged<TeamMember>((limit, offset) => api.team({ limit, offset, ...(tab === 'direct' ? { depth: 1 } : {}) }).then((r) => r.items), [tab]);

  return (
    <SubPage title={t('team.title')} back="/centre" testId="team-page">
      <div className="team-summary" data-testid="team-summary">
        {summary.error ? (
          <ErrorView error={summary.error} onRetry={summary.reload} />
        ) : (
          <>
            <div className="stat">
              <div className="stat-value" data-testid="team-size">
                {summary.data?.teamSize ?? '-'}
              </div>
              <div className="stat-label">{t('team.size')}</div>
            </div>
            <div className="stat">
              <div className="stat-value" data-testid="team-direct">
                {summary.data?.directCount ?? '-'}
              </div>
              <div className="stat-label">{t('team.direct')}</div>
            </div>
            <div className="stat">
              <div className="stat-value" data-testid="team-sales" data-fen={summary.data?.teamSalesFen}>
                {summary.data ? formatFen(summary.data.teamSalesFen) : '-'}
              </div>
              <div className="stat-label">{t('team.sales')}</div>
            </div>
          </>
        )}
      </div>
      <Tabs activeKey={tab} onChange={(key) => setParams(key === 'all' ? { tab: 'all' } : {}, { replace: true })} className="sticky-tabs">
        <Tabs.Tab key="direct" title={<span data-testid="team-tab-direct">{t('team.tabDirect')}</span>} />
        <Tabs.Tab key="all" title={<span data-testid="team-tab-all">{t('team.tabAll')}</span>} />
      </Tabs>
      <div className="team-list" data-testid="team-list" data-tab={tab}>
        {team.loading && !team.items.length ? (
          <Loading />
        ) : team.error && !team.items.length ? (
          <ErrorView error={team.error} onRetry={team.reload} />
        ) : team.items.length === 0 ? (
          <Empty text={t('team.empty')} />
        ) : (
          team.items.map((m) => (
            <div className="card team-member" key={m.id} data-testid="team-member" data-level={m.level}>
              <Avatar src={m.avatarUrl} name={m.nickname} size={44} />
              <div className="team-member-body">
                <div className="team-member-name">
                  <span data-testid="team-member-name">{m.nickname}</span>
                  <span className={`level-tag level-${Math.min(m.level, 4)}`}>{t('team.level', { n: m.level })}</span>
                </div>
                <div className="muted small" data-testid="team-member-phone">
                  {m.phone}
                </div>
                <div className="muted small">
                  {t('team.joined', { date: formatDate(m.joinedAt) })} · {t('team.memberSales', { amount: formatFen(m.salesFen), n: m.orderCount })}
                </div>
              </div>
            </div>
          ))
        )}
        <LoadMore paged={team} />
      </div>
    </SubPage>
  );
}
