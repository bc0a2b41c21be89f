// The two-person rule's API shapes (typed from /openapi.json): src/modules/approvals/routes.ts and the
// withdrawals HQ reviews (src/http/routes/admin-money.ts).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type AdjustmentApproval = ResponseOf<'/api/admin/adjustment-approvals/{id}'>;
export type PendingItem = ItemOf<ResponseOf<'/api/admin/approvals/pending'>>;
export type ReviewedPayout = ItemOf<ResponseOf<'/api/admin/payouts'>>;
export type ApprovalLines = { adjustmentSecondApprovalFen: number; payoutSecondApprovalFen: number };

/** POST /api/admin/adjustments answers the adjustment (200/201), or 202 with the approval it waits for. */
export function isPendingAdjustment(body: unknown): body is AdjustmentApproval {
  return typeof body === 'object' && body !== null && 'thresholdFen' in body && 'status' in body;
}
