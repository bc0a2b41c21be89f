// The statements and payout batch API shapes, as src/http/routes/statements.ts and payout-batches.ts answer.
export type StatementProvider = 'wechatpay' | 'alipay';
export type DifferenceKind = 'missing_here' | 'missing_there' | 'amount_differs' | 'state_differs' | 'duplicate';
export const DIFFERENCE_KINDS: readonly DifferenceKind[] = ['missing_here', 'missing_there', 'amount_differs', 'state_differs', 'duplicate'];

export interface StatementBill {
  id: number;
  provider: StatementProvider;
  billDate: string;
  status: 'pending' | 'not_ready' | 'failed' | 'fetched';
  fetchedAt: string | null;
  lineCount: number;
  paymentCount: number;
  paymentTotalFen: number;
  refundCount: number;
  refundTotalFen: number;
  differenceCount: number;
  openDifferenceCount: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface StatementBills {
  providers: Array<{ provider: StatementProvider; configured: boolean }>;
  from: string;
  to: string;
  items: StatementBill[];
}

export interface StatementDifference {
  id: number;
  provider: StatementProvider;
  billDate: string;
  kind: DifferenceKind;
  /** 'payout' once the route passes it (today a payout's difference has null here and a note starting 'payout') */
  recordType: 'payment' | 'refund' | 'payment_return' | 'payout' | null;
  recordId: number | null;
  reference: string;
  outTradeNo: string | null;
  ourFen: number | null;
  theirFen: number | null;
  ourState: string | null;
  theirState: string | null;
  note: string | null;
  resolved: boolean;
  resolutionNote: string | null;
  resolvedByName: string | null;
  resolvedAt: string | null;
}

export interface PayoutBatchSummary {
  id: number;
  batchNo: string;
  status: 'open' | 'settled';
  createdAt: string;
  settledAt: string | null;
  lineCount: number;
  paidCount: number;
  failedCount: number;
  pendingCount: number;
  totalFen: number;
  paidFen: number;
  failedFen: number;
}

export interface PayoutBatchLine {
  payoutNo: string;
  memberId: number;
  attempt: number;
  netFen: number;
  bankName: string;
  accountNo: string;
  realName: string;
  result: 'paid' | 'failed' | null;
  bankReference: string | null;
  reason: string | null;
  decidedAt: string | null;
}

export interface PayoutBatch extends PayoutBatchSummary {
  lines: PayoutBatchLine[];
}
