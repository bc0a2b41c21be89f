// 砍价 in the browser (issue 19): the console creates a bargain offer on the rice; in the shop a member
// starts a bargain from the product page, a friend opens the share link (it carries the starter's
// invite code, kept for binding) and cuts the price once, the page shows the cut; the starter buys at
// the reached price through the checkout (campaign=bargain:<id>; the coupon it picks by default is
// dropped, a bargain's price being its own) and pays.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/bargain.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HQ } from '../../src/demo/seed.js';
import { api, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, pageErrors, registerMember, shot, signedIn, startWorld, stopWorld } from './world.js';

let base: string;
let operatorToken: string;
let riceProductId: number;
const members: Record<'starter' | 'friend', { token: string; inviteCode: string }> = {} as never;



beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  operatorToken = (await login(DEMO_HQ[1].phone)).token;
  const products = await api<{ items: Array<{ id: number; title: string }> }>('GET', '/api/products?q=五常');
  riceProductId = products.items[0]!.id;
  members.starter = await registerMember('13600001001', '砍价发起人');
  members.friend = await registerMember('13600001002', '帮砍好友');
  // the starter holds a coupon the checkout picks by default: a bargain's quote refuses it and the page drops it
  const template = await api<{ id: number }>('POST', '/api/admin/coupon-templates', { token: operatorToken, body: { name: '无门槛 ¥1', kind: 'fixed', offFen: 100, validDays: 7, totalQuantity: 10, perMemberLimit: 1 } });
  await api('POST', `/api/coupon-templates/${template.id}/claim`, { token: members.starter.token, body: {} });
  await api('POST', '/api/me/addresses', { token: members.starter.token, body: { name: '发起人', phone: '13600001001', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' } });
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('砍价 in the console and the shop', () => {
  it('the console creates an offer on the rice: ¥89.90 down to ¥9.90 with two friends', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', operatorToken);
    await page.goto(`${base}/admin/promotions/bargains`);
    await page.getByTestId('bargain-offer-create').click();
    await page.getByTestId('bargain-offer-sku').click();
    await page.keyboard.type('五常');
    await page.keyboard.press('Enter');
    await page.getByTestId('bargain-offer-floor').fill('9.90');
    await page.getByTestId('bargain-offer-helpers').fill('2');
    await page.getByTestId('bargain-offer-form-ok').click();
    await expect.poll(() => page.locator('[data-testid=bargain-offers-table] tr.ant-table-row').count()).toBe(1);
    const offers = await api<{ items: Array<{ startPriceFen: number; floorPriceFen: number; helpersNeeded: number; running: boolean }> }>('GET', `/api/bargain-offers?productId=${riceProductId}`);
    expect(offers.items).toMatchObject([{ startPriceFen: 8_990, floorPriceFen: 990, helpersNeeded: 2, running: true }]);
    await shot(page, 'console-bargain-offers');
  });

  it('a member starts a bargain, a friend cuts it through the share link, the starter buys at the reached price', async () => {
    const starter = await signedIn(MOBILE, 'fx_token', members.starter.token);
    await starter.goto(`${base}/product/${riceProductId}`);
    await starter.getByTestId('bargain-panel').waitFor();
    await starter.getByTestId('bargain-start').click();
    await starter.getByTestId('bargain-page').waitFor();
    await expect.poll(() => starter.getByTestId('bargain-status').getAttribute('data-status')).toBe('open');
    await starter.getByTestId('bargain-share').click();
    const shareUrl = (await starter.getByTestId('bargain-share-toast').getAttribute('data-url'))!;
    expect(shareUrl).toContain(`invite=${members.starter.inviteCode}`);

    // the friend opens the link: the starter's code is kept (registration and checkout bind by it), and cuts once
    const friend = await signedIn(MOBILE, 'fx_token', members.friend.token);
    await friend.goto(shareUrl);
    await friend.getByTestId('bargain-help').click();
    await friend.getByTestId('bargain-helped-toast').waitFor();
    await expect.poll(() => friend.getByTestId('bargain-help-row').count()).toBe(1);
    const cutFen = Number(await friend.getByTestId('bargain-help-row').getAttribute('data-cut-fen'));
    expect(cutFen).toBeGreaterThan(0);
    await expect.poll(() => friend.getByTestId('bargain-progress').getAttribute('data-cut-fen')).toBe(String(cutFen));
    expect(await friend.evaluate(() => localStorage.getItem('fx_invite_code'))).toBe(members.starter.inviteCode);
    await expect.poll(() => friend.getByTestId('bargain-helped').count()).toBe(1);
    await expectNoHorizontalOverflow(friend, 'bargain page');
    await shot(friend, 'shop-bargain-helped');

    // the starter sees the cut and buys at the reached price
    await starter.reload();
    const reached = 8_990 - cutFen;
    await expect.poll(() => starter.getByTestId('bargain-buy').getAttribute('data-fen')).toBe(String(reached));
    await shot(starter, 'shop-bargain-starter');
    await starter.getByTestId('bargain-buy').click();
    await starter.getByTestId('checkout-page').waitFor();
    expect(starter.url()).toContain(`campaign=bargain:`);
    // the cut comes off the line (the coupon it picked by default is dropped)
    await expect.poll(async () => (await starter.getByTestId('checkout-page').textContent()) ?? '').toContain(`-¥${(cutFen / 100).toFixed(2)}`);
    await shot(starter, 'shop-bargain-checkout');
    await starter.getByTestId('checkout-submit').click();
    const success = starter.getByTestId('pay-success');
    await success.waitFor({ timeout: 20_000 });
    const order = await api<{ lines: Array<{ paidFen: number }> }>('GET', `/api/orders/${await success.getAttribute('data-order-id')}`, { token: members.starter.token });
    expect(order.lines.map((l) => l.paidFen)).toEqual([reached]);
    const mine = await api<{ items: Array<{ status: string }> }>('GET', '/api/me/bargains', { token: members.starter.token });
    await expect.poll(async () => (await api<{ items: Array<{ status: string }> }>('GET', '/api/me/bargains', { token: members.starter.token })).items[0]?.status).toBe('bought');
    expect(mine.items.length).toBe(1);
  });
});
