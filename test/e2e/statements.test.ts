// Browser test of the finance rails' screens: a WeChat Pay bill (from the loopback fake) with a planted
// difference shows in the console's reconciliation screen after finance presses 拉取; the 批量代发 screen
// gathers an approved bank-card withdrawal, downloads its file and marks the line paid with the bank's
// reference. The server's clock is the real one, so yesterday's money is planted: our payments and the
// fake's orders are moved to yesterday noon (Beijing) after being paid through the real paths.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatpayConfig } from '../../src/config-payments.js';
import { businessNumber } from '../../src/modules/orders/numbers.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { api, current, DESKTOP, freePort, login, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const FINANCE = '13800000002';
const BUYER = '13900000005';
const EARNER = '13900000001';
const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
const API_V3_KEY = crypto.randomBytes(16).toString('hex');
const OA = 'wx8888888888888888';
const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
/** yesterday in Beijing: the latest day that has a bill */
const DAY = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
const NOON = new Date(`${DAY}T12:00:00+08:00`);
const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

let base: string;
let wechat: WechatpayFake;

beforeAll(async () => {
  wechat = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key: API_V3_KEY, appids: [OA], platform: 'publicKey' });
  const port = await freePort();
  const wechatpay: WechatpayConfig = {
    mchid: MCHID,
    merchantSerial: MERCHANT_SERIAL,
    merchantPrivateKeyPem: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    platform: { mode: 'publicKey', publicKeyId: wechat.publicKeyId, publicKeyPem: wechat.platformPublicKeyPem },
    baseUrl: wechat.url,
    notifyUrl: `http://127.0.0.1:${port}/api/payments/wechatpay/notify`,
    appids: { oa: OA },
  };
  ({ base } = await startWorld({ features: false, port, config: { wechatpay } }));
});

afterAll(async () => {
  await stopWorld();
  await wechat?.close();
});

/** A demo order paid by WeChat Pay on both sides (the verified-notification path here), moved to yesterday noon. */
async function paidYesterday(buyerToken: string, skuId: number) {
  const services = current().app.services;
  const order = await api<{ id: number }>('POST', '/api/orders', { token: buyerToken, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `stmt-e2e-${Date.now()}-${Math.random()}` } });
  const { payable_fen: amountFen } = await services.db.selectFrom('orders').select('payable_fen').where('id', '=', order.id).executeTakeFirstOrThrow();
  const outTradeNo = businessNumber('P', new Date());
  await services.db.insertInto('payments').values({ order_id: order.id, provider: 'wechatpay', method: 'native', out_trade_no: outTradeNo, amount_fen: amountFen, created_at: new Date() }).execute();
  await services.clients.wechatpay!.native({ outTradeNo, description: '对账演示', amountFen });
  await wechat.pay(outTradeNo, { dropped: true });
  const txn = wechat.orders.get(outTradeNo)!.transactionId!;
  await services.payments.applyNotification({ kind: 'payment', provider: 'wechatpay', eventKey: `txn:${txn}`, outTradeNo, providerTxnId: txn, amountFen });
  // planted on yesterday, both sides
  await services.db.updateTable('payments').set({ paid_at: NOON }).where('out_trade_no', '=', outTradeNo).execute();
  wechat.orders.get(outTradeNo)!.successMs = NOON.getTime();
  return { outTradeNo, amountFen };
}

async function consoleAs(token: string) {
  const context = await newContext(DESKTOP);
  // signed in the way the console keeps its session (about:blank has no storage: skip it)
  await context.addInitScript((t) => {
    if (location.protocol.startsWith('http') && !localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', t);
  }, token);
  return context.newPage();
}

describe('finance rails in the console', () => {
  it("a planted difference in WeChat Pay's bill shows in the reconciliation screen after 拉取", async () => {
    const buyer = await login(BUYER);
    const finance = await login(FINANCE);
    const products = (await api<{ items: Array<{ skus: Array<{ id: number }> }> }>('GET', '/api/products')).items;
    const clean = await paidYesterday(buyer.token, products[0]!.skus[0]!.id);
    const planted = await paidYesterday(buyer.token, products[1]!.skus[0]!.id);
    const theirs = planted.amountFen + 100;
    wechat.plantBillDifference(DAY, { outTradeNo: planted.outTradeNo, set: { orderFen: theirs, settledFen: theirs } });

    const page = await consoleAs(finance.token);
    await page.goto(`${base}/admin/reconciliation`);
    await page.getByTestId('stmt-section').waitFor();
    await page.getByTestId('stmt-fetch-date').fill(DAY);
    await page.getByTestId('stmt-fetch').click();

    const row = page.locator(`[data-testid=stmt-diff-amount_differs][data-reference="${planted.outTradeNo}"]`);
    await row.waitFor({ timeout: 20_000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('金额不符');
    expect(text).toContain(yuan(planted.amountFen));
    expect(text).toContain(yuan(theirs));
    // the clean payment matched: it is not listed
    expect(await page.locator(`[data-testid^=stmt-diff-][data-reference="${clean.outTradeNo}"]`).count()).toBe(0);
    const bill = page.getByTestId(`stmt-bill-diffs-wechatpay-${DAY}`);
    await expect.poll(() => bill.textContent()).toContain('1 未处理 / 1');
    // the reconciliation report above counts it too
    await page.getByTestId('recon-failed').waitFor();
    await page.getByTestId('stmt-differences').scrollIntoViewIfNeeded();
    await shot(page, 'admin-statements-difference');

    // the server agrees, and reconciliation counts it
    const diffs = await api<{ items: Array<{ kind: string; reference: string; ourFen: number; theirFen: number }> }>('GET', `/api/admin/statements/differences?provider=wechatpay&date=${DAY}`, { token: finance.token });
    expect(diffs.items).toEqual([expect.objectContaining({ kind: 'amount_differs', reference: planted.outTradeNo, ourFen: planted.amountFen, theirFen: theirs })]);
    const report = await api<{ ok: boolean; checks: Array<{ name: string; differences: unknown[] }> }>('GET', '/api/admin/reconciliation', { token: finance.token });
    expect(report.checks.find((c) => c.name === 'statement_differences')!.differences).toHaveLength(1);
  });

  it('批量代发: a batch gathers an approved bank withdrawal, its file downloads, and the line is marked paid', async () => {
    const finance = await login(FINANCE);
    const earner = await login(EARNER);
    await api('POST', '/api/admin/adjustments', { token: finance.token, body: { memberId: earner.member.id, amountFen: 50_000, reason: 'e2e 代发测试入账', idempotencyKey: `e2e-batch-credit-${Date.now()}` } });
    const payout = await api<{ id: number; payoutNo: string; status: string; amountFen: number }>('POST', '/api/me/payouts', {
      token: earner.token,
      body: { amountFen: 10_000, channel: 'bank', destination: { bankName: '中国工商银行北京分行', accountNo: '6222020000001234567', realName: '林大咖' }, idempotencyKey: `e2e-batch-payout-${Date.now()}` },
    });
    if (payout.status === 'reviewing') await api('POST', `/api/admin/payouts/${payout.id}/approve`, { token: finance.token });

    const page = await consoleAs(finance.token);
    await page.goto(`${base}/admin/payout-batches`);
    await page.getByTestId('batches-table').waitFor();
    await page.getByTestId('batch-create').click();
    const line = page.getByTestId(`batch-line-${payout.payoutNo}`);
    await line.waitFor({ timeout: 15_000 });
    expect(await line.getAttribute('data-result')).toBe('pending');
    // masked in the console; whole only in the downloaded file
    expect(await line.textContent()).not.toContain('6222020000001234567');

    const batches = await api<{ items: Array<{ id: number; batchNo: string }> }>('GET', '/api/admin/payout-batches', { token: finance.token });
    const batch = batches.items[0]!; // newest first: the one just created
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`batch-drawer-download-xlsx-${batch.id}`).click()]);
    expect(file.suggestedFilename()).toBe(`${batch.batchNo}.xlsx`);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    await page.getByTestId(`batch-mark-paid-${payout.payoutNo}`).click();
    await page.getByTestId('batch-bank-reference').fill('ICBC-E2E-0001');
    await page.getByTestId('batch-mark-form-ok').click();
    await page.locator(`[data-testid="batch-line-${payout.payoutNo}"][data-result=paid]`).waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toContain('ICBC-E2E-0001');
    await shot(page, 'admin-payout-batch-paid');

    const paidList = await api<{ items: Array<{ id: number; status: string }> }>('GET', `/api/admin/payouts?status=paid&memberId=${earner.member.id}`, { token: finance.token });
    const paid = paidList.items.find((p) => p.id === payout.id)!;
    expect(paid.status).toBe('paid');
    expect(pageErrors).toEqual([]);
  });
});
