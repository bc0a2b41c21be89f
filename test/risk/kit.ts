// Helpers of the risk suites: a member seen on a device (the shop's x-device-id), an order shipped to
// an address and paid, the queue and a member's figures, through the HTTP API.
import { expect } from 'vitest';
import { call, settled, type RegisteredMember } from '../support/api.js';
import type { TestApp } from '../support/harness.js';
import { key, payDev } from '../support/rules-kit.js';

export const ADDRESS = { name: '张三', phone: '13700001111', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区 6 栋 101', regionCode: '440305' };

/** A signed-in request from this device, as the shop sends every call. */
export async function seenOn(app: TestApp, m: RegisteredMember, deviceId: string): Promise<void> {
  const res = await call(app, 'GET', '/api/me', { token: m.token, headers: { 'x-device-id': deviceId } });
  expect(res.status).toBe(200);
}

/** Checks out (shipped to `address` when given) and pays through the dev provider; the deferred effects (the risk rules) have run. */
export async function buy(app: TestApp, buyer: RegisteredMember, skuId: number, options: { quantity?: number; address?: typeof ADDRESS } = {}) {
  const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: options.quantity ?? 1 }], checkoutKey: key('risk'), ...(options.address ? { shippingAddress: options.address } : {}) } });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  await payDev(app, buyer, res.body.id);
  await settled(app);
  return res.body as { id: number; lines: Array<{ id: number; paidFen: number }> };
}

export interface Earning {
  id: number;
  earnerId: number;
  level: number;
  amountFen: number;
  reversedFen: number;
  state: string;
  riskHold: boolean;
}

export async function earningsOf(app: TestApp, token: string, orderId: number): Promise<Earning[]> {
  const res = await call(app, 'GET', `/api/admin/commission/earnings?orderId=${orderId}&limit=100`, { token });
  expect(res.status).toBe(200);
  return (res.body.items as Earning[]).sort((a, b) => a.level - b.level);
}

export async function holds(app: TestApp, token: string, query = '') {
  const res = await call(app, 'GET', `/api/admin/risk/holds?limit=100${query}`, { token });
  expect(res.status).toBe(200);
  return res.body as { total: number; items: Array<{ id: number; earningId: number; orderId: number; earnerId: number; buyerId: number; amountFen: number; rule: string; reasons: any[]; status: string; earningState: string; voidedFen: number | null }> };
}

export async function holdOfEarning(app: TestApp, token: string, earningId: number) {
  return (await holds(app, token)).items.find((h) => h.earningId === earningId);
}

export async function figures(app: TestApp, m: RegisteredMember) {
  const res = await call(app, 'GET', '/api/me/commission/summary', { token: m.token });
  expect(res.status).toBe(200);
  return res.body as { pendingFen: number; frozenFen: number; availableFen: number; withdrawingFen: number; debtFen: number; heldFen: number };
}

/** Saves risk rules (the rest at their defaults) as owner or finance; returns the version. */
export async function setRiskRules(app: TestApp, token: string, config: Record<string, unknown>) {
  const res = await call(app, 'PUT', '/api/admin/risk/rules', { token, body: { config, note: 'test' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; config: any };
}
