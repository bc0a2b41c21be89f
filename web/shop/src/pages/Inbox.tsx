import { Button } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { Empty, ErrorView, Loading, SubPage, formatDateTime, toastError } from '../components';
import { useI18n } from '../i18n';
import { formatFen } from '../../../shared/money';
import { notificationTitle, useNotificationListener, useNotifications } from '../notifications';
import type { NotificationItem } from '../../../shared/types';

const PAGE = 30;

export function InboxPage() {
  const { t } = useI18n();
  const { setUnread, refreshUnread } = useNotifications();
  const [items, setItems] = useState<NotificationItem[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [hasMore, setHasMore] = useState(false);
  const [tick, setTick] = useState(0);

  const load = async (offset: number) => {
    setLoading(true);
    setError(undefined);
    try {
      const res = await api.notifications({ limit: PAGE, offset });
      setItems((prev) => {
        const merged = offset === 0 ? res.items : [...prev, ...res.items];
        return merged.filter((n, i) => merged.findIndex((m) => m.id === n.id) === i);
      });
      setHasMore(res.items.length === PAGE);
      setUnread(res.unread);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);

  useNotificationListener((n) => setItems((prev) => (prev.some((m) => m.id === n.id) ? prev : [n, ...prev])));

  const markRead = async (ids?: number[]) => {
    try {
      await api.markRead(ids);
      const now = new Date().toISOString();
      setItems((prev) => prev.map((n) => (!ids || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n)));
      await refreshUnread();
    } catch (e) {
      toastError(e);
    }
  };

  const unreadHere = items.filter((n) => !n.readAt).length;

  return (
    <SubPage
      title={t('inbox.title')}
      testId="inbox-page"
      right={
        unreadHere > 0 ? (
          <Button size="mini" fill="none" onClick={() => void markRead()} data-testid="inbox-read-all">
            {t('inbox.readAll')}
          </Button>
        ) : null
      }
    >
      <div className="inbox-list" data-testid="inbox-list">
        {loading && !items.length ? (
          <Loading />
        ) : error && !items.length ? (
          <ErrorView error={error} onRetry={() => setTick((n) => n + 1)} />
        ) : items.length === 0 ? (
          <Empty text={t('inbox.empty')} />
        ) : (
          items.map((n) => (
            <div
              key={n.id}
              className={`card inbox-item ${n.readAt ? 'read' : 'unread'}`}
              data-testid="inbox-item"
              data-kind={n.kind}
              data-read={n.readAt ? 'true' : 'false'}
              onClick={() => {
                if (!n.readAt) void markRead([n.id]);
              }}
            >
              <div className={`inbox-icon kind-${n.kind.replace('.', '-')}`}>{n.kind.startsWith('payout') ? '提' : '¥'}</div>
              <div className="inbox-body">
                <div className="inbox-title">
                  <span data-testid="inbox-title">{notificationTitle(n, t)}</span>
                  {!n.readAt && <span className="unread-dot" aria-label={t('inbox.unread')} />}
                </div>
                <div className="inbox-text">{n.body}</div>
                <div className="muted tiny">{formatDateTime(n.createdAt)}</div>
              </div>
              {n.amountFen !== null && (
                <div className={`inbox-amount ${n.amountFen < 0 ? 'negative' : ''}`} data-fen={n.amountFen}>
                  {n.amountFen > 0 ? '+' : ''}
                  {formatFen(n.amountFen)}
                </div>
              )}
            </div>
          ))
        )}
        {hasMore && !loading && (
          <div className="load-more">
            <Button size="small" fill="none" onClick={() => void load(items.length)} data-testid="load-more">
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </div>
    </SubPage>
  );
}
