// Payments: create a payment with a provider, and take its notifications. Every notification is
// verified, recorded once under (provider, event key), and applied in one transaction with the
// order change and its commission. Duplicates and replays change nothing.
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { AppError, badRequest, conflict, notFound, unauthorized } from '../../errors.js';
import type { OrdersService } from '../orders/service.js';
import { businessNumber } from '../orders/numbers.js';
import { crashPoint } from '../../faults.js';
import { checkOrderTotal } from '../orders/limits.js';
import type { DevPaymentProvider, PaymentProvider } from './providers.js';
import {
  decryptWechatpayResource,
  parseWechatpayNotification,
  parseWechatpayRefund,
  parseWechatpayTransaction,
  readWechatpayHeaders,
  verifyWechatpaySignature,
  WechatpayVerifyError,
} from './wechatpay-crypto.js';
import type { WechatpayConfig } from '../../config.js';
import type { AuditService } from '../audit/service.js';
import { applyPaymentReturn, openPaymentReturn, paymentReturnByRefundNo, type PaymentReturn, type ReturnRequest } from './returns.js';

/** A provider-neutral notification, after verification. */
export type PaymentNotification =
  | { kind: 'payment'; provider: string; eventKey: string; outTradeNo: string; providerTxnId: string; amountFen: number }
  | { kind: 'refund'; provider: string; eventKey: string; outTradeNo: string; refundNo: string; amountFen: number; succeeded: boolean; paymentTotalFen?: number };

export type NotificationOutcome = 'applied' | 'duplicate';

export class PaymentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    private readonly providers: Map<string, PaymentProvider>,
    private readonly log: Logger,
    private readonly audit: AuditService,
    private readonly wechatpay?: WechatpayConfig,
  ) {}

  providerNames(): string[] {
    return [...this.providers.keys()];
  }

  private provider(name: string): PaymentProvider {
    const provider = this.providers.get(name);
    if (!provider) throw badRequest('PAYMENT_PROVIDER_UNAVAILABLE', `payment provider ${name} is not enabled`);
    return provider;
  }

  /** The buyer starts paying; each attempt gets its own out_trade_no for the same order amount. */
  async startPayment(buyerId: number, orderId: number, providerName: string) {
    const provider = this.provider(providerName);
    const order = await this.orders.payable(this.db, orderId, buyerId);
    if (order.status !== 'pending_payment') throw conflict('ORDER_NOT_PAYABLE', `an order that is ${order.status} cannot be paid`);
    if (order.payableFen <= 0) throw conflict('ORDER_NOT_PAYABLE', 'this order has nothing to pay');
    // orders from before the checkout bound may total more than a provider can take
    checkOrderTotal({ lines: [], goodsFen: 0, payableFen: order.payableFen });
    // an open attempt with the same provider is reused: two live attempts could both be paid
    const open = await this.db
      .selectFrom('payments')
      .select(['out_trade_no', 'amount_fen'])
      .where('order_id', '=', orderId)
      .where('provider', '=', provider.name)
      .where('status', '=', 'created')
      .where('amount_fen', '=', order.payableFen)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (open) {
      const params = await provider.createPayment({ outTradeNo: open.out_trade_no, amountFen: open.amount_fen, description: order.description });
      return { provider: provider.name, outTradeNo: open.out_trade_no, amountFen: open.amount_fen, params };
    }
    const outTradeNo = businessNumber('P', this.clock.now());
    await this.db.insertInto('payments').values({ order_id: orderId, provider: provider.name, out_trade_no: outTradeNo, amount_fen: order.payableFen, created_at: this.clock.now() }).execute();
    const params = await provider.createPayment({ outTradeNo, amountFen: order.payableFen, description: order.description });
    return { provider: provider.name, outTradeNo, amountFen: order.payableFen, params };
  }

  async paymentsOfOrder(ex: Executor, orderId: number) {
    return ex.selectFrom('payments').select(['id', 'provider', 'out_trade_no as outTradeNo', 'amount_fen as amountFen', 'status', 'provider_txn_id as providerTxnId', 'paid_at as paidAt', 'created_at as createdAt']).where('order_id', '=', orderId).orderBy('id').execute();
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

  /** After HQ opened a refund: ask the provider that took the money. */
  async requestRefund(refundId: number): Promise<void> {
    const refund = await this.db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
    if (refund.status !== 'processing') return;
    const payment = await this.db.selectFrom('payments').selectAll().where('order_id', '=', refund.order_id).where('status', '=', 'succeeded').executeTakeFirst();
    if (!payment) throw conflict('PAYMENT_NOT_FOUND', 'the order has no successful payment to refund');
    await this.provider(payment.provider).requestRefund({ outTradeNo: payment.out_trade_no, refundNo: refund.refund_no, refundFen: refund.amount_fen, totalFen: payment.amount_fen, reason: refund.reason });
  }

  /**
   * Finance sends back money that arrived for an order that could not take it, through the provider
   * that took it; the return completes on the provider's verified refund notification.
   */
  async returnPayment(actorId: number, request: ReturnRequest): Promise<PaymentReturn> {
    const opened = await inTransaction(this.db, (tx) => openPaymentReturn(tx, this.clock, this.audit, actorId, request));
    if (opened.status === 'processing') {
      // a replay asks again under the same refund number: the provider dedupes on it
      await this.provider(opened.provider).requestRefund({ outTradeNo: opened.outTradeNo, refundNo: opened.refundNo, refundFen: opened.amountFen, totalFen: opened.amountFen, reason: request.reason });
    }
    const after = await paymentReturnByRefundNo(this.db, opened.refundNo);
    return { ...opened, status: after!.status };
  }

  // --- WeChat Pay v3 -----------------------------------------------------------------

  /** Verifies signature, time and serial, decrypts the resource, then applies it. */
  async handleWechatpayNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<NotificationOutcome> {
    if (!this.wechatpay) throw notFound('PAYMENT_PROVIDER_UNAVAILABLE', 'wechatpay is not configured');
    try {
      const signed = readWechatpayHeaders(headers);
      verifyWechatpaySignature({ headers: signed, body: rawBody, platformPublicKeyPem: this.wechatpay.platformPublicKeyPem, platformSerial: this.wechatpay.platformSerial, nowMs: this.clock.now().getTime() });
      const notification = parseWechatpayNotification(rawBody);
      const plain = decryptWechatpayResource(notification.resource, this.wechatpay.apiV3Key);
      if (notification.event_type === 'TRANSACTION.SUCCESS') {
        const txn = parseWechatpayTransaction(plain);
        this.checkMerchant(txn.mchid);
        if (txn.appid !== this.wechatpay.appid) throw new WechatpayVerifyError('WECHATPAY_APPID_MISMATCH', 'notification is for another app');
        checkCurrency(txn.amount);
        if (txn.trade_state !== 'SUCCESS') return 'duplicate';
        // keyed by transaction: WeChat may resend the same payment under a new notification id
        return this.applyNotification({ kind: 'payment', provider: 'wechatpay', eventKey: `txn:${txn.transaction_id}`, outTradeNo: txn.out_trade_no, providerTxnId: txn.transaction_id, amountFen: txn.amount.total });
      }
      if (notification.event_type.startsWith('REFUND.')) {
        const refund = parseWechatpayRefund(plain);
        this.checkMerchant(refund.mchid);
        return this.applyNotification({
          kind: 'refund',
          provider: 'wechatpay',
          eventKey: `refund:${refund.refund_id}:${refund.refund_status}`,
          outTradeNo: refund.out_trade_no,
          refundNo: refund.out_refund_no,
          amountFen: refund.amount.refund,
          succeeded: refund.refund_status === 'SUCCESS',
          paymentTotalFen: refund.amount.total,
        });
      }
      this.log.warn({ eventType: notification.event_type }, 'wechatpay notification of an unhandled type');
      return 'duplicate';
    } catch (error) {
      if (error instanceof WechatpayVerifyError) throw new AppError(401, error.code, error.message);
      throw error;
    }
  }

  private checkMerchant(mchid: string): void {
    if (mchid !== this.wechatpay?.mchid) throw new WechatpayVerifyError('WECHATPAY_MCHID_MISMATCH', 'notification is for another merchant');
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

/** Orders are priced and paid in CNY only: what the payer was charged in, too. */
function checkCurrency(amount: { currency?: string; payer_currency?: string }): void {
  const foreign = amount.currency !== 'CNY' || (amount.payer_currency !== undefined && amount.payer_currency !== 'CNY');
  if (foreign) throw badRequest('PAYMENT_CURRENCY_MISMATCH', `orders are paid in CNY, the notification says ${amount.currency ?? 'nothing'} / ${amount.payer_currency ?? 'nothing'}`);
}
