// The two-person rule in Chromium (issue 16): the owner files a ¥2,000 adjustment in 佣金调整 — above the
// ¥1,000 line it waits, and the owner sees "waiting for a second approver"; finance approves it on 待我审批
// and the member is credited once. Then a ¥6,000 withdrawal: the owner's approval in 提现审核 is only the first
// (it stays in review, marked), and finance's second approval sends it.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/two-person.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DESKTOP, login, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const FINANCE = '13800000002';
const MEMBER = '13900000002';

let base: string;
let owner: string;
let finance: string;
let member: { token: string; member: { id: number; nickname: string } };

async function signedIn(token: string): Promise<Page> {
  const context = await newContext(DESKTOP);
  await context.addInitScript((t) => {
    if (location.protocol.startsWith('http') && !localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', t);
  }, token);
  return context.newPage();
}

const available = async () => (await api<{ availableFen: number }>('GET', '/api/me/commission/summary', { token: member.token })).availableFen;

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  owner = (await login(OWNER)).token;
  finance = (await login(FINANCE)).token;
  member = await login(MEMBER);
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('two-person rule in the console', () => {
  let approvalId: number;

  it('the owner files an adjustment above the line: it waits for a second approver', async () => {
    const before = await available();
    const page = await signedIn(owner);
    await page.goto(`${base}/admin/adjustments`);
    await page.getByTestId('adjust-line-hint').waitFor();
    await page.getByTestId('adjust-member').click();
    await page.keyboard.type(String(member.member.id));
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: `#${member.member.id} ` }).first().click();
    await page.getByTestId('adjust-amount').fill('2000');
    await page.getByTestId('adjust-form').getByTestId('reason-input').fill('大促冠军奖励');
    await page.getByTestId('adjust-submit').click();
    await page.getByTestId('adjust-confirm').click();
    await page.getByTestId('adjust-pending-notice').waitFor();
    await shot(page, 'admin-adjustment-pending-notice');
    await page.locator('.ant-modal-confirm-btns button').last().click();

    const pending = await api<{ items: Array<{ id: number; status: string; memberId: number; amountFen: number }> }>('GET', '/api/admin/adjustment-approvals?status=pending', { token: owner });
    const mine = pending.items.find((a) => a.memberId === member.member.id && a.amountFen === 200_000)!;
    expect(mine).toBeTruthy();
    approvalId = mine.id;
    await page.getByTestId(`adjust-approval-withdraw-${approvalId}`).waitFor();
    expect(await page.getByTestId(`adjust-approval-approve-${approvalId}`).count()).toBe(0);
    await shot(page, 'admin-adjustments-waiting');
    expect(await available()).toBe(before);
  });

  it('finance approves it on 待我审批 and the member is credited once', async () => {
    const before = await available();
    const page = await signedIn(finance);
    await page.goto(`${base}/admin/approvals`);
    const item = page.getByTestId(`inbox-adjustment-${approvalId}`);
    await item.waitFor();
    await page.getByTestId('approval-lines').waitFor();
    await shot(page, 'admin-approvals-inbox');
    await page.getByTestId(`inbox-approve-adjustment-${approvalId}`).click();
    await page.getByTestId(`inbox-approve-confirm-adjustment-${approvalId}`).click();
    await item.waitFor({ state: 'detached' });
    expect(await available()).toBe(before + 200_000);
    const done = await api<{ status: string; decidedBy: number }>('GET', `/api/admin/adjustment-approvals/${approvalId}`, { token: owner });
    expect(done.status).toBe('applied');
  });

  it('a large withdrawal needs the owner first and finance second before it is sent', async () => {
    const credit = await api<{ id: number }>('POST', '/api/admin/adjustments', { token: owner, body: { memberId: member.member.id, amountFen: 600_000, reason: '提现测试入账', idempotencyKey: `two-person-e2e-credit-${Date.now()}` }, expect: 202 });
    await api('POST', `/api/admin/adjustment-approvals/${credit.id}/approve`, { token: finance, body: {} });
    const payout = await api<{ id: number; status: string; payoutNo: string }>('POST', '/api/me/payouts', { token: member.token, body: { amountFen: 600_000, channel: 'alipay', destination: { account: 'payee@example.com', realName: '张三' }, idempotencyKey: `two-person-e2e-${Date.now()}` } });
    expect(payout.status).toBe('reviewing');

    const ownerPage = await signedIn(owner);
    await ownerPage.goto(`${base}/admin/payouts`);
    const row = ownerPage.getByTestId(`payout-row-${payout.id}`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(member.member.nickname);
    await ownerPage.getByTestId(`payout-approve-${payout.id}`).click();
    await ownerPage.getByTestId(`payout-approve-confirm-${payout.id}`).click();
    await ownerPage.getByTestId(`payout-first-approved-${payout.id}`).waitFor();
    await ownerPage.getByTestId(`payout-waiting-${payout.id}`).waitFor();
    await shot(ownerPage, 'admin-payouts-first-approved');
    expect((await api<{ status: string }>('GET', `/api/me/payouts/${payout.id}`, { token: member.token })).status).toBe('reviewing');

    const financePage = await signedIn(finance);
    await financePage.goto(`${base}/admin/payouts`);
    const financeRow = financePage.getByTestId(`payout-row-${payout.id}`);
    await financeRow.waitFor();
    // the member's name arrives after the row (a lookup of its own) and widens its column: act once the row has settled
    await expect.poll(() => financeRow.textContent()).toContain(member.member.nickname);
    await financePage.getByTestId(`payout-approve-${payout.id}`).click();
    // the second approval sends it: wait for its answer (under a loaded suite the send takes a while)
    const approved = financePage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/admin/payouts/${payout.id}/approve`), { timeout: 30_000 });
    await financePage.getByTestId(`payout-approve-confirm-${payout.id}`).click();
    expect((await approved).status()).toBe(200);
    await financeRow.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await api<{ status: string }>('GET', `/api/me/payouts/${payout.id}`, { token: member.token })).status).toBe('paid');
  });
});
