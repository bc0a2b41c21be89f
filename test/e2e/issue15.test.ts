// Fulfilment in Chromium (issue 15): HQ ships a paid order in two parcels from the console's order
// drawer (carrier picked from 快递100's list, tracking numbers typed); the tracking job subscribes
// them (the dev provider, whose made-up path stands in for 快递100's push); the buyer's order page
// shows both parcels with their updates and the automatic receipt date, and the buyer extends it once.
// Then after-sales: the buyer asks to return one item; support approves it to the return address;
// the buyer enters the return parcel; support confirms it arrived and the refund goes through.
//
// Then 选品: a distributor picks products for its mini-shop in the centre; a visitor who opens its
// share link sees them first on the home page, in the order picked. Last, the catalogue: HQ uploads a
// product picture in the console's editor; the shop's product page shows it, and a distributor sees
// what sharing it earns (分享赚 ¥x). Then 规格: HQ adds a colour to the 颜色 × 尺寸 matrix of the demo's
// 纯棉四件套 in the console; the buyer picks a colour and a size in the shop (a combination out of
// stock cannot be picked; the SKU's own picture and price show) and puts it in the cart. Between
// them, time passes: the shipped order completes by itself and its earner sees the commission frozen.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/issue15.test.ts
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TickingClock } from '../support/harness.js';
import { api, current, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, newContext, pageErrors, shot, signedIn, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const CHAIN_MEMBER = '13900000003';
/** CHAIN_MEMBER's referrer: level 1 of its orders */
const EARNER = '13900000002';
const ADDRESS = { name: '李四', phone: '13612345679', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 2 号', regionCode: '440305' };

let base: string;
let owner: string;
let buyer: string;
let orderId: number;
// the business clock: time moves on for the automatic receipt
const clock = new TickingClock(new Date());


beforeAll(async () => {
  ({ base } = await startWorld({ features: false, config: { tracking: { provider: 'dev' } }, clock }));
  owner = (await login(OWNER)).token;
  buyer = (await login(CHAIN_MEMBER)).token;
  const products = await api<{ items: Array<{ skus: Array<{ id: number; stock: number }> }> }>('GET', '/api/products');
  const sku = products.items.flatMap((p) => p.skus).find((s) => s.stock > 5)!;
  const order = await api<{ id: number }>('POST', '/api/orders', { token: buyer, body: { items: [{ skuId: sku.id, quantity: 2 }], checkoutKey: 'fulfilment-e2e-1', shippingAddress: ADDRESS } });
  const pay = await api<{ outTradeNo: string }>('POST', `/api/orders/${order.id}/pay`, { token: buyer, body: { provider: 'dev' } });
  await api('POST', '/api/payments/dev/simulate', { token: buyer, body: { outTradeNo: pay.outTradeNo } });
  orderId = order.id;
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('shipping in parcels and receiving', () => {
  it('HQ ships the order in two parcels from the order drawer', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', owner);
    await page.goto(`${base}/admin/orders?order=${orderId}`);
    await page.getByTestId('order-ship').click();
    const form = page.getByTestId('ship-form');
    await form.waitFor();
    const pick = async (i: number, name: string) => {
      await page.getByTestId(`ship-carrier-${i}`).click();
      await page.keyboard.type(name);
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name }).first().click();
    };
    await pick(0, '顺丰速运');
    await page.getByTestId('ship-tracking-no-0').fill('SF7000000001');
    await page.getByTestId('ship-add-parcel').click();
    await pick(1, '中通快递');
    await page.getByTestId('ship-tracking-no-1').fill('ZT7000000002');
    // a number the carriers never print is refused in the form, before the API is asked
    await page.getByTestId('ship-tracking-no-1').fill('no good!');
    await page.getByTestId('ship-form-ok').click();
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    await page.getByTestId('ship-tracking-no-1').fill('ZT7000000002');
    await page.getByTestId('ship-form-ok').click();
    const rows = page.locator('[data-testid=order-parcels] [data-testid=parcel-tracking-no]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual(['SF7000000001', 'ZT7000000002']);
    await page.getByTestId('order-receive-due').waitFor();
    await shot(page, 'admin-order-parcels');
    const detail = await api<{ status: string; parcels: Array<{ carrierCode: string }> }>('GET', `/api/admin/orders/${orderId}`, { token: owner });
    expect(detail.status).toBe('shipped');
    expect(detail.parcels.map((p) => p.carrierCode)).toEqual(['shunfeng', 'zhongtong']);
  });

  it('the buyer sees both parcels with their tracking, and extends the receipt once', async () => {
    expect(await current().app.services.orders.subscribeParcels()).toEqual({ subscribed: 2, failed: 0, retrying: 0 });
    const page = await signedIn(MOBILE, 'fx_token', buyer);
    await page.goto(`${base}/orders/${orderId}`);
    const parcels = page.getByTestId('order-parcel');
    await expect.poll(() => parcels.count()).toBe(2);
    expect(await parcels.first().getAttribute('data-tracking-no')).toBe('SF7000000001');
    // the dev provider's path: at least a collection and one transit update, newest first
    await parcels.first().getByTestId('parcel-events').waitFor();
    expect(await parcels.first().getByTestId('parcel-state').textContent()).toMatch(/运输中|已揽收|派送中|已签收/);
    await expectNoHorizontalOverflow(page, 'order parcels');
    await shot(page, 'shop-order-parcels');
    const due = await page.getByTestId('order-receive-due').textContent();
    await page.getByTestId('order-extend-receipt').click();
    await page.locator('.adm-dialog-button-bold').click();
    await page.getByTestId('order-receipt-extended').waitFor();
    expect(await page.getByTestId('order-receive-due').textContent()).not.toBe(due);
    const order = await api<{ receiveExtendedAt: string | null }>('GET', `/api/orders/${orderId}`, { token: buyer });
    expect(order.receiveExtendedAt).not.toBeNull();
  });

  it('a return and refund: asked in the shop, approved and received in the console, refunded', async () => {
    const shop = await signedIn(MOBILE, 'fx_token', buyer);
    await shop.goto(`${base}/orders/${orderId}`);
    await shop.getByTestId('refund-open').click();
    await shop.getByTestId('refund-popup').waitFor();
    await shop.getByTestId('refund-kind-return_refund').click();
    await shop.getByTestId('refund-reason-damaged').click();
    expect(await shop.getByTestId('refund-reason').inputValue()).toBe('商品破损');
    // half of the line
    await shop.getByTestId('refund-amount').fill('59.90');
    await shop.getByTestId('refund-submit').click();
    await shop.getByTestId('refund-submitted').waitFor();
    await shop.locator('[data-testid=refund-request][data-status=pending][data-kind=return_refund]').waitFor();

    const hq = await signedIn(DESKTOP, 'fenxiao.admin.token', owner);
    await hq.goto(`${base}/admin/refund-requests`);
    const [request] = (await api<{ items: Array<{ id: number }> }>('GET', `/api/admin/refund-requests?orderId=${orderId}`, { token: owner })).items;
    await hq.getByTestId(`refund-request-approve-${request!.id}`).click();
    await hq.getByTestId('return-address-name').fill('退货仓');
    await hq.getByTestId('return-address-phone').fill('0755-88886666');
    await hq.getByTestId('return-address-address').fill('广东省深圳市南山区科技园南路 88 号');
    await hq.getByTestId('refund-request-review-ok').click();
    await expect.poll(async () => (await api<{ items: Array<{ status: string }> }>('GET', `/api/admin/refund-requests?orderId=${orderId}`, { token: owner })).items[0]!.status).toBe('awaiting_return');

    await shop.reload();
    await shop.getByTestId('return-address').waitFor();
    expect(await shop.getByTestId('return-address').textContent()).toContain('科技园南路 88 号');
    await shop.getByTestId('return-carrier').selectOption('yunda');
    await shop.getByTestId('return-tracking-no').fill('YD8800112233');
    await shop.getByTestId('return-submit').click();
    await shop.getByTestId('return-parcel').waitFor();
    await expectNoHorizontalOverflow(shop, 'after-sales');
    await shot(shop, 'shop-after-sales-return');

    await hq.getByTestId('refund-requests-status').getByText('退货中').click();
    await hq.getByTestId(`refund-request-return-${request!.id}`).waitFor();
    expect(await hq.getByTestId(`refund-request-return-${request!.id}`).textContent()).toContain('YD8800112233');
    await shot(hq, 'admin-after-sales-queue');
    await hq.getByTestId(`refund-request-approve-${request!.id}`).click();
    await hq.getByTestId('refund-request-review-ok').click();
    await expect.poll(async () => (await api<{ refundedFen: number }>('GET', `/api/orders/${orderId}`, { token: buyer })).refundedFen).toBe(5_990);
    await shop.reload();
    await shop.locator('[data-testid=refund-request][data-status=approved]').waitFor();
  });

  it('ten days (and the three of the extension) later the order completes by itself; its earner sees the commission frozen', async () => {
    clock.advanceDays(14);
    expect(await current().app.services.orders.autoReceiveDue()).toEqual({ completed: 1 });
    const order = await api<{ status: string; orderNo: string }>('GET', `/api/orders/${orderId}`, { token: buyer });
    expect(order.status).toBe('completed');
    // the buyer's referrer earns level 1; what was not refunded is frozen now, through the return window
    const earner = (await login(EARNER)).token;
    const page = await signedIn(MOBILE, 'fx_token', earner);
    await page.goto(`${base}/centre/orders`);
    const row = page.locator(`[data-testid=promotion-order][data-order-no="${order.orderNo}"]`);
    await row.waitFor();
    await row.locator('[data-testid=promotion-state][data-state=frozen]').waitFor();
    expect(await row.getByTestId('promotion-state').first().textContent()).toMatch(/冻结/);
    await shot(page, 'shop-auto-receipt-frozen');
  });
});

describe('选品: a mini-shop shows what its distributor picked', () => {
  it('the distributor picks two products and orders them; a visitor through the share link sees them first', async () => {
    const page = await signedIn(MOBILE, 'fx_token', buyer);
    await page.goto(`${base}/centre`);
    await page.getByTestId('centre-showcase').click();
    await page.getByTestId('showcase-page').waitFor();
    const rows = page.getByTestId('showcase-product');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-product-id'))));
    const [first, second] = [ids[1]!, ids[2]!];
    await page.locator(`[data-testid=showcase-product][data-product-id="${first}"] [data-testid=showcase-check]`).click();
    await page.locator(`[data-testid=showcase-product][data-product-id="${second}"] [data-testid=showcase-check]`).click();
    // the second picked goes first
    await page.locator(`[data-testid=showcase-picked][data-product-id="${second}"] [data-testid=showcase-up]`).click();
    await page.getByTestId('showcase-save').click();
    await page.getByTestId('showcase-saved').waitFor();
    await expectNoHorizontalOverflow(page, 'showcase');
    await shot(page, 'shop-showcase-picks');

    const me = await api<{ inviteCode: string }>('GET', '/api/me', { token: buyer });
    const visitor = await (await newContext(MOBILE)).newPage();
    await visitor.goto(`${base}/s/${me.inviteCode}`);
    await visitor.getByTestId('showcase-grid').waitFor();
    const shown = await visitor.locator('[data-testid=showcase-grid] [data-testid=product-card]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-product-id'))));
    expect(shown).toEqual([second, first]);
  });
});

describe('the catalogue: a picture uploaded in the console, 分享赚 on the product page', () => {
  it('HQ uploads a main picture; the shop shows it; the distributor sees its earning', async () => {
    const products = await api<{ items: Array<{ id: number; title: string; skus: Array<{ priceFen: number }> }> }>('GET', '/api/products');
    const product = products.items[0]!;
    const png = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 230, g: 90, b: 40 } } }).png().toBuffer();
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', owner);
    await page.goto(`${base}/admin/products`);
    await page.getByTestId(`product-edit-${product.id}`).click();
    await page.getByTestId('product-form').waitFor();
    const before = await page.locator('[data-testid=product-images-pictures] [data-testid=product-image]').count();
    await page.locator('[data-testid=product-images-pictures] input[type=file]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => page.locator('[data-testid=product-images-pictures] [data-testid=product-image]').count()).toBe(before + 1);
    // the new picture becomes the main one
    await page.locator('[data-testid=product-images-pictures] [data-testid=product-image]').last().getByTestId('product-image-set-main').click();
    await page.getByTestId('product-form-ok').click();
    await expect
      .poll(async () => (await api<{ images: { main: { id: number; large: { url: string; width: number } } | null } }>('GET', `/api/products/${product.id}`)).images.main?.large.width)
      .toBe(1080);
    const main = (await api<{ images: { main: { large: { url: string } } } }>('GET', `/api/products/${product.id}`)).images.main.large.url;
    expect(main).toMatch(/^\/media\//);
    await shot(page, 'admin-product-pictures');

    const shop = await signedIn(MOBILE, 'fx_token', buyer);
    await shop.goto(`${base}/product/${product.id}`);
    await shop.locator(`.product-hero img[src="${main}"]`).first().waitFor();
    const earn = await api<{ eligible: boolean; skus: Array<{ amountFen: number }> }>('GET', `/api/products/${product.id}/share-earning`, { token: buyer });
    expect(earn.eligible).toBe(true);
    await expect.poll(() => shop.getByTestId('share-earn').textContent()).toMatch(/分享(最高)?赚 ¥\d/);
    await expectNoHorizontalOverflow(shop, 'product');
    await shot(shop, 'shop-product-share-earn');
  });
});

describe('规格: the console edits the matrix, the shop picks 颜色 × 尺寸', () => {
  interface Sku { id: number; name: string; specValues: string[]; priceFen: number; stock: number; image: { id: number } | null }
  const bedding = async () => (await api<{ items: Array<{ id: number; title: string; skus: Sku[] }> }>('GET', '/api/products?q=四件套')).items[0]!;

  it('HQ adds 浅灰 to the colours: two new SKUs, the four that stay keep their ids', async () => {
    const before = await bedding();
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', owner);
    await page.goto(`${base}/admin/products`);
    await page.getByTestId(`product-specs-${before.id}`).click();
    const editor = page.getByTestId('specs-editor');
    await editor.waitFor();
    await expect.poll(() => editor.getByTestId('spec-row-name').count()).toBe(4);
    await page.getByTestId('spec-attr-values-0').locator('input').fill('浅灰');
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.getByTestId('spec-row-name').count()).toBe(6);
    // the new rows have no price yet: saving waits for them
    expect(await page.getByTestId('specs-save').isDisabled()).toBe(true);
    for (const size of ['1.5m 床', '1.8m 床']) {
      const row = editor.locator('tr', { has: page.locator('[data-testid=spec-row-name]', { hasText: `浅灰 / ${size}` }) });
      await row.getByTestId('spec-row-price').fill(size === '1.5m 床' ? '419' : '479');
      await row.getByTestId('spec-row-stock').fill('20');
    }
    await shot(page, 'admin-product-specs');
    await page.getByTestId('specs-save').click();
    await expect.poll(async () => (await bedding()).skus.length).toBe(6);
    const after = await bedding();
    expect(after.skus.map((k) => k.name)).toEqual(['米白 / 1.5m 床', '米白 / 1.8m 床', '雾蓝 / 1.5m 床', '雾蓝 / 1.8m 床', '浅灰 / 1.5m 床', '浅灰 / 1.8m 床']);
    expect(after.skus.slice(0, 4).map((k) => k.id)).toEqual(before.skus.map((k) => k.id));
    expect(after.skus[4]).toMatchObject({ priceFen: 41_900, stock: 20 });
  });

  it('the buyer picks 雾蓝: 1.8m is sold out, 1.5m shows its own picture and price, and goes to the cart', async () => {
    const product = await bedding();
    const blueSmall = product.skus.find((k) => k.name === '雾蓝 / 1.5m 床')!;
    const page = await signedIn(MOBILE, 'fx_token', buyer);
    await page.goto(`${base}/product/${product.id}`);
    await expect.poll(() => page.getByTestId('spec-attribute').count()).toBe(2);
    const value = (attribute: string, v: string) => page.locator(`[data-testid=spec-attribute][data-attribute="${attribute}"] [data-testid=spec-value][data-value="${v}"]`);
    // the first SKU in stock is chosen: 米白 / 1.5m 床; switching the colour keeps the size
    await expect.poll(() => value('尺寸', '1.5m 床').getAttribute('data-selected')).toBe('true');
    await value('颜色', '雾蓝').click();
    expect(await value('尺寸', '1.8m 床').isDisabled()).toBe(true);
    expect(await value('尺寸', '1.5m 床').getAttribute('data-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('sku-chosen').textContent()).toContain('雾蓝 / 1.5m 床');
    expect(Number(await page.getByTestId('sku-picture').getAttribute('data-media-id'))).toBe(blueSmall.image!.id);
    expect(await page.getByTestId('product-detail-price').textContent()).toContain('399');
    await expectNoHorizontalOverflow(page, 'spec picker');
    await shot(page, 'shop-spec-picker');
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('added-toast').waitFor();
    await page.goto(`${base}/cart`);
    await expect.poll(() => page.locator('body').textContent()).toContain('雾蓝 / 1.5m 床');
  });
});
