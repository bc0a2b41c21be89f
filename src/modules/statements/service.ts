// Provider statements: fetch a day's bill (by the job, or by finance now), store it with its lines and
// match it. Storing replaces the day's earlier result in one transaction, so a refetch is idempotent and
// a reader never sees half a bill. The job decides who fetches a day with one upsert on the day's row.
// Where a provider carries payouts, its account bill is fetched with the trade bill and stored in the same
// row, so a day is matched whole or not at all (a failure of either is the day's failure, named by its code).
import type { Logger } from 'pino';
import type { Clock } from '../../context.js';
import { sql } from 'kysely';
import { inTransaction, type Db, type Tx } from '../../db/database.js';
import { AppError, badRequest, conflict } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { PaymentClients } from '../payments/index.js';
import { BillFetchError, BillNotReady, fetchBill, isConfigured, STATEMENT_PROVIDERS, type FetchedBill } from './bills.js';
import { addDays, beijingDay, DAY_MS, isDay, nextDayAt } from './days.js';
import { listBills, listDifferences, resolveDifference, type BillQuery, type DifferenceQuery } from './reads.js';
import { ourPayoutsOfDay, ourRecordsOfDay, rematchBill } from './records.js';
import type { BillStatus, StatementProvider } from './tables.js';

/** Beijing hour of the next day after which a day's bill is due: WeChat documents 10:00, Alipay 09:00. */
const READY_HOUR: Record<StatementProvider, number> = { wechatpay: 10, alipay: 9 };
/** WeChat answers NO_STATEMENT_EXIST for a day without trades too: past this, no bill means an empty one. */
const EMPTY_AFTER_DAYS = 3;
/** the job looks this many days back, so a day missed while no instance ran is still fetched */
const LOOKBACK_DAYS = 3;
const CLAIM_MS = 10 * 60_000;
const NOT_READY_RETRY_MS = 30 * 60_000;
const FAILED_RETRY_BASE_MS = 5 * 60_000;
const FAILED_RETRY_MAX_MS = 2 * 3_600_000;
const LINE_CHUNK = 1000;

export type AttemptOutcome =
  | { status: 'fetched'; billId: number; lineCount: number; differenceCount: number }
  | { status: 'not_ready'; providerCode: string; retryAt: Date }
  | { status: 'failed'; providerCode: string; retryable: boolean; malformed: boolean; retryAt: Date };

export class StatementsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly clients: PaymentClients,
    private readonly log: Logger,
    /** the providers payouts leave through (payout channel configured): their account bills are fetched too */
    private readonly payoutBills: Partial<Record<StatementProvider, boolean>> = {},
  ) {}

  list(q: BillQuery) {
    return listBills(this.db, q);
  }

  differences(q: DifferenceQuery) {
    return listDifferences(this.db, q);
  }

  resolve(actorId: number, differenceId: number, note: string) {
    return resolveDifference(this.db, this.clock, this.audit, actorId, differenceId, note);
  }

  providers(): Array<{ provider: StatementProvider; configured: boolean }> {
    return STATEMENT_PROVIDERS.map((provider) => ({ provider, configured: isConfigured(this.clients, provider) }));
  }

  /** Finance fetches a day now: the answer says what happened, as a clear code when nothing was stored. */
  async fetchNow(actorId: number, provider: StatementProvider, day: string) {
    if (!isConfigured(this.clients, provider)) throw badRequest('PROVIDER_NOT_CONFIGURED', `${provider} is not configured on this server`);
    const today = beijingDay(this.clock.now());
    if (!isDay(day)) throw badRequest('DATE_INVALID', 'date must be a day written YYYY-MM-DD');
    // a day's bill exists only after the day has ended in Beijing
    if (day >= today) throw badRequest('DATE_INVALID', `the bill of ${day} is made after that day ends (Beijing); the latest is ${addDays(today, -1)}`);
    const outcome = await this.attempt(provider, day, actorId);
    if (outcome.status === 'fetched') return outcome;
    const retryAfterSeconds = Math.max(60, Math.ceil((outcome.retryAt.getTime() - this.clock.now().getTime()) / 1000));
    if (outcome.status === 'not_ready') {
      throw conflict('STATEMENT_NOT_READY', `${provider} has no bill of ${day} yet (${outcome.providerCode}); it is due after ${String(READY_HOUR[provider]).padStart(2, '0')}:00 Beijing the next day`, { retryAfterSeconds, providerCode: outcome.providerCode });
    }
    if (outcome.malformed) throw new AppError(502, 'STATEMENT_MALFORMED', `${provider}'s bill of ${day} could not be read (${outcome.providerCode})`);
    if (outcome.retryable) throw new AppError(503, 'STATEMENT_PROVIDER_UNAVAILABLE', `${provider} did not deliver the bill (${outcome.providerCode}); try again later`, { retryAfterSeconds });
    throw new AppError(502, 'STATEMENT_PROVIDER_REFUSED', `${provider} refused the bill request (${outcome.providerCode})`);
  }

  /**
   * The job: for each configured provider, each recent day whose bill is due and not yet stored, claim
   * the day's row (one upsert: another instance holding it, or a retry not yet due, returns nothing)
   * and fetch it.
   */
  async runDue(): Promise<{ fetched: number; notReady: number; failed: number }> {
    const now = this.clock.now();
    const result = { fetched: 0, notReady: 0, failed: 0 };
    const days = Array.from({ length: LOOKBACK_DAYS }, (_, i) => beijingDay(now.getTime() - (i + 1) * DAY_MS));
    for (const { provider, configured } of this.providers()) {
      if (!configured) continue;
      const stored = await this.db.selectFrom('statement_bills').select('bill_date').where('provider', '=', provider).where('bill_date', 'in', days).where('status', '=', 'fetched').execute();
      const done = new Set(stored.map((s) => s.bill_date));
      for (const day of days) {
        if (done.has(day) || now < nextDayAt(day, READY_HOUR[provider])) continue;
        if (!(await this.claim(provider, day, now))) continue;
        try {
          const outcome = await this.attempt(provider, day, null);
          if (outcome.status === 'fetched') result.fetched += 1;
          else if (outcome.status === 'not_ready') result.notReady += 1;
          else result.failed += 1;
        } catch (error) {
          // the day's claim runs out and another tick tries again
          result.failed += 1;
          this.log.error({ err: error, provider, day }, 'statement fetch failed');
        }
      }
    }
    if (result.fetched + result.notReady + result.failed > 0) this.log.info(result, 'statement job');
    return result;
  }

  private async claim(provider: StatementProvider, day: string, now: Date): Promise<boolean> {
    const until = new Date(now.getTime() + CLAIM_MS);
    const row = await this.db
      .insertInto('statement_bills')
      .values({ provider, bill_date: day, status: 'pending', claimed_until: until, created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc
          .columns(['provider', 'bill_date'])
          .doUpdateSet({ claimed_until: until, updated_at: now })
          .where('statement_bills.status', '<>', 'fetched')
          .where((eb) => eb.or([eb('statement_bills.next_attempt_at', 'is', null), eb('statement_bills.next_attempt_at', '<=', now)]))
          .where((eb) => eb.or([eb('statement_bills.claimed_until', 'is', null), eb('statement_bills.claimed_until', '<=', now)])),
      )
      .returning('id')
      .executeTakeFirst();
    return !!row;
  }

  /** One fetch of a day: stored and matched, or the reason it was not (kept on the day's row). */
  async attempt(provider: StatementProvider, day: string, actorId: number | null): Promise<AttemptOutcome> {
    let bill: FetchedBill;
    try {
      bill = await fetchBill(this.clients, provider, day, {
        noTradeBillMeansEmpty: () => this.noBillMeansEmpty(provider, day, this.clock.now()),
        accountBill: this.payoutBills[provider] === true,
        noAccountBillMeansEmpty: () => this.noAccountBillMeansEmpty(provider, day, this.clock.now()),
      });
    } catch (error) {
      const now = this.clock.now();
      if (error instanceof BillNotReady) {
        const retryAt = new Date(Math.max(now.getTime() + NOT_READY_RETRY_MS, nextDayAt(day, READY_HOUR[provider]).getTime()));
        await this.recordFailure(provider, day, 'not_ready', error.providerCode, retryAt, actorId);
        return { status: 'not_ready', providerCode: error.providerCode, retryAt };
      } else if (error instanceof BillFetchError) {
        const attempts = await this.attemptsSoFar(provider, day);
        const retryAt = new Date(now.getTime() + Math.min(FAILED_RETRY_MAX_MS, FAILED_RETRY_BASE_MS * 2 ** Math.min(attempts, 10)));
        await this.recordFailure(provider, day, 'failed', error.providerCode, retryAt, actorId);
        this.log.warn({ provider, day, providerCode: error.providerCode, retryable: error.retryable }, 'statement provider call failed');
        return { status: 'failed', providerCode: error.providerCode, retryable: error.retryable, malformed: error.malformed, retryAt };
      } else {
        throw error;
      }
    }
    return this.store(provider, day, bill, actorId);
  }

  /** No bill is an empty bill once the day is long past, or when it is due and we had nothing that day either. */
  private async noBillMeansEmpty(provider: StatementProvider, day: string, now: Date): Promise<boolean> {
    if (now >= new Date(nextDayAt(day, 0).getTime() + (EMPTY_AFTER_DAYS - 1) * DAY_MS)) return true;
    if (now < nextDayAt(day, READY_HOUR[provider])) return false;
    const ours = await inTransaction(this.db, (tx) => ourRecordsOfDay(tx, provider, day));
    return ours.paidThatDay.length === 0 && ours.refundedThatDay.length === 0;
  }

  /** The same for the account bill: nothing moved on the account, and none of our payouts was paid that day. */
  private async noAccountBillMeansEmpty(provider: StatementProvider, day: string, now: Date): Promise<boolean> {
    if (now >= new Date(nextDayAt(day, 0).getTime() + (EMPTY_AFTER_DAYS - 1) * DAY_MS)) return true;
    if (now < nextDayAt(day, READY_HOUR[provider])) return false;
    const paid = await inTransaction(this.db, (tx) => ourPayoutsOfDay(tx, provider, day));
    return paid.length === 0;
  }

  private async attemptsSoFar(provider: StatementProvider, day: string): Promise<number> {
    const row = await this.db.selectFrom('statement_bills').select('attempts').where('provider', '=', provider).where('bill_date', '=', day).executeTakeFirst();
    return row?.attempts ?? 0;
  }

  /** A failed try is kept on the day's row; a day already stored keeps its result. */
  private async recordFailure(provider: StatementProvider, day: string, status: 'not_ready' | 'failed', code: string, retryAt: Date, actorId: number | null) {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await tx
        .insertInto('statement_bills')
        .values({ provider, bill_date: day, status, attempts: 1, last_error: code, next_attempt_at: retryAt, created_at: now, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['provider', 'bill_date']).doUpdateSet((eb) => ({
            // a day already stored keeps its result; the failed refetch shows as last_error
            status: sql<BillStatus>`case when statement_bills.status = 'fetched' then 'fetched' else ${status} end`,
            attempts: eb('statement_bills.attempts', '+', 1),
            last_error: code,
            next_attempt_at: retryAt,
            claimed_until: null,
            updated_at: now,
          })),
        )
        .execute();
      if (actorId !== null) {
        await this.audit.record(tx, { actorId, action: 'statement.fetch', targetType: 'statement', targetId: `${provider}:${day}`, after: { status, providerCode: code } });
      }
    });
  }

  private async store(provider: StatementProvider, day: string, bill: FetchedBill, actorId: number | null): Promise<AttemptOutcome> {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      // this day and its neighbours (whose "missing there" this bill can change) are locked in date order,
      // so two instances storing neighbouring days wait for each other instead of deadlocking
      await tx.selectFrom('statement_bills').select('id').where('provider', '=', provider).where('bill_date', 'in', [addDays(day, -1), day, addDays(day, 1)]).orderBy('bill_date').forUpdate().execute();
      const before = await tx.selectFrom('statement_bills').select(['status', 'line_count', 'difference_count']).where('provider', '=', provider).where('bill_date', '=', day).executeTakeFirst();
      const payments = bill.lines.filter((l) => l.kind === 'payment');
      const refunds = bill.lines.filter((l) => l.kind === 'refund');
      const payouts = bill.lines.filter((l) => l.kind === 'payout');
      const sum = (ls: typeof bill.lines) => ls.reduce((s, l) => s + l.amountFen, 0);
      const figures = {
        status: 'fetched' as const,
        fetched_at: now,
        line_count: bill.lines.length,
        payment_count: payments.length,
        payment_total_fen: sum(payments),
        refund_count: refunds.length,
        refund_total_fen: sum(refunds),
        account_bill: bill.accountBill,
        payout_count: payouts.length,
        payout_total_fen: sum(payouts),
        payout_return_fen: sum(bill.lines.filter((l) => l.kind === 'payout_return')),
        provider_summary: bill.summary ? JSON.stringify(bill.summary) : null,
        last_error: null,
        next_attempt_at: null,
        claimed_until: null,
        updated_at: now,
      };
      const row = await tx
        .insertInto('statement_bills')
        .values({ provider, bill_date: day, ...figures, attempts: 1, created_at: now })
        .onConflict((oc) => oc.columns(['provider', 'bill_date']).doUpdateSet((eb) => ({ ...figures, attempts: eb('statement_bills.attempts', '+', 1) })))
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('statement_lines').where('bill_id', '=', row.id).execute();
      for (let i = 0; i < bill.lines.length; i += LINE_CHUNK) {
        await tx
          .insertInto('statement_lines')
          .values(bill.lines.slice(i, i + LINE_CHUNK).map((l) => ({ bill_id: row.id, seq: l.seq, kind: l.kind, out_trade_no: l.outTradeNo, out_refund_no: l.outRefundNo, provider_txn_id: l.providerTxnId, state: l.state, amount_fen: l.amountFen, traded_at: l.tradedAt })))
          .execute();
      }
      const differenceCount = await rematchBill(tx, { id: row.id, provider, billDate: day }, now);
      await this.rematchNeighbours(tx, provider, day, now);
      if (actorId !== null) {
        await this.audit.record(tx, {
          actorId,
          action: 'statement.fetch',
          targetType: 'statement',
          targetId: `${provider}:${day}`,
          before: before ? { status: before.status, lineCount: before.line_count, differenceCount: before.difference_count } : null,
          after: { status: 'fetched', lineCount: bill.lines.length, paymentTotalFen: figures.payment_total_fen, refundTotalFen: figures.refund_total_fen, ...(bill.accountBill ? { payoutTotalFen: figures.payout_total_fen, payoutReturnFen: figures.payout_return_fen } : {}), differenceCount },
        });
      }
      return { status: 'fetched' as const, billId: row.id, lineCount: bill.lines.length, differenceCount };
    });
  }

  /** A record that crossed midnight is found on this bill now: the neighbours' "missing there" may go. */
  private async rematchNeighbours(tx: Tx, provider: StatementProvider, day: string, now: Date) {
    const neighbours = await tx.selectFrom('statement_bills').select(['id', 'bill_date']).where('provider', '=', provider).where('bill_date', 'in', [addDays(day, -1), addDays(day, 1)]).where('status', '=', 'fetched').execute();
    for (const n of neighbours) await rematchBill(tx, { id: n.id, provider, billDate: n.bill_date }, now);
  }
}
