// Fulfilment in Chromium (issue 15): HQ ships a paid order in two parcels from the console's order
// drawer (carrier picked from 快递100's list, tracking numbers typed); the tracking job subscribes
// them (the dev provider, whose made-up path stands in for 快递100's push); the buyer's order page
// shows both parcels with their updates and the automatic receipt date, and the buyer extends it once.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/fulfilment.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, current, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const CHAIN_MEMBER = '13900000003';
const ADDRESS = { name: '李四', phone: '13612345679', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 2 号', regionCode: '440305' };

let base: string;
let owner: string;
let buyer: string;
let orderId: number;

async function signedIn(options: typeof DESKTOP, key: string, token: string): Promise<Page> {
  const context = await newContext(options);
  await context.addInitScript(
    ({ key, token }) => {
      if (location.protocol.startsWith('http') && !localStorage.getItem(key)) localStorage.setItem(key, token);
    },
    { key, token },
  );
  return context.newPage();
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: false, config: { tracking: { provider: 'dev' } } }));
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
});
