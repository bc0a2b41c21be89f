// The loyalty and member-level order participants merged their statements (data-modifying CTEs);
// this pins what they must still do: points, badges, growth and member price per order, replays
// that change nothing, refunds with shortfall, and the lifetime badge across concurrent orders.
// Refunds are driven through the participants directly (a refunds row and the lines' refunded
// amounts set by hand), so these tests do not depend on the orders module's refund path.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import type { PaidOrder, RefundedOrder } from '../../src/modules/orders/participants.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { key } from '../support/rules-kit.js';

interface Snapshot {
  balance: number;
  lifetimeEarned: number;
  growthPoints: number;
  badges: string[];
  pointsRows: number;
  growthRows: number;
}

async function snapshotOf(app: TestApp, memberId: number): Promise<Snapshot> {
  const db = app.services.db;
  const account = await db.selectFrom('points_accounts').select(['balance', 'lifetime_earned']).where('member_id', '=', memberId).executeTakeFirst();
  const growth = await db.selectFrom('member_growth').select('growth_points').where('member_id', '=', memberId).executeTakeFirst();
  const badges = await db.selectFrom('loyalty_member_badges').select('badge_code').where('member_id', '=', memberId).orderBy('badge_code').execute();
  const pointsRows = await db.selectFrom('points_transactions').select(sql<number>`count(*)`.as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  const growthRows = await db.selectFrom('growth_events').select(sql<number>`count(*)`.as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  return {
    balance: account?.balance ?? 0,
    lifetimeEarned: account?.lifetime_earned ?? 0,
    growthPoints: growth?.growth_points ?? 0,
    badges: badges.map((b) => b.badge_code),
    pointsRows: Number(pointsRows.n),
    growthRows: Number(growthRows.n),
  };
}

/** The PaidOrder the participants see, for an order of one line (enough for loyalty and levels). */
function paidOrderOf(order: { id: number; lines: Array<{ id: number; productId?: number; skuId?: number; quantity: number; paidFen: number }> }, buyerId: number, at: Date): PaidOrder {
  const goodsPaidFen = order.lines.reduce((s, l) => s + l.paidFen, 0);
  return {
    orderId: order.id,
    buyerId,
    sharerId: null,
    source: 'mall' as PaidOrder['source'],
    storeId: null,
    commissionChain: [],
    coreEarnings: [],
    paidFen: goodsPaidFen,
    goodsPaidFen,
    lines: [],
    ruleVersion: undefined as unknown as PaidOrder['ruleVersion'],
    paidAt: at,
    buyerPromoted: false,
  };
}

describeEachDatabase('loyalty and member levels per paid order, after merging their statements', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let skuId: number;
  let bigSkuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
    bigSkuId = (await createProduct(app, owner, [{ priceFen: 100_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  const adjust = (memberId: number, points: number) => call(app, 'POST', '/api/admin/loyalty/points-adjustments', { token: owner.token, body: { memberId, points, reason: '测试积分', idempotencyKey: key('pa') } });

  /** One refund of the order's only line, through both participants, as the orders module would call them. */
  async function refundThroughParticipants(order: { id: number; lines: Array<{ id: number; paidFen: number }> }, buyerId: number, amountFen: number, refundId?: number) {
    const line = order.lines[0];
    return inTransaction(app.services.db, async (tx) => {
      let id = refundId;
      if (id === undefined) {
        const row = await tx
          .insertInto('refunds')
          .values({ refund_no: key('rn'), order_id: order.id, status: 'succeeded', amount_fen: amountFen, reason: 'test', created_by: null, idempotency_key: key('rk'), completed_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = row.id;
        await tx.updateTable('order_lines').set((eb) => ({ refunded_fen: eb('refunded_fen', '+', amountFen) })).where('id', '=', line.id).execute();
      }
      const lineNow = await tx.selectFrom('order_lines').select('refunded_fen').where('id', '=', line.id).executeTakeFirstOrThrow();
      const refund: RefundedOrder = {
        orderId: order.id,
        buyerId,
        refundId: id,
        lines: [{ lineId: line.id, productId: 0, skuId: 0, quantity: 1, paidFen: line.paidFen, refundedFen: lineNow.refunded_fen, amountFen }],
        fullyRefunded: lineNow.refunded_fen >= line.paidFen,
        goodsPaidFen: line.paidFen,
        goodsRefundedFen: lineNow.refunded_fen,
        at: app.clock.now(),
      };
      await app.services.memberLevels.onRefunded(tx, refund);
      await app.services.loyalty.points.takeBackForRefund(tx, refund);
      return id;
    });
  }

  it('a paid order earns points, growth and the first_order badge; replaying the participants changes nothing', async () => {
    const buyer = await register(app);
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    const after = await snapshotOf(app, buyer.id);
    expect(after).toEqual({ balance: 200, lifetimeEarned: 200, growthPoints: 200, badges: ['first_order'], pointsRows: 1, growthRows: 1 });
    const earned = await app.services.db.selectFrom('loyalty_order_points').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(earned).toMatchObject({ member_id: buyer.id, goods_paid_fen: 20_000, points: 200, reversed_points: 0 });

    // a replay of onPaid (as a duplicate callback would, were the core's own guard to let it through)
    await inTransaction(app.services.db, async (tx) => {
      await app.services.memberLevels.onPaid(tx, paidOrderOf(order, buyer.id, app.clock.now()));
      await app.services.loyalty.points.earnForPaidOrder(tx, paidOrderOf(order, buyer.id, app.clock.now()));
    });
    expect(await snapshotOf(app, buyer.id)).toEqual(after);
  });

  it('points per yuan follow HQ settings at once; less than a yuan earns no points and still the badge', async () => {
    const buyer = await register(app);
    expect((await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { pointsPerYuan: 3 } })).status).toBe(200);
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect((await snapshotOf(app, buyer.id)).balance).toBe(300);
    expect((await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { pointsPerYuan: 0 } })).status).toBe(200);
    const other = await register(app);
    await buyAndPay(app, other, [{ skuId, quantity: 1 }]);
    expect(await snapshotOf(app, other.id)).toMatchObject({ balance: 0, pointsRows: 0, badges: ['first_order'], growthPoints: 100 });
    expect((await call(app, 'PUT', '/api/admin/loyalty/settings', { token: owner.token, body: { pointsPerYuan: 1 } })).status).toBe(200);
  });

  it('the 1,000-points badge comes with the order that reaches it: a first earn, and on top of earlier points', async () => {
    const first = await register(app);
    await buyAndPay(app, first, [{ skuId: bigSkuId, quantity: 1 }]);
    expect((await snapshotOf(app, first.id)).badges).toEqual(['first_order', 'points_1000']);

    const below = await register(app);
    expect((await adjust(below.id, 899)).status).toBe(200);
    await buyAndPay(app, below, [{ skuId, quantity: 1 }]);
    expect(await snapshotOf(app, below.id)).toMatchObject({ lifetimeEarned: 999, badges: ['first_order'] });
    await buyAndPay(app, below, [{ skuId, quantity: 1 }]);
    expect(await snapshotOf(app, below.id)).toMatchObject({ lifetimeEarned: 1_099, badges: ['first_order', 'points_1000'] });
    // spending does not lower lifetime points, and a held badge stays held
    expect((await adjust(below.id, -1_000)).status).toBe(200);
    await buyAndPay(app, below, [{ skuId, quantity: 1 }]);
    expect(await snapshotOf(app, below.id)).toMatchObject({ balance: 199, badges: ['first_order', 'points_1000'] });
  });

  it('an order key already used refuses another member and is a no-op for the same member', async () => {
    const buyer = await register(app);
    const stranger = await register(app);
    const checkout = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('ck') } });
    expect(checkout.status).toBe(201);
    const order = { id: checkout.body.id as number, lines: [{ id: 0, quantity: 1, paidFen: 10_000 }] };
    await app.services.db
      .insertInto('points_transactions')
      .values({ member_id: stranger.id, points: 5, reason: 'admin_adjust', ref_type: null, ref_id: null, idempotency_key: `order:paid:${order.id}`, memo: null, created_at: app.clock.now() })
      .execute();
    const before = await snapshotOf(app, buyer.id);
    await expect(inTransaction(app.services.db, (tx) => app.services.loyalty.points.earnForPaidOrder(tx, paidOrderOf(order, buyer.id, app.clock.now())))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await snapshotOf(app, buyer.id)).toEqual(before);
    expect(await app.services.db.selectFrom('loyalty_order_points').select('order_id').where('order_id', '=', order.id).executeTakeFirst()).toBeUndefined();

    const own = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('ck') } });
    const ownOrder = { id: own.body.id as number, lines: [{ id: 0, quantity: 1, paidFen: 10_000 }] };
    await app.services.db
      .insertInto('points_transactions')
      .values({ member_id: buyer.id, points: 7, reason: 'admin_adjust', ref_type: null, ref_id: null, idempotency_key: `order:paid:${ownOrder.id}`, memo: null, created_at: app.clock.now() })
      .execute();
    await inTransaction(app.services.db, (tx) => app.services.loyalty.points.earnForPaidOrder(tx, paidOrderOf(ownOrder, buyer.id, app.clock.now())));
    expect(await snapshotOf(app, buyer.id)).toMatchObject({ balance: 7, pointsRows: 1, badges: ['first_order'] });
  });

  it('refunds take points and growth back in proportion, with shortfall when spent; a replayed refund changes nothing', async () => {
    const buyer = await register(app);
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    // a third of the line: floor(200 × 6 667 ÷ 20 000) = 66 points, the same for growth
    const refundId = await refundThroughParticipants(order, buyer.id, 6_667);
    const partial = await snapshotOf(app, buyer.id);
    expect(partial).toMatchObject({ balance: 134, lifetimeEarned: 134, growthPoints: 134, pointsRows: 2, growthRows: 2 });
    await refundThroughParticipants(order, buyer.id, 6_667, refundId);
    expect(await snapshotOf(app, buyer.id)).toEqual(partial);

    // spend 100 of the 134, then refund the rest: 134 due, 34 taken, 100 shortfall
    expect((await adjust(buyer.id, -100)).status).toBe(200);
    const fullRefundId = await refundThroughParticipants(order, buyer.id, 13_333);
    const full = await snapshotOf(app, buyer.id);
    expect(full).toMatchObject({ balance: 0, growthPoints: 0, growthRows: 3 });
    const [last] = await app.services.db.selectFrom('points_transactions').select(['points', 'shortfall', 'balance_after', 'reason']).where('member_id', '=', buyer.id).orderBy('id', 'desc').limit(1).execute();
    expect(last).toEqual({ points: -34, shortfall: 100, balance_after: 0, reason: 'order_refunded' });
    const earned = await app.services.db.selectFrom('loyalty_order_points').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(earned).toMatchObject({ goods_refunded_fen: 20_000, reversed_points: 200, shortfall_points: 100 });
    // replaying the last refund changes nothing, even with points on the balance again
    expect((await adjust(buyer.id, 50)).status).toBe(200);
    const refilled = await snapshotOf(app, buyer.id);
    await refundThroughParticipants(order, buyer.id, 13_333, fullRefundId);
    expect(await snapshotOf(app, buyer.id)).toEqual(refilled);
  });

  it('the member price at checkout is the level reached (highest threshold), none below the first', async () => {
    const buyer = await register(app);
    const quote = async () => (await call(app, 'POST', '/api/orders/quote', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }] } })).body;
    const levels = [
      await call(app, 'POST', '/api/admin/member-levels', { token: owner.token, body: { name: `p-a-${kind}`, growthThreshold: 150, memberPriceBp: 9_500 } }),
      await call(app, 'POST', '/api/admin/member-levels', { token: owner.token, body: { name: `p-b-${kind}`, growthThreshold: 250, memberPriceBp: 9_000 } }),
    ];
    expect(levels.map((l) => l.status)).toEqual([201, 201]);
    try {
      expect((await quote()).discountFen).toBe(0);
      await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      expect((await quote()).discountFen).toBe(0);
      await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      expect((await quote()).discountFen).toBe(500);
      await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      expect((await quote()).discountFen).toBe(1_000);
    } finally {
      for (const l of levels) await call(app, 'DELETE', `/api/admin/member-levels/${l.body.id}`, { token: owner.token });
    }
  });
});

describeOnPostgres('the lifetime badge across concurrent orders of one buyer', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 4 });
    owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 6_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  it('an order waiting for the balance row counts the points committed meanwhile', async () => {
    const buyer = await register(app);
    expect((await call(app, 'POST', '/api/admin/loyalty/points-adjustments', { token: owner.token, body: { memberId: buyer.id, points: 900, reason: '测试积分', idempotencyKey: key('pa') } })).status).toBe(200);
    const orders: Array<{ id: number; lines: Array<{ id: number; quantity: number; paidFen: number }> }> = [];
    for (let i = 0; i < 2; i++) {
      const res = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('ck') } });
      expect(res.status).toBe(201);
      orders.push({ id: res.body.id as number, lines: [{ id: 0, quantity: 1, paidFen: 6_000 }] });
    }
    // the first order holds the balance row while the second's statement starts (its snapshot without the first's 60)
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstEarned!: () => void;
    const earnedFirst = new Promise<void>((resolve) => (firstEarned = resolve));
    const first = inTransaction(app.services.db, async (tx) => {
      await app.services.loyalty.points.earnForPaidOrder(tx, paidOrderOf(orders[0], buyer.id, app.clock.now()));
      firstEarned();
      await firstHolds;
    });
    await earnedFirst;
    const second = inTransaction(app.services.db, (tx) => app.services.loyalty.points.earnForPaidOrder(tx, paidOrderOf(orders[1], buyer.id, app.clock.now())));
    await new Promise((resolve) => setTimeout(resolve, 300));
    releaseFirst();
    await Promise.all([first, second]);
    expect(await snapshotOf(app, buyer.id)).toMatchObject({ balance: 1_020, lifetimeEarned: 1_020, badges: ['first_order', 'points_1000'] });
  });
});
