// The signed-in member: the token in localStorage and the profile from GET /api/me.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, getToken, setToken } from './api';
import type { MeProfile, MemberProfile } from './types';

interface AuthValue {
  token: string | null;
  me: MeProfile | null;
  /** true while the profile of a stored token is being fetched */
  loading: boolean;
  signIn: (token: string, member: MemberProfile) => void;
  signOut: () => void;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(getToken);
  const [me, setMe] = useState<MeProfile | null>(null);
  const [loading, setLoading] = useState<boolean>(() => getToken() !== null);

  const refresh = useCallback(async () => {
    if (!getToken()) {
      setMe(null);
      setLoading(false);
      return;
    }
    try {
      setMe(await api.me());
    } catch {
      // a 401 already cleared the token; anything else keeps the old profile
      if (!getToken()) {
        setTokenState(null);
        setMe(null);
      }
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [token, refresh]);

  // another tab signing in or out
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === 'fx_token') setTokenState(getToken());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const signIn = useCallback((t: string, member: MemberProfile) => {
    setToken(t);
    setMe({ ...member, referrer: null });
    setLoading(true);
    setTokenState(t);
  }, []);

  const signOut = useCallback(() => {
    setToken(null);
    setTokenState(null);
    setMe(null);
  }, []);

  const value = useMemo<AuthValue>(() => ({ token, me, loading, signIn, signOut, refresh }), [token, me, loading, signIn, signOut, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The login page's address that comes back to where the user is now. */
export function loginPath(back: string): string {
  return `/login?redirect=${encodeURIComponent(back)}`;
}

/** Renders children only when signed in; otherwise goes to the login page and comes back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  return <>{children}</>;
}
