// 待办 of the payouts module, for the console's dashboard (GET /api/admin/todo) and 待我审批's count: withdrawals
// waiting for finance, each count one range of payouts_status_idx (status, id) over the few rows in that status.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

const count = (n: { n: number | string | bigint } | undefined) => Number(n?.n ?? 0);

/** Withdrawals in review that nobody approved yet (one with a first approval waits for a second approver instead). */
export async function countPayoutsToReview(ex: Executor): Promise<number> {
  return count(await ex.selectFrom('payouts').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('reviewing')).where('first_approved_by', 'is', null).executeTakeFirst());
}

/** Withdrawals the provider failed: finance sends them again (same payout number) or leaves the funds back with the member. */
export async function countFailedPayouts(ex: Executor): Promise<number> {
  return count(await ex.selectFrom('payouts').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('failed')).executeTakeFirst());
}

/** Withdrawals with a first approval by someone other than this member: theirs to approve as the second (two-person rule). */
export async function countSecondPayoutApprovals(ex: Executor, memberId: number): Promise<number> {
  return count(
    await ex
      .selectFrom('payouts')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', sql.lit('reviewing'))
      .where('first_approved_by', 'is not', null)
      .where('first_approved_by', '<>', memberId)
      .executeTakeFirst(),
  );
}
