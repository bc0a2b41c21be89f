// The JSON API client both web apps use: the bearer token from localStorage (renewed with the
// refresh token when it expires, one tab refreshing for all), errors as ApiError {status, code,
// message} with the message in the app's language, a body-less success (204) as undefined.
// Each app makes one with createApiClient: its own storage keys and its own error labels.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      /** what the server said besides code and message (e.g. the fields a rule change refused) */
      details?: unknown;
      /** LOGIN_BACKOFF, SMS_TOO_FREQUENT and other limits: seconds until the next try */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get details(): unknown {
    return this.extra.details;
  }

  get retryAfterSeconds(): number | undefined {
    return this.extra.retryAfterSeconds;
  }
}

/** What the server answers on every 4xx (and a bare 500): `{code, message}`, sometimes more. */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  details?: unknown;
  retryAfterSeconds?: number;
}

/** A sign-in's (or a refresh's) tokens. */
export interface SessionTokens {
  token: string;
  refreshToken?: string;
  expiresInSeconds?: number;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** a 401 normally ends the session (and the app shows its sign-in); false where that is unwanted */
  redirectOn401?: boolean;
}

/** 403s that send the user to a security screen rather than being an error of the page. */
export type SecurityBlock = 'PASSWORD_CHANGE_REQUIRED' | 'MFA_ENROLMENT_REQUIRED';
const SECURITY_BLOCKS: readonly string[] = ['PASSWORD_CHANGE_REQUIRED', 'MFA_ENROLMENT_REQUIRED'] satisfies SecurityBlock[];

export interface ApiClientConfig {
  /** localStorage keys of this app's session (each app keeps its own, so the console and the shop sign in apart) */
  storageKeys: { token: string; refresh: string; expiresAt: string; refreshLock: string };
  /** the app's label for an error code (with the wait when the server gave one); undefined: the server's message */
  errorLabel(code: string, retryAfterSeconds: number | undefined): string | undefined;
  /** the message of an ApiError with code NETWORK (the request never got an answer) */
  networkErrorMessage(cause: unknown): string;
  /** the message when a session found expired by the clock cannot be renewed */
  sessionEndedMessage(): string;
  /** a 401 to a request sent without a token also counts as "signed out" (the shop sends a guest to its sign-in) */
  guest401EndsSession: boolean;
  /** headers sent with every API call (the shop's device id, x-device-id) */
  extraHeaders?: () => Record<string, string>;
}

type Outcome = 'fresh' | 'ended';

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** The member id an access token names (its `sub`), without checking it: to tell a refresh from another sign-in. */
export function tokenSubject(token: string | null): string | null {
  try {
    const payload = token?.split('.')[1];
    if (!payload) return null;
    const sub = (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown }).sub;
    return sub === undefined ? null : String(sub);
  } catch {
    return null;
  }
}

/** A random key for idempotent requests (letters, digits, - and _ only); works outside secure contexts too. */
export function newIdempotencyKey(prefix = 'k'): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A message to show for any error thrown by the API client or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };
const LOCK_MS = 8000;

export function createApiClient(config: ApiClientConfig) {
  const keys = config.storageKeys;
  const tab = Math.random().toString(36).slice(2);

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

  const getToken = (): string | null => read(keys.token);
  const getRefreshToken = (): string | null => read(keys.refresh);

  /** Stores a sign-in's (or a refresh's) tokens; null clears them. The access token is written last: other tabs watch it. */
  function setSession(session: SessionTokens | null): void {
    write(keys.refresh, session?.refreshToken ?? null);
    write(keys.expiresAt, session?.expiresInSeconds ? String(Date.now() + session.expiresInSeconds * 1000) : null);
    write(keys.token, session?.token ?? null);
  }

  /** Milliseconds until the stored access token expires by this device's clock; null when unknown. */
  function msUntilExpiry(): number | null {
    const at = Number(read(keys.expiresAt));
    return at > 0 ? at - Date.now() : null;
  }

  const unauthorizedListeners = new Set<() => void>();
  /** Called when the session is over (a failed refresh, or a 401); answers the unsubscribe. */
  function onUnauthorized(fn: () => void): () => void {
    unauthorizedListeners.add(fn);
    return () => unauthorizedListeners.delete(fn);
  }
  const blockListeners = new Set<(code: SecurityBlock) => void>();
  /** Called on a 403 that sends the user to a security screen; answers the unsubscribe. */
  function onSecurityBlock(fn: (code: SecurityBlock) => void): () => void {
    blockListeners.add(fn);
    return () => blockListeners.delete(fn);
  }

  async function rawFetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', config.networkErrorMessage(error));
    }
  }

  /** The error a failed response stands for; codes with a label read in the app's language. */
  async function toApiError(res: Response): Promise<ApiError> {
    let code = `HTTP_${res.status}`;
    let message = res.statusText ? `${res.status} ${res.statusText}` : `HTTP ${res.status}`;
    let details: unknown;
    let retryAfter: number | undefined;
    try {
      const data = (await res.json()) as ApiErrorBody;
      if (data.code) code = data.code;
      if (data.message) message = data.message;
      details = data.details;
      if (typeof data.retryAfterSeconds === 'number') retryAfter = data.retryAfterSeconds;
    } catch {
      /* not JSON */
    }
    const header = Number(res.headers.get('retry-after'));
    if (retryAfter === undefined && header > 0) retryAfter = header;
    return new ApiError(res.status, code, config.errorLabel(code, retryAfter) ?? message, { details, retryAfterSeconds: retryAfter });
  }

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
  function refreshSession(stale: string | null): Promise<Outcome> {
    if (replaced(stale)) return Promise.resolve('fresh');
    inFlight ??= refreshAcrossTabs(stale).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function takeLock(): Promise<boolean> {
    const held = read(keys.refreshLock);
    const [owner, until] = (held ?? '').split(' ');
    if (held && owner !== tab && Number(until) > Date.now()) return false;
    write(keys.refreshLock, `${tab} ${Date.now() + LOCK_MS}`);
    await sleep(25); // two tabs writing at once: the later write wins, the other waits
    const now = read(keys.refreshLock);
    return now === null || now.startsWith(`${tab} `);
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
      if (read(keys.refreshLock)?.startsWith(`${tab} `)) write(keys.refreshLock, null);
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

  function endLocally(notify: boolean): void {
    setSession(null);
    if (notify) unauthorizedListeners.forEach((fn) => fn());
  }

  /** The access token to use now, refreshed first when it expires within `minSeconds`; null when signed out. */
  async function freshToken(minSeconds = 10): Promise<string | null> {
    const token = getToken();
    if (!token) return null;
    const left = msUntilExpiry();
    if (left === null || left > minSeconds * 1000) return token;
    if ((await refreshSession(token)) === 'fresh') return getToken();
    endLocally(true);
    return null;
  }

  /** Signs out: clears the tokens at once, then ends the session on the server (refreshing first if the access token expired). */
  async function endSession(): Promise<void> {
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

  /** Sends a request with the session's token; a failed answer throws its ApiError. */
  async function send(path: string, opts: RequestOptions = {}, retried = false): Promise<Response> {
    const notify = opts.redirectOn401 !== false;
    let token = getToken();
    const left = msUntilExpiry();
    if (token && !retried && left !== null && left < 10_000) {
      // expired by the clock: renew before asking (a guest answer to an expired token would mislead)
      if ((await refreshSession(token).catch(() => 'fresh' as const)) === 'ended') {
        endLocally(notify);
        throw new ApiError(401, 'SESSION_ENDED', config.sessionEndedMessage());
      }
      token = getToken();
    }
    const method = opts.method ?? 'GET';
    const headers: Record<string, string> = { ...config.extraHeaders?.(), accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined || method !== 'GET') {
      // Fastify refuses an empty body sent as JSON: a write without one sends {}
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body ?? {});
    }
    const res = await rawFetch(withQuery(path, opts.query), { method, headers, body, signal: opts.signal });
    if (!res.ok) {
      const error = await toApiError(res);
      if (res.status === 401 && error.code === 'TOKEN_EXPIRED' && token && !retried) {
        if ((await refreshSession(token)) === 'fresh') return send(path, opts, true);
      }
      if (res.status === 401 && notify && (token || config.guest401EndsSession)) endLocally(true);
      if (res.status === 403 && SECURITY_BLOCKS.includes(error.code)) blockListeners.forEach((fn) => fn(error.code as SecurityBlock));
      throw error;
    }
    return res;
  }

  /** The JSON answer of a request; a body-less success (204) is undefined. */
  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await send(path, opts);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function requestBlob(path: string, opts: RequestOptions = {}): Promise<Blob> {
    return (await send(path, opts)).blob();
  }

  return {
    /** the localStorage key of the access token: other tabs' sign-ins and sign-outs show as storage events on it */
    sessionTokenKey: keys.token,
    getToken,
    getRefreshToken,
    setSession,
    msUntilExpiry,
    refreshSession,
    freshToken,
    endSession,
    onUnauthorized,
    onSecurityBlock,
    send,
    request,
    requestBlob,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
