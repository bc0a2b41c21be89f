// The approvals module's face: what other modules and the app may use of it.
export type { AdjustmentApproval, AdjustmentInput, AdjustmentRequestResult } from './adjustments.js';
export type { PendingItem, PendingKind } from './inbox.js';
export type { AdjustmentApprovalStatus } from './tables.js';
export { adjustmentApprovalOut, approvalRoutes } from './routes.js';
export { ApprovalsService } from './service.js';
