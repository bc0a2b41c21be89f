// The providers' account bills, where payouts show: WeChat Pay's 资金账单 of the basic account (every
// 商家转账 leaves from it) and Alipay's 账务明细 (bill_type signcustomer, every uni.transfer). Only the
// transfer lines are kept: payments and refunds on these bills are matched on the trade bill already.
//
// WeChat (申请资金账单, GET /v3/bill/fundflowbill?bill_date=&account_type=BASIC): a signed answer with
// hash_type SHA1, hash_value and download_url; the file is downloaded from download_url (same origin, signed
// request) and its SHA1 checked, as for the trade bill. Its CSV: a header 记账时间,微信支付业务单号,资金流水单号,
// 业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号, detail lines whose
// fields start with a backtick, then 资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额 and its figures. A
// transfer's 微信支付业务单号 is WeChat's transfer_bill_no and its 业务凭证号 the merchant's number (out_bill_no),
// as a refund's 业务凭证号 is the merchant's refund number; a line without one is matched by transfer_bill_no.
//
// Alipay (alipay.data.dataservice.bill.downloadurl.query, bill_type signcustomer): a zip of GBK CSVs like the
// trade bill; the 账务明细 has 账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,
// 支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注. A transfer's 商户订单号 is our out_biz_no, its 业务流水号
// Alipay's order_id.
import crypto from 'node:crypto';
import { type AlipayClient, WechatpayApiError, type WechatpayClient } from '../payments/index.js';
import { parseYuan } from '../../money.js';

/** A transfer line of an account bill: money out for a payout, or a failed transfer's money back. */
export interface AccountBillLine {
  direction: 'out' | 'back';
  /** the merchant's number of the transfer (out_bill_no / out_biz_no); '' when the line has none */
  businessNo: string;
  /** the provider's number of the transfer (transfer_bill_no / order_id) */
  providerRef: string;
  amountFen: number;
  at: string;
  /** 业务类型 as the bill prints it */
  type: string;
}

export interface AccountBill {
  lines: AccountBillLine[];
  /** every line of the bill, transfers or not */
  totalLines: number;
}

/** The bill is malformed: the parser refuses it. */
export class AccountBillMalformed extends Error {
  constructor(why: string) {
    super(`account bill malformed: ${why}`);
    this.name = 'AccountBillMalformed';
  }
}

/** The account whose bill lists WeChat's 商家转账 (WeChat's default: the basic account). */
export const WECHAT_TRANSFER_ACCOUNT = 'BASIC';

/** 业务名称 / 业务类型 of a WeChat transfer line (商家转账, the older 企业付款 to balance or bank card). */
const WECHAT_TRANSFER_BUSINESS = /商家转账|企业付款|转账到零钱|转账到银行卡/;
/** 业务类型 of an Alipay transfer line (转账, and 转账退回 / 转账退款 for the money of a failed one). */
const ALIPAY_TRANSFER_TYPE = /转账/;

function yuanToFen(text: string): number {
  try {
    return Math.abs(parseYuan(text.replace(/^\+/, '')));
  } catch {
    throw new AccountBillMalformed(`amount ${JSON.stringify(text.slice(0, 20))}`);
  }
}

// ------------------------------------------------------------------ WeChat Pay 资金账单

/**
 * The signed transport of the shared WechatpayClient (one merchant key, one platform-key cache). The client
 * has tradeBill but no fund-flow twin: until it offers fundFlowBill(date, accountType), its request path is
 * reached here, with the same checks tradeBill makes. (Reported to the payments module's owners.)
 */
interface WechatTransport {
  fundFlowBill?: (date: string, accountType: string) => Promise<string>;
  baseUrl: string;
  call(method: 'GET', pathWithQuery: string): Promise<Record<string, unknown>>;
  send(method: string, pathWithQuery: string, body: string, accept: string): Promise<{ status: number; bytes: Buffer; requestId?: string }>;
}

const wechatMalformed = (why: string) => new WechatpayApiError(200, 'RESPONSE_MALFORMED', false, `wechatpay fund-flow bill: ${why}`);

/** The day's 资金账单 CSV text after the SHA1 check. Errors are WechatpayApiError, as the client's. */
export async function wechatFundFlowCsv(client: WechatpayClient, date: string, accountType = WECHAT_TRANSFER_ACCOUNT): Promise<string> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError('date must be YYYY-MM-DD');
  const t = client as unknown as WechatTransport;
  if (typeof t.fundFlowBill === 'function') return t.fundFlowBill(date, accountType);
  const info = await t.call('GET', `/v3/bill/fundflowbill?bill_date=${date}&account_type=${accountType}`);
  const hash = typeof info.hash_value === 'string' ? info.hash_value.toLowerCase() : '';
  if (info.hash_type !== 'SHA1' || !/^[0-9a-f]{40}$/.test(hash)) throw wechatMalformed('bill hash');
  if (typeof info.download_url !== 'string') throw wechatMalformed('download_url missing');
  let url: URL;
  try {
    url = new URL(info.download_url);
  } catch {
    throw wechatMalformed('download_url');
  }
  // the download is signed with our key too: only to WeChat's own origin
  if (url.origin !== new URL(t.baseUrl).origin) throw wechatMalformed('download_url outside the API origin');
  const file = await t.send('GET', url.pathname + url.search, '', '*/*');
  if (file.status !== 200) {
    let code = '';
    try {
      code = String((JSON.parse(file.bytes.toString('utf8')) as { code?: unknown }).code ?? '');
    } catch {
      // not JSON
    }
    if (!/^[A-Z_]{1,64}$/.test(code)) code = `HTTP_${file.status}`;
    throw new WechatpayApiError(file.status, code, file.status >= 500 || code === 'SYSTEM_ERROR', `wechatpay fund-flow bill download answered ${file.status} ${code}`, file.requestId);
  }
  if (crypto.createHash('sha1').update(file.bytes).digest('hex') !== hash) {
    throw new WechatpayApiError(200, 'BILL_HASH_MISMATCH', true, 'wechatpay fund-flow bill: downloaded bytes do not match hash_value', file.requestId);
  }
  return file.bytes.toString('utf8');
}

/** Columns are found by their names (WeChat may reorder them; 元 in ASCII or full-width brackets). */
export function parseWechatFundFlow(csv: string): AccountBill {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const fields = (line: string) => (line.startsWith('`') ? line.slice(1).split(',`') : line.split(',')).map((f) => f.trim());
  const summaryAt = lines.findIndex((l) => l.replace(/^`/, '').startsWith('资金流水总笔数'));
  if (lines.length < 1 || summaryAt < 1 || summaryAt + 1 >= lines.length) throw new AccountBillMalformed('no header or summary');
  const header = fields(lines[0]!);
  const col = (prefix: string) => {
    const i = header.findIndex((h) => h.startsWith(prefix));
    if (i < 0) throw new AccountBillMalformed(`column ${prefix} missing`);
    return i;
  };
  const c = { at: col('记账时间'), wxNo: col('微信支付业务单号'), name: col('业务名称'), type: col('业务类型'), dir: col('收支类型'), amount: col('收支金额'), voucher: col('业务凭证号') };
  const detail = lines.slice(1, summaryAt);
  const out: AccountBillLine[] = [];
  for (const line of detail) {
    const f = fields(line);
    if (f.length !== header.length) throw new AccountBillMalformed('a line has a different number of fields');
    const dir = f[c.dir]!;
    if (dir !== '收入' && dir !== '支出') throw new AccountBillMalformed(`收支类型 ${JSON.stringify(dir.slice(0, 10))}`);
    const amountFen = yuanToFen(f[c.amount]!);
    if (!WECHAT_TRANSFER_BUSINESS.test(`${f[c.name]} ${f[c.type]}`)) continue;
    out.push({ direction: dir === '支出' ? 'out' : 'back', businessNo: f[c.voucher]!, providerRef: f[c.wxNo]!, amountFen, at: f[c.at]!, type: f[c.type]! });
  }
  // the summary counts the detail lines ("20.0"): a mismatch means a truncated or misread file
  const sHeader = fields(lines[summaryAt]!);
  const sValues = fields(lines[summaryAt + 1]!);
  const count = Number(sValues[sHeader.indexOf('资金流水总笔数')]);
  if (!Number.isSafeInteger(count) || count !== detail.length) throw new AccountBillMalformed('summary count differs from its lines');
  return { lines: out, totalLines: detail.length };
}

// ------------------------------------------------------------------ Alipay 账务明细

/** The day's 账务明细 CSV text (signcustomer). Errors are AlipayApiError, as the client's. */
export async function alipayAccountCsv(client: AlipayClient, date: string): Promise<string> {
  return client.downloadBill(await client.billDownloadUrl(date, 'signcustomer'));
}

/** One CSV line; quotes honoured. Alipay pads fields with a tab so Excel keeps them text. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export function parseAlipayAccountBill(csv: string): AccountBill {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  const headerAt = lines.findIndex((l) => l.includes('账务流水号') && l.includes('商户订单号'));
  if (headerAt < 0) throw new AccountBillMalformed('not an Alipay 账务明细: no header line');
  const header = csvFields(lines[headerAt]!);
  const col = (prefix: string) => {
    const i = header.findIndex((h) => h.startsWith(prefix));
    if (i < 0) throw new AccountBillMalformed(`column ${prefix} missing`);
    return i;
  };
  const c = { bizNo: col('业务流水号'), outNo: col('商户订单号'), at: col('发生时间'), income: col('收入金额'), expense: col('支出金额'), type: col('业务类型') };
  const detail = lines.slice(headerAt + 1);
  const out: AccountBillLine[] = [];
  for (const line of detail) {
    const f = csvFields(line);
    if (f.length < header.length) throw new AccountBillMalformed('a line has fewer fields than the header');
    const income = yuanToFen(f[c.income] || '0');
    const expense = yuanToFen(f[c.expense] || '0');
    if (!ALIPAY_TRANSFER_TYPE.test(f[c.type]!)) continue;
    if ((income > 0) === (expense > 0)) throw new AccountBillMalformed('a transfer line with both or neither of income and expense');
    out.push({ direction: expense > 0 ? 'out' : 'back', businessNo: f[c.outNo]!, providerRef: f[c.bizNo]!, amountFen: expense > 0 ? expense : income, at: f[c.at]!, type: f[c.type]! });
  }
  return { lines: out, totalLines: detail.length };
}
