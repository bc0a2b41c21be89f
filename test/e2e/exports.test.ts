// Browser test of the console's exports (issue 15): 导出 on the orders list downloads the list's
// current filter as CSV, and with no filter every order line (there is no row cap: the file is
// streamed); the after-sales queue exports its current view as Excel; the 佣金明细 screen lists an
// earner's earnings and exports them as Excel; the payouts list exports its current view with the
// destination masked. Each file is downloaded by the browser itself (a one-time download ticket in
// the export's URL), never fetched into the page's memory.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DESKTOP, login, newContext, pageErrors, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const FINANCE = '13800000002';
/** DEMO_CHAIN: 13900000001 refers …02, which refers …03, and so on down to …05 */
const TOP = '13900000001';
const SECOND = '13900000002';
const BUYER = '13900000005';
let base: string;
let single: { id: number; orderNo: string };
let four: { id: number; orderNo: string };
let top: { token: string; member: { id: number } };

async function paidOrder(token: string, items: Array<{ skuId: number; quantity: number }>, key: string) {
  const order = await api<{ id: number; orderNo: string }>('POST', '/api/orders', { token, body: { items, checkoutKey: `exports-e2e-${key}-${Date.now()}` } });
  const pay = await api<{ outTradeNo: string }>('POST', `/api/orders/${order.id}/pay`, { token, body: { provider: 'dev' } });
  await api('POST', '/api/payments/dev/simulate', { token, body: { outTradeNo: pay.outTradeNo } });
  return order;
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  const skus = (await api<{ items: Array<{ skus: Array<{ id: number; stock: number }> }> }>('GET', '/api/products')).items.flatMap((p) => p.skus).filter((s) => s.stock > 5);
  expect(skus.length).toBeGreaterThanOrEqual(4);
  // one line bought by the second member: the top member's only earning; four lines lower down,
  // where the top member is four levels up and earns nothing: five order lines in all
  single = await paidOrder((await login(SECOND)).token, [{ skuId: skus[0]!.id, quantity: 1 }], 'single');
  four = await paidOrder((await login(BUYER)).token, skus.slice(0, 4).map((s) => ({ skuId: s.id, quantity: 1 })), 'four');
  top = await login(TOP);
});
afterAll(async () => stopWorld());

async function consoleAs(token: string) {
  const context = await newContext(DESKTOP);
  await context.addInitScript((t) => {
    if (location.protocol.startsWith('http') && !localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', t);
  }, token);
  return context.newPage();
}

async function exportFrom(page: Page, testId: string, format: 'csv' | 'xlsx') {
  await page.getByTestId(testId).click();
  await page.getByTestId(`${testId}-format`).getByText(format === 'csv' ? 'CSV' : 'Excel (XLSX)').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${testId}-submit`).click()]);
  // the browser downloads the export itself, straight to disk: the export's own URL with a one-time
  // ticket in place of the Authorization header, not a blob: the page filled in memory
  const url = new URL(file.url());
  expect(url.origin).toBe(base);
  expect(url.pathname).toMatch(/^\/api\/admin\/[a-z-]+\/export$/);
  expect(url.searchParams.get('format')).toBe(format);
  expect(url.searchParams.get('ticket')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const bytes = readFileSync((await file.path())!);
  // the ticket was spent on this download: opened again it is refused, with the code to say why
  const again = await page.request.get(file.url());
  expect(again.status()).toBe(401);
  expect((await again.json()).code).toBe('DOWNLOAD_TICKET_USED');
  return { name: file.suggestedFilename(), bytes };
}

describe('exports in the console', () => {
  it('orders: the current filter downloads as CSV, and with no filter every line', async () => {
    const page = await consoleAs((await login(OWNER)).token);
    await page.goto(`${base}/admin/orders?q=${single.orderNo}`);
    await page.getByTestId('orders-table').waitFor();
    const file = await exportFrom(page, 'orders-export', 'csv');
    expect(file.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = file.bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^订单号,下单时间,付款时间/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]!.startsWith(`${single.orderNo},`)).toBe(true);
    expect(lines[1]).toContain(',待发货,');

    // no filter: every order line, these five among them
    const orders = (await api<{ items: Array<{ id: number }> }>('GET', '/api/admin/orders?limit=100', { token: (await login(OWNER)).token })).items.length;
    await page.goto(`${base}/admin/orders`);
    await page.getByTestId('orders-table').waitFor();
    const every = (await exportFrom(page, 'orders-export', 'csv')).bytes.toString('utf8').slice(1).trim().split('\r\n').slice(1);
    expect(every.length).toBeGreaterThanOrEqual(orders);
    expect(every.filter((l) => l.startsWith(`${four.orderNo},`))).toHaveLength(4);
    expect(pageErrors).toEqual([]);
  });

  it('售后 exports the queue’s current view as Excel', async () => {
    const buyer = await login(BUYER);
    const order = await api<{ lines: Array<{ id: number }> }>('GET', `/api/orders/${four.id}`, { token: buyer.token });
    const asked = await api<{ id: number }>('POST', `/api/orders/${four.id}/refund-requests`, { token: buyer.token, body: { kind: 'refund_only', reasonCode: 'quality', lines: [{ lineId: order.lines[0]!.id, amountFen: 100 }], reason: 'e2e 导出测试' } });
    const page = await consoleAs((await login(OWNER)).token);
    await page.goto(`${base}/admin/refund-requests`);
    await page.getByTestId('refund-requests-table').waitFor();
    const file = await exportFrom(page, 'refund-requests-export', 'xlsx');
    expect(file.name).toMatch(/^after-sales-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('售后');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => (sheet.getRow(i + 2).values as unknown[]).slice(1));
    // the queue opens on 待审核: the pending request is in the file, and only pending ones
    const ours = rows.find((r) => r[header.indexOf('售后ID')] === asked.id)!;
    expect(ours[header.indexOf('订单号')]).toBe(four.orderNo);
    expect(ours[header.indexOf('类型')]).toBe('仅退款');
    expect(ours[header.indexOf('状态')]).toBe('待审核');
    expect(ours[header.indexOf('申请金额(元)')]).toBe(1);
    expect(rows.every((r) => r[header.indexOf('状态')] === '待审核')).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('佣金明细 lists an earner’s earnings and exports them as Excel; payouts export with destinations masked', async () => {
    const finance = await login(FINANCE);
    const page = await consoleAs(finance.token);
    await page.goto(`${base}/admin/commission-earnings?memberId=${top.member.id}`);
    await page.locator('[data-testid="earnings-table"] tbody tr.ant-table-row').first().waitFor();
    expect(await page.locator('[data-testid="earnings-table"] tbody tr.ant-table-row').count()).toBe(1);
    expect(await page.getByTestId('earnings-table').textContent()).toContain(single.orderNo);
    const file = await exportFrom(page, 'earnings-export', 'xlsx');
    expect(file.name).toMatch(/^commissions-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('佣金明细');
    expect(sheet.rowCount).toBe(2);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(row[header.indexOf('订单号')]).toBe(single.orderNo);
    expect(row[header.indexOf('获得者ID')]).toBe(top.member.id);
    expect(typeof row[header.indexOf('佣金(元)')]).toBe('number');

    // a withdrawal (the demo's rules may approve it at once), exported from the payouts list's 全部 view
    await api('POST', '/api/admin/adjustments', { token: finance.token, body: { memberId: top.member.id, amountFen: 10_000, reason: 'e2e 导出测试入账', idempotencyKey: `exports-e2e-credit-${Date.now()}` } });
    const payout = await api<{ payoutNo: string; status: string }>('POST', '/api/me/payouts', { token: top.token, body: { amountFen: 5_000, channel: 'bank', destination: { bankName: '招商银行', accountNo: '6222020000007654321', realName: '林大咖' }, idempotencyKey: `exports-e2e-payout-${Date.now()}` } });
    const all = await api<{ items: unknown[] }>('GET', '/api/admin/payouts?limit=100', { token: finance.token });
    expect(all.items.length).toBeLessThanOrEqual(4);
    await page.goto(`${base}/admin/payouts`);
    await page.getByTestId('payouts-table').waitFor();
    await page.getByTestId('payouts-status').getByText('全部').click();
    const csv = (await exportFrom(page, 'payouts-export', 'csv')).bytes.toString('utf8');
    const rows = csv.slice(1).trim().split('\r\n');
    expect(rows.slice(1)).toHaveLength(all.items.length);
    const ours = rows.find((r) => r.startsWith(`${payout.payoutNo},`))!;
    expect(ours).toContain(',银行卡,林*咖 招商银行 ');
    expect(ours).toMatch(/\*+4321,50\.00,/);
    expect(csv).not.toContain('6222020000007654321');
    expect(csv).not.toContain('林大咖');
    expect(pageErrors).toEqual([]);
  });
});
