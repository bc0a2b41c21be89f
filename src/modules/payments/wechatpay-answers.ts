// WeChat Pay's answers as the client reads them: the API error, trade and refund states, and the
// checks that an answer has the shape WeChat documents (anything else is RESPONSE_MALFORMED).

/** `status` 0: no HTTP answer (network error, timeout). */
export class WechatpayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** the same request may succeed later; WeChat's out_trade_no/out_refund_no make repeats idempotent */
    readonly retryable: boolean,
    message: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WechatpayApiError';
  }
}

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
export type TradeState = (typeof TRADE_STATES)[number];
export type RefundStatus = 'SUCCESS' | 'PROCESSING' | 'ABNORMAL' | 'CLOSED';

export interface RefundResult {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id: string;
  status: RefundStatus;
  create_time?: string;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string };
}

export function malformed(why: string): WechatpayApiError {
  return new WechatpayApiError(200, 'RESPONSE_MALFORMED', false, `wechatpay answer malformed: ${why}`);
}

export function str(o: Record<string, unknown>, f: string): string {
  const v = o[f];
  if (typeof v !== 'string' || !v) throw malformed(`${f} missing`);
  return v;
}

export function fen(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw malformed('amount is not integer fen');
  return v;
}

export function refundResult(o: Record<string, unknown>, outRefundNo: string): RefundResult {
  if (str(o, 'out_refund_no') !== outRefundNo) throw malformed('out_refund_no differs');
  const status = str(o, 'status');
  if (!['SUCCESS', 'PROCESSING', 'ABNORMAL', 'CLOSED'].includes(status)) throw malformed(`refund status ${status}`);
  const a = (o.amount ?? {}) as Record<string, unknown>;
  const amount: RefundResult['amount'] = { total: fen(a.total), refund: fen(a.refund) };
  if (a.payer_total !== undefined) amount.payer_total = fen(a.payer_total);
  if (a.payer_refund !== undefined) amount.payer_refund = fen(a.payer_refund);
  if (typeof a.currency === 'string') amount.currency = a.currency;
  const out: RefundResult = {
    refund_id: str(o, 'refund_id'),
    out_refund_no: outRefundNo,
    out_trade_no: str(o, 'out_trade_no'),
    transaction_id: str(o, 'transaction_id'),
    status: status as RefundStatus,
    amount,
  };
  if (typeof o.create_time === 'string') out.create_time = o.create_time;
  if (typeof o.success_time === 'string') out.success_time = o.success_time;
  return out;
}
