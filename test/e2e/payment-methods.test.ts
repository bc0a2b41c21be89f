// A buyer pays in Chromium through each real method, against the WeChat Pay and Alipay fakes, and HQ
// refunds it through the provider. The shop picks the method by where it runs: inside WeChat (its user
// agent) JSAPI through a WeixinJSBridge the test injects (it hands the params to the fake, which checks
// paySign); a mobile browser the WeChat H5 cashier or Alipay WAP; a desktop a WeChat Native QR (the test
// decodes it and "scans" it at the fake) or the Alipay page cashier. The result page says 支付成功 only
// from payment-check: a forged return address shows nothing paid, and with the notification dropped by
// the fake the page still turns paid because the server asked the provider.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { startAlipayFake, type AlipayFake } from '../fakes/alipay.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { startWechatpayFake, WECHATPAY_JSAPI_BRIDGE, type WechatpayFake } from '../fakes/wechatpay.js';
import { api, DESKTOP, expectNoHorizontalOverflow, freePort, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

// jsqr is CommonJS with a default export
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

const BUYER = '13900000005';
const SUPPORT = '13800000003';
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const ALIPAY_APP_ID = '2021000000000001';
// one 公众号: WeChat sign-in (openid) and JSAPI payments under the same appid
const OA = { appid: 'wx1111222233335555', secret: crypto.randomBytes(16).toString('hex') };
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN';
const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

let base: string;
let wechat: WechatFake;
let wx: WechatpayFake;
let ali: AlipayFake;
let support: string;
let buyer: string;
let skuId: number;

beforeAll(async () => {
  const merchant = rsa();
  const alipayApp = rsa();
  const alipayKey = rsa();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  wechat = await startWechatFake({ apps: [{ ...OA, kind: 'oa' }] });
  // the H5 cashier opens only from the shop's pages, as 商户平台's H5支付域名 would have it
  wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA.appid], platform: 'publicKey', h5CashierOnLoopback: true, h5Domains: [`127.0.0.1:${port}`] });
  ali = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayKey.privateKey, notifyRetryDelaysMs: [50, 100] });
  await startWorld({
    features: false,
    port,
    config: {
      publicUrl: base,
      // only the real providers: what the shop offers is what fits where it runs
      devPaymentProvider: false,
      wechat: { apiBase: wechat.url, oauthBase: wechat.url, oa: OA },
      wechatpay: {
        mchid: MCHID,
        merchantSerial: MERCHANT_SERIAL,
        merchantPrivateKeyPem: merchant.privateKey,
        apiV3Key: API_V3_KEY,
        platform: { mode: 'publicKey', publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem },
        baseUrl: wx.url,
        notifyUrl: `${base}/api/payments/wechatpay/notify`,
        appids: { oa: OA.appid },
      },
      alipay: { appId: ALIPAY_APP_ID, privateKeyPem: alipayApp.privateKey, alipayPublicKeyPem: alipayKey.publicKey, gateway: ali.gateway, notifyUrl: `${base}/api/payments/alipay/notify` },
    },
  });
  support = (await login(SUPPORT)).token;
  buyer = (await login(BUYER)).token;
  skuId = (await api<{ items: Array<{ skus: Array<{ id: number }> }> }>('GET', '/api/products')).items[0]!.skus[0]!.id;
});

afterAll(async () => {
  await stopWorld();
  await wx?.settled();
  await Promise.all([wx?.close(), ali?.close(), wechat?.close()]);
});

type OrderView = { id: number; status: string; payableFen: number; paidFen: number; lines: Array<{ id: number; paidFen: number }>; refunds: Array<{ refundNo: string; status: string; amountFen: number }> };
type Check = { status: string; paid: boolean; payments: Array<{ provider: string; method: string; outTradeNo: string; status: string; providerTxnId: string | null }> };

async function placeOrder(token: string): Promise<number> {
  const order = await api<{ id: number }>('POST', '/api/orders', { token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `pay-e2e-${crypto.randomUUID()}` } });
  return order.id;
}
const orderOf = (id: number, token: string) => api<OrderView>('GET', `/api/orders/${id}`, { token });
const checkOf = (id: number, token: string) => api<Check>('POST', `/api/orders/${id}/payment-check`, { token });

async function signedInPage(options: Parameters<typeof newContext>[0]): Promise<Page> {
  const page = await (await newContext(options)).newPage();
  await page.goto(`${base}/login`);
  await page.getByTestId('login-phone').fill(BUYER);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('fx_token'))).toBeTruthy();
  return page;
}

/** On the order's page, 立即支付; where several methods fit, the sheet offers them and the buyer picks one. */
async function payFromOrder(page: Page, orderId: number, option?: string, screenshot?: string) {
  await page.goto(`${base}/orders/${orderId}`);
  await page.getByTestId('order-detail-page').waitFor();
  await page.getByTestId('order-pay').click();
  if (option) {
    await page.getByTestId(`pay-option-${option}`).waitFor();
    if (screenshot) await shot(page, screenshot);
    await page.getByTestId(`pay-option-${option}`).click();
  }
}

/** The result page turned paid; the server has the payment from this provider, with the provider's own transaction id. */
async function expectPaid(page: Page, orderId: number, token: string, provider: string, providerTxnId: string | undefined) {
  await page.waitForURL((u) => u.pathname === '/pay/result' && u.searchParams.get('order') === String(orderId), { timeout: 20_000 });
  const success = page.getByTestId('pay-success');
  await success.waitFor({ timeout: 20_000 });
  expect(Number(await success.getAttribute('data-order-id'))).toBe(orderId);
  const order = await orderOf(orderId, token);
  expect(order.status).toBe('paid');
  expect(Number(await page.getByTestId('pay-amount').getAttribute('data-fen'))).toBe(order.paidFen);
  const paid = (await checkOf(orderId, token)).payments.filter((p) => p.status === 'succeeded');
  expect(paid).toHaveLength(1);
  expect(paid[0]).toMatchObject({ provider, providerTxnId });
  // the address is the result page's own: a cashier's return parameters are not kept
  expect([...new URL(page.url()).searchParams.keys()]).toEqual(['order']);
}

/** HQ refunds the order's line in full through the API; the refund is sent to the provider that took the money. */
async function refund(orderId: number, token: string) {
  const order = await orderOf(orderId, token);
  const line = order.lines[0]!;
  return api<{ refundNo: string; status: string; amountFen: number }>('POST', `/api/admin/orders/${orderId}/refunds`, {
    token: support,
    body: { lines: [{ lineId: line.id, amountFen: line.paidFen }], reason: '浏览器测试退款', idempotencyKey: `e2e-refund-${orderId}-${crypto.randomUUID()}` },
    expect: 201,
  });
}

/** WeChat answers PROCESSING; the refund succeeds when WeChat's REFUND.SUCCESS notification arrives. */
async function refundThroughWechat(orderId: number, token: string, outTradeNo: string) {
  const r = await refund(orderId, token);
  expect(r.status).toBe('processing');
  expect(wx.refunds.get(r.refundNo)).toMatchObject({ outTradeNo, refund: r.amountFen, status: 'PROCESSING' });
  const [delivery] = await wx.settleRefund(r.refundNo, 'SUCCESS');
  expect(delivery!.status).toBe(204);
  expect((await orderOf(orderId, token)).refunds.find((x) => x.refundNo === r.refundNo)?.status).toBe('succeeded');
}

/** Alipay answers a refund at once (fund_change Y): it has succeeded when the API answers. */
async function refundThroughAlipay(orderId: number, token: string, outTradeNo: string) {
  const r = await refund(orderId, token);
  expect(r.status).toBe('succeeded');
  expect(ali.trades.get(outTradeNo)!.refunds.get(r.refundNo)?.refundFen).toBe(r.amountFen);
  expect((await orderOf(orderId, token)).refunds.find((x) => x.refundNo === r.refundNo)?.status).toBe('succeeded');
}

const openAttempt = async (orderId: number, token: string, method: string) => (await checkOf(orderId, token)).payments.find((p) => p.method === method && p.status === 'created')!.outTradeNo;

describe('paying by where the shop runs, each against its provider fake, and refunding', () => {
  it('inside WeChat: JSAPI through WeixinJSBridge, the fake verifies paySign; refunded through WeChat', async () => {
    const user = { unionid: 'o6_pay_e2e_jsapi', nickname: '微信买家', avatarUrl: '' };
    wechat.setOauthUser(OA.appid, user);
    const page = await (await newContext({ ...MOBILE, userAgent: WECHAT_UA })).newPage();
    const bridgeUrl = `${wx.url}${WECHATPAY_JSAPI_BRIDGE}`;
    const post = async (params: object) => (await fetch(bridgeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) })).json() as Promise<{ err_msg: string; err_desc?: string }>;
    let handed: Record<string, string> | undefined;
    let forged: { err_msg: string; err_desc?: string } | undefined;
    // WeChat's client hands the params to WeChat Pay; here the test does, to the fake (the shop's CSP keeps the page to its own origin)
    await page.exposeFunction('__wechatPay', async (params: Record<string, string>) => {
      handed = params;
      // first the same params with a paySign that is not the merchant's: WeChat refuses them
      forged = await post({ ...params, paySign: Buffer.from('forged').toString('base64') });
      return post(params);
    });
    await page.addInitScript(() => {
      const w = window as unknown as { WeixinJSBridge: unknown; __wechatPay: (p: unknown) => Promise<{ err_msg: string }> };
      w.WeixinJSBridge = {
        invoke(name: string, params: unknown, callback: (res: { err_msg: string }) => void) {
          if (name !== 'getBrandWCPayRequest') return callback({ err_msg: `${name}:fail` });
          void w.__wechatPay(params).then(callback, () => callback({ err_msg: 'get_brand_wcpay_request:fail' }));
        },
      };
    });
    // signed in silently through the 公众号: the server now knows this buyer's openid for the appid JSAPI pays under
    await page.goto(`${base}/`);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('fx_token')), { timeout: 20_000 }).toBeTruthy();
    const token = (await page.evaluate(() => localStorage.getItem('fx_token')))!;
    expect((await api<{ wechat: string[] }>('GET', '/api/me', { token })).wechat).toEqual(['oa']);

    const orderId = await placeOrder(token);
    // one method fits inside WeChat: one tap, no sheet
    await payFromOrder(page, orderId);
    await expect.poll(() => handed?.package, { timeout: 15_000 }).toMatch(/^prepay_id=/);
    const fakeOrder = [...wx.orders.values()].find((o) => `prepay_id=${o.prepayId}` === handed!.package)!;
    expect(fakeOrder).toMatchObject({ kind: 'jsapi', appid: OA.appid, openid: wechat.openidOf(OA.appid, user) });
    expect(handed).toMatchObject({ appId: OA.appid, signType: 'RSA' });
    await expect.poll(() => forged).toMatchObject({ err_msg: 'get_brand_wcpay_request:fail', err_desc: 'paySign' });
    await expect.poll(() => fakeOrder.state).toBe('SUCCESS');
    await expectPaid(page, orderId, token, 'wechatpay', fakeOrder.transactionId);
    await shot(page, 'shop-pay-wechat-jsapi');
    await refundThroughWechat(orderId, token, fakeOrder.outTradeNo);
  });

  it('mobile browser: WeChat H5 cashier and back, with the notification dropped: paid through payment-check; refunded', async () => {
    const page = await signedInPage({ ...MOBILE, userAgent: PHONE_UA });
    const orderId = await placeOrder(buyer);
    wx.onNextBuyerPayment({ dropped: true });
    const dropped = wx.deliveries.filter((d) => d.status === 'dropped').length;
    await payFromOrder(page, orderId, 'wechatpay-h5', 'shop-pay-methods-mobile');
    await page.waitForURL((u) => u.origin === wx.url);
    await page.locator('#pay').waitFor();
    expect(await page.locator('#amount').textContent()).toContain(((await orderOf(orderId, buyer)).payableFen / 100).toFixed(2));
    const outTradeNo = await openAttempt(orderId, buyer, 'h5');
    await page.locator('#pay').click();
    await expectPaid(page, orderId, buyer, 'wechatpay', wx.orders.get(outTradeNo)!.transactionId);
    // WeChat's notification never arrived: the server learned it from WeChat's answer to the result page's check
    expect(wx.deliveries.filter((d) => d.status === 'dropped').length).toBe(dropped + 1);
    await expectNoHorizontalOverflow(page, 'pay result after WeChat H5');
    await refundThroughWechat(orderId, buyer, outTradeNo);
  });

  it('desktop: WeChat Native QR; the phone scans it and pays, the page turns paid by asking; refunded', async () => {
    const page = await signedInPage(DESKTOP);
    const orderId = await placeOrder(buyer);
    await payFromOrder(page, orderId, 'wechatpay-native');
    await page.waitForURL((u) => u.pathname === '/pay/result');
    const qr = page.getByTestId('pay-qr');
    await qr.waitFor();
    await page.getByTestId('pay-checking').waitFor();
    await shot(page, 'shop-pay-wechat-native-qr');
    // what a phone's camera reads off the screen
    const pixels = await qr.evaluate((img: HTMLImageElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return { width: canvas.width, height: canvas.height, data: Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    const scanned = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data;
    expect(scanned).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const outTradeNo = await openAttempt(orderId, buyer, 'native');
    const fakeOrder = wx.orders.get(outTradeNo)!;
    expect(scanned).toBe(`weixin://wxpay/bizpayurl?pr=${fakeOrder.prepayId.slice(-10)}`);
    expect((await orderOf(orderId, buyer)).status).toBe('pending_payment');
    expect(await page.getByTestId('pay-success').count()).toBe(0);
    await wx.pay(outTradeNo);
    await expectPaid(page, orderId, buyer, 'wechatpay', fakeOrder.transactionId);
    await refundThroughWechat(orderId, buyer, outTradeNo);
  });

  it('mobile browser: Alipay WAP cashier (signed request verified by the gateway), back with signed params; notification dropped; refunded at once', async () => {
    const page = await signedInPage({ ...MOBILE, userAgent: PHONE_UA });
    const orderId = await placeOrder(buyer);
    await payFromOrder(page, orderId, 'alipay-wap');
    await page.waitForURL((u) => u.origin === ali.url);
    await page.locator('#pay').waitFor();
    const opened = ali.requests.at(-1)!;
    expect(opened.method).toBe('alipay.trade.wap.pay');
    expect(opened.params.return_url).toBe(`${base}/pay/result?order=${orderId}`);
    const outTradeNo = await openAttempt(orderId, buyer, 'wap');
    ali.onNextBuyerPayment({ dropped: true });
    const notified = ali.notifications.length;
    await page.locator('#pay').click();
    await expectPaid(page, orderId, buyer, 'alipay', ali.trades.get(outTradeNo)!.tradeNo);
    expect(ali.notifications.length).toBe(notified);
    await refundThroughAlipay(orderId, buyer, outTradeNo);
  });

  it('desktop: a forged return shows nothing paid; then the Alipay page cashier pays and the page turns paid; refunded at once', async () => {
    const page = await signedInPage(DESKTOP);
    const orderId = await placeOrder(buyer);
    // return parameters as Alipay would append them, but nobody paid: the page goes by payment-check only
    await page.goto(`${base}/pay/result?order=${orderId}&method=alipay.trade.page.pay.return&out_trade_no=P0&trade_no=2024&total_amount=1.00&sign=forged`);
    await page.getByTestId('pay-checking').waitFor();
    await page.waitForTimeout(4_000);
    expect(await page.getByTestId('pay-success').count()).toBe(0);
    expect((await orderOf(orderId, buyer)).status).toBe('pending_payment');
    expect([...new URL(page.url()).searchParams.keys()]).toEqual(['order']);
    await shot(page, 'shop-pay-result-checking');

    await payFromOrder(page, orderId, 'alipay-page');
    await page.waitForURL((u) => u.origin === ali.url);
    await page.locator('#pay').waitFor();
    expect(ali.requests.at(-1)!.method).toBe('alipay.trade.page.pay');
    const outTradeNo = await openAttempt(orderId, buyer, 'page');
    await page.locator('#pay').click();
    await expectPaid(page, orderId, buyer, 'alipay', ali.trades.get(outTradeNo)!.tradeNo);
    await shot(page, 'shop-pay-alipay-page-paid');
    await refundThroughAlipay(orderId, buyer, outTradeNo);
    expect(pageErrors).toEqual([]);
  });
});
