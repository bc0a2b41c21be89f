// Alipay's side of the protocol as the client speaks it: the error, money as Alipay's yuan strings,
// and the shapes of what we send and get back (alipay-client.ts re-exports them).
import { formatYuan, parseYuan } from '../../money.js';

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED';
export const TRADE_STATUSES: readonly string[] = ['WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED'];

/**
 * An Alipay call that did not succeed. retryable=false means Alipay itself refused this request in a
 * verified answer (nothing happened; retrying the same request will not help). retryable=true means the
 * outcome is unknown or transient (network, timeout, 20000, SYSTEM_ERROR, an answer that failed signature
 * verification): retry with the SAME out_trade_no / out_request_no / out_biz_no, or query first.
 * The message carries codes only, never keys, sub_msg (it can echo biz_content) or personal data.
 */
export class AlipayApiError extends Error {
  constructor(
    readonly method: string,
    /** Alipay's code ('20000', '40004', ...) or ours: NETWORK, TIMEOUT, HTTP_502, RESPONSE_SIGNATURE_INVALID, INVALID_RESPONSE, NOTIFY_* */
    readonly code: string,
    readonly subCode: string | undefined,
    readonly retryable: boolean,
  ) {
    super(`alipay ${method} failed: ${code}${subCode ? ` ${subCode}` : ''}${retryable ? ' (retryable)' : ''}`);
    this.name = 'AlipayApiError';
  }
}

// ---- money: integer fen ⇄ Alipay's yuan strings, exactly (no floating point) ----

/** 1 → "0.01"; any non-negative safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError('amount must be a non-negative integer number of fen');
  return formatYuan(fen);
}

/** "0.01" → 1; "-1.50" → -150 (bills carry refunds as negatives). Refuses more than two decimals. */
export function yuanToFen(yuan: string): number {
  return parseYuan(String(yuan).trim());
}

// ---- inputs and results ----

export interface AlipayPayInput {
  /** ours, unique: 1-64 of [A-Za-z0-9_] */
  outTradeNo: string;
  subject: string;
  amountFen: number;
  /** becomes time_expire; Alipay closes the trade unpaid after it */
  expiresAt?: Date;
  /** where the cashier sends the buyer afterwards (this payment's result page); else the configured one */
  returnUrl?: string;
}
export interface AlipayWapPayInput extends AlipayPayInput {
  /** where 返回商家 on the cashier goes */
  quitUrl: string;
}

export interface AlipayNotification {
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  appId: string;
  sellerId?: string;
  notifyId: string;
  gmtPayment?: string;
  /** refund notifications: the trade's cumulative refunded amount and the out_request_no (out_biz_no) */
  refundFen?: number;
  outRequestNo?: string;
}

export interface AlipayTrade {
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  /** send_pay_date, Beijing time, once paid */
  paidAt?: string;
}

export interface AlipayRefundResult {
  outTradeNo: string;
  tradeNo: string;
  /** fund_change 'Y': this call moved money. 'N': a repeat of an out_request_no already refunded, or not
   * confirmed yet: confirm with queryRefund before telling anyone the refund failed */
  fundChange: boolean;
  /** refund_fee: the trade's CUMULATIVE refunded amount, not this request's */
  refundedTotalFen: number;
}

export interface AlipayRefundQuery {
  outTradeNo: string;
  outRequestNo: string;
  /** Alipay omits refund_status when it has no successful refund under this out_request_no */
  status: 'REFUND_SUCCESS' | 'NOT_REFUNDED';
  refundFen?: number;
  totalFen?: number;
}

export interface AlipayPayee {
  identityType: 'ALIPAY_LOGON_ID' | 'ALIPAY_USER_ID';
  identity: string;
  /** real name; required by Alipay for ALIPAY_LOGON_ID */
  name: string;
}

export type AlipayTransferStatus = 'SUCCESS' | 'FAIL' | 'DEALING';
export interface AlipayTransferResult {
  outBizNo: string;
  status: AlipayTransferStatus;
  orderId: string;
  payFundOrderId?: string;
  transDate?: string;
}
export interface AlipayTransferQuery {
  outBizNo: string;
  /** SUCCESS, FAIL, DEALING, or REFUND (退票) as Alipay reports it */
  status: string;
  orderId: string;
  amountFen?: number;
  payDate?: string;
  errorCode?: string;
  failReason?: string;
}
