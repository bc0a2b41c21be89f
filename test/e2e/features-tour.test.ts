// A browser tour of the feature screens on the demo data: the console as HQ's owner (promotions,
// loyalty, growth, contests, insights, channels, suppliers, dealers), the console as each kind of
// party (supplier, dealer, agent, store manager — their own pages only), and the H5 shop at 375 px
// as a chain member (coupons, level, points and sign-in, notes, mall, badges, leaderboards, tier
// progress, squad, store, agency, a dealer shop, checkout with a coupon). Every screen waits for
// real content, checks a figure or name the demo made, and is photographed into docs/screenshots/.
//
// Same setup as test/e2e/shop-and-console.test.ts: the real server in-process (PGlite, demo data),
// the built web apps, Debian's Chromium through playwright-core.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/features-tour.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, pageErrors, shot, signedIn, startWorld, stopWorld } from './world.js';

const OWNER = '13800000000';
/** 黄, the chain's 3rd level: captain-less member of 烈焰战队, holds an unused 新人立减10元, has not signed in yet */
const CHAIN_MEMBER = '13900000003';
const SUPPLIER = '13700000001';
const UPPER_DEALER = '13700000011';
const SILVER_AGENT = '13700000022';
const STORE_MANAGER = '13700000027';


let base: string;


/** A context signed in the way each app keeps its session (about:blank has no storage: skip it). */

/** The top-level rows of a console table, once some have loaded. */
async function tableRows(page: Page, testId: string) {
  const rows = page.locator(`[data-testid="${testId}"] tr.ant-table-row-level-0`);
  await rows.first().waitFor();
  return rows;
}

async function tableText(page: Page, testId: string): Promise<string> {
  await tableRows(page, testId);
  return (await page.getByTestId(testId).textContent()) ?? '';
}

/** Every nav-<key> of the side menu, with each group opened. */
async function menuKeys(page: Page): Promise<string[]> {
  await page.getByTestId('side-menu').waitFor();
  const titles = page.locator('[data-testid=side-menu] .ant-menu-submenu:not(.ant-menu-submenu-open) > .ant-menu-submenu-title');
  for (let i = 0, n = await titles.count(); i < n && (await titles.count()) > 0; i++) await titles.first().click();
  return page.locator('[data-testid=side-menu] [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4)));
}

/** A money figure as the apps print it: ¥ then digits. */
const YUAN = /¥\s?[\d,]+\.\d{2}/;

beforeAll(async () => {
  ({ base } = await startWorld({ features: true }));
});

afterAll(stopWorld);

describe('the console as HQ owner, 1440 px', () => {
  let owner: string;
  let page: Page;

  beforeAll(async () => {
    owner = (await login(OWNER)).token;
    page = await signedIn(DESKTOP, 'fenxiao.admin.token', owner);
  });

  it('promotions: coupon templates and member levels', async () => {
    await page.goto(`${base}/admin/promotions/coupons`);
    const templates = await api<{ items: Array<{ id: number; name: string; issuedCount: number }> }>('GET', '/api/admin/coupon-templates', { token: owner });
    const rows = await tableRows(page, 'coupon-templates-table');
    await expect.poll(() => rows.count()).toBe(templates.items.length);
    const text = await tableText(page, 'coupon-templates-table');
    for (const name of ['新人立减10元', '满199减30', '普洱茶9折券', '双11限量20元券']) expect(text).toContain(name);
    const over199 = templates.items.find((t) => t.name === '满199减30')!;
    expect(await page.getByTestId(`coupon-issued-${over199.id}`).textContent()).toMatch(new RegExp(`^${over199.issuedCount} /`));
    expect(over199.issuedCount).toBe(3); // 郑 twice, 吴 once
    await shot(page, 'admin-promotions-coupons');

    await page.goto(`${base}/admin/promotions/levels`);
    const levels = await tableText(page, 'member-levels-table');
    for (const name of ['普通会员', '银卡会员', '金卡会员', '钻石会员']) expect(levels).toContain(name);
    await expect.poll(() => tableRows(page, 'member-levels-table').then((r) => r.count())).toBe(4);
    await shot(page, 'admin-promotions-levels');
  });

  it('loyalty: points, mall and redemptions, notes', async () => {
    await page.goto(`${base}/admin/loyalty/points`);
    await page.getByTestId('loyalty-settings').waitFor();
    // the demo's settings: 5 points a sign-in, a 20-point bonus every 7 days
    const base5 = () => page.getByTestId('loyalty-setting-signInBasePoints').first().evaluate((el) => (el instanceof HTMLInputElement ? el : el.querySelector('input'))?.value);
    await expect.poll(base5).toBe('5');
    const ledger = await api<{ total: number; items: Array<{ nickname: string; points: number }> }>('GET', '/api/admin/loyalty/points-transactions?limit=20&offset=0', { token: owner });
    expect(ledger.total).toBeGreaterThan(20); // orders, sign-ins, the welcome gift, likes, redemptions
    const newest = ledger.items[0];
    await expect.poll(() => tableRows(page, 'loyalty-ledger-table').then((r) => r.first().textContent())).toContain(newest.nickname);
    await shot(page, 'admin-loyalty-points');

    await page.goto(`${base}/admin/loyalty/mall`);
    const items = await tableText(page, 'mall-items-table');
    for (const title of ['品牌定制保温杯', '五常大米 1kg 体验装', '古树普洱小饼 100g']) expect(items).toContain(title);
    await shot(page, 'admin-loyalty-mall');
    // two redemptions wait to be shipped (吴's rice, 林's cup); 陈's cup was shipped
    await page.getByRole('tab', { name: '兑换记录' }).click();
    await expect.poll(() => tableRows(page, 'redemptions-table').then((r) => r.count())).toBe(2);
    await shot(page, 'admin-loyalty-redemptions');

    await page.goto(`${base}/admin/loyalty/notes`);
    const notes = await tableText(page, 'notes-table');
    expect(notes).toContain('古树普洱，回甘太明显了');
    expect(notes).toContain('加微信领福利'); // the hidden one, listed for HQ with its status
    await expect.poll(() => tableRows(page, 'notes-table').then((r) => r.count())).toBe(4);
    await shot(page, 'admin-loyalty-notes');
  });

  it('growth: leaderboards and tier rules', async () => {
    await page.goto(`${base}/admin/growth/leaderboards`);
    const board = await api<{ items: Array<{ memberId: number; value: number }> }>('GET', '/api/admin/leaderboards?metric=commission&period=month&limit=100', { token: owner });
    expect(board.items.length).toBeGreaterThan(3);
    const first = page.getByTestId(`growth-row-${board.items[0].memberId}`);
    await first.waitFor();
    expect(await first.textContent()).toMatch(YUAN);
    await expect.poll(() => tableRows(page, 'growth-board').then((r) => r.count())).toBe(board.items.length);
    await shot(page, 'admin-growth-leaderboards');

    await page.goto(`${base}/admin/growth/tier-rules`);
    const rules = await tableText(page, 'tier-rules-table');
    expect(rules).toContain('银牌推客');
    expect(rules).toContain('金牌推客');
    expect(rules).toContain('150'); // 银牌: ¥150 of commission
    await shot(page, 'admin-growth-tier-rules');
  });

  it('contests: squads, and the running contest standings with three squads', async () => {
    await page.goto(`${base}/admin/squads`);
    const squads = await tableText(page, 'squads-table');
    for (const name of ['烈焰战队', '闪电战队', '星光战队']) expect(squads).toContain(name);
    await shot(page, 'admin-contests-squads');

    await page.goto(`${base}/admin/contests`);
    const contests = await api<{ items: Array<{ id: number; name: string }> }>('GET', '/api/admin/contests', { token: owner });
    const running = contests.items.find((c) => c.name === '双十二冲刺 PK 赛');
    expect(running).toBeDefined();
    const text = await tableText(page, 'contests-table');
    for (const name of ['双十一 PK 赛', '双十二冲刺 PK 赛', '新春拉新赛']) expect(text).toContain(name);
    await shot(page, 'admin-contests-list');

    await page.getByTestId(`contest-open-${running!.id}`).click();
    const standings = page.locator('[data-testid=contest-standings-table] tr.ant-table-row');
    await standings.first().waitFor();
    await expect.poll(() => standings.count()).toBe(3);
    const drawer = (await page.getByTestId('contest-standings-table').textContent()) ?? '';
    for (const name of ['烈焰战队', '闪电战队', '星光战队']) expect(drawer).toContain(name);
    expect(drawer).toMatch(YUAN);
    await page.locator('[data-testid=contest-standings-chart] canvas').first().waitFor();
    await shot(page, 'admin-contests-standings');
  });

  it('insights: value analytics and channel performance', async () => {
    await page.goto(`${base}/admin/insights/value`);
    await page.getByTestId('insights-value').waitFor();
    await page.locator('[data-testid=insights-trend-chart] canvas').first().waitFor();
    await page.locator('[data-testid=insights-funnel-chart] canvas').first().waitFor();
    await tableRows(page, 'insights-members-table');
    await expect.poll(() => page.getByTestId('insights-members-table').textContent()).toMatch(YUAN);
    await shot(page, 'admin-insights-value');

    await page.goto(`${base}/admin/insights/channels`);
    await page.getByTestId('insights-channels').waitFor();
    const modes = await tableText(page, 'insights-modes-table');
    expect(modes).toMatch(YUAN);
    await page.getByTestId('insights-delivery').waitFor();
    await expect.poll(() => page.getByTestId('insights-delivery').textContent()).toMatch(YUAN);
    await shot(page, 'admin-insights-channels');
  });

  it('channels: agents and stores', async () => {
    await page.goto(`${base}/admin/channels/agents`);
    const agents = await tableText(page, 'agents-table');
    for (const name of ['金牌代理·孙', '银牌代理·周', '广东省代理·冯', '深圳市代理·卫']) expect(agents).toContain(name);
    await shot(page, 'admin-channels-agents');

    await page.goto(`${base}/admin/channels/stores`);
    const stores = await tableText(page, 'stores-table');
    expect(stores).toContain('深圳南山旗舰店');
    expect(stores).toContain('深圳南山海岸城店');
    await shot(page, 'admin-channels-stores');
  });

  it('suppliers: accounts and the pending proposal', async () => {
    await page.goto(`${base}/admin/suppliers`);
    expect(await tableText(page, 'suppliers-table')).toContain('云岭茶业有限公司');
    await shot(page, 'admin-suppliers-accounts');

    await page.goto(`${base}/admin/supplier-proposals`);
    const pending = await tableRows(page, 'proposals-table');
    await expect.poll(() => pending.count()).toBe(1);
    expect(await page.getByTestId('proposals-table').textContent()).toContain('普洱茶膏 50g');
    await shot(page, 'admin-suppliers-proposals');
  });

  it('dealers: tiers, shops, restocks awaiting payment', async () => {
    await page.goto(`${base}/admin/dealers/tiers`);
    const tiers = await tableText(page, 'dealer-tiers-table');
    expect(tiers).toContain('省级订货商');
    expect(tiers).toContain('市级订货商');
    await shot(page, 'admin-dealers-tiers');

    await page.goto(`${base}/admin/dealers/shops`);
    const shops = await tableText(page, 'dealers-table');
    expect(shops).toContain('华南茶行');
    expect(shops).toContain('南山好物小铺');
    await shot(page, 'admin-dealers-shops');

    await page.goto(`${base}/admin/dealers/restocks`);
    const waiting = await tableRows(page, 'restocks-table');
    await expect.poll(() => waiting.count()).toBe(1); // the lower dealer's 阿胶糕 restock
    expect(await page.getByTestId('restocks-table').textContent()).toContain('南山好物小铺');
    await shot(page, 'admin-dealers-restocks');
  });
});

describe('the console as a party: its own pages only', () => {
  const HQ_ONLY = ['dashboard', 'members', 'orders', 'promotions-coupons', 'suppliers', 'dealers-shops', 'channels-agents', 'insights-value'];

  async function partyPage(phone: string, firstPath: string): Promise<Page> {
    const token = (await login(phone)).token;
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', token);
    await page.goto(`${base}/admin/`);
    await page.waitForURL((url) => url.pathname === `/admin${firstPath}`); // a party starts on its first own screen
    return page;
  }

  it('the supplier: 2 products, its orders and settlements', async () => {
    const page = await partyPage(SUPPLIER, '/supplier/products');
    const keys = await menuKeys(page);
    expect(keys).toEqual(expect.arrayContaining(['supplier-products', 'supplier-orders', 'supplier-after-sales', 'supplier-settlements']));
    for (const k of HQ_ONLY) expect(keys, k).not.toContain(k);
    expect(keys.length).toBe(4);

    const products = await tableRows(page, 'supplier-products-table');
    await expect.poll(() => products.count()).toBe(2);
    const text = (await page.getByTestId('supplier-products-table').textContent()) ?? '';
    expect(text).toContain('云岭高山滇红 250g');
    expect(text).toContain('野生菌干货组合 500g');
    await shot(page, 'admin-suppliers-my-products');

    await page.goto(`${base}/admin/supplier/orders`);
    const toShip = await tableRows(page, 'supplier-orders-table'); // paid, waiting to be shipped: 郑's order
    await expect.poll(() => toShip.count()).toBe(1);
    await shot(page, 'admin-suppliers-my-orders');

    await page.goto(`${base}/admin/supplier/settlements`);
    await page.getByTestId('supplier-settlement-summary').waitFor();
    const settlements = await tableRows(page, 'supplier-settlements-table');
    await expect.poll(() => settlements.count()).toBe(3);
    expect(await page.getByTestId('supplier-settlement-summary').textContent()).toMatch(YUAN);
    await shot(page, 'admin-suppliers-my-settlements');
  });

  it("the upper dealer: its stock, the lower dealer's restocks, its sales", async () => {
    const page = await partyPage(UPPER_DEALER, '/dealer/stock');
    const keys = await menuKeys(page);
    expect(keys.sort()).toEqual(['dealer-lower-restocks', 'dealer-my-stock', 'dealer-sales']);

    await page.getByTestId('dealer-profile').waitFor();
    expect(await page.getByTestId('dealer-profile').textContent()).toContain('华南茶行');
    const stock = await tableRows(page, 'my-stock-table');
    await expect.poll(() => stock.count()).toBe(3); // 普洱, 大米, 阿胶糕
    await shot(page, 'admin-dealers-my-stock');

    await page.goto(`${base}/admin/dealer/lower-restocks`);
    const lower = await tableRows(page, 'lower-restocks-table');
    await expect.poll(() => lower.count()).toBe(2);
    await shot(page, 'admin-dealers-lower-restocks');

    await page.goto(`${base}/admin/dealer/sales`);
    await page.getByTestId('dealer-earnings').waitFor();
    const sales = await tableRows(page, 'dealer-sales-table');
    await expect.poll(() => sales.count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('dealer-earnings').textContent()).toMatch(YUAN);
    await shot(page, 'admin-dealers-my-sales');
  });

  it('the silver agent: its agency and its yearly target by quarter', async () => {
    const page = await partyPage(SILVER_AGENT, '/agent/agency');
    const keys = await menuKeys(page);
    expect(keys.sort()).toEqual(['agent-my-agency', 'agent-my-targets']);

    await page.getByTestId('my-agency').waitFor();
    expect(await page.getByTestId('my-agency').textContent()).toContain('银牌代理');
    await page.getByTestId('my-agency-earnings').waitFor();
    await expect.poll(() => page.getByTestId('my-agency-earnings').textContent()).toMatch(YUAN);
    await shot(page, 'admin-channels-my-agency');

    await page.goto(`${base}/admin/agent/targets`);
    await page.getByTestId('target-card').waitFor();
    await page.locator('[data-testid=target-quarters] tr.ant-table-row').first().waitFor();
    await expect.poll(() => page.locator('[data-testid=target-quarters] tr.ant-table-row').count()).toBe(4);
    expect(await page.getByTestId('target-card').textContent()).toContain('3,000.00'); // Q1: ¥3,000
    await shot(page, 'admin-channels-my-targets');
  });

  it("the store manager: the store's summary, orders and customers", async () => {
    const page = await partyPage(STORE_MANAGER, '/store/mine');
    const keys = await menuKeys(page);
    expect(keys).toEqual(['store-my-store']);

    await page.getByTestId('store-summary').waitFor();
    const orders = await tableRows(page, 'store-orders');
    await expect.poll(() => orders.count()).toBeGreaterThanOrEqual(1);
    await page.getByRole('tab', { name: '绑定客户' }).click();
    const customers = await tableText(page, 'store-customers');
    expect(customers).toContain('门店顾客·沈');
    expect(customers).toContain('扫码顾客·韩');
    await shot(page, 'admin-channels-my-store');
  });
});

describe('the shop at 375 px as a chain member', () => {
  let member: { token: string; id: number; nickname: string };
  let page: Page;

  beforeAll(async () => {
    const signed = await login(CHAIN_MEMBER);
    member = { token: signed.token, id: signed.member.id, nickname: signed.member.nickname };
    page = await signedIn(MOBILE, 'fx_token', member.token);
  });

  async function visit(path: string, ready: string) {
    await page.goto(`${base}${path}`);
    await page.getByTestId(ready).waitFor();
  }

  it('coupon centre and my coupons', async () => {
    await visit('/coupons', 'coupon-centre-page');
    const cards = page.locator('[data-testid^="centre-coupon-"]:not([data-testid$="-value"])');
    await cards.first().waitFor();
    const centre = (await page.getByTestId('coupon-centre-page').textContent()) ?? '';
    expect(centre).toContain('满199减30');
    expect(centre).not.toContain('双11限量20元券'); // stopped by HQ
    await expectNoHorizontalOverflow(page, 'coupon centre');
    await shot(page, 'shop-promotions-coupon-centre');

    await visit('/me/coupons', 'my-coupons-page');
    await page.locator('[data-testid^="my-coupon-"]').first().waitFor();
    expect(await page.getByTestId('my-coupons-page').textContent()).toContain('新人立减10元');
    await expectNoHorizontalOverflow(page, 'my coupons');
    await shot(page, 'shop-promotions-my-coupons');
  });

  it('member level', async () => {
    const standing = await api('GET', '/api/me/member-level', { token: member.token });
    await visit('/me/level', 'member-level-card');
    await expect.poll(() => page.getByTestId('member-level-name').textContent()).toContain(standing.level?.name ?? '');
    expect(['银卡会员', '金卡会员', '钻石会员']).toContain(standing.level?.name); // 黄 has spent past 普通
    expect(Number(await page.getByTestId('member-level-growth').getAttribute('data-points'))).toBe(standing.growthPoints);
    await expectNoHorizontalOverflow(page, 'member level');
    await shot(page, 'shop-promotions-member-level');
  });

  it('points: signing in once moves the streak and the balance', async () => {
    await visit('/points', 'loyalty-points-page');
    const balance = page.getByTestId('loyalty-balance');
    await balance.waitFor();
    const before = Number(await balance.getAttribute('data-points'));
    expect(before).toBeGreaterThan(0); // points from the demo orders
    const streak = page.getByTestId('loyalty-streak');
    expect(Number(await streak.getAttribute('data-streak'))).toBe(0);
    await page.getByTestId('loyalty-sign-in').click();
    await page.locator('[data-testid=loyalty-streak][data-streak="1"]').waitFor();
    await page.locator(`[data-testid=loyalty-balance][data-points="${before + 5}"]`).waitFor(); // 5 points a sign-in
    expect(await page.getByTestId('loyalty-sign-in').isDisabled()).toBe(true);
    const summary = await api('GET', '/api/me/points', { token: member.token });
    expect(summary.balance).toBe(before + 5);
    await expectNoHorizontalOverflow(page, 'points');
    await shot(page, 'shop-loyalty-points');
  });

  it('notes feed, mall, badges', async () => {
    await visit('/notes', 'loyalty-notes-page');
    await page.locator('[data-testid^="note-like-"]').first().waitFor();
    const feed = (await page.getByTestId('loyalty-notes-page').textContent()) ?? '';
    expect(feed).toContain('古树普洱，回甘太明显了');
    expect(feed).not.toContain('加微信领福利'); // hidden by HQ
    await expectNoHorizontalOverflow(page, 'notes');
    await shot(page, 'shop-loyalty-notes');

    await visit('/points/mall', 'loyalty-mall-page');
    await page.locator('[data-testid^="mall-exchange-"]').first().waitFor();
    expect(await page.getByTestId('loyalty-mall-page').textContent()).toContain('品牌定制保温杯');
    const points = await api('GET', '/api/me/points', { token: member.token });
    await expect.poll(() => page.getByTestId('mall-balance').textContent()).toBe(String(points.balance));
    await expectNoHorizontalOverflow(page, 'mall');
    await shot(page, 'shop-loyalty-mall');

    await visit('/badges', 'loyalty-badges-page');
    await page.locator('[data-testid^="badge-"]').first().waitFor();
    await page.getByTestId('honour-top').waitFor();
    const badges = await api<{ items: Array<{ code: string; earned: boolean }> }>('GET', '/api/me/badges', { token: member.token });
    expect(await page.locator('[data-testid^="badge-"][data-earned]').count()).toBe(badges.items.length);
    await expectNoHorizontalOverflow(page, 'badges');
    await shot(page, 'shop-loyalty-badges');
  });

  it('leaderboards with my rank, and tier progress', async () => {
    await visit('/leaderboards', 'growth-leaderboard-page');
    const first = page.getByTestId('growth-board-row-1');
    await first.waitFor();
    const row = (await first.textContent()) ?? '';
    expect(row).toMatch(YUAN);
    expect(row).toContain('*'); // names are masked on the public board
    const mine = await api('GET', '/api/me/leaderboards/rank?metric=commission&period=month', { token: member.token });
    expect(mine.rank).toBeGreaterThan(0);
    await page.locator(`[data-testid=growth-my-rank][data-rank="${mine.rank}"]`).waitFor();
    await expectNoHorizontalOverflow(page, 'leaderboards');
    await shot(page, 'shop-growth-leaderboards');

    await visit('/tier-progress', 'growth-tier-page');
    await page.getByTestId('growth-tier-card').waitFor();
    await page.locator('[data-testid^="growth-condition-"]').first().waitFor();
    await expectNoHorizontalOverflow(page, 'tier progress');
    await shot(page, 'shop-growth-tier-progress');
  });

  it('my squad with the running contest', async () => {
    await visit('/squad', 'my-squad-page');
    await expect.poll(() => page.getByTestId('squad-name').textContent()).toContain('烈焰战队');
    await page.getByTestId('contest-standings').waitFor();
    await expect.poll(() => page.getByTestId('contest-standings').textContent()).toMatch(/星光战队/);
    const standings = (await page.getByTestId('contest-standings').textContent()) ?? '';
    for (const name of ['烈焰战队', '闪电战队', '星光战队']) expect(standings).toContain(name);
    await expectNoHorizontalOverflow(page, 'squad');
    await shot(page, 'shop-contests-my-squad');
  });

  it('my store and a store page', async () => {
    // the device gives a position in Nanshan: distances are measured from it (the denied path, with
    // its city picker, is in issue17-defects.test.ts)
    await page.context().grantPermissions(['geolocation']);
    await page.context().setGeolocation({ latitude: 22.54, longitude: 113.95 });
    await visit('/me/store', 'my-store-page');
    await page.locator('[data-testid=nearby-basis][data-basis=device]').waitFor();
    const nearby = page.locator('[data-testid^="nearby-store-"]');
    await nearby.first().waitFor();
    expect(await page.getByTestId('my-store-page').textContent()).toContain('深圳南山旗舰店');
    await expectNoHorizontalOverflow(page, 'my store');
    await shot(page, 'shop-channels-my-store');

    await nearby.filter({ hasText: '深圳南山旗舰店' }).first().click();
    await page.waitForURL(/\/store\/\d+$/);
    await page.getByTestId('store-card').waitFor();
    expect(await page.getByTestId('store-card').textContent()).toContain('科技园南路 88 号');
    await expectNoHorizontalOverflow(page, 'store');
    await shot(page, 'shop-channels-store');
  });

  it('a dealer shop page', async () => {
    const owner = (await login(OWNER)).token;
    const dealers = await api<{ items: Array<{ id: number; shopName: string }> }>('GET', '/api/admin/dealers?limit=100', { token: owner });
    const lower = dealers.items.find((d) => d.shopName === '南山好物小铺');
    expect(lower).toBeDefined();
    await visit(`/dealer/${lower!.id}`, 'dealer-shop-page');
    await expect.poll(() => page.getByTestId('dealer-shop-name').textContent()).toBe('南山好物小铺');
    await page.locator('[data-testid^="dealer-product-"]').first().waitFor();
    expect(await page.getByTestId('dealer-shop-page').textContent()).toContain('普洱');
    await expectNoHorizontalOverflow(page, 'dealer shop');
    await shot(page, 'shop-dealers-shop');
  });

  it('checkout with a coupon chosen shows the coupon discount', async () => {
    const products = await api<{ items: Array<{ title: string; skus: Array<{ id: number; name: string; priceFen: number }> }> }>('GET', '/api/products');
    const tea = products.items.find((p) => p.title.includes('普洱'))!.skus.find((s) => s.name === '生茶')!;
    const items = [{ skuId: tea.id, quantity: 1 }];
    const applicable = await api<{ items: Array<{ id: number; name: string; usable: boolean; discountFen: number }> }>('POST', '/api/me/coupons/applicable', { token: member.token, body: { items } });
    const coupon = applicable.items.find((c) => c.usable);
    expect(coupon, JSON.stringify(applicable.items)).toBeDefined();

    await visit(`/checkout?items=${tea.id}x1`, 'checkout-coupon');
    await page.getByTestId('quote-payable').waitFor();
    await page.getByTestId('checkout-coupon').click();
    await page.getByTestId(`coupon-option-${coupon!.id}`).click();
    await page.locator(`[data-testid=checkout-coupon-discount][data-fen="${coupon!.discountFen}"]`).waitFor();
    expect(coupon!.discountFen).toBeGreaterThan(0);
    const quote = await api('POST', '/api/orders/quote', { token: member.token, body: { items, couponId: coupon!.id } });
    await expect.poll(async () => Number(await page.getByTestId('quote-discount').getAttribute('data-fen'))).toBe(quote.discountFen);
    expect(await page.getByTestId('checkout-coupon-discount').textContent()).toContain('-¥');
    await expectNoHorizontalOverflow(page, 'checkout');
    await shot(page, 'shop-promotions-checkout-coupon');
  });

  it("the agency page, as the silver agent", async () => {
    const agent = (await login(SILVER_AGENT)).token;
    const agentPage = await signedIn(MOBILE, 'fx_token', agent);
    await agentPage.goto(`${base}/centre/agency`);
    await agentPage.getByTestId('my-agency-page').waitFor();
    await agentPage.getByTestId('my-agency-scope').waitFor();
    expect(await agentPage.getByTestId('my-agency-scope').textContent()).toContain('银牌代理');
    await agentPage.getByTestId('my-agency-targets').waitFor();
    await agentPage.getByTestId('my-agency-q1').waitFor();
    await expect.poll(() => agentPage.getByTestId('my-agency-earnings').textContent()).toMatch(YUAN);
    await expectNoHorizontalOverflow(agentPage, 'agency');
    await shot(agentPage, 'shop-channels-agency');
  });
});

describe('after the tour', () => {
  it('no page threw, and the ledger reconciles', async () => {
    expect(pageErrors).toEqual([]);
    const owner = (await login(OWNER)).token;
    const reconciliation = await api('GET', '/api/admin/reconciliation', { token: owner });
    expect(reconciliation.ok).toBe(true);
  });
});
