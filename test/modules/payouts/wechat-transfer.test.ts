import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatpayVerifyError } from '../../../src/modules/payments/wechatpay-crypto.js';
import {
  WechatTransferClient,
  WechatTransferError,
  type TransferNotification,
  type WechatTransferConfig,
} from '../../../src/modules/payouts/wechat-transfer.js';
import { startWechatTransferFake, type WechatTransferFake } from '../../fakes/wechat-transfer.js';

const rsaPair = () =>
  crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const merchant = rsaPair();
const platform = rsaPair();
const stranger = rsaPair();
const MCHID = '1900001109';
const APPID = 'wxf636efh567hg4356';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD0000000A';
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OPENID = 'o-MYE42l80oelYMDE34nYD456Xoy';

// The merchant's notify_url: collects what WeChat posts, as raw bytes, and answers as documented.
interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
let receiver: http.Server;
let notifyUrl = '';
let received: Received[] = [];
let waiters: Array<() => void> = [];
let consumed = 0;

/** The next notification not yet looked at, waiting for it if it has not arrived. */
async function nextNotification(): Promise<Received> {
  consumed += 1;
  while (received.length < consumed) await new Promise<void>((resolve) => waiters.push(resolve));
  return received[consumed - 1]!;
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"code":"SUCCESS","message":"OK"}');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wechat/transfer-notify`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

let fake: WechatTransferFake;
let client: WechatTransferClient;

function clientWith(over: Partial<WechatTransferConfig> = {}): WechatTransferClient {
  return new WechatTransferClient({
    mchid: MCHID,
    merchantSerial: MERCHANT_SERIAL,
    merchantPrivateKeyPem: merchant.privateKey,
    platformPublicKeyPem: platform.publicKey,
    publicKeyId: PUB_KEY_ID,
    baseUrl: fake.baseUrl,
    notifyUrl,
    appid: APPID,
    sceneId: '1005',
    sceneReportInfos: [
      { infoType: '岗位类型', infoContent: '分销员' },
      { infoType: '报酬说明', infoContent: '分销佣金' },
    ],
    userRecvPerception: '劳务报酬',
    ...over,
  });
}

beforeEach(async () => {
  received = [];
  waiters = [];
  consumed = 0;
  fake = await startWechatTransferFake({
    mchid: MCHID,
    merchantPublicKeyPem: merchant.publicKey,
    merchantSerial: MERCHANT_SERIAL,
    platformPrivateKeyPem: platform.privateKey,
    platformSerial: PUB_KEY_ID,
    apiV3Key: API_V3_KEY,
    appids: [APPID],
    balanceFen: 1_000_000,
  });
  client = clientWith();
});
afterEach(() => fake.close());

const bill = (outBillNo: string, amountFen = 8_800) => ({ outBillNo, openid: OPENID, amountFen, remark: '2025年5月佣金' });

async function rejection(p: Promise<unknown>): Promise<WechatTransferError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WechatTransferError);
  return e as WechatTransferError;
}

async function parsedNext(): Promise<TransferNotification> {
  const n = await nextNotification();
  return client.parseNotification(n.headers, n.body, API_V3_KEY);
}

describe('WeChat 商家转账 client against the loopback fake', () => {
  it('creates a bill that waits for the receiver, with what the shop hands to requestMerchantTransfer', async () => {
    const created = await client.createBill(bill('FX20250501A1'));
    expect(created.state).toBe('WAIT_USER_CONFIRM');
    expect(created.packageInfo).toBe(fake.getBill('FX20250501A1')!.packageInfo);
    expect(client.confirmParameters(created.packageInfo!)).toEqual({ mchId: MCHID, appId: APPID, package: created.packageInfo });
    const q = await client.queryBill('FX20250501A1');
    expect(q).toMatchObject({ state: 'WAIT_USER_CONFIRM', amountFen: 8_800, appid: APPID, mchid: MCHID, transferBillNo: created.transferBillNo });
    expect(fake.balanceFen).toBe(1_000_000 - 8_800);
  });

  it('confirm → a signed, encrypted notification the client verifies and decrypts → SUCCESS', async () => {
    await client.createBill(bill('FX20250501B1'));
    await fake.confirm('FX20250501B1', { duplicate: true });
    const n = await parsedNext();
    expect(n).toMatchObject({ outBillNo: 'FX20250501B1', state: 'SUCCESS', amountFen: 8_800, openid: OPENID, mchid: MCHID });
    // WeChat re-sends the same event: same id, so the handler can apply it once.
    const again = await nextNotification();
    expect(client.parseNotification(again.headers, again.body, API_V3_KEY).eventId).toBe(n.eventId);
    expect(fake.notifications[0]!.answers).toEqual([200, 200]);
    expect((await client.queryBill('FX20250501B1')).state).toBe('SUCCESS');

    const first = received[0]!;
    const forged = first.body.replace('"MCHTRANSFER', ' "MCHTRANSFER');
    expect(() => client.parseNotification(first.headers, forged, API_V3_KEY)).toThrow(WechatpayVerifyError);
    expect(() => client.parseNotification(first.headers, first.body, 'x'.repeat(32))).toThrow(/AES-GCM|DECRYPT/);
    const unsigned = { ...first.headers, 'wechatpay-signature': undefined };
    expect(() => client.parseNotification(unsigned, first.body, API_V3_KEY)).toThrow(WechatpayVerifyError);
  });

  it('a retry of the same out_bill_no after a lost answer returns the same bill; the balance moves once', async () => {
    fake.tamperNextResponse();
    const lost = await rejection(client.createBill(bill('FX20250501C1')));
    expect(lost).toMatchObject({ code: 'RESPONSE_UNVERIFIED', retryable: true });
    const retried = await client.createBill(bill('FX20250501C1'));
    const third = await client.createBill(bill('FX20250501C1'));
    expect(retried.transferBillNo).toBe(fake.getBill('FX20250501C1')!.transferBillNo);
    expect(third.transferBillNo).toBe(retried.transferBillNo);
    expect(fake.balanceFen).toBe(1_000_000 - 8_800);
    expect(fake.calls.get('POST /v3/fund-app/mch-transfer/transfer-bills')).toBe(3);
  });

  it('refuses different parameters under an existing out_bill_no', async () => {
    await client.createBill(bill('FX20250501D1'));
    const e = await rejection(client.createBill(bill('FX20250501D1', 9_900)));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_REQUEST', retryable: false });
    expect(fake.balanceFen).toBe(1_000_000 - 8_800);
  });

  it('NOT_ENOUGH is not retryable as is, but the same bill goes through after a top-up', async () => {
    const e = await rejection(client.createBill({ ...bill('FX20250501E1', 1_000_001), userName: '张三' }));
    expect(e).toMatchObject({ status: 403, code: 'NOT_ENOUGH', retryable: false, resumable: true });
    expect(fake.getBill('FX20250501E1')).toBeUndefined();
    fake.topUp(1);
    const ok = await client.createBill({ ...bill('FX20250501E1', 1_000_001), userName: '张三' });
    expect(ok.state).toBe('WAIT_USER_CONFIRM');
    expect(fake.balanceFen).toBe(0);
  });

  it('a FAIL bill surfaces its fail_reason, and the money returns to the balance', async () => {
    await client.createBill(bill('FX20250501F1'));
    await fake.failBill('FX20250501F1', 'ACCOUNT_FROZEN');
    expect(await parsedNext()).toMatchObject({ state: 'FAIL', failReason: 'ACCOUNT_FROZEN' });
    expect(await client.queryBill('FX20250501F1')).toMatchObject({ state: 'FAIL', failReason: 'ACCOUNT_FROZEN' });
    expect(fake.balanceFen).toBe(1_000_000);
  });

  it('the merchant cancels: CANCELING, then CANCELLED by notification; a paid bill cannot be cancelled', async () => {
    await client.createBill(bill('FX20250501G1'));
    expect((await client.cancelBill('FX20250501G1')).state).toBe('CANCELING');
    expect(await parsedNext()).toMatchObject({ outBillNo: 'FX20250501G1', state: 'CANCELLED' });
    expect((await client.queryBill('FX20250501G1')).state).toBe('CANCELLED');
    expect(fake.balanceFen).toBe(1_000_000);

    await client.createBill(bill('FX20250501G2'));
    await fake.confirm('FX20250501G2');
    const e = await rejection(client.cancelBill('FX20250501G2'));
    expect(e).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('unconfirmed for 24 h → CANCELLED; a dropped notification is recovered by query and a resend', async () => {
    await client.createBill(bill('FX20250501H1'));
    await fake.expire('FX20250501H1', { dropped: true });
    expect(received).toHaveLength(0);
    expect((await client.queryBill('FX20250501H1')).state).toBe('CANCELLED');
    await fake.notify('FX20250501H1', { delayMs: 20 });
    expect(await parsedNext()).toMatchObject({ state: 'CANCELLED', eventId: fake.notifications[0]!.eventId });
    expect(fake.balanceFen).toBe(1_000_000);

    await client.createBill(bill('FX20250501H2'));
    await fake.userDeclines('FX20250501H2');
    expect(await parsedNext()).toMatchObject({ outBillNo: 'FX20250501H2', state: 'CANCELLED' });
  });

  it('rejects a tampered answer and one signed by another key', async () => {
    await client.createBill(bill('FX20250501J1'));
    fake.tamperNextResponse();
    expect(await rejection(client.queryBill('FX20250501J1'))).toMatchObject({ code: 'RESPONSE_UNVERIFIED', status: 200 });
    const wrongKey = clientWith({ platformPublicKeyPem: stranger.publicKey });
    expect(await rejection(wrongKey.queryBill('FX20250501J1'))).toMatchObject({ code: 'RESPONSE_UNVERIFIED' });
    const wrongSerial = clientWith({ publicKeyId: 'PUB_KEY_ID_OTHER' });
    expect(await rejection(wrongSerial.queryBill('FX20250501J1'))).toMatchObject({ code: 'RESPONSE_UNVERIFIED' });
  });

  it('the fake refuses a request signed with the wrong merchant key (401 SIGN_ERROR)', async () => {
    const impostor = clientWith({ merchantPrivateKeyPem: stranger.privateKey });
    const e = await rejection(impostor.createBill(bill('FX20250501K1')));
    expect(e).toMatchObject({ status: 401, code: 'SIGN_ERROR', retryable: false });
    expect(fake.getBill('FX20250501K1')).toBeUndefined();
    expect(fake.balanceFen).toBe(1_000_000);
  });

  it('from ¥2,000 the name is required, sent RSA-OAEP encrypted, and the fake decrypts it', async () => {
    const e = await rejection(client.createBill(bill('FX20250501L1', 200_000)));
    expect(e).toMatchObject({ status: 400, code: 'PARAM_ERROR' });
    await client.createBill({ ...bill('FX20250501L1', 200_000), userName: '张三' });
    const b = fake.getBill('FX20250501L1')!;
    expect(b.userName).toBe('张三');
    expect(b.userNameCiphertext).not.toContain('张三');
    // A retry re-encrypts (OAEP is randomised) yet is recognised as the same bill.
    const again = await client.createBill({ ...bill('FX20250501L1', 200_000), userName: '张三' });
    expect(again.transferBillNo).toBe(b.transferBillNo);
    const otherName = await rejection(client.createBill({ ...bill('FX20250501L1', 200_000), userName: '李四' }));
    expect(otherName.code).toBe('INVALID_REQUEST');
  });

  it('types WeChat refusals: retryable SYSTEM_ERROR / FREQUENCY_LIMITED, NO_AUTH, PARAM_ERROR, NOT_FOUND', async () => {
    fake.failNext('/v3/fund-app/mch-transfer/transfer-bills', { status: 500, code: 'SYSTEM_ERROR' });
    expect(await rejection(client.createBill(bill('FX20250501M1')))).toMatchObject({ status: 500, code: 'SYSTEM_ERROR', retryable: true });
    fake.failNext('/v3/fund-app/mch-transfer/transfer-bills', { status: 429, code: 'FREQUENCY_LIMITED' });
    expect(await rejection(client.createBill(bill('FX20250501M1')))).toMatchObject({ status: 429, retryable: true });
    expect((await client.createBill(bill('FX20250501M1'))).state).toBe('WAIT_USER_CONFIRM');

    const notEnabled = clientWith({ sceneId: '1001' });
    expect(await rejection(notEnabled.createBill(bill('FX20250501M2')))).toMatchObject({ status: 403, code: 'NO_AUTH', retryable: false });
    expect(await rejection(client.createBill(bill('FX20250501M3', 9)))).toMatchObject({ code: 'PARAM_ERROR' });
    expect(await rejection(client.queryBill('FX20250501NONE'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await rejection(client.queryBill('../../v3/pay'))).toMatchObject({ status: 0, code: 'PARAM_ERROR' });
    expect(fake.balanceFen).toBe(1_000_000 - 8_800);
  });
});
