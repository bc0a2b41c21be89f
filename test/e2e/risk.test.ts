// 风控 in the browser (issue 16): two demo members turn out to share a phone (the shop's device id) after
// an order, and the sweep holds that earning; a daily-commission line holds two more. In the console,
// finance opens the queue, looks at the linked members' graph, releases one and voids one with a reason;
// the ledger reconciles and both decisions are audited. The rules screen runs a dry run; the auditor only
// reads; the distributor whose earning is still held sees it as 审核中 with a neutral note in the shop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CHAIN, DEMO_HQ } from '../../src/demo/seed.js';
import { api, current, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, pageErrors, shot, signedIn, startWorld, stopWorld } from './world.js';

let base: string;
const tokens: Record<string, string> = {};
const ids: Record<string, number> = {};


/** A shop call from a device, as the shop sends it (x-device-id). */
async function seenOn(token: string, device: string) {
  const res = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}`, 'x-device-id': device } });
  expect(res.status).toBe(200);
}

async function buy(token: string, skuId: number, phone: string): Promise<number> {
  const address = { name: '演示', phone, province: '广东省', city: '深圳市', district: '南山区', detail: `科技园 ${phone.slice(-4)} 号`, regionCode: '440305' };
  const order = await api<{ id: number }>('POST', '/api/orders', { token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `risk-e2e-${phone}-${Date.now()}`, shippingAddress: address } });
  const pay = await api<{ outTradeNo: string }>('POST', `/api/orders/${order.id}/pay`, { token, body: { provider: 'dev' } });
  await api('POST', '/api/payments/dev/simulate', { token, body: { outTradeNo: pay.outTradeNo } });
  await current().app.services.orders.drainEffects();
  return order.id;
}

type Hold = { id: number; orderId: number; earnerId: number; rule: string; status: string; decisionReason: string | null };
const heldList = async () => (await api<{ items: Hold[] }>('GET', '/api/admin/risk/holds?status=held&limit=100', { token: tokens.finance })).items;

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  for (const [name, phone] of [['owner', DEMO_HQ[0].phone], ['finance', DEMO_HQ[2].phone], ['auditor', DEMO_HQ[4].phone], ['c0', DEMO_CHAIN[0]], ['c1', DEMO_CHAIN[1]], ['c2', DEMO_CHAIN[2]], ['c3', DEMO_CHAIN[3]], ['c4', DEMO_CHAIN[4]]] as const) {
    const signed = await login(phone);
    tokens[name] = signed.token;
    ids[name] = signed.member.id;
  }
  const products = await api<{ items: Array<{ skus: Array<{ id: number; stock: number }> }> }>('GET', '/api/products?limit=20');
  const skuId = products.items.flatMap((p) => p.skus).find((s) => s.stock > 10)!.id;

  // 郑 (chain 5) buys; 吴 (chain 4, her referrer) earns level 1 — then both turn up on one phone
  await buy(tokens.c4!, skuId, DEMO_CHAIN[4]!);
  await seenOn(tokens.c4!, 'e2e-shared-phone-0001');
  await seenOn(tokens.c3!, 'e2e-shared-phone-0001');
  expect((await current().app.services.risk.review.sweep()).held).toBe(1);
  // a daily-commission line of ¥1 for a moment: 黄's order holds 陈's and 林's earnings on it
  const before = await api<{ current: { config: Record<string, unknown> } }>('GET', '/api/admin/risk/rules', { token: tokens.finance });
  await api('PUT', '/api/admin/risk/rules', { token: tokens.finance, body: { config: { ...before.current.config, dailyCommission: { enabled: true, maxFen: 100 } }, note: '演示：单日佣金上限 ¥1' } });
  await buy(tokens.c2!, skuId, DEMO_CHAIN[2]!);
  await api('PUT', '/api/admin/risk/rules', { token: tokens.finance, body: { config: before.current.config, note: '恢复默认' } });
  expect((await heldList()).map((h) => h.rule).sort()).toEqual(['daily_commission', 'daily_commission', 'linked_buyer']);
});

afterAll(stopWorld);

describe('风控 in the console and the shop', () => {
  it('finance releases the linked one and voids a daily one, with reasons; the ledger reconciles, both are audited', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', tokens.finance!);
    await page.goto(`${base}/admin/risk-queue`);
    const rows = page.locator('[data-testid="risk-holds"] tr.ant-table-row-level-0');
    await expect.poll(() => rows.count()).toBe(3);
    const held = await heldList();
    const linked = held.find((h) => h.rule === 'linked_buyer')!;
    const daily = held.find((h) => h.rule === 'daily_commission' && h.earnerId === ids.c0)!;
    expect(await page.getByTestId(`risk-hold-${linked.id}`).textContent()).toContain('关联账号');
    await shot(page, 'console-risk-queue');

    // the graph of the linked members: buyer and earner joined by the device they share
    await page.getByTestId(`risk-hold-${linked.id}`).getByTestId('risk-hold-detail').click();
    await page.getByTestId('risk-graph').waitFor();
    await expect.poll(() => page.locator('[data-testid="risk-graph-link"][data-strong="true"]').count()).toBe(1);
    expect(await page.getByTestId('risk-graph').textContent()).toContain('设备');
    expect(await page.getByTestId('risk-drawer-reasons').textContent()).toContain('关联账号');
    await shot(page, 'console-risk-graph');
    await page.locator('.ant-drawer-close').click();

    await page.getByTestId(`risk-hold-${linked.id}`).getByTestId('risk-hold-release').click();
    await page.getByTestId('reason-input').fill('核实为家人共用手机，非自购');
    await page.getByTestId('risk-decision-ok').click();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByTestId(`risk-hold-${daily.id}`).getByTestId('risk-hold-void').click();
    await page.getByTestId('reason-input').fill('当日佣金异常，经核实作废');
    await page.getByTestId('risk-decision-ok').click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('risk-status-all').click();
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(async () => (await page.getByTestId(`risk-hold-${daily.id}`).getByTestId('risk-hold-status').getAttribute('data-status'))).toBe('voided');
    await shot(page, 'console-risk-decided');

    const all = (await api<{ items: Hold[] }>('GET', '/api/admin/risk/holds?limit=100', { token: tokens.auditor })).items;
    expect(all.find((h) => h.id === linked.id)).toMatchObject({ status: 'released', decisionReason: '核实为家人共用手机，非自购' });
    expect(all.find((h) => h.id === daily.id)).toMatchObject({ status: 'voided', decisionReason: '当日佣金异常，经核实作废' });
    const recon = await api<{ ok: boolean }>('GET', '/api/admin/reconciliation', { token: tokens.owner });
    expect(recon.ok).toBe(true);
    for (const action of ['risk.release', 'risk.void']) {
      const audit = await api<{ items: Array<{ actorId: number; reason: string }> }>('GET', `/api/admin/audit-log?action=${action}&limit=5`, { token: tokens.owner });
      expect(audit.items[0]).toMatchObject({ actorId: ids.finance });
    }
  });

  it('the rules screen runs a dry run; the auditor reads the queue without buttons', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', tokens.finance!);
    await page.goto(`${base}/admin/risk-rules`);
    await page.getByTestId('risk-rule-dailyCommission').waitFor();
    await page.getByTestId('risk-input-maxYuan').fill('1.00');
    await page.getByTestId('risk-dry-run-button').click();
    await page.getByTestId('risk-dry-result').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('risk-dry-daily_commission').getAttribute('data-count'))).toBeGreaterThan(0);
    await shot(page, 'console-risk-rules-dry-run');

    const auditor = await signedIn(DESKTOP, 'fenxiao.admin.token', tokens.auditor!);
    await auditor.goto(`${base}/admin/risk-queue`);
    await auditor.locator('[data-testid="risk-holds"] tr.ant-table-row-level-0').first().waitFor();
    expect(await auditor.getByTestId('risk-hold-release').count()).toBe(0);
    expect(await auditor.getByTestId('risk-hold-detail').count()).toBeGreaterThan(0);
  });

  it('the distributor sees the held earning as 审核中 with a neutral note, in the list and the centre', async () => {
    const page = await signedIn(MOBILE, 'fx_token', tokens.c1!);
    await page.goto(`${base}/centre`);
    await page.getByTestId('summary-held').waitFor();
    expect(await page.getByTestId('summary-held').textContent()).toContain('例行审核');
    await page.goto(`${base}/centre/orders`);
    await page.getByTestId('promotion-held-note').first().waitFor();
    const held = page.locator('[data-testid="promotion-state"][data-state="held"]');
    expect(await held.first().textContent()).toBe('审核中');
    expect(await page.getByTestId('promotion-held-note').first().textContent()).not.toMatch(/违规|作弊|欺诈/);
    await expectNoHorizontalOverflow(page, 'promotion orders with a held earning');
    await shot(page, 'shop-risk-under-review');
    expect(pageErrors).toEqual([]);
  });
});
