// Withdrawals: reserve (available → withdrawing) at request; then paid (out to the clearing
// account, fee to income), rejected or failed (back to available). A failed payout may be
// retried under the same payout number. Requests for one member serialise on their account lock.
import type { Logger } from 'pino';
import type { Clock, EventBus } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { PayoutChannel, PayoutStatus } from './tables.js';
import { conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import { applyRateBp, shanghaiDayStart } from '../../money.js';
import { maskAccountNo, maskName } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import type { LedgerService } from '../ledger/index.js';
import { assertSameRequest, businessNumber, type RequestFields } from '../orders/index.js';
import { crashPoint } from '../../faults.js';
import { createOnce } from '../../db/idempotency.js';
import type { RulesService } from '../rules/index.js';
import { PayoutAttempts } from './attempts.js';
import { PayoutDispatch } from './dispatch.js';
import type { PayoutProvider, PayoutResult } from './providers.js';
import { needsTwoApprovers, reviewsOf } from './review.js';

export interface PayoutRequest {
  amountFen: number;
  channel: PayoutChannel;
  /** wechat: { openid? , realName }; alipay: { account, realName }; bank: { bankName, accountNo, realName } */
  destination: Record<string, string>;
  idempotencyKey: string;
}

type PayoutRow = {
  id: number;
  payout_no: string;
  member_id: number;
  amount_fen: number;
  fee_fen: number;
  channel: PayoutChannel;
  destination: unknown;
  status: PayoutStatus;
  attempts: number;
  auto_approved: boolean;
  reject_reason: string | null;
  failure_reason: string | null;
  reviewed_at: Date | null;
  first_approved_by: number | null;
  first_approved_at: Date | null;
  paid_at: Date | null;
  created_at: Date;
};

export function maskDestination(destination: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(destination)) {
    masked[key] = key === 'realName' ? maskName(value) : key === 'bankName' ? value : maskAccountNo(value);
  }
  return masked;
}

/** awaitingConfirmation: a WeChat transfer waits for the receiver to confirm it in WeChat (the shop offers 确认收款). */
export function presentPayout(row: PayoutRow, awaitingConfirmation = false) {
  return {
    id: row.id,
    payoutNo: row.payout_no,
    memberId: row.member_id,
    amountFen: row.amount_fen,
    feeFen: row.fee_fen,
    netFen: row.amount_fen - row.fee_fen,
    channel: row.channel,
    destination: maskDestination(row.destination as Record<string, string>),
    status: row.status,
    attempts: row.attempts,
    autoApproved: row.auto_approved,
    rejectReason: row.reject_reason,
    failureReason: row.failure_reason,
    reviewedAt: row.reviewed_at,
    paidAt: row.paid_at,
    createdAt: row.created_at,
    awaitingConfirmation,
  };
}

/** What a withdrawal key stands for: the amount, the channel and where it goes. */
function payoutFields(payout: Pick<PayoutRow, 'amount_fen' | 'channel' | 'destination'>): RequestFields {
  return { amountFen: payout.amount_fen, channel: payout.channel, destination: payout.destination };
}

const REQUIRED_DESTINATION: Record<PayoutChannel, string[]> = {
  wechat: ['realName'],
  alipay: ['account', 'realName'],
  bank: ['bankName', 'accountNo', 'realName'],
};

/** Which withdrawals an export selects; requestedFrom inclusive, requestedBefore exclusive. */
export interface PayoutsFilter {
  memberId?: number;
  status?: PayoutStatus;
  requestedFrom?: Date;
  requestedBefore?: Date;
  /** only withdrawals with a lower id: the next page of an export (keyset, newest first) */
  beforeId?: number;
}

function exportSelection(ex: Executor, filter: PayoutsFilter) {
  let q = ex.selectFrom('payouts as p');
  if (filter.memberId !== undefined) q = q.where('p.member_id', '=', filter.memberId);
  if (filter.status) q = q.where('p.status', '=', filter.status);
  if (filter.requestedFrom) q = q.where('p.created_at', '>=', filter.requestedFrom);
  if (filter.requestedBefore) q = q.where('p.created_at', '<', filter.requestedBefore);
  if (filter.beforeId !== undefined) q = q.where('p.id', '<', filter.beforeId);
  return q;
}

export class PayoutsService {
  private readonly dispatch: PayoutDispatch;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly ledger: LedgerService,
    private readonly rules: RulesService,
    private readonly audit: AuditService,
    private readonly provider: PayoutProvider,
    private readonly log: Logger,
    /** whether a member acts for a party (supplier, dealer, agent, store): they are paid into the same balance */
    private readonly actsForParty: (ex: Executor, memberId: number) => Promise<boolean> = async () => false,
  ) {
    const attempts = new PayoutAttempts(db, clock);
    this.dispatch = new PayoutDispatch(db, clock, provider, attempts, log, (tx, afterCommit, payoutNo, attempt, result) => this.applyResultIn(tx, afterCommit, payoutNo, attempt, result));
  }

  async request(memberId: number, input: PayoutRequest) {
    const idempotencyKey = `${memberId}:${input.idempotencyKey}`;
    // a replay answers the key's payout only when it withdraws the same amount the same way
    const replayOf = async (ex: Executor) => {
      const existing = await ex.selectFrom('payouts').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      if (existing) assertSameRequest('withdrawal', payoutFields(existing), payoutFields({ amount_fen: input.amountFen, channel: input.channel, destination: input.destination }));
      return existing;
    };
    const payout = await createOnce('payouts_idempotency_key_key', () => inTransaction(this.db, async (tx) => {
      const existing = await replayOf(tx);
      if (existing) return existing;
      const rules = (await this.rules.current(tx)).config.payout;
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen < rules.minAmountFen) {
        throw unprocessable('PAYOUT_BELOW_MINIMUM', `the least you can withdraw is ${rules.minAmountFen} fen`);
      }
      if (!rules.channels.includes(input.channel)) throw unprocessable('PAYOUT_CHANNEL_DISABLED', `withdrawing to ${input.channel} is not offered`);
      const missing = REQUIRED_DESTINATION[input.channel].filter((k) => !input.destination[k]?.trim());
      if (missing.length) throw unprocessable('PAYOUT_DESTINATION_INVALID', `${input.channel} needs ${missing.join(', ')}`);
      const member = await tx.selectFrom('members').select('distributor_status').where('id', '=', memberId).executeTakeFirstOrThrow();
      // a disabled distributor is stopped; a party that is not a distributor still withdraws its settlements
      const allowed = member.distributor_status === 'active' || (member.distributor_status !== 'disabled' && (await this.actsForParty(tx, memberId)));
      if (!allowed) throw conflict('NOT_A_DISTRIBUTOR', 'only active distributors and channel partners can withdraw');
      // the account lock serialises this member's withdrawals: the count and the balance below hold until commit
      const accounts = await this.ledger.lockMemberAccounts(tx, memberId);
      // a replay that waited on the lock answers the payout it waited for, not the balance it took
      const waitedFor = await replayOf(tx);
      if (waitedFor) return waitedFor;
      const today = await tx
        .selectFrom('payouts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('member_id', '=', memberId)
        .where('created_at', '>=', shanghaiDayStart(this.clock.now()))
        .executeTakeFirstOrThrow();
      if (today.n >= rules.dailyCountLimit) throw conflict('PAYOUT_DAILY_LIMIT', `at most ${rules.dailyCountLimit} withdrawals a day`);
      const available = await this.ledger.balance(tx, accounts.commission_available);
      if (available < input.amountFen) throw conflict('INSUFFICIENT_BALANCE', `only ${available} fen is available`);
      const feeFen = applyRateBp(input.amountFen, rules.feeBp);
      const autoApproved = input.amountFen <= rules.autoApproveMaxFen;
      const now = this.clock.now();
      const row = await tx
        .insertInto('payouts')
        .values({
          payout_no: businessNumber('W', now),
          member_id: memberId,
          amount_fen: input.amountFen,
          fee_fen: feeFen,
          channel: input.channel,
          destination: JSON.stringify(input.destination),
          status: autoApproved ? 'processing' : 'reviewing',
          auto_approved: autoApproved,
          idempotency_key: idempotencyKey,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.reserve(tx, row, accounts.commission_available, accounts.payout_withdrawing);
      crashPoint('payout.after-reserve');
      return row;
    }), () => replayOf(this.db));
    if (payout.status === 'processing') return this.send(payout.id);
    return presentPayout(payout);
  }

  private async reserve(tx: Tx, payout: PayoutRow, availableId: number, withdrawingId: number) {
    await this.ledger.transfer(tx, {
      fromAccountId: availableId,
      toAccountId: withdrawingId,
      amountFen: payout.amount_fen,
      code: 'payout.reserve',
      idempotencyKey: `payout:${payout.payout_no}:reserve:${payout.attempts}`,
      refType: 'payout',
      refId: payout.id,
    });
  }

  /**
   * HQ approves a withdrawal in review. Above the rules' approvals.payoutSecondApprovalFen the first approval
   * is only recorded (it stays reviewing, audited payout.first_approve) and a different member's approval sends
   * it; the payout's row lock makes concurrent approvals take turns, so it is sent once.
   */
  async approve(actorId: number, payoutId: number) {
    const step = await inTransaction(this.db, async (tx) => {
      const payout = await this.lockPayout(tx, payoutId);
      if (payout.status !== 'reviewing') throw conflict('PAYOUT_NOT_REVIEWABLE', `a payout that is ${payout.status} cannot be approved`);
      if (payout.first_approved_by === actorId) throw forbidden('SECOND_APPROVER_REQUIRED', 'you gave this withdrawal its first approval: another owner or finance member must approve it');
      const now = this.clock.now();
      const lineFen = (await this.rules.current(tx)).config.approvals.payoutSecondApprovalFen;
      if (payout.first_approved_by === null && needsTwoApprovers(payout.amount_fen, lineFen)) {
        await tx.updateTable('payouts').set({ first_approved_by: actorId, first_approved_at: now, updated_at: now }).where('id', '=', payoutId).execute();
        await this.audit.record(tx, { actorId, action: 'payout.first_approve', targetType: 'payout', targetId: payoutId, before: { status: payout.status }, after: { status: 'reviewing', firstApprovedBy: actorId, secondApprovalFen: lineFen } });
        return 'first' as const;
      }
      await tx.updateTable('payouts').set({ status: 'processing', reviewed_by: actorId, reviewed_at: now, updated_at: now }).where('id', '=', payoutId).execute();
      await this.audit.record(tx, { actorId, action: 'payout.approve', targetType: 'payout', targetId: payoutId, before: { status: payout.status, firstApprovedBy: payout.first_approved_by }, after: { status: 'processing' } });
      return 'approved' as const;
    });
    if (step === 'approved') await this.dispatch.send(payoutId);
    return this.reviewed(this.db, payoutId);
  }

  async reject(actorId: number, payoutId: number, reason: string) {
    await inTransaction(this.db, async (tx, afterCommit) => {
      const payout = await this.lockPayout(tx, payoutId);
      if (payout.status !== 'reviewing') throw conflict('PAYOUT_NOT_REVIEWABLE', `a payout that is ${payout.status} cannot be rejected`);
      await this.release(tx, payout, 'rejected');
      await tx.updateTable('payouts').set({ status: 'rejected', reject_reason: reason, reviewed_by: actorId, reviewed_at: this.clock.now(), updated_at: this.clock.now() }).where('id', '=', payoutId).execute();
      await this.audit.record(tx, { actorId, action: 'payout.reject', targetType: 'payout', targetId: payoutId, before: { status: payout.status, firstApprovedBy: payout.first_approved_by }, after: { status: 'rejected' }, reason });
      await this.bus.publishInTransaction(tx, afterCommit, 'payout.changed', [{ payoutId, memberId: payout.member_id, status: 'rejected', at: this.clock.now() }]);
    });
    return this.reviewed(this.db, payoutId);
  }

  /** A failed payout goes out again under the same payout number, once the funds are reserved again. */
  async retry(actorId: number, payoutId: number) {
    await inTransaction(this.db, async (tx) => {
      const payout = await this.lockPayout(tx, payoutId);
      if (payout.status !== 'failed') throw conflict('PAYOUT_NOT_RETRYABLE', `a payout that is ${payout.status} cannot be retried`);
      const accounts = await this.ledger.lockMemberAccounts(tx, payout.member_id);
      const next = { ...payout, attempts: payout.attempts + 1 };
      await this.reserve(tx, next, accounts.commission_available, accounts.payout_withdrawing);
      await tx.updateTable('payouts').set({ status: 'processing', attempts: next.attempts, failure_reason: null, updated_at: this.clock.now() }).where('id', '=', payoutId).execute();
      await this.audit.record(tx, { actorId, action: 'payout.retry', targetType: 'payout', targetId: payoutId, before: { status: 'failed', attempts: payout.attempts }, after: { status: 'processing', attempts: next.attempts } });
    });
    await this.dispatch.send(payoutId);
    return this.reviewed(this.db, payoutId);
  }

  /**
   * Hands a processing payout's current attempt to its provider and applies a final answer. Safe to repeat:
   * the attempt's business number is fixed (attempts.ts), so the provider pays it once.
   */
  async send(payoutId: number) {
    await this.dispatch.send(payoutId);
    return this.get(this.db, payoutId);
  }

  /** The provider's answer for one attempt, applied once (a replay is a no-op). */
  async applyResult(payoutNo: string, attempt: number, result: PayoutResult) {
    const payoutId = await inTransaction(this.db, (tx, afterCommit) => this.applyResultIn(tx, afterCommit, payoutNo, attempt, result));
    return this.get(this.db, payoutId);
  }

  /** applyResult inside the caller's transaction (a batch applies a bank return file's lines all or none). */
  async applyResultIn(tx: Tx, afterCommit: (fn: () => void) => void, payoutNo: string, attempt: number, result: PayoutResult): Promise<number> {
    const row = await tx.selectFrom('payouts').selectAll().where('payout_no', '=', payoutNo).forUpdate().executeTakeFirst();
    if (!row) throw notFound('PAYOUT_NOT_FOUND', `no payout ${payoutNo}`);
    if (row.status !== 'processing' || row.attempts !== attempt || result.status === 'pending') return row.id;
    const now = this.clock.now();
    if (result.status === 'paid') {
      const accounts = await this.ledger.memberAccounts(tx, row.member_id);
      const base = { fromAccountId: accounts.payout_withdrawing, refType: 'payout', refId: row.id };
      await this.ledger.transfer(tx, { ...base, toAccountId: await this.ledger.platformAccount(tx, 'payout_clearing'), amountFen: row.amount_fen - row.fee_fen, code: 'payout.paid', idempotencyKey: `payout:${payoutNo}:paid`, memo: result.providerRef });
      if (row.fee_fen > 0) {
        await this.ledger.transfer(tx, { ...base, toAccountId: await this.ledger.platformAccount(tx, 'payout_fee_income'), amountFen: row.fee_fen, code: 'payout.fee', idempotencyKey: `payout:${payoutNo}:fee` });
      }
      await tx.updateTable('payouts').set({ status: 'paid', paid_at: now, updated_at: now }).where('id', '=', row.id).execute();
    } else {
      await this.release(tx, row, `failed:${attempt}`);
      await tx.updateTable('payouts').set({ status: 'failed', failure_reason: result.reason, updated_at: now }).where('id', '=', row.id).execute();
    }
    await this.bus.publishInTransaction(tx, afterCommit, 'payout.changed', [{ payoutId: row.id, memberId: row.member_id, status: result.status, at: now }]);
    return row.id;
  }

  private async release(tx: Tx, payout: PayoutRow, why: string) {
    const accounts = await this.ledger.lockMemberAccounts(tx, payout.member_id);
    await this.ledger.transfer(tx, {
      fromAccountId: accounts.payout_withdrawing,
      toAccountId: accounts.commission_available,
      amountFen: payout.amount_fen,
      code: 'payout.release',
      idempotencyKey: `payout:${payout.payout_no}:release:${why}`,
      refType: 'payout',
      refId: payout.id,
    });
  }

  private async lockPayout(tx: Tx, payoutId: number): Promise<PayoutRow> {
    const payout = await tx.selectFrom('payouts').selectAll().where('id', '=', payoutId).forUpdate().executeTakeFirst();
    if (!payout) throw notFound('PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
    return payout;
  }

  async get(ex: Executor, payoutId: number, memberId?: number) {
    let q = ex.selectFrom('payouts').selectAll().where('id', '=', payoutId);
    if (memberId !== undefined) q = q.where('member_id', '=', memberId);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
    const waiting = await this.dispatch.awaitingConfirmation([row]);
    return presentPayout(row, waiting.has(row.id));
  }

  async list(ex: Executor, filter: { memberId?: number; status?: PayoutStatus; limit: number; offset: number }) {
    let q = ex.selectFrom('payouts').selectAll();
    if (filter.memberId !== undefined) q = q.where('member_id', '=', filter.memberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    const rows = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const waiting = await this.dispatch.awaitingConfirmation(rows);
    return rows.map((row) => presentPayout(row, waiting.has(row.id)));
  }

  /**
   * The console's withdrawals: each with its review (first approver, whether a second is needed: review.ts).
   * firstApproved: only those with (true) or without (false) a first approval.
   */
  async reviewList(ex: Executor, filter: { memberId?: number; status?: PayoutStatus; firstApproved?: boolean; limit: number; offset: number }) {
    let q = ex.selectFrom('payouts').selectAll();
    if (filter.memberId !== undefined) q = q.where('member_id', '=', filter.memberId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.firstApproved !== undefined) q = q.where('first_approved_by', filter.firstApproved ? 'is not' : 'is', null);
    const rows = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return this.withReviews(ex, rows);
  }

  /** One withdrawal as the console shows it (reviewList's shape). */
  async reviewed(ex: Executor, payoutId: number) {
    const row = await ex.selectFrom('payouts').selectAll().where('id', '=', payoutId).executeTakeFirst();
    if (!row) throw notFound('PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
    return (await this.withReviews(ex, [row]))[0];
  }

  private async withReviews(ex: Executor, rows: PayoutRow[]) {
    const waiting = await this.dispatch.awaitingConfirmation(rows);
    const reviews = await reviewsOf(ex, rows, (await this.rules.current(ex)).config.approvals.payoutSecondApprovalFen);
    return rows.map((row) => ({ ...presentPayout(row, waiting.has(row.id)), ...reviews.get(row.id)! }));
  }

  /** A page of withdrawals for an export, newest first, destination masked as list() masks it, with who asked and who reviewed. */
  async exportRows(ex: Executor, filter: PayoutsFilter & { limit: number }) {
    const rows = await exportSelection(ex, filter)
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .leftJoin('members as v', 'v.id', 'p.reviewed_by')
      .selectAll('p')
      .select(['m.nickname as memberNickname', 'v.nickname as reviewerNickname'])
      .orderBy('p.id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map((row) => ({ ...presentPayout(row), memberNickname: row.memberNickname, reviewedBy: row.reviewed_by, reviewerNickname: row.reviewerNickname }));
  }

  async withdrawnFen(ex: Executor, memberId: number): Promise<number> {
    const row = await ex
      .selectFrom('payouts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('fen'))
      .where('member_id', '=', memberId)
      .where('status', '=', 'paid')
      .executeTakeFirstOrThrow();
    return Number(row.fen);
  }

  /**
   * The sweep (every instance may run it): attempts never sent or left retryable are sent again under their
   * business number, attempts the provider holds (DEALING, WAIT_USER_CONFIRM…) are asked about, each on its
   * backoff; payouts whose attempt never reached a row (older than olderThanMs) are sent. Returns the calls made.
   */
  resendStuck(olderThanMs = 60_000): Promise<number> {
    return this.dispatch.sweep(olderThanMs);
  }

  /** A provider's notification (WeChat's MCHTRANSFER.BILL.FINISHED), verified, applied once. */
  handleNotification(channel: PayoutChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<void> {
    return this.dispatch.notification(channel, headers, rawBody);
  }

  /** {mchId, appId, package} for the member's own WeChat payout that waits for their confirmation. */
  confirmation(memberId: number, payoutId: number) {
    return this.dispatch.confirmation(payoutId, memberId);
  }

  /** Asks the provider about the member's own payout now (rate-limited per payout), then answers it. */
  async refresh(memberId: number, payoutId: number) {
    await this.dispatch.refresh(payoutId, memberId);
    return this.get(this.db, payoutId, memberId);
  }
}
