// The real WeChat Pay v3 client against the loopback fake: every request is signature-checked by the fake and
// every answer signature-checked by the client, so these tests exercise both directions of the protocol.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTradeBill, WechatpayApiError, WechatpayClient, type WechatpayClientConfig } from '../../../src/modules/payments/wechatpay-client.js';
import { startWechatpayFake, type WechatpayFake } from '../../fakes/wechatpay.js';

const rsaPair = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const merchant = rsaPair();
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OA = 'wx8888888888888888';
const MP = 'wx7777777777777777';
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
const todayBeijing = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
let seq = 0;
const tradeNo = () => `FX${Date.now()}${String(++seq).padStart(4, '0')}`;

/** The merchant's notify_url: records what WeChat POSTs. */
interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
let receiver: http.Server;
let notifyUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/payments/wechatpay/notify`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

function startFake(platform: 'publicKey' | 'certificates') {
  return startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA, MP], platform });
}

function clientFor(fake: WechatpayFake, over: Partial<WechatpayClientConfig> = {}) {
  const platform: WechatpayClientConfig['platform'] = fake.publicKeyId.startsWith('PUB_KEY_ID_') ? { mode: 'publicKey', publicKeyId: fake.publicKeyId, publicKeyPem: fake.platformPublicKeyPem } : { mode: 'certificates' };
  return new WechatpayClient({ mchid: MCHID, merchantSerial: MERCHANT_SERIAL, merchantPrivateKeyPem: merchant.privateKey, apiV3Key: API_V3_KEY, baseUrl: fake.url, notifyUrl, appids: { oa: OA, mp: MP }, platform, ...over });
}

async function apiError(p: Promise<unknown>): Promise<WechatpayApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(WechatpayApiError);
  return e as WechatpayApiError;
}

const order = (amountFen = 1999) => ({ outTradeNo: tradeNo(), description: '分销商城-测试商品', amountFen });

describe('WeChat Pay client, 微信支付公钥 mode', () => {
  let fake: WechatpayFake;
  let client: WechatpayClient;
  beforeAll(async () => {
    fake = await startFake('publicKey');
    client = clientFor(fake);
  });
  afterAll(() => fake.close());

  it('JSAPI prepay: prepay_id and WeixinJSBridge parameters whose paySign verifies with the merchant public key', async () => {
    const input = { ...order(), openid: OPENID, expiresAt: new Date(Date.now() + 15 * 60_000) };
    const { prepay_id, payParams } = await client.jsapi(input);
    expect(payParams).toMatchObject({ appId: OA, package: `prepay_id=${prepay_id}`, signType: 'RSA' });
    expect(payParams.timeStamp).toMatch(/^\d{10}$/);
    const message = `${payParams.appId}\n${payParams.timeStamp}\n${payParams.nonceStr}\n${payParams.package}\n`;
    expect(crypto.verify('sha256', Buffer.from(message), merchant.publicKey, Buffer.from(payParams.paySign, 'base64'))).toBe(true);
    // one out_trade_no is one order: the same parameters again, the same prepay_id; others are refused
    expect((await client.jsapi(input)).prepay_id).toBe(prepay_id);
    const e = await apiError(client.jsapi({ ...input, amountFen: 1 }));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_REQUEST', retryable: false });
  });

  it('mini-program, H5 and Native prepay', async () => {
    const mp = await client.miniProgram({ ...order(), openid: OPENID });
    expect(mp.payParams.appId).toBe(MP);
    expect(fake.orders.get([...fake.orders.keys()].at(-1)!)?.appid).toBe(MP);
    expect((await client.h5({ ...order(), payerClientIp: '203.0.113.7' })).h5_url).toMatch(/^https:\/\/wx\.tenpay\.com\//);
    expect((await client.native(order())).code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    // an appid not bound to the merchant
    expect(await apiError(client.native({ ...order(), appid: 'wx0000000000000000' }))).toMatchObject({ code: 'APPID_MCHID_NOT_MATCH', retryable: false });
  });

  it('query, pay with its notification, close', async () => {
    const o = order(2500);
    await client.jsapi({ ...o, openid: OPENID });
    expect(await client.queryByOutTradeNo(o.outTradeNo)).toMatchObject({ trade_state: 'NOTPAY', appid: OA, mchid: MCHID, amount: { total: 2500 } });

    const before = received.length;
    const deliveries = await fake.pay(o.outTradeNo, { duplicate: 1 });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    const got = received.slice(before);
    expect(got).toHaveLength(2);
    const n = await client.verifyNotification(got[0]!.headers, got[0]!.body);
    expect(n).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', kind: 'transaction', transaction: { out_trade_no: o.outTradeNo, trade_state: 'SUCCESS', amount: { total: 2500, payer_total: 2500 } } });
    expect((await client.verifyNotification(got[1]!.headers, got[1]!.body)).id).toBe(n.id); // a duplicate keeps its id

    const q = await client.queryByOutTradeNo(o.outTradeNo);
    expect(q).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 2500, payer_total: 2500, currency: 'CNY' }, payer: { openid: OPENID } });
    expect(q.transaction_id).toMatch(/^4200\d{24}$/);
    expect(q.success_time).toMatch(/\+08:00$/);
    expect(await apiError(client.close(o.outTradeNo))).toMatchObject({ code: 'ORDERPAID', retryable: false });
    expect(await apiError(client.jsapi({ ...o, openid: OPENID }))).toMatchObject({ code: 'ORDERPAID' });

    const c = order();
    await client.native(c);
    await client.close(c.outTradeNo);
    expect((await client.queryByOutTradeNo(c.outTradeNo)).trade_state).toBe('CLOSED');
    expect(await apiError(client.native(c))).toMatchObject({ code: 'ORDER_CLOSED', retryable: false });
    expect(await apiError(client.queryByOutTradeNo('FX_NOT_THERE_01'))).toMatchObject({ status: 404, code: 'ORDER_NOT_EXIST', retryable: false });
  });

  it('late and dropped notifications', async () => {
    const o = order();
    await client.native(o);
    const before = received.length;
    expect((await fake.pay(o.outTradeNo, { dropped: true }))[0]!.status).toBe('dropped');
    expect(received.length).toBe(before);
    const late = fake.notify({ outTradeNo: o.outTradeNo }, { delayMs: 50 });
    expect(received.length).toBe(before);
    await late;
    expect(received.length).toBe(before + 1);
  });

  it('refund, its query and its REFUND.SUCCESS / REFUND.ABNORMAL notifications', async () => {
    const o = order(3000);
    await client.native(o);
    await fake.pay(o.outTradeNo);
    const r = await client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `R${o.outTradeNo}`, reason: '不想要了', refundFen: 1000, totalFen: 3000 });
    expect(r).toMatchObject({ status: 'PROCESSING', out_trade_no: o.outTradeNo, amount: { total: 3000, refund: 1000 } });
    expect((await client.queryByOutTradeNo(o.outTradeNo)).trade_state).toBe('REFUND');
    // more than is left, or another total, is refused by WeChat
    expect(await apiError(client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `S${o.outTradeNo}`, refundFen: 2001, totalFen: 3000 }))).toMatchObject({ code: 'INVALID_REQUEST' });

    const before = received.length;
    await fake.settleRefund(r.out_refund_no, 'SUCCESS');
    const n = await client.verifyNotification(received[before]!.headers, received[before]!.body);
    expect(n).toMatchObject({ event_type: 'REFUND.SUCCESS', kind: 'refund', refund: { out_refund_no: r.out_refund_no, refund_status: 'SUCCESS', amount: { refund: 1000, total: 3000 } } });
    expect(await client.queryRefund(r.out_refund_no)).toMatchObject({ status: 'SUCCESS', refund_id: r.refund_id });

    const r2 = await client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `T${o.outTradeNo}`, refundFen: 2000, totalFen: 3000 });
    await fake.settleRefund(r2.out_refund_no, 'ABNORMAL');
    expect((await client.verifyNotification(received.at(-1)!.headers, received.at(-1)!.body)).event_type).toBe('REFUND.ABNORMAL');
    expect((await client.queryRefund(r2.out_refund_no)).status).toBe('ABNORMAL');
  });

  it('rejects a tampered, an unsigned, or a foreign-signed answer', async () => {
    const o = order();
    await client.native(o);
    fake.tamperNextResponse();
    expect(await apiError(client.queryByOutTradeNo(o.outTradeNo))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID', retryable: false });
    fake.tamperNextResponse({ how: 'drop-signature' });
    expect(await apiError(client.queryByOutTradeNo(o.outTradeNo))).toMatchObject({ code: 'RESPONSE_UNSIGNED' });
    const c = order();
    await client.native(c);
    fake.tamperNextResponse(); // a 204 has no body: the signed nonce is changed instead
    expect(await apiError(client.close(c.outTradeNo))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID' });
    const other = rsaPair();
    const wrongKey = clientFor(fake, { platform: { mode: 'publicKey', publicKeyId: fake.publicKeyId, publicKeyPem: other.publicKey } });
    expect(await apiError(wrongKey.queryByOutTradeNo(o.outTradeNo))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID' });
    // a notification is checked the same way
    await fake.pay(o.outTradeNo);
    const last = received.at(-1)!;
    await expect(client.verifyNotification(last.headers, last.body.replace('"id":"', '"id":"X'))).rejects.toMatchObject({ code: 'WECHATPAY_SIGNATURE_INVALID' });
  });

  it('the fake verifies requests: a wrong merchant key, serial or a replayed request is SIGN_ERROR', async () => {
    const intruder = clientFor(fake, { merchantPrivateKeyPem: rsaPair().privateKey });
    expect(await apiError(intruder.native(order()))).toMatchObject({ status: 401, code: 'SIGN_ERROR', retryable: false });
    expect(await apiError(clientFor(fake, { merchantSerial: '0'.repeat(40) }).native(order()))).toMatchObject({ code: 'SIGN_ERROR' });
    const replay: typeof fetch = async (url, init) => (await fetch(url, init), fetch(url, init));
    expect(await apiError(clientFor(fake, { fetchFn: replay }).native(order()))).toMatchObject({ code: 'SIGN_ERROR' });
    expect(fake.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(3);
  });

  it('maps errors to retryable or not, without personal data in messages', async () => {
    const cases = [
      ['/v3/pay/transactions/jsapi', 500, 'SYSTEM_ERROR', true],
      ['/v3/pay/transactions/jsapi', 500, 'BANK_ERROR', true],
      ['/v3/pay/transactions/jsapi', 429, 'FREQUENCY_LIMITED', true],
      ['/v3/pay/transactions/jsapi', 400, 'PARAM_ERROR', false],
      ['/v3/pay/transactions/jsapi', 403, 'USERPAYING', false],
    ] as const;
    for (const [path, status, code, retryable] of cases) {
      fake.failNext(path, { status, code, message: `openid ${OPENID} 有误` });
      const e = await apiError(client.jsapi({ ...order(), openid: OPENID }));
      expect(e).toMatchObject({ status, code, retryable });
      expect(e.requestId).toMatch(/^[0-9a-f]{24}$/);
      expect(e.message).not.toContain(OPENID);
      expect(e.message).not.toContain('PRIVATE');
    }
    const o = order();
    await client.native(o);
    await fake.pay(o.outTradeNo);
    fake.failNext('/v3/refund/domestic/refunds', { status: 403, code: 'NOT_ENOUGH', message: '基本账户余额不足' });
    expect(await apiError(client.refund({ outTradeNo: o.outTradeNo, outRefundNo: `R${o.outTradeNo}`, refundFen: 1, totalFen: o.amountFen }))).toMatchObject({ status: 403, code: 'NOT_ENOUGH', retryable: false });
    expect(await apiError(client.native({ ...order(), outTradeNo: 'abc' }))).toMatchObject({ code: 'PARAM_ERROR', retryable: false });
  });

  it('network errors and timeouts are retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await apiError(clientFor(fake, { baseUrl: deadUrl }).native(order()))).toMatchObject({ status: 0, code: 'NETWORK_ERROR', retryable: true });

    const silent = http.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const slow = clientFor(fake, { baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
      expect(await apiError(slow.native(order()))).toMatchObject({ status: 0, code: 'TIMEOUT', retryable: true });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('downloads the trade bill, checks its SHA1 and parses it', async () => {
    const a = order(1999);
    const b = order(500);
    await client.jsapi({ ...a, openid: OPENID });
    await client.native(b);
    await fake.pay(a.outTradeNo);
    await fake.pay(b.outTradeNo);
    const r = await client.refund({ outTradeNo: a.outTradeNo, outRefundNo: `R${a.outTradeNo}`, refundFen: 999, totalFen: 1999 });
    await fake.settleRefund(r.out_refund_no, 'SUCCESS');

    const csv = await client.tradeBill(todayBeijing(), 'ALL');
    expect(csv.split('\r\n')[0]).toMatch(/^交易时间,公众账号ID,商户号,/);
    const bill = parseTradeBill(csv);
    expect(bill.summary.tradeCount).toBe(bill.rows.length);
    const mine = bill.rows.filter((row) => row.outTradeNo === a.outTradeNo || row.outTradeNo === b.outTradeNo);
    expect(mine).toHaveLength(3);
    expect(mine.find((row) => row.outTradeNo === a.outTradeNo && row.tradeState === 'SUCCESS')).toMatchObject({ appid: OA, mchid: MCHID, totalFen: 1999, settledFen: 1999 });
    expect(mine.find((row) => row.tradeState === 'REFUND')).toMatchObject({ outTradeNo: a.outTradeNo, refundId: r.refund_id, outRefundNo: r.out_refund_no, refundFen: 999, refundStatus: 'SUCCESS' });
    expect(mine.find((row) => row.outTradeNo === b.outTradeNo)?.refundId).toBeUndefined();

    fake.plantBillDifference(todayBeijing(), { outTradeNo: b.outTradeNo, set: { settledFen: 400, orderFen: 400 } });
    fake.plantBillDifference(todayBeijing(), { add: { outTradeNo: 'FX_ONLY_IN_BILL_01', settledFen: 100, orderFen: 100 } });
    const planted = parseTradeBill(await client.tradeBill(todayBeijing()));
    expect(planted.rows.find((row) => row.outTradeNo === b.outTradeNo)?.totalFen).toBe(400);
    expect(planted.rows.find((row) => row.outTradeNo === 'FX_ONLY_IN_BILL_01')?.totalFen).toBe(100);

    fake.tamperNextResponse({ path: '/v3/billdownload/file' });
    expect(await apiError(client.tradeBill(todayBeijing()))).toMatchObject({ code: 'BILL_HASH_MISMATCH', retryable: true });
    expect(await apiError(client.tradeBill('2001-01-01'))).toMatchObject({ code: 'NO_STATEMENT_EXIST', retryable: false });
  });

  it('parses WeChat bill text: columns by header name, commas in 商品名称, the summary count checked', () => {
    const head = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const line = '`2024-05-20 13:29:35,`wxd678efh567hg6787,`1230000109,`0,`,`4200000000202405200000000001,`FX202405200001,`oUpF8u,`JSAPI,`SUCCESS,`CMB_CREDIT,`CNY,`19.99,`0.00,`0,`0,`0.00,`0.00,`,`,`茶叶, 礼盒装,`,`0.12000,`0.60%,`19.99,`0.00,`';
    const summary = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n`1,`19.99,`0.00,`0.00,`0.12000,`19.99,`0.00';
    const bill = parseTradeBill(`\uFEFF${head}\n${line}\n${summary}\n`);
    expect(bill.rows).toEqual([{ tradeTime: '2024-05-20 13:29:35', appid: 'wxd678efh567hg6787', mchid: '1230000109', transactionId: '4200000000202405200000000001', outTradeNo: 'FX202405200001', tradeState: 'SUCCESS', totalFen: 1999, settledFen: 1999 }]);
    expect(bill.summary).toEqual({ tradeCount: 1, settledTotalFen: 1999, refundTotalFen: 0 });
    expect(() => parseTradeBill(`${head}\n${line}\n${summary.replace('`1,', '`2,')}\n`)).toThrow(WechatpayApiError);
  });
});

describe('WeChat Pay client, 平台证书 mode', () => {
  let fake: WechatpayFake;
  beforeAll(async () => {
    fake = await startFake('certificates');
  });
  afterAll(() => fake.close());
  const certDownloads = () => fake.requests.filter((r) => r.path === '/v3/certificates').length;

  it('downloads the certificates on first need, then follows a rotation after at most one refresh a minute', async () => {
    let skewMs = 0;
    const client = clientFor(fake, { now: () => Date.now() + skewMs });
    const first = fake.platformSerial;
    const o = order();
    await client.native(o);
    expect(client.platformSerials()).toEqual([first]);
    const downloads = certDownloads();

    const { serial: second } = fake.rotatePlatformKey();
    expect(fake.certificatesPem()).toHaveLength(2); // the new one is published beside the old
    // signed by a serial the client has not seen, within a minute of the last download: rejected, no new download
    expect(await apiError(client.queryByOutTradeNo(o.outTradeNo))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID' });
    expect(certDownloads()).toBe(downloads);

    skewMs = 61_000;
    expect((await client.queryByOutTradeNo(o.outTradeNo)).trade_state).toBe('NOTPAY');
    expect(certDownloads()).toBe(downloads + 1);
    expect(client.platformSerials().sort()).toEqual([first, second].sort());

    const before = received.length;
    await fake.pay(o.outTradeNo);
    expect(received[before]!.headers['wechatpay-serial']).toBe(second);
    expect((await client.verifyNotification(received[before]!.headers, received[before]!.body)).kind).toBe('transaction');
  });

  it('pinned certificates verify without a download', async () => {
    const client = clientFor(fake, { platform: { mode: 'certificates', pinnedCertificatesPem: fake.certificatesPem() } });
    const downloads = certDownloads();
    await client.native(order());
    expect(certDownloads()).toBe(downloads);
  });

  it('a certificate list that our API v3 key does not decrypt is not trusted', async () => {
    const client = clientFor(fake, { apiV3Key: crypto.randomBytes(16).toString('hex') });
    expect(await apiError(client.native(order()))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID' });
    expect(client.platformSerials()).toEqual([]);
  });
});
