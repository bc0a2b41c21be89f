// The shop's API client (web/shared/client.ts): its own session keys, error labels from the shop's
// dictionary (error.<CODE>), and the shop's endpoints.
import type { AuthProviders, AuthResult, SignInAnswer, CommissionSummary, MeProfile, NotificationItem, Order, OrderSummary, Payout, Product, PromotionOrder, Quote, RefundRequest, ShareLink, ShopInfo, TeamMember, TeamSummary } from '../../shared/types';
import { createApiClient } from '../../shared/client';
import { deviceId } from './device';
import { translate, type MessageKey } from './i18n';

export { ApiError, errorMessage, newIdempotencyKey as randomKey, tokenSubject, type RequestOptions, type SessionTokens } from '../../shared/client';

const locale = () => (document.documentElement.lang === 'en' ? 'en' : 'zh');

/** The shop's label for an error code (error.<CODE>, or error.<CODE>.wait with the seconds to wait). */
function errorLabel(code: string, retryAfter: number | undefined): string | undefined {
  const key = (retryAfter === undefined ? `error.${code}` : `error.${code}.wait`) as MessageKey;
  let label = translate(locale(), key, { n: Math.ceil(retryAfter ?? 0) });
  if (label === key && retryAfter !== undefined) label = translate(locale(), `error.${code}` as MessageKey);
  return label.startsWith('error.') ? undefined : label;
}

const client = createApiClient({
  storageKeys: { token: 'fx_token', refresh: 'fx_refresh', expiresAt: 'fx_token_expires', refreshLock: 'fx_refresh_lock' },
  errorLabel,
  networkErrorMessage: () => translate(locale(), 'common.networkError'),
  sessionEndedMessage: () => translate(locale(), 'error.SESSION_ENDED'),
  // a guest's 401 on a member page sends them to the sign-in
  guest401EndsSession: true,
  // every call says which device it comes from (the server's risk checks: two accounts on one device)
  extraHeaders: () => ({ 'x-device-id': deviceId() }),
});

export const SESSION_TOKEN_KEY = client.sessionTokenKey;
export const { getToken, getRefreshToken, setSession, msUntilExpiry, refreshSession, freshToken, endSession, onUnauthorized, onSecurityBlock, request, requestBlob } = client;

let providers: Promise<AuthProviders> | null = null;

/** Identical reads in flight at once share one request (the home page was mounted twice and asked twice, issue 17). */
const inFlight = new Map<string, Promise<unknown>>();
function shared<T>(key: string, load: () => Promise<T>): Promise<T> {
  const pending = inFlight.get(key) as Promise<T> | undefined;
  if (pending) return pending;
  const started = load().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

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
  products: (query: { category?: string; q?: string; selectable?: 'true'; sort?: 'newest' | 'sales' | 'price_asc' | 'price_desc'; limit?: number; offset?: number } = {}) => shared(`products:${JSON.stringify(query)}`, () => request<{ items: Product[] }>('/api/products', { query: { limit: 100, ...query } })),
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
  extendReceipt: (id: number) => request<Order>(`/api/orders/${id}/extend-receipt`, { method: 'POST' }),
  pay: (id: number) => request<{ provider: string; outTradeNo: string; amountFen: number }>(`/api/orders/${id}/pay`, { method: 'POST', body: { provider: 'dev' } }),
  simulateDevPayment: (outTradeNo: string) => request<{ outcome: string }>('/api/payments/dev/simulate', { method: 'POST', body: { outTradeNo } }),
  requestRefund: (orderId: number, body: { kind: RefundRequest['kind']; reasonCode: RefundRequest['reasonCode']; reason: string; lines: Array<{ lineId: number; amountFen: number }> }) =>
    request<RefundRequest>(`/api/orders/${orderId}/refund-requests`, { method: 'POST', body }),
  shipReturn: (requestId: number, body: { carrierCode: string; trackingNo: string }) => request<RefundRequest>(`/api/refund-requests/${requestId}/return`, { method: 'POST', body }),
  cancelRefundRequest: (requestId: number) => request<RefundRequest>(`/api/refund-requests/${requestId}/cancel`, { method: 'POST' }),
  showcase: (inviteCode: string) => request<{ picked: boolean; items: Product[] }>(`/api/shops/${encodeURIComponent(inviteCode)}/products`),
  shareEarning: (productId: number) => request<{ eligible: boolean; maxFen: number; minFen: number; skus: Array<{ skuId: number; amountFen: number }> }>(`/api/products/${productId}/share-earning`),
  myShowcase: () => request<{ picked: boolean; items: Product[]; pickIds: number[] }>('/api/me/showcase'),
  setShowcase: (productIds: number[]) => request<{ picked: boolean; items: Product[] }>('/api/me/showcase', { method: 'PUT', body: { productIds } }),
  carriers: () => request<{ items: Array<{ code: string; zh: string; en: string }> }>('/api/carriers'),
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
