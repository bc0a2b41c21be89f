// WeChat Pay's trade bill (交易账单) format, read by the statements module through the client.
import { parseYuan } from '../../money.js';
import { malformed } from './wechatpay-answers.js';

export interface TradeBillRow {
  tradeTime: string;
  appid: string;
  mchid: string;
  transactionId: string;
  outTradeNo: string;
  /** SUCCESS, REFUND (a refund line), REVOKED … */
  tradeState: string;
  /** 订单金额 when the bill has it, else 应结订单金额 */
  totalFen: number;
  /** 应结订单金额 */
  settledFen: number;
  refundId?: string;
  outRefundNo?: string;
  refundFen?: number;
  refundStatus?: string;
}
export interface TradeBill {
  rows: TradeBillRow[];
  summary: { tradeCount: number; settledTotalFen: number; refundTotalFen: number };
}

/** Yuan text ("12.30", "-0.01") to integer fen, without floating point. */
function yuanToFen(s: string): number {
  try {
    return parseYuan(s);
  } catch {
    throw malformed(`bill amount ${JSON.stringify(s.slice(0, 20))}`);
  }
}

/**
 * WeChat's documented bill: a header line, detail lines whose every field starts with a backtick (so spreadsheets
 * keep long numbers as text), then a summary header and a summary line. Columns are read by header name, as
 * WeChat says their order may change. Fields are split on ",`" so commas inside 商品名称 survive.
 */
export function parseTradeBill(csv: string): TradeBill {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const fields = (line: string) => (line.startsWith('`') ? line.slice(1).split(',`') : line.split(','));
  const summaryAt = lines.findIndex((l) => l.startsWith('总交易单数'));
  if (lines.length < 1 || summaryAt < 1 || summaryAt + 1 >= lines.length) throw malformed('bill has no header or summary');
  const header = fields(lines[0]!).map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const need = ['交易时间', '公众账号ID', '商户号', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '退款状态'];
  for (const n of need) if (col(n) < 0) throw malformed(`bill column ${n} missing`);
  const orderCol = col('订单金额');
  const rows = lines.slice(1, summaryAt).map((line): TradeBillRow => {
    const f = fields(line);
    if (f.length !== header.length) throw malformed('bill line has a different number of fields');
    const get = (n: string) => f[col(n)]!.trim();
    const settledFen = yuanToFen(get('应结订单金额'));
    const row: TradeBillRow = {
      tradeTime: get('交易时间'),
      appid: get('公众账号ID'),
      mchid: get('商户号'),
      transactionId: get('微信订单号'),
      outTradeNo: get('商户订单号'),
      tradeState: get('交易状态'),
      totalFen: orderCol >= 0 ? yuanToFen(f[orderCol]!.trim()) : settledFen,
      settledFen,
    };
    const refundId = get('微信退款单号');
    // Lines without a refund carry an empty or "0" refund number.
    if (refundId && refundId !== '0') {
      row.refundId = refundId;
      row.outRefundNo = get('商户退款单号');
      row.refundFen = yuanToFen(get('退款金额'));
      row.refundStatus = get('退款状态');
    }
    return row;
  });
  const sHeader = fields(lines[summaryAt]!).map((h) => h.trim());
  const sValues = fields(lines[summaryAt + 1]!).map((v) => v.trim());
  const sGet = (n: string) => sValues[sHeader.indexOf(n)] ?? '';
  const tradeCount = Number(sGet('总交易单数'));
  // The summary counts the detail lines: a mismatch means a truncated or misparsed file.
  if (!Number.isSafeInteger(tradeCount) || tradeCount !== rows.length) throw malformed('bill summary count differs from its lines');
  return { rows, summary: { tradeCount, settledTotalFen: yuanToFen(sGet('应结订单总金额')), refundTotalFen: yuanToFen(sGet('退款总金额')) } };
}
