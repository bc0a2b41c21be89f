// The JSON API client: bearer token from localStorage (renewed with the refresh token when it
// expires), errors as ApiError {status, code, message}; codes with a label (error.code.<CODE>) read in
// the console's language.
import { makeTranslate, type Locale } from './i18n';

// The session: a short-lived access token (15 min), the refresh token that renews it (rotated on every
// use), and when the access token runs out by this device's clock (from expiresInSeconds).
const TOKEN_KEY = 'fenxiao.admin.token';
const REFRESH_KEY = 'fenxiao.admin.refresh';
const EXPIRES_KEY = 'fenxiao.admin.tokenExpiresAt';
/** across tabs, the tab that holds this key refreshes; the others wait for the tokens it stores */
const LOCK_KEY = 'fenxiao.admin.refreshLock';
const LOCK_MS = 8000;
export const SESSION_TOKEN_KEY = TOKEN_KEY;

// private mode: the session lives in memory until reload
const memory = new Map<string, string>();
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}
function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
}

export function getToken(): string | null {
  return read(TOKEN_KEY);
}

export function getRefreshToken(): string | null {
  return read(REFRESH_KEY);
}

export interface SessionTokens {
  token: string;
  refreshToken?: string;
  expiresInSeconds?: number;
}

/** Stores a sign-in's (or a refresh's) tokens; null clears them. The access token is written last: other tabs watch it. */
export function setSession(session: SessionTokens | null): void {
  write(REFRESH_KEY, session?.refreshToken ?? null);
  write(EXPIRES_KEY, session?.expiresInSeconds ? String(Date.now() + session.expiresInSeconds * 1000) : null);
  write(TOKEN_KEY, session?.token ?? null);
}

export function setToken(token: string | null) {
  setSession(token ? { token } : null);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** LOGIN_BACKOFF and other limits: seconds until the next try */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Listeners called when the server says the session is over (after a failed refresh, or any other 401). */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** 403s that send the user to a security screen rather than being an error of the page. */
export type SecurityBlock = 'PASSWORD_CHANGE_REQUIRED' | 'MFA_ENROLMENT_REQUIRED';
const blockListeners = new Set<(code: SecurityBlock) => void>();
export function onSecurityBlock(fn: (code: SecurityBlock) => void): () => void {
  blockListeners.add(fn);
  return () => blockListeners.delete(fn);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TAB = Math.random().toString(36).slice(2);
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

async function rawFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  let retryAfter: number | undefined;
  try {
    const data = (await res.json()) as { code?: string; message?: string; details?: unknown; retryAfterSeconds?: number };
    if (data.code) code = data.code;
    if (data.message) message = data.message;
    details = data.details;
    if (typeof data.retryAfterSeconds === 'number') retryAfter = data.retryAfterSeconds;
  } catch {
    /* not JSON */
  }
  const header = Number(res.headers.get('retry-after'));
  if (retryAfter === undefined && header > 0) retryAfter = header;
  const t = makeTranslate((document.documentElement.lang === 'en' ? 'en' : 'zh') as Locale);
  const label = (retryAfter !== undefined ? t.maybe(`error.code.${code}.wait`, { n: Math.ceil(retryAfter) }) : undefined) ?? t.maybe(`error.code.${code}`);
  return new ApiError(res.status, code, label ?? message, details, retryAfter);
}

type Outcome = 'fresh' | 'ended';
let inFlight: Promise<Outcome> | null = null;
const replaced = (stale: string | null) => {
  const now = getToken();
  return !!now && now !== stale;
};

/**
 * Renews the access token `stale` once: concurrent callers in this tab share one refresh, and across
 * tabs one tab refreshes while the others wait for the tokens it stores. 'ended' means the session is
 * over; a network or server failure throws and leaves the session as it is.
 */
export function refreshSession(stale: string | null): Promise<Outcome> {
  if (replaced(stale)) return Promise.resolve('fresh');
  inFlight ??= refreshAcrossTabs(stale).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function takeLock(): Promise<boolean> {
  const held = read(LOCK_KEY);
  const [owner, until] = (held ?? '').split(' ');
  if (held && owner !== TAB && Number(until) > Date.now()) return false;
  write(LOCK_KEY, `${TAB} ${Date.now() + LOCK_MS}`);
  await sleep(25); // two tabs writing at once: the later write wins, the other waits
  const now = read(LOCK_KEY);
  return now === null || now.startsWith(`${TAB} `);
}

async function refreshAcrossTabs(stale: string | null): Promise<Outcome> {
  const giveUpAt = Date.now() + LOCK_MS + 2000;
  while (!(await takeLock())) {
    if (replaced(stale)) return 'fresh';
    if (!getToken()) return 'ended';
    if (Date.now() > giveUpAt) break;
    await sleep(100);
  }
  try {
    return replaced(stale) ? 'fresh' : await rotate(stale);
  } finally {
    if (read(LOCK_KEY)?.startsWith(`${TAB} `)) write(LOCK_KEY, null);
  }
}

async function rotate(stale: string | null): Promise<Outcome> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const sent = getRefreshToken();
    if (!sent) return 'ended';
    const res = await rawFetch('/api/auth/refresh', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ refreshToken: sent }) });
    if (getRefreshToken() !== sent) return replaced(stale) ? 'fresh' : 'ended'; // signed out or in again meanwhile
    if (res.ok) {
      setSession((await res.json()) as SessionTokens);
      return 'fresh';
    }
    const error = await toApiError(res);
    if (res.status !== 401) throw error; // rate limited, server down: the session stays
    if (error.code !== 'REFRESH_SUPERSEDED' || attempt > 0) break;
    // another tab rotated it first: its tokens may be on their way to storage; else retry with what is stored
    await sleep(300);
    if (replaced(stale)) return 'fresh';
  }
  return 'ended';
}

function endLocally(): void {
  setSession(null);
  unauthorizedListeners.forEach((fn) => fn());
}

/** Signs out: clears the tokens at once, then ends the session on the server (refreshing first if the access token expired). */
export async function endSession(): Promise<void> {
  const token = getToken();
  const refreshToken = getRefreshToken();
  setSession(null);
  if (!token || !refreshToken) return;
  const logout = (bearer: string, rt: string) =>
    rawFetch('/api/auth/logout', { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${bearer}` }, body: JSON.stringify({ refreshToken: rt }), keepalive: true });
  try {
    const res = await logout(token, refreshToken);
    if (res.status === 401 && (await toApiError(res)).code === 'TOKEN_EXPIRED') {
      const renewed = await rawFetch('/api/auth/refresh', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ refreshToken }) });
      if (renewed.ok) {
        const s = (await renewed.json()) as SessionTokens;
        if (s.refreshToken) await logout(s.token, s.refreshToken);
      }
    }
  } catch {
    /* offline: the refresh token lapses on its own */
  }
}

async function send(method: string, path: string, body?: unknown, query?: Query, retried = false): Promise<Response> {
  let token = getToken();
  const left = Number(read(EXPIRES_KEY)) - Date.now();
  if (token && !retried && read(EXPIRES_KEY) && left < 10_000) {
    // expired by the clock: renew before asking
    if ((await refreshSession(token).catch(() => 'fresh' as const)) === 'ended') {
      endLocally();
      throw new ApiError(401, 'SESSION_ENDED', makeTranslate(document.documentElement.lang === 'en' ? 'en' : 'zh')('error.unauthorized'));
    }
    token = getToken();
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await rawFetch(withQuery(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && error.code === 'TOKEN_EXPIRED' && token && !retried) {
      if ((await refreshSession(token)) === 'fresh') return send(method, path, body, query, true);
    }
    if (res.status === 401 && token) endLocally();
    if (res.status === 403 && (error.code === 'PASSWORD_CHANGE_REQUIRED' || error.code === 'MFA_ENROLMENT_REQUIRED')) blockListeners.forEach((fn) => fn(error.code as SecurityBlock));
    throw error;
  }
  return res;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const res = await send(method, path, body, query);
  // a body-less success is null, never undefined: callers (useRun) read undefined as "failed"
  if (res.status === 204) return null as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Fetches a file with the token and hands it to the browser as a download. */
export async function download(path: string, query: Query, fallbackName: string): Promise<void> {
  const res = await send('GET', path, undefined, query);
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
