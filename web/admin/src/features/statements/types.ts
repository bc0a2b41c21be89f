// The statements and payout batch API shapes, as src/http/routes/statements.ts and payout-batches.ts answer.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
export type StatementProvider = 'wechatpay' | 'alipay';
export type DifferenceKind = 'missing_here' | 'missing_there' | 'amount_differs' | 'state_differs' | 'duplicate';
export const DIFFERENCE_KINDS: readonly DifferenceKind[] = ['missing_here', 'missing_there', 'amount_differs', 'state_differs', 'duplicate'];

// answers typed from /openapi.json
export type StatementBills = ResponseOf<'/api/admin/statements'>;
export type StatementBill = StatementBills['items'][number];
export type StatementDifference = ItemOf<ResponseOf<'/api/admin/statements/differences'>>;
export type PayoutBatchSummary = ItemOf<ResponseOf<'/api/admin/payout-batches'>>;
export type PayoutBatch = ResponseOf<'/api/admin/payout-batches/{id}'>;
export type PayoutBatchLine = PayoutBatch['lines'][number];
