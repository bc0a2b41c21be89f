// 拼团 in the browser (issue 19): the console creates a 2-person offer on the 阿胶糕; in the shop a member
// opens a group from the product page and pays (checkout with campaign=group_buy:<offerId>), shares
// the group (the link carries the opener's invite code), a friend opens the link (the code is kept for
// binding), joins and pays; the group page and the console show it succeeded.
//
//   npx vitest run --config test/e2e/vitest.config.ts test/e2e/group-buy.test.ts
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HQ } from '../../src/demo/seed.js';
import { api, DESKTOP, expectNoHorizontalOverflow, login, MOBILE, pageErrors, registerMember, shot, signedIn, startWorld, stopWorld } from './world.js';

let base: string;
let operatorToken: string;
let product: { id: number; skus: Array<{ id: number; priceFen: number }> };
const members: Record<'opener' | 'friend', { token: string; inviteCode: string }> = {} as never;


/** A member with an address (checkout ships to it). */
async function memberWithAddress(phone: string, nickname: string) {
  const member = await registerMember(phone, nickname);
  await api('POST', '/api/me/addresses', { token: member.token, body: { name: nickname, phone, province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 2 号', regionCode: '440305' } });
  return member;
}

/** Checkout as the page is (campaign carried from the address), pay with the dev provider; the paid order's id. */
async function checkoutAndPay(page: Page): Promise<string> {
  await page.getByTestId('checkout-page').waitFor();
  expect(page.url()).toContain('campaign=group_buy:');
  await page.getByTestId('checkout-submit').click();
  const success = page.getByTestId('pay-success');
  await success.waitFor({ timeout: 20_000 });
  return (await success.getAttribute('data-order-id'))!;
}

beforeAll(async () => {
  ({ base } = await startWorld({ features: false }));
  operatorToken = (await login(DEMO_HQ[1].phone)).token;
  product = (await api<{ items: Array<typeof product> }>('GET', '/api/products?q=阿胶糕')).items[0]!;
  members.opener = await memberWithAddress('13600002001', '拼团团长');
  members.friend = await memberWithAddress('13600002002', '参团好友');
});

afterAll(async () => {
  await stopWorld();
  expect(pageErrors).toEqual([]);
});

describe('拼团 in the console and the shop', () => {
  it('the console creates a 2-person offer on the 阿胶糕 at ¥128', async () => {
    const page = await signedIn(DESKTOP, 'fenxiao.admin.token', operatorToken);
    await page.goto(`${base}/admin/promotions/group-buys`);
    await page.getByTestId('group-buy-create').click();
    await page.getByTestId('group-buy-title').fill('阿胶糕两人团');
    await page.getByTestId('group-buy-product').click();
    await page.keyboard.type('阿胶');
    await page.keyboard.press('Enter');
    await page.getByTestId(`group-buy-price-${product.skus[0]!.id}`).fill('128');
    await page.getByTestId('group-buy-size').fill('2');
    await page.getByTestId('group-buy-form-ok').click();
    await expect.poll(() => page.locator('[data-testid=group-buy-offers-table] tr.ant-table-row').count()).toBe(1);
    const offers = await api<{ items: Array<{ groupSize: number; phase: string; skus: Array<{ skuId: number; groupPriceFen: number }> }> }>('GET', `/api/group-buys?productId=${product.id}`);
    expect(offers.items).toMatchObject([{ groupSize: 2, phase: 'running', skus: [{ skuId: product.skus[0]!.id, groupPriceFen: 12_800 }] }]);
    await shot(page, 'console-group-buys');
  });

  it('a member opens a group and pays, a friend joins through the share link and pays: the group succeeds', async () => {
    const opener = await signedIn(MOBILE, 'fx_token', members.opener.token);
    await opener.goto(`${base}/product/${product.id}`);
    await opener.getByTestId('group-buy-panel').waitFor();
    await expect.poll(() => opener.getByTestId('group-buy-price').getAttribute('data-fen')).toBe('12800');
    await shot(opener, 'shop-group-buy-panel');
    await opener.getByTestId('group-buy-open').click();
    const openerOrderId = await checkoutAndPay(opener);
    const paid = await api<{ lines: Array<{ paidFen: number }> }>('GET', `/api/orders/${openerOrderId}`, { token: members.opener.token });
    expect(paid.lines.map((l) => l.paidFen)).toEqual([12_800]);

    // 我的拼团 → the group: open, one place left; the share link carries the opener's code
    await opener.goto(`${base}/me/group-buys`);
    await opener.locator('[data-testid^=my-group-]').first().click();
    await opener.getByTestId('group-page').waitFor();
    await expect.poll(() => opener.getByTestId('group-status').getAttribute('data-status')).toBe('open');
    expect(await opener.getByTestId('group-slots-left').getAttribute('data-n')).toBe('1');
    await opener.getByTestId('group-share').click();
    const shareUrl = (await opener.getByTestId('group-share-toast').getAttribute('data-url'))!;
    expect(shareUrl).toContain(`invite=${members.opener.inviteCode}`);
    await expectNoHorizontalOverflow(opener, 'group page');
    await shot(opener, 'shop-group-buy-open');

    const friend = await signedIn(MOBILE, 'fx_token', members.friend.token);
    await friend.goto(shareUrl);
    await friend.getByTestId('group-join').click();
    await checkoutAndPay(friend);
    expect(await friend.evaluate(() => localStorage.getItem('fx_invite_code'))).toBe(members.opener.inviteCode);
    await friend.goto(shareUrl);
    await expect.poll(() => friend.getByTestId('group-status').getAttribute('data-status')).toBe('succeeded');
    await expect.poll(() => friend.getByTestId('group-member').count()).toBe(2);
    await shot(friend, 'shop-group-buy-succeeded');

    // the console's groups of the offer
    const hq = await signedIn(DESKTOP, 'fenxiao.admin.token', operatorToken);
    await hq.goto(`${base}/admin/promotions/group-buys`);
    await hq.locator('[data-testid^=group-buy-view-]').first().click();
    await expect.poll(() => hq.locator('[data-testid^=offer-group-status-]').first().textContent()).toBe('已成团');
  });
});
