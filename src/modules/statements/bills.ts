// Downloads one provider's bills of a day through the existing protocol clients and turns them into one
// neutral shape of lines, so matching never needs to know whose bill it reads: the trade bill (payments,
// refunds) and, where payouts leave through that provider, its account bill's transfer lines
// (account-bills.ts: WeChat's 资金账单, Alipay's 账务明细).
import { AlipayApiError, parseAlipayTradeBill as parseAlipayBill, parseWechatpayTradeBill as parseWechatBill, type PaymentClients, WechatpayApiError } from '../payments/index.js';
import { AccountBillMalformed, alipayAccountCsv, parseAlipayAccountBill, parseWechatFundFlow, wechatFundFlowCsv, type AccountBill } from './account-bills.js';
import type { LineKind, StatementProvider } from './tables.js';

export const STATEMENT_PROVIDERS: readonly StatementProvider[] = ['wechatpay', 'alipay'];

export interface BillLine {
  seq: number;
  kind: LineKind;
  outTradeNo: string;
  outRefundNo: string | null;
  providerTxnId: string | null;
  /** SUCCESS for money in (or out, for a payout); a refund's own status; RETURNED for a payout's money back; what another line says (REVOKED …) */
  state: string;
  /** money in for a payment, out for a refund; always >= 0 */
  amountFen: number;
  tradedAt: string;
}

export interface FetchedBill {
  lines: BillLine[];
  /** the provider's own summary figures, when its bill has them */
  summary: Record<string, number> | null;
  /** the account bill was fetched too: its transfer lines are among the lines (kinds payout, payout_return) */
  accountBill: boolean;
}

export interface FetchOptions {
  /** the provider says it has no trade bill of the day: may it be taken as an empty one? */
  noTradeBillMeansEmpty: () => Promise<boolean>;
  /** fetch the day's account bill too (the provider carries payouts) */
  accountBill: boolean;
  /** the provider has no account bill of the day: may it be taken as one without transfers? */
  noAccountBillMeansEmpty: () => Promise<boolean>;
}

/** The trade bill's summary gains these when the account bill was fetched. */
const ACCOUNT_PREFIX: Record<StatementProvider, string> = { wechatpay: 'fundflow', alipay: 'signcustomer' };

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

export async function fetchBill(clients: PaymentClients, provider: StatementProvider, day: string, options?: FetchOptions): Promise<FetchedBill> {
  let trade: FetchedBill;
  try {
    trade = provider === 'wechatpay' ? await fetchWechatpay(clients, day) : await fetchAlipay(clients, day);
  } catch (error) {
    if (!(options && error instanceof BillNotReady && error.noStatement && (await options.noTradeBillMeansEmpty()))) throw error;
    trade = { lines: [], summary: null, accountBill: false };
  }
  if (!options?.accountBill) return trade;
  const account = await fetchAccountBill(clients, provider, day, options);
  const lines = [...trade.lines];
  for (const l of account.lines) {
    lines.push({
      seq: lines.length + 1,
      kind: l.direction === 'out' ? 'payout' : 'payout_return',
      outTradeNo: l.businessNo,
      outRefundNo: null,
      providerTxnId: l.providerRef || null,
      state: l.direction === 'out' ? 'SUCCESS' : 'RETURNED',
      amountFen: l.amountFen,
      tradedAt: l.at,
    });
  }
  const summary = { ...(trade.summary ?? {}), accountBillLineCount: account.totalLines, accountBillTransferLineCount: account.lines.length };
  return { lines, summary, accountBill: true };
}

/** The account bill's transfer lines; its failures name the bill (fundflow:… / signcustomer:…). */
async function fetchAccountBill(clients: PaymentClients, provider: StatementProvider, day: string, options: FetchOptions): Promise<AccountBill> {
  const prefix = ACCOUNT_PREFIX[provider];
  let missing = false;
  try {
    if (provider === 'wechatpay') {
      if (!clients.wechatpay) throw new BillFetchError('NOT_CONFIGURED', false);
      return parseWechatFundFlow(await wechatFundFlowCsv(clients.wechatpay, day));
    }
    if (!clients.alipay) throw new BillFetchError('NOT_CONFIGURED', false);
    return parseAlipayAccountBill(await alipayAccountCsv(clients.alipay, day));
  } catch (error) {
    if (error instanceof AccountBillMalformed) throw new BillFetchError(`${prefix}:BILL_MALFORMED`, false, true);
    if (error instanceof WechatpayApiError) {
      // v3 names them NO_STATEMENT_EXIST / STATEMENT_CREATING, the older API NO_BILL_EXIST / BILL_CREATING
      if (error.code === 'STATEMENT_CREATING' || error.code === 'BILL_CREATING') throw new BillNotReady(`${prefix}:${error.code}`, false);
      if (error.code === 'NO_STATEMENT_EXIST' || error.code === 'NO_BILL_EXIST') missing = true;
      else throw new BillFetchError(`${prefix}:${error.code}`, error.retryable, error.code === 'RESPONSE_MALFORMED');
    } else if (error instanceof AlipayApiError) {
      if (error.subCode === 'isp.bill_not_exist') missing = true;
      else throw new BillFetchError(`${prefix}:${error.subCode ? `${error.code}:${error.subCode}` : error.code}`, error.retryable, error.code === 'INVALID_RESPONSE');
    } else {
      throw error;
    }
  }
  // no account bill: no money moved on the account that day, or it is not made yet
  if (missing && (await options.noAccountBillMeansEmpty())) return { lines: [], totalLines: 0 };
  throw new BillNotReady(`${prefix}:NO_STATEMENT_EXIST`, false);
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
  return { lines, summary: { tradeCount: bill.summary.tradeCount, settledTotalFen: bill.summary.settledTotalFen, refundTotalFen: bill.summary.refundTotalFen }, accountBill: false };
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
  return { lines, summary: null, accountBill: false };
}
