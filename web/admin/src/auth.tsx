// The signed-in HQ member. The session's tokens live in localStorage (api.ts renews them); /api/me says
// who it is and which HQ role they hold (read fresh on every load, so a revoked role takes effect on
// reload). Sign-in may take a second step (TOTP code or recovery code); a one-time password must be
// changed, and where HQ roles must use TOTP the console sends the member to 账号安全 first.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { api, ApiError, endSession, getToken, onSecurityBlock, onUnauthorized, SESSION_TOKEN_KEY, setSession } from './api';
import { can, canSee, type Action, type Screen } from './access';
import { describeError } from './hooks';
import type { Translate } from './i18n';
import type { AuthResult, ConsoleMe as Me } from './types';
import { canSeeScreen } from './features/types';
import { FEATURE_SCREENS } from './features';

/** HQ staff, or a party (supplier, dealer…) with console pages of its own. */
export function mayUseConsole(me: Me): boolean {
  return !!me.hqRole || FEATURE_SCREENS.some((s) => canSeeScreen(me, s));
}

export type MfaAnswer = { code: string } | { recoveryCode: string };

interface AuthState {
  me: Me | null;
  /** true until the first /api/me answer (or no token) */
  loading: boolean;
  /** phone and password: signs in, or answers the token of the second step when the account has TOTP on */
  login: (phone: string, password: string) => Promise<{ mfaToken: string } | null>;
  /** the second step: the authenticator's 6 digits or a recovery code */
  verifyMfa: (mfaToken: string, answer: MfaAnswer) => Promise<void>;
  /** stores the tokens a password change answers (the other sessions ended) and reads the profile again */
  applySession: (session: AuthResult) => Promise<void>;
  reloadMe: () => Promise<void>;
  logout: () => void;
  /** a one-time password is in use (or the server answered 403 PASSWORD_CHANGE_REQUIRED) */
  passwordChangeRequired: boolean;
  /** the server answered 403 MFA_ENROLMENT_REQUIRED and TOTP is still off */
  mfaEnrolmentRequired: boolean;
  can: (action: Action) => boolean;
  canSee: (screen: Screen) => boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export class NotHqError extends Error {}

/** A sentence for an error on the sign-in and security screens: the code's own label when it has one. */
export function authErrorText(e: unknown, t: Translate): string {
  if (e instanceof NotHqError) return t('auth.notHq');
  if (e instanceof ApiError) {
    if (t.maybe(`error.code.${e.code}`) !== undefined) return e.message;
    if (e.status === 401 && e.code !== 'NETWORK') return t('auth.badCredentials');
  }
  return describeError(e, t);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => !!getToken());
  const [passwordBlocked, setPasswordBlocked] = useState(false);
  const [mfaBlocked, setMfaBlocked] = useState(false);

  const drop = useCallback(() => {
    setMe(null);
    setPasswordBlocked(false);
    setMfaBlocked(false);
  }, []);

  const logout = useCallback(() => {
    void endSession();
    drop();
  }, [drop]);

  useEffect(() => onUnauthorized(drop), [drop]);
  useEffect(
    () =>
      onSecurityBlock((code) => {
        if (code === 'PASSWORD_CHANGE_REQUIRED') setPasswordBlocked(true);
        else setMfaBlocked(true);
      }),
    [],
  );

  // another tab signing out
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if ((e.key === null || e.key === SESSION_TOKEN_KEY) && !getToken()) drop();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [drop]);

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

  /** A sign-in's tokens stored, then the profile (the sign-in's own when /api/me waits on a security step). */
  const complete = useCallback(async (session: AuthResult) => {
    setSession(session);
    let profile: Me;
    try {
      profile = await api.get<Me>('/api/me');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 403 && /PASSWORD_CHANGE_REQUIRED|MFA_ENROLMENT_REQUIRED/.test(e.code))) {
        setSession(null);
        throw e;
      }
      profile = { ...session.member };
    }
    if (!mayUseConsole(profile)) {
      void endSession();
      throw new NotHqError('not an HQ member');
    }
    setMe(profile);
  }, []);

  const login = useCallback(
    async (phone: string, password: string) => {
      const res = await api.post<AuthResult | { mfaRequired: true; mfaToken: string }>('/api/auth/login', { phone, password });
      if ('mfaRequired' in res && res.mfaRequired) return { mfaToken: res.mfaToken };
      await complete(res as AuthResult);
      return null;
    },
    [complete],
  );

  const verifyMfa = useCallback(async (mfaToken: string, answer: MfaAnswer) => complete(await api.post<AuthResult>('/api/auth/mfa', { mfaToken, ...answer })), [complete]);

  const reloadMe = useCallback(async () => {
    const m = await api.get<Me>('/api/me');
    setMe(m);
    if (m.mfaEnabled) setMfaBlocked(false);
  }, []);

  const applySession = useCallback(
    async (session: AuthResult) => {
      setSession(session);
      setPasswordBlocked(false);
      setMe((prev) => (prev ? { ...prev, ...session.member, mustChangePassword: false } : prev));
      await reloadMe().catch(() => undefined);
    },
    [reloadMe],
  );

  const value = useMemo<AuthState>(
    () => ({
      me,
      loading,
      login,
      verifyMfa,
      applySession,
      reloadMe,
      logout,
      passwordChangeRequired: passwordBlocked || !!me?.mustChangePassword,
      mfaEnrolmentRequired: mfaBlocked && !me?.mfaEnabled,
      can: (action) => can(me?.hqRole, action),
      canSee: (screen) => canSee(me?.hqRole, screen),
    }),
    [me, loading, login, verifyMfa, applySession, reloadMe, logout, passwordBlocked, mfaBlocked],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Around the console's screens: a one-time password goes to /change-password, a missing TOTP to /security. */
export function SecurityGate({ children }: { children: ReactNode }) {
  const { passwordChangeRequired, mfaEnrolmentRequired } = useAuth();
  const location = useLocation();
  if (passwordChangeRequired) return <Navigate to="/change-password" replace state={{ from: location.pathname + location.search }} />;
  if (mfaEnrolmentRequired && location.pathname !== '/security') return <Navigate to="/security" replace />;
  return <>{children}</>;
}
