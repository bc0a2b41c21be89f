// The JSON API client: bearer token from localStorage (renewed with the refresh token when it
// expires), errors as ApiError {status, code, message} with the message in the current language.
import type { AuthProviders, AuthResult, SignInAnswer, CommissionSummary, MeProfile, NotificationItem, Order, OrderSummary, Payout, Product, PromotionOrder, Quote, RefundRequest, ShareLink, ShopInfo, TeamMember, TeamSummary } from './types';
import { translate, type MessageKey } from './i18n';

// The session: a short-lived access token (15 min), the refresh token that renews it (rotated on
// every use), and when the access token runs out by this device's clock (from expiresInSeconds).
const TOKEN_KEY = 'fx_token';
const REFRESH_KEY = 'fx_refresh';
const EXPIRES_KEY = 'fx_token_expires';
/** across tabs, the tab that holds this key refreshes; the others wait for the tokens it stores */
const LOCK_KEY = 'fx_refresh_lock';
const LOCK_MS = 8000;
export const SESSION_TOKEN_KEY = TOKEN_KEY;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** LOGIN_BACKOFF, SMS_TOO_FREQUENT…: how long until the next try */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// storage that falls back to memory when localStorage is unavailable (the session then lasts until reload)
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

/** Milliseconds until the stored access token expires by this device's clock; null when unknown. */
export function msUntilExpiry(): number | null {
  const at = Number(read(EXPIRES_KEY));
  return at > 0 ? at - Date.now() : null;
}

type Handler = () => void;
let unauthorizedHandler: Handler | null = null;
let passwordChangeHandler: Handler | null = null;

/** The app registers what a 401 does (clear the session and go to the login page). */
export function onUnauthorized(handler: Handler | null): void {
  unauthorizedHandler = handler;
}

/** … and what a 403 PASSWORD_CHANGE_REQUIRED does (go to the change-password page). */
export function onPasswordChangeRequired(handler: Handler | null): void {
  passwordChangeHandler = handler;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const locale = () => (document.documentElement.lang === 'en' ? 'en' : 'zh');
const TAB = Math.random().toString(36).slice(2);

type Outcome = 'fresh' | 'ended';
let inFlight: Promise<Outcome> | null = null;

const replaced = (stale: string | null) => {
  const now = getToken();
  return !!now && now !== stale;
};

/**
 * Renews the access token `stale` once: concurrent callers in this tab share one refresh, and across
 * tabs one tab refreshes while the others wait for the tokens it stores. 'ended' means the session is
 * over (sign out); a network or server failure throws and leaves the session as it is.
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

/** The access token to use now, refreshed first when it expires within `minSeconds`; null when signed out. */
export async function freshToken(minSeconds = 10): Promise<string | null> {
  const token = getToken();
  if (!token) return null;
  const left = msUntilExpiry();
  if (left === null || left > minSeconds * 1000) return token;
  if ((await refreshSession(token)) === 'fresh') return getToken();
  endLocally(true);
  return null;
}

function endLocally(notify: boolean): void {
  setSession(null);
  if (notify) unauthorizedHandler?.();
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

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** a 401 normally sends the user to the login page; set false where that is unwanted */
  redirectOn401?: boolean;
}

const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function rawFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', translate(locale(), 'common.networkError'));
  }
}

/** The error a failed response stands for; codes with a label (error.<CODE>) read in the current language. */
async function toApiError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  let retryAfter: number | undefined;
  try {
    const data = (await res.json()) as { code?: string; message?: string; retryAfterSeconds?: number };
    if (data.code) code = data.code;
    if (data.message) message = data.message;
    if (typeof data.retryAfterSeconds === 'number') retryAfter = data.retryAfterSeconds;
  } catch {
    /* not JSON */
  }
  const header = Number(res.headers.get('retry-after'));
  if (retryAfter === undefined && header > 0) retryAfter = header;
  const key = (retryAfter === undefined ? `error.${code}` : `error.${code}.wait`) as MessageKey;
  let label = translate(locale(), key, { n: Math.ceil(retryAfter ?? 0) });
  if (label === key && retryAfter !== undefined) label = translate(locale(), `error.${code}` as MessageKey);
  return new ApiError(res.status, code, label.startsWith('error.') ? message : label, retryAfter);
}

async function send(path: string, opts: RequestOptions, retried = false): Promise<Response> {
  let token = getToken();
  const left = msUntilExpiry();
  if (token && !retried && left !== null && left < 10_000) {
    // expired by the clock: renew before asking (a guest answer to an expired token would mislead)
    const outcome = await refreshSession(token).catch(() => 'fresh' as const);
    if (outcome === 'ended') {
      endLocally(opts.redirectOn401 !== false);
      throw new ApiError(401, 'SESSION_ENDED', translate(locale(), 'error.SESSION_ENDED'));
    }
    token = getToken();
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (opts.method && opts.method !== 'GET') {
    // Fastify rejects an empty body with content-type json; send an empty object instead
    headers['content-type'] = 'application/json';
    body = '{}';
  }
  const res = await rawFetch(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && error.code === 'TOKEN_EXPIRED' && token && !retried) {
      if ((await refreshSession(token)) === 'fresh') return send(path, opts, true);
    }
    if (res.status === 401 && opts.redirectOn401 !== false) endLocally(true);
    if (res.status === 403 && error.code === 'PASSWORD_CHANGE_REQUIRED') passwordChangeHandler?.();
    throw error;
  }
  return res;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function requestBlob(path: string, opts: RequestOptions = {}): Promise<Blob> {
  const res = await send(path, opts);
  return res.blob();
}

/** A message to show for any error thrown by the API client or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A random key for idempotent requests (letters, digits, - and _ only). */
export function randomKey(prefix = 'k'): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

let providers: Promise<AuthProviders> | null = null;

export const api = {
  // auth (every sign-in answers AuthResult; store it with setSession)
  providers: () => (providers ??= request<AuthProviders>('/api/auth/providers', { redirectOn401: false }).catch((e: unknown) => {
    providers = null;
    throw e;
  })),
  sendSmsCode: (phone: string, purpose: 'register' | 'login' | 'reset_password') =>
    request<{ sent?: boolean; devCode?: string; [k: string]: unknown }>('/api/auth/sms-codes', { method: 'POST', body: { phone, purpose }, redirectOn401: false }),
  register: (body: { phone: string; password: string; smsCode: string; nickname?: string; inviteCode?: string; visitorKey?: string }) =>
    request<AuthResult>('/api/auth/register', { method: 'POST', body, redirectOn401: false }),
  login: (phone: string, password: string) => request<SignInAnswer>('/api/auth/login', { method: 'POST', body: { phone, password }, redirectOn401: false }),
  loginSms: (phone: string, smsCode: string) => request<SignInAnswer>('/api/auth/login/sms', { method: 'POST', body: { phone, smsCode }, redirectOn401: false }),
  ticket: (ticket: string) => request<SignInAnswer>('/api/auth/ticket', { method: 'POST', body: { ticket }, redirectOn401: false }),
  /** the second step of an HQ member's sign-in: the authenticator's 6 digits or a recovery code */
  mfa: (mfaToken: string, answer: { code: string } | { recoveryCode: string }) =>
    request<AuthResult>('/api/auth/mfa', { method: 'POST', body: { mfaToken, ...answer }, redirectOn401: false }),
  changePassword: (body: { currentPassword?: string; newPassword: string }) => request<AuthResult>('/api/me/password', { method: 'POST', body }),
  me: () => request<MeProfile>('/api/me'),

  // catalog
  products: (query: { category?: string; q?: string; limit?: number; offset?: number } = {}) =>
    request<{ items: Product[] }>('/api/products', { query: { limit: 100, ...query } }),
  product: (id: number) => request<Product>(`/api/products/${id}`),

  // referral
  shop: (inviteCode: string) => request<ShopInfo>(`/api/shops/${encodeURIComponent(inviteCode)}`),
  recordVisit: (inviteCode: string, visitorKey: string) =>
    request<{ referrer: { nickname: string; avatarUrl: string | null }; bound: boolean; reason: string | null }>('/api/referral/visits', {
      method: 'POST',
      body: { inviteCode, visitorKey },
      redirectOn401: false,
    }),
  team: (query: { depth?: number; limit?: number; offset?: number }) => request<{ total: number; items: TeamMember[] }>('/api/me/team', { query }),
  teamSummary: () => request<TeamSummary>('/api/me/team/summary'),
  applyDistributor: (note?: string) => request<{ applicationId: number; status: string }>('/api/me/distributor-application', { method: 'POST', body: note ? { note } : {} }),
  shareLink: (productId?: number) => request<ShareLink>('/api/me/share-link', { query: { productId } }),
  poster: (productId?: number) => requestBlob('/api/me/poster.png', { query: { productId } }),

  // orders
  quote: (items: Array<{ skuId: number; quantity: number }>) => request<Quote>('/api/orders/quote', { method: 'POST', body: { items } }),
  checkout: (body: { items: Array<{ skuId: number; quantity: number }>; source?: 'share_link' | 'poster' | 'store' | 'direct'; sharerInviteCode?: string; checkoutKey: string }) =>
    request<Order>('/api/orders', { method: 'POST', body }),
  orders: (query: { status?: string; limit?: number; offset?: number }) => request<{ items: OrderSummary[] }>('/api/orders', { query }),
  order: (id: number) => request<Order>(`/api/orders/${id}`),
  cancelOrder: (id: number) => request<unknown>(`/api/orders/${id}/cancel`, { method: 'POST' }),
  confirmReceipt: (id: number) => request<unknown>(`/api/orders/${id}/confirm-receipt`, { method: 'POST' }),
  pay: (id: number) => request<{ provider: string; outTradeNo: string; amountFen: number }>(`/api/orders/${id}/pay`, { method: 'POST', body: { provider: 'dev' } }),
  simulateDevPayment: (outTradeNo: string) => request<{ outcome: string }>('/api/payments/dev/simulate', { method: 'POST', body: { outTradeNo } }),
  requestRefund: (orderId: number, body: { reason: string; lines: Array<{ lineId: number; amountFen: number }> }) =>
    request<RefundRequest>(`/api/orders/${orderId}/refund-requests`, { method: 'POST', body }),
  refundRequests: () => request<{ items: RefundRequest[] }>('/api/me/refund-requests', { query: { limit: 100 } }),

  // commission and withdrawals
  summary: () => request<CommissionSummary>('/api/me/commission/summary'),
  promotionOrders: (query: { limit?: number; offset?: number }) => request<{ items: PromotionOrder[] }>('/api/me/promotion-orders', { query }),
  payouts: (query: { limit?: number; offset?: number } = {}) => request<{ items: Payout[] }>('/api/me/payouts', { query }),
  requestPayout: (body: { amountFen: number; channel: 'wechat' | 'alipay' | 'bank'; destination: Record<string, string>; idempotencyKey: string }) =>
    request<Payout>('/api/me/payouts', { method: 'POST', body }),

  // notifications
  notifications: (query: { limit?: number; offset?: number } = {}) => request<{ items: NotificationItem[]; unread: number }>('/api/me/notifications', { query }),
  markRead: (ids?: number[]) => request<void>('/api/me/notifications/read', { method: 'POST', body: ids ? { ids } : {} }),
};

/** Pays an order with the dev provider and has it confirm the payment (the demo's "wallet"). */
export async function payWithDevProvider(orderId: number): Promise<void> {
  const payment = await api.pay(orderId);
  await api.simulateDevPayment(payment.outTradeNo);
}
