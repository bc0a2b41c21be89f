// Rule 7: payments — dev notifications HMAC-signed, duplicates applied once, amount mismatches
// refused; WeChat Pay v3 against the loopback fake (test/fakes/wechatpay.ts), which verifies every request's
// merchant signature and signs every answer: signed Native-pay requests, verified notifications (signature,
// time, serial, merchant, amount), one payment per transaction, REFUND.SUCCESS applying a refund opened by support.
import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWechatpayNotify } from '../../src/modules/payments/wechatpay-crypto.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, checkout, countRows, devNotify, devSign, expectReconciled, key, refund, startDevPayment, summary } from '../support/rules-kit.js';

function rsaPair() {
  return crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const merchant = rsaPair();
const stranger = rsaPair();
const MCHID = '1230000109';
const APPID = 'wxd678efh567hg6787';
const API_V3_KEY = crypto.randomBytes(16).toString('hex'); // 32 bytes
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD00000001';
// the app is not listening: WeChat's deliveries are dropped and the tests post the notifications themselves
const NOTIFY_URL = 'https://mall.example.com/api/payments/wechatpay/notify';
const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

describeEachDatabase('rule 7: payments', (kind) => {
  let app: TestApp;
  let wx: WechatpayFake;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let chain: RegisteredMember[];
  let buyer: RegisteredMember;
  let sku10k: number;

  const events = () => countRows(app, 'payment_events');
  const earningCount = async (orderId: number) => (await adminOrder(app, owner.token, orderId)).earnings.length;

  /** Starts a WeChat Pay Native payment through the API; returns its out_trade_no and amount. */
  async function startWechatpay(orderId: number) {
    const res = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'wechatpay' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { outTradeNo: string; amountFen: number; params: { codeUrl: string } };
  }

  /** A notification as WeChat posts it, signed with the fake's platform key unless told otherwise; the client checks it against wall time. */
  function notify(opts: { eventType: string; resource: object; eventId?: string; privateKeyPem?: string; nowMs?: number; serial?: string }) {
    const built = buildWechatpayNotify({
      eventId: opts.eventId ?? key('EV'),
      eventType: opts.eventType,
      resourcePlain: opts.resource,
      apiV3Key: API_V3_KEY,
      privateKeyPem: opts.privateKeyPem ?? wx.platformPrivateKeyPem,
      serial: opts.serial ?? wx.platformSerial,
      nowMs: opts.nowMs ?? Date.now(),
    });
    const headers = Object.fromEntries(Object.entries(built.headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    return call(app, 'POST', '/api/payments/wechatpay/notify', { body: built.body, headers });
  }
  /** The payer pays at the fake (its own delivery dropped); the TRANSACTION.SUCCESS resource of that payment, fields overridable. */
  async function paidAtWechat(outTradeNo: string) {
    await wx.pay(outTradeNo, { dropped: true });
    return wx.orders.get(outTradeNo)!;
  }
  const transaction = (outTradeNo: string, total?: number, over: Record<string, unknown> = {}) => {
    const o = wx.orders.get(outTradeNo)!;
    expect(o.transactionId, 'pay the order at the fake first').toBeDefined();
    const fen = total ?? o.total;
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
      amount: { total: fen, payer_total: fen, currency: 'CNY', payer_currency: 'CNY' },
      ...over,
    };
  };

  beforeAll(async () => {
    wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [APPID], platform: 'publicKey' });
    app = await startTestApp(kind, {
      rules: { commission: { tierRatesBp: { '1': [1000, 500, 300] } }, binding: { trigger: 'registration' } },
      config: {
        wechatpay: {
          mchid: MCHID,
          merchantSerial: MERCHANT_SERIAL,
          merchantPrivateKeyPem: merchant.privateKey,
          apiV3Key: API_V3_KEY,
          platform: { mode: 'publicKey', publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem },
          baseUrl: wx.url,
          notifyUrl: NOTIFY_URL,
          appids: { oa: APPID },
        },
      },
    });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    chain = await registerChain(app, 4);
    buyer = chain[3];
    sku10k = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => {
    await app?.close();
    await wx?.close();
  });

  it('dev notifications must be HMAC-signed: a wrong or missing signature is 401 and changes nothing', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo, amountFen } = await startDevPayment(app, buyer, order.id);
    const payload = { eventId: key('ev'), kind: 'payment', outTradeNo, amountFen };
    const before = await events();
    const forged = await devNotify(app, payload, 'ab'.repeat(32));
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('DEV_SIGNATURE_INVALID');
    const unsigned = await call(app, 'POST', '/api/payments/dev/notify', { body: JSON.stringify(payload) });
    expect(unsigned.status).toBe(401);
    // a signature over another body does not carry over
    const otherBody = JSON.stringify({ ...payload, amountFen: 1 });
    expect((await devNotify(app, payload, devSign(app, otherBody))).status).toBe(401);
    expect(await events()).toBe(before);
    expect((await adminOrder(app, owner.token, order.id)).status).toBe('pending_payment');
    expect(await earningCount(order.id)).toBe(0);

    const ok = await devNotify(app, payload);
    expect(ok.status).toBe(200);
    expect(ok.body.outcome).toBe('applied');
    expect((await adminOrder(app, owner.token, order.id)).status).toBe('paid');
  });

  it("a duplicate notification is 'duplicate' and pays one set of earnings", async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo, amountFen } = await startDevPayment(app, buyer, order.id);
    const payload = { eventId: key('ev'), kind: 'payment', outTradeNo, amountFen };
    expect((await devNotify(app, payload)).body.outcome).toBe('applied');
    const transfers = await countRows(app, 'ledger_transfers');
    expect((await devNotify(app, payload)).body.outcome).toBe('duplicate');
    expect((await devNotify(app, { ...payload, eventId: key('ev') })).body.outcome).toBe('duplicate');
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect(await earningCount(order.id)).toBe(3);
    expect((await adminOrder(app, owner.token, order.id)).payments.filter((p) => p.status === 'succeeded')).toHaveLength(1);
  });

  it('an amount mismatch is 400 and changes nothing; the right amount then applies', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo, amountFen } = await startDevPayment(app, buyer, order.id);
    const eventId = key('ev');
    const before = await events();
    for (const wrong of [amountFen - 1, amountFen + 1, 1]) {
      const res = await devNotify(app, { eventId, kind: 'payment', outTradeNo, amountFen: wrong });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    }
    expect(await events()).toBe(before);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.status).toBe('pending_payment');
    expect(o.payments.every((p) => p.status === 'created')).toBe(true);
    expect(o.earnings).toEqual([]);
    expect((await devNotify(app, { eventId, kind: 'payment', outTradeNo, amountFen })).body.outcome).toBe('applied');
    expect(await earningCount(order.id)).toBe(3);
  });

  it('WeChat Pay: starting a payment sends a WECHATPAY2-SHA256-RSA2048 signed Native-pay request', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 2 }]);
    const seen = wx.requests.length;
    const started = await startWechatpay(order.id);
    expect(started.amountFen).toBe(20_000);
    // exactly one request, and the fake accepted it: it answers 401 SIGN_ERROR unless the Authorization is
    // WECHATPAY2-SHA256-RSA2048 with this mchid, this merchant serial, a fresh timestamp and nonce, and a
    // signature over method, path, timestamp, nonce and the exact body that verifies with the merchant public key
    expect(wx.requests.slice(seen)).toEqual([{ method: 'POST', path: '/v3/pay/transactions/native', status: 200 }]);
    const at = wx.orders.get(started.outTradeNo);
    expect(at).toMatchObject({ kind: 'native', appid: APPID, outTradeNo: started.outTradeNo, total: 20_000, notifyUrl: NOTIFY_URL, state: 'NOTPAY' });
    // the code_url handed to the shop is the one WeChat answered (in a signed answer the client verified)
    expect(started.params.codeUrl).toBe(`weixin://wxpay/bizpayurl?pr=${at!.prepayId.slice(-10)}`);
  });

  it('WeChat Pay: a valid TRANSACTION.SUCCESS notification marks the order paid and pays commission', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    await paidAtWechat(outTradeNo);
    const pending = await summary(app, chain[2]);
    const res = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000) });
    expect(res.status).toBe(204);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.status).toBe('paid');
    expect(o.payments.find((p) => p.outTradeNo === outTradeNo)).toMatchObject({ status: 'succeeded', providerTxnId: wx.orders.get(outTradeNo)!.transactionId });
    expect(o.earnings.map((e) => e.amountFen).sort((a, b) => a - b)).toEqual([300, 500, 1000]);
    expect((await summary(app, chain[2])).pendingFen).toBe(pending.pendingFen + 1000);
  });

  it('WeChat Pay: bad signature, old timestamp, wrong serial, other merchant or wrong amount are refused with nothing changed', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    await paidAtWechat(outTradeNo);
    const before = await events();
    const transfers = await countRows(app, 'ledger_transfers');
    const now = Date.now();

    const forged = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), privateKeyPem: stranger.privateKey });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'FAIL', message: 'WECHATPAY_SIGNATURE_INVALID' });
    const stale = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), nowMs: now - 10 * 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toBe('WECHATPAY_TIMESTAMP_SKEW');
    const future = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), nowMs: now + 10 * 60_000 });
    expect([future.status, future.body.message]).toEqual([401, 'WECHATPAY_TIMESTAMP_SKEW']);
    const serial = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), serial: 'FFFF' });
    expect([serial.status, serial.body.message]).toEqual([401, 'WECHATPAY_SERIAL_MISMATCH']);
    // signed with the platform key, but under another serial than the configured 微信支付公钥 id
    const otherSerial = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), serial: `PUB_KEY_ID_01${'9'.repeat(30)}` });
    expect([otherSerial.status, otherSerial.body.message]).toEqual([401, 'WECHATPAY_SERIAL_MISMATCH']);
    const otherMerchant = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000, { mchid: '1999999999' }) });
    expect([otherMerchant.status, otherMerchant.body.message]).toEqual([401, 'WECHATPAY_MCHID_MISMATCH']);
    const wrongAmount = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 9_999) });
    expect(wrongAmount.status).toBe(400);
    expect(wrongAmount.body).toMatchObject({ code: 'FAIL', message: 'PAYMENT_AMOUNT_MISMATCH' });

    expect(await events()).toBe(before);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.status).toBe('pending_payment');
    expect(o.earnings).toEqual([]);

    expect((await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000) })).status).toBe(204);
    expect((await adminOrder(app, owner.token, order.id)).status).toBe('paid');
  });

  it('WeChat Pay: the same transaction notified twice (different notification ids) pays once', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    await paidAtWechat(outTradeNo);
    const txn = transaction(outTradeNo, 10_000);
    expect((await notify({ eventType: 'TRANSACTION.SUCCESS', resource: txn, eventId: key('EV') })).status).toBe(204);
    const transfers = await countRows(app, 'ledger_transfers');
    const before = await events();
    expect((await notify({ eventType: 'TRANSACTION.SUCCESS', resource: txn, eventId: key('EV') })).status).toBe(204);
    expect(await events()).toBe(before);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect(await earningCount(order.id)).toBe(3);
  });

  it('WeChat Pay: a refund opened by support stays processing until REFUND.SUCCESS, which then reverses commission once', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    await paidAtWechat(outTradeNo);
    expect((await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000) })).status).toBe(204);
    const lineId = (await adminOrder(app, owner.token, order.id)).lines[0].id;

    const seen = wx.requests.length;
    const opened = await refund(app, support, order.id, [{ lineId, amountFen: 5_000 }]);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.status).toBe('processing');
    // one signed refund request, accepted by the fake (it refuses a total other than the order's)
    expect(wx.requests.slice(seen)).toEqual([{ method: 'POST', path: '/v3/refund/domestic/refunds', status: 200 }]);
    const atWechat = wx.refunds.get(opened.body.refundNo);
    expect(atWechat).toMatchObject({ outRefundNo: opened.body.refundNo, outTradeNo, refund: 5_000, status: 'PROCESSING' });
    expect(JSON.parse(atWechat!.params)).toEqual([outTradeNo, 5_000, 10_000, NOTIFY_URL]);

    let o = await adminOrder(app, owner.token, order.id);
    expect(o.refundedFen).toBe(0);
    expect(o.refunds[0].status).toBe('processing');
    expect(o.earnings.every((e) => e.reversedFen === 0)).toBe(true);
    // the processing refund already counts against what is left to refund
    const over = await refund(app, support, order.id, [{ lineId, amountFen: 5_001 }]);
    expect(over.status).toBe(422);
    // … and is refused before anything is asked of WeChat
    expect(wx.requests.length).toBe(seen + 1);

    // WeChat completes the refund (its own delivery dropped); the notifications below are WeChat's and forgeries of it
    await wx.settleRefund(opened.body.refundNo, 'SUCCESS', { dropped: true });
    const paid = wx.orders.get(outTradeNo)!;
    const refundResource = (status: string, amount: number) => ({
      mchid: MCHID,
      out_trade_no: outTradeNo,
      transaction_id: paid.transactionId,
      out_refund_no: opened.body.refundNo,
      refund_id: atWechat!.refundId,
      refund_status: status,
      success_time: beijing(atWechat!.successMs!),
      user_received_account: '支付用户零钱',
      amount: { total: 10_000, refund: amount, payer_total: 10_000, payer_refund: amount },
    });
    const wrongAmount = await notify({ eventType: 'REFUND.SUCCESS', resource: refundResource('SUCCESS', 4_000) });
    expect(wrongAmount.status).toBe(400);
    const forged = await notify({ eventType: 'REFUND.SUCCESS', resource: refundResource('SUCCESS', 5_000), privateKeyPem: stranger.privateKey });
    expect(forged.status).toBe(401);
    expect((await adminOrder(app, owner.token, order.id)).refunds[0].status).toBe('processing');

    expect((await notify({ eventType: 'REFUND.SUCCESS', resource: refundResource('SUCCESS', 5_000) })).status).toBe(204);
    o = await adminOrder(app, owner.token, order.id);
    expect(o.refunds[0].status).toBe('succeeded');
    expect(o.refundedFen).toBe(5_000);
    expect(o.earnings.map((e) => e.reversedFen).sort((a, b) => a - b)).toEqual([150, 250, 500]);
    const transfers = await countRows(app, 'ledger_transfers');
    expect((await notify({ eventType: 'REFUND.SUCCESS', resource: refundResource('SUCCESS', 5_000) })).status).toBe(204);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect((await adminOrder(app, owner.token, order.id)).refundedFen).toBe(5_000);
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
