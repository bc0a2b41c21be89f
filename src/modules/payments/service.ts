// Payments: create a payment with a provider, and take its notifications. Every notification is
// verified, recorded once under (provider, event key), and applied in one transaction with the
// order change and its commission. Duplicates and replays change nothing.
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { sql } from 'kysely';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { AppError, badRequest, conflict, notFound, unauthorized } from '../../errors.js';
import { assertTransition, businessNumber, checkOrderTotal, type OrdersService } from '../orders/index.js';
import { crashPoint } from '../../faults.js';
import { ProviderCallError, type DevPaymentProvider, type PaymentMethod, type PaymentNotification, type PaymentProvider, type RefundRequest } from './providers.js';
import type { WechatpayProvider } from './wechatpay-provider.js';
import type { AlipayProvider } from './alipay-provider.js';
import type { AuditService } from '../audit/index.js';
import { applyPaymentReturn, openPaymentReturn, paymentReturnByRefundNo, type PaymentReturn, type ReturnRequest } from './returns.js';

/** advisory lock class for starting payments of one order */
const PAY_LOCK = 7301;

export type { PaymentNotification } from './providers.js';

export interface PaymentsOptions {
  /** an attempt still open this long is asked about (its callback may be lost) */
  queryAfterMs: number;
  /** the buyer's openid in a WeChat app (JSAPI and mini-program payments need it) */
  openidOf: (memberId: number, appid: string) => Promise<string | undefined>;
}

export interface StartPayment {
  provider: string;
  method: PaymentMethod;
  clientIp?: string;
  /** the shop's result page for this order */
  returnUrl?: string;
}

/** Backoff for asking a provider again: 1, 2, 4 … minutes, at most 30. */
export function backoffMs(tries: number): number {
  return Math.min(30 * 60_000, 60_000 * 2 ** Math.min(Math.max(tries, 0), 5));
}

export type NotificationOutcome = 'applied' | 'duplicate';

export class PaymentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    private readonly providers: Map<string, PaymentProvider>,
    private readonly log: Logger,
    private readonly audit: AuditService,
    private readonly options: PaymentsOptions,
  ) {}

  /** Which methods each enabled provider offers (the shop picks by where it runs). */
  methods(): Array<{ provider: string; method: PaymentMethod }> {
    return [...this.providers.values()].flatMap((p) => p.methods.map((method) => ({ provider: p.name, method })));
  }

  providerNames(): string[] {
    return [...this.providers.keys()];
  }

  providerFor(name: string): PaymentProvider {
    return this.provider(name);
  }

  /** The provider says this attempt can no longer be paid. */
  async markClosed(outTradeNo: string): Promise<void> {
    await this.db.updateTable('payments').set({ status: 'closed', closed_at: this.clock.now() }).where('out_trade_no', '=', outTradeNo).where('status', '=', 'created').execute();
  }

  private provider(name: string): PaymentProvider {
    const provider = this.providers.get(name);
    if (!provider) throw badRequest('PAYMENT_PROVIDER_UNAVAILABLE', `payment provider ${name} is not enabled`);
    return provider;
  }

  /**
   * The buyer starts paying. Each attempt gets its own out_trade_no; an open attempt with the same
   * provider and method is reused (the provider answers the same prepay). Switching method closes the
   * other open attempts at their provider first, so two live attempts are never both payable; one that
   * turns out paid is applied and the order is no longer payable.
   */
  async startPayment(buyerId: number, orderId: number, start: StartPayment) {
    const provider = this.provider(start.provider);
    if (!provider.methods.includes(start.method)) throw badRequest('PAYMENT_METHOD_UNAVAILABLE', `${provider.name} does not pay by ${start.method} here`);
    const order = await this.payableOrder(orderId, buyerId);
    const openid = await this.openidFor(buyerId, provider, start.method);
    const now = this.clock.now();
    const { attempt, others } = await inTransaction(this.db, async (tx) => {
      // one buyer's two tabs must not both open attempts: serialise starts per order
      await sql`select pg_advisory_xact_lock(${PAY_LOCK}, ${orderId})`.execute(tx);
      const open = await tx.selectFrom('payments').select(['id', 'provider', 'method', 'out_trade_no', 'amount_fen']).where('order_id', '=', orderId).where('status', '=', 'created').orderBy('id', 'desc').execute();
      const same = open.find((p) => p.provider === provider.name && p.method === start.method && p.amount_fen === order.payableFen);
      const others = open.filter((p) => p !== same);
      if (same) return { attempt: same, others };
      const created = await tx
        .insertInto('payments')
        .values({ order_id: orderId, provider: provider.name, method: start.method, out_trade_no: businessNumber('P', now), amount_fen: order.payableFen, created_at: now, next_check_at: new Date(now.getTime() + this.options.queryAfterMs) })
        .returning(['id', 'provider', 'method', 'out_trade_no', 'amount_fen'])
        .executeTakeFirstOrThrow();
      return { attempt: created, others };
    });
    for (const other of others) await this.closeAttempt(other.provider, other.out_trade_no);
    if (others.length > 0) await this.payableOrder(orderId, buyerId);
    const params = await this.calling(() =>
      this.prepay(provider, attempt.out_trade_no, { outTradeNo: attempt.out_trade_no, amountFen: attempt.amount_fen, description: order.description, method: start.method, openid, clientIp: start.clientIp, returnUrl: start.returnUrl, expiresAt: providerDeadline(order.closesAt, this.clock) }),
    );
    return { provider: provider.name, method: start.method, outTradeNo: attempt.out_trade_no, amountFen: attempt.amount_fen, params };
  }

  /**
   * The provider's prepay. WeChat answers ORDERPAID when the attempt was paid and its callback lost: that
   * payment is applied (queried, the one exactly-once path) and the order is no longer payable.
   */
  private async prepay(provider: PaymentProvider, outTradeNo: string, request: Parameters<PaymentProvider['createPayment']>[0]) {
    try {
      return await provider.createPayment(request);
    } catch (error) {
      if (!(error instanceof ProviderCallError) || error.code !== 'ORDERPAID') throw error;
      const state = await provider.queryPayment(outTradeNo);
      if (state.state === 'paid') await this.applyNotification(state.event);
      throw conflict('ORDER_NOT_PAYABLE', 'this order has been paid');
    }
  }

  private async payableOrder(orderId: number, buyerId: number) {
    const order = await this.orders.payable(this.db, orderId, buyerId);
    assertTransition(order.status, 'pay');
    if (order.payableFen <= 0) throw conflict('ORDER_NOT_PAYABLE', 'this order has nothing to pay');
    // orders from before the checkout bound may total more than a provider can take
    checkOrderTotal({ lines: [], goodsFen: 0, payableFen: order.payableFen });
    return order;
  }

  private async openidFor(buyerId: number, provider: PaymentProvider, method: PaymentMethod): Promise<string | undefined> {
    if (method !== 'jsapi' && method !== 'mp') return undefined;
    const appid = (provider as WechatpayProvider).appidFor(method);
    const openid = appid ? await this.options.openidOf(buyerId, appid) : undefined;
    if (!openid) throw conflict('WECHAT_OPENID_REQUIRED', 'sign in with WeChat first: this payment needs your WeChat identity');
    return openid;
  }

  /**
   * Closes an open attempt at its provider and here. If the provider says it was paid, the payment is
   * applied (through the one exactly-once path) instead.
   */
  async closeAttempt(providerName: string, outTradeNo: string): Promise<'closed' | 'paid'> {
    const provider = this.provider(providerName);
    const closed = await this.calling(() => provider.closePayment(outTradeNo));
    if (closed === 'paid') {
      const state = await this.calling(() => provider.queryPayment(outTradeNo));
      if (state.state === 'paid') await this.applyNotification(state.event);
      return 'paid';
    }
    await this.markClosed(outTradeNo);
    return 'closed';
  }

  /** A provider that cannot be reached or refuses answers 502/503 with a code, never a 500. */
  async calling<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ProviderCallError) {
        this.log.warn({ provider: error.provider, code: error.code, retryable: error.retryable }, 'payment provider call failed');
        throw new AppError(error.retryable ? 503 : 502, error.retryable ? 'PAYMENT_PROVIDER_BUSY' : 'PAYMENT_PROVIDER_REFUSED', `${error.provider} answered ${error.code}`);
      }
      throw error;
    }
  }

  async paymentsOfOrder(ex: Executor, orderId: number) {
    return ex.selectFrom('payments').select(['id', 'provider', 'method', 'out_trade_no as outTradeNo', 'amount_fen as amountFen', 'status', 'provider_txn_id as providerTxnId', 'paid_at as paidAt', 'created_at as createdAt']).where('order_id', '=', orderId).orderBy('id').execute();
  }

  /** Applies a verified notification exactly once. */
  async applyNotification(n: PaymentNotification): Promise<NotificationOutcome> {
    const outcome = await inTransaction(this.db, async (tx, afterCommit) => {
      const recorded = await tx
        .insertInto('payment_events')
        .values({ provider: n.provider, event_key: n.eventKey, kind: n.kind, outcome: 'applied', created_at: this.clock.now() })
        .onConflict((oc) => oc.columns(['provider', 'event_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!recorded) return 'duplicate';
      let outcome: NotificationOutcome;
      if (n.kind === 'payment') {
        // the usual path is one statement: the update takes the row lock and checks what the read did
        const payment = await tx
          .updateTable('payments')
          .set({ status: 'succeeded', provider_txn_id: n.providerTxnId, paid_at: this.clock.now() })
          .where('out_trade_no', '=', n.outTradeNo)
          .where('provider', '=', n.provider)
          .where('amount_fen', '=', n.amountFen)
          .where('status', '<>', 'succeeded')
          .returning(['id', 'order_id'])
          .executeTakeFirst();
        if (!payment) {
          const existing = await tx.selectFrom('payments').select(['out_trade_no', 'amount_fen']).where('out_trade_no', '=', n.outTradeNo).where('provider', '=', n.provider).executeTakeFirst();
          if (!existing) throw notFound('PAYMENT_NOT_FOUND', `no payment ${n.outTradeNo}`);
          if (n.amountFen !== existing.amount_fen) {
            throw badRequest('PAYMENT_AMOUNT_MISMATCH', `notification says ${n.amountFen} fen, payment ${existing.out_trade_no} is ${existing.amount_fen} fen`);
          }
          outcome = 'duplicate';
        } else {
          const marked = await this.orders.markPaid(tx, payment.order_id, n.amountFen, afterCommit);
          outcome = marked === 'paid' ? 'applied' : 'duplicate';
          if (marked !== 'paid') {
            // the money arrived but the order was closed or paid by another attempt: keep the payment
            // (reconciliation lists it) so support refunds it; never drop money silently
            await tx.updateTable('payment_events').set({ outcome: `refund_due:${marked}` }).where('id', '=', recorded.id).execute();
            this.log.error({ outTradeNo: n.outTradeNo, orderId: payment.order_id, reason: marked }, 'payment for an order that cannot take it: refund due');
            return 'duplicate';
          }
        }
      } else {
        const payment = await tx.selectFrom('payments').select(['id', 'order_id', 'amount_fen']).where('out_trade_no', '=', n.outTradeNo).where('provider', '=', n.provider).forUpdate().executeTakeFirst();
        if (!payment) throw notFound('PAYMENT_NOT_FOUND', `no payment ${n.outTradeNo}`);
        if (n.paymentTotalFen !== undefined && n.paymentTotalFen !== payment.amount_fen) {
          throw badRequest('REFUND_AMOUNT_MISMATCH', `notification says the payment was ${n.paymentTotalFen} fen, payment ${n.outTradeNo} is ${payment.amount_fen} fen`);
        }
        const moneyBack = await paymentReturnByRefundNo(tx, n.refundNo);
        if (moneyBack) {
          if (moneyBack.payment_id !== payment.id) throw notFound('REFUND_NOT_FOUND', `no refund ${n.refundNo} on ${n.outTradeNo}`);
          if (n.succeeded && n.amountFen !== moneyBack.amount_fen) throw badRequest('REFUND_AMOUNT_MISMATCH', `notification says ${n.amountFen} fen, return ${moneyBack.refund_no} is ${moneyBack.amount_fen} fen`);
          const applied = await applyPaymentReturn(tx, this.clock, moneyBack.id, n.succeeded);
          if (applied === 'duplicate') await tx.updateTable('payment_events').set({ outcome: 'duplicate' }).where('id', '=', recorded.id).execute();
          return applied;
        }
        const refund = await this.orders.refundByNo(tx, n.refundNo);
        if (!refund || refund.order_id !== payment.order_id) throw notFound('REFUND_NOT_FOUND', `no refund ${n.refundNo} on ${n.outTradeNo}`);
        if (n.succeeded && n.amountFen !== refund.amount_fen) {
          throw badRequest('REFUND_AMOUNT_MISMATCH', `notification says ${n.amountFen} fen, refund ${refund.refund_no} is ${refund.amount_fen} fen`);
        }
        outcome = n.succeeded ? await this.orders.applyRefundSucceeded(tx, refund.id, afterCommit) : await this.orders.applyRefundFailed(tx, refund.id);
      }
      if (outcome === 'duplicate') await tx.updateTable('payment_events').set({ outcome: 'duplicate' }).where('id', '=', recorded.id).execute();
      crashPoint(n.kind === 'payment' ? 'payment.before-commit' : 'refund.before-commit');
      return outcome;
    });
    crashPoint(n.kind === 'payment' ? 'payment.after-commit' : 'refund.after-commit');
    return outcome;
  }

  /**
   * After HQ opened a refund: ask the provider that took the money. A provider that cannot be reached
   * or refuses leaves the refund processing; the sweep asks again under the same refund number.
   */
  async requestRefund(refundId: number): Promise<void> {
    const refund = await this.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
    if (refund.status !== 'processing') return;
    // the payment the order was paid with (a stray second one is returned on its own, returns.ts)
    const payment = await this.db.selectFrom('payments').selectAll().where('order_id', '=', refund.order_id).where('status', '=', 'succeeded').orderBy('paid_at').orderBy('id').executeTakeFirst();
    if (!payment) throw conflict('PAYMENT_NOT_FOUND', 'the order has no successful payment to refund');
    await this.sendRefund(payment.provider, { outTradeNo: payment.out_trade_no, refundNo: refund.refund_no, refundFen: refund.amount_fen, totalFen: payment.amount_fen, reason: refund.reason });
  }

  /**
   * Finance sends back money that arrived for an order that could not take it, through the provider
   * that took it; the return completes on the provider's verified answer.
   */
  async returnPayment(actorId: number, request: ReturnRequest): Promise<PaymentReturn> {
    const opened = await inTransaction(this.db, (tx) => openPaymentReturn(tx, this.clock, this.audit, actorId, request));
    if (opened.status === 'processing') {
      // a replay asks again under the same refund number: the provider dedupes on it
      await this.sendRefund(opened.provider, { outTradeNo: opened.outTradeNo, refundNo: opened.refundNo, refundFen: opened.amountFen, totalFen: opened.amountFen, reason: request.reason });
    }
    const after = await paymentReturnByRefundNo(this.db, opened.refundNo);
    return { ...opened, status: after!.status };
  }

  /** How the provider has answered these refunds so far (tries, the last refusal's code, the next try): finance sees it with each refund. */
  async refundCalls(ex: Executor, refundNos: string[]): Promise<Map<string, { tries: number; lastError: string | null; nextTryAt: Date }>> {
    if (refundNos.length === 0) return new Map();
    const rows = await ex.selectFrom('refund_provider_calls').select(['refund_no', 'tries', 'last_error', 'next_try_at']).where('refund_no', 'in', refundNos).execute();
    return new Map(rows.map((r) => [r.refund_no, { tries: r.tries, lastError: r.last_error, nextTryAt: r.next_try_at }]));
  }

  /** One refund call, recorded for the sweep; a final answer given at once is applied like a callback. */
  async sendRefund(providerName: string, request: RefundRequest): Promise<void> {
    const provider = this.provider(providerName);
    const now = this.clock.now();
    const call = await this.db
      .insertInto('refund_provider_calls')
      .values({ refund_no: request.refundNo, tries: 1, next_try_at: new Date(now.getTime() + this.options.queryAfterMs), updated_at: now })
      .onConflict((oc) => oc.column('refund_no').doUpdateSet((eb) => ({ tries: eb('refund_provider_calls.tries', '+', 1), updated_at: now })))
      .returning('tries')
      .executeTakeFirstOrThrow();
    try {
      const answer = await provider.requestRefund(request);
      await this.db.updateTable('refund_provider_calls').set({ last_error: null, next_try_at: new Date(now.getTime() + Math.max(this.options.queryAfterMs, backoffMs(call.tries - 1))) }).where('refund_no', '=', request.refundNo).execute();
      if (answer) await this.applyNotification(answer);
    } catch (error) {
      if (!(error instanceof ProviderCallError)) throw error;
      // shown to finance with the refund; sent again on a backoff
      this.log.warn({ provider: error.provider, code: error.code, refundNo: request.refundNo }, 'refund request not accepted yet');
      await this.db.updateTable('refund_provider_calls').set({ last_error: error.code, next_try_at: new Date(now.getTime() + backoffMs(call.tries - 1)) }).where('refund_no', '=', request.refundNo).execute();
    }
  }

  // --- provider callbacks ------------------------------------------------------------

  /** WeChat Pay v3: signature, time and serial verified, the resource decrypted, merchant and app checked. */
  async handleWechatpayNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<NotificationOutcome> {
    const wechatpay = this.providers.get('wechatpay') as WechatpayProvider | undefined;
    if (!wechatpay) throw notFound('PAYMENT_PROVIDER_UNAVAILABLE', 'wechatpay is not configured');
    const event = await this.calling(() => wechatpay.parseNotification(headers, rawBody));
    return event ? this.applyNotification(event) : 'duplicate';
  }

  /** Alipay: the posted form verified with Alipay's public key (RSA2) and our app id. */
  async handleAlipayNotification(params: Record<string, string>): Promise<NotificationOutcome> {
    const alipay = this.providers.get('alipay') as AlipayProvider | undefined;
    if (!alipay) throw notFound('PAYMENT_PROVIDER_UNAVAILABLE', 'alipay is not configured');
    const event = alipay.parseNotification(params);
    return event ? this.applyNotification(event) : 'duplicate';
  }

  // --- dev provider -------------------------------------------------------------------

  async handleDevNotification(rawBody: string, signature: string | undefined): Promise<NotificationOutcome> {
    const dev = this.providers.get('dev') as DevPaymentProvider | undefined;
    if (!dev) throw notFound('PAYMENT_PROVIDER_UNAVAILABLE', 'the dev payment provider is off');
    if (!signature || !dev.verify(rawBody, signature)) throw unauthorized('DEV_SIGNATURE_INVALID', 'the dev notification signature is wrong');
    let body: { eventId?: unknown; kind?: unknown; outTradeNo?: unknown; amountFen?: unknown; refundNo?: unknown; status?: unknown };
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw badRequest('BODY_INVALID', 'the notification is not JSON');
    }
    const { eventId, kind, outTradeNo, amountFen } = body;
    if (typeof eventId !== 'string' || typeof outTradeNo !== 'string' || typeof amountFen !== 'number' || !Number.isSafeInteger(amountFen)) {
      throw badRequest('BODY_INVALID', 'eventId, outTradeNo and amountFen are required');
    }
    if (kind === 'refund') {
      if (typeof body.refundNo !== 'string') throw badRequest('BODY_INVALID', 'refundNo is required');
      return this.applyNotification({ kind: 'refund', provider: 'dev', eventKey: eventId, outTradeNo, refundNo: body.refundNo, amountFen, succeeded: body.status !== 'FAIL' });
    }
    return this.applyNotification({ kind: 'payment', provider: 'dev', eventKey: eventId, outTradeNo, providerTxnId: `dev-${outTradeNo}`, amountFen });
  }

  /** For the demo: the buyer "pays" with the dev provider, which then notifies like a real one. */
  async simulateDevPayment(buyerId: number, outTradeNo: string): Promise<NotificationOutcome> {
    const dev = this.providers.get('dev') as DevPaymentProvider | undefined;
    if (!dev) throw notFound('PAYMENT_PROVIDER_UNAVAILABLE', 'the dev payment provider is off');
    const payment = await this.db
      .selectFrom('payments as p')
      .innerJoin('orders as o', 'o.id', 'p.order_id')
      .select(['p.out_trade_no', 'p.amount_fen'])
      .where('p.out_trade_no', '=', outTradeNo)
      .where('p.provider', '=', 'dev')
      .where('o.buyer_id', '=', buyerId)
      .executeTakeFirst();
    if (!payment) throw notFound('PAYMENT_NOT_FOUND', `no payment ${outTradeNo}`);
    const body = JSON.stringify({ eventId: `pay-${outTradeNo}`, kind: 'payment', outTradeNo, amountFen: payment.amount_fen });
    return this.handleDevNotification(body, dev.sign(body));
  }
}

/**
 * The order's deadline as the provider's time_expire. Providers run on wall time; what is left of the
 * window is carried over (the same instant in production, where the business clock is the wall clock),
 * and at least a minute, which WeChat requires.
 */
function providerDeadline(closesAt: Date | null, clock: Clock): Date | undefined {
  if (!closesAt) return undefined;
  const leftMs = closesAt.getTime() - clock.now().getTime();
  return new Date(Date.now() + Math.max(leftMs, 60_000));
}
