// The two-person rule of the withdrawal review (issue 16): above the rules' approvals.payoutSecondApprovalFen a
// withdrawal in review needs two different owner/finance members. The first approval is kept on the payout
// (first_approved_by/at, 045) and it stays reviewing; the second approves it as a single approval did.
import type { Executor } from '../../db/database.js';

/** Does approving this amount take two members? 0 turns the line off. */
export function needsTwoApprovers(amountFen: number, lineFen: number): boolean {
  return lineFen > 0 && amountFen > lineFen;
}

/** What the console shows of a payout's review: who approved first, and whether a second approver is needed. */
export interface PayoutReview {
  firstApprovedBy: number | null;
  firstApprovedByName: string | null;
  firstApprovedAt: Date | null;
  /** approving it takes two members: it was first-approved, or it is in review above the line in force */
  secondApprovalRequired: boolean;
}

interface ReviewRow {
  id: number;
  amount_fen: number;
  status: string;
  first_approved_by: number | null;
  first_approved_at: Date | null;
}

/** The review of each row, the first approvers' nicknames read in one query. */
export async function reviewsOf(ex: Executor, rows: ReviewRow[], lineFen: number): Promise<Map<number, PayoutReview>> {
  const approvers = [...new Set(rows.map((r) => r.first_approved_by).filter((id): id is number => id !== null))];
  const names = new Map<number, string>();
  if (approvers.length > 0) {
    for (const m of await ex.selectFrom('members').select(['id', 'nickname']).where('id', 'in', approvers).execute()) names.set(m.id, m.nickname);
  }
  return new Map(
    rows.map((r) => [
      r.id,
      {
        firstApprovedBy: r.first_approved_by,
        firstApprovedByName: r.first_approved_by === null ? null : (names.get(r.first_approved_by) ?? null),
        firstApprovedAt: r.first_approved_at,
        secondApprovalRequired: r.first_approved_by !== null || (r.status === 'reviewing' && needsTwoApprovers(r.amount_fen, lineFen)),
      },
    ]),
  );
}
