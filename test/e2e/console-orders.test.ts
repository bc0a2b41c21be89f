// The console's order work (issue 17), in Chromium on the demo at 1440×900: the status column is in
// view without scrolling sideways; searching by a phone's last 4 digits and by a product word narrows
// the list, and the filter is in the address, so a reload (or a link such as /orders?toShip=true)
// opens the same list; batch shipping: upload a file → preview → confirm ships its rows; and the same
// screen in English.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/console-orders.test.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, consolePage, login, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';

interface OrderRow {
  id: number;
  orderNo: string;
  buyerPhone: string | null;
  summary: string;
  status: string;
}

let base: string;
let token: string;


const orders = (query: string) => api<{ items: OrderRow[] }>('GET', `/api/admin/orders?limit=100&${query}`, { token }).then((r) => r.items);
const rowIds = async (page: Page) =>
  (await page.locator('[data-testid=orders-table] tr[data-testid^=order-row-]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid')!.slice('order-row-'.length))))).sort((a, b) => b - a);
/** the list once it shows exactly these orders */
async function expectRows(page: Page, ids: number[]) {
  await expect.poll(() => rowIds(page), { timeout: 10_000 }).toEqual([...ids].sort((a, b) => b - a));
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: true }));
  token = (await login(OWNER)).token;
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('订单 in the console', () => {
  it('at 1440×900 the status column is inside the window, with no sideways scroll', async () => {
    const page = await consolePage(token, 'zh');
    await page.goto(`${base}/admin/orders`);
    const first = (await orders(''))[0]!;
    const status = page.getByTestId(`order-status-${first.id}`);
    await status.waitFor();
    const box = (await status.boundingBox())!;
    expect(box.x).toBeGreaterThan(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1440);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    // the table itself does not scroll sideways either: every column fits
    const overflow = await page.locator('[data-testid=orders-table] .ant-table-content, [data-testid=orders-table] .ant-table-body').first().evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(page, 'admin-orders-filters');
  });

  it('a phone’s last 4 digits and a product word narrow the list; the filter survives a reload', async () => {
    const all = await orders('');
    const phone = all.find((o) => o.buyerPhone)!.buyerPhone!.slice(-4);
    const byPhone = await orders(`phone=${phone}`);
    expect(byPhone.length).toBeGreaterThan(0);
    expect(byPhone.length).toBeLessThan(all.length);
    const page = await consolePage(token, 'zh');
    await page.goto(`${base}/admin/orders`);
    await page.getByTestId('orders-table').locator('tr[data-testid^=order-row-]').first().waitFor();
    await page.getByTestId('orders-filter-phone').fill(phone);
    await page.getByTestId('orders-filter-phone').press('Enter');
    await expectRows(page, byPhone.slice(0, 20).map((o) => o.id));
    expect(new URL(page.url()).searchParams.get('phone')).toBe(phone);
    await page.reload();
    await expectRows(page, byPhone.slice(0, 20).map((o) => o.id));
    expect(await page.getByTestId('orders-filter-phone').inputValue()).toBe(phone);

    // a word of a product's title, with the phone cleared
    const word = '普洱';
    const byProduct = await orders(`product=${encodeURIComponent(word)}`);
    expect(byProduct.length).toBeGreaterThan(0);
    expect(byProduct.every((o) => o.summary.includes(word))).toBe(true);
    await page.getByTestId('orders-filter-phone').fill('');
    await page.getByTestId('orders-filter-product').fill(word);
    await page.getByTestId('orders-filter-product').press('Enter');
    await expectRows(page, byProduct.slice(0, 20).map((o) => o.id));
    expect(new URL(page.url()).searchParams.has('phone')).toBe(false);
    await page.reload();
    await expectRows(page, byProduct.slice(0, 20).map((o) => o.id));
  });

  it('batch shipping: upload → preview → confirm ships the rows; the list and the order show it', async () => {
    const toShip = (await orders('toShip=true')).slice(0, 2);
    expect(toShip).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'fenxiao-ship-'));
    const file = join(dir, 'ship.csv');
    writeFileSync(file, `\ufeff订单号,快递公司,运单号\r\n${toShip[0]!.orderNo},顺丰,SF7100000001\r\n${toShip[1]!.orderNo},中通快递,ZT7100000002\r\nO2099NOSUCHORDER,顺丰,SF7100000003\r\n`);
    const page = await consolePage(token, 'zh');
    await page.goto(`${base}/admin/orders?toShip=true`);
    expect(await page.getByTestId('orders-filter-toShip').locator('input').isChecked()).toBe(true);
    await page.getByTestId('batch-ship').click();
    await page.getByTestId('batch-ship-form').locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('batch-ship-preview-result').waitFor();
    expect(await page.getByTestId('batch-ship-row-2').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('batch-ship-row-3').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('batch-ship-row-4').getAttribute('data-status')).toBe('error');
    expect(await page.getByTestId('batch-ship-row-4').textContent()).toContain('订单不存在');
    // the preview shipped nothing
    expect((await orders('toShip=true')).map((o) => o.id)).toEqual(expect.arrayContaining(toShip.map((o) => o.id)));
    await shot(page, 'admin-batch-ship-preview');
    await page.getByTestId('batch-ship-confirm').click();
    await page.getByTestId('batch-ship-confirm-result').waitFor();
    expect(await page.getByTestId('batch-ship-row-2').getAttribute('data-status')).toBe('shipped');
    expect(await page.getByTestId('batch-ship-count-shipped').textContent()).toContain('2');
    await shot(page, 'admin-batch-ship-done');
    for (const o of toShip) {
      const order = await api<{ status: string; parcels: Array<{ trackingNo: string }> }>('GET', `/api/admin/orders/${o.id}`, { token });
      expect(order.status).toBe('shipped');
    }
    // the list behind the form (待发货) no longer holds them
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await rowIds(page)).filter((id) => toShip.some((o) => o.id === id))).toEqual([]);
  });

  it('in English: a link to the to-ship list opens it filtered, with the filter bar and batch shipping labelled', async () => {
    const page = await consolePage(token, 'en');
    await page.goto(`${base}/admin/orders?status=paid`);
    const paid = await orders('status=paid');
    await expectRows(page, paid.slice(0, 20).map((o) => o.id));
    expect(await page.getByTestId('orders-filter-status').textContent()).toContain('To ship');
    expect(await page.getByTestId('orders-filter-toShip').textContent()).toBe('To ship only');
    await page.getByTestId('batch-ship').click();
    const form = (await page.getByTestId('batch-ship-form').textContent()) ?? '';
    expect(form).toContain('Download the template');
    // the column names are the file's own, in Chinese in either language; nothing else is
    expect(form.replace(/订单号|快递公司|运单号/g, '')).not.toMatch(/[\u4e00-\u9fff]/u);
    await shot(page, 'admin-orders-en');
  });
});
