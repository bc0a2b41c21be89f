// Instant income alerts: while signed in, one EventSource on /api/me/notifications/stream.
// Each `event: notification` shows a toast and a notice bar, bumps the unread count, and tells
// subscribers (the distributor centre refreshes its summary without a page reload).
// The stream carries the access token in its URL, which lasts 15 minutes: shortly before it expires
// (or when the server closes the stream) the token is renewed first and a new stream opened.
import { Toast } from 'antd-mobile';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, freshToken, msUntilExpiry } from './api';
import { useAuth } from './auth';
import { useI18n, type Translate } from './i18n';
import { formatFen } from '../../shared/money';
import type { NotificationItem } from '../../shared/types';

type Listener = (n: NotificationItem) => void;

interface NotificationsValue {
  unread: number;
  /** the latest alert shown in the notice bar, until closed */
  latest: NotificationItem | null;
  dismissLatest: () => void;
  refreshUnread: () => Promise<void>;
  setUnread: (n: number) => void;
  subscribe: (listener: Listener) => () => void;
  /** whether the live stream is open */
  connected: boolean;
}

const NotificationsContext = createContext<NotificationsValue | null>(null);

/** The alert's headline in the current language: "你赚了 ¥x.xx" for an earning. */
export function notificationTitle(n: NotificationItem, t: Translate): string {
  if (n.kind === 'commission.earned' && n.amountFen !== null) return t('notify.earned', { amount: formatFen(n.amountFen) });
  if (n.kind === 'commission.reversed' && n.amountFen !== null) return t('notify.reversed', { amount: formatFen(Math.abs(n.amountFen)) });
  return n.title;
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { token } = useAuth();
  const { t } = useI18n();
  const [unread, setUnread] = useState(0);
  const [latest, setLatest] = useState<NotificationItem | null>(null);
  const [connected, setConnected] = useState(false);
  const listeners = useRef(new Set<Listener>());
  const tRef = useRef(t);
  tRef.current = t;

  const refreshUnread = useCallback(async () => {
    if (!token) return;
    try {
      const res = await api.notifications({ limit: 1 });
      setUnread(res.unread);
    } catch {
      /* the inbox may not exist yet; the badge just stays */
    }
  }, [token]);

  useEffect(() => {
    if (!token) {
      setUnread(0);
      setLatest(null);
      setConnected(false);
      return;
    }
    void refreshUnread();
    let source: EventSource | null = null;
    const all = new Set<EventSource>();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let renew: ReturnType<typeof setTimeout> | undefined;
    let delay = 3000;
    let stopped = false;
    const seen = new Set<number>();

    const onNotification = (event: Event) => {
      let n: NotificationItem;
      try {
        n = JSON.parse((event as MessageEvent<string>).data) as NotificationItem;
      } catch {
        return;
      }
      if (seen.has(n.id)) return;
      seen.add(n.id);
      setLatest(n);
      if (!n.readAt) setUnread((u) => u + 1);
      Toast.show({ content: notificationTitle(n, tRef.current), position: 'top', duration: 3000 });
      listeners.current.forEach((l) => l(n));
    };

    const later = (fn: () => void) => {
      if (retry) clearTimeout(retry);
      retry = setTimeout(fn, delay);
      delay = Math.min(delay * 2, 60_000);
    };

    /** Opens a stream with a fresh token; the previous one (if any) closes once the new one is open, so nothing is missed. */
    const open = async (minSeconds = 10) => {
      if (stopped) return;
      let access: string | null;
      try {
        access = await freshToken(minSeconds);
      } catch {
        return later(() => void open()); // offline: try again later
      }
      if (stopped || !access) return; // signed out: the provider stops this effect
      const previous = source;
      const next = new EventSource(`/api/me/notifications/stream?access_token=${encodeURIComponent(access)}`);
      source = next;
      all.add(next);
      next.onopen = () => {
        delay = 3000;
        setConnected(true);
        if (previous && previous !== next) {
          previous.close();
          all.delete(previous);
        }
      };
      next.addEventListener('notification', onNotification);
      next.onerror = () => {
        if (source !== next) return;
        setConnected(false);
        // the browser retries by itself unless the server refused (401/404) or ended the stream
        if (next.readyState === EventSource.CLOSED) {
          next.close();
          previous?.close();
          source = null;
          // a request through the API client renews an expired token (or signs out); then reopen
          later(() => void api.notifications({ limit: 1 }).then((r) => setUnread(r.unread), () => undefined).finally(() => void open()));
        }
      };
      if (renew) clearTimeout(renew);
      const left = msUntilExpiry();
      if (left !== null) renew = setTimeout(() => void open(60), Math.max(left - 45_000, 5_000));
    };
    void open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (renew) clearTimeout(renew);
      all.forEach((s) => s.close());
      setConnected(false);
    };
  }, [token, refreshUnread]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const dismissLatest = useCallback(() => setLatest(null), []);

  const value = useMemo<NotificationsValue>(
    () => ({ unread, latest, dismissLatest, refreshUnread, setUnread, subscribe, connected }),
    [unread, latest, dismissLatest, refreshUnread, subscribe, connected],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsValue {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error('useNotifications outside NotificationsProvider');
  return value;
}

/** Calls `listener` for every live notification while the component is mounted. */
export function useNotificationListener(listener: Listener): void {
  const { subscribe } = useNotifications();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((n) => ref.current(n)), [subscribe]);
}
