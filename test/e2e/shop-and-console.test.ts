// End to end, through the browser and cross-checked through the API (issue 3's done-means):
// a visitor opens a distributor's share link, registers, buys and pays; the distributor's centre,
// open in a second browser, shows the earning live; the earning becomes available, the
// distributor asks to withdraw it, HQ finance approves it in the console, and the console's
// dashboard shows the paid GMV and the paid commission.
//
// Runs the real server in-process (PGlite in memory, demo data) with the built web apps, and
// Debian's Chromium through playwright-core. Screenshots of the main screens go to docs/screenshots/.
//
//   npx vitest run --config test/e2e/vitest.config.ts
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, newContext, pageErrors, shot, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
const FINANCE = '13800000002';
/** the 4th level of the demo chain: the distributor who shares the link */
const SHARER = '13900000004';


/** The consoles' money text: 123456 → "¥1,234.56". */
function yuanText(fen: number): string {
  return `¥${String(Math.floor(fen / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${String(fen % 100).padStart(2, '0')}`;
}

let base: string;

beforeAll(async () => {
  // the core demo only: the amounts checked below assume no other orders (the feature tour uses the whole demo)
  ({ base } = await startWorld({ features: false }));
});

afterAll(stopWorld);

describe('share link → purchase → live earning → withdrawal → HQ approval → dashboard', () => {
  // state handed from step to step (the steps run in order, in one file)
  const s = {} as {
    owner: string;
    finance: string;
    sharer: { token: string; id: number; inviteCode: string; nickname: string };
    product: { id: number; title: string };
    distributor: Page;
    todayBefore: number;
    buyer: { token: string; id: number };
    orderId: number;
    paidFen: number;
    earningFen: number;
    availableFen: number;
    payout: { id: number; payoutNo: string; amountFen: number };
    admin: BrowserContext;
    console: Page;
  };

  it('HQ sets a zero freeze and review for every withdrawal (API, before any purchase)', async () => {
    s.owner = (await login(OWNER)).token;
    s.finance = (await login(FINANCE)).token;
    const sharer = await login(SHARER);
    s.sharer = { token: sharer.token, id: sharer.member.id, inviteCode: sharer.member.inviteCode, nickname: sharer.member.nickname };
    expect(s.sharer.inviteCode).toMatch(/^[A-Z0-9]+$/);

    const rules = await api('GET', '/api/admin/rules', { token: s.owner });
    const config = rules.current.config;
    expect(config.payout.autoApproveMaxFen).toBe(5_000); // the demo rules
    // a freeze below 7 days is a money limit past its line: it waits for a second approver (finance)
    const proposed = await api('PUT', '/api/admin/rules', {
      token: s.owner,
      expect: 202,
      body: { config: { ...config, commission: { ...config.commission, freezeDays: 0 }, payout: { ...config.payout, autoApproveMaxFen: 0 } }, note: 'e2e: no freeze, review every withdrawal' },
    });
    expect(proposed.status).toBe('pending');
    await api('POST', `/api/admin/rules/changes/${proposed.id}/approve`, { token: s.finance, body: { reason: 'e2e: approved' } });
    const saved = (await api('GET', '/api/admin/rules', { token: s.owner })).current;
    expect(saved.config.commission.freezeDays).toBe(0);
    expect(saved.config.payout.autoApproveMaxFen).toBe(0);

    const products = await api<{ items: Array<{ id: number; title: string }> }>('GET', '/api/products');
    const tea = products.items.find((p) => p.title.includes('普洱'));
    expect(tea).toBeDefined();
    s.product = tea!;
  });

  it('the distributor signs in to the centre (2nd browser) and is connected live', async () => {
    const context = await newContext(MOBILE);
    const page = (s.distributor = await context.newPage());
    await page.goto(`${base}/centre`);
    await page.waitForURL(/\/login/); // not signed in yet: to login and back
    await page.getByTestId('login-phone').fill(SHARER);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/centre$/);
    await page.getByTestId('summary-available').waitFor();
    await page.locator('[data-testid=live-indicator][data-connected=true]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('fx_token'))).toBeTruthy();

    s.todayBefore = Number(await page.getByTestId('summary-today').getAttribute('data-fen'));
    const summary = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    expect(s.todayBefore).toBe(summary.todayFen);
    expect(Number(await page.getByTestId('summary-available').getAttribute('data-fen'))).toBe(summary.availableFen);
    await expect.poll(() => page.getByTestId('centre-summary').textContent()).toContain(s.sharer.nickname);
    await expectNoHorizontalOverflow(page, 'centre');
    await shot(page, 'shop-centre');
    // a marker that a reload would wipe out: the live update must not reload the page
    await page.evaluate(() => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true));
  });

  it('a visitor opens the share link, registers, buys and pays with the dev provider', async () => {
    const context = await newContext(MOBILE);
    const page = await context.newPage();

    // the share link records the visit and opens the product
    await page.goto(`${base}/s/${s.sharer.inviteCode}?p=${s.product.id}`);
    await page.waitForURL(new RegExp(`/product/${s.product.id}$`));
    await expect.poll(() => page.getByTestId('product-title').textContent()).toBe(s.product.title);
    await page.locator('[data-testid=sku-option][data-selected=true]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('fx_invite_code'))).toBe(s.sharer.inviteCode);
    await expectNoHorizontalOverflow(page, 'product');
    await shot(page, 'shop-product');

    // the home page is now the distributor's mini shop
    await page.goto(`${base}/`);
    await page.getByTestId('product-card').first().waitFor();
    await expect.poll(() => page.getByTestId('mini-shop-name').textContent()).toContain(s.sharer.nickname);
    expect(await page.getByTestId('mini-shop').getAttribute('data-invite-code')).toBe(s.sharer.inviteCode);
    await expectNoHorizontalOverflow(page, 'home');
    await shot(page, 'shop-home');

    // buy now → sign in → register (the invite code is prefilled, the dev SMS code filled in)
    await page.locator(`[data-testid=product-card][data-product-id="${s.product.id}"]`).click();
    await page.waitForURL(new RegExp(`/product/${s.product.id}$`));
    await page.getByTestId('buy-now').click();
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByTestId('to-register').click();
    await page.getByTestId('register-page').waitFor();
    await expect.poll(() => page.getByTestId('register-invite').inputValue()).toBe(s.sharer.inviteCode);
    await expect.poll(() => page.getByTestId('register-inviter').textContent()).toContain(s.sharer.nickname);
    const phone = `137${String(Date.now()).slice(-8)}`;
    await page.getByTestId('register-phone').fill(phone);
    await page.getByTestId('sms-send').click();
    await page.getByTestId('dev-code').waitFor();
    await expect.poll(() => page.getByTestId('register-code').inputValue()).toMatch(/^\d{6}$/);
    await page.getByTestId('register-password').fill('e2e-pass-word-1');
    await page.getByTestId('register-nickname').fill('新访客·E2E');
    await page.getByTestId('register-submit').click();

    // back to checkout, with the sharer named
    await page.waitForURL(/\/checkout\?/);
    await page.getByTestId('quote-payable').waitFor();
    await expect.poll(() => page.getByTestId('checkout-sharer').textContent()).toContain(s.sharer.nickname);
    await expectNoHorizontalOverflow(page, 'checkout');

    // no address yet: the order is not placed; the buyer fills one in (Shenzhen, Nanshan: GB/T 2260 440305)
    await page.getByTestId('checkout-submit').click();
    await page.getByTestId('delivery-required').waitFor();
    await page.getByTestId('delivery-address').click();
    await page.getByTestId('address-form').waitFor();
    await page.getByTestId('address-name').fill('李四');
    await page.getByTestId('address-phone').fill('13912345678');
    await expect.poll(() => page.getByTestId('address-province').locator('option').count()).toBeGreaterThan(30);
    await page.getByTestId('address-province').selectOption('440000');
    await page.getByTestId('address-city').selectOption('440300');
    await page.getByTestId('address-district').selectOption('440305');
    await page.getByTestId('address-detail').fill('科技园南区 1 栋 101');
    await expectNoHorizontalOverflow(page, 'address form');
    await shot(page, 'shop-checkout-address');
    await page.getByTestId('address-save').click();
    await expect.poll(() => page.getByTestId('delivery-address').textContent()).toContain('南山区');
    await shot(page, 'shop-checkout');

    await page.getByTestId('checkout-submit').click();
    const success = page.getByTestId('pay-success');
    await success.waitFor({ timeout: 20_000 });
    s.orderId = Number(await success.getAttribute('data-order-id'));
    const shownPaid = Number(await page.getByTestId('pay-amount').getAttribute('data-fen'));
    await expectNoHorizontalOverflow(page, 'pay result');
    await shot(page, 'shop-pay-success');

    // cross-check through the API: the buyer is bound under the sharer, the order is paid
    const token = await page.evaluate(() => localStorage.getItem('fx_token'));
    expect(token).toBeTruthy();
    const me = await api('GET', '/api/me', { token: token! });
    expect(me.phone === phone || me.phone?.endsWith(phone.slice(-4))).toBe(true);
    expect(me.referrer?.id).toBe(s.sharer.id);
    s.buyer = { token: token!, id: me.id };
    const order = await api('GET', `/api/orders/${s.orderId}`, { token: token! });
    expect(order.status).toBe('paid');
    expect(order.shippingAddress).toMatchObject({ name: '李四', province: '广东省', city: '深圳市', district: '南山区', regionCode: '440305' });
    expect(order.paidFen).toBe(shownPaid);
    expect(order.paidFen).toBeGreaterThan(0);
    expect(await page.getByTestId('pay-order-no').textContent()).toBe(order.orderNo);
    s.paidFen = order.paidFen;
  });

  it("the distributor's centre shows the new earning live, without a reload", async () => {
    const page = s.distributor;
    // the earning, as the API has it: level 1 for the sharer, on this order
    const earnings = await api<{ items: Array<{ orderId: number; amountFen: number; level: number; state: string }> }>('GET', '/api/me/commission/earnings', { token: s.sharer.token });
    const earning = earnings.items.find((e) => e.orderId === s.orderId);
    expect(earning, JSON.stringify(earnings.items)).toBeDefined();
    expect(earning!.level).toBe(1);
    expect(earning!.amountFen).toBeGreaterThan(0);
    s.earningFen = earning!.amountFen;
    // HQ's view of the order: three levels up the chain, the sharer first (demo tier 1: 10% / 5% / 3%)
    const uplines = [s.sharer.id, (await login('13900000003')).member.id, (await login('13900000002')).member.id];
    const adminOrder = await api<{ earnings: Array<{ earnerId: number; level: number; amountFen: number; baseFen: number; rateBp: number }> }>('GET', `/api/admin/orders/${s.orderId}`, { token: s.owner });
    const byLevel = [...adminOrder.earnings].sort((a, b) => a.level - b.level);
    expect(byLevel.map((e) => [e.level, e.earnerId, e.rateBp])).toEqual([
      [1, uplines[0], 1_000],
      [2, uplines[1], 500],
      [3, uplines[2], 300],
    ]);
    expect(byLevel[0].amountFen).toBe(s.earningFen);
    expect(byLevel[0].baseFen).toBeLessThanOrEqual(s.paidFen);
    expect(s.earningFen).toBe(Math.floor((byLevel[0].baseFen * 1_000) / 10_000));

    const toast = page.getByTestId('notification-toast');
    await toast.waitFor();
    expect(await toast.getAttribute('data-kind')).toBe('commission.earned');
    expect(Number(await toast.getAttribute('data-amount-fen'))).toBe(s.earningFen);
    expect(await toast.textContent()).toContain(yuanText(s.earningFen).replace(/,/g, ''));
    await page.locator(`[data-testid=summary-today][data-fen="${s.todayBefore + s.earningFen}"]`).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload)).toBe(true);
    const summary = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    expect(summary.todayFen).toBe(s.todayBefore + s.earningFen);
    expect(Number(await page.getByTestId('summary-pending').getAttribute('data-fen'))).toBe(summary.pendingFen);
    await shot(page, 'shop-centre-live-earning', { keepToasts: true });

    // the notice bar stays until closed (it covers the page's nav bar meanwhile): close it
    await toast.locator('.adm-notice-bar-close').click();
    await toast.waitFor({ state: 'detached' });
  });

  it('the team and the poster show the newcomer and the product', async () => {
    const page = s.distributor;
    await page.getByTestId('centre-team').click();
    await page.getByTestId('team-page').waitFor();
    await page.locator('[data-testid=team-list][data-tab=direct]').waitFor();
    await page.getByTestId('team-member-name').filter({ hasText: '新访客·E2E' }).waitFor();
    const team = await api('GET', '/api/me/team/summary', { token: s.sharer.token });
    await expect.poll(() => page.getByTestId('team-direct').textContent()).toContain(String(team.directCount));
    await expectNoHorizontalOverflow(page, 'team');
    await shot(page, 'shop-team');

    await page.goto(`${base}/centre/invite?productId=${s.product.id}#poster`);
    await page.getByTestId('invite-link').waitFor();
    expect(await page.getByTestId('invite-link').getAttribute('data-path')).toContain(s.sharer.inviteCode);
    const poster = page.getByTestId('poster-image');
    await poster.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=poster-image]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await poster.evaluate((el) => el.scrollIntoView({ block: 'end', behavior: 'instant' }));
    await expectNoHorizontalOverflow(page, 'invite');
    await shot(page, 'shop-poster');
  });

  it('the order completes and the unfreeze sweep makes the earning available (API)', async () => {
    const before = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    const received = await api('POST', `/api/orders/${s.orderId}/confirm-receipt`, { token: s.buyer.token });
    expect(received.status).toBe('completed');
    await api('POST', '/api/admin/jobs/unfreeze', { token: s.finance });
    const after = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    expect(after.availableFen).toBe(before.availableFen + s.earningFen);
    expect(after.pendingFen + after.frozenFen).toBe(before.pendingFen + before.frozenFen - s.earningFen);
    s.availableFen = after.availableFen;
    expect(s.availableFen).toBeGreaterThanOrEqual(100); // the demo's least withdrawal
  });

  it('the distributor asks to withdraw everything available; it waits for review', async () => {
    const page = s.distributor;
    await page.goto(`${base}/centre`);
    await page.locator(`[data-testid=summary-available][data-fen="${s.availableFen}"]`).waitFor();
    await page.getByTestId('centre-withdraw').click();
    await page.waitForURL(/\/centre\/withdraw$/);
    await page.locator(`[data-testid=withdraw-available][data-fen="${s.availableFen}"]`).waitFor();
    await page.getByTestId('withdraw-all').click();
    await expect.poll(() => page.getByTestId('withdraw-amount').inputValue()).toBe(yuanText(s.availableFen).slice(1).replace(/,/g, ''));
    await page.getByTestId('withdraw-channel-alipay').click();
    await page.locator('[data-testid=withdraw-channel-alipay][data-selected=true]').waitFor();
    await page.getByTestId('withdraw-realname').fill('吴推客');
    await page.getByTestId('withdraw-account').fill('wu@example.com');
    await page.getByTestId('withdraw-submit').click();
    await page.getByTestId('withdraw-success').waitFor();
    const item = page.locator('[data-testid=payout-item][data-status=reviewing]').first();
    await item.waitFor();
    const payoutNo = (await item.getAttribute('data-payout-no'))!;
    expect(Number(await item.getByTestId('payout-amount').getAttribute('data-fen'))).toBe(s.availableFen);
    await page.locator('[data-testid=withdraw-available][data-fen="0"]').waitFor();
    await expectNoHorizontalOverflow(page, 'withdraw');
    await shot(page, 'shop-withdraw');

    const mine = await api('GET', '/api/me/payouts', { token: s.sharer.token });
    const payout = mine.items.find((p: { payoutNo: string }) => p.payoutNo === payoutNo);
    expect(payout).toMatchObject({ status: 'reviewing', autoApproved: false, amountFen: s.availableFen, channel: 'alipay' });
    s.payout = { id: payout.id, payoutNo, amountFen: payout.amountFen };
    const summary = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    expect(summary).toMatchObject({ availableFen: 0, withdrawingFen: s.availableFen });
  });

  it('HQ finance signs in to the console and approves the withdrawal', async () => {
    s.admin = await newContext(DESKTOP);
    const page = (s.console = await s.admin.newPage());
    await page.goto(`${base}/admin/`);
    await page.waitForURL(/\/admin\/login/);
    await page.getByTestId('login-phone').fill(FINANCE);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/admin/' || url.pathname === '/admin');
    await page.getByTestId('dashboard-gmv-today').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('fenxiao.admin.token'))).toBeTruthy();

    await page.goto(`${base}/admin/payouts`);
    await page.getByTestId('payouts-table').waitFor();
    const row = page.getByTestId(`payout-row-${s.payout.id}`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(s.payout.payoutNo);
    expect(await row.textContent()).toContain(yuanText(s.payout.amountFen));
    await shot(page, 'admin-payouts');

    await page.getByTestId(`payout-approve-${s.payout.id}`).click();
    await page.getByTestId(`payout-approve-confirm-${s.payout.id}`).click();
    // approved and sent: it leaves the "reviewing" list
    await row.waitFor({ state: 'detached' });

    const paid = await api('GET', `/api/admin/payouts?status=paid&memberId=${s.sharer.id}`, { token: s.finance });
    expect(paid.items.map((p: { id: number }) => p.id)).toContain(s.payout.id);
    const summary = await api('GET', '/api/me/commission/summary', { token: s.sharer.token });
    expect(summary).toMatchObject({ withdrawingFen: 0, withdrawnFen: s.payout.amountFen });

    // the distributor's withdraw page hears of it live
    await s.distributor.locator(`[data-testid=payout-item][data-payout-no="${s.payout.payoutNo}"][data-status=paid]`).waitFor();
  });

  it('the console dashboard shows the paid GMV and the paid commission', async () => {
    const page = s.console;
    await page.goto(`${base}/admin/`);
    const gmv = page.getByTestId('dashboard-gmv-today');
    const paidCommission = page.getByTestId('dashboard-paid-commission');
    await expect.poll(() => gmv.textContent()).toContain('¥');
    await expect.poll(() => paidCommission.textContent()).toContain('¥');

    const dash = await api('GET', '/api/admin/dashboard', { token: s.finance });
    expect(dash.today.gmvFen).toBe(s.paidFen); // the only paid order of the demo data
    expect(dash.today.orders).toBe(1);
    expect(dash.commission.paidFen).toBe(s.payout.amountFen);
    expect(await gmv.textContent()).toContain(yuanText(s.paidFen));
    expect(await paidCommission.textContent()).toContain(yuanText(s.payout.amountFen));
    expect(await page.getByTestId('dashboard-orders-today').textContent()).toContain('1');
    await page.getByTestId('dashboard-gmv-chart').waitFor();
    // the commission ranking (the leaderboard roll-up) lists this month's earners of that order
    const ranking = await api('GET', '/api/admin/commission/ranking?period=month&limit=10', { token: s.finance });
    expect(ranking.items.length).toBeGreaterThan(0);
    const firstRow = page.locator('[data-testid=ranking-table] tbody tr.ant-table-row').first();
    await expect.poll(() => firstRow.textContent()).toContain(`#${ranking.items[0].memberId}`);
    expect(await firstRow.textContent()).toContain(yuanText(ranking.items[0].earnedFen));
    await shot(page, 'admin-dashboard');
  });

  it('the console screens as the owner: members, orders, audit log, rules', async () => {
    // finance sees neither members nor orders nor the audit log: the owner does
    const owner = await newContext(DESKTOP);
    // signed in the way the console keeps its session (about:blank has no storage: skip it)
    await owner.addInitScript((token) => {
      if (location.protocol.startsWith('http') && !localStorage.getItem('fenxiao.admin.token')) localStorage.setItem('fenxiao.admin.token', token);
    }, s.owner);
    const page = await owner.newPage();

    await page.goto(`${base}/admin/members`);
    await page.locator('[data-testid=members-table] tr.ant-table-row').first().waitFor();
    await page.getByTestId(`member-row-${s.sharer.id}`).waitFor();
    await page.getByTestId(`member-row-${s.buyer.id}`).waitFor();
    await shot(page, 'admin-members');

    await page.goto(`${base}/admin/orders`);
    await page.locator('[data-testid=orders-table] tr.ant-table-row').first().waitFor();
    const order = await api('GET', `/api/admin/orders/${s.orderId}`, { token: s.owner });
    const orderNo: string = order.orderNo ?? order.order?.orderNo;
    expect(orderNo).toBeTruthy();
    await expect.poll(() => page.getByTestId('orders-table').textContent()).toContain(orderNo);
    await shot(page, 'admin-orders');

    await page.goto(`${base}/admin/audit`);
    await page.locator('[data-testid=audit-table] tr.ant-table-row').first().waitFor();
    const audit = await api('GET', '/api/admin/audit-log', { token: s.owner });
    expect(JSON.stringify(audit)).toContain('payout.approve');
    await shot(page, 'admin-audit-log');

    // the rules in force are the version saved at the start: no freeze
    await page.goto(`${base}/admin/rules`);
    await page.getByTestId('rules-form').waitFor();
    await page.getByTestId('rules-save').waitFor();
    // the test id sits on the <input> or on its wrapper, depending on the antd version
    const freezeDays = () => page.getByTestId('rules-freeze-days').first().evaluate((el) => (el instanceof HTMLInputElement ? el : el.querySelector('input'))?.value);
    await expect.poll(freezeDays).toBe('0');
    await shot(page, 'admin-rules');
  });

  it('the other viewports: the console at 375 px, the shop at 1440 px', async () => {
    const narrow = await newContext({ ...MOBILE, storageState: await s.admin.storageState() });
    const consolePage = await narrow.newPage();
    await consolePage.goto(`${base}/admin/`);
    await expect.poll(() => consolePage.getByTestId('dashboard-gmv-today').textContent(), { timeout: 15_000 }).toContain(yuanText(s.paidFen));
    await consolePage.getByTestId('nav-toggle').waitFor();
    await shot(consolePage, 'admin-dashboard-375');

    const wide = await newContext(DESKTOP);
    const shopPage = await wide.newPage();
    await shopPage.goto(`${base}/`);
    await shopPage.getByTestId('product-card').first().waitFor();
    await shopPage.waitForFunction(() => document.querySelectorAll('[data-testid=product-card]').length >= 5);
    await shot(shopPage, 'shop-home-1440');
  });

  it('no page threw', () => {
    expect(pageErrors).toEqual([]);
  });
});
