// 装修 and 收藏 (issue 17), in Chromium on the demo. In the console HQ's owner uploads two banners
// (one opening a shop page), moves the product grid (热卖推荐) above the feature tiles and hides one
// tile; the shop's home page follows: the carousel with both, the grid before the tiles, the hidden
// tile gone, and the banner's tap opens its page. A signed-out visitor's heart on a product goes to
// the sign-in and comes back with the product favourited; 我的收藏 (from the "me" tile) lists it. The
// console screen once in English.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/decoration.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { pngPicture } from '../support/media.js';
import { api, consolePage, expectNoHorizontalOverflow, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const BUYER = '13900000004';

let base: string;
let owner: string;


/** Index of the row with this key in a placement list of the console. */
const rowIndex = (page: Page, list: string, key: string) => page.locator(`[data-testid=${list}-row]`).evaluateAll((rows, k) => rows.findIndex((r) => (r as HTMLElement).dataset.key === k), key);

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  owner = (await login(OWNER)).token;
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('装修', () => {
  it('the console sets two banners, puts the grid above the tiles and hides a tile; the shop home follows', async () => {
    const page = await consolePage(owner, 'zh');
    await page.goto(`${base}/admin/decoration`);
    await page.getByTestId('decoration-sections-row').first().waitFor();
    expect(await page.getByTestId('decoration-version').textContent()).toContain('尚未装修');
    await page.locator('[data-testid=decoration-banners] input[type=file]').setInputFiles([
      { name: 'spring.png', mimeType: 'image/png', buffer: await pngPicture(1250, 500) },
      { name: 'member.png', mimeType: 'image/png', buffer: await pngPicture(1000, 400) },
    ]);
    const banners = page.getByTestId('decoration-banner');
    await expect.poll(() => banners.count()).toBe(2);
    await banners.nth(0).getByTestId('decoration-banner-title').fill('春季上新');
    await banners.nth(1).getByTestId('decoration-banner-title').fill('领券中心 满100减10');
    // the second opens the coupon centre, and goes first
    await banners.nth(1).locator('.ant-select').first().click();
    await page.locator('.ant-select-item-option').filter({ hasText: '商城页面' }).click();
    await banners.nth(1).getByTestId('decoration-banner-path').fill('/coupons');
    await banners.nth(1).getByTestId('decoration-banner-up').click();
    await expect.poll(() => banners.nth(0).getByTestId('decoration-banner-title').inputValue()).toBe('领券中心 满100减10');

    // 热卖推荐 above the tiles; 每日签到 hidden
    while ((await rowIndex(page, 'decoration-sections', 'hot')) > (await rowIndex(page, 'decoration-sections', 'entries'))) {
      await page.locator('[data-testid=decoration-sections-row][data-key=hot]').getByTestId('decoration-sections-up').click();
    }
    await page.locator('[data-testid=decoration-tiles-row][data-key=loyalty-sign-in]').getByTestId('decoration-tiles-visible').click();
    await page.locator('[data-testid=decoration-tiles-row][data-key=loyalty-sign-in][data-visible=false]').waitFor();
    await page.getByTestId('decoration-save').click();
    await expect.poll(async () => (await page.getByTestId('decoration-version').textContent()) ?? '').toContain('版本 1');
    await shot(page, 'console-decoration');
    const saved = await api<{ version: number; banners: Array<{ title: string }>; sections: Array<{ key: string }> }>('GET', '/api/admin/decoration', { token: owner });
    expect(saved.banners.map((b) => b.title)).toEqual(['领券中心 满100减10', '春季上新']);
    const keys = saved.sections.map((s) => s.key);
    expect(keys.indexOf('hot')).toBeLessThan(keys.indexOf('entries'));

    const shop = await (await newContext(MOBILE)).newPage();
    await shop.goto(`${base}/`);
    await shop.getByTestId('home-banners').waitFor();
    const slides = shop.getByTestId('home-banner-slide');
    expect(await slides.count()).toBe(2);
    // the pictures come in the rendition the screen needs
    expect(await slides.first().locator('img').getAttribute('srcset')).toMatch(/\/media\/.+\.webp \d+w, \/media\/.+\.webp \d+w/);
    await shop.locator('[data-testid=product-grid] [data-testid=product-card]').first().waitFor();
    const order = (await shop.getByTestId('home-page').getAttribute('data-section-order'))!.split(',');
    expect(order.indexOf('hot')).toBeLessThan(order.indexOf('entries'));
    // in the page too: the grid comes before the tiles
    const gridFirst = await shop.evaluate(() => {
      const grid = document.querySelector('[data-testid=product-grid]')!;
      const tiles = document.querySelector('[data-testid=feature-entries-home]')!;
      return !!(grid.compareDocumentPosition(tiles) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(gridFirst).toBe(true);
    expect(await shop.getByTestId('entry-loyalty-sign-in').count()).toBe(0);
    expect(await shop.getByTestId('entry-coupon-centre').count()).toBe(1);
    await expectNoHorizontalOverflow(shop, 'decorated home');
    await shot(shop, 'shop-home-decorated');
    // the slide that is not on screen cannot be tapped: dispatch the tap on the one that opens /coupons
    await shop.locator('[data-testid=home-banner-slide][data-target="/coupons"]').dispatchEvent('click');
    await shop.waitForURL(`${base}/coupons`);
  });

  it('the console screen in English', async () => {
    const page = await consolePage(owner, 'en');
    await page.goto(`${base}/admin/decoration`);
    await page.locator('[data-testid=decoration-sections-row][data-key=hot]').waitFor();
    expect(await page.locator('[data-testid=decoration-sections-row][data-key=hot]').textContent()).toContain('Hot picks (product grid)');
    expect(await page.getByTestId('decoration-version').textContent()).toContain('Version 1');
    expect(await page.getByTestId('decoration-save').textContent()).toBe('Save decoration');
  });
});

describe('收藏', () => {
  it('a signed-out heart goes to the sign-in and comes back favourited; 我的收藏 lists it', async () => {
    const products = await api<{ items: Array<{ id: number; title: string }> }>('GET', '/api/products');
    const product = products.items[0]!;
    const page = await (await newContext(MOBILE)).newPage();
    await page.goto(`${base}/product/${product.id}`);
    await page.getByTestId('favourite-toggle').click();
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByTestId('login-phone').fill(BUYER);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${base}/product/${product.id}`);
    await page.locator('[data-testid=favourite-toggle][data-favourite=true]').waitFor();
    await expectNoHorizontalOverflow(page, 'product with heart');
    const token = (await login(BUYER)).token;
    const mine = await api<{ items: Array<{ productId: number }> }>('GET', '/api/me/favourites', { token });
    expect(mine.items.map((f) => f.productId)).toEqual([product.id]);

    await page.goto(`${base}/me`);
    await page.getByTestId('entry-favourites').click();
    await page.getByTestId('favourites-page').waitFor();
    const item = page.locator(`[data-testid=favourite-item][data-product-id="${product.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('favourite-title').textContent()).toBe(product.title);
    await shot(page, 'shop-favourites');
    // the heart again: no longer a favourite
    await item.locator('a').click();
    await page.locator('[data-testid=favourite-toggle][data-favourite=true]').click();
    await page.locator('[data-testid=favourite-toggle][data-favourite=false]').waitFor();
    expect((await api<{ total: number }>('GET', '/api/me/favourites', { token })).total).toBe(0);
  });
});
