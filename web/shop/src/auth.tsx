// The signed-in member: the session's tokens in localStorage (api.ts renews them) and the profile from
// GET /api/me. Inside WeChat (公众号), a visitor nobody signed in goes through the silent OAuth once per
// tab session and comes back with #fx_ticket=… (exchanged for a session here) or #fx_wechat_error=CODE.
import { Toast } from 'antd-mobile';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, endSession, errorMessage, getToken, SESSION_TOKEN_KEY, setSession, tokenSubject } from './api';
import { Loading } from './components';
import { translate, type MessageKey } from './i18n';
import { storedInviteCode, visitorKey } from './referral';
import type { AuthResult, MeProfile, SignInAnswer } from '../../shared/types';

interface AuthValue {
  /** the access token the session started with: a signed-in flag (renewals do not change it; read api.getToken() to send one) */
  token: string | null;
  me: MeProfile | null;
  /** true while the profile of a stored token is being fetched */
  loading: boolean;
  /** true while a WeChat ticket from the address is exchanged for a session */
  ticketPending: boolean;
  signIn: (session: AuthResult) => void;
  signOut: () => void;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export const inWechat = (): boolean => typeof navigator !== 'undefined' && /MicroMessenger/i.test(navigator.userAgent);

const OAUTH_TRIED_KEY = 'fx_wechat_oauth_tried';
function oauthTried(): boolean {
  try {
    return sessionStorage.getItem(OAUTH_TRIED_KEY) !== null;
  } catch {
    return true; // no way to remember: never start a round trip that could repeat
  }
}
function markOauthTried(): void {
  try {
    sessionStorage.setItem(OAUTH_TRIED_KEY, String(Date.now()));
  } catch {
    /* ignore */
  }
}

/** A local path to come back to: `target` when it is one (and not a sign-in page), else `fallback`. */
export function safeRedirect(target: string | null, fallback = '/me'): string {
  return target && target.startsWith('/') && !target.startsWith('//') && !/^\/(login|register|password)\b/.test(target) ? target : fallback;
}

/** Where the user is, or for a sign-in page where it leads back to. */
function returnPath(): string {
  const { pathname, search } = window.location;
  if (/^\/(login|register)\b/.test(pathname)) return safeRedirect(new URLSearchParams(search).get('redirect'));
  return pathname + search;
}

/** The share link's invite code in the address (invite= / sharer= / the /s/:code path), else the stored one. */
function inviteCode(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromPath = /^\/s\/([^/?#]+)/.exec(window.location.pathname)?.[1];
  return params.get('invite') ?? params.get('sharer') ?? (fromPath ? decodeURIComponent(fromPath).toUpperCase() : null) ?? storedInviteCode();
}

/** The 公众号 OAuth start: `base` signs in silently, `userinfo` also brings the WeChat avatar and nickname. */
export function wechatStartUrl(scope: 'base' | 'userinfo' = 'base'): string {
  const params = new URLSearchParams({ returnTo: returnPath() });
  const invite = inviteCode();
  if (invite) params.set('invite', invite);
  params.set('visitorKey', visitorKey());
  if (scope === 'userinfo') params.set('scope', 'userinfo');
  return `/api/auth/wechat/oauth/start?${params.toString()}`;
}

/** Leaves for the WeChat sign-in (remembered, so coming back without a session never starts another). */
export function startWechatSignIn(scope: 'base' | 'userinfo' = 'base'): void {
  markOauthTried();
  window.location.assign(wechatStartUrl(scope));
}

/** Takes #fx_ticket (or #fx_wechat_error) out of the address before anything renders, so a reload cannot reuse it. */
function takeFragment(): { ticket: string | null; error: string | null } {
  if (typeof window === 'undefined' || !window.location.hash) return { ticket: null, error: null };
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const ticket = hash.get('fx_ticket');
  const error = hash.get('fx_wechat_error');
  if (!ticket && !error) return { ticket: null, error: null };
  hash.delete('fx_ticket');
  hash.delete('fx_wechat_error');
  const rest = hash.toString();
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
  return { ticket, error };
}
const boot = takeFragment();
let ticketExchange: Promise<SignInAnswer> | null = null;
let bootErrorShown = false;

function wechatFailure(code: string | null): string {
  const locale = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const key = `error.${code ?? 'WECHAT_LOGIN_FAILED'}` as MessageKey;
  const text = translate(locale, key);
  return text === key ? translate(locale, 'error.WECHAT_LOGIN_FAILED') : text;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [token, setTokenState] = useState<string | null>(getToken);
  const [me, setMe] = useState<MeProfile | null>(null);
  const [loading, setLoading] = useState<boolean>(() => getToken() !== null);
  const [ticketPending, setTicketPending] = useState(boot.ticket !== null);

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

  // another tab signing in or out (its renewals of the same session change nothing here)
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== null && e.key !== SESSION_TOKEN_KEY) return;
      const now = getToken();
      setTokenState((prev) => (now && prev && tokenSubject(now) === tokenSubject(prev) ? prev : now));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const signIn = useCallback((session: AuthResult) => {
    setSession(session);
    setMe({ ...session.member, referrer: null, parties: [] });
    setLoading(true);
    setTokenState(session.token);
  }, []);

  const signOut = useCallback(() => {
    // a member who chose to sign out stays out: no silent WeChat sign-in in this tab
    if (getToken()) markOauthTried();
    void endSession();
    setTokenState(null);
    setMe(null);
  }, []);

  // back from the WeChat OAuth with a one-time ticket (or a failure)
  useEffect(() => {
    if (!boot.ticket && !boot.error) return;
    const toLogin = (message: string) => {
      Toast.show({ content: message, duration: 3000 });
      if (!/^\/(login|register)\b/.test(window.location.pathname)) navigate(loginPath(returnPath()), { replace: true });
    };
    if (!boot.ticket) {
      if (!bootErrorShown) toLogin(wechatFailure(boot.error));
      bootErrorShown = true;
      return;
    }
    let live = true;
    ticketExchange ??= api.ticket(boot.ticket);
    ticketExchange
      .then(
        (answer) => {
          if (!live) return;
          // HQ staff with a second factor: the login page asks for the code
          if ('mfaRequired' in answer) return navigate(loginPath(returnPath()), { replace: true, state: { mfaToken: answer.mfaToken } });
          signIn(answer);
          if (answer.member.mustChangePassword) navigate(passwordPath(returnPath()), { replace: true });
          else if (/^\/(login|register)\b/.test(window.location.pathname)) navigate(returnPath(), { replace: true });
        },
        (e: unknown) => live && toLogin(errorMessage(e)),
      )
      .finally(() => live && setTicketPending(false));
    return () => {
      live = false;
    };
  }, [navigate, signIn]);

  // inside WeChat with nobody signed in: the silent 公众号 sign-in, tried once per tab session
  useEffect(() => {
    if (token || boot.ticket || boot.error || !inWechat() || oauthTried()) return;
    let live = true;
    api.providers().then(
      (p) => {
        if (live && p.wechatOa && !getToken() && !oauthTried()) startWechatSignIn('base');
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [token]);

  const value = useMemo<AuthValue>(() => ({ token, me, loading, ticketPending, signIn, signOut, refresh }), [token, me, loading, ticketPending, signIn, signOut, refresh]);
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

/** The change-password page's address, coming back to `back` afterwards. */
export function passwordPath(back: string): string {
  return `/password?redirect=${encodeURIComponent(back)}`;
}

/** Renders children only when signed in (and past a required password change); otherwise to the login page and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { token, me, ticketPending } = useAuth();
  const location = useLocation();
  const here = location.pathname + location.search;
  if (ticketPending) return <Loading />;
  if (!token) return <Navigate to={loginPath(here)} replace />;
  if (me?.mustChangePassword && location.pathname !== '/password') return <Navigate to={passwordPath(here)} replace />;
  return <>{children}</>;
}
