// The shop's basics (issue 17), in Chromium. The address book on the server: an address this phone
// remembered from before is moved into the buyer's book and preselected at checkout; the buyer adds
// a second one from the checkout's popup and orders to it; on another device the book is there, the
// default first; editing and deleting work from the same popup. The first order carries a note and a
// company invoice. Search: a word of a description finds
// the product, the sort tabs reorder the results, cards show the list price (划线价) and units sold.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/shop-basics.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectNoHorizontalOverflow, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const BUYER = '13900000004';
const REMEMBERED = { name: '周六', phone: '13700001111', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 100 号', regionCode: '330106' };

let base: string;
let token: string;
let skuId: number;

async function device(remembered: object | null): Promise<Page> {
  const context = await newContext(MOBILE);
  await context.addInitScript(
    ({ token, remembered }) => {
      if (!location.protocol.startsWith('http') || localStorage.getItem('fx_token')) return;
      localStorage.setItem('fx_token', token);
      if (remembered) localStorage.setItem('fx_address', JSON.stringify(remembered));
    },
    { token, remembered },
  );
  return context.newPage();
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  token = (await login(BUYER)).token;
  const products = await api<{ items: Array<{ skus: Array<{ id: number; stock: number }> }> }>('GET', '/api/products');
  skuId = products.items.flatMap((p) => p.skus).find((s) => s.stock > 5)!.id;
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('收货地址 on the server', () => {
  it('the remembered address moves into the book; a second one is added at checkout and ordered to', async () => {
    const page = await device(REMEMBERED);
    await page.goto(`${base}/checkout?items=${skuId}x1`);
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('西湖区');
    expect(await page.evaluate(() => localStorage.getItem('fx_address'))).toBeNull();
    await page.getByTestId('delivery-address').click();
    await page.getByTestId('address-book').waitFor();
    expect(await page.getByTestId('address-book-item').count()).toBe(1);
    await page.getByTestId('address-book-add').click();
    await page.getByTestId('address-name').fill('吴七');
    await page.getByTestId('address-phone').fill('13700002222');
    await expect.poll(() => page.getByTestId('address-province').locator('option').count()).toBeGreaterThan(30);
    await page.getByTestId('address-province').selectOption('440000');
    await page.getByTestId('address-city').selectOption('440300');
    await page.getByTestId('address-district').selectOption('440305');
    await page.getByTestId('address-detail').fill('科技园南区 8 栋');
    await page.getByTestId('address-is-default').check();
    await page.getByTestId('address-save').click();
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('南山区');
    // a note and a company invoice: a taxpayer number that cannot be one stops the order first
    await page.getByTestId('checkout-note').fill('工作日白天送到前台');
    await page.getByTestId('checkout-invoice-kind').selectOption('company');
    await page.getByTestId('checkout-invoice-title').fill('深圳市某某科技有限公司');
    await page.getByTestId('checkout-invoice-tax-no').fill('123');
    await page.getByTestId('checkout-submit').click();
    await page.getByTestId('invoice-required').waitFor();
    await page.getByTestId('checkout-invoice-tax-no').fill('91440300ma5fxxxx1k');
    await shot(page, 'shop-checkout-note-invoice');
    await page.getByTestId('checkout-submit').click();
    const success = page.getByTestId('pay-success');
    await success.waitFor({ timeout: 20_000 });
    const order = await api<{ shippingAddress: { name: string; detail: string } | null; buyerNote: string | null; invoice: object | null }>('GET', `/api/orders/${await success.getAttribute('data-order-id')}`, { token });
    expect(order.shippingAddress).toMatchObject({ name: '吴七', detail: '科技园南区 8 栋' });
    expect(order.buyerNote).toBe('工作日白天送到前台');
    expect(order.invoice).toEqual({ kind: 'company', title: '深圳市某某科技有限公司', taxNo: '91440300MA5FXXXX1K' });
    const book = await api<{ items: Array<{ name: string; isDefault: boolean }> }>('GET', '/api/me/addresses', { token });
    expect(book.items.map((a) => [a.name, a.isDefault])).toEqual([['吴七', true], ['周六', false]]);
  });

  it('another device finds the book, the default preselected; an address is edited and deleted there', async () => {
    const page = await device(null);
    await page.goto(`${base}/checkout?items=${skuId}x1`);
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('吴七');
    await page.getByTestId('delivery-address').click();
    await page.getByTestId('address-book').waitFor();
    expect(await page.getByTestId('address-book-item').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid=address-book-item]').first().getByTestId('address-default').count()).toBe(1);
    await expectNoHorizontalOverflow(page, 'address book');
    await shot(page, 'shop-address-book');
    // pick the other one for this order, then edit it
    const other = page.locator('[data-testid=address-book-item]', { hasText: '周六' });
    await other.getByTestId('address-book-pick').click();
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('西湖区');
    await page.getByTestId('delivery-address').click();
    await other.getByTestId('address-book-edit').click();
    await page.getByTestId('address-detail').fill('文三路 200 号');
    await page.getByTestId('address-save').click();
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('文三路 200 号');
    await page.getByTestId('delivery-address').click();
    await other.getByTestId('address-book-edit').click();
    await page.getByTestId('address-delete').click();
    await page.locator('.adm-dialog-button-bold').click();
    await expect.poll(() => page.getByTestId('address-book-item').count()).toBe(1);
    const book = await api<{ items: Array<{ name: string }> }>('GET', '/api/me/addresses', { token });
    expect(book.items.map((a) => a.name)).toEqual(['吴七']);
  });
});

describe('search and sort', () => {
  it('a word of the description finds the tea; price ↓ reorders; the card shows its list price and what sold', async () => {
    const page = await device(null);
    await page.goto(`${base}/`);
    await page.getByTestId('product-card').first().waitFor();
    // 石磨 is only in the 普洱's description
    await page.getByTestId('search').locator('input').fill('石磨');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=product-grid] [data-testid=product-card]').count()).toBe(1);
    const card = page.locator('[data-testid=product-grid] [data-testid=product-card]').first();
    expect(await card.textContent()).toContain('普洱');
    // the cheapest SKU's (熟茶 ¥269, list ¥329)
    expect(await card.getByTestId('product-list-price').textContent()).toContain('329.00');
    // a search for 5kg finds the rice and the apples; price ↓ puts the rice (¥89.90) first
    await page.getByTestId('search').locator('input').fill('5kg');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=product-grid] [data-testid=product-card]').count()).toBe(2);
    await page.getByTestId('sort-price_desc').click();
    await expect.poll(async () => (await page.locator('[data-testid=product-grid] [data-testid=product-card]').first().textContent()) ?? '').toContain('大米');
    await page.getByTestId('sort-price_asc').click();
    await expect.poll(async () => (await page.locator('[data-testid=product-grid] [data-testid=product-card]').first().textContent()) ?? '').toContain('苹果');
    // the first test's order sold one apple box
    await page.getByTestId('sort-sales').click();
    await expect.poll(async () => (await page.locator('[data-testid=product-grid] [data-testid=product-card]').first().getByTestId('product-sold').count())).toBe(1);
    await expectNoHorizontalOverflow(page, 'search');
    await shot(page, 'shop-search-sort');
  });
});
