// Small data hooks: load a GET resource, and run a write with its error shown to the user.
import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, withQuery } from './api';
import { useT, type Translate } from './i18n';

type Query = Record<string, string | number | boolean | null | undefined>;

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** GET path (with query) whenever the URL changes; pass null to skip. */
export function useApi<T>(path: string | null, query?: Query): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(!!path);
  const [tick, setTick] = useState(0);
  const url = path ? withQuery(path, query) : null;
  useEffect(() => {
    if (!url) {
      setLoading(false);
      return;
    }
    let cancelled = false;
    setLoading(true);
    api
      .get<T>(url)
      .then((d) => {
        if (cancelled) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e)));
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [url, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** A user-facing sentence for an API error; 403 says which role would be needed, in the server's words. */
export function describeError(e: unknown, t: Translate): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 403) return t('error.forbidden', { message: e.message });
    if (e.status === 401) return t('error.unauthorized');
    if (e.status === 429) return t('error.rateLimited');
    if (e.status >= 500) return t('error.server');
    return `${e.message} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs a write; shows success or the server's error. Resolves to the result (null for a 204, which
 * the client answers as undefined), or undefined on failure.
 * Calls made while one is in flight are ignored (double-click safety).
 */
export function useRun() {
  const { message } = App.useApp();
  const t = useT();
  const busy = useRef(false);
  const [running, setRunning] = useState(false);
  const run = useCallback(
    async <R>(fn: () => Promise<R>, opts: { success?: string; rethrow?: boolean } = {}): Promise<R | undefined> => {
      if (busy.current) return undefined;
      busy.current = true;
      setRunning(true);
      try {
        const result = await fn();
        if (opts.success) message.success(opts.success);
        return (result === undefined ? null : result) as R;
      } catch (e) {
        message.error(describeError(e, t));
        if (opts.rethrow) throw e;
        return undefined;
      } finally {
        busy.current = false;
        setRunning(false);
      }
    },
    [message, t],
  );
  return { run, running };
}

/** Matches a CSS media query (for the 375 px layout). */
export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const mql = window.matchMedia(query);
    const onChange = () => setMatches(mql.matches);
    onChange();
    mql.addEventListener('change', onChange);
    return () => mql.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

export const useIsMobile = () => useMedia('(max-width: 767px)');

const nameCache = new Map<number, Promise<string | null>>();

/** Nicknames for member ids the list API does not name (e.g. withdrawals); cached for the session. */
export function useMemberNames(ids: number[]): Record<number, string> {
  const [names, setNames] = useState<Record<number, string>>({});
  const key = [...new Set(ids)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    const list = key.split(',').map(Number);
    Promise.all(
      list.map((id) => {
        if (!nameCache.has(id)) {
          nameCache.set(
            id,
            api.get<{ nickname: string }>(`/api/admin/members/${id}`).then(
              (m) => m.nickname,
              () => {
                nameCache.delete(id);
                return null;
              },
            ),
          );
        }
        return nameCache.get(id)!.then((n) => [id, n] as const);
      }),
    ).then((pairs) => {
      if (cancelled) return;
      const next: Record<number, string> = {};
      for (const [id, n] of pairs) if (n) next[id] = n;
      setNames(next);
    });
    return () => {
      cancelled = true;
    };
  }, [key]);
  return names;
}
