import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shanghaiDay, signInPoints } from '../../src/modules/loyalty/sign-ins.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled, key, refund, summary } from '../support/rules-kit.js';

const address = { name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };

it('the sign-in day is the Asia/Shanghai calendar day, and every 7th streak day pays the bonus', () => {
  expect(shanghaiDay(new Date('2026-11-20T15:59:59Z'))).toBe('2026-11-20');
  expect(shanghaiDay(new Date('2026-11-20T16:00:00Z'))).toBe('2026-11-21');
  const settings = { pointsPerYuan: 1, signInBasePoints: 5, streakBonusEveryDays: 7, streakBonusPoints: 20, noteRewardLikes: 10, noteRewardPoints: 50, noteRewardCashFen: 0 };
  expect([1, 6, 7, 8, 14].map((d) => signInPoints(settings, d).bonusPoints)).toEqual([0, 0, 20, 0, 20]);
});

describeEachDatabase('loyalty: points, sign-in, notes, the points mall and badges', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  const settings = (body: Record<string, number>) => call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body });
  const pointsOf = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/points', { token: m.token })).body as { balance: number; lifetimeEarned: number; honour: any; signIn: any };
  const adjust = (memberId: number, points: number) => call(app, 'POST', '/api/admin/loyalty/points-adjustments', { token: owner.token, body: { memberId, points, reason: '测试积分', idempotencyKey: key('pa') } });
  const badgesOf = async (m: RegisteredMember) => ((await call(app, 'GET', '/api/me/badges', { token: m.token })).body.items as Array<{ code: string; earned: boolean }>).filter((b) => b.earned).map((b) => b.code);

  it('earns points per yuan of goods paid (HQ-configurable) and takes them back in proportion on refunds', async () => {
    const buyer = await register(app);
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    expect((await pointsOf(buyer)).balance).toBe(200);
    expect(await badgesOf(buyer)).toContain('first_order');

    // a third of a line back: floor(200 × 6 667 ÷ 20 000) = 66 points
    const lineId = order.lines[0].id;
    expect((await refund(app, support, order.id, [{ lineId, amountFen: 6_667 }])).status).toBe(201);
    expect((await pointsOf(buyer)).balance).toBe(134);
    // the rest: everything left comes back
    expect((await refund(app, support, order.id, [{ lineId, amountFen: 13_333 }])).status).toBe(201);
    const after = await pointsOf(buyer);
    expect(after).toMatchObject({ balance: 0, lifetimeEarned: 0 });
    const history = (await call(app, 'GET', '/api/me/points/transactions', { token: buyer.token })).body.items;
    expect(history.map((t: any) => [t.reason, t.points, t.balanceAfter])).toEqual([
      ['order_refunded', -134, 0],
      ['order_refunded', -66, 134],
      ['order_paid', 200, 200],
    ]);

    expect((await settings({ pointsPerYuan: 3 })).status).toBe(200);
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await pointsOf(buyer)).balance).toBe(300);
    expect((await settings({ pointsPerYuan: 1 })).status).toBe(200);
    await expectReconciled(app, owner.token);
  });

  it('never takes a refund below zero: what was spent is recorded as shortfall', async () => {
    const buyer = await register(app);
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await adjust(buyer.id, -70)).status).toBe(200);
    expect((await refund(app, support, order.id, [{ lineId: order.lines[0].id, amountFen: 10_000 }])).status).toBe(201);
    expect((await pointsOf(buyer)).balance).toBe(0);
    const [last] = (await call(app, 'GET', '/api/me/points/transactions', { token: buyer.token })).body.items;
    expect(last).toMatchObject({ reason: 'order_refunded', points: -30, shortfall: 70, balanceAfter: 0 });
  });

  it('keeps every balance at or above zero: an overdrawing adjustment is refused, and the database refuses a raw one', async () => {
    const m = await register(app);
    expect((await adjust(m.id, 10)).status).toBe(200);
    const over = await adjust(m.id, -11);
    expect([over.status, over.body.code]).toEqual([422, 'POINTS_INSUFFICIENT']);
    await expect(
      app.services.db.insertInto('points_transactions').values({ member_id: m.id, points: -11, reason: 'admin_adjust', ref_type: null, ref_id: null, idempotency_key: key('raw'), memo: null }).execute(),
    ).rejects.toThrow();
    await expect(sql`update points_transactions set points = 1000 where member_id = ${m.id}`.execute(app.services.db)).rejects.toThrow(/append-only/);
    expect((await pointsOf(m)).balance).toBe(10);
    // the balance equals the sum of the ledger for everyone
    const drift = await sql<{ member_id: number }>`select a.member_id from points_accounts a
      left join (select member_id, sum(points) as s from points_transactions group by member_id) t on t.member_id = a.member_id
      where a.balance <> coalesce(t.s, 0)`.execute(app.services.db);
    expect(drift.rows).toEqual([]);
  });

  it('signs in once per Shanghai day, counts the streak and pays the day-7 bonus and badge', async () => {
    expect((await settings({ signInBasePoints: 5, streakBonusEveryDays: 7, streakBonusPoints: 20 })).status).toBe(200);
    const m = await register(app);
    const first = await call(app, 'POST', '/api/me/sign-ins', { token: m.token });
    expect(first.body).toMatchObject({ duplicate: false, streak: 1, points: 5 });
    const again = await call(app, 'POST', '/api/me/sign-ins', { token: m.token });
    expect(again.body).toMatchObject({ duplicate: true, streak: 1 });
    expect((await pointsOf(m)).balance).toBe(5);
    for (let day = 2; day <= 7; day++) {
      app.clock.advanceDays(1);
      const res = await call(app, 'POST', '/api/me/sign-ins', { token: m.token });
      expect(res.body.streak).toBe(day);
    }
    expect((await pointsOf(m)).balance).toBe(7 * 5 + 20);
    expect(await badgesOf(m)).toContain('sign_in_streak_7');
    // a missed day restarts the streak
    app.clock.advanceDays(2);
    expect((await call(app, 'POST', '/api/me/sign-ins', { token: m.token })).body).toMatchObject({ streak: 1, points: 5 });
    expect((await pointsOf(m)).signIn).toMatchObject({ signedToday: true, streak: 1 });
  });

  it('notes: posting rules, the public feed, likes (once, not one’s own, unlike), and HQ hiding', async () => {
    const author = await register(app, { nickname: '种草达人' });
    const fan = await register(app);
    const tooMany = await call(app, 'POST', '/api/me/notes', { token: author.token, body: { title: 't', body: 'b', photoUrls: Array.from({ length: 10 }, (_, i) => `https://img.example.com/${i}.jpg`) } });
    expect(tooMany.status).toBe(400);
    const unknownProduct = await call(app, 'POST', '/api/me/notes', { token: author.token, body: { title: 't', body: 'b', productId: 999_999 } });
    expect(unknownProduct.body.code).toBe('PRODUCT_NOT_FOUND');
    const productId = (await app.services.db.selectFrom('product_skus').select('product_id').where('id', '=', skuId).executeTakeFirstOrThrow()).product_id;
    const note = await call(app, 'POST', '/api/me/notes', { token: author.token, body: { title: '真好用', body: '推荐给大家', photoUrls: ['https://img.example.com/a.jpg'], productId } });
    expect(note.status).toBe(201);
    const id = note.body.id;

    const feed = (await call(app, 'GET', `/api/loyalty/notes?productId=${productId}`)).body.items;
    expect(feed.map((n: any) => n.id)).toContain(id);
    expect(feed.find((n: any) => n.id === id).authorName).toBe('种**人');

    expect((await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: author.token })).body.code).toBe('NOTE_SELF_LIKE');
    expect((await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fan.token })).body.likeCount).toBe(1);
    expect((await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fan.token })).body.likeCount).toBe(1);
    expect((await call(app, 'GET', `/api/loyalty/notes/${id}`, { token: fan.token })).body.likedByMe).toBe(true);
    expect((await call(app, 'DELETE', `/api/loyalty/notes/${id}/like`, { token: fan.token })).body.likeCount).toBe(0);

    const operator = await hqMember(app, 'operator');
    expect((await call(app, 'POST', `/api/admin/loyalty/notes/${id}/hide`, { token: operator.token, body: { reason: '广告内容' } })).status).toBe(200);
    expect((await call(app, 'GET', '/api/loyalty/notes')).body.items.map((n: any) => n.id)).not.toContain(id);
    expect((await call(app, 'GET', `/api/loyalty/notes/${id}`, { token: fan.token })).status).toBe(404);
    expect((await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fan.token })).status).toBe(404);
    // the author still sees it among their own
    expect((await call(app, 'GET', '/api/me/notes', { token: author.token })).body.items[0]).toMatchObject({ id, status: 'hidden' });
    const auditor = await hqMember(app, 'auditor');
    expect((await call(app, 'POST', `/api/admin/loyalty/notes/${id}/show`, { token: auditor.token })).status).toBe(403);
  });

  it('pays the note reward (points and cash) once, even when likes go down and up again; reconciliation stays clean', async () => {
    expect((await settings({ noteRewardLikes: 3, noteRewardPoints: 50, noteRewardCashFen: 888 })).status).toBe(200);
    const author = await register(app);
    const fans = [await register(app), await register(app), await register(app), await register(app)];
    const id = (await call(app, 'POST', '/api/me/notes', { token: author.token, body: { title: '口红试色', body: '很显白' } })).body.id;
    const likes = [];
    for (const fan of fans.slice(0, 3)) likes.push((await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fan.token })).body);
    expect(likes.map((l) => l.rewarded)).toEqual([false, false, true]);
    await call(app, 'DELETE', `/api/loyalty/notes/${id}/like`, { token: fans[0].token });
    await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fans[0].token });
    await call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: fans[3].token });
    expect((await pointsOf(author)).balance).toBe(50);
    expect((await summary(app, author)).availableFen).toBe(888);
    const rewards = await app.services.db.selectFrom('points_transactions').select('points').where('member_id', '=', author.id).where('reason', '=', 'note_reward').execute();
    expect(rewards).toHaveLength(1);
    await expectReconciled(app, owner.token);
    expect((await settings({ noteRewardLikes: 10, noteRewardPoints: 50, noteRewardCashFen: 0 })).status).toBe(200);
  });

  it('points mall: goods exchange takes points and stock together, once per client key; refusals change nothing', async () => {
    const item = await call(app, 'POST', '/api/admin/loyalty/mall/items', { token: owner.token, body: { kind: 'goods', title: '保温杯', pointsPrice: 100, stock: 2, skuId, perMemberLimit: 5 } });
    expect(item.status).toBe(201);
    const m = await register(app);
    await adjust(m.id, 250);
    const poor = await register(app);
    await adjust(poor.id, 99);

    const refused = await call(app, 'POST', '/api/me/mall/redemptions', { token: poor.token, body: { itemId: item.body.id, clientKey: key('ex'), shippingAddress: address } });
    expect([refused.status, refused.body.code]).toEqual([422, 'POINTS_INSUFFICIENT']);
    const noAddress = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, clientKey: key('ex') } });
    expect(noAddress.body.code).toBe('SHIPPING_ADDRESS_REQUIRED');
    expect((await call(app, 'GET', '/api/admin/loyalty/mall/items', { token: owner.token })).body.items.find((i: any) => i.id === item.body.id).stock).toBe(2);

    const clientKey = key('ex');
    const first = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, clientKey, shippingAddress: address } });
    expect([first.status, first.body.redemption.status, first.body.redemption.points]).toEqual([201, 'pending', 100]);
    const replay = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, clientKey, shippingAddress: address } });
    expect([replay.status, replay.body.duplicate, replay.body.redemption.id]).toEqual([200, true, first.body.redemption.id]);
    expect((await pointsOf(m)).balance).toBe(150);

    await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, clientKey: key('ex'), shippingAddress: address } });
    const soldOut = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, clientKey: key('ex'), shippingAddress: address } });
    expect(soldOut.body.code).toBe('MALL_OUT_OF_STOCK');
    expect((await pointsOf(m)).balance).toBe(50);

    // HQ ships one and cancels the other: its points and stock come back
    const pending = (await call(app, 'GET', `/api/admin/loyalty/redemptions?status=pending&memberId=${m.id}`, { token: owner.token })).body.items;
    expect(pending).toHaveLength(2);
    expect(pending[0].shippingAddress.phone).toBe('13912345678');
    expect((await call(app, 'POST', `/api/admin/loyalty/redemptions/${pending[0].id}/fulfil`, { token: owner.token, body: { trackingNo: 'SF123' } })).body.status).toBe('fulfilled');
    expect((await call(app, 'POST', `/api/admin/loyalty/redemptions/${pending[0].id}/cancel`, { token: owner.token, body: { reason: '已发货不能取消' } })).body.code).toBe('REDEMPTION_NOT_PENDING');
    expect((await call(app, 'POST', `/api/admin/loyalty/redemptions/${pending[1].id}/cancel`, { token: owner.token, body: { reason: '缺货' } })).status).toBe(200);
    expect((await pointsOf(m)).balance).toBe(150);
    expect((await call(app, 'GET', '/api/loyalty/mall/items')).body.items.find((i: any) => i.id === item.body.id).stock).toBe(1);
    // another member cannot see m's redemptions
    expect((await call(app, 'GET', '/api/me/mall/redemptions', { token: poor.token })).body.items).toEqual([]);
  });

  it('coupon items grant real coupons through promotions; a grant that fails (sold out) rolls the whole exchange back', async () => {
    const template = await call(app, 'POST', '/api/admin/coupon-templates', { token: owner.token, body: { name: '满100减10券', kind: 'threshold', minSpendFen: 10_000, offFen: 1_000, totalQuantity: 3, perMemberLimit: 5, validDays: 30 } });
    expect(template.status).toBe(201);
    const item = await call(app, 'POST', '/api/admin/loyalty/mall/items', { token: owner.token, body: { kind: 'coupon', title: '满100减10券', pointsPrice: 30, stock: 10, couponTemplateId: template.body.id } });
    expect(item.status).toBe(201);
    const m = await register(app);
    await adjust(m.id, 200);
    const ok = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, quantity: 2, clientKey: key('cp') } });
    expect([ok.status, ok.body.redemption.status]).toEqual([201, 'granted']);
    const coupons = (await call(app, 'GET', '/api/me/coupons?status=usable', { token: m.token })).body.items;
    expect(coupons.filter((c: any) => c.templateId === template.body.id)).toHaveLength(2);
    expect((await pointsOf(m)).balance).toBe(140);

    // only one coupon of the template is left: an exchange of two fails whole — no points, no stock, no coupon taken
    const refused = await call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.body.id, quantity: 2, clientKey: key('cp') } });
    expect([refused.status, refused.body.code]).toEqual([409, 'COUPON_SOLD_OUT']);
    expect((await pointsOf(m)).balance).toBe(140);
    expect((await call(app, 'GET', '/api/loyalty/mall/items')).body.items.find((i: any) => i.id === item.body.id).stock).toBe(8);
    expect((await call(app, 'GET', '/api/me/coupons?status=usable', { token: m.token })).body.items.filter((c: any) => c.templateId === template.body.id)).toHaveLength(2);
  });

  it('badges for 1,000 points and a popular note; the honour top list masks names; HQ sees holders', async () => {
    const star = await register(app, { nickname: '荣誉之星' });
    expect((await adjust(star.id, 1_000)).status).toBe(200);
    expect(await badgesOf(star)).toContain('points_1000');
    const note = (await call(app, 'POST', '/api/me/notes', { token: star.token, body: { title: '好物', body: '值得买' } })).body.id;
    for (let i = 0; i < 10; i++) await call(app, 'POST', `/api/loyalty/notes/${note}/like`, { token: (await register(app)).token });
    expect(await badgesOf(star)).toEqual(expect.arrayContaining(['points_1000', 'popular_note']));
    const top = (await call(app, 'GET', '/api/loyalty/honour/top')).body.items;
    expect(top[0]).toMatchObject({ rank: 1, name: '荣**星' });
    const me = await pointsOf(star);
    expect(me.honour).toMatchObject({ rank: 1, level: { code: 'silver' } });
    const catalogue = (await call(app, 'GET', '/api/admin/loyalty/badges', { token: support.token })).body.items;
    expect(catalogue.find((b: any) => b.code === 'popular_note').holders).toBeGreaterThanOrEqual(1);
    // the ledger search masks phones for roles that may not see them
    const finance = await hqMember(app, 'finance');
    const ledger = (await call(app, 'GET', `/api/admin/loyalty/points-transactions?memberId=${star.id}`, { token: finance.token })).body;
    expect(ledger.items[0].phone).toMatch(/\*\*\*\*/);
    expect((await call(app, 'PUT', '/api/admin/loyalty/settings', { token: finance.token, body: { pointsPerYuan: 5 } })).status).toBe(403);
    expect((await settings({ pointsPerYuan: -1 })).status).toBe(400);
    await expectReconciled(app, owner.token);
  });
});
