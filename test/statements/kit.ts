// What the statement suites share: the app configured with the real WeChat Pay and Alipay clients against
// their loopback fakes, and money that exists on both sides. A payment is checked out through the API,
// made at the fake through our own client, and applied through PaymentsService's verified-notification
// path (the app is not listening, so the fakes' own notifications are dropped). The payout world
// (startPayoutStatementsWorld) adds the WeChat 商家转账 fake and both payout channels, and listens on
// loopback, so withdrawals reach their final state from the providers' notifications and answers.
import crypto from 'node:crypto';
import type { AlipayConfig, WechatpayConfig } from '../../src/config-payments.js';
import { businessNumber } from '../../src/modules/orders/numbers.js';
import { startAlipayFake, type AlipayFake } from '../fakes/alipay.js';
import { startWechatTransferFake, type WechatTransferFake } from '../fakes/wechat-transfer.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { eventually, freePort, PAYOUT_RULES, transfersOf, withdrawTo } from '../payouts/kit.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { startTestApp, type DatabaseKind, type TestApp } from '../support/harness.js';
import { credit } from '../support/rules-kit.js';

const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const merchant = rsa();
const alipayApp = rsa();
const alipayKeys = rsa();
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OA = 'wx8888888888888888';
const ALIPAY_APP_ID = '2021004100000001';
// nothing listens here: the fakes' notifications are dropped, our side is applied directly
const DEAD_NOTIFY = 'http://127.0.0.1:9/notify';

export type Provider = 'wechatpay' | 'alipay';

export interface StatementsWorld {
  app: TestApp;
  wechat: WechatpayFake;
  alipay: AlipayFake;
  owner: RegisteredMember;
  finance: RegisteredMember;
  buyer: RegisteredMember;
  close(): Promise<void>;
}

export interface PaidOrder {
  orderId: number;
  paymentId: number;
  outTradeNo: string;
  amountFen: number;
  provider: Provider;
}

export const beijingToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Our business clock at the real time, so our paid_at falls on the same Beijing day as the fake's. */
export function syncClock(app: TestApp, plusMs = 0): void {
  app.clock.advanceMs(Date.now() + plusMs - app.clock.now().getTime());
}

/** Our business clock at an exact instant (the job's decisions). */
export function setClock(app: TestApp, at: Date): void {
  app.clock.advanceMs(at.getTime() - app.clock.now().getTime());
}

export async function startStatementsWorld(kind: DatabaseKind, options: { alipay?: boolean; wechatpay?: boolean } = {}): Promise<StatementsWorld> {
  const wechat = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA], platform: 'publicKey' });
  const alipay = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayKeys.privateKey });
  const wechatpay: WechatpayConfig = {
    mchid: MCHID,
    merchantSerial: MERCHANT_SERIAL,
    merchantPrivateKeyPem: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    platform: { mode: 'publicKey', publicKeyId: wechat.publicKeyId, publicKeyPem: wechat.platformPublicKeyPem },
    baseUrl: wechat.url,
    notifyUrl: DEAD_NOTIFY,
    appids: { oa: OA },
  };
  const alipayConfig: AlipayConfig = { appId: ALIPAY_APP_ID, privateKeyPem: alipayApp.privateKey, alipayPublicKeyPem: alipayKeys.publicKey, gateway: alipay.gateway, notifyUrl: DEAD_NOTIFY };
  const app = await startTestApp(kind, {
    config: { ...(options.wechatpay === false ? {} : { wechatpay }), ...(options.alipay === false ? {} : { alipay: alipayConfig }) },
  });
  syncClock(app);
  const owner = await hqMember(app, 'owner');
  const finance = await hqMember(app, 'finance');
  const buyer = await register(app, { nickname: '买家' });
  return {
    app,
    wechat,
    alipay,
    owner,
    finance,
    buyer,
    async close() {
      await app.close();
      await wechat.close();
      await alipay.close();
    },
  };
}

let counter = 0;

/** A pending order of exactly amountFen (one SKU at that price) and a payment attempt of ours for it. */
async function orderWithAttempt(w: StatementsWorld, provider: Provider, amountFen: number) {
  counter += 1;
  const product = await createProduct(w.app, w.owner, [{ priceFen: amountFen }], `对账商品${counter}`);
  const order = await call(w.app, 'POST', '/api/orders', { token: w.buyer.token, body: { items: [{ skuId: product.skus[0]!.id, quantity: 1 }], checkoutKey: `stmt-${process.pid}-${counter}-${Date.now()}` } });
  if (order.status !== 201) throw new Error(`checkout failed: ${JSON.stringify(order.body)}`);
  const orderId = order.body.id as number;
  const { payable_fen: payableFen } = await w.app.services.db.selectFrom('orders').select('payable_fen').where('id', '=', orderId).executeTakeFirstOrThrow();
  const outTradeNo = businessNumber('P', w.app.clock.now());
  const row = await w.app.services.db.insertInto('payments').values({ order_id: orderId, provider, method: provider === 'wechatpay' ? 'native' : 'wap', out_trade_no: outTradeNo, amount_fen: payableFen, created_at: w.app.clock.now() }).returning('id').executeTakeFirstOrThrow();
  return { orderId, paymentId: row.id, outTradeNo, amountFen: payableFen, provider };
}

/** The buyer pays at the provider (the fake records it for its bill). Returns the provider's transaction id. */
async function payAtProvider(w: StatementsWorld, p: { provider: Provider; outTradeNo: string; amountFen: number }): Promise<string> {
  const clients = w.app.services.clients;
  if (p.provider === 'wechatpay') {
    await clients.wechatpay!.native({ outTradeNo: p.outTradeNo, description: '对账测试', amountFen: p.amountFen });
    await w.wechat.pay(p.outTradeNo, { dropped: true });
    return w.wechat.orders.get(p.outTradeNo)!.transactionId!;
  }
  await fetch(clients.alipay!.wapPay({ outTradeNo: p.outTradeNo, subject: '对账测试', amountFen: p.amountFen, quitUrl: 'https://shop.example.com/q' }));
  await w.alipay.pay(p.outTradeNo, { dropped: true });
  return w.alipay.trades.get(p.outTradeNo)!.tradeNo;
}

/** Paid on both sides, as a verified notification would have applied it. */
export async function paidOrder(w: StatementsWorld, provider: Provider, amountFen: number): Promise<PaidOrder> {
  const p = await orderWithAttempt(w, provider, amountFen);
  const txn = await payAtProvider(w, p);
  syncClock(w.app);
  await w.app.services.payments.applyNotification({ kind: 'payment', provider, eventKey: `txn:${txn}`, outTradeNo: p.outTradeNo, providerTxnId: txn, amountFen: p.amountFen });
  return p;
}

/** Paid at the provider only: our notification was lost, our payment is still 'created'. */
export async function paidThereOnly(w: StatementsWorld, provider: Provider, amountFen: number): Promise<PaidOrder> {
  const p = await orderWithAttempt(w, provider, amountFen);
  await payAtProvider(w, p);
  return p;
}

/** Paid here only (the provider never took it): our payment succeeded, no provider trade exists. */
export async function paidHereOnly(w: StatementsWorld, provider: Provider, amountFen: number): Promise<PaidOrder> {
  const p = await orderWithAttempt(w, provider, amountFen);
  syncClock(w.app);
  await w.app.services.payments.applyNotification({ kind: 'payment', provider, eventKey: `txn:ghost-${p.outTradeNo}`, outTradeNo: p.outTradeNo, providerTxnId: `ghost-${p.outTradeNo}`, amountFen: p.amountFen });
  return p;
}

/** A refund of part of a paid order: opened by HQ, refunded at the provider (unless atProvider false), applied by its notification. */
export async function refunded(w: StatementsWorld, p: PaidOrder, refundFen: number, options: { atProvider?: boolean } = {}): Promise<string> {
  const services = w.app.services;
  const line = await services.db.selectFrom('order_lines').select('id').where('order_id', '=', p.orderId).executeTakeFirstOrThrow();
  counter += 1;
  const { refund } = await services.orders.createRefund(w.owner.id, p.orderId, { lines: [{ lineId: line.id, amountFen: refundFen }], reason: '对账测试退款', idempotencyKey: `stmt-refund-${counter}` });
  if (options.atProvider !== false) await refundAtProvider(w, p, refund.refund_no, refundFen);
  syncClock(w.app);
  await services.payments.applyNotification({ kind: 'refund', provider: p.provider, eventKey: `refund:${refund.refund_no}`, outTradeNo: p.outTradeNo, refundNo: refund.refund_no, amountFen: refundFen, succeeded: true, paymentTotalFen: p.amountFen });
  return refund.refund_no;
}

/** A refund the provider made under this number (ours may not know it). */
export async function refundAtProvider(w: StatementsWorld, p: PaidOrder, refundNo: string, refundFen: number): Promise<void> {
  const clients = w.app.services.clients;
  if (p.provider === 'wechatpay') {
    await clients.wechatpay!.refund({ outTradeNo: p.outTradeNo, outRefundNo: refundNo, refundFen, totalFen: p.amountFen });
    await w.wechat.settleRefund(refundNo, 'SUCCESS', { dropped: true });
  } else {
    await clients.alipay!.refund({ outTradeNo: p.outTradeNo, outRequestNo: refundNo, refundFen, reason: '对账测试退款' });
  }
}

export async function differencesOf(w: StatementsWorld, provider: Provider, date: string, token = w.finance.token) {
  const res = await call(w.app, 'GET', `/api/admin/statements/differences?provider=${provider}&date=${date}`, { token });
  if (res.status !== 200) throw new Error(`differences: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<Record<string, any>>;
}

export async function fetchBill(w: StatementsWorld, provider: Provider, date: string, token = w.finance.token) {
  return call(w.app, 'POST', '/api/admin/statements/fetch', { token, body: { provider, date } });
}

// ------------------------------------------------------------------ payouts

export interface PayoutStatementsWorld extends StatementsWorld {
  transfers: WechatTransferFake;
  /** a withdrawal to WeChat balance, sent as a 商家转账: the payout and its attempt's business number */
  wechatWithdrawal(amountFen: number): Promise<{ payoutId: number; businessNo: string; netFen: number }>;
  /** a withdrawal to Alipay: SUCCESS at once, DEALING (until settled), or FAIL for a frozen payee */
  alipayWithdrawal(amountFen: number, payee?: { dealing?: boolean; frozen?: boolean }): Promise<{ payoutId: number; businessNo: string; netFen: number; status: string }>;
  payoutStatus(payoutId: number): Promise<string>;
}

const PAYOUT_APPID = 'wx5c0ffee5c0ffee02';

/** Both payout channels through their fakes (one WeChat merchant for payments and transfers), the app listening. */
export async function startPayoutStatementsWorld(kind: DatabaseKind): Promise<PayoutStatementsWorld> {
  const wechat = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA, PAYOUT_APPID], platform: 'publicKey' });
  // the transfer API answers and notifies under the same 微信支付公钥; its money shows on the merchant's 资金账单
  const transfers = await startWechatTransferFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, platformPrivateKeyPem: wechat.platformPrivateKeyPem, platformSerial: wechat.publicKeyId, apiV3Key: API_V3_KEY, appids: [PAYOUT_APPID], balanceFen: 100_000_000 });
  wechat.useTransfers(transfers);
  const alipay = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayKeys.privateKey, balanceFen: 100_000_000 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // api.mch.weixin.qq.com serves both; here they are two fakes: the transfer paths go to the transfer fake
  const fetchFn: typeof fetch = (input, init) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (href.startsWith(`${wechat.url}/v3/fund-app/`)) return fetch(`${transfers.baseUrl}${href.slice(wechat.url.length)}`, init);
    return fetch(input, init);
  };
  const app = await startTestApp(kind, {
    rules: PAYOUT_RULES,
    fetchFn,
    config: {
      devPayoutProvider: false,
      wechatpay: {
        mchid: MCHID,
        merchantSerial: MERCHANT_SERIAL,
        merchantPrivateKeyPem: merchant.privateKey,
        apiV3Key: API_V3_KEY,
        platform: { mode: 'publicKey', publicKeyId: wechat.publicKeyId, publicKeyPem: wechat.platformPublicKeyPem },
        baseUrl: wechat.url,
        notifyUrl: `${base}/api/payments/wechatpay/notify`,
        appids: { oa: OA },
      },
      alipay: { appId: ALIPAY_APP_ID, privateKeyPem: alipayApp.privateKey, alipayPublicKeyPem: alipayKeys.publicKey, gateway: alipay.gateway, notifyUrl: `${base}/api/payments/alipay/notify` },
      payoutChannels: {
        wechat: { appid: PAYOUT_APPID, sceneId: '1005', sceneReportInfos: [{ infoType: '岗位类型', infoContent: '分销推广员' }, { infoType: '报酬说明', infoContent: '分销佣金提现' }], notifyUrl: `${base}/api/payouts/wechat/notify` },
        alipay: true,
      },
    },
  });
  await app.http.listen({ port, host: '127.0.0.1' });
  syncClock(app);
  const owner = await hqMember(app, 'owner');
  const finance = await hqMember(app, 'finance');
  const buyer = await register(app, { nickname: '买家' });
  let n = 0;
  const funded = async (fen: number, openid?: string) => {
    const m = await register(app);
    await credit(app, finance, m.id, fen);
    if (openid) await app.services.db.insertInto('member_wechat_identities').values({ member_id: m.id, app_kind: 'oa', appid: PAYOUT_APPID, openid, unionid: null, created_at: new Date() }).execute();
    return m;
  };
  const payoutStatus = async (payoutId: number) => (await app.services.db.selectFrom('payouts').select('status').where('id', '=', payoutId).executeTakeFirstOrThrow()).status;
  const attemptOf = async (payoutId: number) => (await transfersOf(app, payoutId)).at(-1)!;
  return {
    app,
    wechat,
    alipay,
    transfers,
    owner,
    finance,
    buyer,
    payoutStatus,
    async wechatWithdrawal(amountFen) {
      n += 1;
      const m = await funded(amountFen, `oStmt_${process.pid}_${n}_${crypto.randomBytes(3).toString('hex')}`);
      const res = await withdrawTo(app, m, 'wechat', amountFen);
      if (res.status !== 201) throw new Error(`withdrawal failed: ${res.status} ${JSON.stringify(res.body)}`);
      const t = await attemptOf(res.body.id);
      return { payoutId: res.body.id, businessNo: t.business_no, netFen: t.net_fen };
    },
    async alipayWithdrawal(amountFen, payee = {}) {
      n += 1;
      const account = `stmt${n}.${process.pid}.${crypto.randomBytes(3).toString('hex')}@example.com`;
      alipay.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: account, name: '王五', ...payee });
      const m = await funded(amountFen);
      const res = await withdrawTo(app, m, 'alipay', amountFen, { account, realName: '王五' });
      if (res.status !== 201) throw new Error(`withdrawal failed: ${res.status} ${JSON.stringify(res.body)}`);
      const t = await attemptOf(res.body.id);
      return { payoutId: res.body.id, businessNo: t.business_no, netFen: t.net_fen, status: res.body.status };
    },
    async close() {
      await app.close();
      await Promise.all([wechat.close(), transfers.close(), alipay.close()]);
    },
  };
}

/** The receiver confirms (SUCCESS) or declines (CANCELLED) in WeChat; the notification brings the payout to its end. */
export async function wechatReceiver(w: PayoutStatementsWorld, p: { payoutId: number; businessNo: string }, answer: 'confirm' | 'decline'): Promise<void> {
  if (answer === 'confirm') await w.transfers.confirm(p.businessNo);
  else await w.transfers.userDeclines(p.businessNo);
  const want = answer === 'confirm' ? 'paid' : 'failed';
  await eventually(async () => (await w.payoutStatus(p.payoutId)) === want);
}
