// Asking the providers: callbacks get lost (a network split, a restart, a provider that gives up), so
// open payment attempts, processing refunds and payment returns are queried on a backoff, and whatever the
// provider reports goes through PaymentsService.applyNotification, the same exactly-once path as a
// callback (same event keys, so a late callback after a query is a duplicate). Attempts of orders that
// closed are closed at the provider, so a buyer cannot pay them afterwards. Several instances may run
// this at once: rows are claimed with SKIP LOCKED and applying twice changes nothing.
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { inTransaction, type Db } from '../../db/database.js';
import { notFound } from '../../errors.js';
import type { OrdersService } from '../orders/index.js';
import { ProviderCallError, type RefundRequest } from './providers.js';
import { backoffMs, type PaymentsService } from './service.js';

export interface CheckReport {
  queried: number;
  paid: number;
  closed: number;
  refundsChecked: number;
  refundsSettled: number;
}

/** The shop's result page may make the provider be asked at most this often per order and instance (wall time). */
const BUYER_CHECK_GAP_MS = 500;

export class PaymentChecks {
  private readonly lastBuyerCheck = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly payments: PaymentsService,
    private readonly orders: OrdersService,
    private readonly log: Logger,
  ) {}

  /**
   * The buyer is back from the cashier: ask the provider about this order's open attempts now. The
   * answer is the verified state (never the redirect), applied like a callback.
   */
  async checkOrder(buyerId: number, orderId: number) {
    const order = await this.orders.payable(this.db, orderId, buyerId).catch(() => undefined);
    if (!order) throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const now = Date.now();
    if (order.status === 'pending_payment' && now - (this.lastBuyerCheck.get(orderId) ?? 0) >= BUYER_CHECK_GAP_MS) {
      this.lastBuyerCheck.set(orderId, now);
      if (this.lastBuyerCheck.size > 10_000) this.lastBuyerCheck.clear();
      const open = await this.db.selectFrom('payments').select(['provider', 'out_trade_no']).where('order_id', '=', orderId).where('status', '=', 'created').where('provider', '<>', 'dev').execute();
      for (const attempt of open) await this.queryAttempt(attempt.provider, attempt.out_trade_no).catch((error) => this.logFailure(error, attempt.out_trade_no));
    }
    const after = await this.orders.payable(this.db, orderId, buyerId);
    const payments = await this.payments.paymentsOfOrder(this.db, orderId);
    return { orderId, status: after.status, paid: payments.some((p) => p.status === 'succeeded'), payments };
  }

  /** One sweep: orders about to close first (a paid one must not be closed), then the backlog, then refunds. */
  async sweep(): Promise<CheckReport> {
    const report = await this.checkDueForClose();
    // attempts whose order closed or was paid another way: closed at once, whatever their backoff
    const orphaned = await this.db
      .selectFrom('payments as p')
      .innerJoin('orders as o', 'o.id', 'p.order_id')
      .select(['p.id', 'p.provider', 'p.out_trade_no'])
      .where('p.status', '=', 'created')
      .where('p.provider', '<>', 'dev')
      .where('o.status', '<>', 'pending_payment')
      .limit(CLAIM_BATCH)
      .execute();
    for (const attempt of orphaned) await this.check(attempt, report);
    for (;;) {
      const batch = await this.claimDue();
      for (const attempt of batch) await this.check(attempt, report);
      if (batch.length < CLAIM_BATCH) break;
    }
    await this.sweepRefunds(report);
    return report;
  }

  /**
   * The open attempts of orders the unpaid close is about to close, asked now whatever their backoff: an
   * order paid at the provider must not be closed as unpaid (the unpaid-close job runs this first).
   */
  async checkDueForClose(): Promise<CheckReport> {
    const report: CheckReport = { queried: 0, paid: 0, closed: 0, refundsChecked: 0, refundsSettled: 0 };
    const dueOrders = await this.orders.dueForClose(this.db);
    const beforeClose = dueOrders.length
      ? await this.db.selectFrom('payments').select(['id', 'provider', 'out_trade_no']).where('order_id', 'in', dueOrders).where('status', '=', 'created').where('provider', '<>', 'dev').execute()
      : [];
    for (const attempt of beforeClose) await this.check(attempt, report);
    return report;
  }

  private async check(attempt: { provider: string; out_trade_no: string }, report: CheckReport): Promise<void> {
    report.queried += 1;
    try {
      const outcome = await this.queryAttempt(attempt.provider, attempt.out_trade_no);
      if (outcome === 'paid') report.paid += 1;
      if (outcome === 'closed') report.closed += 1;
    } catch (error) {
      this.logFailure(error, attempt.out_trade_no);
    }
  }

  /** Attempts whose next check is due, each pushed back by its own backoff as it is claimed. */
  private async claimDue() {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const due = await tx
        .selectFrom('payments')
        .select(['id', 'provider', 'out_trade_no', 'checks', 'created_at'])
        .where('status', '=', 'created')
        .where('provider', '<>', 'dev')
        .where((eb) => eb.or([eb('next_check_at', '<=', now), eb('next_check_at', 'is', null)]))
        .orderBy('next_check_at')
        .limit(CLAIM_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const p of due) {
        await tx.updateTable('payments').set({ checks: p.checks + 1, next_check_at: new Date(now.getTime() + backoffMs(p.checks)) }).where('id', '=', p.id).execute();
      }
      return due;
    });
  }

  /** Asks about one attempt; applies a payment, marks a closed one, closes one whose order is gone. */
  private async queryAttempt(providerName: string, outTradeNo: string): Promise<'paid' | 'closed' | 'open'> {
    const provider = this.payments.providerFor(providerName);
    const state = await provider.queryPayment(outTradeNo);
    if (state.state === 'paid') {
      await this.payments.applyNotification(state.event);
      return 'paid';
    }
    if (state.state === 'closed') {
      await this.payments.markClosed(outTradeNo);
      return 'closed';
    }
    const orderOpen = await this.db
      .selectFrom('payments as p')
      .innerJoin('orders as o', 'o.id', 'p.order_id')
      .select('o.status')
      .where('p.out_trade_no', '=', outTradeNo)
      .executeTakeFirst();
    if (orderOpen?.status === 'pending_payment') return 'open';
    // the order closed (or was paid another way): this attempt must not take money any more
    return (await this.payments.closeAttempt(providerName, outTradeNo)) === 'paid' ? 'paid' : 'closed';
  }

  /** Refunds and returns still processing whose next try is due: query, and send again if never received. */
  private async sweepRefunds(report: CheckReport): Promise<void> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('refund_provider_calls as c')
      .leftJoin('refunds as r', (j) => j.onRef('r.refund_no', '=', 'c.refund_no').on('r.status', '=', 'processing'))
      .leftJoin('payment_returns as pr', (j) => j.onRef('pr.refund_no', '=', 'c.refund_no').on('pr.status', '=', 'processing'))
      .select(['c.refund_no', 'c.tries', 'r.order_id', 'r.amount_fen as refund_fen', 'r.reason as refund_reason', 'pr.payment_id', 'pr.amount_fen as return_fen', 'pr.reason as return_reason'])
      .where('c.next_try_at', '<=', now)
      .where((eb) => eb.or([eb('r.id', 'is not', null), eb('pr.id', 'is not', null)]))
      .orderBy('c.next_try_at')
      .limit(CLAIM_BATCH)
      .execute();
    for (const row of due) {
      const payment = row.payment_id
        ? await this.db.selectFrom('payments').select(['provider', 'out_trade_no', 'amount_fen']).where('id', '=', row.payment_id).executeTakeFirst()
        : await this.db.selectFrom('payments').select(['provider', 'out_trade_no', 'amount_fen']).where('order_id', '=', row.order_id!).where('status', '=', 'succeeded').orderBy('paid_at').orderBy('id').executeTakeFirst();
      if (!payment) continue;
      const request: RefundRequest = {
        outTradeNo: payment.out_trade_no,
        refundNo: row.refund_no,
        refundFen: (row.payment_id ? row.return_fen : row.refund_fen) ?? 0,
        totalFen: payment.amount_fen,
        reason: (row.payment_id ? row.return_reason : row.refund_reason) ?? '',
      };
      report.refundsChecked += 1;
      // claim this try first so another instance does not ask at the same time
      const claimed = await this.db
        .updateTable('refund_provider_calls')
        .set({ next_try_at: new Date(now.getTime() + backoffMs(row.tries)), updated_at: now })
        .where('refund_no', '=', row.refund_no)
        .where('tries', '=', row.tries)
        .where('next_try_at', '<=', now)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) continue;
      try {
        const state = await this.payments.providerFor(payment.provider).queryRefund(request);
        if (state === 'unknown') await this.payments.sendRefund(payment.provider, request);
        else if (state !== 'processing') {
          await this.payments.applyNotification(state);
          report.refundsSettled += 1;
        }
      } catch (error) {
        this.logFailure(error, row.refund_no);
      }
    }
  }

  private logFailure(error: unknown, ref: string): void {
    if (error instanceof ProviderCallError) this.log.warn({ provider: error.provider, code: error.code, ref }, 'provider query failed; asked again later');
    else this.log.error({ err: error, ref }, 'provider query failed');
  }
}

const CLAIM_BATCH = 100;
