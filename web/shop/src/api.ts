// The JSON API client: bearer token from localStorage, errors as ApiError {status, code, message}.
import type {
  CommissionSummary,
  MeProfile,
  NotificationItem,
  Order,
  OrderSummary,
  Payout,
  Product,
  PromotionOrder,
  Quote,
  RefundRequest,
  ShareLink,
  ShopInfo,
  TeamMember,
  TeamSummary,
  AuthResult,
} from './types';

import { translate } from './i18n';

const TOKEN_KEY = 'fx_token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable */
  }
}

type UnauthorizedHandler = () => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/** The app registers what a 401 does (clear the session and go to the login page). */
export function onUnauthorized(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** a 401 normally sends the user to the login page; set false where that is unwanted */
  redirectOn401?: boolean;
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
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
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', translate(document.documentElement.lang === 'en' ? 'en' : 'zh', 'common.networkError'));
  }
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    let message = `${res.status} ${res.statusText}`;
    try {
      const data = (await res.json()) as { code?: string; message?: string };
      if (data.code) code = data.code;
      if (data.message) message = data.message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && opts.redirectOn401 !== false) {
      setToken(null);
      unauthorizedHandler?.();
    }
    throw new ApiError(res.status, code, message);
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

export const api = {
  // auth
  sendSmsCode: (phone: string, purpose: 'register' | 'login' | 'reset_password') =>
    request<{ sent?: boolean; devCode?: string; [k: string]: unknown }>('/api/auth/sms-codes', { method: 'POST', body: { phone, purpose } }),
  register: (body: { phone: string; password: string; smsCode: string; nickname?: string; inviteCode?: string; visitorKey?: string }) =>
    request<AuthResult>('/api/auth/register', { method: 'POST', body, redirectOn401: false }),
  login: (phone: string, password: string) => request<AuthResult>('/api/auth/login', { method: 'POST', body: { phone, password }, redirectOn401: false }),
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
