import { Button, NoticeBar, Result, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../api';
import { useAuth } from '../auth';
import { Avatar, ErrorView, Loading, SubPage, useLoad } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import { BellIcon, ImageIcon, OrderIcon, ShareIcon, StoreIcon, TeamIcon, WalletIcon } from '../icons';
import { formatFen } from '../../../shared/money';
import { useNotificationListener, useNotifications } from '../notifications';
import type { CommissionSummary } from '../../../shared/types';
import { FeatureEntries } from '../features/entries';

function Stat({ label, fen, testId }: { label: string; fen: number; testId: string }) {
  return (
    <div className="stat">
      <div className="stat-value" data-testid={testId} data-fen={fen}>
        {formatFen(fen)}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

function NotDistributor() {
  const { t } = useI18n();
  const { me, refresh } = useAuth();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = me?.distributorStatus ?? 'none';
  const canApply = status === 'none' || status === 'rejected';
  return (
    <div className="card not-distributor" data-testid="distributor-state" data-status={status}>
      <Result
        status={status === 'applied' ? 'waiting' : status === 'disabled' ? 'warning' : 'info'}
        title={status === 'applied' ? t('centre.applied') : t('centre.notDistributor')}
        description={status === 'applied' ? t('centre.stateLabel', { state: t('centre.state.applied') }) : t('centre.notDistributorSub')}
      />
      {status !== 'none' && status !== 'applied' && (
        <div className="muted center small" data-testid="distributor-status">
          {t('centre.stateLabel', { state: t(`centre.state.${status}` as MessageKey) })}
        </div>
      )}
      {error && (
        <div className="form-error" data-testid="distributor-apply-error">
          {error}
        </div>
      )}
      {canApply && (
        <Button
          block
          color="primary"
          shape="rounded"
          loading={loading}
          data-testid="distributor-apply"
          onClick={async () => {
            setLoading(true);
            setError(null);
            try {
              await api.applyDistributor();
              Toast.show({ icon: 'success', content: t('centre.applied') });
              await refresh();
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setLoading(false);
            }
          }}
        >
          {t('centre.apply')}
        </Button>
      )}
    </div>
  );
}

export function CentrePage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { me, loading: meLoading, refresh } = useAuth();
  const { unread, connected } = useNotifications();
  // HQ may have approved or disabled the distributor since the profile was loaded
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const active = me?.distributorStatus === 'active';
  const summary = useLoad<CommissionSummary | null>(() => (active ? api.summary() : Promise.resolve(null)), [active]);
  const [flash, setFlash] = useState(false);

  // a live alert: refresh the figures in place
  useNotificationListener((n) => {
    if (!active) return;
    if (n.kind.startsWith('commission.') || n.kind.startsWith('payout.')) {
      summary.reload();
      setFlash(true);
      setTimeout(() => setFlash(false), 1500);
    }
  });

  if (!me && meLoading) {
    return (
      <SubPage title={t('centre.title')} back="/me">
        <Loading />
      </SubPage>
    );
  }

  const s = summary.data;
  const tools = [
    { to: '/centre/team', icon: <TeamIcon size={26} />, label: t('centre.team'), testId: 'centre-team' },
    { to: '/centre/orders', icon: <OrderIcon size={26} />, label: t('centre.promotionOrders'), testId: 'centre-orders' },
    { to: '/centre/withdraw#history', icon: <WalletIcon size={26} />, label: t('centre.payouts'), testId: 'centre-payouts' },
    { to: '/centre/invite', icon: <ShareIcon size={26} />, label: t('centre.invite'), testId: 'centre-invite' },
    { to: '/centre/invite#poster', icon: <ImageIcon size={26} />, label: t('centre.poster'), testId: 'centre-poster' },
    { to: '/centre/showcase', icon: <StoreIcon size={26} />, label: t('showcase.entry'), testId: 'centre-showcase' },
    { to: '/inbox', icon: <BellIcon size={26} />, label: t('centre.inbox'), testId: 'centre-inbox', badge: unread },
  ];

  return (
    <SubPage title={t('centre.title')} back="/me" className="centre-page" testId="centre-page">
      {!active ? (
        <NotDistributor />
      ) : summary.loading && !s ? (
        <Loading />
      ) : summary.error || !s ? (
        <ErrorView error={summary.error} onRetry={summary.reload} />
      ) : (
        <>
          <div className={`centre-hero ${flash ? 'flash' : ''}`} data-testid="centre-summary">
            <div className="centre-hero-top">
              <Avatar src={me?.avatarUrl} name={me?.nickname ?? ''} size={40} />
              <div className="centre-hero-name">
                <div>{me?.nickname}</div>
                <div className="centre-hero-code">{t('me.inviteCode', { code: me?.inviteCode ?? '' })}</div>
              </div>
              <span className={`live-dot ${connected ? 'on' : ''}`} data-testid="live-indicator" data-connected={connected ? 'true' : 'false'} title={connected ? 'live' : 'offline'} />
            </div>
            <div className="centre-hero-main">
              <div>
                <div className="centre-hero-label">{t('centre.available')}</div>
                <div className="centre-hero-amount" data-testid="summary-available" data-fen={s.availableFen}>
                  {formatFen(s.availableFen)}
                </div>
              </div>
              <button type="button" className="centre-withdraw" data-testid="centre-withdraw" onClick={() => navigate('/centre/withdraw')}>
                {t('centre.withdraw')}
              </button>
            </div>
            <div className="centre-hero-row">
              <div>
                <div className="centre-hero-label">{t('centre.today')}</div>
                <div className="centre-hero-sub" data-testid="summary-today" data-fen={s.todayFen}>
                  {formatFen(s.todayFen)}
                </div>
              </div>
              <div>
                <div className="centre-hero-label">{t('centre.total')}</div>
                <div className="centre-hero-sub" data-testid="summary-total" data-fen={s.totalEarnedFen}>
                  {formatFen(s.totalEarnedFen)}
                </div>
              </div>
            </div>
          </div>

          {s.heldFen > 0 && (
            <NoticeBar color="info" wrap className="held-bar" data-testid="summary-held" data-fen={s.heldFen} content={t('centre.heldNote', { amount: formatFen(s.heldFen) })} />
          )}

          {s.debtFen > 0 && (
            <NoticeBar color="error" wrap className="debt-bar" data-testid="summary-debt" data-fen={s.debtFen} content={t('centre.debt', { amount: formatFen(s.debtFen) })} />
          )}

          <div className="card stats-grid">
            <Stat label={t('centre.pending')} fen={s.pendingFen} testId="summary-pending" />
            <Stat label={t('centre.frozen')} fen={s.frozenFen} testId="summary-frozen" />
            <Stat label={t('centre.withdrawing')} fen={s.withdrawingFen} testId="summary-withdrawing" />
            <Stat label={t('centre.withdrawn')} fen={s.withdrawnFen} testId="summary-withdrawn" />
          </div>

          <div className="card">
            <div className="card-title">{t('centre.tools')}</div>
            <div className="tool-grid">
              {tools.map((tool) => (
                <Link key={tool.testId} to={tool.to} className="tool" data-testid={tool.testId}>
                  <span className="tool-icon">
                    {tool.icon}
                    {tool.badge ? <span className="tool-badge">{tool.badge > 99 ? '99+' : tool.badge}</span> : null}
                  </span>
                  <span>{tool.label}</span>
                </Link>
              ))}
            </div>
          </div>
          <FeatureEntries where="centre" />
          <div className="rules-hint muted small">{t('centre.rules')}</div>
        </>
      )}
    </SubPage>
  );
}
