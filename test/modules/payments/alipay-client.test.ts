// The real AlipayClient (official SDK inside) against the loopback Alipay gateway fake.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipayApiError, AlipayClient, fenToYuan, parseTradeBill, yuanToFen } from '../../../src/modules/payments/alipay-client.js';
import { startAlipayFake, type AlipayFake } from '../../fakes/alipay.js';

const rsa = (type: 'pkcs1' | 'pkcs8') => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type, format: 'pem' } });
const appKeys = rsa('pkcs1'); // the key tool's PKCS#1 export, the SDK's default
const alipayKeys = rsa('pkcs8');
const strangerKeys = rsa('pkcs8');
const APP_ID = '2021004100000001';
const RETURN_URL = 'https://shop.example.com/pay/return';

interface NotifyServer { url: string; received: Array<Record<string, string>>; answers: string[]; close(): Promise<void> }
async function startNotifyServer(): Promise<NotifyServer> {
  const received: Array<Record<string, string>> = [];
  const answers: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(Object.fromEntries(new URLSearchParams(body)));
      res.end(answers.shift() ?? 'success');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments/alipay/notify`, received, answers, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function apiError(promise: Promise<unknown>): Promise<AlipayApiError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AlipayApiError);
  return err as AlipayApiError;
}

function clientFor(fake: AlipayFake, notifyUrl: string, overrides: Partial<ConstructorParameters<typeof AlipayClient>[0]> = {}) {
  return new AlipayClient({ appId: APP_ID, privateKeyPem: appKeys.privateKey, alipayPublicKeyPem: alipayKeys.publicKey, gateway: fake.gateway, notifyUrl, returnUrl: RETURN_URL, timeoutMs: 2000, ...overrides });
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('fen ⇄ yuan', () => {
  it('is exact at 1 fen and at large amounts, and refuses anything else', () => {
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(100)).toBe('1.00');
    expect(fenToYuan(10_000_000_000)).toBe('100000000.00');
    expect(fenToYuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
    expect(yuanToFen('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('-12.34')).toBe(-1234);
    for (const bad of [0.5, -1, Number.NaN, 2 ** 53]) expect(() => fenToYuan(bad)).toThrow(RangeError);
    for (const bad of ['1.001', '1e3', '', '01.00', '1,00', '90071992547409.92']) expect(() => yuanToFen(bad)).toThrow(RangeError);
  });
});

describe('AlipayClient against the fake gateway', () => {
  let fake: AlipayFake;
  let hooks: NotifyServer;
  let client: AlipayClient;
  beforeAll(async () => {
    fake = await startAlipayFake({ appId: APP_ID, appPublicKeyPem: appKeys.publicKey, alipayPrivateKeyPem: alipayKeys.privateKey, notifyRetryDelaysMs: [20, 20, 20] });
    hooks = await startNotifyServer();
    client = clientFor(fake, hooks.url);
  });
  afterAll(async () => { await fake.close(); await hooks.close(); });

  it('WAP: the trade exists once the cashier opens; paying notifies; the notification verifies; query agrees', async () => {
    const url = client.wapPay({ outTradeNo: 'W1', subject: '测试商品', amountFen: 1, quitUrl: 'https://shop.example.com/o/W1' });
    expect(url.startsWith(`${fake.gateway}?`)).toBe(true);
    expect((await apiError(client.query('W1'))).subCode).toBe('ACQ.TRADE_NOT_EXIST');
    const cashier = await (await fetch(url)).text();
    expect(cashier).toContain('¥0.01');
    expect(fake.requests.at(-1)!.biz).toMatchObject({ out_trade_no: 'W1', total_amount: '0.01', product_code: 'QUICK_WAP_WAY', quit_url: 'https://shop.example.com/o/W1' });
    expect(await client.query('W1')).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY', totalFen: 1 });

    const outcome = await fake.pay('W1');
    expect(outcome).toMatchObject({ acknowledged: true, attempts: 1 });
    const params = hooks.received.at(-1)!;
    expect(params.notify_type).toBe('trade_status_sync');
    const n = client.verifyNotification(params);
    expect(n).toMatchObject({ outTradeNo: 'W1', tradeStatus: 'TRADE_SUCCESS', totalFen: 1, appId: APP_ID, notifyId: outcome.notifyId });
    expect(n.gmtPayment).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const trade = await client.query('W1');
    expect(trade).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalFen: 1, tradeNo: n.tradeNo });
    expect(trade.paidAt).toBeDefined();
  });

  it('page pay as a POST form at a large amount: the cashier button pays and return_url verifies', async () => {
    const html = client.pagePay({ outTradeNo: 'P1', subject: 'Big order', amountFen: 9_999_999_999, expiresAt: new Date(Date.now() + 3_600_000) }, { form: true });
    const action = /action="([^"]+)"/.exec(html)![1];
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]));
    expect(JSON.parse(fields.biz_content)).toMatchObject({ total_amount: '99999999.99', product_code: 'FAST_INSTANT_TRADE_PAY', time_expire: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) });
    const cashier = await (await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })).text();
    expect(cashier).toContain('¥99999999.99');
    const clicked = await fetch(`${fake.url}/cashier/pay`, { method: 'POST', body: new URLSearchParams({ out_trade_no: 'P1' }), redirect: 'manual' });
    expect(clicked.status).toBe(302);
    const back = new URL(clicked.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(RETURN_URL);
    expect(client.verifyReturn(Object.fromEntries(back.searchParams))).toMatchObject({ outTradeNo: 'P1', totalFen: 9_999_999_999 });
    expect(await client.query('P1')).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalFen: 9_999_999_999 });
    await until(() => hooks.received.some((p) => p.out_trade_no === 'P1'));
  });

  it('an expired time_expire: the cashier refuses and no trade is created', async () => {
    const url = client.wapPay({ outTradeNo: 'E1', subject: 'e', amountFen: 1, quitUrl: 'https://q.example.com', expiresAt: new Date(Date.now() - 60_000) });
    expect(await (await fetch(url)).text()).toContain('data-code="ACQ.TRADE_HAS_CLOSE"');
    expect(fake.trades.has('E1')).toBe(false);
  });

  it('keys: bare base64 (as the key tool prints) works; an unreadable key fails without echoing it', async () => {
    const bare = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const pkcs8 = rsa('pkcs8');
    const otherFake = await startAlipayFake({ appId: APP_ID, appPublicKeyPem: pkcs8.publicKey, alipayPrivateKeyPem: alipayKeys.privateKey });
    try {
      const c = clientFor(otherFake, hooks.url, { privateKeyPem: bare(pkcs8.privateKey), alipayPublicKeyPem: bare(alipayKeys.publicKey) });
      expect((await apiError(c.query('none'))).subCode).toBe('ACQ.TRADE_NOT_EXIST'); // signed, verified, answered
    } finally {
      await otherFake.close();
    }
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-key';
    expect(() => clientFor(fake, hooks.url, { privateKeyPem: secret })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });

  it('a tampered notification (changed amount), an unsigned one and one signed by another key do not verify', () => {
    const genuine = hooks.received.find((p) => p.out_trade_no === 'W1')!;
    expect(() => client.verifyNotification(genuine)).not.toThrow();
    expect(() => client.verifyNotification({ ...genuine, total_amount: '100.00' })).toThrow(expect.objectContaining({ code: 'NOTIFY_SIGNATURE_INVALID' }));
    const { sign: _sign, ...unsigned } = genuine;
    expect(() => client.verifyNotification(unsigned)).toThrow(AlipayApiError);
    const foreign = new AlipayClient({ appId: APP_ID, privateKeyPem: appKeys.privateKey, alipayPublicKeyPem: strangerKeys.publicKey, gateway: fake.gateway, notifyUrl: hooks.url });
    expect(() => foreign.verifyNotification(genuine)).toThrow(expect.objectContaining({ code: 'NOTIFY_SIGNATURE_INVALID' }));
  });

  it('notifications are retried until the answer is plain "success"; duplicates and drops happen', async () => {
    await fetch(client.wapPay({ outTradeNo: 'N1', subject: 'n', amountFen: 500, quitUrl: 'https://shop.example.com/q' }));
    hooks.answers.push('fail', '{"ok":true}');
    const outcome = await fake.pay('N1');
    expect(outcome).toMatchObject({ acknowledged: true, attempts: 3 });
    const deliveries = hooks.received.filter((p) => p.notify_id === outcome.notifyId);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((p) => p.sign)).size).toBe(1);

    const dup = await fake.notify('N1', { duplicate: true });
    expect(dup.attempts).toBe(2);
    expect(hooks.received.filter((p) => p.notify_id === dup.notifyId)).toHaveLength(2);
    const before = hooks.received.length;
    expect(await fake.notify('N1', { dropped: true })).toMatchObject({ acknowledged: false, attempts: 0 });
    expect(hooks.received.length).toBe(before);
  });

  it('the fake verifies requests: a wrong app key or app id is refused', async () => {
    const wrongKey = clientFor(fake, hooks.url, { privateKeyPem: strangerKeys.privateKey });
    expect(await apiError(wrongKey.query('W1'))).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature', retryable: false });
    const wrongApp = clientFor(fake, hooks.url, { appId: '2021009999999999' });
    expect(await apiError(wrongApp.query('W1'))).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
    const page = await (await fetch(wrongKey.wapPay({ outTradeNo: 'X1', subject: 'x', amountFen: 1, quitUrl: 'https://q.example.com' }))).text();
    expect(page).toContain('data-code="isv.invalid-signature"');
    expect(fake.trades.has('X1')).toBe(false);
  });

  it('refunds: a tampered answer is rejected, the retry with the same out_request_no refunds once', async () => {
    await fetch(client.wapPay({ outTradeNo: 'R1', subject: 'r', amountFen: 100, quitUrl: 'https://shop.example.com/q' }));
    await fake.pay('R1');
    fake.tamperNextResponse();
    expect(await apiError(client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-1', refundFen: 30, reason: '退货' }))).toMatchObject({ code: 'RESPONSE_SIGNATURE_INVALID', retryable: true });
    expect(await client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-1', refundFen: 30, reason: '退货' })).toMatchObject({ fundChange: false, refundedTotalFen: 30 });
    expect(fake.trades.get('R1')!.refundedFen).toBe(30);
    expect(await client.queryRefund('R1', 'R1-1')).toMatchObject({ status: 'REFUND_SUCCESS', refundFen: 30, totalFen: 100 });
    expect(await client.queryRefund('R1', 'R1-9')).toMatchObject({ status: 'NOT_REFUNDED' });
    expect((await apiError(client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-2', refundFen: 80, reason: 'x' }))).subCode).toBe('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
    expect((await apiError(client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-1', refundFen: 31, reason: 'x' }))).subCode).toBe('ACQ.DISCORDANT_REPEAT_REQUEST');
    expect(await client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-2', refundFen: 70, reason: 'x' })).toMatchObject({ fundChange: true, refundedTotalFen: 100 });
    expect((await client.query('R1')).tradeStatus).toBe('TRADE_CLOSED');
    expect((await apiError(client.refund({ outTradeNo: 'R1', outRequestNo: 'R1-3', refundFen: 1, reason: 'x' }))).subCode).toBe('ACQ.TRADE_HAS_CLOSE');
    await until(() => hooks.received.some((p) => p.out_trade_no === 'R1' && p.out_biz_no === 'R1-2'));
    const refundNote = client.verifyNotification(hooks.received.find((p) => p.out_biz_no === 'R1-2')!);
    expect(refundNote).toMatchObject({ tradeStatus: 'TRADE_CLOSED', refundFen: 100, outRequestNo: 'R1-2' });
  });

  it('close: unpaid trades close; paid or unknown ones are refused with Alipay codes', async () => {
    await fetch(client.wapPay({ outTradeNo: 'C1', subject: 'c', amountFen: 10, quitUrl: 'https://shop.example.com/q' }));
    expect(await client.close('C1')).toMatchObject({ outTradeNo: 'C1' });
    expect((await client.query('C1')).tradeStatus).toBe('TRADE_CLOSED');
    expect((await apiError(client.close('C1'))).subCode).toBe('ACQ.TRADE_STATUS_ERROR');
    expect((await apiError(client.close('W1'))).subCode).toBe('ACQ.TRADE_STATUS_ERROR');
    expect(await apiError(client.close('NOPE'))).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', retryable: false });
  });

  it('maps failures: SYSTEM_ERROR, 20000, HTTP errors, dropped connections and timeouts are retryable', async () => {
    fake.failNext('alipay.trade.query', { code: '40004', subCode: 'ACQ.SYSTEM_ERROR' });
    expect(await apiError(client.query('W1'))).toMatchObject({ code: '40004', subCode: 'ACQ.SYSTEM_ERROR', retryable: true });
    fake.failNext('alipay.trade.query', { code: '20000', subCode: 'isp.unknow-error' });
    expect(await apiError(client.query('W1'))).toMatchObject({ code: '20000', retryable: true });
    fake.failNext('alipay.trade.query', { httpStatus: 502 });
    expect(await apiError(client.query('W1'))).toMatchObject({ code: 'HTTP_502', retryable: true });
    // urllib (inside the SDK) re-sends the identical signed request once after a socket error
    // (socketErrorRetry: 1): harmless only because Alipay dedupes on the out_* numbers
    const seen = fake.requests.length;
    fake.failNext('alipay.trade.query', { drop: true });
    expect((await client.query('W1')).tradeStatus).toBe('TRADE_SUCCESS');
    expect(fake.requests.slice(seen).map((r) => r.params.sign)).toEqual([fake.requests[seen].params.sign, fake.requests[seen].params.sign]);
    fake.failNext('alipay.trade.query', { drop: true });
    fake.failNext('alipay.trade.query', { drop: true });
    expect(await apiError(client.query('W1'))).toMatchObject({ code: 'NETWORK', retryable: true });
    fake.failNext('alipay.trade.query', { stall: true });
    const impatient = clientFor(fake, hooks.url, { timeoutMs: 300 });
    expect(await apiError(impatient.query('W1'))).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect((await client.query('W1')).tradeStatus).toBe('TRADE_SUCCESS');
  });

  it('transfers: success, the same out_biz_no pays once, each failure mapped, DEALING settles later', async () => {
    fake.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: 'agent@example.com', name: '张三' });
    fake.addPayee({ identityType: 'ALIPAY_USER_ID', identity: '2088000000000002', name: '李四', frozen: true });
    fake.addPayee({ identityType: 'ALIPAY_USER_ID', identity: '2088000000000003', name: '王五', dealing: true });
    const zhang = { identityType: 'ALIPAY_LOGON_ID' as const, identity: 'agent@example.com', name: '张三' };
    const start = fake.balanceFen;

    const first = await client.transfer({ outBizNo: 'T1', amountFen: 12_345, payee: zhang, title: '佣金提现' });
    expect(first).toMatchObject({ outBizNo: 'T1', status: 'SUCCESS' });
    expect(fake.requests.at(-1)!.biz).toMatchObject({ trans_amount: '123.45', product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER', payee_info: { identity_type: 'ALIPAY_LOGON_ID' } });
    const again = await client.transfer({ outBizNo: 'T1', amountFen: 12_345, payee: zhang, title: '佣金提现' });
    expect(again.orderId).toBe(first.orderId);
    expect(fake.receivedFen('agent@example.com')).toBe(12_345);
    expect(fake.balanceFen).toBe(start - 12_345);
    expect(await client.queryTransfer('T1')).toMatchObject({ status: 'SUCCESS', orderId: first.orderId, amountFen: 12_345 });
    expect((await apiError(client.transfer({ outBizNo: 'T1', amountFen: 1, payee: zhang, title: 'x' }))).subCode).toBe('PAYMENT_INFO_INCONSISTENCY');

    const cases: Array<[string, Parameters<AlipayClient['transfer']>[0]]> = [
      ['PAYEE_NOT_EXIST', { outBizNo: 'T2', amountFen: 100, payee: { identityType: 'ALIPAY_LOGON_ID', identity: 'nobody@example.com', name: '赵六' }, title: 'x' }],
      ['PAYEE_ACCOUNT_STATUS_ERROR', { outBizNo: 'T3', amountFen: 100, payee: { identityType: 'ALIPAY_USER_ID', identity: '2088000000000002', name: '李四' }, title: 'x' }],
      ['PAYEE_USER_INFO_ERROR', { outBizNo: 'T4', amountFen: 100, payee: { ...zhang, name: '张四' }, title: 'x' }],
      ['EXCEED_LIMIT_SM_MIN_AMOUNT', { outBizNo: 'T5', amountFen: 9, payee: zhang, title: 'x' }],
      ['PAYER_BALANCE_NOT_ENOUGH', { outBizNo: 'T6', amountFen: start + 1, payee: zhang, title: 'x' }],
    ];
    for (const [subCode, input] of cases) {
      const err = await apiError(client.transfer(input));
      expect(err).toMatchObject({ code: '40004', subCode, retryable: false });
      expect(err.message).not.toContain(input.payee.name); // no personal data in messages
      expect(err.message).not.toContain(input.payee.identity);
    }
    expect((await apiError(client.queryTransfer('T2'))).subCode).toBe('ORDER_NOT_EXIST');
    expect(fake.balanceFen).toBe(start - 12_345);

    const wang = { identityType: 'ALIPAY_USER_ID' as const, identity: '2088000000000003', name: '王五' };
    expect((await client.transfer({ outBizNo: 'T7', amountFen: 500, payee: wang, title: 'x' })).status).toBe('DEALING');
    expect((await client.queryTransfer('T7')).status).toBe('DEALING');
    fake.settleTransfer('T7', 'FAIL');
    expect(await client.queryTransfer('T7')).toMatchObject({ status: 'FAIL', errorCode: 'PAYEE_ACCOUNT_STATUS_ERROR' });
    expect((await client.transfer({ outBizNo: 'T7', amountFen: 500, payee: wang, title: 'x' })).status).toBe('FAIL'); // a failed out_biz_no stays failed
    expect((await client.transfer({ outBizNo: 'T8', amountFen: 600, payee: wang, title: 'x' })).status).toBe('DEALING');
    fake.settleTransfer('T8', 'SUCCESS');
    expect((await client.queryTransfer('T8')).status).toBe('SUCCESS');
    expect(fake.receivedFen('2088000000000003')).toBe(600);
    expect(fake.balanceFen).toBe(start - 12_345 - 600);
  });
});

describe('trade bill', () => {
  it("is served the next day as a zip of GBK CSVs, downloaded, decoded and parsed; planted differences show", async () => {
    const fake = await startAlipayFake({ appId: APP_ID, appPublicKeyPem: appKeys.publicKey, alipayPrivateKeyPem: alipayKeys.privateKey });
    const hooks = await startNotifyServer();
    try {
      const client = clientFor(fake, hooks.url);
      for (const [no, amountFen] of [['B1', 1234], ['B2', 1], ['B3', 50]] as const) {
        await fetch(client.wapPay({ outTradeNo: no, subject: `商品,"${no}"`, amountFen, quitUrl: 'https://shop.example.com/q' }));
        await fake.pay(no);
      }
      await client.refund({ outTradeNo: 'B1', outRequestNo: 'B1-R1', refundFen: 34, reason: '部分退款' });
      const day = new Date(fake.trades.get('B1')!.paidAt! + 8 * 3_600_000).toISOString().slice(0, 10);
      fake.plantBillDifference({ kind: 'amount', outTradeNo: 'B2', amountFen: 2 });
      fake.plantBillDifference({ kind: 'drop', outTradeNo: 'B3' });
      fake.plantBillDifference({ kind: 'extra', outTradeNo: 'GHOST', amountFen: 999 });
      expect((await apiError(client.billDownloadUrl(day))).subCode).toBe('isp.bill_not_exist');

      fake.advanceClock(24 * 3_600_000);
      const url = await client.billDownloadUrl(day);
      const raw = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(raw.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
      const csv = await client.downloadBill(url);
      expect(csv).toContain('#支付宝业务明细查询');
      const rows = parseTradeBill(csv);
      const by = (no: string, type: string) => rows.find((r) => r.outTradeNo === no && r.type === type);
      expect(by('B1', '交易')).toMatchObject({ amountFen: 1234 });
      expect(by('B1', '退款')).toMatchObject({ amountFen: 34, refundRequestNo: 'B1-R1' });
      expect(by('B2', '交易')).toMatchObject({ amountFen: 2 });
      expect(by('B3', '交易')).toBeUndefined();
      expect(by('GHOST', '交易')).toMatchObject({ amountFen: 999 });
      expect(rows).toHaveLength(4);
      expect(by('B1', '交易')!.tradeNo).toBe(fake.trades.get('B1')!.tradeNo);
      expect(by('B1', '交易')!.time.startsWith(day)).toBe(true);
    } finally {
      await fake.close();
      await hooks.close();
    }
  });
});
