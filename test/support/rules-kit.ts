// Helpers for the rule suites (test/rules, test/properties): rules, money reads, refunds, payouts,
// signed dev notifications. Everything goes through the HTTP API unless the name says otherwise.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { call, hqMember, settled, type RegisteredMember } from './api.js';
import type { TestApp } from './harness.js';

let keyCounter = 0;
/** A fresh idempotency / checkout key (letters, digits, - only). */
export function key(prefix = 'k'): string {
  keyCounter += 1;
  return `${prefix}-${process.pid}-${keyCounter}-${randomBytes(3).toString('hex')}`;
}

type Plain = Record<string, unknown>;
function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** Deep merge of plain objects; arrays and scalars in `b` replace those in `a`. */
export function deepMerge<T>(a: T, b: unknown): T {
  if (!isPlain(a) || !isPlain(b)) return (b === undefined ? a : b) as T;
  const out: Plain = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k], v) : v;
  return out as T;
}

/**
 * Saves a new rule version through PUT /api/admin/rules: `base` merged with `overrides`
 * (fields left out take the schema defaults). Returns the new version id.
 */
export async function setRules(app: TestApp, owner: RegisteredMember, overrides: RuleConfigInput, base: RuleConfigInput = {}, note = 'test rules'): Promise<number> {
  const config = deepMerge(base, overrides);
  const res = await call(app, 'PUT', '/api/admin/rules', { token: owner.token, body: { config, note } });
  if (res.status === 202) return approveRuleChange(app, res.body.id);
  if (res.status !== 201) throw new Error(`rules refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export async function currentRules(app: TestApp, token: string) {
  const res = await call(app, 'GET', '/api/admin/rules', { token });
  expect(res.status).toBe(200);
  return res.body as { current: { id: number; config: any }; versions: Array<{ id: number }> };
}

export interface Summary {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
  totalEarnedFen: number;
  withdrawnFen: number;
}

export async function summary(app: TestApp, m: RegisteredMember): Promise<Summary> {
  const res = await call(app, 'GET', '/api/me/commission/summary', { token: m.token });
  expect(res.status).toBe(200);
  return res.body;
}

export async function me(app: TestApp, m: RegisteredMember) {
  const res = await call(app, 'GET', '/api/me', { token: m.token });
  expect(res.status).toBe(200);
  return res.body as { id: number; distributorStatus: string; referrer: { id: number } | null; tierId: number };
}

export async function referrerIdOf(app: TestApp, m: RegisteredMember): Promise<number | null> {
  return (await me(app, m)).referrer?.id ?? null;
}

/** Checks out (no payment). */
export async function checkout(app: TestApp, buyer: RegisteredMember, items: Array<{ skuId: number; quantity: number }>, extra: { sharerInviteCode?: string } = {}) {
  const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: key('co'), ...extra } });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; payableFen: number; lines: Array<{ id: number; paidFen: number; skuId: number }> };
}

/** Starts a dev payment and lets the dev provider notify (and the deferred effects run); returns the outTradeNo. */
export async function payDev(app: TestApp, buyer: RegisteredMember, orderId: number): Promise<string> {
  const pay = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  if (pay.status !== 200) throw new Error(`pay failed: ${pay.status} ${JSON.stringify(pay.body)}`);
  const done = await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
  if (done.status !== 200) throw new Error(`simulate failed: ${done.status} ${JSON.stringify(done.body)}`);
  await settled(app);
  return pay.body.outTradeNo;
}

/** The order as HQ sees it, with payments and earnings. */
export async function adminOrder(app: TestApp, token: string, orderId: number) {
  const res = await call(app, 'GET', `/api/admin/orders/${orderId}`, { token });
  expect(res.status).toBe(200);
  return res.body as {
    id: number;
    status: string;
    paidFen: number;
    refundedFen: number;
    ruleVersionId: number | null;
    lines: Array<{ id: number; paidFen: number; refundedFen: number; skuId: number; quantity: number }>;
    refunds: Array<{ id: number; status: string; amountFen: number }>;
    payments: Array<{ status: string; provider: string; outTradeNo: string }>;
    earnings: Array<{ id: number; earnerId: number; level: number; baseFen: number; rateBp: number | null; amountFen: number; reversedFen: number; state: string; ruleVersionId: number; orderLineId: number; frozenUntil: string | null }>;
  };
}

/** Earnings of an order by earner id (sum over lines). */
export async function earningsByEarner(app: TestApp, token: string, orderId: number): Promise<Map<number, number>> {
  const order = await adminOrder(app, token, orderId);
  const map = new Map<number, number>();
  for (const e of order.earnings) map.set(e.earnerId, (map.get(e.earnerId) ?? 0) + e.amountFen);
  return map;
}

/** Opens a refund through HQ's API (the dev provider confirms it at once); the deferred effects have run when it returns. */
export async function refund(app: TestApp, support: RegisteredMember, orderId: number, lines: Array<{ lineId: number; amountFen: number }>, idempotencyKey = key('rf'), shippingFen?: number) {
  const res = await call(app, 'POST', `/api/admin/orders/${orderId}/refunds`, {
    token: support.token,
    body: { lines, reason: '测试退款', idempotencyKey, ...(shippingFen !== undefined ? { shippingFen } : {}) },
  });
  await settled(app);
  return res;
}

export async function confirmReceipt(app: TestApp, buyer: RegisteredMember, orderId: number) {
  const res = await call(app, 'POST', `/api/orders/${orderId}/confirm-receipt`, { token: buyer.token });
  expect(res.status).toBe(200);
  return res.body;
}

export async function unfreeze(app: TestApp, finance: RegisteredMember) {
  const res = await call(app, 'POST', '/api/admin/jobs/unfreeze', { token: finance.token });
  expect(res.status).toBe(200);
  return res.body as { earnings: number; amountFen: number; debtRepaidFen: number };
}

/**
 * Credits a member's available balance through a finance adjustment (audited like any other). Above the
 * rules' approvals.adjustmentSecondApprovalFen it waits (202) for a second approver: approveAdjustment.
 */
export async function credit(app: TestApp, finance: RegisteredMember, memberId: number, amountFen: number) {
  const res = await call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId, amountFen, reason: '测试入账', idempotencyKey: key('adj') } });
  if (res.status === 202) return approveAdjustment(app, res.body.id);
  if (res.status !== 201) throw new Error(`adjustment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Approves a pending adjustment as the second finance member made once per app; answers the adjustment ({ duplicate, balances }). */
export async function approveAdjustment(app: TestApp, approvalId: number) {
  let approver = secondApprovers.get(app);
  if (!approver) secondApprovers.set(app, (approver = hqMember(app, 'finance')));
  const res = await call(app, 'POST', `/api/admin/adjustment-approvals/${approvalId}/approve`, { token: (await approver).token, body: {} });
  if (res.status !== 200) throw new Error(`adjustment approval ${approvalId} not approved: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.adjustment;
}

export async function withdraw(app: TestApp, m: RegisteredMember, amountFen: number, options: { channel?: 'wechat' | 'alipay' | 'bank'; idempotencyKey?: string; destination?: Record<string, string> } = {}) {
  const channel = options.channel ?? 'alipay';
  const destination =
    options.destination ??
    (channel === 'alipay' ? { account: 'me@example.com', realName: '张三' } : channel === 'bank' ? { bankName: '工商银行', accountNo: '6222020000001234', realName: '张三' } : { realName: '张三' });
  return call(app, 'POST', '/api/me/payouts', { token: m.token, body: { amountFen, channel, destination, idempotencyKey: options.idempotencyKey ?? key('po') } });
}

export async function reconciliation(app: TestApp, token: string) {
  const res = await call(app, 'GET', '/api/admin/reconciliation', { token });
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; checks: Array<{ name: string; differences: unknown[] }> };
}

/** Asserts every reconciliation check is clean, showing the differences when not. */
export async function expectReconciled(app: TestApp, token: string) {
  const report = await reconciliation(app, token);
  expect(report.checks.filter((c) => c.differences.length > 0)).toEqual([]);
  expect(report.ok).toBe(true);
}

/** The dev provider's HMAC key, derived from the server secret exactly as the server does. */
export function devSign(app: TestApp, body: string): string {
  const secret = createHash('sha256').update(`dev-payments:${app.services.config.jwtSecret}`).digest('hex');
  return createHmac('sha256', secret).update(body).digest('hex');
}

export async function devNotify(app: TestApp, payload: Record<string, unknown>, signature?: string) {
  const body = JSON.stringify(payload);
  return call(app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signature ?? devSign(app, body) } });
}

/** Starts a dev payment without completing it. */
export async function startDevPayment(app: TestApp, buyer: RegisteredMember, orderId: number): Promise<{ outTradeNo: string; amountFen: number }> {
  const pay = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  if (pay.status !== 200) throw new Error(`pay failed: ${pay.status} ${JSON.stringify(pay.body)}`);
  return { outTradeNo: pay.body.outTradeNo, amountFen: pay.body.amountFen };
}

export async function auditLog(app: TestApp, token: string, query: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries({ limit: 200, ...query }).map(([k, v]) => [k, String(v)])).toString();
  const res = await call(app, 'GET', `/api/admin/audit-log?${qs}`, { token });
  expect(res.status).toBe(200);
  return res.body.items as Array<{ id: number; actorId: number | null; action: string; targetType: string; targetId: string | null; before: any; after: any; reason: string | null }>;
}

/** Count of rows in a table, read directly (used to prove "nothing changed"). */
export async function countRows(app: TestApp, table: 'orders' | 'refunds' | 'payouts' | 'ledger_transfers' | 'commission_earnings' | 'payment_events' | 'members' | 'rule_versions' | 'audit_log' | 'referral_binding_history') {
  const row = await app.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const secondApprovers = new WeakMap<TestApp, Promise<RegisteredMember>>();
/**
 * A change past a second-approval line (src/modules/rules/limits.ts) waits for another owner/finance
 * member: approves it as a finance member made once per app. Returns the new version id.
 */
export async function approveRuleChange(app: TestApp, changeId: number): Promise<number> {
  let approver = secondApprovers.get(app);
  if (!approver) secondApprovers.set(app, (approver = hqMember(app, 'finance')));
  const res = await call(app, 'POST', `/api/admin/rules/changes/${changeId}/approve`, { token: (await approver).token, body: {} });
  if (res.status !== 200) throw new Error(`rule change ${changeId} not approved: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version.id as number;
}
