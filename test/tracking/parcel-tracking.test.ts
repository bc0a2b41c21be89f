// Parcels tracked through 快递100, end to end on a listening server: HQ ships, the tracking job
// subscribes the parcel at the loopback fake (which checks key and parameters), the fake pushes the
// path signed with the salt to our callback, and the buyer's order shows it. A forged push changes
// nothing; a refused subscription is not retried; a 5xx is, with a backoff.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KUAIDI100_CALLBACK_PATH } from '../../src/config-tracking.js';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { freePort } from '../support/crash.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { startKuaidi100Fake, type Kuaidi100Fake } from '../fakes/kuaidi100.js';

const KEY = 'fenxiaoTestKey0001';
const CUSTOMER = 'ABCDEF0123456789ABCDEF0123456789';
const SALT = 'salt-for-the-tests-0001';
const beijing = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`);

describeEachDatabase('parcel tracking through 快递100', (kind) => {
  let app: TestApp;
  let fake: Kuaidi100Fake;
  let owner: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    fake = await startKuaidi100Fake({ key: KEY, customer: CUSTOMER, refusedCompanies: ['danniao'] });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    app = await startTestApp(kind, {
      config: {
        publicUrl: base,
        tracking: { provider: 'kuaidi100', key: KEY, customer: CUSTOMER, salt: SALT, baseUrl: fake.url, timeoutMs: 2000, callbackUrl: `${base}${KUAIDI100_CALLBACK_PATH}` },
      },
    });
    await app.http.listen({ port, host: '127.0.0.1' });
    owner = await hqMember(app, 'owner');
    [, buyer] = (await registerChain(app, 2)) as [RegisteredMember, RegisteredMember];
    skuId = (await createProduct(app, owner, [{ priceFen: 3_000 }])).skus[0]!.id;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const ship = async (carrierCode: string, trackingNo: string) => {
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const res = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner.token, body: { parcels: [{ carrierCode, trackingNo }] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return order.id as number;
  };
  const parcelOf = async (orderId: number) => (await call(app, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.parcels[0];

  it('subscribes the parcel once; the signed push reaches the buyer’s order', async () => {
    const orderId = await ship('shunfeng', 'SF1234567890123');
    expect(fake.subscriptions.has('shunfeng:SF1234567890123')).toBe(false);
    expect(await app.services.orders.subscribeParcels()).toEqual({ subscribed: 1, failed: 0, retrying: 0 });
    const sub = fake.subscriptions.get('shunfeng:SF1234567890123')!;
    expect(sub).toMatchObject({ company: 'shunfeng', callbackurl: expect.stringContaining(KUAIDI100_CALLBACK_PATH), salt: SALT });
    // nothing is due any more
    expect(await app.services.orders.subscribeParcels()).toEqual({ subscribed: 0, failed: 0, retrying: 0 });

    const pushed = await fake.push('SF1234567890123', '5', [
      { at: beijing('2026-11-20 09:00:00'), text: '【深圳市】顺丰速运 已收取快件', area: '广东省深圳市' },
      { at: beijing('2026-11-21 08:30:00'), text: '快件交给王师傅，正在派送途中', area: '上海市浦东新区' },
    ]);
    expect(pushed.acknowledged, pushed.answer).toBe(true);
    const parcel = await parcelOf(orderId);
    expect(parcel).toMatchObject({ trackingState: 'out_for_delivery', deliveredAt: null });
    expect(parcel.events.map((e: { text: string }) => e.text)).toEqual(['快件交给王师傅，正在派送途中', '【深圳市】顺丰速运 已收取快件']);
    expect(parcel.events[0].at).toBe('2026-11-21T00:30:00.000Z');

    await fake.push('SF1234567890123', '3', [
      { at: beijing('2026-11-20 09:00:00'), text: '【深圳市】顺丰速运 已收取快件' },
      { at: beijing('2026-11-21 08:30:00'), text: '快件交给王师傅，正在派送途中' },
      { at: beijing('2026-11-21 11:02:00'), text: '已签收，签收人：本人' },
    ]);
    const delivered = await parcelOf(orderId);
    expect(delivered).toMatchObject({ trackingState: 'delivered', deliveredAt: '2026-11-21T03:02:00.000Z' });
  });

  it('a forged push (wrong or missing sign) is refused with 400 and changes nothing', async () => {
    const orderId = await ship('zhongtong', 'ZT9988776655');
    await app.services.orders.subscribeParcels();
    const wrong = await fake.push('ZT9988776655', '3', [{ at: beijing('2026-11-21 10:00:00'), text: '已签收' }], { wrongSign: true });
    expect(wrong.acknowledged).toBe(false);
    expect(wrong.httpStatus).toBe(400);
    expect(JSON.parse(wrong.answer).code).toBe('TRACKING_CALLBACK_INVALID');
    const missing = await fake.push('ZT9988776655', '3', [{ at: beijing('2026-11-21 10:00:00'), text: '已签收' }], { omitSign: true });
    expect(missing.acknowledged).toBe(false);
    expect(await parcelOf(orderId)).toMatchObject({ trackingState: null, events: [] });
  });

  it('a refused company fails for good; a 5xx retries after a backoff', async () => {
    // the first subscription call (the older parcel's) meets a 502
    fake.failNext('/poll', { httpStatus: 502 });
    const retryOrder = await ship('yunda', 'YD4455667788');
    app.clock.advanceMs(1000);
    const refusedOrder = await ship('danniao', 'DN0000111122');
    const first = await app.services.orders.subscribeParcels();
    expect(first).toEqual({ subscribed: 0, failed: 1, retrying: 1 });
    expect(fake.subscriptions.has('danniao:DN0000111122')).toBe(false);
    // not due yet
    expect(await app.services.orders.subscribeParcels()).toEqual({ subscribed: 0, failed: 0, retrying: 0 });
    app.clock.advanceMs(120_000);
    expect(await app.services.orders.subscribeParcels()).toEqual({ subscribed: 1, failed: 0, retrying: 0 });
    expect(fake.subscriptions.has('yunda:YD4455667788')).toBe(true);
    // the buyer sees both parcels whatever the provider said
    expect((await parcelOf(refusedOrder)).trackingNo).toBe('DN0000111122');
    expect((await parcelOf(retryOrder)).trackingNo).toBe('YD4455667788');
  });
});
