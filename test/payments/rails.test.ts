// The real payment adapters against the loopback fakes, through the app: every request is signature-checked
// by a fake, every answer and notification by the app. Lost callbacks are found by the sweep; switching method
// closes the other attempt at its provider; an order that closes closes its attempts; a refund the provider
// could not take is sent again under the same number; Alipay refunds settle from their synchronous answer.
import crypto from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcile } from '../../src/jobs/reconcile.js';
import { startAlipayFake, type AlipayFake } from '../fakes/alipay.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { refund } from '../support/rules-kit.js';

const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const merchant = rsa();
const alipayApp = rsa();
const alipayKey = rsa();
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OA = 'wx8888888888888888';
const ALIPAY_APP_ID = '2021000000000001';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeEachDatabase('payment rails against their fakes', (kind) => {
  let app: TestApp;
  let wx: WechatpayFake;
  let ali: AlipayFake;
  let buyer: RegisteredMember;
  let support: RegisteredMember;
  let skuId: number;
  let n = 0;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA], platform: 'publicKey' });
    ali = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayKey.privateKey, notifyRetryDelaysMs: [50, 50] });
    app = await startTestApp(kind, {
      rules: { binding: { trigger: 'registration' }, distributor: { mode: 'automatic' }, order: { shippingFen: 0, unpaidCloseMinutes: 30 } },
      config: {
        publicUrl: base,
        paymentQueryAfterMs: 120_000,
        wechatpay: { mchid: MCHID, merchantSerial: MERCHANT_SERIAL, merchantPrivateKeyPem: merchant.privateKey, apiV3Key: API_V3_KEY, platform: { mode: 'publicKey', publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem }, baseUrl: wx.url, notifyUrl: `${base}/api/payments/wechatpay/notify`, appids: { oa: OA } },
        alipay: { appId: ALIPAY_APP_ID, privateKeyPem: alipayApp.privateKey, alipayPublicKeyPem: alipayKey.publicKey, gateway: ali.gateway, notifyUrl: `${base}/api/payments/alipay/notify` },
      },
    });
    await app.http.listen({ port, host: '127.0.0.1' });
    const owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    buyer = await register(app, { nickname: 'rail-buyer' });
    [skuId] = (await createProduct(app, owner, [{ priceFen: 3_000, stock: 100 }])).skus.map((s) => s.id);
  });
  afterAll(async () => {
    await app?.close();
    await wx?.close();
    await ali?.close();
  });

  async function order(): Promise<number> {
    n += 1;
    const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `rails-${kind}-${n}-${crypto.randomUUID()}` } });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const pay = (orderId: number, body: object) => call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body });
  const orderStatus = async (orderId: number) => (await call(app, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.status as string;
  const paymentRows = (orderId: number) => app.services.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  const later = (ms: number) => app.clock.advanceMs(ms);

  it('offers what is configured: WeChat H5 and Native (JSAPI with the 公众号), Alipay WAP and page', async () => {
    const res = await call(app, 'GET', '/api/payments/methods');
    expect(res.status).toBe(200);
    const methods = res.body.methods.map((m: { provider: string; method: string }) => `${m.provider}:${m.method}`);
    expect(methods).toEqual(expect.arrayContaining(['wechatpay:jsapi', 'wechatpay:h5', 'wechatpay:native', 'alipay:wap', 'alipay:page']));
    expect(methods).not.toContain('wechatpay:mp');
  });

  it('JSAPI without a WeChat sign-in is 409 WECHAT_OPENID_REQUIRED and opens nothing at WeChat', async () => {
    const orderId = await order();
    const before = wx.orders.size;
    const res = await pay(orderId, { provider: 'wechatpay', method: 'jsapi' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('WECHAT_OPENID_REQUIRED');
    expect(wx.orders.size).toBe(before);
  });

  it('Native: a payment whose callback is dropped is found by the sweep and applied once; the late callback is a duplicate', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    expect(started.status).toBe(200);
    expect(started.body.params.codeUrl).toMatch(/^weixin:\/\/wxpay\//);
    const fakeOrder = wx.orders.get(started.body.outTradeNo)!;
    expect(fakeOrder).toMatchObject({ kind: 'native', appid: OA, total: 3_000 });
    await wx.pay(started.body.outTradeNo, { dropped: true });
    expect(await orderStatus(orderId)).toBe('pending_payment');
    // not yet due: nothing is asked
    expect((await app.services.paymentChecks.sweep()).queried).toBe(0);
    later(121_000);
    const report = await app.services.paymentChecks.sweep();
    expect(report.paid).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(orderId)).toBe('paid');
    const events = await app.services.db.selectFrom('payment_events').select(['event_key', 'outcome']).where('event_key', '=', `txn:${fakeOrder.transactionId}`).execute();
    expect(events).toEqual([{ event_key: `txn:${fakeOrder.transactionId}`, outcome: 'applied' }]);
    const deliveries = await wx.notify({ outTradeNo: started.body.outTradeNo });
    expect(deliveries[0]!.status).toBe(204);
    expect(await app.services.db.selectFrom('payment_events').select('id').where('event_key', '=', `txn:${fakeOrder.transactionId}`).execute()).toHaveLength(1);
  });

  it('the result page asks the provider: payment-check turns a paid order paid without any callback', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'wechatpay', method: 'h5' });
    expect(decodeURIComponent(started.body.params.h5Url)).toContain(`/pay/result?order=${orderId}`);
    const before = await call(app, 'POST', `/api/orders/${orderId}/payment-check`, { token: buyer.token });
    expect(before.body).toMatchObject({ orderId, status: 'pending_payment', paid: false });
    await wx.pay(started.body.outTradeNo, { dropped: true });
    // the provider is asked at most every half second per order
    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await call(app, 'POST', `/api/orders/${orderId}/payment-check`, { token: buyer.token });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ orderId, status: 'paid', paid: true });
    // another buyer cannot ask about it
    const stranger = await register(app, { nickname: 'stranger' });
    expect((await call(app, 'POST', `/api/orders/${orderId}/payment-check`, { token: stranger.token })).status).toBe(404);
  });

  it('switching from WeChat Native to Alipay closes the WeChat attempt at WeChat first; the same method again reuses its attempt', async () => {
    const orderId = await order();
    const first = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    const again = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    expect(again.body.outTradeNo).toBe(first.body.outTradeNo);
    const alipay = await pay(orderId, { provider: 'alipay', method: 'page' });
    expect(alipay.status).toBe(200);
    expect(alipay.body.outTradeNo).not.toBe(first.body.outTradeNo);
    expect(wx.orders.get(first.body.outTradeNo)!.state).toBe('CLOSED');
    const rows = await paymentRows(orderId);
    expect(rows.map((r) => [r.provider, r.method, r.status])).toEqual([['wechatpay', 'native', 'closed'], ['alipay', 'page', 'created']]);
  });

  it('Alipay page: the cashier pays, the signed notification is answered success and applied once; a forged one is refused', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'alipay', method: 'page' });
    const cashier = await fetch(started.body.params.payUrl);
    expect(cashier.status).toBe(200);
    const outcome = await ali.pay(started.body.outTradeNo);
    expect(outcome.acknowledged).toBe(true);
    expect(await orderStatus(orderId)).toBe('paid');
    expect(ali.notifications.at(-1)!.answer).toBe('success');
    // a replay of the same notification changes nothing
    await ali.notify(started.body.outTradeNo);
    expect((await app.services.db.selectFrom('payments').select('status').where('order_id', '=', orderId).execute()).map((p) => p.status)).toEqual(['succeeded']);
    const forged = await fetch(`${app.services.config.publicUrl}/api/payments/alipay/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...ali.notifications.at(-1)!.params, total_amount: '0.01' }).toString(),
    });
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('fail');
  });

  it('an Alipay refund settles from its synchronous answer; the ledger reverses once', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'alipay', method: 'wap' });
    await fetch(started.body.params.payUrl);
    await ali.pay(started.body.outTradeNo);
    const lineId = (await call(app, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.lines[0].id;
    const opened = await refund(app, support, orderId, [{ lineId, amountFen: 1_000 }]);
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('succeeded');
    expect(ali.trades.get(started.body.outTradeNo)!.refundedFen ?? 1_000).toBe(1_000);
  });

  it('a WeChat refund WeChat could not take (SYSTEM_ERROR) stays processing, is sent again by the sweep under the same number, and settles by notification', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    await wx.pay(started.body.outTradeNo);
    expect(await orderStatus(orderId)).toBe('paid');
    const lineId = (await call(app, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.lines[0].id;
    wx.failNext('/v3/refund/domestic/refunds', { status: 500, code: 'SYSTEM_ERROR' });
    const opened = await refund(app, support, orderId, [{ lineId, amountFen: 3_000 }]);
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('processing');
    const refundNo = opened.body.refundNo as string;
    expect(wx.refunds.has(refundNo)).toBe(false);
    const call1 = await app.services.db.selectFrom('refund_provider_calls').selectAll().where('refund_no', '=', refundNo).executeTakeFirstOrThrow();
    expect(call1.last_error).toBe('SYSTEM_ERROR');
    // finance sees the refusal with the refund, then that the resend was accepted
    const listed = async () => (await call(app, 'GET', '/api/admin/refunds?status=processing', { token: support.token })).body.items.find((r: { refundNo: string }) => r.refundNo === refundNo);
    expect((await listed()).providerCall).toMatchObject({ tries: 1, lastError: 'SYSTEM_ERROR' });
    later(61_000);
    await app.services.paymentChecks.sweep();
    expect(wx.refunds.get(refundNo)).toMatchObject({ outTradeNo: started.body.outTradeNo, refund: 3_000, status: 'PROCESSING' });
    expect((await listed()).providerCall).toMatchObject({ tries: 2, lastError: null });
    await wx.settleRefund(refundNo, 'SUCCESS');
    const stored = await app.services.db.selectFrom('refunds').select('status').where('refund_no', '=', refundNo).executeTakeFirstOrThrow();
    expect(stored.status).toBe('succeeded');
    // the sweep asking again changes nothing
    later(3_600_000);
    await app.services.paymentChecks.sweep();
    expect((await app.services.db.selectFrom('refunds').select('status').where('refund_no', '=', refundNo).executeTakeFirstOrThrow()).status).toBe('succeeded');
  });

  it('an order that closes unpaid has its attempt closed at WeChat, so it can no longer be paid there', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    later(31 * 60_000);
    await app.services.paymentChecks.sweep();
    await app.services.orders.closeUnpaid();
    expect(await orderStatus(orderId)).toBe('closed');
    await app.services.paymentChecks.sweep();
    expect(wx.orders.get(started.body.outTradeNo)!.state).toBe('CLOSED');
    expect((await paymentRows(orderId)).map((p) => p.status)).toEqual(['closed']);
  });

  it('paid in time but the callback lost: the sweep before the close applies it and the order is not closed', async () => {
    const orderId = await order();
    const started = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    await wx.pay(started.body.outTradeNo, { dropped: true });
    later(31 * 60_000);
    await app.services.paymentChecks.sweep();
    await app.services.orders.closeUnpaid();
    expect(await orderStatus(orderId)).toBe('paid');
  });

  it('a provider that cannot be reached answers a clear 503, never a 500', async () => {
    const orderId = await order();
    wx.failNext('/v3/pay/transactions/native', { status: 500, code: 'SYSTEM_ERROR' });
    const res = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('PAYMENT_PROVIDER_BUSY');
    wx.tamperNextResponse({ path: '/v3/pay/transactions/native' });
    const tampered = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    expect(tampered.status).toBe(502);
    const ok = await pay(orderId, { provider: 'wechatpay', method: 'native' });
    expect(ok.status).toBe(200);
  });

  it('reconciliation is clean after it all', async () => {
    const report = await reconcile(app.services.db);
    expect(report.checks.filter((c) => c.differences.length > 0)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
