// Loyalty races on the real server only (PostgreSQL, a pool of 20): many requests at once leave
// exactly one sign-in, one note reward, one redemption per client key and never negative stock or points.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled, key, summary } from '../support/rules-kit.js';

const address = { name: '韩梅梅', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '2 号', regionCode: '440305' };

describeOnPostgres('loyalty races on the real server', () => {
  let app: TestApp;
  let owner: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 20 });
    owner = await hqMember(app, 'owner');
  });
  afterAll(async () => app?.close());

  const adjust = (memberId: number, points: number) => call(app, 'POST', '/api/admin/loyalty/points-adjustments', { token: owner.token, body: { memberId, points, reason: '测试积分', idempotencyKey: key('pa') } });
  const balance = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/points', { token: m.token })).body.balance as number;

  it('20 sign-ins at once sign in once and pay once', async () => {
    const m = await register(app);
    const results = await Promise.all(Array.from({ length: 20 }, () => call(app, 'POST', '/api/me/sign-ins', { token: m.token })));
    expect(results.map((r) => r.status).every((s) => s === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    const rows = await app.services.db.selectFrom('points_transactions').select('points').where('member_id', '=', m.id).execute();
    expect(rows).toEqual([{ points: 5 }]);
    expect(await balance(m)).toBe(5);
  });

  it('15 likes arriving at once on a note with a 10-like rule pay the reward once', async () => {
    await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { noteRewardLikes: 10, noteRewardPoints: 30, noteRewardCashFen: 500 } });
    const author = await register(app);
    const fans = await Promise.all(Array.from({ length: 15 }, () => register(app)));
    const id = (await call(app, 'POST', '/api/me/notes', { token: author.token, body: { title: '好物推荐', body: '真香' } })).body.id;
    const likes = await Promise.all(fans.map((f) => call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: f.token })));
    expect(likes.map((l) => l.status).every((s) => s === 200)).toBe(true);
    expect(likes.filter((l) => l.body.rewarded)).toHaveLength(1);
    // likes going down and up again at once pay nothing more
    await Promise.all(fans.slice(0, 8).map((f) => call(app, 'DELETE', `/api/loyalty/notes/${id}/like`, { token: f.token })));
    await Promise.all(fans.slice(0, 8).map((f) => call(app, 'POST', `/api/loyalty/notes/${id}/like`, { token: f.token })));
    expect(await balance(author)).toBe(30);
    expect((await summary(app, author)).availableFen).toBe(500);
    expect((await call(app, 'GET', `/api/loyalty/notes/${id}`)).body.likeCount).toBe(15);
    await expectReconciled(app, owner.token);
  });

  it('exchanges at once: one redemption per client key, stock and points never below zero', async () => {
    const item = (await call(app, 'POST', '/api/admin/loyalty/mall/items', { token: owner.token, body: { kind: 'goods', title: '帆布袋', pointsPrice: 10, stock: 5 } })).body;
    const m = await register(app);
    await adjust(m.id, 100);
    const clientKey = key('same');
    const same = await Promise.all(Array.from({ length: 10 }, () => call(app, 'POST', '/api/me/mall/redemptions', { token: m.token, body: { itemId: item.id, clientKey, shippingAddress: address } })));
    expect(same.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(same.map((r) => r.body.redemption.id)).size).toBe(1);
    expect(await balance(m)).toBe(90);

    // 4 left in stock, 9 points-rich buyers and one member who can afford only 3 at once
    const buyers = await Promise.all(Array.from({ length: 9 }, () => register(app)));
    for (const b of buyers) await adjust(b.id, 10);
    const poor = await register(app);
    await adjust(poor.id, 30);
    const results = await Promise.all([
      ...buyers.map((b) => call(app, 'POST', '/api/me/mall/redemptions', { token: b.token, body: { itemId: item.id, clientKey: key('b'), shippingAddress: address } })),
      ...Array.from({ length: 6 }, () => call(app, 'POST', '/api/me/mall/redemptions', { token: poor.token, body: { itemId: item.id, clientKey: key('p'), shippingAddress: address } })),
    ]);
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(4);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 422)).toBe(true);
    const stock = (await call(app, 'GET', '/api/admin/loyalty/mall/items', { token: owner.token })).body.items.find((i: any) => i.id === item.id).stock;
    expect(stock).toBe(0);
    expect(await balance(poor)).toBeGreaterThanOrEqual(0);
    const taken = await app.services.db.selectFrom('loyalty_redemptions').select('id').where('item_id', '=', item.id).execute();
    expect(taken).toHaveLength(5);
  });
});
