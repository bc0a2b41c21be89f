// A small client over Fastify's inject for tests: JSON in, JSON out, a bearer token if given.
import type { TestApp } from './harness.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(app: TestApp, method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
  const response = await app.http.inject({
    method: method as 'GET',
    url,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    payload: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = response.body;
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: response.statusCode, body: body as T };
}

let phoneCounter = 0;
/**
 * A phone unique within this process's last 9,999 (each suite has its own database; a worker runs
 * many suites one after another with the module cache kept, so the counter wraps and stays 11 digits).
 */
export function nextPhone(): string {
  phoneCounter = (phoneCounter % 9_999) + 1;
  return `139${String(process.pid % 10_000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export interface RegisteredMember {
  id: number;
  token: string;
  inviteCode: string;
  phone: string;
}

/** Registers through the public API (SMS code from the dev provider), optionally via an invite code. */
export async function register(app: TestApp, options: { inviteCode?: string; nickname?: string; visitorKey?: string; phone?: string } = {}): Promise<RegisteredMember> {
  const phone = options.phone ?? nextPhone();
  const sms = await call(app, 'POST', '/api/auth/sms-codes', { body: { phone, purpose: 'register' } });
  if (sms.status !== 200) throw new Error(`sms failed: ${JSON.stringify(sms.body)}`);
  const res = await call(app, 'POST', '/api/auth/register', {
    body: { phone, password: 'secret-pass-1', smsCode: sms.body.devCode, nickname: options.nickname, inviteCode: options.inviteCode, visitorKey: options.visitorKey },
  });
  if (res.status !== 201) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return { id: res.body.member.id, token: res.body.token, inviteCode: res.body.member.inviteCode, phone };
}

/** A chain of n members, each invited by the previous; [0] is the top. */
export async function registerChain(app: TestApp, n: number): Promise<RegisteredMember[]> {
  const chain: RegisteredMember[] = [];
  for (let i = 0; i < n; i++) chain.push(await register(app, { inviteCode: chain[i - 1]?.inviteCode, nickname: `链${i + 1}` }));
  return chain;
}

/** Creates an HQ member with a role directly through the service (there is no public way to become HQ). */
export async function hqMember(app: TestApp, role: 'owner' | 'operator' | 'finance' | 'support' | 'auditor'): Promise<RegisteredMember> {
  const m = await register(app, { nickname: `hq-${role}` });
  await app.services.db.updateTable('members').set({ hq_role: role }).where('id', '=', m.id).execute();
  return m;
}

export async function createProduct(app: TestApp, owner: RegisteredMember, skus: Array<{ priceFen: number; stock?: number; name?: string }>, title = '测试商品') {
  const res = await call(app, 'POST', '/api/admin/products', {
    token: owner.token,
    body: { title, category: 'test', skus: skus.map((s, i) => ({ name: s.name ?? `规格${i + 1}`, priceFen: s.priceFen, stock: s.stock ?? 1000 })) },
  });
  if (res.status !== 201) throw new Error(`product failed: ${JSON.stringify(res.body)}`);
  return res.body as { id: number; skus: Array<{ id: number; priceFen: number }> };
}

let checkoutCounter = 0;
/**
 * What the participants do after a payment or refund commits (points, growth points, leaderboards,
 * tier checks: the orders module's outbox) is done when this returns; helpers that pay or refund
 * await it, and so must a test that pays or refunds another way and then reads those figures.
 */
export async function settled(app: TestApp): Promise<void> {
  await app.services.orders.drainEffects();
}

/** Checks out and pays through the dev provider, as a buyer would, and lets the deferred effects run. Returns the paid order. */
export async function buyAndPay(app: TestApp, buyer: RegisteredMember, items: Array<{ skuId: number; quantity: number }>, extra: { sharerInviteCode?: string; couponId?: number; dealerShopId?: number; pickupStoreId?: number } = {}) {
  checkoutCounter += 1;
  const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: `checkout-${process.pid}-${checkoutCounter}`, ...extra } });
  if (order.status !== 201) throw new Error(`checkout failed: ${JSON.stringify(order.body)}`);
  const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  if (pay.status !== 200) throw new Error(`pay failed: ${JSON.stringify(pay.body)}`);
  const done = await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
  if (done.status !== 200) throw new Error(`simulate failed: ${JSON.stringify(done.body)}`);
  await settled(app);
  const paid = await call(app, 'GET', `/api/orders/${order.body.id}`, { token: buyer.token });
  return { ...paid.body, outTradeNo: pay.body.outTradeNo as string };
}
