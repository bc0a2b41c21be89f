// The merchant's deadlines in after-sales (商家处理时限, as Taobao and Youzan keep them): a request HQ
// (or the supplier, for its lines) has not reviewed by its review_due_at (the rules'
// afterSalesReviewDays after it was made) is approved as a manual approval would be — a refund only
// opens its refund, a return is told the return address and returnShipDays — and a return the buyer
// sent back that nobody confirmed by its receive_due_at (returnReceiveDays after the parcel) is
// received and refunded. The refunds go through createRefund, keyed by the request as a reviewer's
// are, so commission reverses exactly and a retried decision opens no second one; the caller (the
// job) sends them through the payment rail.
//
// Exactly once on any number of instances: each request is decided in a transaction of its own that
// locks its row SKIP LOCKED (another instance, a buyer withdrawing it, a reviewer's decision: one
// waits for the other or skips it), checks its status, date and any reviewer's live claim again, and
// changes it, the refund, the hold and the audit entry together. A request the job cannot approve
// (no return address is known, or the refund is refused: the order was refunded meanwhile) loses
// its deadline, so no answer shows a deadline that will not be kept, and waits for HQ; that is audited.
import type { Selectable } from 'kysely';
import { inTransaction, type Tx } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { REVIEW_CLAIM_MS } from './after-sales.js';
import { settleAfterSalesHold } from './after-sales-hold.js';
import { OrdersPart, type OrdersDeps } from './deps.js';
import type { OrderRefunds } from './refunds.js';
import type { RefundRequestsTable, ReturnAddress } from './tables.js';

const DAY_MS = 86_400_000;

type RequestRow = Selectable<RefundRequestsTable>;
type Step = 'review' | 'receive';
type Outcome = { kind: 'skipped' } | { kind: 'overdue' } | { kind: 'awaiting_return' } | { kind: 'refunded'; refundId: number };

export interface DeadlineSweep {
  /** refunds only approved (their refund opened) */
  approved: number;
  /** returns approved: the buyer was told where to send them */
  awaitingReturn: number;
  /** returns received and refunded */
  received: number;
  /** past their deadline but not approvable by the job: they wait for HQ */
  overdue: number;
  /** the refunds opened, for the payment rail */
  refundIds: number[];
}

export class OrderAfterSalesDeadlines extends OrdersPart {
  constructor(
    deps: OrdersDeps,
    private readonly refunds: OrderRefunds,
  ) {
    super(deps);
  }

  /** The job: every request past its review or receipt deadline, oldest first, each once. */
  async decideDue(limit = 200): Promise<DeadlineSweep> {
    const now = this.clock.now();
    const claimOpen = new Date(now.getTime() - REVIEW_CLAIM_MS);
    const sweep: DeadlineSweep = { approved: 0, awaitingReturn: 0, received: 0, overdue: 0, refundIds: [] };
    const reviews = await this.db
      .selectFrom('refund_requests')
      .select('id')
      .where('status', '=', 'pending')
      .where('review_due_at', '<=', now)
      // a reviewer deciding it right now goes first
      .where((eb) => eb.or([eb('reviewed_at', 'is', null), eb('reviewed_at', '<', claimOpen)]))
      .orderBy('review_due_at')
      .limit(limit)
      .execute();
    for (const { id } of reviews) tally(sweep, await this.decide(id, 'review', now), 'review');
    const receipts = await this.db
      .selectFrom('refund_requests')
      .select('id')
      .where('status', '=', 'returning')
      .where('receive_due_at', '<=', now)
      .where((eb) => eb.or([eb('received_at', 'is', null), eb('received_at', '<', claimOpen)]))
      .orderBy('receive_due_at')
      .limit(limit)
      .execute();
    for (const { id } of receipts) tally(sweep, await this.decide(id, 'receive', now), 'receive');
    return sweep;
  }

  /** One request, in its own transaction: locked or decided elsewhere meanwhile, it is skipped. */
  private decide(requestId: number, step: Step, now: Date): Promise<Outcome> {
    return inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('refund_requests').selectAll().where('id', '=', requestId).forUpdate().skipLocked().executeTakeFirst();
      if (!row || !isDue(row, step, now)) return { kind: 'skipped' as const };
      if (step === 'review' && row.kind === 'return_refund') return this.approveReturn(tx, row, now);
      return this.refund(tx, row, step, now);
    });
  }

  /** The return goes to the lines' merchant's address (a supplier's, or the rules'), with returnShipDays. */
  private async approveReturn(tx: Tx, row: RequestRow, now: Date): Promise<Outcome> {
    const rules = (await this.rules.current(tx)).config.order;
    const address = await this.returnAddressFor(tx, row, rules.returnAddress ?? null);
    if (!address) return this.overdue(tx, row, 'review', 'no return address is known for this request');
    await tx
      .updateTable('refund_requests')
      .set({ status: 'awaiting_return', reviewed_by: null, reviewed_at: now, return_address: JSON.stringify(address), return_due_at: new Date(now.getTime() + rules.returnShipDays * DAY_MS) })
      .where('id', '=', row.id)
      .execute();
    await this.audit.record(tx, {
      actorId: null,
      action: 'order.refund_request.auto_approve',
      targetType: 'order',
      targetId: row.order_id,
      before: { status: 'pending', reviewDueAt: row.review_due_at },
      after: { status: 'awaiting_return', kind: row.kind, returnAddress: address },
      reason: `not reviewed by ${row.review_due_at!.toISOString()}`,
    });
    // still open: the commission stays held
    return { kind: 'awaiting_return' };
  }

  /** A refund only approved, or a return received: the refund opens here, keyed by the request. */
  private async refund(tx: Tx, row: RequestRow, step: Step, now: Date): Promise<Outcome> {
    let refundId: number;
    try {
      const lines = row.lines as Array<{ lineId: number; amountFen: number }>;
      const opened = await this.refunds.createRefund(null, row.order_id, { lines, shippingFen: row.shipping_fen, reason: row.reason, idempotencyKey: `refund-request-${row.id}` }, tx);
      refundId = opened.refund.id;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return this.overdue(tx, row, step, `the refund was refused: ${error.code}`);
    }
    const decided = step === 'review' ? { reviewed_by: null, reviewed_at: now } : { received_by: null, received_at: now };
    await tx.updateTable('refund_requests').set({ ...decided, status: 'approved', refund_id: refundId, closed_at: now }).where('id', '=', row.id).execute();
    const due = step === 'review' ? row.review_due_at! : row.receive_due_at!;
    await this.audit.record(tx, {
      actorId: null,
      action: step === 'review' ? 'order.refund_request.auto_approve' : 'order.return.auto_receive',
      targetType: 'order',
      targetId: row.order_id,
      before: { status: row.status, dueAt: due },
      after: { status: 'approved', kind: row.kind, refundId, ...(step === 'receive' ? { trackingNo: row.return_tracking_no } : {}) },
      reason: step === 'review' ? `not reviewed by ${due.toISOString()}` : `return not confirmed by ${due.toISOString()}`,
    });
    // held until the provider settles the refund
    await settleAfterSalesHold(tx, this.commission, row.order_id, { orderLocked: true });
    return { kind: 'refunded', refundId };
  }

  /** Past its deadline but not the job's to approve: the deadline goes and HQ decides. */
  private async overdue(tx: Tx, row: RequestRow, step: Step, why: string): Promise<Outcome> {
    await tx
      .updateTable('refund_requests')
      .set(step === 'review' ? { review_due_at: null } : { receive_due_at: null })
      .where('id', '=', row.id)
      .execute();
    const dueAt = step === 'review' ? row.review_due_at : row.receive_due_at;
    await this.audit.record(tx, { actorId: null, action: 'order.refund_request.overdue', targetType: 'order', targetId: row.order_id, before: { status: row.status, dueAt }, after: { status: row.status, dueAt: null }, reason: why });
    return { kind: 'overdue' };
  }

  /** A participant that decides its own lines' after-sales answers first; else the rules' address. */
  private async returnAddressFor(tx: Tx, row: RequestRow, fallback: ReturnAddress | null): Promise<ReturnAddress | null> {
    const request = { requestId: row.id, orderId: row.order_id, lines: row.lines as Array<{ lineId: number; amountFen: number }>, shippingFen: row.shipping_fen };
    for (const participant of this.participants) {
      const answer = await participant.returnAddressFor?.(tx, request);
      if (answer !== undefined) return answer;
    }
    return fallback;
  }
}

/** Still waiting at this step, past its deadline, and no reviewer's claim is live. */
function isDue(row: RequestRow, step: Step, now: Date): boolean {
  const claimOpen = now.getTime() - REVIEW_CLAIM_MS;
  if (step === 'review') return row.status === 'pending' && !!row.review_due_at && row.review_due_at <= now && (!row.reviewed_at || row.reviewed_at.getTime() < claimOpen);
  return row.status === 'returning' && !!row.receive_due_at && row.receive_due_at <= now && (!row.received_at || row.received_at.getTime() < claimOpen);
}

function tally(sweep: DeadlineSweep, outcome: Outcome, step: Step): void {
  if (outcome.kind === 'overdue') sweep.overdue++;
  else if (outcome.kind === 'awaiting_return') sweep.awaitingReturn++;
  else if (outcome.kind === 'refunded') {
    sweep.refundIds.push(outcome.refundId);
    if (step === 'review') sweep.approved++;
    else sweep.received++;
  }
}
