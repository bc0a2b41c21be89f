// The compliance guard in Chromium (issue 16): the auditor opens 合规报告 — the rules in force, the demo's
// money per metric, an override the owner recorded on an agent level — and downloads it as Excel; the PK
// contest form warns as soon as an invites contest gets a cash prize and asks for the override's reason.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/compliance.test.ts
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DESKTOP, login, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const OPERATOR = '13800000001';
const AUDITOR = '13800000004';
const REASON = '代理推荐现金奖经法务审核，按季度复核';

let base: string;

async function signedIn(phone: string): Promise<Page> {
  const token = (await login(phone)).token;
  const context = await newContext({ ...DESKTOP, acceptDownloads: true });
  await context.addInitScript((t) => {
    if (location.protocol.startsWith('http') && !localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', t);
  }, token);
  return context.newPage();
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: true }));
  const owner = (await login(OWNER)).token;
  await api('POST', '/api/admin/agent-levels', { token: owner, body: { name: '合规现金级', salesAwardBp: 100, referralAwardFen: 5_000, complianceOverride: { reason: REASON } }, expect: 201 });
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('the compliance report in the console', () => {
  it('the auditor sees the rules in force, the override with who, the money per metric, and downloads the workbook', async () => {
    const page = await signedIn(AUDITOR);
    await page.goto(`${base}/admin/compliance`);
    await page.getByTestId('compliance-rules').waitFor();
    expect(await page.getByTestId('compliance-rules').textContent()).toContain('分销层级');
    const overrides = await page.getByTestId('compliance-overrides').textContent();
    expect(overrides).toContain('推荐代理现金奖');
    expect(overrides).toContain(REASON);
    expect(overrides).toContain('总部老板');
    expect(await page.getByTestId('compliance-findings').textContent()).toContain('没有越线且未豁免的配置');
    expect(await page.getByTestId('compliance-money').textContent()).toContain('1 级');
    await shot(page, 'admin-compliance-report');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compliance-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^compliance-report-.*\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    wb.getWorksheet('合规豁免记录')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.some((r) => r.includes(REASON))).toBe(true);
  });

  it('the contest form warns about cash for an invites contest and asks for the override’s reason', async () => {
    const page = await signedIn(OPERATOR);
    await page.goto(`${base}/admin/contests`);
    await page.getByTestId('contest-create').click();
    await page.getByTestId('contest-metric').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '拉新人数' }).click();
    await page.getByTestId('contest-prize-1').fill('100');
    await page.getByTestId('contest-compliance-warning').waitFor();
    await page.getByTestId('contest-override-reason').waitFor();
    await shot(page, 'admin-contest-compliance-warning');
    // points instead of cash: no warning, no reason asked
    await page.getByTestId('contest-prize-kind-1').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '积分' }).last().click();
    await page.getByTestId('contest-compliance-warning').waitFor({ state: 'detached' });
  });
});
