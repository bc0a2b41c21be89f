// 秒杀 in the browser (issue 19): the console creates a flash sale of one unit of the 普洱 (生茶) at ¥199,
// one per member; the shop's home shows its strip with the countdown, the product page its panel
// (price, countdown, what is left); a member grabs it (checkout with campaign=flash_sale:<id>) and pays
// the campaign price; the product page then shows it sold out, and the console's live sales say so.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/flash-sale.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HQ } from '../../src/demo/seed.js';
import { api, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, pageErrors, shot, signedIn, startWorld, stopWorld } from './world.js';

let base: string;
let operatorToken: string;
let buyerToken: string;
let product: { id: number; skus: Array<{ id: number; name: string; priceFen: number }> };
let saleId: number;


beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  operatorToken = (await login(DEMO_HQ[1].phone)).token;
  product = (await api<{ items: Array<typeof product> }>('GET', '/api/products?q=普洱')).items[0]!;
  const phone = '13600003001';
  const sms = await api<{ devCode: string }>('POST', '/api/auth/sms-codes', { body: { phone, purpose: 'register' } });
  buyerToken = (await api<{ token: string }>('POST', '/api/auth/register', { body: { phone, password: 'secret-pass-1', smsCode: sms.devCode, nickname: '秒杀买家' } })).token;
  await api('POST', '/api/me/addresses', { token: buyerToken, body: { name: '秒杀买家', phone, province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 3 号', regionCode: '440305' } });
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('秒杀 in the console and the shop', () => {
  it('the console creates a flash sale: one 普洱 (生茶) at ¥199, one per member, starting now', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', operatorToken);
    await page.goto(`${base}/admin/promotions/flash-sales`);
    await page.getByTestId('flash-sale-create').click();
    await page.getByTestId('flash-sale-name').fill('普洱限时秒杀');
    await page.getByTestId('flash-sale-sku-0').click();
    await page.keyboard.type('生茶');
    await page.keyboard.press('Enter');
    await page.getByTestId('flash-sale-price-0').fill('199');
    await page.getByTestId('flash-sale-stock-0').fill('1');
    await page.getByTestId('flash-sale-limit-0').fill('1');
    await shot(page, 'console-flash-sale-form');
    await page.getByTestId('flash-sale-form-ok').click();
    await expect.poll(() => page.locator('[data-testid=flash-sales-table] tr.ant-table-row').count()).toBe(1);
    const open = await api<{ items: Array<{ id: number; state: string; items: Array<{ skuId: number; priceFen: number; remaining: number }> }> }>('GET', `/api/flash-sales?productId=${product.id}`);
    expect(open.items).toMatchObject([{ state: 'running', items: [{ skuId: product.skus.find((s) => s.name === '生茶')!.id, priceFen: 19_900, remaining: 1 }] }]);
    saleId = open.items[0]!.id;
    await shot(page, 'console-flash-sales');
  });

  it('the shop shows the strip and the panel with the countdown; a member grabs it at ¥199; then it is sold out', async () => {
    const page = await signedIn(MOBILE, 'fx_token', buyerToken);
    await page.goto(`${base}/`);
    const strip = page.getByTestId(`flash-sale-home-${saleId}`);
    await strip.waitFor();
    await expect.poll(() => strip.getByTestId('flash-sale-countdown').textContent()).toMatch(/距结束 \d\d:\d\d:\d\d/);
    await expectNoHorizontalOverflow(page, 'home with the flash sale');
    await shot(page, 'shop-flash-sale-home');
    await strip.locator('[data-testid^=flash-sale-item-]').first().click();
    const panel = page.getByTestId('flash-sale-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('flash-sale-panel-price').getAttribute('data-fen')).toBe('19900');
    expect(await page.getByTestId('flash-sale-panel-countdown').getAttribute('data-phase')).toBe('running');
    expect(await page.getByTestId('flash-sale-panel-remaining').getAttribute('data-remaining')).toBe('1');
    await shot(page, 'shop-flash-sale-panel');
    await page.getByTestId('flash-sale-buy').click();
    await page.getByTestId('checkout-page').waitFor();
    expect(page.url()).toContain(`campaign=flash_sale:${saleId}`);
    await expect.poll(() => page.getByTestId('quote-payable').getAttribute('data-fen')).toBe('19900');
    await page.getByTestId('checkout-submit').click();
    const success = page.getByTestId('pay-success');
    await success.waitFor({ timeout: 20_000 });
    const paid = await api<{ status: string; orderNo: string; lines: Array<{ unitPriceFen: number; paidFen: number }> }>('GET', `/api/orders/${await success.getAttribute('data-order-id')}`, { token: buyerToken });
    expect(paid).toMatchObject({ status: 'paid', lines: [{ unitPriceFen: 19_900, paidFen: 19_900 }] });
    const orderId = Number(await success.getAttribute('data-order-id'));
    // the order says it was bought in the flash sale, on the buyer's order page
    await page.goto(`${base}/orders/${orderId}`);
    await expect.poll(() => page.getByTestId('order-campaign').textContent()).toBe('秒杀');

    await page.goto(`${base}/product/${product.id}`);
    await page.getByTestId('flash-sale-panel').waitFor();
    await expect.poll(() => page.getByTestId('flash-sale-panel-remaining').getAttribute('data-remaining')).toBe('0');
    expect(await page.getByTestId('flash-sale-buy').isDisabled()).toBe(true);
    expect(await page.getByTestId('flash-sale-buy').textContent()).toBe('已抢光');
    await shot(page, 'shop-flash-sale-sold-out');

    const hq = await signedIn(DESKTOP, 'fenxiao.admin.token', operatorToken);
    await hq.goto(`${base}/admin/promotions/flash-sales`);
    await hq.getByTestId(`flash-sale-view-${saleId}`).click();
    const row = hq.locator('[data-testid^=flash-sale-live-item-]').first();
    await expect.poll(() => row.getByTestId('live-sold').textContent()).toBe('1 / 1');
    expect(await row.getByTestId('live-paid').textContent()).toBe('1');
    await shot(hq, 'console-flash-sale-live');
    // and in the console's order list
    await hq.goto(`${base}/admin/orders?q=${paid.orderNo}`);
    const tag = hq.locator(`[data-row-key="${orderId}"]`).getByTestId('order-campaign');
    await expect.poll(() => tag.textContent()).toBe('秒杀');
    expect(await tag.getAttribute('data-kind')).toBe('flash_sale');
  });
});
