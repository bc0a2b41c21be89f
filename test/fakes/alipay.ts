// A loopback Alipay classic gateway (gateway.do, OpenAPI 2.0) — what the official SDK's exec() and
// pageExec() speak — behaving as Alipay documents, so the real client and SDK run end to end:
// - every request's RSA2 signature is verified with the app's public key over all params but sign,
//   empties dropped, sorted by key; app_id, method, charset, sign_type, timestamp, version are checked
//   first (40001 isv.missing-*, 40002 isv.invalid-*), then biz_content per method;
// - answers are {"<method>_response": {...}, "sign": RSA2 of the inner JSON text} for failures too;
// - a page/WAP trade exists only once the buyer opens the cashier (before that: ACQ.TRADE_NOT_EXIST);
// - notifications are signed form posts (sign and sign_type excluded from the signed text), retried until
//   the answer is the plain text "success"; refunds and closes notify too;
// - refunds dedupe on out_request_no (a repeat answers fund_change N), transfers on out_biz_no;
// - a day's trade bill exists from the next day (fake clock, Beijing time), as a zip of GBK CSVs; so does its
//   account bill (bill_type signcustomer, 账务明细): trades in, refunds out, and the transfers it executed —
//   out when made (DEALING too: the money is reserved), back when a DEALING one fails.
// Business time (gmt_*, bills, time_expire) runs on the fake's clock (advanceClock); the request
// timestamp is checked against the real one, because the SDK stamps it from the real clock.
import { createSign, createVerify, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';

export interface AlipayFakeOptions {
  appId: string;
  appPublicKeyPem: string;
  alipayPrivateKeyPem: string;
  /** the merchant PID, default 2088 + 12 digits */
  sellerId?: string;
  /** the merchant's available balance for transfers, default 1 000 000.00 yuan */
  balanceFen?: number;
  /** waits between notification attempts; Alipay's are 4m,10m,10m,1h,2h,6h,15h (8 attempts) */
  notifyRetryDelaysMs?: number[];
}
export type AlipayFakeFailure = { code: string; subCode?: string } | { httpStatus: number } | { stall: true } | { drop: true };
export interface NotifyOptions { duplicate?: boolean; delayMs?: number; dropped?: boolean }
export interface NotifyOutcome { notifyId: string; acknowledged: boolean; attempts: number }
export interface NotifyAttempt { notifyId: string; outTradeNo: string; params: Record<string, string>; httpStatus?: number; answer?: string; acknowledged: boolean }
export interface FakePayee { identityType: 'ALIPAY_LOGON_ID' | 'ALIPAY_USER_ID'; identity: string; name: string; frozen?: boolean; /** transfers stay DEALING until settleTransfer */ dealing?: boolean }
export type BillDifference =
  | { kind: 'drop'; outTradeNo: string }
  | { kind: 'amount'; outTradeNo: string; amountFen: number }
  | { kind: 'extra'; outTradeNo: string; amountFen: number; date?: string };
type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED';
export interface FakeTrade {
  outTradeNo: string; tradeNo: string; method: string; subject: string; totalFen: number; status: TradeStatus;
  notifyUrl?: string; returnUrl?: string; quitUrl?: string; expiresAt?: number; createdAt: number; paidAt?: number; closedAt?: number;
  buyerId: string; refunds: Map<string, { refundFen: number; at: number }>; refundedFen: number;
}
export interface FakeTransfer { outBizNo: string; orderId: string; payFundOrderId: string; amountFen: number; payeeKey: string; status: 'SUCCESS' | 'FAIL' | 'DEALING'; createdAt: number; payDate?: number; failedAt?: number; errorCode?: string; failReason?: string }
/** Changes the 账务明细 (signcustomer): a transfer's lines dropped, its amount out changed, a transfer added. */
export type AccountBillDifference =
  | { kind: 'drop'; outBizNo: string }
  | { kind: 'amount'; outBizNo: string; amountFen: number }
  | { kind: 'extra'; outBizNo: string; amountFen: number; date?: string };
export interface AlipayFake {
  readonly url: string;
  /** give this to AlipayClient as gateway */
  readonly gateway: string;
  readonly trades: ReadonlyMap<string, FakeTrade>;
  readonly transfers: ReadonlyMap<string, FakeTransfer>;
  readonly requests: Array<{ method: string; params: Record<string, string>; biz?: Record<string, any> }>;
  readonly notifications: NotifyAttempt[];
  readonly balanceFen: number;
  /** the buyer pays at the cashier; resolves when the notification is acknowledged or given up */
  pay(outTradeNo: string, opts?: NotifyOptions): Promise<NotifyOutcome>;
  /** (re)sends a notification of the trade's current state */
  notify(outTradeNo: string, opts?: NotifyOptions): Promise<NotifyOutcome>;
  /** the next payment a buyer makes at the cashier page is notified like this (e.g. dropped) */
  onNextBuyerPayment(opts: NotifyOptions): void;
  /** the next authentic request for this method answers with the failure instead */
  failNext(method: string, failure: AlipayFakeFailure): void;
  /** the next API answer is altered after signing */
  tamperNextResponse(): void;
  addPayee(payee: FakePayee): void;
  receivedFen(identity: string): number;
  setBalance(fen: number): void;
  settleTransfer(outBizNo: string, status: 'SUCCESS' | 'FAIL'): void;
  plantBillDifference(diff: BillDifference): void;
  plantAccountBillDifference(diff: AccountBillDifference): void;
  advanceClock(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

const MSG: Record<string, string> = { '10000': 'Success', '20000': 'Service Currently Unavailable', '40001': 'Missing Required Arguments', '40002': 'Invalid Arguments', '40004': 'Business Failed', '40006': 'Insufficient Permissions' };
const PAGE_METHODS: Record<string, string> = { 'alipay.trade.wap.pay': 'QUICK_WAP_WAY', 'alipay.trade.page.pay': 'FAST_INSTANT_TRADE_PAY' };
const AMOUNT = /^(0|[1-9]\d{0,8})\.\d{2}$/;
const bj = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
const fen = (yuan: string) => Number(yuan.replace('.', ''));
const yuan = (f: number) => `${f < 0 ? '-' : ''}${Math.floor(Math.abs(f) / 100)}.${String(Math.abs(f) % 100).padStart(2, '0')}`;
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

class Refusal extends Error {
  constructor(readonly code: string, readonly subCode: string) { super(subCode); }
}
const biz = (subCode: string) => new Refusal('40004', subCode);

/** Alipay's signing text: params but the excluded ones, empties dropped, sorted, k=v joined by &. */
function signingText(params: Record<string, string>, exclude: string[]): string {
  return Object.keys(params).filter((k) => !exclude.includes(k) && params[k] !== '').sort().map((k) => `${k}=${params[k]}`).join('&');
}

let gbkTable: Map<string, number> | undefined;
/** GBK bytes, from the inverse of the platform's GBK decoder (no iconv dependency). */
function gbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let a = 0x81; a <= 0xfe; a += 1) for (let b = 0x40; b <= 0xfe; b += 1) {
      try {
        const ch = b === 0x7f ? '' : decoder.decode(Uint8Array.of(a, b));
        if (ch.length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, (a << 8) | b);
      } catch { /* not a GBK pair */ }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const g = c < 0x80 ? undefined : gbkTable.get(ch);
    if (c < 0x80) out.push(c); else if (g !== undefined) out.push(g >> 8, g & 0xff); else out.push(0x3f);
  }
  return Buffer.from(out);
}

/** A deflated zip with GBK names and no UTF-8 flag, like Alipay's bill archives. */
function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = gbk(f.name);
    const comp = zlib.deflateRawSync(f.data);
    const crc = zlib.crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(comp.length, 18); local.writeUInt32LE(f.data.length, 22); local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(20, 4); entry.writeUInt16LE(20, 6); entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16); entry.writeUInt32LE(comp.length, 20); entry.writeUInt32LE(f.data.length, 24); entry.writeUInt16LE(name.length, 28); entry.writeUInt32LE(offset, 42);
    parts.push(local, name, comp);
    central.push(entry, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const BILL_HEADER = '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

export async function startAlipayFake(options: AlipayFakeOptions): Promise<AlipayFake> {
  const sellerId = options.sellerId ?? `2088${digits(12)}`;
  const delays = options.notifyRetryDelaysMs ?? [50, 100, 200, 400, 800, 1600, 3200];
  const trades = new Map<string, FakeTrade>();
  const transfers = new Map<string, FakeTransfer>();
  const payees = new Map<string, FakePayee & { receivedFen: number }>();
  const requests: AlipayFake['requests'] = [];
  const notifications: NotifyAttempt[] = [];
  const failures = new Map<string, AlipayFakeFailure[]>();
  const differences: Array<BillDifference & { plantedDay: string }> = [];
  const accountDifferences: Array<AccountBillDifference & { plantedDay: string }> = [];
  const billTokens = new Map<string, { date: string; type: 'trade' | 'signcustomer'; expiresAt: number }>();
  const waits = new Set<() => void>();
  const stalled = new Set<Socket>();
  let balanceFen = options.balanceFen ?? 100_000_000;
  let tamper = false;
  let nextBuyerNotify: NotifyOptions | undefined;
  let clockOffset = 0;
  let closed = false;
  const now = () => Date.now() + clockOffset;
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const done = () => { clearTimeout(timer); waits.delete(done); resolve(); };
    const timer = setTimeout(done, ms);
    waits.add(done);
  });
  const sign = (text: string) => createSign('RSA-SHA256').update(text, 'utf8').sign(options.alipayPrivateKeyPem, 'base64');
  const signed = (p: Record<string, string>) => ({ ...p, sign: sign(signingText(p, ['sign', 'sign_type'])) });

  function authenticate(p: Record<string, string>): void {
    for (const [key, sub] of [['app_id', 'app-id'], ['method', 'method'], ['sign', 'signature'], ['sign_type', 'signature-type'], ['timestamp', 'timestamp'], ['version', 'version']]) {
      if (!p[key]) throw new Refusal('40001', `isv.missing-${sub}`);
    }
    if (p.app_id !== options.appId) throw new Refusal('40002', 'isv.invalid-app-id');
    if (p.sign_type !== 'RSA2') throw new Refusal('40002', 'isv.invalid-signature-type');
    if (p.charset && p.charset.toLowerCase() !== 'utf-8') throw new Refusal('40002', 'isv.invalid-charset');
    // the SDK stamps local time; Alipay tolerates a small skew
    const ts = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(p.timestamp);
    const at = ts ? new Date(+ts[1], +ts[2] - 1, +ts[3], +ts[4], +ts[5], +ts[6]).getTime() : NaN;
    if (!ts || !(Math.abs(Date.now() - at) <= 15 * 60_000)) throw new Refusal('40002', 'isv.invalid-timestamp');
    if (p.version !== '1.0') throw new Refusal('40002', 'isv.invalid-parameter');
    const ok = createVerify('RSA-SHA256').update(signingText(p, ['sign']), 'utf8').verify(options.appPublicKeyPem, p.sign, 'base64');
    if (!ok) throw new Refusal('40002', 'isv.invalid-signature');
  }

  function bizContent(p: Record<string, string>): Record<string, any> {
    try {
      const v = JSON.parse(p.biz_content ?? '{}');
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch { /* fall through */ }
    throw new Refusal('40002', 'isv.invalid-parameter');
  }

  function answer(res: http.ServerResponse, method: string, inner: Record<string, unknown>): void {
    let text = JSON.stringify(inner);
    const signature = sign(text);
    if (tamper) {
      tamper = false;
      const altered = { ...inner } as Record<string, unknown>;
      const field = ['total_amount', 'refund_fee', 'trans_amount', 'refund_amount'].find((k) => typeof altered[k] === 'string');
      if (field) altered[field] = '99999.99'; else altered.msg = `${String(altered.msg)} `;
      text = JSON.stringify(altered);
    }
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(`{"${method.replaceAll('.', '_')}_response":${text},"sign":"${signature}"}`);
  }
  const refusal = (r: Refusal) => ({ code: r.code, msg: MSG[r.code] ?? 'Business Failed', sub_code: r.subCode, sub_msg: r.subCode });

  /** time_expire passed while unpaid: Alipay closes the trade. */
  function touch(t: FakeTrade): FakeTrade {
    if (t.status === 'WAIT_BUYER_PAY' && t.expiresAt !== undefined && now() > t.expiresAt) {
      t.status = 'TRADE_CLOSED';
      t.closedAt = now();
      void notify(t.outTradeNo).catch(() => {});
    }
    return t;
  }
  function trade(b: Record<string, any>): FakeTrade {
    if (!b.out_trade_no && !b.trade_no) throw biz('ACQ.INVALID_PARAMETER');
    const t = b.trade_no ? [...trades.values()].find((x) => x.tradeNo === b.trade_no) : trades.get(String(b.out_trade_no));
    if (!t) throw biz('ACQ.TRADE_NOT_EXIST');
    return touch(t);
  }
  const masked = (t: FakeTrade) => `159****${t.buyerId.slice(-4)}`;

  function transferAnswer(x: FakeTransfer) {
    return { out_biz_no: x.outBizNo, order_id: x.orderId, pay_fund_order_id: x.payFundOrderId, status: x.status, trans_date: bj(x.createdAt) };
  }

  const api: Record<string, (b: Record<string, any>) => Record<string, unknown>> = {
    'alipay.trade.query': (b) => {
      const t = trade(b);
      const paid = t.paidAt !== undefined;
      return {
        trade_no: t.tradeNo, out_trade_no: t.outTradeNo, buyer_logon_id: masked(t), buyer_user_id: t.buyerId, trade_status: t.status,
        total_amount: yuan(t.totalFen), buyer_pay_amount: yuan(paid ? t.totalFen : 0), point_amount: '0.00', invoice_amount: yuan(paid ? t.totalFen : 0),
        receipt_amount: yuan(paid ? t.totalFen : 0), ...(paid ? { send_pay_date: bj(t.paidAt!) } : {}),
      };
    },
    'alipay.trade.close': (b) => {
      const t = trade(b);
      if (t.status !== 'WAIT_BUYER_PAY') throw biz('ACQ.TRADE_STATUS_ERROR');
      t.status = 'TRADE_CLOSED';
      t.closedAt = now();
      void notify(t.outTradeNo).catch(() => {});
      return { trade_no: t.tradeNo, out_trade_no: t.outTradeNo };
    },
    'alipay.trade.refund': (b) => {
      const t = trade(b);
      if (!AMOUNT.test(String(b.refund_amount)) || fen(b.refund_amount) < 1) throw biz('ACQ.INVALID_PARAMETER');
      // out_request_no is optional at Alipay; required here because idempotent retries depend on it
      if (!b.out_request_no || String(b.out_request_no).length > 64) throw biz('ACQ.INVALID_PARAMETER');
      const amount = fen(b.refund_amount);
      const base = { trade_no: t.tradeNo, out_trade_no: t.outTradeNo, buyer_logon_id: masked(t), send_back_fee: '0.00' };
      const earlier = t.refunds.get(b.out_request_no);
      if (earlier) {
        if (earlier.refundFen !== amount) throw biz('ACQ.DISCORDANT_REPEAT_REQUEST');
        return { ...base, fund_change: 'N', refund_fee: yuan(t.refundedFen), gmt_refund_pay: bj(earlier.at) };
      }
      if (t.status === 'TRADE_CLOSED') throw biz('ACQ.TRADE_HAS_CLOSE');
      if (t.status === 'TRADE_FINISHED') throw biz('ACQ.TRADE_HAS_FINISHED');
      if (t.status !== 'TRADE_SUCCESS') throw biz('ACQ.TRADE_STATUS_ERROR');
      if (t.refundedFen + amount > t.totalFen) throw biz('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
      t.refunds.set(b.out_request_no, { refundFen: amount, at: now() });
      t.refundedFen += amount;
      if (t.refundedFen === t.totalFen) { t.status = 'TRADE_CLOSED'; t.closedAt = now(); }
      void notify(t.outTradeNo, {}, b.out_request_no).catch(() => {});
      return { ...base, fund_change: 'Y', refund_fee: yuan(t.refundedFen), gmt_refund_pay: bj(now()) };
    },
    'alipay.trade.fastpay.refund.query': (b) => {
      const t = trade(b);
      if (!b.out_request_no) throw biz('ACQ.INVALID_PARAMETER');
      const r = t.refunds.get(b.out_request_no);
      if (!r) return { trade_no: t.tradeNo, out_trade_no: t.outTradeNo };
      return { trade_no: t.tradeNo, out_trade_no: t.outTradeNo, out_request_no: b.out_request_no, total_amount: yuan(t.totalFen), refund_amount: yuan(r.refundFen), refund_status: 'REFUND_SUCCESS', gmt_refund_pay: bj(r.at) };
    },
    'alipay.fund.trans.uni.transfer': (b) => {
      const payee = b.payee_info ?? {};
      if (!/^[A-Za-z0-9_]{1,64}$/.test(String(b.out_biz_no)) || !AMOUNT.test(String(b.trans_amount)) || b.product_code !== 'TRANS_ACCOUNT_NO_PWD'
        || b.biz_scene !== 'DIRECT_TRANSFER' || !b.order_title || !payee.identity || !['ALIPAY_LOGON_ID', 'ALIPAY_USER_ID'].includes(payee.identity_type)
        || (payee.identity_type === 'ALIPAY_LOGON_ID' && !payee.name)) throw biz('INVALID_PARAMETER');
      const amount = fen(b.trans_amount);
      const payeeKey = `${payee.identity_type}:${payee.identity}`;
      const earlier = transfers.get(b.out_biz_no);
      if (earlier) {
        // the same out_biz_no never pays twice: same order → the same answer; different order → refused
        if (earlier.amountFen !== amount || earlier.payeeKey !== payeeKey) throw biz('PAYMENT_INFO_INCONSISTENCY');
        return transferAnswer(earlier);
      }
      if (amount < 10) throw biz('EXCEED_LIMIT_SM_MIN_AMOUNT'); // 0.1 yuan minimum to an Alipay account
      const account = payees.get(payeeKey);
      if (!account) throw biz('PAYEE_NOT_EXIST');
      if (payee.name && payee.name !== account.name) throw biz('PAYEE_USER_INFO_ERROR');
      if (account.frozen) throw biz('PAYEE_ACCOUNT_STATUS_ERROR');
      if (balanceFen < amount) throw biz('PAYER_BALANCE_NOT_ENOUGH');
      balanceFen -= amount;
      const x: FakeTransfer = {
        outBizNo: b.out_biz_no, orderId: `${bj(now()).slice(0, 10).replaceAll('-', '')}110070000${digits(13)}`, payFundOrderId: `${bj(now()).slice(0, 10).replaceAll('-', '')}110070001${digits(13)}`,
        amountFen: amount, payeeKey, status: account.dealing ? 'DEALING' : 'SUCCESS', createdAt: now(),
      };
      if (x.status === 'SUCCESS') { x.payDate = now(); account.receivedFen += amount; }
      transfers.set(x.outBizNo, x);
      return transferAnswer(x);
    },
    'alipay.fund.trans.common.query': (b) => {
      if (b.product_code !== 'TRANS_ACCOUNT_NO_PWD' || b.biz_scene !== 'DIRECT_TRANSFER' || (!b.out_biz_no && !b.order_id)) throw biz('INVALID_PARAMETER');
      const x = b.out_biz_no ? transfers.get(b.out_biz_no) : [...transfers.values()].find((y) => y.orderId === b.order_id);
      if (!x) throw biz('ORDER_NOT_EXIST');
      return {
        out_biz_no: x.outBizNo, order_id: x.orderId, pay_fund_order_id: x.payFundOrderId, status: x.status, trans_amount: yuan(x.amountFen), order_fee: '0.00',
        ...(x.payDate ? { pay_date: bj(x.payDate) } : {}), ...(x.errorCode ? { error_code: x.errorCode, fail_reason: x.failReason } : {}),
      };
    },
    'alipay.data.dataservice.bill.downloadurl.query': (b) => {
      // the trade bill (业务明细) and the account bill (账务明细) are modelled
      if ((b.bill_type !== 'trade' && b.bill_type !== 'signcustomer') || !/^\d{4}-\d{2}-\d{2}$/.test(String(b.bill_date))) throw new Refusal('40002', 'isv.invalid-parameter');
      if (b.bill_date >= bj(now()).slice(0, 10)) throw biz('isp.bill_not_exist'); // generated the next day
      const token = randomBytes(16).toString('hex');
      billTokens.set(token, { date: b.bill_date, type: b.bill_type, expiresAt: Date.now() + 30_000 });
      const d = String(b.bill_date).replaceAll('-', '');
      return { bill_download_url: `${url}/downloadBillFile.resource?bizType=${b.bill_type}&userId=${sellerId}&fileType=csv.zip&bizDates=${d}&downloadFileName=${sellerId}0156_${d}.csv.zip&token=${token}` };
    },
  };

  function billFiles(date: string): Array<{ name: string; data: Buffer }> {
    type Row = { tradeNo: string; outTradeNo: string; type: '交易' | '退款'; subject: string; created: string; done: string; buyer: string; orderFen: number; fen: number; refundNo: string };
    let rows: Row[] = [];
    for (const t of trades.values()) {
      const common = { tradeNo: t.tradeNo, outTradeNo: t.outTradeNo, subject: t.subject, created: bj(t.createdAt), buyer: masked(t), orderFen: t.totalFen };
      if (t.paidAt !== undefined && bj(t.paidAt).startsWith(date)) rows.push({ ...common, type: '交易', done: bj(t.paidAt), fen: t.totalFen, refundNo: '' });
      for (const [no, r] of t.refunds) if (bj(r.at).startsWith(date)) rows.push({ ...common, type: '退款', done: bj(r.at), fen: -r.refundFen, refundNo: no });
    }
    for (const d of differences) {
      if (d.kind === 'drop') rows = rows.filter((r) => r.outTradeNo !== d.outTradeNo);
      if (d.kind === 'amount') rows.forEach((r) => { if (r.outTradeNo === d.outTradeNo && r.type === '交易') r.fen = d.amountFen; });
      if (d.kind === 'extra' && (d.date ?? d.plantedDay) === date) {
        const at = `${date} 12:00:00`;
        rows.push({ tradeNo: `${date.replaceAll('-', '')}22001${digits(15)}`, outTradeNo: d.outTradeNo, type: '交易', subject: '-', created: at, done: at, buyer: '159****0000', orderFen: d.amountFen, fen: d.amountFen, refundNo: '' });
      }
    }
    const nextDay = bj(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000).slice(0, 10);
    const cn = (d: string) => `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日 00:00:00`;
    const sum = (type: string) => rows.filter((r) => r.type === type).reduce((s, r) => s + r.fen, 0);
    const lines = [
      '#支付宝业务明细查询', `#账号：[${sellerId}0156]`, `#起始日期：[${cn(date)}]   终止日期：[${cn(nextDay)}]`,
      '#-----------------------------------------业务明细列表----------------------------------------', BILL_HEADER,
      ...rows.map((r) => [`${r.tradeNo}\t`, `${r.outTradeNo}\t`, r.type, r.subject, r.created, r.done, '', '', '', '', r.buyer, yuan(r.orderFen), yuan(r.fen),
        '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', r.refundNo ? `${r.refundNo}\t` : '', '0.00', '0.00', ''].map(csvCell).join(',')),
      '#-----------------------------------------业务明细列表结束------------------------------------',
      `#交易合计：${rows.filter((r) => r.type === '交易').length}笔，商家实收共：${yuan(sum('交易'))}元，商家优惠共：0.00元`,
      `#退款合计：${rows.filter((r) => r.type === '退款').length}笔，商家实收退款共：${yuan(sum('退款'))}元，商家优惠退款共：0.00元`,
      `#导出时间：[${bj(now())}]`,
    ];
    const summary = ['#支付宝业务汇总查询', `#账号：[${sellerId}0156]`, '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）',
      `合计,,${rows.filter((r) => r.type === '交易').length},${rows.filter((r) => r.type === '退款').length},${yuan(sum('交易'))},${yuan(sum('交易') + sum('退款'))}`];
    const d = date.replaceAll('-', '');
    return [
      { name: `${sellerId}0156_${d}_业务明细.csv`, data: gbk(`${lines.join('\r\n')}\r\n`) },
      { name: `${sellerId}0156_${d}_业务明细(汇总).csv`, data: gbk(`${summary.join('\r\n')}\r\n`) },
    ];
  }

  /** The 账务明细 of a day: every movement of the merchant's account, with its running balance. */
  function accountFiles(date: string): Array<{ name: string; data: Buffer }> {
    type Row = { flowNo: string; bizNo: string; outNo: string; subject: string; at: number; other: string; fen: number; channel: string; type: string; remark: string };
    let rows: Row[] = [];
    const flowNo = () => `${date.replaceAll('-', '')}${digits(18)}`;
    const on = (ms: number | undefined) => ms !== undefined && bj(ms).startsWith(date);
    for (const t of trades.values()) {
      if (on(t.paidAt)) rows.push({ flowNo: flowNo(), bizNo: t.tradeNo, outNo: t.outTradeNo, subject: t.subject, at: t.paidAt!, other: masked(t), fen: t.totalFen, channel: '支付宝', type: '交易', remark: '' });
      for (const [no, r] of t.refunds) if (on(r.at)) rows.push({ flowNo: flowNo(), bizNo: t.tradeNo, outNo: t.outTradeNo, subject: t.subject, at: r.at, other: masked(t), fen: -r.refundFen, channel: '支付宝', type: '交易退款', remark: no });
    }
    for (const x of transfers.values()) {
      const payee = x.payeeKey.split(':').slice(1).join(':');
      if (on(x.createdAt)) rows.push({ flowNo: flowNo(), bizNo: x.orderId, outNo: x.outBizNo, subject: '转账', at: x.createdAt, other: payee, fen: -x.amountFen, channel: '支付宝', type: '转账', remark: '' });
      if (on(x.failedAt)) rows.push({ flowNo: flowNo(), bizNo: x.orderId, outNo: x.outBizNo, subject: '转账', at: x.failedAt!, other: payee, fen: x.amountFen, channel: '支付宝', type: '转账退回', remark: x.failReason ?? '' });
    }
    for (const d of accountDifferences) {
      if (d.kind === 'drop') rows = rows.filter((r) => r.outNo !== d.outBizNo);
      if (d.kind === 'amount') rows.forEach((r) => { if (r.outNo === d.outBizNo && r.fen < 0) r.fen = -d.amountFen; });
      if (d.kind === 'extra' && (d.date ?? d.plantedDay) === date) {
        rows.push({ flowNo: flowNo(), bizNo: `${date.replaceAll('-', '')}110070000${digits(13)}`, outNo: d.outBizNo, subject: '转账', at: Date.parse(`${date}T12:00:00+08:00`), other: 'someone@example.com', fen: -d.amountFen, channel: '支付宝', type: '转账', remark: '' });
      }
    }
    rows.sort((a, b) => a.at - b.at);
    let balance = 100_000_000; // the day's opening balance
    const nextDay = bj(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000).slice(0, 10);
    const cn = (d: string) => `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日 00:00:00`;
    const income = rows.filter((r) => r.fen > 0);
    const expense = rows.filter((r) => r.fen < 0);
    const total = (rs: Row[]) => rs.reduce((s, r) => s + Math.abs(r.fen), 0);
    const lines = [
      '#支付宝账务明细查询', `#账号：[${sellerId}0156]`, `#起始日期：[${cn(date)}]   终止日期：[${cn(nextDay)}]`,
      '#-----------------------------------------账务明细列表----------------------------------------',
      '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注',
      ...rows.map((r) => {
        balance += r.fen;
        return [`${r.flowNo}\t`, `${r.bizNo}\t`, `${r.outNo}\t`, r.subject, bj(r.at), r.other, r.fen > 0 ? `+${yuan(r.fen)}` : '0.00', r.fen < 0 ? yuan(r.fen) : '0.00', yuan(balance), r.channel, r.type, r.remark].map(csvCell).join(',');
      }),
      '#-----------------------------------------账务明细列表结束------------------------------------',
      `#支出合计：${expense.length}笔，共${yuan(total(expense))}元`,
      `#收入合计：${income.length}笔，共${yuan(total(income))}元`,
      `#导出时间：[${bj(now())}]`,
    ];
    const summary = ['#支付宝账务汇总查询', `#账号：[${sellerId}0156]`, '业务类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）',
      `合计,${income.length},${yuan(total(income))},${expense.length},${yuan(-total(expense))}`];
    const d = date.replaceAll('-', '');
    return [
      { name: `${sellerId}0156_${d}_账务明细.csv`, data: gbk(`${lines.join('\r\n')}\r\n`) },
      { name: `${sellerId}0156_${d}_账务明细(汇总).csv`, data: gbk(`${summary.join('\r\n')}\r\n`) },
    ];
  }

  function notifyParams(t: FakeTrade, refundNo?: string): Record<string, string> {
    const paid = t.paidAt !== undefined ? yuan(t.totalFen) : '0.00';
    const p: Record<string, string> = {
      notify_time: bj(now()), notify_type: 'trade_status_sync', notify_id: `${bj(now()).replace(/\D/g, '')}${randomBytes(8).toString('hex')}`, charset: 'utf-8', version: '1.0',
      sign_type: 'RSA2', app_id: options.appId, auth_app_id: options.appId, trade_no: t.tradeNo, out_trade_no: t.outTradeNo, trade_status: t.status,
      total_amount: yuan(t.totalFen), receipt_amount: paid, invoice_amount: paid, buyer_pay_amount: paid, point_amount: '0.00', subject: t.subject,
      buyer_id: t.buyerId, buyer_logon_id: masked(t), seller_id: sellerId, gmt_create: bj(t.createdAt),
    };
    if (t.paidAt !== undefined) { p.gmt_payment = bj(t.paidAt); p.fund_bill_list = JSON.stringify([{ amount: paid, fundChannel: 'ALIPAYACCOUNT' }]); }
    if (refundNo) { p.refund_fee = yuan(t.refundedFen); p.out_biz_no = refundNo; p.gmt_refund = `${bj(t.refunds.get(refundNo)!.at)}.000`; }
    if (t.closedAt !== undefined) p.gmt_close = bj(t.closedAt);
    return signed(p);
  }

  async function deliverUntilAcknowledged(t: FakeTrade, params: Record<string, string>): Promise<{ acknowledged: boolean; attempts: number }> {
    for (let attempt = 0; attempt <= delays.length && !closed; attempt += 1) {
      const record: NotifyAttempt = { notifyId: params.notify_id, outTradeNo: t.outTradeNo, params, acknowledged: false };
      notifications.push(record);
      try {
        const res = await fetch(t.notifyUrl!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(5000) });
        record.httpStatus = res.status;
        record.answer = await res.text();
        record.acknowledged = res.status === 200 && record.answer.trim() === 'success';
      } catch { /* unreachable or timed out: retried like any other failure */ }
      if (record.acknowledged) return { acknowledged: true, attempts: attempt + 1 };
      if (attempt < delays.length) await wait(delays[attempt]);
    }
    return { acknowledged: false, attempts: notifications.filter((n) => n.notifyId === params.notify_id).length };
  }

  async function notify(outTradeNo: string, opts: NotifyOptions = {}, refundNo?: string): Promise<NotifyOutcome> {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`alipay fake: no trade ${outTradeNo}`);
    const params = notifyParams(t, refundNo);
    if (opts.dropped || !t.notifyUrl) return { notifyId: params.notify_id, acknowledged: false, attempts: 0 };
    if (opts.delayMs) await wait(opts.delayMs);
    const first = await deliverUntilAcknowledged(t, params);
    if (!opts.duplicate) return { notifyId: params.notify_id, ...first };
    const again = await deliverUntilAcknowledged(t, params); // Alipay may deliver an acknowledged notification again
    return { notifyId: params.notify_id, acknowledged: first.acknowledged && again.acknowledged, attempts: first.attempts + again.attempts };
  }

  function markPaid(outTradeNo: string): FakeTrade {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error(`alipay fake: trade ${outTradeNo} was never opened at the cashier`);
    touch(t);
    if (t.status !== 'WAIT_BUYER_PAY') throw new Error(`alipay fake: trade ${outTradeNo} is ${t.status}`);
    t.status = 'TRADE_SUCCESS';
    t.paidAt = now();
    return t;
  }

  function page(res: http.ServerResponse, body: string, status = 200): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>支付宝</title></head><body>${body}</body></html>`);
  }
  const errorPage = (res: http.ServerResponse, code: string) => page(res, `<h1>支付宝</h1><p id="error" data-code="${esc(code)}">错误代码 ${esc(code)}</p>`);

  /** The cashier a browser opens with the signed page/WAP params: it creates the trade (as Alipay does). */
  function cashier(res: http.ServerResponse, p: Record<string, string>): void {
    const b = bizContent(p);
    const productCode = PAGE_METHODS[p.method];
    if (!/^[A-Za-z0-9_]{1,64}$/.test(String(b.out_trade_no)) || !AMOUNT.test(String(b.total_amount)) || fen(b.total_amount) < 1 || fen(b.total_amount) > 10_000_000_000
      || !b.subject || String(b.subject).length > 256 || b.product_code !== productCode || (p.method === 'alipay.trade.wap.pay' && !b.quit_url)) throw biz('ACQ.INVALID_PARAMETER');
    let expiresAt: number | undefined;
    if (b.time_expire) {
      expiresAt = Date.parse(`${String(b.time_expire).replace(' ', 'T')}+08:00`);
      if (Number.isNaN(expiresAt)) throw biz('ACQ.INVALID_PARAMETER');
    }
    const existing = trades.get(b.out_trade_no);
    if (existing) {
      touch(existing);
      if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') throw biz('ACQ.TRADE_HAS_SUCCESS');
      if (existing.status === 'TRADE_CLOSED') throw biz('ACQ.TRADE_HAS_CLOSE');
      if (existing.totalFen !== fen(b.total_amount)) throw biz('ACQ.CONTEXT_INCONSISTENT');
    } else if (expiresAt !== undefined && expiresAt <= now()) {
      throw biz('ACQ.TRADE_HAS_CLOSE');
    }
    const t: FakeTrade = existing ?? {
      outTradeNo: b.out_trade_no, tradeNo: `${bj(now()).slice(0, 10).replaceAll('-', '')}22001${digits(15)}`, method: p.method, subject: b.subject, totalFen: fen(b.total_amount),
      status: 'WAIT_BUYER_PAY', createdAt: now(), buyerId: `2088${digits(12)}`, refunds: new Map(), refundedFen: 0,
    };
    Object.assign(t, { notifyUrl: p.notify_url || t.notifyUrl, returnUrl: p.return_url || t.returnUrl, quitUrl: b.quit_url || t.quitUrl, expiresAt: expiresAt ?? t.expiresAt });
    trades.set(t.outTradeNo, t);
    page(res, `<h1>支付宝 · 收银台</h1><p id="subject">${esc(t.subject)}</p><p id="amount">¥${yuan(t.totalFen)}</p>`
      + `<form method="post" action="/cashier/pay"><input type="hidden" name="out_trade_no" value="${esc(t.outTradeNo)}"><button id="pay" type="submit">确认付款</button></form>`
      + (t.quitUrl ? `<a id="quit" href="${esc(t.quitUrl)}">返回商家</a>` : ''));
  }

  function cashierPay(res: http.ServerResponse, outTradeNo: string): void {
    let t: FakeTrade;
    try { t = markPaid(outTradeNo); } catch { return errorPage(res, 'ACQ.TRADE_STATUS_ERROR'); }
    const notifyOptions = nextBuyerNotify ?? {};
    nextBuyerNotify = undefined;
    void notify(t.outTradeNo, notifyOptions).catch(() => {});
    if (!t.returnUrl) return page(res, '<h1 id="paid">支付成功</h1>');
    const back = signed({
      charset: 'utf-8', out_trade_no: t.outTradeNo, method: `${t.method}.return`, total_amount: yuan(t.totalFen), trade_no: t.tradeNo, auth_app_id: options.appId,
      version: '1.0', app_id: options.appId, sign_type: 'RSA2', seller_id: sellerId, timestamp: bj(now()),
    });
    const target = new URL(t.returnUrl);
    for (const [k, v] of Object.entries(back)) target.searchParams.set(k, v);
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  async function gateway(req: http.IncomingMessage, res: http.ServerResponse, p: Record<string, string>): Promise<void> {
    const method = p.method ?? '';
    const record: AlipayFake['requests'][number] = { method, params: p };
    requests.push(record);
    const isPage = method in PAGE_METHODS;
    try {
      authenticate(p);
      if (!isPage && !api[method]) throw new Refusal('40002', 'isv.invalid-method');
      record.biz = bizContent(p);
      const failure = failures.get(method)?.shift();
      if (failure && 'stall' in failure) { stalled.add(req.socket); return; }
      if (failure && 'drop' in failure) { req.socket.destroy(); return; }
      if (failure && 'httpStatus' in failure) { res.writeHead(failure.httpStatus, { 'content-type': 'text/html' }); res.end('<html>Bad Gateway</html>'); return; }
      if (failure) throw new Refusal(failure.code, failure.subCode ?? '');
      if (isPage) return cashier(res, p);
      answer(res, method, { code: '10000', msg: 'Success', ...api[method](record.biz) });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      if (isPage) return errorPage(res, err.subCode);
      answer(res, method || 'error', refusal(err));
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const params: Record<string, string> = Object.fromEntries(u.searchParams);
      if (req.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
      const run = async () => {
        if (u.pathname === '/gateway.do') return gateway(req, res, params);
        if (u.pathname === '/cashier/pay' && req.method === 'POST') return cashierPay(res, params.out_trade_no ?? '');
        if (u.pathname === '/downloadBillFile.resource') {
          const grant = billTokens.get(params.token ?? '');
          if (!grant || grant.expiresAt < Date.now()) { res.writeHead(403, { 'content-type': 'text/plain' }); res.end('download link expired'); return; }
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="bill.csv.zip"' });
          res.end(zip(grant.type === 'signcustomer' ? accountFiles(grant.date) : billFiles(grant.date)));
          return;
        }
        res.writeHead(404);
        res.end();
      };
      run().catch(() => { if (!res.headersSent) { res.writeHead(500); res.end(); } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    gateway: `${url}/gateway.do`,
    trades,
    transfers,
    requests,
    notifications,
    get balanceFen() { return balanceFen; },
    async pay(outTradeNo, opts) { markPaid(outTradeNo); return notify(outTradeNo, opts); },
    notify: (outTradeNo, opts) => notify(outTradeNo, opts),
    onNextBuyerPayment(opts) { nextBuyerNotify = opts; },
    failNext(method, failure) { failures.set(method, [...(failures.get(method) ?? []), failure]); },
    tamperNextResponse() { tamper = true; },
    addPayee(payee) { payees.set(`${payee.identityType}:${payee.identity}`, { ...payee, receivedFen: 0 }); },
    receivedFen: (identity) => [...payees.values()].filter((p) => p.identity === identity).reduce((s, p) => s + p.receivedFen, 0),
    setBalance(f) { balanceFen = f; },
    settleTransfer(outBizNo, status) {
      const x = transfers.get(outBizNo);
      if (!x || x.status !== 'DEALING') throw new Error(`alipay fake: no DEALING transfer ${outBizNo}`);
      x.status = status;
      if (status === 'SUCCESS') { x.payDate = now(); payees.get(x.payeeKey)!.receivedFen += x.amountFen; return; }
      balanceFen += x.amountFen; // the reserved money goes back
      x.failedAt = now();
      x.errorCode = 'PAYEE_ACCOUNT_STATUS_ERROR';
      x.failReason = '收款方账户状态异常';
    },
    plantBillDifference(diff) { differences.push({ ...diff, plantedDay: bj(now()).slice(0, 10) }); },
    plantAccountBillDifference(diff) { accountDifferences.push({ ...diff, plantedDay: bj(now()).slice(0, 10) }); },
    advanceClock(ms) { clockOffset += ms; },
    now,
    async close() {
      closed = true;
      for (const done of [...waits]) done();
      for (const s of stalled) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
