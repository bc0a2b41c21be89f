// A loopback WeChat Pay API v3 that behaves as WeChat Pay documents. What it models, and why:
// - every request's Authorization is verified with the merchant public key (serial, ±5 min timestamp, unused
//   nonce, exact body): a client that signs wrongly gets 401 SIGN_ERROR here as it would in production;
// - every answer (errors too) is signed with the fake's platform key: Wechatpay-Timestamp/-Nonce/-Signature/-Serial;
// - one out_trade_no is one order: the same parameters again return the same prepay_id, different ones
//   INVALID_REQUEST, a paid one ORDERPAID, a closed one ORDER_CLOSED;
// - payments and refunds complete only when the test says so (pay, settleRefund), and then WeChat POSTs a signed,
//   AES-GCM-encrypted notification to notify_url; deliveries can be duplicated, late or dropped;
// - platform 'certificates': GET /v3/certificates lists every certificate, encrypted with the API v3 key;
//   rotatePlatformKey() publishes a new one beside the old, then signs with it. 'publicKey': one PUB_KEY_ID_ key;
// - the trade bill of a day is built from its own orders and refunds, in WeChat's backtick CSV, with its SHA1;
// - the 资金账单 of the basic account (GET /v3/bill/fundflowbill) likewise: its payments in, its refunds out, and
//   the 商家转账 the transfer fake executed for this merchant (useTransfers): out at creation, back on FAIL or
//   CANCELLED, with out_bill_no as 业务凭证号 and transfer_bill_no as 微信支付业务单号; the other accounts have none;
// - the buyer's side for browsers (wechatpay-buyer.ts): the H5 cashier at h5_url, which pays and sends the
//   buyer to redirect_url, and the endpoint a test's WeixinJSBridge posts JSAPI params to (paySign, prepay_id
//   and appId verified, then paid). Native is "scanned" by the test calling pay().
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildWechatpayNotify, encryptWechatpayResource, signWechatpayMessage } from '../../src/modules/payments/wechatpay-crypto.js';
import type { FakeFundMovement } from './wechat-transfer.js';
import { wechatpayBuyerSide, WECHATPAY_H5_CASHIER } from './wechatpay-buyer.js';

export interface WechatpayFakeOptions {
  mchid: string;
  merchantPublicKeyPem: string;
  merchantSerial: string;
  apiV3Key: string;
  /** appids bound to the merchant (公众号, mini-program …) */
  appids: string[];
  platform: 'publicKey' | 'certificates';
  /** h5_url leads to this fake's own cashier (a browser can open it) instead of https://wx.tenpay.com */
  h5CashierOnLoopback?: boolean;
  /** H5支付域名: the hosts (host:port) whose pages may open the H5 cashier (checked on the Referer) */
  h5Domains?: string[];
}
export interface DeliveryOptions {
  /** extra identical deliveries after the first (WeChat retries and duplicates carry the same id) */
  duplicate?: number;
  delayMs?: number;
  /** nothing reaches notify_url */
  dropped?: boolean;
}
export interface Delivery {
  eventId: string;
  eventType: string;
  status: number | 'dropped' | 'network-error';
}
export interface FakeOrder {
  kind: 'jsapi' | 'h5' | 'native';
  appid: string;
  outTradeNo: string;
  description: string;
  total: number;
  notifyUrl: string;
  openid?: string;
  params: string;
  prepayId: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  successMs?: number;
}
export interface FakeRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  refund: number;
  params: string;
  notifyUrl?: string;
  status: 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  createMs: number;
  successMs?: number;
}
/** A bill line as the fake writes it; amounts in fen. */
export interface FakeBillLine {
  tradeMs: number;
  appid: string;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  tradeType: string;
  tradeState: string;
  settledFen: number;
  orderFen: number;
  refundId: string;
  outRefundNo: string;
  refundFen: number;
  refundStatus: string;
  description: string;
}
export type BillDifference = { outTradeNo: string; set: Partial<FakeBillLine> } | { add: Partial<FakeBillLine> & { outTradeNo: string } } | { remove: string };
/** A line of the 资金账单 as the fake writes it; amounts in fen, always positive. */
export interface FakeFundFlowLine {
  atMs: number;
  /** 微信支付业务单号: transaction_id, refund_id, transfer_bill_no */
  wxNo: string;
  flowNo: string;
  businessName: string;
  businessType: string;
  direction: '收入' | '支出';
  amountFen: number;
  applicant: string;
  remark: string;
  /** 业务凭证号: the merchant's number (out_trade_no, out_refund_no, out_bill_no) */
  voucherNo: string;
}
/** Changes the 资金账单 of a date: a line's amount (by 业务凭证号 and direction), a line removed, a line added. */
export type FundFlowDifference =
  | { voucherNo: string; direction?: '收入' | '支出'; set: Partial<FakeFundFlowLine> }
  | { remove: string; direction?: '收入' | '支出' }
  | { add: Partial<FakeFundFlowLine> & { amountFen: number } };

interface PlatformKey {
  serial: string;
  privateKey: string;
  publicKeyPem: string;
  certPem?: string;
  notBefore: number;
  notAfter: number;
}

const SKEW_MS = 5 * 60_000;
export { WECHATPAY_H5_CASHIER, WECHATPAY_JSAPI_BRIDGE } from './wechatpay-buyer.js';
const DAY_MS = 86_400_000;
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
const beijingDate = (ms: number) => beijing(ms).slice(0, 10);
const digits = (n: number) => Array.from(crypto.randomBytes(n), (b) => String(b % 10)).join('');
const fenText = (fen: number) => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

// -------------------------------------------------- a minimal self-signed X.509 (v1), DER by hand
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const SHA256_RSA = der(0x30, Buffer.from('06092a864886f70d01010b0500', 'hex'));
const name = (cn: string) => der(0x30, der(0x31, der(0x30, Buffer.from('0603550403', 'hex'), der(0x0c, Buffer.from(cn)))));
const utcTime = (ms: number) => der(0x17, Buffer.from(new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));

function newPlatformKey(mode: 'publicKey' | 'certificates', now: number): PlatformKey {
  const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const notBefore = now - DAY_MS;
  const notAfter = now + 5 * 365 * DAY_MS;
  if (mode === 'publicKey') return { serial: `PUB_KEY_ID_01${digits(30)}`, privateKey, publicKeyPem, notBefore, notAfter };
  // 40 hex digits as WeChat's serial_no, first one below 8 so DER needs no sign byte
  const serial = (crypto.randomInt(1, 8).toString(16) + crypto.randomBytes(20).toString('hex').slice(1)).toUpperCase();
  const tbs = der(0x30, der(0x02, Buffer.from(serial, 'hex')), SHA256_RSA, name('Tenpay.com Root CA'), der(0x30, utcTime(notBefore), utcTime(notAfter)), name('Tenpay.com fake platform'), pair.publicKey.export({ type: 'spki', format: 'der' }));
  const cert = der(0x30, tbs, SHA256_RSA, der(0x03, Buffer.from([0]), crypto.sign('sha256', tbs, pair.privateKey)));
  const certPem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
  return { serial, privateKey, publicKeyPem, certPem, notBefore, notAfter };
}

class Answer {
  constructor(readonly status: number, readonly json?: object) {}
}
const fail = (status: number, code: string, message: string) => new Answer(status, { code, message });

export async function startWechatpayFake(opts: WechatpayFakeOptions) {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const keys: PlatformKey[] = [newPlatformKey(opts.platform, now())];
  const signer = () => keys[keys.length - 1]!;
  const orders = new Map<string, FakeOrder>();
  const refunds = new Map<string, FakeRefund>();
  const usedNonces = new Map<string, number>();
  const failures = new Map<string, Array<{ status: number; code: string; message?: string }>>();
  const tampers: Array<{ path?: string; how: 'flip-byte' | 'drop-signature' }> = [];
  const billTokens = new Map<string, { bytes: Buffer; expires: number }>();
  const billDiffs = new Map<string, BillDifference[]>();
  const fundFlowDiffs = new Map<string, FundFlowDifference[]>();
  let transfers: { readonly fundFlow: readonly FakeFundMovement[] } | undefined;
  const deliveries: Delivery[] = [];
  const requests: Array<{ method: string; path: string; status: number }> = [];
  const pending = new Set<Promise<unknown>>();

  function checkAuthorization(method: string, pathWithQuery: string, body: string, header: string | undefined): Answer | undefined {
    const bad = (why: string) => fail(401, 'SIGN_ERROR', `签名错误: ${why}`);
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header ?? '');
    if (!m) return bad('Authorization missing or another scheme');
    const p = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (p.mchid !== opts.mchid) return bad('mchid');
    if (p.serial_no !== opts.merchantSerial) return bad('serial_no');
    if (!/^\d+$/.test(p.timestamp ?? '') || Math.abs(now() - Number(p.timestamp) * 1000) > SKEW_MS) return bad('timestamp');
    if (!p.nonce_str || usedNonces.has(p.nonce_str)) return bad('nonce_str');
    const message = `${method}\n${pathWithQuery}\n${p.timestamp}\n${p.nonce_str}\n${body}\n`;
    let ok = false;
    try {
      ok = crypto.verify('sha256', Buffer.from(message), opts.merchantPublicKeyPem, Buffer.from(p.signature ?? '', 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) return bad('signature');
    for (const [n, at] of usedNonces) if (now() - at > SKEW_MS) usedNonces.delete(n);
    usedNonces.set(p.nonce_str, now());
    return undefined;
  }

  // -------------------------------------------------- API handlers
  function prepay(kind: FakeOrder['kind'], b: Record<string, any>): Answer {
    const param = (why: string) => fail(400, 'PARAM_ERROR', `参数错误: ${why}`);
    if (b.mchid !== opts.mchid) return param('mchid');
    if (typeof b.appid !== 'string' || !opts.appids.includes(b.appid)) return fail(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    if (typeof b.description !== 'string' || !b.description || Buffer.byteLength(b.description) > 127) return param('description');
    if (typeof b.out_trade_no !== 'string' || !/^[0-9A-Za-z_\-|*]{6,32}$/.test(b.out_trade_no)) return param('out_trade_no');
    if (!validNotifyUrl(b.notify_url)) return param('notify_url');
    if (!Number.isSafeInteger(b.amount?.total) || b.amount.total <= 0) return param('amount.total');
    if ((b.amount.currency ?? 'CNY') !== 'CNY') return param('amount.currency');
    if (b.time_expire !== undefined && Number.isNaN(Date.parse(b.time_expire))) return param('time_expire');
    if (kind === 'jsapi' && (typeof b.payer?.openid !== 'string' || !b.payer.openid)) return param('payer.openid');
    if (kind === 'h5' && (!b.scene_info?.payer_client_ip || !['iOS', 'Android', 'Wap'].includes(b.scene_info?.h5_info?.type))) return param('scene_info');
    const params = JSON.stringify([kind, b.appid, b.description, b.amount.total, b.payer?.openid, b.notify_url]);
    let order = orders.get(b.out_trade_no);
    if (order) {
      if (order.state === 'SUCCESS' || order.state === 'REFUND') return fail(400, 'ORDERPAID', '该订单已支付');
      if (order.state === 'CLOSED') return fail(400, 'ORDER_CLOSED', '订单已关闭');
      if (order.params !== params) return fail(400, 'INVALID_REQUEST', '201 商户订单号重复');
    } else {
      order = { kind, appid: b.appid, outTradeNo: b.out_trade_no, description: b.description, total: b.amount.total, notifyUrl: b.notify_url, openid: b.payer?.openid, params, prepayId: `wx${digits(10)}${crypto.randomBytes(12).toString('hex')}`, state: 'NOTPAY' };
      orders.set(order.outTradeNo, order);
    }
    if (kind === 'jsapi') return new Answer(200, { prepay_id: order.prepayId });
    if (kind === 'h5') return new Answer(200, { h5_url: `${opts.h5CashierOnLoopback ? url : 'https://wx.tenpay.com'}${WECHATPAY_H5_CASHIER}?prepay_id=${order.prepayId}&package=${digits(10)}` });
    return new Answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${order.prepayId.slice(-10)}` });
  }

  const transactionJson = (o: FakeOrder) => ({
    appid: o.appid,
    mchid: opts.mchid,
    out_trade_no: o.outTradeNo,
    ...(o.transactionId ? { transaction_id: o.transactionId, bank_type: 'OTHERS', success_time: o.successTime, payer: { openid: o.openid } } : {}),
    trade_type: o.kind === 'h5' ? 'MWEB' : o.kind.toUpperCase(),
    trade_state: o.state,
    trade_state_desc: { NOTPAY: '订单未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' }[o.state],
    amount: o.transactionId ? { total: o.total, payer_total: o.total, currency: 'CNY', payer_currency: 'CNY' } : { total: o.total, currency: 'CNY' },
  });

  const refundJson = (r: FakeRefund) => {
    const o = orders.get(r.outTradeNo)!;
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: o.transactionId,
      out_trade_no: o.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: beijing(r.createMs),
      ...(r.successMs ? { success_time: beijing(r.successMs) } : {}),
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: { total: o.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund, settlement_refund: r.refund, settlement_total: o.total, discount_refund: 0, currency: 'CNY' },
    };
  };

  function refund(b: Record<string, any>): Answer {
    const param = (why: string) => fail(400, 'PARAM_ERROR', `参数错误: ${why}`);
    const o = orders.get(b.out_trade_no);
    if (!o) return fail(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (typeof b.out_refund_no !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(b.out_refund_no)) return param('out_refund_no');
    if (b.notify_url !== undefined && !validNotifyUrl(b.notify_url)) return param('notify_url');
    const { refund: amount, total, currency = 'CNY' } = b.amount ?? {};
    if (!Number.isSafeInteger(amount) || amount <= 0 || !Number.isSafeInteger(total) || currency !== 'CNY') return param('amount');
    const params = JSON.stringify([b.out_trade_no, amount, total, b.notify_url]);
    const existing = refunds.get(b.out_refund_no);
    if (existing) return existing.params === params ? new Answer(200, refundJson(existing)) : fail(400, 'INVALID_REQUEST', '退款单号重复, 请求参数与原单不一致');
    if (o.state !== 'SUCCESS' && o.state !== 'REFUND') return fail(400, 'INVALID_REQUEST', '订单未支付, 不能退款');
    if (total !== o.total) return fail(400, 'INVALID_REQUEST', '订单金额与原单不一致');
    const taken = [...refunds.values()].filter((r) => r.outTradeNo === o.outTradeNo && r.status !== 'CLOSED').reduce((s, r) => s + r.refund, 0);
    if (taken + amount > o.total) return fail(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const r: FakeRefund = { outRefundNo: b.out_refund_no, refundId: `5030${digits(25)}`, outTradeNo: o.outTradeNo, refund: amount, params, notifyUrl: b.notify_url, status: 'PROCESSING', createMs: now() };
    refunds.set(r.outRefundNo, r);
    o.state = 'REFUND';
    return new Answer(200, refundJson(r));
  }

  function certificates(): Answer {
    if (opts.platform !== 'certificates') return fail(404, 'RESOURCE_NOT_EXISTS', '商户未使用平台证书');
    const data = keys.map((k) => ({
      serial_no: k.serial,
      effective_time: beijing(k.notBefore),
      expire_time: beijing(k.notAfter),
      encrypt_certificate: (({ algorithm, nonce, associated_data, ciphertext }) => ({ algorithm, nonce, associated_data, ciphertext }))(encryptWechatpayResource(k.certPem!, opts.apiV3Key, 'certificate', crypto.randomBytes(6).toString('hex'))),
    }));
    return new Answer(200, { data });
  }

  function billLines(date: string): FakeBillLine[] {
    const lines: FakeBillLine[] = [];
    for (const o of orders.values()) {
      if (!o.successMs || beijingDate(o.successMs) !== date) continue;
      lines.push({ tradeMs: o.successMs, appid: o.appid, transactionId: o.transactionId!, outTradeNo: o.outTradeNo, openid: o.openid ?? '', tradeType: transactionJson(o).trade_type, tradeState: 'SUCCESS', settledFen: o.total, orderFen: o.total, refundId: '0', outRefundNo: '0', refundFen: 0, refundStatus: '', description: o.description });
    }
    for (const r of refunds.values()) {
      const at = r.successMs ?? r.createMs;
      if (beijingDate(at) !== date || r.status === 'CLOSED') continue;
      const o = orders.get(r.outTradeNo)!;
      lines.push({ tradeMs: at, appid: o.appid, transactionId: o.transactionId!, outTradeNo: o.outTradeNo, openid: o.openid ?? '', tradeType: transactionJson(o).trade_type, tradeState: 'REFUND', settledFen: 0, orderFen: 0, refundId: r.refundId, outRefundNo: r.outRefundNo, refundFen: r.refund, refundStatus: r.status, description: o.description });
    }
    for (const d of billDiffs.get(date) ?? []) {
      if ('remove' in d) lines.splice(0, lines.length, ...lines.filter((l) => l.outTradeNo !== d.remove));
      else if ('add' in d) lines.push({ tradeMs: Date.parse(`${date}T12:00:00+08:00`), appid: opts.appids[0]!, transactionId: `4200${digits(24)}`, openid: '', tradeType: 'JSAPI', tradeState: 'SUCCESS', settledFen: 0, orderFen: 0, refundId: '0', outRefundNo: '0', refundFen: 0, refundStatus: '', description: '', ...d.add });
      else for (const l of lines) if (l.outTradeNo === d.outTradeNo) Object.assign(l, d.set);
    }
    return lines.sort((a, b) => a.tradeMs - b.tradeMs);
  }

  function billCsv(lines: FakeBillLine[]): string {
    // fee 0.6% in 1/100000 yuan (5 decimals, as WeChat prints it); a refund gives its share back
    const fee = (fen: number) => fen * 6;
    const feeText = (u: number) => `${u < 0 ? '-' : ''}${Math.floor(Math.abs(u) / 100_000)}.${String(Math.abs(u) % 100_000).padStart(5, '0')}`;
    const head = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const body = lines.map((l) => {
      const f = [beijing(l.tradeMs).slice(0, 19).replace('T', ' '), l.appid, opts.mchid, '0', '', l.transactionId, l.outTradeNo, l.openid, l.tradeType, l.tradeState, 'OTHERS', 'CNY', fenText(l.settledFen), '0.00', l.refundId, l.outRefundNo, fenText(l.refundFen), '0.00', l.refundId === '0' ? '' : 'ORIGINAL', l.refundStatus, l.description, '', feeText(fee(l.settledFen - l.refundFen)), '0.60%', fenText(l.orderFen), fenText(l.refundFen), ''];
      return f.map((v) => '`' + v).join(',');
    });
    const sum = (g: (l: FakeBillLine) => number) => lines.reduce((s, l) => s + g(l), 0);
    const summary = [String(lines.length), fenText(sum((l) => l.settledFen)), fenText(sum((l) => l.refundFen)), '0.00', feeText(sum((l) => fee(l.settledFen - l.refundFen))), fenText(sum((l) => l.orderFen)), fenText(sum((l) => l.refundFen))];
    return [head, ...body, '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额', summary.map((v) => '`' + v).join(',')].join('\r\n') + '\r\n';
  }

  function fundFlowLines(date: string): FakeFundFlowLine[] {
    const flow = () => `1900${digits(24)}`;
    let lines: FakeFundFlowLine[] = [];
    for (const o of orders.values()) {
      if (!o.successMs || beijingDate(o.successMs) !== date) continue;
      lines.push({ atMs: o.successMs, wxNo: o.transactionId!, flowNo: flow(), businessName: '交易', businessType: '交易', direction: '收入', amountFen: o.total, applicant: 'system', remark: '', voucherNo: o.outTradeNo });
    }
    for (const r of refunds.values()) {
      if (r.status !== 'SUCCESS' || !r.successMs || beijingDate(r.successMs) !== date) continue;
      lines.push({ atMs: r.successMs, wxNo: r.refundId, flowNo: flow(), businessName: '退款', businessType: '退款', direction: '支出', amountFen: r.refund, applicant: 'system', remark: '', voucherNo: r.outRefundNo });
    }
    for (const m of transfers?.fundFlow ?? []) {
      if (beijingDate(m.atMs) !== date) continue;
      lines.push({ atMs: m.atMs, wxNo: m.transferBillNo, flowNo: flow(), businessName: '商家转账', businessType: m.direction === 'out' ? '商家转账' : '商家转账退回', direction: m.direction === 'out' ? '支出' : '收入', amountFen: m.amountFen, applicant: opts.mchid, remark: m.remark, voucherNo: m.outBillNo });
    }
    const matches = (l: FakeFundFlowLine, no: string, direction?: string) => l.voucherNo === no && (!direction || l.direction === direction);
    for (const d of fundFlowDiffs.get(date) ?? []) {
      if ('remove' in d) lines = lines.filter((l) => !matches(l, d.remove, d.direction));
      else if ('add' in d) lines.push({ atMs: Date.parse(`${date}T12:00:00+08:00`), wxNo: `1330000071100${digits(24)}`, flowNo: flow(), businessName: '商家转账', businessType: '商家转账', direction: '支出', applicant: opts.mchid, remark: '', voucherNo: '', ...d.add });
      else for (const l of lines) if (matches(l, d.voucherNo, d.direction)) Object.assign(l, d.set);
    }
    return lines.sort((a, b) => a.atMs - b.atMs);
  }

  function fundFlowCsv(lines: FakeFundFlowLine[]): string {
    const head = '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号';
    let balance = 100_000_000; // the day's opening balance of the basic account
    const body = lines.map((l) => {
      balance += l.direction === '收入' ? l.amountFen : -l.amountFen;
      const f = [beijing(l.atMs).slice(0, 19).replace('T', ' '), l.wxNo, l.flowNo, l.businessName, l.businessType, l.direction, fenText(l.amountFen), fenText(balance), l.applicant, l.remark, l.voucherNo];
      return f.map((v) => '`' + v).join(',');
    });
    const inc = lines.filter((l) => l.direction === '收入');
    const exp = lines.filter((l) => l.direction === '支出');
    const sum = (ls: FakeFundFlowLine[]) => ls.reduce((s, l) => s + l.amountFen, 0);
    // WeChat prints the counts with a decimal: `20.0
    const summary = [`${lines.length}.0`, `${inc.length}.0`, fenText(sum(inc)), `${exp.length}.0`, fenText(sum(exp))];
    return [head, ...body, '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额', summary.map((v) => '`' + v).join(',')].join('\r\n') + '\r\n';
  }

  function billFile(bytes: Buffer): Answer {
    const token = crypto.randomBytes(16).toString('hex');
    billTokens.set(token, { bytes, expires: now() + 30_000 });
    return new Answer(200, { hash_type: 'SHA1', hash_value: crypto.createHash('sha1').update(bytes).digest('hex'), download_url: `${url}/v3/billdownload/file?token=${token}` });
  }

  function fundFlowBill(q: URLSearchParams): Answer {
    const date = q.get('bill_date') ?? '';
    const account = q.get('account_type') ?? 'BASIC';
    // tar_type=GZIP (a gzip file) is not modelled: our client asks for the plain stream
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !['BASIC', 'OPERATION', 'FEES'].includes(account) || q.has('tar_type')) return fail(400, 'PARAM_ERROR', '参数错误');
    const lines = account === 'BASIC' ? fundFlowLines(date) : [];
    if (lines.length === 0) return fail(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    return billFile(Buffer.from(fundFlowCsv(lines), 'utf8'));
  }

  function tradeBill(q: URLSearchParams): Answer {
    const date = q.get('bill_date') ?? '';
    const type = q.get('bill_type') ?? 'ALL';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !['ALL', 'SUCCESS', 'REFUND'].includes(type)) return fail(400, 'PARAM_ERROR', '参数错误');
    const lines = billLines(date).filter((l) => type === 'ALL' || (type === 'SUCCESS') === (l.tradeState !== 'REFUND'));
    if (lines.length === 0) return fail(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    return billFile(Buffer.from(billCsv(lines), 'utf8'));
  }

  function route(method: string, path: string, q: URLSearchParams, body: string): Answer | Buffer {
    let b: Record<string, any> = {};
    if (body) {
      try {
        b = JSON.parse(body);
      } catch {
        return fail(400, 'PARAM_ERROR', '请求体不是JSON');
      }
    }
    const pay = /^\/v3\/pay\/transactions\/(jsapi|h5|native)$/.exec(path);
    if (method === 'POST' && pay) return prepay(pay[1] as FakeOrder['kind'], b);
    const byNo = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(path);
    if (byNo) {
      const o = orders.get(decodeURIComponent(byNo[1]!));
      if (method === 'GET' && !byNo[2]) {
        if (q.get('mchid') !== opts.mchid) return fail(400, 'PARAM_ERROR', '参数错误: mchid');
        return o ? new Answer(200, transactionJson(o)) : fail(404, 'ORDER_NOT_EXIST', '订单不存在');
      }
      if (method === 'POST' && byNo[2]) {
        if (b.mchid !== opts.mchid) return fail(400, 'PARAM_ERROR', '参数错误: mchid');
        if (!o) return fail(404, 'ORDER_NOT_EXIST', '订单不存在');
        if (o.state === 'SUCCESS' || o.state === 'REFUND') return fail(400, 'ORDERPAID', '订单已支付');
        o.state = 'CLOSED';
        return new Answer(204);
      }
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return refund(b);
    const rq = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && rq) {
      const r = refunds.get(decodeURIComponent(rq[1]!));
      return r ? new Answer(200, refundJson(r)) : fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    if (method === 'GET' && path === '/v3/certificates') return certificates();
    if (method === 'GET' && path === '/v3/bill/tradebill') return tradeBill(q);
    if (method === 'GET' && path === '/v3/bill/fundflowbill') return fundFlowBill(q);
    if (method === 'GET' && path === '/v3/billdownload/file') {
      const t = billTokens.get(q.get('token') ?? '');
      return t && t.expires > now() ? t.bytes : fail(400, 'INVALID_REQUEST', '下载地址已过期');
    }
    return fail(404, 'NOT_FOUND', '接口不存在');
  }

  // -------------------------------------------------- the buyer's side (not merchant API: no Authorization)
  let nextBuyerDelivery: DeliveryOptions | undefined;
  /** the buyer paid at the cashier or through the bridge: as pay(), with the delivery options set for it */
  function buyerPays(o: FakeOrder): void {
    const d = nextBuyerDelivery ?? {};
    nextBuyerDelivery = undefined;
    void payOrder(o.outTradeNo, d).catch(() => undefined);
  }
  const buyerSide = wechatpayBuyerSide({
    merchantPublicKeyPem: opts.merchantPublicKeyPem,
    h5Domains: opts.h5Domains,
    orders,
    pay: buyerPays,
    stateText: (o) => transactionJson(o).trade_state_desc,
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      if (buyerSide(req, res, method, u, body)) return;
      let result: Answer | Buffer | undefined = checkAuthorization(method, req.url ?? '/', body, req.headers.authorization);
      const queued = failures.get(u.pathname)?.shift();
      if (!result && queued) result = fail(queued.status, queued.code, queued.message ?? queued.code);
      result ??= route(method, u.pathname, u.searchParams, body);
      const tamperAt = tampers.findIndex((t) => !t.path || t.path === u.pathname);
      const tamper = tamperAt >= 0 ? tampers.splice(tamperAt, 1)[0] : undefined;
      requests.push({ method, path: u.pathname, status: result instanceof Answer ? result.status : 200 });
      const requestId = crypto.randomBytes(12).toString('hex');
      if (Buffer.isBuffer(result)) {
        // the bill file is a plain byte stream, not signed: its integrity is the hash in the tradebill answer
        const bytes = Buffer.from(result);
        if (tamper) bytes[bytes.length >> 1] ^= 1;
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Request-ID': requestId }).end(bytes);
        return;
      }
      const text = result.json ? JSON.stringify(result.json) : '';
      const k = signer();
      const timestamp = String(Math.floor(now() / 1000));
      const nonce = crypto.randomBytes(16).toString('hex');
      const headers: Record<string, string> = { 'Request-ID': requestId, 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': k.serial, 'Wechatpay-Signature': signWechatpayMessage(`${timestamp}\n${nonce}\n${text}\n`, k.privateKey), 'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048' };
      if (text) headers['Content-Type'] = 'application/json';
      let out = Buffer.from(text);
      if (tamper?.how === 'drop-signature') delete headers['Wechatpay-Signature'];
      else if (tamper && out.length > 0) out[out.length >> 1] ^= 1;
      else if (tamper) headers['Wechatpay-Nonce'] = nonce.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      res.writeHead(result.status, headers).end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // -------------------------------------------------- notifications
  function deliver(notifyUrl: string | undefined, eventType: string, resource: object, d: DeliveryOptions = {}): Promise<Delivery[]> {
    const eventId = crypto.randomUUID();
    const k = signer();
    const n = buildWechatpayNotify({ eventId, eventType, resourcePlain: resource, apiV3Key: opts.apiV3Key, privateKeyPem: k.privateKey, serial: k.serial, nowMs: now() });
    const run = (async () => {
      const out: Delivery[] = [];
      if (d.delayMs) await new Promise((r) => setTimeout(r, d.delayMs));
      for (let i = 0; i <= (d.duplicate ?? 0); i++) {
        let status: Delivery['status'] = 'dropped';
        if (!d.dropped && notifyUrl) {
          try {
            // WeChat waits 5 s for an answer; anything but 2xx counts as a failed delivery
            status = (await fetch(notifyUrl, { method: 'POST', headers: n.headers, body: n.body, signal: AbortSignal.timeout(5000) }).then(async (r) => (await r.arrayBuffer(), r.status)));
          } catch {
            status = 'network-error';
          }
        }
        out.push({ eventId, eventType, status });
        deliveries.push({ eventId, eventType, status });
      }
      return out;
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
    return run;
  }

  const orderOf = (outTradeNo: string) => {
    const o = orders.get(outTradeNo);
    if (!o) throw new Error(`fake wechatpay: no order ${outTradeNo}`);
    return o;
  };
  function payOrder(outTradeNo: string, o: { openid?: string } & DeliveryOptions = {}): Promise<Delivery[]> {
    const order = orderOf(outTradeNo);
    if (order.state !== 'NOTPAY') throw new Error(`fake wechatpay: order ${outTradeNo} is ${order.state}`);
    Object.assign(order, { state: 'SUCCESS', transactionId: `4200${digits(24)}`, successMs: now(), successTime: beijing(now()), openid: o.openid ?? order.openid ?? `o${crypto.randomBytes(14).toString('base64url')}` });
    return deliver(order.notifyUrl, 'TRANSACTION.SUCCESS', transactionJson(order), o);
  }
  const refundOf = (outRefundNo: string) => {
    const r = refunds.get(outRefundNo);
    if (!r) throw new Error(`fake wechatpay: no refund ${outRefundNo}`);
    return r;
  };
  const refundResource = (r: FakeRefund) => {
    const o = orders.get(r.outTradeNo)!;
    return { mchid: opts.mchid, out_trade_no: o.outTradeNo, transaction_id: o.transactionId, out_refund_no: r.outRefundNo, refund_id: r.refundId, refund_status: r.status, ...(r.successMs ? { success_time: beijing(r.successMs) } : {}), user_received_account: '支付用户零钱', amount: { total: o.total, refund: r.refund, payer_total: o.total, payer_refund: r.refund } };
  };

  return {
    url,
    /** 'publicKey': the key and its id to configure the client with */
    get publicKeyId() {
      return keys[0]!.serial;
    },
    get platformPublicKeyPem() {
      return keys[0]!.publicKeyPem;
    },
    /** the private key answers and notifications are signed with now (for tests that forge notifications) */
    get platformPrivateKeyPem() {
      return signer().privateKey;
    },
    /** the serial answers and notifications are signed with now */
    get platformSerial() {
      return signer().serial;
    },
    certificatesPem: () => keys.map((k) => k.certPem!),
    orders,
    refunds,
    deliveries,
    requests,
    /** The payer pays: the order becomes SUCCESS and TRANSACTION.SUCCESS goes to its notify_url. */
    pay: payOrder,
    /** The next payment a buyer makes at the H5 cashier or through the JSAPI bridge is notified like this (e.g. dropped). */
    onNextBuyerPayment(d: DeliveryOptions) {
      nextBuyerDelivery = d;
    },
    /** Sends the notification of the order's payment or of a refund again (late, duplicated, dropped). */
    notify(target: { outTradeNo: string } | { outRefundNo: string }, d: DeliveryOptions = {}): Promise<Delivery[]> {
      if ('outRefundNo' in target) {
        const r = refundOf(target.outRefundNo);
        if (r.status === 'PROCESSING') throw new Error('fake wechatpay: a processing refund is not notified');
        return deliver(r.notifyUrl, `REFUND.${r.status}`, refundResource(r), d);
      }
      const o = orderOf(target.outTradeNo);
      if (!o.transactionId) throw new Error('fake wechatpay: an unpaid order is not notified');
      return deliver(o.notifyUrl, 'TRANSACTION.SUCCESS', transactionJson(o), d);
    },
    /** The refund completes (or fails at the bank) and REFUND.SUCCESS / REFUND.ABNORMAL is sent. */
    settleRefund(outRefundNo: string, status: 'SUCCESS' | 'ABNORMAL', d: DeliveryOptions = {}): Promise<Delivery[]> {
      const r = refundOf(outRefundNo);
      if (r.status !== 'PROCESSING') throw new Error(`fake wechatpay: refund ${outRefundNo} is ${r.status}`);
      r.status = status;
      if (status === 'SUCCESS') r.successMs = now();
      return deliver(r.notifyUrl, `REFUND.${status}`, refundResource(r), d);
    },
    /** Publishes a new platform certificate beside the old one and signs with it from now on. */
    rotatePlatformKey(): { serial: string } {
      if (opts.platform !== 'certificates') throw new Error('fake wechatpay: the public key is changed by the merchant, not rotated');
      keys.push(newPlatformKey('certificates', now()));
      return { serial: signer().serial };
    },
    /** The next request to this path (pathname) answers with this error instead (signed, as WeChat's errors are). */
    failNext(path: string, f: { status: number; code: string; message?: string }) {
      failures.set(path, [...(failures.get(path) ?? []), f]);
    },
    /** The next answer (to `path`, if given) is changed after signing: a byte flipped, or its signature removed. */
    tamperNextResponse(o: { path?: string; how?: 'flip-byte' | 'drop-signature' } = {}) {
      tampers.push({ path: o.path, how: o.how ?? 'flip-byte' });
    },
    /** Changes the bill of a date (Beijing): alter lines of an order, add a line, or remove an order's lines. */
    plantBillDifference(date: string, diff: BillDifference) {
      billDiffs.set(date, [...(billDiffs.get(date) ?? []), diff]);
    },
    /** The 商家转账 of this merchant (the transfer fake, a separate loopback server here) go on its 资金账单. */
    useTransfers(source: { readonly fundFlow: readonly FakeFundMovement[] }) {
      transfers = source;
    },
    /** The 资金账单 lines of a date as the fake would write them now (differences applied). */
    fundFlowLines,
    /** Changes the 资金账单 of a date (Beijing): a line's fields, a line removed, a line added (a 商家转账 by default). */
    plantFundFlowDifference(date: string, diff: FundFlowDifference) {
      fundFlowDiffs.set(date, [...(fundFlowDiffs.get(date) ?? []), diff]);
    },
    advance(ms: number) {
      offsetMs += ms;
    },
    now,
    /** waits for notifications still being delivered */
    async settled() {
      await Promise.all([...pending]);
    },
    async close() {
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function validNotifyUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    // WeChat wants https without query; plain http is allowed here only for loopback test receivers
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    return (u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) && !u.search;
  } catch {
    return false;
  }
}

export type WechatpayFake = Awaited<ReturnType<typeof startWechatpayFake>>;
