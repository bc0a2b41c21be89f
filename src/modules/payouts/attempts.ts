// The provider side of each withdrawal attempt (payout_transfers, 031): its fixed business number, the
// provider's last word, and when to send or ask again. Rows are claimed with SKIP LOCKED and a lease
// (next_try_at moves forward as the row is taken), so any number of instances can sweep; what a claim
// leads to is applied through the payouts' exactly-once transitions, so a second application is a no-op.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Db, Executor, Tx } from '../../db/database.js';
import type { PayoutResult } from './providers.js';

export type TransferRow = {
  id: number;
  payout_id: number;
  attempt: number;
  provider: string;
  business_no: string;
  net_fen: number;
  state: string | null;
  package_info: string | null;
  provider_ref: string | null;
  tries: number;
  next_try_at: Date | null;
  last_error: string | null;
  refreshed_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** The first retry waits a minute, each next one twice as long, never more than half an hour. */
export const BACKOFF_BASE_MS = 60_000;
export const BACKOFF_CAP_MS = 30 * 60_000;
/** Refused for now (merchant balance short): asked again this often until finance tops up. */
export const RESUMABLE_RETRY_MS = 30 * 60_000;
/** A member's "refresh" asks the provider at most this often per payout. */
export const REFRESH_INTERVAL_MS = 10_000;

/** The wait after the n-th try (n ≥ 1): 1, 2, 4, 8, 16, 30, 30 … minutes. */
export function backoffMs(tries: number): number {
  const exponent = Math.min(Math.max(tries, 1) - 1, 20);
  return Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_CAP_MS);
}

/**
 * One business number per attempt, ≤ 32 letters and digits as WeChat and Alipay accept: the payout number
 * (27) and the attempt. Derived, not drawn, so concurrent first sends of an attempt agree on it.
 */
export function businessNoFor(payoutNo: string, attempt: number): string {
  const no = `${payoutNo}A${attempt}`;
  if (!/^[A-Za-z0-9]{1,32}$/.test(no)) throw new Error(`payout ${payoutNo} attempt ${attempt} has no valid business number`);
  return no;
}

const later = (now: Date, ms: number) => new Date(now.getTime() + ms);

export class PayoutAttempts {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * The attempt's row, created on first use, taken for one call now: tries + 1, and the lease that brings
   * the sweep back should this call never report. A finished row is returned as it is.
   */
  async open(payout: { id: number; payout_no: string; attempts: number; amount_fen: number; fee_fen: number }, provider: string): Promise<TransferRow> {
    const now = this.clock.now();
    await this.db
      .insertInto('payout_transfers')
      .values({
        payout_id: payout.id,
        attempt: payout.attempts,
        provider,
        business_no: businessNoFor(payout.payout_no, payout.attempts),
        net_fen: payout.amount_fen - payout.fee_fen,
        next_try_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['payout_id', 'attempt']).doNothing())
      .execute();
    const taken = await this.db
      .updateTable('payout_transfers')
      .set((eb) => ({ tries: eb('tries', '+', 1), next_try_at: sql<Date>`${now}::timestamptz + (least(${BACKOFF_BASE_MS}::bigint * (2 ^ least(tries, 20))::bigint, ${BACKOFF_CAP_MS}::bigint) * interval '1 millisecond')`, updated_at: now }))
      .where('payout_id', '=', payout.id)
      .where('attempt', '=', payout.attempts)
      .where('finished_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return taken ?? (await this.of(this.db, payout.id, payout.attempts))!;
  }

  /** Rows due for a send or a query, whose payout still waits on that attempt; claimed for this caller. */
  async claimDue(limit: number): Promise<TransferRow[]> {
    const now = this.clock.now();
    const result = await sql<TransferRow>`
      update payout_transfers t
         set tries = t.tries + 1,
             next_try_at = ${now}::timestamptz + (least(${BACKOFF_BASE_MS}::bigint * (2 ^ least(t.tries, 20))::bigint, ${BACKOFF_CAP_MS}::bigint) * interval '1 millisecond'),
             updated_at = ${now}
       where t.id in (
         select d.id from payout_transfers d
           join payouts p on p.id = d.payout_id and p.attempts = d.attempt and p.status = 'processing'
          where d.finished_at is null and d.next_try_at <= ${now}
          order by d.next_try_at
          limit ${limit}
          for update of d skip locked)
         and t.finished_at is null and t.next_try_at <= ${now}
      returning t.*`.execute(this.db);
    return result.rows;
  }

  /** The call did not give an answer to act on: try again after the backoff (slowly when resumable). */
  async retryLater(row: TransferRow, code: string, resumable: boolean): Promise<void> {
    const now = this.clock.now();
    await this.db
      .updateTable('payout_transfers')
      .set({ last_error: code.slice(0, 100), next_try_at: later(now, resumable ? RESUMABLE_RETRY_MS : backoffMs(row.tries)), updated_at: now })
      .where('id', '=', row.id)
      .where('finished_at', 'is', null)
      .execute();
  }

  /** The provider's answer, in the caller's transaction. A final answer closes the row; nothing reopens it. */
  async recordIn(tx: Tx, row: TransferRow, result: PayoutResult): Promise<void> {
    const now = this.clock.now();
    const final = result.status !== 'pending';
    const packageInfo = result.status === 'pending' ? (result.packageInfo ?? null) : null;
    const providerRef = result.status === 'failed' ? null : (result.providerRef ?? null);
    await tx
      .updateTable('payout_transfers')
      .set((eb) => ({
        state: result.state ?? (final ? result.status.toUpperCase() : eb.ref('state')),
        package_info: packageInfo,
        provider_ref: providerRef ?? eb.ref('provider_ref'),
        last_error: null,
        next_try_at: final ? null : later(now, backoffMs(row.tries)),
        finished_at: final ? now : null,
        updated_at: now,
      }))
      .where('id', '=', row.id)
      .where('finished_at', 'is', null)
      .execute();
  }

  /** Stamps a member's refresh; false while the last one is under REFRESH_INTERVAL_MS old (any instance). */
  async takeRefresh(row: TransferRow): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const now = this.clock.now();
    const since = later(now, -REFRESH_INTERVAL_MS);
    const taken = await this.db
      .updateTable('payout_transfers')
      .set({ refreshed_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('refreshed_at', 'is', null), eb('refreshed_at', '<=', since)]))
      .returning('id')
      .executeTakeFirst();
    if (taken) return { ok: true };
    const last = (await this.db.selectFrom('payout_transfers').select('refreshed_at').where('id', '=', row.id).executeTakeFirst())?.refreshed_at;
    const waitMs = last ? new Date(last).getTime() + REFRESH_INTERVAL_MS - now.getTime() : REFRESH_INTERVAL_MS;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Takes a row for one call now (refresh, resend on request), whatever its backoff says. */
  async take(row: TransferRow): Promise<TransferRow | undefined> {
    const now = this.clock.now();
    return this.db
      .updateTable('payout_transfers')
      .set((eb) => ({ tries: eb('tries', '+', 1), next_try_at: later(now, backoffMs(row.tries + 1)), updated_at: now }))
      .where('id', '=', row.id)
      .where('finished_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  of(ex: Executor, payoutId: number, attempt: number): Promise<TransferRow | undefined> {
    return ex.selectFrom('payout_transfers').selectAll().where('payout_id', '=', payoutId).where('attempt', '=', attempt).executeTakeFirst();
  }

  byBusinessNo(ex: Executor, businessNo: string): Promise<TransferRow | undefined> {
    return ex.selectFrom('payout_transfers').selectAll().where('business_no', '=', businessNo).executeTakeFirst();
  }

  /** Processing payouts whose current attempt has no row (a process died before creating it), oldest first. */
  async orphans(olderThan: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('payouts as p')
      .select('p.id')
      .where('p.status', '=', 'processing')
      .where('p.channel', '<>', 'bank')
      .where('p.updated_at', '<', olderThan)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('payout_transfers as t').select('t.id').whereRef('t.payout_id', '=', 'p.id').whereRef('t.attempt', '=', 'p.attempts'))),
      )
      .orderBy('p.id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
