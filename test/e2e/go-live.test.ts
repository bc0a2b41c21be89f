// Real people signing in, in Chromium, against the providers' loopback fakes: a visitor opens a share
// link inside WeChat (its user agent), is signed in through the 公众号 OAuth fake without typing
// anything, is bound to the sharer and buys; another registers by SMS through the Aliyun fake.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIYUN_FAKE_SIGN, ALIYUN_FAKE_TEMPLATES, startAliyunSmsFake, type AliyunSmsFake } from '../fakes/aliyun-sms.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { devPaymentBody, devPaymentSecret, signDev } from '../support/reliability.js';
import { api, current, DESKTOP, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const SHARER = '13900000004';
const OA = { appid: 'wx1111222233334444', secret: randomBytes(16).toString('hex') };
const ALIYUN = { accessKeyId: 'LTAI-e2e', accessKeySecret: randomBytes(16).toString('hex') };
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN';

let base: string;
let wechat: WechatFake;
let sms: AliyunSmsFake;

beforeAll(async () => {
  wechat = await startWechatFake({ apps: [{ ...OA, kind: 'oa' }] });
  sms = await startAliyunSmsFake(ALIYUN);
  const template = Object.keys(ALIYUN_FAKE_TEMPLATES)[0]!;
  ({ base } = await startWorld({
    features: false,
    config: {
      wechat: { apiBase: wechat.url, oauthBase: wechat.url, oa: OA },
      smsProvider: 'aliyun',
      sms: { provider: 'aliyun', aliyun: { ...ALIYUN, signName: ALIYUN_FAKE_SIGN, templateCodes: { register: template, login: template, reset_password: template }, endpoint: sms.url } },
    },
  }));
});

afterAll(async () => {
  await stopWorld();
  await wechat?.close();
  await sms?.close();
});

describe('going live: WeChat sign-in and SMS registration', () => {
  it('inside WeChat a share link signs the visitor in silently, binds them to the sharer, and they buy', async () => {
    const sharer = await login(SHARER);
    const product = (await api<{ items: Array<{ id: number }> }>('GET', '/api/products')).items[0]!;
    wechat.setOauthUser(OA.appid, { unionid: 'o6_e2e_visitor', nickname: '微信访客', avatarUrl: '' });
    const context = await newContext({ ...MOBILE, userAgent: WECHAT_UA });
    const page = await context.newPage();
    await page.goto(`${base}/s/${sharer.member.inviteCode}?p=${product.id}`);

    // through WeChat's authorize page and back: a token, no ticket left in the address bar
    await expect.poll(() => page.evaluate(() => localStorage.getItem('fx_token')), { timeout: 20_000 }).toBeTruthy();
    await page.waitForURL(new RegExp(`/product/${product.id}$`));
    expect(page.url()).not.toContain('fx_ticket');
    const token = (await page.evaluate(() => localStorage.getItem('fx_token')))!;
    const me = await api<{ id: number; phone: string | null; wechat: string[]; referrer: { id: number } | null }>('GET', '/api/me', { token });
    expect(me.phone).toBeNull();
    expect(me.wechat).toEqual(['oa']);
    expect(me.referrer?.id).toBe(sharer.member.id);

    // and buys, paying with the dev provider (payments are part 2)
    await page.getByTestId('buy-now').click();
    await page.waitForURL(/\/checkout\?/);
    await page.getByTestId('delivery-address').click();
    await page.getByTestId('address-form').waitFor();
    await page.getByTestId('address-name').fill('王五');
    await page.getByTestId('address-phone').fill('13912345670');
    await expect.poll(() => page.getByTestId('address-province').locator('option').count()).toBeGreaterThan(30);
    await page.getByTestId('address-province').selectOption('440000');
    await page.getByTestId('address-city').selectOption('440300');
    await page.getByTestId('address-district').selectOption('440305');
    await page.getByTestId('address-detail').fill('科技园北区 2 栋 202');
    await page.getByTestId('address-save').click();
    await page.getByTestId('checkout-submit').click();
    const success = page.getByTestId('pay-success');
    await success.waitFor({ timeout: 20_000 });
    await shot(page, 'shop-wechat-paid');
    const orderId = Number(await success.getAttribute('data-order-id'));
    const order = await api<{ status: string; buyerId?: number }>('GET', `/api/orders/${orderId}`, { token });
    expect(order.status).toBe('paid');
    // the sharer earned on it
    const earnings = await api<{ items: Array<{ orderId: number; earnerId: number }> }>('GET', `/api/admin/commission/earnings?orderId=${orderId}`, { token: (await login('13800000000')).token });
    expect(earnings.items.map((e) => e.earnerId)).toContain(sharer.member.id);
  });

  it('another visitor registers with an SMS code delivered by the Aliyun fake (no code in the answer)', async () => {
    const context = await newContext(MOBILE);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByTestId('to-register').click();
    await page.getByTestId('register-page').waitFor();
    const phone = `136${String(Date.now()).slice(-8)}`;
    await page.getByTestId('register-phone').fill(phone);
    await page.getByTestId('sms-send').click();
    await expect.poll(() => sms.lastCodeFor(phone), { timeout: 10_000 }).toMatch(/^\d{6}$/);
    // the dev provider's code box never appears: the code reached the phone only
    expect(await page.getByTestId('dev-code').count()).toBe(0);
    expect(await page.getByTestId('register-code').inputValue()).toBe('');
    await page.getByTestId('register-code').fill(sms.lastCodeFor(phone)!);
    await page.getByTestId('register-password').fill('e2e-pass-word-2');
    await page.getByTestId('register-submit').click();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('fx_token')), { timeout: 15_000 }).toBeTruthy();
    const token = (await page.evaluate(() => localStorage.getItem('fx_token')))!;
    expect((await api<{ phone: string }>('GET', '/api/me', { token })).phone).toBe(phone);
  });

  it('a payment that reached a closed order shows in the console reconciliation, and finance returns it through its rail', async () => {
    const buyer = await login(SHARER);
    const product = (await api<{ items: Array<{ skus: Array<{ id: number }> }> }>('GET', '/api/products')).items[0]!;
    const order = await api<{ id: number }>('POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: product.skus[0]!.id, quantity: 1 }], checkoutKey: `late-e2e-${Date.now()}` } });
    const pay = await api<{ outTradeNo: string; amountFen: number }>('POST', `/api/orders/${order.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await api('POST', `/api/orders/${order.id}/cancel`, { token: buyer.token });
    const body = devPaymentBody(pay.outTradeNo, pay.amountFen);
    const world = current();
    await fetch(`${base}/api/payments/dev/notify`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-signature': signDev(devPaymentSecret(world.app.services.config.jwtSecret), body) }, body });

    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(`${base}/admin/login`);
    await page.getByTestId('login-phone').fill('13800000002');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/admin/' || url.pathname === '/admin');
    await page.goto(`${base}/admin/reconciliation`);
    await page.getByTestId('recon-failed').waitFor();
    const button = page.locator(`[data-testid=recon-return][data-out-trade-no="${pay.outTradeNo}"]`);
    await button.click();
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await page.getByTestId('recon-ok').waitFor({ timeout: 15_000 });
    await shot(page, 'admin-reconciliation-returned');
    expect(pageErrors).toEqual([]);
  });
});
