// Go-live holes, each pinned by a test that failed before its fix:
// 1. an idempotency key reused with a different request (withdrawal, refund, adjustment, checkout)
//    answered the first result; it is 409 IDEMPOTENCY_KEY_REUSED naming the differing fields, while an
//    identical replay answers as before — sequentially and concurrently;
// 2. WeChat Pay notifications with another app's appid, or in another currency, were applied;
// 3. checkout took totals no payment path can carry (WeChat Pay's int32 total, int4 loyalty points,
//    JS safe integers) and the payment then failed with 500; the bound is MAX_ORDER_TOTAL_FEN.
import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_ORDER_TOTAL_FEN } from '../../src/modules/orders/limits.js';
import { buildWechatpayNotify } from '../../src/modules/payments/wechatpay-crypto.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { call, createProduct, hqMember, register, type ApiResponse, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, checkout, countRows, credit, expectReconciled, key, payDev, refund, summary, withdraw } from '../support/rules-kit.js';

const RULES = {
  distributor: { mode: 'automatic' as const },
  payout: { minAmountFen: 100, feeBp: 0, dailyCountLimit: 100, autoApproveMaxFen: 1_000_000, channels: ['alipay' as const, 'bank' as const, 'wechat' as const] },
  order: { shippingFen: 1_000 },
};
const SHIPPING_FEN = 1_000;

function rsaPair() {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}
const merchant = rsaPair();
const MCHID = '1230000109';
const APPID = 'wxd678efh567hg6787';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD00000001';
// the app is not listening: WeChat's deliveries are dropped and the tests post the notifications themselves
const NOTIFY_URL = 'https://mall.example.com/api/payments/wechatpay/notify';
/** WeChat Pay's amount.total and amount.refund are int32 fen */
const INT32_MAX = 2_147_483_647;
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

const ADDRESS = { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园1号', regionCode: '440305' };

describeEachDatabase('go-live holes', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let support: RegisteredMember;
  let sku: number;
  let skuB: number;
  let wx: WechatpayFake;

  beforeAll(async () => {
    wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [APPID], platform: 'publicKey' });
    const wechatpay = { mchid: MCHID, merchantSerial: MERCHANT_SERIAL, merchantPrivateKeyPem: merchant.privateKey, apiV3Key: API_V3_KEY, platform: { mode: 'publicKey' as const, publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem }, baseUrl: wx.url, notifyUrl: NOTIFY_URL, appids: { oa: APPID } };
    app = await startTestApp(kind, { rules: RULES, config: { wechatpay } });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
    const product = await createProduct(app, owner, [{ priceFen: 10_000, stock: 100_000 }, { priceFen: 2_500, stock: 100_000 }]);
    [sku, skuB] = product.skus.map((s) => s.id);
  });
  afterAll(async () => {
    await app?.close();
    await wx?.close();
  });

  const expectReused = (res: ApiResponse, fields: string[]) => {
    expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(res.body.details.fields).toEqual(fields);
  };

  // --- 1. idempotency keys reused with another request -------------------------------------------

  it('withdrawal: the same key with another amount, channel or destination is 409 naming the field; the identical replay is the payout', async () => {
    const m = await register(app);
    await credit(app, finance, m.id, 10_000);
    const k = key('po');
    const first = await withdraw(app, m, 1_000, { idempotencyKey: k });
    expect(first.status).toBe(201);
    const payouts = await countRows(app, 'payouts');
    const transfers = await countRows(app, 'ledger_transfers');

    expectReused(await withdraw(app, m, 2_000, { idempotencyKey: k }), ['amountFen']);
    expectReused(await withdraw(app, m, 1_000, { idempotencyKey: k, channel: 'bank' }), ['channel', 'destination']);
    expectReused(await withdraw(app, m, 1_000, { idempotencyKey: k, destination: { account: 'other@example.com', realName: '张三' } }), ['destination']);
    expect(await countRows(app, 'payouts')).toBe(payouts);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect((await summary(app, m)).availableFen).toBe(9_000);

    // the same destination in another key order is the same request
    const replay = await withdraw(app, m, 1_000, { idempotencyKey: k, destination: { realName: '张三', account: 'me@example.com' } });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    // another member may use the same key for their own withdrawal
    const other = await register(app);
    await credit(app, finance, other.id, 5_000);
    expect((await withdraw(app, other, 3_000, { idempotencyKey: k })).status).toBe(201);
  });

  it('refund: the same key with other lines, amounts or shipping is 409; the identical replay (even with another reason) is the refund, marked duplicate', async () => {
    const buyer = await register(app);
    const order = await checkout(app, buyer, [{ skuId: sku, quantity: 2 }, { skuId: skuB, quantity: 1 }]);
    await payDev(app, buyer, order.id);
    const [lineA, lineB] = order.lines;
    const k = key('rf');
    const first = await refund(app, support, order.id, [{ lineId: lineA.id, amountFen: 5_000 }], k);
    expect(first.status).toBe(201);
    const refunds = await countRows(app, 'refunds');

    expectReused(await refund(app, support, order.id, [{ lineId: lineA.id, amountFen: 4_000 }], k), ['lines']);
    expectReused(await refund(app, support, order.id, [{ lineId: lineB.id, amountFen: 5_000 }], k), ['lines']);
    expectReused(await refund(app, support, order.id, [{ lineId: lineA.id, amountFen: 5_000 }, { lineId: lineB.id, amountFen: 100 }], k), ['lines']);
    expectReused(await refund(app, support, order.id, [{ lineId: lineA.id, amountFen: 5_000 }], k, 500), ['shippingFen']);
    expect(await countRows(app, 'refunds')).toBe(refunds);
    expect((await adminOrder(app, owner.token, order.id)).refundedFen).toBe(5_000);

    const replay = await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: support.token, body: { lines: [{ lineId: lineA.id, amountFen: 5_000 }], shippingFen: 0, reason: '重试时改了说明', idempotencyKey: k } });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, duplicate: true });
    expect(await countRows(app, 'refunds')).toBe(refunds);
  });

  it('adjustment: the same key with another amount is 409 and moves nothing; the identical replay is the duplicate', async () => {
    const m = await register(app);
    const k = key('adj');
    const adjust = (amountFen: number, memberId = m.id) => call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId, amountFen, reason: '活动补发', idempotencyKey: k } });
    expect((await adjust(500)).status).toBe(201);
    const transfers = await countRows(app, 'ledger_transfers');
    expectReused(await adjust(700), ['amountFen']);
    expectReused(await adjust(-500), ['amountFen']);
    expectReused(await adjust(700, (await register(app)).id), ['memberId', 'amountFen']);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect((await summary(app, m)).availableFen).toBe(500);
    const replay = await adjust(500);
    expect([replay.status, replay.body.duplicate]).toEqual([200, true]);

    // a debit split between available and debt is the same request when replayed
    const n = await register(app);
    await credit(app, finance, n.id, 300);
    const kd = key('adj');
    const debit = (amountFen: number) => call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId: n.id, amountFen, reason: '追回', idempotencyKey: kd } });
    expect((await debit(-1_000)).status).toBe(201);
    expect((await summary(app, n)).debtFen).toBe(700);
    expect([(await debit(-1_000)).status]).toEqual([200]);
    expectReused(await debit(-300), ['amountFen']);
    expectReused(await debit(1_000), ['amountFen']);
  });

  it('checkout: the same checkoutKey with other items, quantities, delivery or coupon is 409; the identical replay is the order', async () => {
    const buyer = await register(app);
    const k = key('co');
    const items = [{ skuId: sku, quantity: 1 }, { skuId: skuB, quantity: 2 }];
    const post = (body: Record<string, unknown>) => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: k, shippingAddress: ADDRESS, ...body } });
    const first = await post({});
    expect(first.status).toBe(201);
    const orders = await countRows(app, 'orders');

    expectReused(await post({ items: [{ skuId: sku, quantity: 2 }, { skuId: skuB, quantity: 2 }] }), ['items']);
    expectReused(await post({ items: [{ skuId: sku, quantity: 1 }] }), ['items']);
    expectReused(await post({ shippingAddress: { ...ADDRESS, regionCode: '110101', city: '北京市', district: '东城区' } }), ['shippingAddress']);
    expectReused(await post({ shippingAddress: undefined }), ['shippingAddress']);

    const template = await call(app, 'POST', '/api/admin/coupon-templates', { token: owner.token, body: { name: '立减5元', kind: 'fixed', offFen: 500, totalQuantity: 10, perMemberLimit: 1, validDays: 30 } });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const coupon = await call(app, 'POST', `/api/coupon-templates/${template.body.id}/claim`, { token: buyer.token, body: {} });
    expect(coupon.status).toBe(201);
    expectReused(await post({ couponId: coupon.body.id }), ['couponId']);
    const store = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '南山店', regionCode: '440305', address: '科技园', latitude: 22.54, longitude: 113.95 } });
    expect(store.status).toBe(201);
    expectReused(await post({ shippingAddress: undefined, pickupStoreId: store.body.id }), ['shippingAddress', 'pickupStoreId']);
    expect(await countRows(app, 'orders')).toBe(orders);

    // the same cart in another order is the same checkout
    const replay = await post({ items: [...items].reverse() });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await countRows(app, 'orders')).toBe(orders);
    // the coupon was not taken by the refused replays
    expect((await call(app, 'GET', '/api/me/coupons?status=usable', { token: buyer.token })).body.items.map((c: { id: number }) => c.id)).toContain(coupon.body.id);
  });

  // --- 2. WeChat Pay notifications for another app or currency -------------------------------------

  /** A notification as WeChat posts it, signed with the fake's platform key and serial (checked by the client against wall time). */
  function notify(eventType: string, resource: object) {
    const built = buildWechatpayNotify({ eventId: key('EV'), eventType, resourcePlain: resource, apiV3Key: API_V3_KEY, privateKeyPem: wx.platformPrivateKeyPem, serial: wx.platformSerial, nowMs: Date.now() });
    const headers = Object.fromEntries(Object.entries(built.headers).filter(([h]) => h.toLowerCase() !== 'content-type'));
    return call(app, 'POST', '/api/payments/wechatpay/notify', { body: built.body, headers });
  }
  /** The payer pays at the fake (its own delivery dropped), so WeChat knows the order as paid and will refund it. */
  const payAtWechat = (outTradeNo: string) => wx.pay(outTradeNo, { dropped: true });
  /** TRANSACTION.SUCCESS of the payment the fake recorded, with fields changed as a test needs. */
  const transaction = (outTradeNo: string, total: number, extra: Record<string, unknown> = {}, amount: Record<string, unknown> = {}) => {
    const o = wx.orders.get(outTradeNo)!;
    expect(o.transactionId, 'pay the order at the fake first').toBeDefined();
    return {
      mchid: MCHID,
      appid: o.appid,
      out_trade_no: outTradeNo,
      transaction_id: o.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      bank_type: 'OTHERS',
      success_time: o.successTime,
      payer: { openid: o.openid },
      amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY', ...amount },
      ...extra,
    };
  };
  /** REFUND.SUCCESS of a refund the fake holds, with the totals a test chooses; settles it at the fake first if still processing. */
  const refundResource = async (outTradeNo: string, refundNo: string, totalFen: number, refundFen: number) => {
    const r = wx.refunds.get(refundNo);
    expect(r, `WeChat has no refund ${refundNo}`).toBeDefined();
    if (r!.status === 'PROCESSING') await wx.settleRefund(refundNo, 'SUCCESS', { dropped: true });
    return {
      mchid: MCHID,
      out_trade_no: outTradeNo,
      transaction_id: wx.orders.get(outTradeNo)!.transactionId,
      out_refund_no: refundNo,
      refund_id: r!.refundId,
      refund_status: 'SUCCESS',
      success_time: beijing(r!.successMs!),
      user_received_account: '支付用户零钱',
      amount: { total: totalFen, refund: refundFen, payer_total: totalFen, payer_refund: refundFen },
    };
  };
  async function startWechatpay(buyer: RegisteredMember, orderId: number) {
    const res = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'wechatpay' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { outTradeNo: string; amountFen: number };
  }

  it('WeChat Pay: a correctly signed notification for another appid, or in USD, is refused with FAIL and changes nothing', async () => {
    const buyer = await register(app);
    const order = await checkout(app, buyer, [{ skuId: sku, quantity: 1 }]);
    const { outTradeNo, amountFen } = await startWechatpay(buyer, order.id);
    await payAtWechat(outTradeNo);
    const events = await countRows(app, 'payment_events');
    const transfers = await countRows(app, 'ledger_transfers');

    const otherApp = await notify('TRANSACTION.SUCCESS', transaction(outTradeNo, amountFen, { appid: 'wx0000000000000000' }));
    expect([otherApp.status, otherApp.body]).toEqual([401, { code: 'FAIL', message: 'WECHATPAY_APPID_MISMATCH' }]);
    for (const amount of [{ currency: 'USD' }, { payer_currency: 'USD' }, { currency: undefined }]) {
      const foreign = await notify('TRANSACTION.SUCCESS', transaction(outTradeNo, amountFen, {}, amount));
      expect([foreign.status, foreign.body], JSON.stringify(amount)).toEqual([400, { code: 'FAIL', message: 'PAYMENT_CURRENCY_MISMATCH' }]);
    }
    expect(await countRows(app, 'payment_events')).toBe(events);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.status).toBe('pending_payment');
    expect(o.payments.every((p) => p.status === 'created')).toBe(true);

    expect((await notify('TRANSACTION.SUCCESS', transaction(outTradeNo, amountFen))).status).toBe(204);
    expect((await adminOrder(app, owner.token, order.id)).status).toBe('paid');
  });

  it('WeChat Pay: a refund notification whose total is not the payment, or for another merchant, is refused and changes nothing', async () => {
    const buyer = await register(app);
    const order = await checkout(app, buyer, [{ skuId: sku, quantity: 1 }]);
    const { outTradeNo, amountFen } = await startWechatpay(buyer, order.id);
    await payAtWechat(outTradeNo);
    expect((await notify('TRANSACTION.SUCCESS', transaction(outTradeNo, amountFen))).status).toBe(204);
    const opened = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 4_000 }]);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(wx.refunds.get(opened.body.refundNo)).toMatchObject({ outTradeNo, refund: 4_000, status: 'PROCESSING' });
    const wrongTotal = await notify('REFUND.SUCCESS', await refundResource(outTradeNo, opened.body.refundNo, amountFen + 1, 4_000));
    expect([wrongTotal.status, wrongTotal.body]).toEqual([400, { code: 'FAIL', message: 'REFUND_AMOUNT_MISMATCH' }]);
    const otherMerchant = await notify('REFUND.SUCCESS', { ...(await refundResource(outTradeNo, opened.body.refundNo, amountFen, 4_000)), mchid: '1999999999' });
    expect([otherMerchant.status, otherMerchant.body]).toEqual([401, { code: 'FAIL', message: 'WECHATPAY_MCHID_MISMATCH' }]);
    expect((await adminOrder(app, owner.token, order.id)).refunds[0].status).toBe('processing');
    expect((await notify('REFUND.SUCCESS', await refundResource(outTradeNo, opened.body.refundNo, amountFen, 4_000))).status).toBe(204);
    expect((await adminOrder(app, owner.token, order.id)).refundedFen).toBe(4_000);
  });

  // --- 3. totals every payment path can carry ----------------------------------------------------

  it(`the largest order total (${MAX_ORDER_TOTAL_FEN} fen) checks out, pays through WeChat Pay and refunds in full at the highest loyalty rate`, async () => {
    expect(MAX_ORDER_TOTAL_FEN).toBeLessThanOrEqual(INT32_MAX);
    const loyalty = await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { pointsPerYuan: 1000 } });
    expect(loyalty.status, JSON.stringify(loyalty.body)).toBe(200);
    const top = (await createProduct(app, owner, [{ priceFen: MAX_ORDER_TOTAL_FEN - SHIPPING_FEN, stock: 10 }], '最贵的')).skus[0].id;
    const buyer = await register(app);
    const order = await checkout(app, buyer, [{ skuId: top, quantity: 1 }]);
    expect(order.payableFen).toBe(MAX_ORDER_TOTAL_FEN);
    const { outTradeNo, amountFen } = await startWechatpay(buyer, order.id);
    expect(amountFen).toBe(MAX_ORDER_TOTAL_FEN);
    // WeChat took the whole total as one int32 amount.total
    expect(wx.orders.get(outTradeNo)).toMatchObject({ kind: 'native', total: MAX_ORDER_TOTAL_FEN, state: 'NOTPAY' });
    await payAtWechat(outTradeNo);
    expect((await notify('TRANSACTION.SUCCESS', transaction(outTradeNo, amountFen))).status).toBe(204);
    expect((await adminOrder(app, owner.token, order.id)).status).toBe('paid');

    const full = await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: order.lines[0].paidFen }], key('rf'), SHIPPING_FEN);
    expect(full.status, JSON.stringify(full.body)).toBe(201);
    expect(wx.refunds.get(full.body.refundNo)).toMatchObject({ outTradeNo, refund: MAX_ORDER_TOTAL_FEN, status: 'PROCESSING' });
    expect(JSON.parse(wx.refunds.get(full.body.refundNo)!.params)).toEqual([outTradeNo, MAX_ORDER_TOTAL_FEN, MAX_ORDER_TOTAL_FEN, NOTIFY_URL]);
    expect((await notify('REFUND.SUCCESS', await refundResource(outTradeNo, full.body.refundNo, amountFen, amountFen))).status).toBe(204);
    const done = await adminOrder(app, owner.token, order.id);
    expect([done.status, done.refundedFen]).toEqual(['refunded', MAX_ORDER_TOTAL_FEN]);

    // and through the dev provider, once more at the bound
    const again = await checkout(app, buyer, [{ skuId: top, quantity: 1 }]);
    await payDev(app, buyer, again.id);
    expect((await adminOrder(app, owner.token, again.id)).paidFen).toBe(MAX_ORDER_TOTAL_FEN);
    expect((await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { pointsPerYuan: 1 } })).status).toBe(200);
  });

  it('one fen over the bound — by price, by quantity, by shipping or across lines — is 422 ORDER_TOTAL_TOO_LARGE and takes nothing', async () => {
    const over = await createProduct(app, owner, [{ priceFen: MAX_ORDER_TOTAL_FEN - SHIPPING_FEN + 1, stock: 10 }, { priceFen: MAX_ORDER_TOTAL_FEN / 2, stock: 10 }, { priceFen: 1e12, stock: 1_000_000 }]);
    const [plusOne, half, priciest] = over.skus.map((s) => s.id);
    const buyer = await register(app);
    const orders = await countRows(app, 'orders');
    const carts = [
      [{ skuId: plusOne, quantity: 1 }],
      [{ skuId: half, quantity: 2 }],
      [{ skuId: half, quantity: 1 }, { skuId: half, quantity: 1 }],
      [{ skuId: priciest, quantity: 999 }],
      Array.from({ length: 50 }, () => ({ skuId: priciest, quantity: 999 })),
    ];
    for (const items of carts) {
      const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: key('co') } });
      expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([422, 'ORDER_TOTAL_TOO_LARGE']);
      expect(res.body.details.maxFen).toBe(MAX_ORDER_TOTAL_FEN);
      const quote = await call(app, 'POST', '/api/orders/quote', { token: buyer.token, body: { items } });
      expect([quote.status, quote.body.code]).toEqual([422, 'ORDER_TOTAL_TOO_LARGE']);
      const dryRun = await call(app, 'POST', '/api/admin/commission/dry-run', { token: owner.token, body: { buyerId: buyer.id, items } });
      expect([dryRun.status, dryRun.body.code]).toEqual([422, 'ORDER_TOTAL_TOO_LARGE']);
    }
    expect(await countRows(app, 'orders')).toBe(orders);
    const stock = (await call(app, 'GET', `/api/products/${over.id}`)).body.skus.map((s: { stock: number }) => s.stock);
    expect(stock).toEqual([10, 10, 1_000_000]);
    // pickup has no shipping: the same goods fit
    const store = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '福田店', regionCode: '440304', address: '福田', latitude: 22.52, longitude: 114.05 } });
    const pickup = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: plusOne, quantity: 1 }], checkoutKey: key('co'), pickupStoreId: store.body.id } });
    expect([pickup.status, pickup.body.payableFen]).toEqual([201, MAX_ORDER_TOTAL_FEN + 1 - SHIPPING_FEN]);
  });

  it('admin money inputs at their limits answer 2xx or a clear 4xx, never 500', async () => {
    const m = await register(app);
    const adjust = (amountFen: number) => call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId: m.id, amountFen, reason: '边界测试', idempotencyKey: key('adj') } });
    // above the two-person line (approvals.adjustmentSecondApprovalFen) they wait for a second approver
    expect((await adjust(1e10)).status).toBe(202);
    expect((await adjust(-1e10)).status).toBe(202);
    expect((await adjust(1e10 + 1)).status).toBe(400);
    expect((await adjust(2 ** 53)).status).toBe(400);
    expect((await withdraw(app, m, 1e12 + 1)).status).toBe(400);
    expect((await credit(app, finance, m.id, 1e10)).duplicate).toBe(false);
    expect((await withdraw(app, m, 1e10)).status).toBe(201);
    const big = await call(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '边界', category: 'test', skus: [{ name: 'x', priceFen: 1e12, stock: 10_000_000 }] } });
    expect(big.status).toBe(201);
    const tooBig = await call(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '边界', category: 'test', skus: [{ name: 'x', priceFen: 1e12 + 1, stock: 10_000_001 }] } });
    expect(tooBig.status).toBe(400);
    await expectReconciled(app, owner.token);
  });
});

// --- concurrency: one key, many requests at once (a real server) ----------------------------------

describeOnPostgres('go-live holes: concurrent requests under one key', () => {
  let app: TestApp;
  let finance: RegisteredMember;
  let owner: RegisteredMember;
  let sku: number;

  beforeAll(async () => {
    app = await startTestApp('postgres', { rules: RULES, poolSize: 30 });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    sku = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 100_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  /** n requests at once, alternating two variants; the winner's variant all answer its record, the other all 409. */
  async function race(n: number, send: (variant: 0 | 1) => Promise<ApiResponse>, idOf: (body: any) => unknown) {
    const responses = await Promise.all(Array.from({ length: n }, (_, i) => send((i % 2) as 0 | 1)));
    const ok = responses.map((r, i) => ({ r, variant: i % 2 })).filter(({ r }) => r.status < 300);
    const refused = responses.map((r, i) => ({ r, variant: i % 2 })).filter(({ r }) => r.status >= 300);
    const winner = ok[0]?.variant;
    expect(new Set(ok.map(({ variant }) => variant)).size, JSON.stringify(responses.map((r) => [r.status, r.body.code]))).toBe(1);
    expect(ok).toHaveLength(n / 2);
    expect(new Set(ok.map(({ r }) => idOf(r.body))).size).toBe(1);
    expect(refused.every(({ r, variant }) => variant !== winner && r.status === 409 && r.body.code === 'IDEMPOTENCY_KEY_REUSED'), JSON.stringify(refused.map(({ r }) => r.body))).toBe(true);
    return { winner: winner as 0 | 1, responses };
  }

  it('withdrawals: identical replays of a full-balance withdrawal all answer the payout; a different request under the key is 409', async () => {
    const m = await register(app);
    await credit(app, finance, m.id, 5_000);
    const k = key('po');
    const same = await Promise.all(Array.from({ length: 10 }, () => withdraw(app, m, 5_000, { idempotencyKey: k })));
    expect(same.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);

    const n = await register(app);
    await credit(app, finance, n.id, 5_000);
    const k2 = key('po');
    const { winner } = await race(10, (v) => withdraw(app, n, v === 0 ? 1_000 : 2_000, { idempotencyKey: k2 }), (b) => b.id);
    expect((await summary(app, n)).availableFen).toBe(winner === 0 ? 4_000 : 3_000);
  });

  it('refunds: identical replays of a full refund all answer the refund; a different request under the key is 409', async () => {
    const buyer = await register(app);
    const order = await checkout(app, buyer, [{ skuId: sku, quantity: 2 }]);
    await payDev(app, buyer, order.id);
    const line = order.lines[0];
    const k = key('rf');
    const same = await Promise.all(Array.from({ length: 10 }, () => refund(app, owner, order.id, [{ lineId: line.id, amountFen: line.paidFen }], k)));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(same.map((r) => r.body.refundNo)).size).toBe(1);

    const other = await checkout(app, buyer, [{ skuId: sku, quantity: 2 }]);
    await payDev(app, buyer, other.id);
    const k2 = key('rf');
    await race(10, (v) => refund(app, owner, other.id, [{ lineId: other.lines[0].id, amountFen: v === 0 ? 1_000 : 2_000 }], k2), (b) => b.refundNo);
    expect(await app.services.db.selectFrom('refunds').select('id').where('order_id', '=', other.id).execute()).toHaveLength(1);
  });

  it('adjustments: identical replays move money once, audit once and answer one 201; another amount or member under the key is 409', async () => {
    const m = await register(app);
    const k = key('adj');
    const adjust = (memberId: number, amountFen: number, idempotencyKey = k) => call(app, 'POST', '/api/admin/adjustments', { token: finance.token, body: { memberId, amountFen, reason: '并发补发', idempotencyKey } });
    const same = await Promise.all(Array.from({ length: 10 }, () => adjust(m.id, 500)));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect((await summary(app, m)).availableFen).toBe(500);
    expect(await auditLog(app, owner.token, { action: 'commission.adjust', targetId: String(m.id) })).toHaveLength(1);

    const n = await register(app);
    const k2 = key('adj');
    const amounts = await Promise.all(Array.from({ length: 10 }, (_, i) => adjust(n.id, i % 2 === 0 ? 500 : 700, k2)));
    const created = amounts.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    const winnerFen = (await summary(app, n)).availableFen;
    expect([500, 700]).toContain(winnerFen);
    amounts.forEach((r, i) => {
      const mine = (i % 2 === 0 ? 500 : 700) === winnerFen;
      expect(mine ? [200, 201] : [409], JSON.stringify(r.body)).toContain(r.status);
    });

    const [a, b] = [await register(app), await register(app)];
    const k3 = key('adj');
    const members = await Promise.all(Array.from({ length: 10 }, (_, i) => adjust(i % 2 === 0 ? a.id : b.id, 500, k3)));
    expect(members.filter((r) => r.status === 201)).toHaveLength(1);
    expect(members.every((r) => [200, 201, 409].includes(r.status)), JSON.stringify(members.map((r) => r.body))).toBe(true);
    const credited = [(await summary(app, a)).availableFen, (await summary(app, b)).availableFen].sort();
    expect(credited).toEqual([0, 500]);
    await expectReconciled(app, owner.token);
  });

  it('checkouts: a different cart under one key at the same time is 409; the winner is one order', async () => {
    const buyer = await register(app);
    const k = key('co');
    await race(10, (v) => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: sku, quantity: v + 1 }], checkoutKey: k } }), (b) => b.id);
    expect(await app.services.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.id).execute()).toHaveLength(1);
  });
});
