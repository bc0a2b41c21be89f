// A model-based check of the money path: random sequences of checkouts, payment attempts,
// duplicate / out-of-order / replayed callbacks, refunds (partial, full, pending with callbacks in
// any order), completions, clock advances and unfreeze sweeps, withdrawals with reviews, rejections,
// provider failures and retries, and manual adjustments. Each operation is driven through the HTTP
// API (Fastify inject) and applied to a small reference model; after every step the ledger's
// reconciliation must be ok and every member's five balances must equal the model's.
//
// Used by test/reliability/model.test.ts (fast-check, shrinking) and scripts/soak.ts (long runs).
// No vitest imports.
import fc from 'fast-check';
import { call, type ApiResponse } from './api.js';
import type { TestApp } from './harness.js';
import { devPaymentBody, devPaymentSecret, devRefundBody, fastMember, signDev, type FastMember } from './reliability.js';

// --- the programme the model runs under ----------------------------------------------------

export const MODEL_RATES_BP = [1_000, 500, 300];
export const MODEL_FREEZE_DAYS = 7;
export const MODEL_CAP_BP = 3_000;
export const MODEL_AUTO_APPROVE_MAX_FEN = 300;
export const MODEL_DAILY_COUNT_LIMIT = 100;
export const MODEL_SKU_PRICES = [3_333, 5_999, 12_345];
const SHIPPING_FEN = 500;
const FREE_SHIPPING_MIN_FEN = 20_000;
const REDUCTION = { thresholdFen: 10_000, offFen: 1_000 };
const DAY_MS = 86_400_000;

export const MODEL_RULES = {
  commission: { tierRatesBp: { '1': MODEL_RATES_BP }, freezeDays: MODEL_FREEZE_DAYS, capBp: MODEL_CAP_BP },
  payout: { minAmountFen: 1, autoApproveMaxFen: MODEL_AUTO_APPROVE_MAX_FEN, feeBp: 100, dailyCountLimit: MODEL_DAILY_COUNT_LIMIT },
  order: { shippingFen: SHIPPING_FEN, freeShippingMinFen: FREE_SHIPPING_MIN_FEN, fullReduction: [REDUCTION] },
};

/** The tree of each world: parent index per member (-1 = top). 0 ← 1 ← 2 ← 3 ← 4, and 5 under 1. */
const PARENT = [-1, 0, 1, 2, 3, 1];
export const WORLD_SIZE = PARENT.length;

// --- operations ------------------------------------------------------------------------------

export type Op =
  | { t: 'checkout'; buyer: number; items: Array<{ sku: number; qty: number }> }
  | { t: 'pay'; order: number }
  | { t: 'deliver'; order: number; attempt: number; variant: 'first' | 'replay' | 'new' }
  | { t: 'cancel'; order: number }
  | { t: 'ship'; order: number }
  | { t: 'complete'; order: number }
  | { t: 'refund'; order: number; parts: Array<{ line: number; mode: 'full' | 'half' | 'some' | 'over'; frac: number }>; shipping: boolean; direct: boolean }
  | { t: 'refundReplay'; refund: number }
  | { t: 'refundCallback'; refund: number; variant: 'success' | 'fail' | 'replay' }
  | { t: 'advance'; days: number }
  | { t: 'unfreeze' }
  | { t: 'withdraw'; member: number; mode: 'all' | 'part' | 'over'; pct: number }
  | { t: 'failNext'; n: number }
  | { t: 'approve' | 'reject' | 'retry'; payout: number }
  | { t: 'adjust'; member: number; amount: number; replay: boolean }
  | { t: 'fold' };

const idx = fc.nat({ max: 40 });

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('checkout' as const), buyer: fc.nat({ max: WORLD_SIZE - 1 }), items: fc.array(fc.record({ sku: fc.nat({ max: 2 }), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('pay' as const), order: idx }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('deliver' as const), order: idx, attempt: fc.nat({ max: 3 }), variant: fc.constantFrom('first' as const, 'first' as const, 'replay' as const, 'new' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), order: idx }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('ship' as const), order: idx }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('complete' as const), order: idx }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      order: idx,
      parts: fc.uniqueArray(fc.record({ line: fc.nat({ max: 2 }), mode: fc.constantFrom('full' as const, 'half' as const, 'some' as const, 'some' as const, 'over' as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 0, maxLength: 3, selector: (p) => p.line }),
      shipping: fc.boolean(),
      direct: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refundReplay' as const), refund: idx }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('refundCallback' as const), refund: idx, variant: fc.constantFrom('success' as const, 'fail' as const, 'replay' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unfreeze' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('withdraw' as const), member: fc.nat({ max: WORLD_SIZE - 1 }), mode: fc.constantFrom('all' as const, 'part' as const, 'part' as const, 'over' as const), pct: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('failNext' as const), n: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('approve' as const, 'reject' as const, 'retry' as const), payout: idx }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('adjust' as const), member: fc.nat({ max: WORLD_SIZE - 1 }), amount: fc.integer({ min: -3_000, max: 3_000 }).filter((n) => n !== 0), replay: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fold' as const) }) },
);

// --- the reference model -------------------------------------------------------------------

export interface Balances {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
}

type EarningState = 'pending' | 'frozen' | 'available' | 'reversed';
interface MEarning {
  lineId: number;
  earner: number;
  amountFen: number;
  reversedFen: number;
  state: EarningState;
  frozenUntil?: number;
}
interface MLine {
  id: number;
  paidFen: number;
  refundedFen: number;
}
interface MAttempt {
  outTradeNo: string;
  amountFen: number;
  succeeded: boolean;
  /** the money arrived for an order that could not take it (closed, or paid by another attempt) */
  stray: boolean;
  events: string[];
}
interface MOrder {
  id: number;
  buyer: number;
  status: 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'closed' | 'refunded';
  lines: MLine[];
  shippingFen: number;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  attempts: MAttempt[];
  earnings: MEarning[];
}
interface MRefund {
  id: number;
  refundNo: string;
  order: MOrder;
  lines: Array<{ lineId: number; amountFen: number }>;
  shippingFen: number;
  amountFen: number;
  status: 'processing' | 'succeeded' | 'failed';
  idempotencyKey: string;
  body: unknown;
  events: string[];
}
interface MPayout {
  id: number;
  member: number;
  amountFen: number;
  status: 'reviewing' | 'processing' | 'paid' | 'rejected' | 'failed';
}

export interface ModelStats {
  steps: number;
  orders: number;
  paidOrders: number;
  callbacks: number;
  duplicateCallbacks: number;
  refunds: number;
  refundCallbacks: number;
  payouts: number;
  adjustments: number;
  unfreezes: number;
  folds: number;
  strayPayments: number;
  rejectedAsExpected: number;
  fenDifference: number;
}

export function emptyStats(): ModelStats {
  return { steps: 0, orders: 0, paidOrders: 0, callbacks: 0, duplicateCallbacks: 0, refunds: 0, refundCallbacks: 0, payouts: 0, adjustments: 0, unfreezes: 0, folds: 0, strayPayments: 0, rejectedAsExpected: 0, fenDifference: 0 };
}

/** What every world of an app shares: an HQ owner and a product with three SKUs. */
export interface ModelEnv {
  app: TestApp;
  owner: FastMember;
  skuIds: number[];
  devSecret: string;
  seq: { n: number };
  /** payments the model expects reconciliation to list as due back to the buyer (out_trade_no) */
  strays: Set<string>;
  /** orders the model expects reconciliation to list as paid twice */
  doublePaid: Set<number>;
}

export async function setupModelEnv(app: TestApp): Promise<ModelEnv> {
  const owner = await fastMember(app, { hqRole: 'owner', nickname: 'hq-owner' });
  const product = await call(app, 'POST', '/api/admin/products', {
    token: owner.token,
    body: { title: '模型商品', category: 'model', skus: MODEL_SKU_PRICES.map((priceFen, i) => ({ name: `规格${i + 1}`, priceFen, stock: 10_000_000 })) },
  });
  if (product.status !== 201) throw new Error(`product failed: ${JSON.stringify(product.body)}`);
  return { app, owner, skuIds: product.body.skus.map((s: { id: number }) => s.id), devSecret: devPaymentSecret(app.services.config.jwtSecret), seq: { n: 0 }, strays: new Set(), doublePaid: new Set() };
}

export class ModelMismatch extends Error {
  constructor(message: string, readonly fen = 0) {
    super(message);
    this.name = 'ModelMismatch';
  }
}

function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** One world: six fresh members in a small tree, and everything they do. */
export class LedgerWorld {
  readonly balances: Balances[] = [];
  readonly orders: MOrder[] = [];
  readonly refunds: MRefund[] = [];
  readonly payouts: MPayout[] = [];
  readonly adjustKeys: Array<{ key: string; member: number; amount: number }> = [];
  readonly log: string[] = [];
  private failNext = 0;
  private payoutsByDay = new Map<string, number>();

  private constructor(
    readonly env: ModelEnv,
    readonly members: FastMember[],
    readonly stats: ModelStats,
  ) {
    for (let i = 0; i < members.length; i++) this.balances.push({ pendingFen: 0, frozenFen: 0, availableFen: 0, withdrawingFen: 0, debtFen: 0 });
  }

  static async create(env: ModelEnv, stats: ModelStats = emptyStats()): Promise<LedgerWorld> {
    const members: FastMember[] = [];
    for (let i = 0; i < PARENT.length; i++) {
      members.push(await fastMember(env.app, { inviteCode: PARENT[i] >= 0 ? members[PARENT[i]].inviteCode : undefined, nickname: `w${i}` }));
    }
    // the provider's failure counter is shared by the app: every world starts with none pending
    env.app.payoutProvider.failNext = 0;
    return new LedgerWorld(env, members, stats);
  }

  private get app() {
    return this.env.app;
  }
  private key(prefix: string): string {
    this.env.seq.n += 1;
    return `${prefix}-${process.pid}-${this.env.seq.n}`;
  }
  private now(): number {
    return this.app.clock.now().getTime();
  }

  private expect(res: ApiResponse, status: number, code: string | undefined, what: string) {
    if (res.status !== status || (code !== undefined && res.body?.code !== code)) {
      throw new ModelMismatch(`${what}: expected ${status}${code ? ` ${code}` : ''}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (status >= 400) this.stats.rejectedAsExpected += 1;
  }

  /** The nearest three ancestors, level 1 first. */
  private chain(buyer: number): number[] {
    const chain: number[] = [];
    for (let m = PARENT[buyer]; m >= 0 && chain.length < MODEL_RATES_BP.length; m = PARENT[m]) chain.push(m);
    return chain;
  }

  // --- the reference arithmetic (an independent rewrite of what the rules say) -------------

  private planEarnings(order: MOrder): MEarning[] {
    const chain = this.chain(order.buyer);
    const planned: MEarning[] = [];
    for (const line of order.lines) {
      chain.forEach((earner, i) => planned.push({ lineId: line.id, earner, amountFen: mulDivFloor(line.paidFen, MODEL_RATES_BP[i], 10_000), reversedFen: 0, state: 'pending' }));
    }
    const goods = order.lines.reduce((s, l) => s + l.paidFen, 0);
    const cap = mulDivFloor(goods, MODEL_CAP_BP, 10_000);
    const total = planned.reduce((s, e) => s + e.amountFen, 0);
    if (total > cap) for (const e of planned) e.amountFen = mulDivFloor(e.amountFen, cap, total);
    return planned.filter((e) => e.amountFen > 0);
  }

  private takeFromAvailableThenDebt(member: number, amount: number) {
    const b = this.balances[member];
    const fromAvailable = Math.min(Math.max(b.availableFen, 0), amount);
    b.availableFen -= fromAvailable;
    b.debtFen += amount - fromAvailable;
  }

  private reverseLine(order: MOrder, line: MLine) {
    for (const e of order.earnings) {
      if (e.lineId !== line.id) continue;
      const target = line.refundedFen >= line.paidFen ? e.amountFen : mulDivFloor(e.amountFen, line.refundedFen, line.paidFen);
      const delta = target - e.reversedFen;
      if (delta <= 0) continue;
      const b = this.balances[e.earner];
      if (e.state === 'pending') b.pendingFen -= delta;
      else if (e.state === 'frozen') b.frozenFen -= delta;
      else this.takeFromAvailableThenDebt(e.earner, delta);
      e.reversedFen = target;
      if (target === e.amountFen) e.state = 'reversed';
    }
  }

  private applyRefundSucceeded(refund: MRefund) {
    refund.status = 'succeeded';
    const order = refund.order;
    for (const rl of [...refund.lines].sort((a, b) => a.lineId - b.lineId)) {
      const line = order.lines.find((l) => l.id === rl.lineId)!;
      line.refundedFen += rl.amountFen;
      this.reverseLine(order, line);
    }
    order.refundedFen += refund.amountFen;
    if (order.refundedFen >= order.paidFen) order.status = 'refunded';
  }

  /** Whether a refund's amounts still fit what its lines and order have left (for a late success). */
  private refundFits(refund: MRefund): boolean {
    const order = refund.order;
    if (order.refundedFen + refund.amountFen > order.paidFen) return false;
    return refund.lines.every((rl) => {
      const line = order.lines.find((l) => l.id === rl.lineId)!;
      return line.refundedFen + rl.amountFen + this.openFen(order, line.id) <= line.paidFen;
    });
  }

  private openFen(order: MOrder, lineId: number): number {
    return this.refunds.filter((r) => r.order === order && r.status === 'processing').reduce((s, r) => s + (r.lines.find((l) => l.lineId === lineId)?.amountFen ?? 0), 0);
  }

  private sendPayout(p: MPayout) {
    const b = this.balances[p.member];
    if (this.failNext > 0) {
      this.failNext -= 1;
      b.withdrawingFen -= p.amountFen;
      b.availableFen += p.amountFen;
      p.status = 'failed';
    } else {
      b.withdrawingFen -= p.amountFen;
      p.status = 'paid';
    }
  }

  private shanghaiDay(): string {
    return new Date(this.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  }

  // --- driving one operation -----------------------------------------------------------------

  async apply(op: Op): Promise<void> {
    this.stats.steps += 1;
    this.log.push(JSON.stringify(op));
    const owner = this.env.owner.token;
    switch (op.t) {
      case 'checkout': {
        const buyer = this.members[op.buyer];
        const res = await call(this.app, 'POST', '/api/orders', { token: buyer.token, body: { items: op.items.map((i) => ({ skuId: this.env.skuIds[i.sku], quantity: i.qty })), checkoutKey: this.key('co') } });
        this.expect(res, 201, undefined, 'checkout');
        const o = res.body;
        // the independent price check: full reduction split by value, shipping below the free line
        const goods = op.items.reduce((s, i) => s + MODEL_SKU_PRICES[i.sku] * i.qty, 0);
        const discount = goods >= REDUCTION.thresholdFen ? REDUCTION.offFen : 0;
        const shipping = goods >= FREE_SHIPPING_MIN_FEN ? 0 : SHIPPING_FEN;
        const linesPaid = o.lines.reduce((s: number, l: { paidFen: number }) => s + l.paidFen, 0);
        if (o.payableFen !== goods - discount + shipping || linesPaid !== goods - discount || o.shippingFen !== shipping) {
          throw new ModelMismatch(`checkout priced ${o.payableFen} (lines ${linesPaid}, shipping ${o.shippingFen}); expected ${goods - discount + shipping}`);
        }
        const order: MOrder = {
          id: o.id,
          buyer: op.buyer,
          status: 'pending_payment',
          lines: o.lines.map((l: { id: number; paidFen: number }) => ({ id: l.id, paidFen: l.paidFen, refundedFen: 0 })),
          shippingFen: shipping,
          payableFen: o.payableFen,
          paidFen: 0,
          refundedFen: 0,
          attempts: [],
          earnings: [],
        };
        this.orders.push(order);
        this.stats.orders += 1;
        await this.startPayment(order);
        return;
      }
      case 'pay': {
        const order = this.pick(this.orders, op.order);
        if (!order) return;
        await this.startPayment(order);
        return;
      }
      case 'deliver': {
        const order = this.pick(this.orders, op.order);
        if (!order || order.attempts.length === 0) return;
        const attempt = order.attempts[op.attempt % order.attempts.length];
        const paidByOther = order.attempts.some((a) => a !== attempt && a.succeeded && !a.stray);
        let eventId: string;
        if (op.variant === 'replay' && attempt.events.length > 0) eventId = attempt.events[attempt.events.length - 1];
        else if (op.variant === 'new' && attempt.events.length > 0) eventId = `pay-${attempt.outTradeNo}-${this.key('n')}`;
        else eventId = attempt.events.length === 0 ? `pay-${attempt.outTradeNo}` : attempt.events[0];
        const recorded = attempt.events.includes(eventId);
        const body = devPaymentBody(attempt.outTradeNo, attempt.amountFen, eventId);
        const res = await call(this.app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(this.env.devSecret, body) } });
        this.stats.callbacks += 1;
        if (recorded || attempt.succeeded) {
          this.expect(res, 200, undefined, 'duplicate payment callback');
          if (res.body.outcome !== 'duplicate') throw new ModelMismatch(`a repeated payment callback was ${res.body.outcome}`);
          if (!recorded) attempt.events.push(eventId);
          this.stats.duplicateCallbacks += 1;
          return;
        }
        if (order.status === 'closed' || paidByOther) {
          // money for an order that cannot take it: refused (the provider retries), or kept as a
          // payment reconciliation lists as due back to the buyer; never commission, never lost
          if (res.status === 409) return this.expect(res, 409, order.status === 'closed' ? 'ORDER_CLOSED' : undefined, 'payment of an order that cannot take it');
          this.expect(res, 200, undefined, 'payment of an order that cannot take it');
          if (res.body.outcome !== 'duplicate') throw new ModelMismatch(`payment of a ${order.status} order by another attempt was ${res.body.outcome}`);
          attempt.events.push(eventId);
          attempt.succeeded = true;
          attempt.stray = true;
          this.env.strays.add(attempt.outTradeNo);
          if (paidByOther) this.env.doublePaid.add(order.id);
          this.stats.strayPayments += 1;
          return;
        }
        this.expect(res, 200, undefined, 'payment callback');
        if (res.body.outcome !== 'applied') throw new ModelMismatch(`a first payment callback was ${res.body.outcome}`);
        attempt.events.push(eventId);
        attempt.succeeded = true;
        order.status = 'paid';
        order.paidFen = attempt.amountFen;
        order.earnings = this.planEarnings(order);
        for (const e of order.earnings) this.balances[e.earner].pendingFen += e.amountFen;
        this.stats.paidOrders += 1;
        return;
      }
      case 'cancel': {
        const order = this.pick(this.orders, op.order);
        if (!order) return;
        const res = await call(this.app, 'POST', `/api/orders/${order.id}/cancel`, { token: this.members[order.buyer].token });
        if (order.status !== 'pending_payment') return this.expect(res, 409, 'ORDER_NOT_CANCELLABLE', 'cancel');
        this.expect(res, 200, undefined, 'cancel');
        order.status = 'closed';
        return;
      }
      case 'ship': {
        const order = this.pick(this.orders, op.order);
        if (!order) return;
        const res = await call(this.app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner });
        if (order.status !== 'paid') return this.expect(res, 409, 'ORDER_NOT_SHIPPABLE', 'ship');
        this.expect(res, 200, undefined, 'ship');
        order.status = 'shipped';
        return;
      }
      case 'complete': {
        const order = this.pick(this.orders, op.order);
        if (!order) return;
        const res = await call(this.app, 'POST', `/api/admin/orders/${order.id}/complete`, { token: owner });
        if (order.status !== 'paid' && order.status !== 'shipped') return this.expect(res, 409, 'ORDER_NOT_COMPLETABLE', 'complete');
        this.expect(res, 200, undefined, 'complete');
        order.status = 'completed';
        const until = this.now() + MODEL_FREEZE_DAYS * DAY_MS;
        for (const e of order.earnings) {
          if (e.state !== 'pending') continue;
          const remaining = e.amountFen - e.reversedFen;
          this.balances[e.earner].pendingFen -= remaining;
          this.balances[e.earner].frozenFen += remaining;
          e.state = 'frozen';
          e.frozenUntil = until;
        }
        return;
      }
      case 'refund':
        return this.refund(op);
      case 'refundReplay': {
        const refund = this.pick(this.refunds, op.refund);
        if (!refund) return;
        // the same request again: the route finds it by key and asks the provider if still processing
        const res = await call(this.app, 'POST', `/api/admin/orders/${refund.order.id}/refunds`, { token: owner, body: refund.body });
        this.expect(res, 200, undefined, 'refund replay');
        if (res.body.duplicate !== true || res.body.id !== refund.id) throw new ModelMismatch(`a replayed refund came back as ${JSON.stringify(res.body)}`);
        if (refund.status === 'processing') {
          const eventId = `refund-${refund.refundNo}`;
          if (!refund.events.includes(eventId)) {
            refund.events.push(eventId);
            this.applyRefundSucceeded(refund);
          }
        }
        if (res.body.status !== refund.status) throw new ModelMismatch(`replayed refund is ${res.body.status}, model ${refund.status}`);
        return;
      }
      case 'refundCallback': {
        const refund = this.pick(this.refunds, op.refund);
        if (!refund) return;
        const paid = refund.order.attempts.find((a) => a.succeeded && !a.stray)!;
        let eventId: string;
        let status: 'SUCCESS' | 'FAIL' = 'SUCCESS';
        if (op.variant === 'replay' && refund.events.length > 0) {
          eventId = refund.events[refund.events.length - 1];
          status = eventId.includes('-fail-') ? 'FAIL' : 'SUCCESS';
        } else if (op.variant === 'fail') {
          eventId = `refund-${refund.refundNo}-fail-${this.key('f')}`;
          status = 'FAIL';
        } else {
          eventId = refund.events.includes(`refund-${refund.refundNo}`) ? `refund-${refund.refundNo}-again-${this.key('s')}` : `refund-${refund.refundNo}`;
        }
        // a SUCCESS after a failure report applies (WeChat: ABNORMAL, then settled) when the amounts
        // still fit; when another refund took them meanwhile, see test/reliability/found-bugs.test.ts
        const lateSuccess = refund.status === 'failed' && status === 'SUCCESS' && !refund.events.includes(eventId);
        if (lateSuccess && !this.refundFits(refund)) return;
        const body = devRefundBody(paid.outTradeNo, refund.refundNo, refund.amountFen, status, eventId);
        const res = await call(this.app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(this.env.devSecret, body) } });
        this.stats.refundCallbacks += 1;
        this.expect(res, 200, undefined, 'refund callback');
        const recorded = refund.events.includes(eventId);
        const expected = !recorded && (refund.status === 'processing' || lateSuccess) ? 'applied' : 'duplicate';
        if (res.body.outcome !== expected) throw new ModelMismatch(`refund callback (${status}, ${recorded ? 'replayed' : 'new'}) on a ${refund.status} refund was ${res.body.outcome}, expected ${expected}`);
        if (!recorded) refund.events.push(eventId);
        if (expected === 'applied') {
          if (status === 'SUCCESS') this.applyRefundSucceeded(refund);
          else refund.status = 'failed';
        } else this.stats.duplicateCallbacks += 1;
        return;
      }
      case 'advance':
        this.app.clock.advanceDays(op.days);
        return this.unfreeze();
      case 'unfreeze':
        return this.unfreeze();
      case 'withdraw':
        return this.withdraw(op);
      case 'fold': {
        // the roll-up of hot accounts (when the ledger has one): folding must change no balance
        const ledger = this.app.services.ledger as unknown as { foldCheckpoints?: (db: unknown, minAgeMs?: number) => Promise<unknown> };
        if (typeof ledger.foldCheckpoints !== 'function') return;
        await ledger.foldCheckpoints(this.app.services.db, 0);
        this.stats.folds += 1;
        return;
      }
      case 'failNext':
        this.failNext += op.n;
        this.app.payoutProvider.failNext = this.failNext;
        return;
      case 'approve':
      case 'reject':
      case 'retry':
        return this.review(op);
      case 'adjust': {
        const previous = op.replay ? this.adjustKeys.filter((k) => k.member === op.member).at(-1) : undefined;
        const key = previous?.key ?? this.key('adj');
        const amount = previous?.amount ?? op.amount;
        const res = await call(this.app, 'POST', '/api/admin/adjustments', { token: owner, body: { memberId: this.members[op.member].id, amountFen: amount, reason: '模型调整', idempotencyKey: key } });
        if (previous) {
          this.expect(res, 200, undefined, 'replayed adjustment');
          if (res.body.duplicate !== true) throw new ModelMismatch('a replayed adjustment was applied again');
          return;
        }
        this.expect(res, 201, undefined, 'adjustment');
        this.adjustKeys.push({ key, member: op.member, amount });
        this.stats.adjustments += 1;
        const b = this.balances[op.member];
        if (amount > 0) {
          const toDebt = Math.min(b.debtFen, amount);
          b.debtFen -= toDebt;
          b.availableFen += amount - toDebt;
        } else this.takeFromAvailableThenDebt(op.member, -amount);
        return;
      }
    }
  }

  private pick<T>(list: T[], i: number): T | undefined {
    return list.length === 0 ? undefined : list[i % list.length];
  }

  private async startPayment(order: MOrder) {
    const res = await call(this.app, 'POST', `/api/orders/${order.id}/pay`, { token: this.members[order.buyer].token, body: { provider: 'dev' } });
    if (order.status !== 'pending_payment') return this.expect(res, 409, 'ORDER_NOT_PAYABLE', 'pay');
    this.expect(res, 200, undefined, 'pay');
    if (res.body.amountFen !== order.payableFen) throw new ModelMismatch(`payment of ${res.body.amountFen} for an order of ${order.payableFen}`);
    // an open attempt may be handed out again (same out_trade_no): it is the same payment
    if (order.attempts.some((a) => a.outTradeNo === res.body.outTradeNo)) return;
    order.attempts.push({ outTradeNo: res.body.outTradeNo, amountFen: res.body.amountFen, succeeded: false, stray: false, events: [] });
  }

  private async refund(op: Extract<Op, { t: 'refund' }>) {
    const order = this.pick(this.orders, op.order);
    if (!order) return;
    const parts = op.parts.filter((p) => p.line < order.lines.length);
    const shippingLeft =
      order.shippingFen - this.refunds.filter((r) => r.order === order && r.status !== 'failed').reduce((s, r) => s + r.shippingFen, 0);
    const shippingFen = op.shipping && shippingLeft > 0 ? shippingLeft : 0;
    if (parts.length === 0 && shippingFen === 0) return;
    let exceeds = false;
    const lines = parts.map((p) => {
      const line = order.lines[p.line];
      const left = line.paidFen - line.refundedFen - this.openFen(order, line.id);
      let amountFen: number;
      if (p.mode === 'full') amountFen = left;
      else if (p.mode === 'half') amountFen = Math.floor(left / 2);
      else if (p.mode === 'some') amountFen = 1 + Math.floor(p.frac * Math.max(left - 1, 0));
      else amountFen = left + 1;
      amountFen = Math.max(amountFen, 1);
      if (amountFen > left) exceeds = true;
      return { lineId: line.id, amountFen };
    });
    const body = { lines, shippingFen: shippingFen || undefined, reason: '模型退款', idempotencyKey: this.key('rf') };
    const refundable = order.status === 'paid' || order.status === 'shipped' || order.status === 'completed';
    let refund: { id: number; refund_no: string; status: string } | undefined;
    if (op.direct) {
      // HQ opened the refund; the provider has not answered yet (its callbacks come later, in any order)
      try {
        const created = await this.app.services.orders.createRefund(this.env.owner.id, order.id, body);
        refund = created.refund;
      } catch (error) {
        const e = error as { status?: number; code?: string };
        const res = { status: e.status ?? 500, body: { code: e.code, message: String(error) } };
        if (!refundable) return this.expect(res, 409, 'ORDER_NOT_REFUNDABLE', 'refund of an order not paid');
        return this.expect(res, 422, 'REFUND_EXCEEDS_PAID', 'refund beyond what is left');
      }
    } else {
      const res = await call(this.app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: this.env.owner.token, body });
      if (!refundable) return this.expect(res, 409, 'ORDER_NOT_REFUNDABLE', 'refund of an order not paid');
      if (exceeds) return this.expect(res, 422, 'REFUND_EXCEEDS_PAID', 'refund beyond what is left');
      this.expect(res, 201, undefined, 'refund');
      if (res.body.status !== 'succeeded') throw new ModelMismatch(`a refund through the dev provider is ${res.body.status}`);
      refund = { id: res.body.id, refund_no: res.body.refundNo, status: 'processing' };
    }
    if (!refundable) throw new ModelMismatch(`refund of a ${order.status} order was accepted`);
    if (exceeds) throw new ModelMismatch(`a refund beyond what is left was accepted: ${JSON.stringify(body)}`);
    const amountFen = lines.reduce((s, l) => s + l.amountFen, 0) + shippingFen;
    const m: MRefund = { id: refund.id, refundNo: refund.refund_no, order, lines, shippingFen, amountFen, status: 'processing', idempotencyKey: body.idempotencyKey, body, events: [] };
    this.refunds.push(m);
    this.stats.refunds += 1;
    if (!op.direct) {
      m.events.push(`refund-${m.refundNo}`);
      this.applyRefundSucceeded(m);
    }
  }

  private async unfreeze() {
    const res = await call(this.app, 'POST', '/api/admin/jobs/unfreeze', { token: this.env.owner.token });
    this.expect(res, 200, undefined, 'unfreeze sweep');
    this.stats.unfreezes += 1;
    const now = this.now();
    for (const order of this.orders) {
      for (const e of order.earnings) {
        if (e.state !== 'frozen' || e.frozenUntil! > now) continue;
        const b = this.balances[e.earner];
        const remaining = e.amountFen - e.reversedFen;
        const toDebt = Math.min(Math.max(b.debtFen, 0), remaining);
        b.frozenFen -= remaining;
        b.debtFen -= toDebt;
        b.availableFen += remaining - toDebt;
        e.state = 'available';
      }
    }
  }

  private async withdraw(op: Extract<Op, { t: 'withdraw' }>) {
    const member = this.members[op.member];
    const b = this.balances[op.member];
    let amountFen = op.mode === 'all' ? b.availableFen : op.mode === 'part' ? Math.floor((b.availableFen * op.pct) / 100) : b.availableFen + 1;
    amountFen = Math.max(amountFen, 1);
    const res = await call(this.app, 'POST', '/api/me/payouts', {
      token: member.token,
      body: { amountFen, channel: 'alipay', destination: { account: `w${op.member}@example.com`, realName: '张三' }, idempotencyKey: this.key('wd') },
    });
    const day = `${op.member}:${this.shanghaiDay()}`;
    if ((this.payoutsByDay.get(day) ?? 0) >= MODEL_DAILY_COUNT_LIMIT) return this.expect(res, 409, 'PAYOUT_DAILY_LIMIT', 'withdrawal over the daily count');
    if (amountFen > b.availableFen) return this.expect(res, 409, 'INSUFFICIENT_BALANCE', 'withdrawal beyond available');
    this.expect(res, 201, undefined, 'withdrawal');
    this.payoutsByDay.set(day, (this.payoutsByDay.get(day) ?? 0) + 1);
    this.stats.payouts += 1;
    const p: MPayout = { id: res.body.id, member: op.member, amountFen, status: 'reviewing' };
    this.payouts.push(p);
    b.availableFen -= amountFen;
    b.withdrawingFen += amountFen;
    if (amountFen <= MODEL_AUTO_APPROVE_MAX_FEN) this.sendPayout(p);
    if (res.body.status !== p.status) throw new ModelMismatch(`withdrawal of ${amountFen} is ${res.body.status}, model ${p.status}`);
  }

  private async review(op: { t: 'approve' | 'reject' | 'retry'; payout: number }) {
    const p = this.pick(this.payouts, op.payout);
    if (!p) return;
    const url = `/api/admin/payouts/${p.id}/${op.t}`;
    const res = await call(this.app, 'POST', url, { token: this.env.owner.token, body: op.t === 'reject' ? { reason: '模型驳回' } : undefined });
    const b = this.balances[p.member];
    if (op.t === 'approve' || op.t === 'reject') {
      if (p.status !== 'reviewing') return this.expect(res, 409, 'PAYOUT_NOT_REVIEWABLE', op.t);
      this.expect(res, 200, undefined, op.t);
      if (op.t === 'reject') {
        b.withdrawingFen -= p.amountFen;
        b.availableFen += p.amountFen;
        p.status = 'rejected';
      } else this.sendPayout(p);
    } else {
      if (p.status !== 'failed') return this.expect(res, 409, 'PAYOUT_NOT_RETRYABLE', 'retry');
      if (b.availableFen < p.amountFen) return this.expect(res, 409, 'INSUFFICIENT_BALANCE', 'retry without the funds');
      this.expect(res, 200, undefined, 'retry');
      b.availableFen -= p.amountFen;
      b.withdrawingFen += p.amountFen;
      this.sendPayout(p);
    }
    if (res.body.status !== p.status) throw new ModelMismatch(`${op.t} left the payout ${res.body.status}, model ${p.status}`);
  }

  // --- the checks after every step -------------------------------------------------------------

  /** Reconciliation must be ok and every member's balances must equal the model; returns the fen difference. */
  async check(): Promise<void> {
    const report = await call(this.app, 'GET', '/api/admin/reconciliation', { token: this.env.owner.token });
    if (report.status !== 200) throw new ModelMismatch(`reconciliation answered ${report.status}`);
    if (!report.body.ok) {
      // the only differences allowed are the payments the model knows are due back to buyers
      const bad = report.body.checks.filter((c: { name: string; differences: Array<Record<string, unknown>> }) => {
        if (c.differences.length === 0) return false;
        if (c.name === 'payments_without_order') return !(c.differences.every((d) => this.env.strays.has(String(d.out_trade_no))) && c.differences.length === this.env.strays.size);
        if (c.name === 'paid_orders_have_one_payment') return !c.differences.every((d) => this.env.doublePaid.has(Number(d.order_id)));
        return true;
      });
      if (bad.length) throw new ModelMismatch(`reconciliation is not ok: ${JSON.stringify(bad).slice(0, 2_000)} (model: strays ${[...this.env.strays].join(',')}; paid twice ${[...this.env.doublePaid].join(',')})`);
    }
    let fen = 0;
    const diffs: string[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const res = await call(this.app, 'GET', `/api/admin/members/${this.members[i].id}/balances`, { token: this.env.owner.token });
      const expected = this.balances[i];
      for (const k of Object.keys(expected) as Array<keyof Balances>) {
        if (res.body[k] !== expected[k]) {
          fen += Math.abs(res.body[k] - expected[k]);
          diffs.push(`member w${i} ${k}: ledger ${res.body[k]}, model ${expected[k]}`);
        }
      }
    }
    if (diffs.length) {
      this.stats.fenDifference += fen;
      throw new ModelMismatch(`balances differ by ${fen} fen: ${diffs.join('; ')}`, fen);
    }
  }
}

/** Runs one sequence in a fresh world, checking after every step. Throws ModelMismatch on a difference. */
export async function runSequence(env: ModelEnv, ops: Op[], stats: ModelStats = emptyStats()): Promise<LedgerWorld> {
  const world = await LedgerWorld.create(env, stats);
  for (const op of ops) {
    try {
      // a second passes per step (business numbers carry the second; collisions within one second
      // are test/reliability/found-bugs.test.ts's business, not this model's)
      env.app.clock.advanceMs(1_000);
      await world.apply(op);
      await world.check();
    } catch (error) {
      if (error instanceof ModelMismatch) error.message += `\n  after: ${world.log.slice(-12).join('\n         ')}`;
      throw error;
    }
  }
  return world;
}
