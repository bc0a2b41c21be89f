// Rule 7: payments — dev notifications HMAC-signed, duplicates applied once, amount mismatches
// refused; WeChat Pay v3: signed Native-pay requests, verified notifications (signature, time,
// amount), one payment per transaction, REFUND.SUCCESS applying a refund opened by support.
import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config.js';
import { buildWechatpayNotify } from '../../src/modules/payments/wechatpay-crypto.js';
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

const platform = rsaPair();
const merchant = rsaPair();
const stranger = rsaPair();
const MCHID = '1230000109';
const APPID = 'wxd678efh567hg6787';
const API_V3_KEY = crypto.randomBytes(16).toString('hex'); // 32 bytes
const PLATFORM_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD00000001';

interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

describeEachDatabase('rule 7: payments', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let chain: RegisteredMember[];
  let buyer: RegisteredMember;
  let sku10k: number;
  const fetchCalls: FetchCall[] = [];

  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    fetchCalls.push({ url, method: String(init?.method), headers, body: String(init?.body ?? '') });
    if (url.endsWith('/v3/pay/transactions/native')) return new Response(JSON.stringify({ code_url: 'weixin://wxpay/bizpayurl?pr=TEST123' }), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/v3/refund/domestic/refunds')) return new Response(JSON.stringify({ refund_id: `5030${Date.now()}`, status: 'PROCESSING' }), { status: 200, headers: { 'content-type': 'application/json' } });
    return new Response('{}', { status: 404 });
  }) as typeof fetch;

  const wechatpayConfig = {
    mchid: MCHID,
    appid: APPID,
    apiV3Key: API_V3_KEY,
    platformPublicKeyPem: platform.publicKey,
    platformSerial: PLATFORM_SERIAL,
    merchantPrivateKeyPem: merchant.privateKey,
    merchantSerial: MERCHANT_SERIAL,
    notifyUrl: 'https://mall.example.com/api/payments/wechatpay/notify',
  } as unknown as AppConfig['wechatpay'];

  const events = () => countRows(app, 'payment_events');
  const earningCount = async (orderId: number) => (await adminOrder(app, owner.token, orderId)).earnings.length;

  /** Starts a WeChat Pay Native payment through the API; returns its out_trade_no and amount. */
  async function startWechatpay(orderId: number) {
    const res = await call(app, 'POST', `/api/orders/${orderId}/pay`, { token: buyer.token, body: { provider: 'wechatpay' } });
    expect(res.status).toBe(200);
    return res.body as { outTradeNo: string; amountFen: number; params: { codeUrl: string } };
  }

  function notify(opts: { eventType: string; resource: object; eventId?: string; privateKeyPem?: string; nowMs?: number; serial?: string }) {
    const built = buildWechatpayNotify({
      eventId: opts.eventId ?? key('EV'),
      eventType: opts.eventType,
      resourcePlain: opts.resource,
      apiV3Key: API_V3_KEY,
      privateKeyPem: opts.privateKeyPem ?? platform.privateKey,
      serial: opts.serial ?? PLATFORM_SERIAL,
      nowMs: opts.nowMs ?? app.clock.now().getTime(),
    });
    const headers = Object.fromEntries(Object.entries(built.headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    return call(app, 'POST', '/api/payments/wechatpay/notify', { body: built.body, headers });
  }
  const transaction = (outTradeNo: string, total: number, transactionId = `4200${crypto.randomInt(1e9, 9e9)}`) => ({
    mchid: MCHID,
    appid: APPID,
    out_trade_no: outTradeNo,
    transaction_id: transactionId,
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    success_time: '2026-11-20T12:00:00+08:00',
    amount: { total, payer_total: total, currency: 'CNY' },
  });

  beforeAll(async () => {
    app = await startTestApp(kind, {
      rules: { commission: { tierRatesBp: { '1': [1000, 500, 300] } }, binding: { trigger: 'registration' } },
      config: { wechatpay: wechatpayConfig },
      fetchFn: fakeFetch,
    });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    chain = await registerChain(app, 4);
    buyer = chain[3];
    sku10k = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

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
    fetchCalls.length = 0;
    const started = await startWechatpay(order.id);
    expect(started.params.codeUrl).toBe('weixin://wxpay/bizpayurl?pr=TEST123');
    expect(started.amountFen).toBe(20_000);
    expect(fetchCalls).toHaveLength(1);
    const req = fetchCalls[0];
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/v3/pay/transactions/native');
    const auth = req.headers.Authorization ?? req.headers.authorization;
    expect(auth).toMatch(/^WECHATPAY2-SHA256-RSA2048 /);
    const params = Object.fromEntries([...auth.slice('WECHATPAY2-SHA256-RSA2048 '.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(params.mchid).toBe(MCHID);
    expect(params.serial_no).toBe(MERCHANT_SERIAL);
    const message = `POST\n/v3/pay/transactions/native\n${params.timestamp}\n${params.nonce_str}\n${req.body}\n`;
    const valid = crypto.verify('sha256', Buffer.from(message), { key: merchant.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(params.signature, 'base64'));
    expect(valid).toBe(true);
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ mchid: MCHID, appid: APPID, out_trade_no: started.outTradeNo, amount: { total: 20_000, currency: 'CNY' } });
  });

  it('WeChat Pay: a valid TRANSACTION.SUCCESS notification marks the order paid and pays commission', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    const pending = await summary(app, chain[2]);
    const res = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000) });
    expect(res.status).toBe(204);
    const o = await adminOrder(app, owner.token, order.id);
    expect(o.status).toBe('paid');
    expect(o.payments.find((p) => p.outTradeNo === outTradeNo)?.status).toBe('succeeded');
    expect(o.earnings.map((e) => e.amountFen).sort((a, b) => a - b)).toEqual([300, 500, 1000]);
    expect((await summary(app, chain[2])).pendingFen).toBe(pending.pendingFen + 1000);
  });

  it('WeChat Pay: bad signature, old timestamp, wrong serial, other merchant or wrong amount are refused with nothing changed', async () => {
    const order = await checkout(app, buyer, [{ skuId: sku10k, quantity: 1 }]);
    const { outTradeNo } = await startWechatpay(order.id);
    const before = await events();
    const transfers = await countRows(app, 'ledger_transfers');
    const now = app.clock.now().getTime();

    const forged = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), privateKeyPem: stranger.privateKey });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'FAIL', message: 'WECHATPAY_SIGNATURE_INVALID' });
    const stale = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), nowMs: now - 10 * 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toBe('WECHATPAY_TIMESTAMP_SKEW');
    const future = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), nowMs: now + 10 * 60_000 });
    expect(future.status).toBe(401);
    const serial = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000), serial: 'FFFF' });
    expect(serial.status).toBe(401);
    const otherMerchant = await notify({ eventType: 'TRANSACTION.SUCCESS', resource: { ...transaction(outTradeNo, 10_000), mchid: '1999999999' } });
    expect(otherMerchant.status).toBe(401);
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
    const transactionId = `4200${crypto.randomInt(1e9, 9e9)}`;
    expect((await notify({ eventType: 'TRANSACTION.SUCCESS', resource: transaction(outTradeNo, 10_000, transactionId) })).status).toBe(204);
    const lineId = (await adminOrder(app, owner.token, order.id)).lines[0].id;

    fetchCalls.length = 0;
    const opened = await refund(app, support, order.id, [{ lineId, amountFen: 5_000 }]);
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('processing');
    expect(fetchCalls).toHaveLength(1);
    expect(new URL(fetchCalls[0].url).pathname).toBe('/v3/refund/domestic/refunds');
    expect(JSON.parse(fetchCalls[0].body)).toMatchObject({ out_trade_no: outTradeNo, out_refund_no: opened.body.refundNo, amount: { refund: 5_000, total: 10_000 } });

    let o = await adminOrder(app, owner.token, order.id);
    expect(o.refundedFen).toBe(0);
    expect(o.refunds[0].status).toBe('processing');
    expect(o.earnings.every((e) => e.reversedFen === 0)).toBe(true);
    // the processing refund already counts against what is left to refund
    const over = await refund(app, support, order.id, [{ lineId, amountFen: 5_001 }]);
    expect(over.status).toBe(422);

    const refundResource = (status: string, amount: number) => ({
      mchid: MCHID,
      out_trade_no: outTradeNo,
      transaction_id: transactionId,
      out_refund_no: opened.body.refundNo,
      refund_id: '50300000000000000001',
      refund_status: status,
      success_time: '2026-11-20T12:30:00+08:00',
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
