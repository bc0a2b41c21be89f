// The orders module's outbox of the participants' deferred effects (src/modules/orders/effects.ts):
// the row is written in the payment's and the refund's transaction with exactly what the inline
// hooks are told; it is expanded right after the commit in-process, by the job, and by drain(); a
// failing participant keeps its try count, error and backoff without holding up the others or other
// orders, and a refund's effects wait for their order's; on a server, expanders racing over the
// same rows, and one whose connection is killed mid-batch, leave every effect exactly once.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobCatalog } from '../../src/jobs/catalog.js';
import type { OrderParticipant, PaidOrder, RefundedOrder } from '../../src/modules/orders/index.js';
import { buyAndPay, call, createProduct, hqMember, registerChain, settled, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { key, refund } from '../support/rules-kit.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function checkoutAndPay(app: TestApp, buyer: RegisteredMember, skuId: number, quantity = 1): Promise<number> {
  const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity }], checkoutKey: key('oe') } });
  expect(order.status).toBe(201);
  const start = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  expect((await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: start.body.outTradeNo } })).status).toBe(200);
  return order.body.id;
}

/** The leaderboards' unfolded deltas of a metric (no job folds them here): no unique key guards them, so a doubled effect shows. */
async function deltasTotal(app: TestApp, metric: 'sales' | 'commission'): Promise<number> {
  const row = await sql<{ fen: number }>`select coalesce(sum(value), 0)::bigint as fen from growth_leaderboard_deltas where metric = ${metric}`.execute(app.services.db);
  return Number(row.rows[0].fen);
}

/** Participants are only ever added in the app; a test takes its own off again. */
function removeParticipant(app: TestApp, participant: OrderParticipant): void {
  const list = (app.services.orders as unknown as { deps: { participants: OrderParticipant[] } }).deps.participants;
  list.splice(list.indexOf(participant), 1);
}

describeEachDatabase('order effects: the outbox of the participants’ deferred hooks', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 100_000 }])).skus[0].id;
    chain = await registerChain(app, 3);
    await app.services.db.updateTable('members').set({ distributor_status: 'active' }).where('id', 'in', [chain[0].id, chain[1].id]).execute();
  });
  afterAll(async () => app?.close());

  it('the row carries exactly what the inline hooks are told, and its effects follow the commit without anyone waiting', async () => {
    const told: { inline: unknown[]; later: unknown[]; laterRefunds: RefundedOrder[]; inlineRefunds: RefundedOrder[] } = { inline: [], later: [], laterRefunds: [], inlineRefunds: [] };
    const capture: OrderParticipant = {
      name: 'capture',
      onPaid: async (_tx, order: PaidOrder) => void told.inline.push(order),
      onRefunded: async (_tx, r) => void told.inlineRefunds.push(r),
      later: { onPaid: async (_tx, order) => void told.later.push(order), onRefunded: async (_tx, r) => void told.laterRefunds.push(r) },
    };
    app.services.orders.addParticipant(capture);
    try {
      const orderId = await checkoutAndPay(app, chain[2], skuId, 2);
      // expanded right after the commit by this process (debounced), no drain asked for
      const deadline = Date.now() + 10_000;
      while ((await app.services.db.selectFrom('order_effects').select('id').execute()).length > 0 || told.later.length === 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(10);
      }
      expect(told.later).toEqual(told.inline);
      expect((told.later[0] as PaidOrder).paidAt).toBeInstanceOf(Date);
      const points = await app.services.db.selectFrom('loyalty_order_points').select('points').where('order_id', '=', orderId).executeTakeFirstOrThrow();
      expect(points.points).toBe(200);

      const lineId = (await app.services.orders.get(app.services.db, orderId)).lines[0].id;
      expect((await refund(app, support, orderId, [{ lineId, amountFen: 5_000 }])).status).toBe(201);
      expect(told.laterRefunds).toEqual(told.inlineRefunds);
      expect(told.laterRefunds[0]).toMatchObject({ orderId, goodsPaidFen: 20_000, goodsRefundedFen: 5_000, fullyRefunded: false });
    } finally {
      removeParticipant(app, capture);
    }
  });

  it('a failing participant backs off alone: the others and other orders go on, its refund waits for its payment, and it runs once when it recovers', async () => {
    const effects = app.services.orders.effects;
    effects.autoExpand = false;
    let broken = true;
    const calls: string[] = [];
    const flaky: OrderParticipant = {
      name: 'flaky',
      later: {
        onPaid: async (_tx, order) => {
          if (broken && order.buyerId === chain[2].id) throw new Error('flaky is down');
          calls.push(`paid:${order.orderId}`);
        },
        onRefunded: async (_tx, r) => void calls.push(`refund:${r.refundId}`),
      },
    };
    app.services.orders.addParticipant(flaky);
    try {
      const failing = await checkoutAndPay(app, chain[2], skuId);
      const other = await checkoutAndPay(app, chain[1], skuId);
      // every participant's deferred hook on both orders (flaky's included) but flaky's on the failing one
      const deferred = (app.services.orders as unknown as { deps: { participants: OrderParticipant[] } }).deps.participants;
      const paidHooks = deferred.filter((p) => p.later?.onPaid).length;
      const refundHooks = deferred.filter((p) => p.later?.onRefunded).length;
      expect(await app.services.orders.expandEffects()).toEqual({ expanded: 2 * paidHooks - 1, failed: 1 });
      const row = await app.services.db.selectFrom('order_effects').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ order_id: failing, refund_id: null, pending: ['flaky'], tries: 1, last_error: 'flaky: flaky is down' });
      expect(row.next_at.getTime()).toBe(app.clock.now().getTime() + 1_000);
      // the others ran on both orders
      expect(calls).toEqual([`paid:${other}`]);
      expect(await app.services.db.selectFrom('loyalty_order_points').select('order_id').where('order_id', 'in', [failing, other]).orderBy('order_id').execute()).toEqual([{ order_id: failing }, { order_id: other }]);

      // a refund of the failing order: every participant but flaky takes it at once; flaky's waits for its payment
      const lineId = (await app.services.orders.get(app.services.db, failing)).lines[0].id;
      const refunded = await call(app, 'POST', `/api/admin/orders/${failing}/refunds`, { token: support.token, body: { lines: [{ lineId, amountFen: 10_000 }], reason: '测试', idempotencyKey: key('rf') } });
      expect(refunded.status).toBe(201);
      expect(await app.services.orders.expandEffects()).toEqual({ expanded: refundHooks - 1, failed: 0 });
      expect((await app.services.db.selectFrom('order_effects').select(['refund_id', 'pending']).orderBy('id').execute()).map((r) => r.pending)).toEqual([['flaky'], ['flaky']]);
      expect(calls).toEqual([`paid:${other}`]);

      // still failing after its backoff: two tries, twice the wait
      app.clock.advanceMs(1_000);
      expect(await app.services.orders.expandEffects()).toEqual({ expanded: 0, failed: 1 });
      const again = await app.services.db.selectFrom('order_effects').select(['tries', 'next_at']).where('refund_id', 'is', null).executeTakeFirstOrThrow();
      expect([again.tries, again.next_at.getTime()]).toEqual([2, app.clock.now().getTime() + 2_000]);
      // not due yet: nothing runs
      expect(await app.services.orders.expandEffects()).toEqual({ expanded: 0, failed: 0 });

      broken = false;
      app.clock.advanceMs(2_000);
      // the job's handler expands what is due: the payment's, then the refund's
      const job = jobCatalog(app.services).find((j) => j.name === 'orders.expand-effects')!;
      expect(await job.run({ attempt: 0, id: 'test', slot: null })).toEqual({ expanded: 2, failed: 0 });
      expect(calls).toEqual([`paid:${other}`, `paid:${failing}`, `refund:${refunded.body.id}`]);
      expect(await app.services.db.selectFrom('order_effects').select('id').execute()).toEqual([]);
      await settled(app);
      expect(calls).toHaveLength(3);
    } finally {
      effects.autoExpand = true;
      removeParticipant(app, flaky);
    }
  });

  it('drain() reports a participant that keeps failing instead of waiting for ever', async () => {
    const effects = app.services.orders.effects;
    effects.autoExpand = false;
    let broken = true;
    const stubborn: OrderParticipant = { name: 'stubborn', later: { onPaid: async () => { if (broken) throw new Error('still down'); } } };
    app.services.orders.addParticipant(stubborn);
    try {
      await checkoutAndPay(app, chain[2], skuId);
      await expect(app.services.orders.drainEffects()).rejects.toThrow(/order effects keep failing: #\d+ stubborn: still down/);
      broken = false;
      await app.services.orders.drainEffects();
      expect(await app.services.db.selectFrom('order_effects').select('id').execute()).toEqual([]);
    } finally {
      effects.autoExpand = true;
      removeParticipant(app, stubborn);
    }
  });
});

describeOnPostgres('order effects on a server: several expanders, and one killed mid-batch', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let buyers: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 12 });
    owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 1_000, stock: 100_000 }])).skus[0].id;
    const chain = await registerChain(app, 2);
    await app.services.db.updateTable('members').set({ distributor_status: 'active' }).where('id', '=', chain[0].id).execute();
    buyers = [chain[1], ...(await registerChain(app, 3))];
  });
  afterAll(async () => app?.close());

  it('expanders racing over the same rows run every effect exactly once', async () => {
    const effects = app.services.orders.effects;
    effects.autoExpand = false;
    try {
      const before = { sales: await deltasTotal(app, 'sales'), commission: await deltasTotal(app, 'commission') };
      const orders: number[] = [];
      for (let i = 0; i < 60; i++) orders.push(await checkoutAndPay(app, buyers[i % buyers.length], skuId));
      expect((await app.services.db.selectFrom('order_effects').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n).toBe(60);
      const results = await Promise.all(Array.from({ length: 6 }, () => app.services.orders.expandEffects()));
      // one expansion per order and participant with a deferred paid hook
      const paidHooks = (app.services.orders as unknown as { deps: { participants: OrderParticipant[] } }).deps.participants.filter((p) => p.later?.onPaid).length;
      expect(results.reduce((s, r) => s + r.expanded, 0)).toBe(60 * paidHooks);
      expect(results.every((r) => r.failed === 0)).toBe(true);
      expect(await app.services.db.selectFrom('order_effects').select('id').execute()).toEqual([]);
      const counts = await sql<{ points: number; growth: number; credits: number }>`
        select (select count(*) from points_transactions where reason = 'order_paid' and ref_id = any(${orders}::bigint[])) as points,
               (select count(*) from growth_events where order_id = any(${orders}::bigint[])) as growth,
               (select count(*) from growth_order_credits where order_id = any(${orders}::bigint[])) as credits`.execute(app.services.db);
      expect(counts.rows[0]).toEqual({ points: 60, growth: 60, credits: 60 });
      // each order's sales credit (1 000 fen to its level-1 distributor, when it has one) and its commission, once
      const credited = await app.services.db.selectFrom('growth_order_credits').select('order_id').where('order_id', 'in', orders).where('sales_member_id', 'is not', null).execute();
      expect(await deltasTotal(app, 'sales')).toBe(before.sales + credited.length * 1_000);
      const commission = await app.services.db.selectFrom('commission_earnings').select(sql<number>`coalesce(sum(amount_fen), 0)`.as('fen')).where('order_id', 'in', orders).where('kind', '=', 'distribution').executeTakeFirstOrThrow();
      expect(await deltasTotal(app, 'commission')).toBe(before.commission + Number(commission.fen));
    } finally {
      effects.autoExpand = true;
    }
  });

  it('an expander whose connection dies mid-batch loses its claim and its writes; the next one does them once', async () => {
    const effects = app.services.orders.effects;
    effects.autoExpand = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let pid: number | null = null;
    const blocker: OrderParticipant = {
      name: 'blocker',
      later: {
        onPaid: async (tx) => {
          if (pid !== null) return;
          pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0].pid;
          await gate;
        },
      },
    };
    app.services.orders.addParticipant(blocker);
    try {
      const buyer = buyers[1];
      const orderId = await checkoutAndPay(app, buyer, skuId);
      const first = app.services.orders.expandEffects();
      while (pid === null) await sleep(5);
      // while the first holds the row, another expander skips it
      expect(await app.services.orders.expandEffects()).toEqual({ expanded: 0, failed: 0 });
      await sql`select pg_terminate_backend(${pid}::int)`.execute(app.services.db);
      release();
      await first.catch(() => undefined);
      await app.services.orders.drainEffects();
      expect(await app.services.db.selectFrom('points_transactions').select('id').where('idempotency_key', '=', `order:paid:${orderId}`).execute()).toHaveLength(1);
      expect(await app.services.db.selectFrom('growth_order_credits').select('order_id').where('order_id', '=', orderId).execute()).toHaveLength(1);
      const credit = await app.services.db.selectFrom('growth_order_credits').select('sales_member_id').where('order_id', '=', orderId).executeTakeFirstOrThrow();
      const deltas = await sql<{ n: number }>`select count(*)::int as n from growth_leaderboard_deltas where metric = 'sales' and member_id = ${credit.sales_member_id}::bigint and value = 1000`.execute(app.services.db);
      const orders = await sql<{ n: number }>`select count(*)::int as n from growth_order_credits where sales_member_id = ${credit.sales_member_id}::bigint`.execute(app.services.db);
      expect(deltas.rows[0].n).toBe(orders.rows[0].n);
    } finally {
      effects.autoExpand = true;
      removeParticipant(app, blocker);
    }
  });
});
