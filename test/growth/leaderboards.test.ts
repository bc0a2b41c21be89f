import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { periodOf, rangeOf } from '../../src/modules/growth/periods.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, settled, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';

it('periods follow the Shanghai calendar and ISO weeks', () => {
  expect(periodOf('week', '2026-11-22')).toEqual({ kind: 'week', key: 'w:2026-W47', from: '2026-11-16', to: '2026-11-22' });
  expect(periodOf('week', '2026-11-23').key).toBe('w:2026-W48');
  expect(periodOf('week', '2027-01-01').key).toBe('w:2026-W53');
  expect(periodOf('month', '2026-02-10')).toEqual({ kind: 'month', key: 'm:2026-02', from: '2026-02-01', to: '2026-02-28' });
  expect(() => rangeOf('2026-11-02', '2026-11-01')).toThrow(RangeError);
  expect(() => periodOf('day', '2026-02-30')).toThrow(RangeError);
});

describeEachDatabase('leaderboards: commission, sales and invites per Shanghai period', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let top: RegisteredMember; // A
  let earner: RegisteredMember; // B, level 1 of the buyers below
  let buyer: RegisteredMember; // C
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    [top, earner, buyer] = await registerChain(app, 3);
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  const board = async (query: string, token = owner.token) => {
    const res = await call(app, 'GET', `/api/admin/leaderboards?${query}`, { token });
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ memberId: number; value: number; rank: number }>).map((e) => [e.memberId, e.value, e.rank]);
  };
  const fold = () => app.services.leaderboards.fold();

  it('counts a paid order at once (not yet folded) and the same after folding', async () => {
    // 2026-11-20 12:00 in Shanghai
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect(await board('metric=commission&period=day')).toEqual([[earner.id, 1_000, 1], [top.id, 500, 2]]);
    expect(await board('metric=sales&period=month')).toEqual([[earner.id, 10_000, 1]]);
    expect((await fold()).deltas).toBeGreaterThan(0);
    expect(await board('metric=commission&period=day')).toEqual([[earner.id, 1_000, 1], [top.id, 500, 2]]);
    expect(await board('metric=sales&period=all')).toEqual([[earner.id, 10_000, 1]]);
  });

  it('a partial refund takes its reversal and the refunded goods off the day the order was paid', async () => {
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    await fold();
    app.clock.advanceDays(1); // the refund happens the next day; it still belongs to the 20th
    const refund = await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, {
      token: support.token,
      body: { lines: [{ lineId: order.lines[0].id, amountFen: 4_000 }], reason: '部分退款', idempotencyKey: 'growth-refund-1' },
    });
    expect(refund.status).toBe(201);
    await settled(app); // the refund's board deltas follow its commit
    // earner: 1000 + (1000 - 400); top: 500 + (500 - 200)
    expect(await board('metric=commission&period=day&date=2026-11-20')).toEqual([[earner.id, 1_600, 1], [top.id, 800, 2]]);
    await fold();
    expect(await board('metric=commission&period=day&date=2026-11-20')).toEqual([[earner.id, 1_600, 1], [top.id, 800, 2]]);
    expect(await board('metric=sales&period=day&date=2026-11-20')).toEqual([[earner.id, 16_000, 1]]);
    expect(await board('metric=commission&period=day&date=2026-11-21')).toEqual([]);
  });

  it('day, week and month end at Shanghai midnight', async () => {
    const at = (iso: string) => {
      const target = new Date(iso).getTime();
      app.clock.advanceMs(target - app.clock.now().getTime());
    };
    at('2026-11-22T15:59:59Z'); // Sunday 23:59:59 in Shanghai: week 47
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    at('2026-11-22T16:00:00Z'); // Monday 00:00: week 48
    await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    at('2026-11-30T15:59:59Z'); // last second of November
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    await fold();
    at('2026-11-30T16:00:00Z'); // 1 December; left unfolded on purpose
    await buyAndPay(app, buyer, [{ skuId, quantity: 3 }]);

    expect(await board('metric=sales&period=day&date=2026-11-22')).toEqual([[earner.id, 10_000, 1]]);
    expect(await board('metric=sales&period=day&date=2026-11-23')).toEqual([[earner.id, 20_000, 1]]);
    expect(await board('metric=sales&period=week&date=2026-11-22')).toEqual([[earner.id, 26_000, 1]]);
    expect(await board('metric=sales&period=week&date=2026-11-26')).toEqual([[earner.id, 20_000, 1]]);
    // 30 November is the Monday of week 49, which also holds 1 December's order
    expect(await board('metric=sales&period=week&date=2026-11-30')).toEqual([[earner.id, 40_000, 1]]);
    expect(await board('metric=sales&period=month&date=2026-11-05')).toEqual([[earner.id, 56_000, 1]]);
    expect(await board('metric=sales&period=month')).toEqual([[earner.id, 30_000, 1]]);
    expect(await board('metric=sales&period=range&from=2026-11-22&to=2026-11-23')).toEqual([[earner.id, 30_000, 1]]);
    expect(await board('metric=sales&period=all')).toEqual([[earner.id, 86_000, 1]]);
    await fold();
    expect(await board('metric=sales&period=month')).toEqual([[earner.id, 30_000, 1]]);
    expect(await board('metric=commission&period=all')).toEqual([[earner.id, 8_600, 1], [top.id, 4_300, 2]]);
    expect(await board('metric=sales&period=range&from=2026-11-01&to=2026-11-30')).toEqual([[earner.id, 56_000, 1]]);
  });

  it('my rank: value, rank and the gap to the one above', async () => {
    const mine = async (m: RegisteredMember, query: string) => (await call(app, 'GET', `/api/me/leaderboards/rank?${query}`, { token: m.token })).body;
    expect(await mine(earner, 'metric=commission&period=all')).toMatchObject({ value: 8_600, rank: 1, gapToAbove: 0 });
    expect(await mine(top, 'metric=commission&period=all')).toMatchObject({ value: 4_300, rank: 2, gapToAbove: 4_300 });
    expect(await mine(buyer, 'metric=commission&period=all')).toMatchObject({ value: 0, rank: null });
    expect(await mine(top, 'metric=commission&period=range&from=2026-11-20&to=2026-11-20')).toMatchObject({ value: 800, rank: 2, gapToAbove: 800 });
    const bad = await call(app, 'GET', '/api/me/leaderboards/rank?metric=commission&period=range&from=2026-11-20', { token: top.token });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('RANGE_REQUIRED');
    expect((await call(app, 'GET', '/api/me/leaderboards/rank?period=day&date=2026-13-01', { token: top.token })).body.code).toBe('PERIOD_INVALID');
  });

  it('the public board masks names, shows no ids and marks the caller', async () => {
    const res = await call(app, 'GET', '/api/leaderboards?metric=commission&period=all', { token: top.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { rank: 1, nickname: '链*', avatarUrl: null, value: 8_600, isMe: false },
      { rank: 2, nickname: '链*', avatarUrl: null, value: 4_300, isMe: true },
    ]);
    const anonymous = await call(app, 'GET', '/api/leaderboards?metric=commission&period=all');
    expect(anonymous.status).toBe(200);
    expect(JSON.stringify(anonymous.body)).not.toContain(String(top.phone));
  });

  it('invites: each member once, for the referrer of their first binding', async () => {
    await app.services.leaderboards.scanInvites();
    const newcomer = await register(app, { inviteCode: top.inviteCode });
    await app.services.leaderboards.scanInvites();
    await app.services.leaderboards.scanInvites();
    await fold();
    expect(await board('metric=invites&period=all')).toEqual([[top.id, 2, 1], [earner.id, 1, 2]]);
    // the newcomer registered on 1 December (Shanghai)
    expect(await board('metric=invites&period=day')).toEqual([[top.id, 1, 1]]);
    expect(newcomer.id).toBeGreaterThan(0);
  });

  it('folding twice changes nothing; the console exports CSV; the ledger reconciles', async () => {
    const before = await app.services.db.selectFrom('growth_leaderboard_totals').selectAll().orderBy('metric').orderBy('period_key').orderBy('member_id').execute();
    expect((await fold()).deltas).toBe(0);
    expect(await app.services.db.selectFrom('growth_leaderboard_totals').selectAll().orderBy('metric').orderBy('period_key').orderBy('member_id').execute()).toEqual(before);
    const csv = await call(app, 'GET', '/api/admin/leaderboards/export?metric=commission&period=all', { token: owner.token });
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain('86.00');
    const operator = await hqMember(app, 'operator');
    expect(String((await call(app, 'GET', '/api/admin/leaderboards/export?metric=commission&period=all', { token: operator.token })).body)).toContain('****');
    const buyerTry = await call(app, 'GET', '/api/admin/leaderboards?metric=commission', { token: buyer.token });
    expect(buyerTry.status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token })).body.ok).toBe(true);
  });

  it("the dashboard's commission ranking is the board, with each earner's distinct orders; phones masked by role", async () => {
    for (const period of ['today', 'month', 'all'] as const) {
      const ranking = await call(app, 'GET', `/api/admin/commission/ranking?period=${period}&limit=10`, { token: owner.token });
      expect(ranking.status).toBe(200);
      const boardPeriod = period === 'today' ? 'day' : period;
      expect(ranking.body.items.map((r: { memberId: number; earnedFen: number }) => [r.memberId, r.earnedFen])).toEqual(
        (await board(`metric=commission&period=${boardPeriod}`)).slice(0, 10).map(([id, value]) => [id, value]),
      );
      for (const row of ranking.body.items as Array<{ memberId: number; orderCount: number }>) {
        const from = periodOf(boardPeriod, app.services.leaderboards.today()).from;
        const since = from === null ? null : new Date(`${from}T00:00:00+08:00`);
        let q = app.services.db.selectFrom('commission_earnings').select(sql<number>`count(distinct order_id)::int`.as('n')).where('earner_id', '=', row.memberId).where('kind', 'in', ['distribution', 'coupon_guide']);
        if (since) q = q.where('created_at', '>=', since);
        expect(row.orderCount).toBe((await q.executeTakeFirstOrThrow()).n);
      }
    }
    const all = await call(app, 'GET', '/api/admin/commission/ranking?period=all', { token: owner.token });
    expect(all.body.items.length).toBeGreaterThan(0);
    expect(all.body.items[0].orderCount).toBeGreaterThan(0);
    const operator = await hqMember(app, 'operator');
    const masked = await call(app, 'GET', '/api/admin/commission/ranking?period=all', { token: operator.token });
    expect(masked.body.items[0].phone).toContain('****');
    expect((await call(app, 'GET', '/api/admin/commission/ranking', { token: buyer.token })).status).toBe(403);
  });

  it('my rank matches a brute-force count over many values, folded and pending', async () => {
    const db = app.services.db;
    const members = await db.selectFrom('members').select('id').execute();
    // a private metric day so other tests' figures stay apart: the 'invites' board of 2030-01-01
    const values = new Map<number, number>();
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const add = async (memberId: number, value: number) => {
      values.set(memberId, (values.get(memberId) ?? 0) + value);
      await db.insertInto('growth_leaderboard_deltas').values({ metric: 'invites', member_id: memberId, occurred_on: '2030-01-01', value }).execute();
    };
    for (const m of members) await add(m.id, Math.floor(rand() ** 3 * 3_000_000) - 1_000);
    await fold();
    // pending deltas that move members up, down and across buckets
    for (const m of members.slice(0, 5)) await add(m.id, Math.floor(rand() * 2_000_000) - 1_000_000);
    const period = periodOf('day', '2030-01-01');
    for (const m of members) {
      const mine = values.get(m.id)!;
      const above = [...values.values()].filter((v) => v > mine && v > 0);
      const got = await app.services.leaderboards.rankOf(db, 'invites', period, m.id);
      expect(got.value).toBe(mine);
      expect(got.rank).toBe(mine > 0 ? above.length + 1 : null);
      if (mine > 0) expect(got.gapToAbove).toBe(above.length ? Math.min(...above) - mine : 0);
    }
    const topFive = (await app.services.leaderboards.top(db, 'invites', period, 5)).map((e) => e.value);
    expect(topFive).toEqual([...values.values()].filter((v) => v > 0).sort((a, b) => b - a).slice(0, 5));
    await db.deleteFrom('growth_leaderboard_deltas').where('occurred_on', '=', '2030-01-01').execute();
    await sql`delete from growth_leaderboard_totals where period_key in ('d:2030-01-01', 'w:2030-W01', 'm:2030-01')`.execute(db);
  });
});

describeOnPostgres('leaderboard folding on several instances at once', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 10 });
  });
  afterAll(async () => app?.close());

  it('concurrent folds fold each delta exactly once and keep the rank buckets exact', async () => {
    const db = app.services.db;
    const members = await Promise.all(Array.from({ length: 40 }, () => register(app)));
    const expected = new Map<number, number>();
    const rows = [];
    for (let i = 0; i < 4_000; i++) {
      const m = members[i % members.length].id;
      const value = ((i * 7_919) % 5_000) - 500;
      expected.set(m, (expected.get(m) ?? 0) + value);
      rows.push({ metric: 'commission' as const, member_id: m, occurred_on: '2026-11-20', value });
    }
    await db.insertInto('growth_leaderboard_deltas').values(rows).execute();
    const results = await Promise.all(Array.from({ length: 6 }, () => app.services.leaderboards.fold({ batchSize: 300 })));
    // others may have returned early (the lock was taken); one more pass folds whatever remains
    const rest = await app.services.leaderboards.fold({ batchSize: 300 });
    expect(results.reduce((s, r) => s + r.deltas, 0) + rest.deltas).toBe(4_000);
    for (const key of ['d:2026-11-20', 'w:2026-W47', 'm:2026-11', 'all']) {
      const totals = await db.selectFrom('growth_leaderboard_totals').select(['member_id', 'value']).where('metric', '=', 'commission').where('period_key', '=', key).execute();
      expect(new Map(totals.map((t) => [t.member_id, t.value]))).toEqual(expected);
    }
    const mismatched = await sql<{ n: number }>`
      select count(*) as n from (
        select metric, period_key, growth_rank_bucket(value) as bucket, count(*) as members from growth_leaderboard_totals where value > 0 group by 1, 2, 3
      ) t full join (select * from growth_leaderboard_buckets where members <> 0) b using (metric, period_key, bucket)
      where t.members is distinct from b.members`.execute(db);
    expect(mismatched.rows[0].n).toBe(0);
  });

  it('checkouts paying at once append deltas without waiting on each other', async () => {
    const owner = await hqMember(app, 'owner');
    const [leader] = await registerChain(app, 1);
    const buyers = await Promise.all(Array.from({ length: 8 }, () => register(app, { inviteCode: leader.inviteCode })));
    const skuId = (await createProduct(app, owner, [{ priceFen: 5_000 }])).skus[0].id;
    await Promise.all(buyers.map((b) => buyAndPay(app, b, [{ skuId, quantity: 1 }])));
    await Promise.all([app.services.leaderboards.fold(), app.services.leaderboards.fold()]);
    await app.services.leaderboards.fold();
    const rank = await app.services.leaderboards.rankOf(app.services.db, 'sales', periodOf('all', '2026-11-20'), leader.id);
    expect(rank.value).toBe(40_000);
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token })).body.ok).toBe(true);
  });
});
