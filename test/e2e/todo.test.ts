// The dashboard's 待办 in Chromium (issue 17), on the demo: the owner's row shows one card per item with the
// API's counts; a card opens its list filtered through the URL, showing only those rows; finance, in English,
// gets its own cards and its withdrawals card opens the withdrawals nobody approved yet; the auditor, who
// decides nothing, sees no row.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/todo.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CHAIN, DEMO_HQ } from '../../src/demo/seed.js';
import { api, consolePage, current, expectNoHorizontalOverflow, login, MOBILE, pageErrors, shot, startWorld, stopWorld } from './world.js';

let base: string;
const tokens: Record<string, string> = {};
type Todo = { items: Array<{ key: string; count: number }> };


const rowsOf = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"] tr.ant-table-row-level-0`);

beforeAll(async () => {
  ({ base } = await startWorld({ features: true }));
  for (const [name, phone] of [['owner', DEMO_HQ[0].phone], ['finance', DEMO_HQ[2].phone], ['auditor', DEMO_HQ[4].phone], ['buyer', DEMO_CHAIN[4]]] as const) tokens[name] = (await login(phone)).token;
  // one after-sales request of our own, so the card has something to open whatever the demo holds
  const products = await api<{ items: Array<{ skus: Array<{ id: number; stock: number }> }> }>('GET', '/api/products');
  const sku = products.items.flatMap((p) => p.skus).find((s) => s.stock > 5)!;
  const address = { name: '王小明', phone: '13612345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
  const order = await api<{ id: number; lines: Array<{ id: number }> }>('POST', '/api/orders', { token: tokens.buyer, body: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: `todo-e2e-${Date.now()}`, shippingAddress: address } });
  const pay = await api<{ outTradeNo: string }>('POST', `/api/orders/${order.id}/pay`, { token: tokens.buyer, body: { provider: 'dev' } });
  await api('POST', '/api/payments/dev/simulate', { token: tokens.buyer, body: { outTradeNo: pay.outTradeNo } });
  await current().app.services.orders.drainEffects();
  await api('POST', `/api/orders/${order.id}/refund-requests`, { token: tokens.buyer, body: { kind: 'refund_only', reasonCode: 'no_longer_needed', lines: [{ lineId: order.lines[0]!.id, amountFen: 100 }], reason: '拍错了' } });
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('待办 on the dashboard', () => {
  it("shows the owner's counts; the after-sales card opens the pending requests, only those", async () => {
    const todo = await api<Todo>('GET', '/api/admin/todo', { token: tokens.owner });
    const page = await consolePage(tokens.owner!, 'zh');
    await page.goto(`${base}/admin/`);
    const row = page.getByTestId('dashboard-todo');
    await row.waitFor();
    expect(await row.textContent()).toContain('待办');
    for (const { key, count } of todo.items) expect(await page.getByTestId(`todo-${key}`).getAttribute('data-count'), key).toBe(String(count));
    const pending = todo.items.find((i) => i.key === 'refundRequestsToReview')!.count;
    expect(pending).toBeGreaterThan(0);
    expect(await page.getByTestId('todo-count-refundRequestsToReview').textContent()).toBe(String(pending));
    // a zero reads as done, not as a number
    const zero = todo.items.find((i) => i.count === 0);
    if (zero) expect(await page.getByTestId(`todo-count-${zero.key}`).textContent()).toContain('已处理完');
    await shot(page, 'console-dashboard-todo');

    await page.getByTestId('todo-refundRequestsToReview').click();
    await page.waitForURL(/\/admin\/refund-requests\?status=pending$/);
    const rows = rowsOf(page, 'refund-requests-table');
    await expect.poll(() => rows.count()).toBe(Math.min(pending, 100));
    for (const text of await rows.allTextContents()) expect(text).toContain('待审核');
    // picking another filter writes it back to the URL
    await page.getByTestId('refund-requests-status').getByText('已驳回').click();
    await page.waitForURL(/status=rejected/);
  });

  it('in English, finance gets its own cards; withdrawals open those nobody approved yet', async () => {
    const todo = await api<Todo>('GET', '/api/admin/todo', { token: tokens.finance });
    expect(todo.items.map((i) => i.key)).not.toContain('ordersToShip');
    const page = await consolePage(tokens.finance!, 'en');
    await page.goto(`${base}/admin/`);
    const card = page.getByTestId('todo-payoutsToReview');
    await card.waitFor();
    expect(await page.getByTestId('dashboard-todo').textContent()).toContain('To do');
    expect(await card.textContent()).toContain('Withdrawals to review');
    expect(await page.getByTestId('todo-ordersToShip').count()).toBe(0);
    const waiting = todo.items.find((i) => i.key === 'payoutsToReview')!.count;
    await card.click();
    await page.waitForURL(/\/admin\/payouts\?status=reviewing&firstApproved=false$/);
    await page.getByTestId('payouts-filter-unapproved').waitFor();
    const rows = rowsOf(page, 'payouts-table');
    await expect.poll(() => rows.count()).toBe(Math.min(waiting, 20));
    expect(await page.locator('[data-testid^="payout-first-approved-"]').count()).toBe(0);
  });

  it('fits a 375 px phone', async () => {
    const page = await consolePage(tokens.owner!, 'zh', MOBILE);
    await page.goto(`${base}/admin/`);
    await page.getByTestId('todo-ordersToShip').waitFor();
    await expectNoHorizontalOverflow(page, 'the dashboard with its 待办');
  });

  it('the auditor, who decides nothing, sees no row', async () => {
    expect((await api<Todo>('GET', '/api/admin/todo', { token: tokens.auditor })).items).toEqual([]);
    const page = await consolePage(tokens.auditor!, 'zh');
    await page.goto(`${base}/admin/`);
    await page.getByTestId('dashboard-gmv-today').waitFor();
    expect(await page.getByTestId('dashboard-todo').count()).toBe(0);
  });
});
