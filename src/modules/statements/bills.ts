// Downloads one provider's bill of a day through the existing protocol clients and turns it into one
// neutral shape of lines, so matching never needs to know whose bill it reads. Payouts are not here:
// neither client offers a statement of transfers (Alipay's 'signcustomer' account bill has no parser and
// no fake; WeChat's 商家转账 has no bill API in our client), see docs/going-live.md.
import { AlipayApiError, parseTradeBill as parseAlipayBill } from '../payments/alipay-client.js';
import type { PaymentClients } from '../payments/clients.js';
import { parseTradeBill as parseWechatBill, WechatpayApiError } from '../payments/wechatpay-client.js';
import type { LineKind, StatementProvider } from './tables.js';

export const STATEMENT_PROVIDERS: readonly StatementProvider[] = ['wechatpay', 'alipay'];

export interface BillLine {
  seq: number;
  kind: LineKind;
  outTradeNo: string;
  outRefundNo: string | null;
  providerTxnId: string | null;
  /** SUCCESS for money in; a refund's own status; what another line says (REVOKED …) */
  state: string;
  /** money in for a payment, out for a refund; always >= 0 */
  amountFen: number;
  tradedAt: string;
}

export interface FetchedBill {
  lines: BillLine[];
  /** the provider's own summary figures, when its bill has them */
  summary: Record<string, number> | null;
}

/** The bill is not there yet. noStatement: the provider says none exists (WeChat also says so for a day without trades). */
export class BillNotReady extends Error {
  constructor(
    readonly providerCode: string,
    readonly noStatement: boolean,
  ) {
    super(`bill not ready (${providerCode})`);
    this.name = 'BillNotReady';
  }
}

/** The provider failed or refused; retryable: the same request may work later. */
export class BillFetchError extends Error {
  constructor(
    readonly providerCode: string,
    readonly retryable: boolean,
    readonly malformed = false,
  ) {
    super(`bill fetch failed (${providerCode})`);
    this.name = 'BillFetchError';
  }
}

export function isConfigured(clients: PaymentClients, provider: StatementProvider): boolean {
  return provider === 'wechatpay' ? !!clients.wechatpay : !!clients.alipay;
}

export async function fetchBill(clients: PaymentClients, provider: StatementProvider, day: string): Promise<FetchedBill> {
  if (provider === 'wechatpay') return fetchWechatpay(clients, day);
  return fetchAlipay(clients, day);
}

async function fetchWechatpay(clients: PaymentClients, day: string): Promise<FetchedBill> {
  const client = clients.wechatpay;
  if (!client) throw new BillFetchError('NOT_CONFIGURED', false);
  let csv: string;
  try {
    csv = await client.tradeBill(day, 'ALL');
  } catch (error) {
    if (error instanceof WechatpayApiError) {
      if (error.code === 'NO_STATEMENT_EXIST') throw new BillNotReady(error.code, true);
      if (error.code === 'STATEMENT_CREATING') throw new BillNotReady(error.code, false);
      throw new BillFetchError(error.code, error.retryable);
    }
    throw error;
  }
  let bill: ReturnType<typeof parseWechatBill>;
  try {
    bill = parseWechatBill(csv);
  } catch (error) {
    if (error instanceof WechatpayApiError) throw new BillFetchError(error.code, false, true);
    throw error;
  }
  const lines = bill.rows.map((row, i): BillLine => {
    const common = { seq: i + 1, outTradeNo: row.outTradeNo, providerTxnId: row.transactionId || null, tradedAt: row.tradeTime };
    // a refund line names its refund; its amount is the refund, its state the refund's
    if (row.refundId && row.outRefundNo) return { ...common, kind: 'refund', outRefundNo: row.outRefundNo, state: row.refundStatus || row.tradeState, amountFen: row.refundFen ?? 0 };
    // 订单金额, not 应结订单金额: ours is what the buyer was charged, before WeChat's coupons
    return { ...common, kind: row.tradeState === 'SUCCESS' ? 'payment' : 'other', outRefundNo: null, state: row.tradeState, amountFen: row.totalFen };
  });
  return { lines, summary: { tradeCount: bill.summary.tradeCount, settledTotalFen: bill.summary.settledTotalFen, refundTotalFen: bill.summary.refundTotalFen } };
}

async function fetchAlipay(clients: PaymentClients, day: string): Promise<FetchedBill> {
  const client = clients.alipay;
  if (!client) throw new BillFetchError('NOT_CONFIGURED', false);
  let csv: string;
  try {
    csv = await client.downloadBill(await client.billDownloadUrl(day, 'trade'));
  } catch (error) {
    if (error instanceof AlipayApiError) {
      if (error.subCode === 'isp.bill_not_exist') throw new BillNotReady(error.subCode, true);
      throw new BillFetchError(error.subCode ? `${error.code}:${error.subCode}` : error.code, error.retryable, error.code === 'INVALID_RESPONSE');
    }
    throw error;
  }
  let rows: ReturnType<typeof parseAlipayBill>;
  try {
    rows = parseAlipayBill(csv);
  } catch (error) {
    // the parser refuses a file without its header or with an unknown 业务类型 (TypeError), or a bad amount (RangeError)
    if (error instanceof TypeError || error instanceof RangeError) throw new BillFetchError('BILL_MALFORMED', false, true);
    throw error;
  }
  const lines = rows.map((row, i): BillLine => ({
    seq: i + 1,
    kind: row.type === '交易' ? 'payment' : 'refund',
    outTradeNo: row.outTradeNo,
    // Alipay files a refund without out_request_no under the trade's number; ours always send one
    outRefundNo: row.type === '退款' ? (row.refundRequestNo ?? row.outTradeNo) : null,
    providerTxnId: row.tradeNo || null,
    // the trade bill lists only money that moved
    state: 'SUCCESS',
    amountFen: row.amountFen,
    tradedAt: row.time,
  }));
  return { lines, summary: null };
}
