// How a processing withdrawal reaches its provider and how the provider's answers come back:
// - send: on request, approval, retry and replay: the attempt's row is opened and the provider called now;
// - sweep: unsent and retryable attempts are sent again, accepted ones asked about (query), on backoff;
// - notifications (WeChat's MCHTRANSFER.BILL.FINISHED), verified by the provider adapter;
// - the receiver's confirmation parameters and the member's "refresh" (asks the provider now).
// The payout's state changes only on the provider's answer (send, query or notification), never because a
// request went out; an answer is applied with the attempt's row in one transaction, exactly once.
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Tx } from '../../db/database.js';
import type { PayoutChannel } from './tables.js';
import { AppError, conflict, notFound, unauthorized, unprocessable } from '../../errors.js';
import { crashPoint } from '../../faults.js';
import type { PayoutAttempts, TransferRow } from './attempts.js';
import { PayoutProviderError, type ConfirmParameters, type PayoutNotification, type PayoutProvider, type PayoutResult } from './providers.js';

type Apply = (tx: Tx, afterCommit: (fn: () => void) => void, payoutNo: string, attempt: number, result: PayoutResult) => Promise<number>;

type DispatchPayout = {
  id: number;
  payout_no: string;
  member_id: number;
  amount_fen: number;
  fee_fen: number;
  channel: PayoutChannel;
  destination: unknown;
  status: string;
  attempts: number;
};

/** How many rows one sweep takes; the rest wait for the next tick (or another instance). */
const SWEEP_BATCH = 100;

export class PayoutDispatch {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly provider: PayoutProvider,
    private readonly attempts: PayoutAttempts,
    private readonly log: Logger,
    private readonly apply: Apply,
  ) {}

  private payout(id: number, memberId?: number): Promise<DispatchPayout | undefined> {
    let q = this.db.selectFrom('payouts').select(['id', 'payout_no', 'member_id', 'amount_fen', 'fee_fen', 'channel', 'destination', 'status', 'attempts']).where('id', '=', id);
    if (memberId !== undefined) q = q.where('member_id', '=', memberId);
    return q.executeTakeFirst();
  }

  /** Hands a processing payout's current attempt to its provider now. Safe to repeat: the number is the attempt's. */
  async send(payoutId: number): Promise<void> {
    const payout = await this.payout(payoutId);
    // bank cards leave in a batch file (batches.ts): they wait, pending, for the bank's return file
    if (!payout || payout.status !== 'processing' || payout.channel === 'bank') return;
    const row = await this.attempts.open(payout, this.provider.providerName?.(payout.channel) ?? 'dev');
    // a final answer was already applied with the row
    if (row.finished_at) return;
    await this.call(payout, row);
  }

  /** One call for a taken row: a send while the provider never acknowledged the attempt, else a query. */
  private async call(payout: DispatchPayout, row: TransferRow): Promise<void> {
    const order = {
      payoutNo: payout.payout_no,
      attempt: row.attempt,
      businessNo: row.business_no,
      memberId: payout.member_id,
      channel: payout.channel,
      netFen: row.net_fen,
      destination: payout.destination as Record<string, string>,
      resend: row.tries > 1,
      accepted: row.state !== null,
    };
    let result: PayoutResult;
    crashPoint('payout.before-provider');
    try {
      result = order.accepted && this.provider.query ? await this.provider.query(order) : await this.provider.send(order);
    } catch (error) {
      // unknown outcome or "come back later": stays processing; never released on a guess
      const known = error instanceof PayoutProviderError ? error : undefined;
      const code = known?.code ?? 'UNKNOWN';
      const where = { payoutNo: payout.payout_no, businessNo: row.business_no, channel: payout.channel, tries: row.tries, providerCode: code };
      if (known?.resumable) this.log.warn(where, 'payout refused for now: the merchant balance at the provider is short; finance must top it up (retried every 30 minutes)');
      else if (known) this.log.warn(where, 'payout provider call failed; retried with backoff under the same business number');
      else this.log.error({ ...where, err: error }, 'payout provider call failed; retried with backoff under the same business number');
      await this.attempts.retryLater(row, code, known?.resumable ?? false);
      return;
    }
    crashPoint('payout.after-provider');
    await this.record(payout.payout_no, row, result);
  }

  /** The provider's answer: the payout's transition (once, by attempt) and the attempt's row, together. */
  private async record(payoutNo: string, row: TransferRow, result: PayoutResult): Promise<void> {
    await inTransaction(this.db, async (tx, afterCommit) => {
      if (result.status !== 'pending') await this.apply(tx, afterCommit, payoutNo, row.attempt, result);
      await this.attempts.recordIn(tx, row, result);
    });
  }

  /**
   * The sweep: payouts whose attempt never got a row (a process died between commit and send) are sent,
   * then every claimed due row is sent again or asked about. Returns how many calls it made.
   */
  async sweep(olderThanMs: number): Promise<number> {
    let calls = 0;
    const orphans = await this.attempts.orphans(new Date(this.clock.now().getTime() - olderThanMs), SWEEP_BATCH);
    for (const id of orphans) {
      await this.guarded(id, () => this.send(id));
      calls += 1;
    }
    for (const row of await this.attempts.claimDue(SWEEP_BATCH)) {
      const payout = await this.payout(row.payout_id);
      if (!payout || payout.status !== 'processing' || payout.attempts !== row.attempt) continue;
      await this.guarded(payout.id, () => this.call(payout, row));
      calls += 1;
    }
    return calls;
  }

  /** One payout's trouble (a database hiccup) must not stop the sweep for the others; its lease brings it back. */
  private async guarded(payoutId: number, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.log.error({ err: error, payoutId }, 'payout sweep step failed');
    }
  }

  /** A provider's notification, verified by its adapter, applied once; a repeat changes nothing. */
  async notification(channel: PayoutChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<void> {
    if (!this.provider.parseNotification) throw notFound('PAYOUT_CHANNEL_NOT_CONFIGURED', `no ${channel} payout provider is configured`);
    let n: PayoutNotification;
    try {
      n = this.provider.parseNotification(channel, headers, rawBody);
    } catch (error) {
      if (error instanceof AppError) throw error;
      // never applied unverified; the provider retries a refused notification
      const code = (error as { code?: unknown }).code;
      throw unauthorized('PAYOUT_NOTIFICATION_UNVERIFIED', typeof code === 'string' ? code : 'the notification could not be verified');
    }
    const row = await this.attempts.byBusinessNo(this.db, n.businessNo);
    if (!row) throw notFound('PAYOUT_TRANSFER_UNKNOWN', `no withdrawal attempt ${n.businessNo}`);
    if (n.netFen !== row.net_fen) {
      this.log.error({ businessNo: row.business_no, notifiedFen: n.netFen, netFen: row.net_fen }, 'payout notification amount differs from the attempt: not applied');
      throw unprocessable('PAYOUT_AMOUNT_MISMATCH', 'the notified amount is not the amount sent');
    }
    const payout = (await this.payout(row.payout_id))!;
    await this.record(payout.payout_no, row, n.result);
  }

  /** What the member's WeChat needs to confirm receipt (requestMerchantTransfer), for their own waiting payout. */
  async confirmation(payoutId: number, memberId: number): Promise<ConfirmParameters> {
    const payout = await this.payout(payoutId, memberId);
    if (!payout) throw notFound('PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
    if (payout.channel !== 'wechat') throw conflict('PAYOUT_NOT_WECHAT', 'only WeChat withdrawals are confirmed by the receiver');
    const row = payout.status === 'processing' ? await this.attempts.of(this.db, payout.id, payout.attempts) : undefined;
    if (!row || row.finished_at || row.state !== 'WAIT_USER_CONFIRM' || !row.package_info) {
      throw conflict('PAYOUT_NOT_AWAITING_CONFIRMATION', `this withdrawal is ${payout.status} and waits for no confirmation`);
    }
    const parameters = this.provider.confirmParameters?.(payout.channel, row.package_info);
    if (!parameters) throw conflict('PAYOUT_CHANNEL_NOT_CONFIGURED', 'WeChat transfers are not configured');
    return parameters;
  }

  /** The member asks for news: the provider is asked now (at most once per REFRESH_INTERVAL_MS per payout). */
  async refresh(payoutId: number, memberId: number): Promise<void> {
    const payout = await this.payout(payoutId, memberId);
    if (!payout) throw notFound('PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
    if (payout.status !== 'processing' || payout.channel === 'bank') return;
    const row = await this.attempts.of(this.db, payout.id, payout.attempts);
    if (!row) return this.send(payout.id);
    if (row.finished_at) return;
    const allowed = await this.attempts.takeRefresh(row);
    if (!allowed.ok) throw new AppError(429, 'PAYOUT_REFRESH_TOO_SOON', 'this withdrawal was checked a moment ago', { retryAfterSeconds: allowed.retryAfterSeconds });
    const taken = await this.attempts.take(row);
    if (taken) await this.call(payout, taken);
  }

  /** Whether each payout's current attempt waits for the receiver's confirmation (for the lists). */
  async awaitingConfirmation(payouts: Array<{ id: number; attempts: number; status: string; channel: PayoutChannel }>): Promise<Set<number>> {
    const candidates = payouts.filter((p) => p.status === 'processing' && p.channel === 'wechat');
    if (candidates.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('payout_transfers')
      .select(['payout_id', 'attempt'])
      .where('payout_id', 'in', candidates.map((p) => p.id))
      .where('state', '=', 'WAIT_USER_CONFIRM')
      .where('package_info', 'is not', null)
      .where('finished_at', 'is', null)
      .execute();
    const current = new Map(candidates.map((p) => [p.id, p.attempts]));
    return new Set(rows.filter((r) => current.get(r.payout_id) === r.attempt).map((r) => r.payout_id));
  }
}
