// The signed-in HQ member. The token lives in localStorage; /api/me says who it is and which HQ role
// they hold (read fresh on every load, so a revoked role takes effect on reload).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, getToken, onUnauthorized, setToken } from './api';
import { can, canSee, type Action, type Screen } from './access';
import type { Me } from './types';
import { canSeeScreen } from './features/types';
import { FEATURE_SCREENS } from './features';

/** HQ staff, or a party (supplier, dealer…) with console pages of its own. */
export function mayUseConsole(me: Me): boolean {
  return !!me.hqRole || FEATURE_SCREENS.some((s) => canSeeScreen(me, s));
}

interface AuthState {
  me: Me | null;
  /** true until the first /api/me answer (or no token) */
  loading: boolean;
  login: (phone: string, password: string) => Promise<Me>;
  logout: () => void;
  can: (action: Action) => boolean;
  canSee: (screen: Screen) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export class NotHqError extends Error {}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => !!getToken());

  const logout = useCallback(() => {
    setToken(null);
    setMe(null);
  }, []);

  useEffect(() => onUnauthorized(logout), [logout]);

  useEffect(() => {
    if (!getToken()) return;
    let cancelled = false;
    api
      .get<Me>('/api/me')
      .then((m) => {
        if (cancelled) return;
        if (mayUseConsole(m)) setMe(m);
        else logout();
      })
      .catch((e) => {
        if (!cancelled && e instanceof ApiError && (e.status === 401 || e.status === 403)) logout();
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [logout]);

  const login = useCallback(async (phone: string, password: string) => {
    const res = await api.post<{ token: string }>('/api/auth/login', { phone, password });
    setToken(res.token);
    const profile = await api.get<Me>('/api/me');
    if (!mayUseConsole(profile)) {
      setToken(null);
      throw new NotHqError('not an HQ member');
    }
    setMe(profile);
    return profile;
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      me,
      loading,
      login,
      logout,
      can: (action) => can(me?.hqRole, action),
      canSee: (screen) => canSee(me?.hqRole, screen),
    }),
    [me, loading, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
