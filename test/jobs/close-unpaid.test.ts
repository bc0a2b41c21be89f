// The unpaid close and the payment checks are queues of their own now, so the close no longer comes right
// after a payment sweep: the orders.close-unpaid job asks the provider about the orders it is about to
// close first. An order paid at WeChat whose callback was lost is applied, not closed; one never paid is
// closed (and its attempt closed at WeChat). Against the WeChat Pay loopback fake.
import crypto from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobCatalog } from '../../src/jobs/catalog.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OA = 'wx8888888888888888';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeEachDatabase('the unpaid-close job asks the provider first', (kind) => {
  let app: TestApp;
  let wx: WechatpayFake;
  let buyer: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA], platform: 'publicKey' });
    app = await startTestApp(kind, {
      rules: { order: { shippingFen: 0, unpaidCloseMinutes: 30 } },
      config: {
        publicUrl: base,
        wechatpay: { mchid: MCHID, merchantSerial: MERCHANT_SERIAL, merchantPrivateKeyPem: merchant.privateKey, apiV3Key: API_V3_KEY, platform: { mode: 'publicKey', publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem }, baseUrl: wx.url, notifyUrl: `${base}/api/payments/wechatpay/notify`, appids: { oa: OA } },
      },
    });
    await app.http.listen({ port, host: '127.0.0.1' });
    const owner = await hqMember(app, 'owner');
    buyer = await register(app, { nickname: 'close-buyer' });
    [skuId] = (await createProduct(app, owner, [{ priceFen: 3_000, stock: 100 }])).skus.map((s) => s.id);
  });
  afterAll(async () => {
    await app?.close();
    await wx?.close();
  });

  async function nativeOrder(): Promise<{ orderId: number; outTradeNo: string }> {
    const created = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `close-${kind}-${crypto.randomUUID()}` } });
    expect(created.status).toBe(201);
    const started = await call(app, 'POST', `/api/orders/${created.body.id}/pay`, { token: buyer.token, body: { provider: 'wechatpay', method: 'native' } });
    expect(started.status).toBe(200);
    return { orderId: created.body.id, outTradeNo: started.body.outTradeNo };
  }
  const orderStatus = async (orderId: number) => (await call(app, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.status as string;

  it('applies a lost payment of an order due to close instead of closing it, and closes the one never paid', async () => {
    const paidThere = await nativeOrder();
    const neverPaid = await nativeOrder();
    await wx.pay(paidThere.outTradeNo, { dropped: true });
    app.clock.advanceMs(31 * 60_000);
    // only this job runs: no payment sweep before it
    const closeUnpaid = jobCatalog(app.services).find((j) => j.name === 'orders.close-unpaid')!;
    expect(await closeUnpaid.run({ attempt: 0, id: 'test', slot: null })).toEqual({ closed: 1 });
    expect(await orderStatus(paidThere.orderId)).toBe('paid');
    expect(await orderStatus(neverPaid.orderId)).toBe('closed');
    const events = await app.services.db.selectFrom('payment_events').select('outcome').where('provider', '=', 'wechatpay').execute();
    expect(events.map((e) => e.outcome)).toEqual(['applied']);
  });
});
