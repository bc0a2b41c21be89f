// Race scenarios for the real server (PostgreSQL, a pool of 30): each fires many requests at once
// through the HTTP layer (Fastify inject, concurrently) and returns what happened, with the fen
// the outcome differs from the only correct one. Used by test/reliability/races.test.ts and
// scripts/soak.ts. No vitest imports.
import { call, type ApiResponse } from './api.js';
import type { TestApp } from './harness.js';
import { devPaymentBody, devPaymentSecret, fastMember, signDev, type FastMember } from './reliability.js';

export const RACE_RULES = {
  commission: { tierRatesBp: { '1': [1_000, 500, 300] }, freezeDays: 0 },
  payout: { minAmountFen: 1, autoApproveMaxFen: 1_000_000_000, dailyCountLimit: 100, feeBp: 0 },
  order: { shippingFen: 0 },
};

export interface RaceReport {
  name: string;
  requests: number;
  statuses: Record<string, number>;
  /** how far (in fen) the outcome is from the only correct one; must be 0 */
  fenLost: number;
  problems: string[];
}

export interface RaceEnv {
  app: TestApp;
  owner: FastMember;
  skuId: number;
  priceFen: number;
  devSecret: string;
  seq: number;
}

export async function setupRaceEnv(app: TestApp): Promise<RaceEnv> {
  const owner = await fastMember(app, { hqRole: 'owner', nickname: 'race-owner' });
  const priceFen = 9_999;
  const product = await call(app, 'POST', '/api/admin/products', { token: owner.token, body: { title: '并发商品', category: 'race', skus: [{ name: '标准', priceFen, stock: 10_000_000 }] } });
  if (product.status !== 201) throw new Error(`product failed: ${JSON.stringify(product.body)}`);
  return { app, owner, skuId: product.body.skus[0].id, priceFen, devSecret: devPaymentSecret(app.services.config.jwtSecret), seq: 0 };
}

function tally(responses: ApiResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) {
    const key = r.status >= 400 ? `${r.status} ${r.body?.code ?? ''}`.trim() : String(r.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function key(env: RaceEnv, prefix: string) {
  env.seq += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${env.seq}`;
}

async function balances(env: RaceEnv, memberId: number) {
  return (await call(env.app, 'GET', `/api/admin/members/${memberId}/balances`, { token: env.owner.token })).body as {
    pendingFen: number;
    frozenFen: number;
    availableFen: number;
    withdrawingFen: number;
    debtFen: number;
  };
}

/** Reconciliation must be ok; returns a problem line otherwise. */
export async function reconciliationProblems(env: RaceEnv): Promise<string[]> {
  const report = await call(env.app, 'GET', '/api/admin/reconciliation', { token: env.owner.token });
  if (report.status !== 200) return [`reconciliation answered ${report.status}`];
  if (report.body.ok) return [];
  return [`reconciliation: ${JSON.stringify(report.body.checks.filter((c: { differences: unknown[] }) => c.differences.length > 0)).slice(0, 1_500)}`];
}

async function chainOf(env: RaceEnv, n: number): Promise<FastMember[]> {
  const chain: FastMember[] = [];
  for (let i = 0; i < n; i++) chain.push(await fastMember(env.app, { inviteCode: chain[i - 1]?.inviteCode, nickname: `r${i}` }));
  return chain;
}

async function creditAvailable(env: RaceEnv, member: FastMember, amountFen: number) {
  const res = await call(env.app, 'POST', '/api/admin/adjustments', { token: env.owner.token, body: { memberId: member.id, amountFen, reason: '并发测试入账', idempotencyKey: key(env, 'credit') } });
  if (res.status !== 201) throw new Error(`credit failed: ${JSON.stringify(res.body)}`);
}

async function checkoutAndStartPayment(env: RaceEnv, buyer: FastMember, quantity = 1) {
  const order = await call(env.app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: env.skuId, quantity }], checkoutKey: key(env, 'co') } });
  if (order.status !== 201) throw new Error(`checkout failed: ${JSON.stringify(order.body)}`);
  const pay = await call(env.app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
  if (pay.status !== 200) throw new Error(`pay failed: ${JSON.stringify(pay.body)}`);
  return { order: order.body, outTradeNo: pay.body.outTradeNo as string, amountFen: pay.body.amountFen as number };
}

function notify(env: RaceEnv, body: string) {
  return call(env.app, 'POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(env.devSecret, body) } });
}

const rate = (fen: number, bp: number) => Math.floor((fen * bp) / 10_000);

// --- 1. many withdrawals of one balance -------------------------------------------------------

/** n concurrent withdrawals of `each` from a balance of k × each: exactly k succeed, never more. */
export async function raceWithdrawals(env: RaceEnv, n = 50, k = 10, each = 1_000): Promise<RaceReport> {
  const [member] = await chainOf(env, 1);
  const balanceFen = k * each;
  await creditAvailable(env, member, balanceFen);
  const responses = await Promise.all(
    Array.from({ length: n }, () =>
      call(env.app, 'POST', '/api/me/payouts', { token: member.token, body: { amountFen: each, channel: 'alipay', destination: { account: 'race@example.com', realName: '张三' }, idempotencyKey: key(env, 'wd') } }),
    ),
  );
  const problems: string[] = [];
  const ok = responses.filter((r) => r.status === 201);
  const refused = responses.filter((r) => r.status === 409 && ['INSUFFICIENT_BALANCE', 'PAYOUT_DAILY_LIMIT'].includes(r.body?.code));
  if (ok.length + refused.length !== n) problems.push(`unexpected answers: ${JSON.stringify(tally(responses))}`);
  const paidFen = ok.filter((r) => r.body.status === 'paid').reduce((s, r) => s + r.body.amountFen, 0);
  const b = await balances(env, member.id);
  const fenLost = Math.abs(paidFen + b.availableFen + b.withdrawingFen - balanceFen) + Math.max(paidFen - balanceFen, 0) + b.debtFen;
  if (ok.length !== k) problems.push(`${ok.length} withdrawals went through, expected exactly ${k}`);
  if (paidFen !== balanceFen) problems.push(`${paidFen} fen paid out of a balance of ${balanceFen}`);
  if (b.availableFen !== 0 || b.withdrawingFen !== 0) problems.push(`left: ${JSON.stringify(b)}`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `${n} concurrent withdrawals of ${each} from ${balanceFen}`, requests: n, statuses: tally(responses), fenLost, problems };
}

/** Uneven amounts at once: whatever succeeds adds up to at most the balance, and the rest stays available. */
export async function raceUnevenWithdrawals(env: RaceEnv, n = 30, balanceFen = 10_000): Promise<RaceReport> {
  const [member] = await chainOf(env, 1);
  await creditAvailable(env, member, balanceFen);
  const amounts = Array.from({ length: n }, (_, i) => 100 + ((i * 7_919) % 2_900));
  const responses = await Promise.all(
    amounts.map((amountFen) =>
      call(env.app, 'POST', '/api/me/payouts', { token: member.token, body: { amountFen, channel: 'wechat', destination: { realName: '李四' }, idempotencyKey: key(env, 'uw') } }),
    ),
  );
  const problems: string[] = [];
  const bad = responses.filter((r) => r.status !== 201 && !(r.status === 409 && ['INSUFFICIENT_BALANCE', 'PAYOUT_DAILY_LIMIT'].includes(r.body?.code)));
  if (bad.length) problems.push(`unexpected answers: ${JSON.stringify(tally(bad))}`);
  const paidFen = responses.filter((r) => r.status === 201).reduce((s, r) => s + r.body.amountFen, 0);
  const b = await balances(env, member.id);
  const fenLost = Math.abs(paidFen + b.availableFen + b.withdrawingFen - balanceFen) + Math.max(paidFen - balanceFen, 0);
  if (paidFen > balanceFen) problems.push(`${paidFen} fen paid out of ${balanceFen}`);
  if (paidFen + b.availableFen !== balanceFen) problems.push(`paid ${paidFen} + available ${b.availableFen} ≠ ${balanceFen}`);
  // nothing that would still have fitted was refused
  const smallest = Math.min(...amounts.filter((_, i) => responses[i].status !== 201));
  if (Number.isFinite(smallest) && b.availableFen >= smallest) problems.push(`a withdrawal of ${smallest} was refused while ${b.availableFen} stayed available`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `${n} concurrent withdrawals of uneven amounts from ${balanceFen}`, requests: n, statuses: tally(responses), fenLost, problems };
}

/** The same withdrawal (one idempotency key) sent n times at once: one payout, reserved once. */
export async function raceSameWithdrawal(env: RaceEnv, n = 20): Promise<RaceReport> {
  const [member] = await chainOf(env, 1);
  await creditAvailable(env, member, 5_000);
  const idem = key(env, 'same');
  const responses = await Promise.all(
    Array.from({ length: n }, () =>
      call(env.app, 'POST', '/api/me/payouts', { token: member.token, body: { amountFen: 1_000, channel: 'alipay', destination: { account: 'same@example.com', realName: '王五' }, idempotencyKey: idem } }),
    ),
  );
  const problems: string[] = [];
  const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
  if (ids.size !== 1) problems.push(`${ids.size} distinct payouts for one idempotency key`);
  const b = await balances(env, member.id);
  const fenLost = Math.abs(b.availableFen + b.withdrawingFen - 4_000);
  if (b.availableFen !== 4_000) problems.push(`available ${b.availableFen}, expected 4000 (reserved once)`);
  const errors = responses.filter((r) => r.status !== 201);
  // a client retrying a withdrawal should get the payout back, not an error
  if (errors.length) problems.push(`replays of one withdrawal answered ${JSON.stringify(tally(errors))} instead of the payout`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `the same withdrawal ${n} times at once`, requests: n, statuses: tally(responses), fenLost, problems };
}

// --- 2. one payment callback many times ------------------------------------------------------

/** The same callback n times at once (same event id, or a new event id each time): one payment, one set of earnings. */
export async function racePaymentCallback(env: RaceEnv, n = 20, sameEventId = true): Promise<RaceReport> {
  const chain = await chainOf(env, 4); // 3 earners above the buyer
  const buyer = chain[3];
  const { order, outTradeNo, amountFen } = await checkoutAndStartPayment(env, buyer);
  const bodies = Array.from({ length: n }, (_, i) => devPaymentBody(outTradeNo, amountFen, sameEventId ? `pay-${outTradeNo}` : `pay-${outTradeNo}-${i}`));
  const responses = await Promise.all(bodies.map((body) => notify(env, body)));
  const problems: string[] = [];
  const applied = responses.filter((r) => r.status === 200 && r.body.outcome === 'applied').length;
  const duplicate = responses.filter((r) => r.status === 200 && r.body.outcome === 'duplicate').length;
  if (applied !== 1 || duplicate !== n - 1) problems.push(`applied ${applied}, duplicate ${duplicate}, others ${JSON.stringify(tally(responses.filter((r) => r.status !== 200)))}`);
  const paid = order.lines[0].paidFen as number;
  const expected = [rate(paid, 300), rate(paid, 500), rate(paid, 1_000)];
  let fenLost = 0;
  for (let i = 0; i < 3; i++) {
    const b = await balances(env, chain[i].id);
    fenLost += Math.abs(b.pendingFen - expected[i]);
    if (b.pendingFen !== expected[i]) problems.push(`level ${3 - i} earner has ${b.pendingFen} pending, expected ${expected[i]}`);
  }
  const payments = await env.app.services.db.selectFrom('payments').select(['status']).where('order_id', '=', order.id).execute();
  if (payments.filter((p) => p.status === 'succeeded').length !== 1) problems.push(`${payments.length} payments succeeded`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `one payment callback ${n} times at once (${sameEventId ? 'same event id' : 'new event ids'})`, requests: n, statuses: tally(responses), fenLost, problems };
}

// --- 3. refunds of one line that together exceed it -------------------------------------------

export async function raceRefunds(env: RaceEnv, n = 10): Promise<RaceReport> {
  const chain = await chainOf(env, 4);
  const buyer = chain[3];
  const { order, outTradeNo, amountFen } = await checkoutAndStartPayment(env, buyer, 3);
  const paidRes = await notify(env, devPaymentBody(outTradeNo, amountFen));
  if (paidRes.body?.outcome !== 'applied') throw new Error(`payment failed: ${JSON.stringify(paidRes.body)}`);
  const line = order.lines[0] as { id: number; paidFen: number };
  const each = Math.ceil(line.paidFen / 4) + 7; // four would exceed the line: at most three fit
  const fits = Math.floor(line.paidFen / each);
  const responses = await Promise.all(
    Array.from({ length: n }, () =>
      call(env.app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: env.owner.token, body: { lines: [{ lineId: line.id, amountFen: each }], reason: '并发退款', idempotencyKey: key(env, 'rf') } }),
    ),
  );
  const problems: string[] = [];
  const ok = responses.filter((r) => r.status === 201 && r.body.status === 'succeeded');
  const refused = responses.filter((r) => r.status === 422 && r.body?.code === 'REFUND_EXCEEDS_PAID');
  if (ok.length + refused.length !== n) problems.push(`unexpected answers: ${JSON.stringify(tally(responses))}`);
  if (ok.length !== fits) problems.push(`${ok.length} refunds of ${each} went through on a line of ${line.paidFen}; exactly ${fits} fit`);
  const after = (await call(env.app, 'GET', `/api/admin/orders/${order.id}`, { token: env.owner.token })).body;
  const refunded = after.lines[0].refundedFen as number;
  let fenLost = Math.max(refunded - line.paidFen, 0);
  if (refunded !== ok.length * each) problems.push(`line refunded ${refunded}, accepted refunds ${ok.length * each}`);
  const rates = [300, 500, 1_000];
  for (let i = 0; i < 3; i++) {
    const earned = rate(line.paidFen, rates[i]);
    const expectedPending = earned - Math.floor((earned * refunded) / line.paidFen);
    const b = await balances(env, chain[i].id);
    fenLost += Math.abs(b.pendingFen - expectedPending);
    if (b.pendingFen !== expectedPending) problems.push(`earner ${i} pending ${b.pendingFen}, expected ${expectedPending}`);
  }
  problems.push(...(await reconciliationProblems(env)));
  return { name: `${n} concurrent refunds of ${each} on a line of ${line.paidFen}`, requests: n, statuses: tally(responses), fenLost, problems };
}

// --- 4. rebinds that would close a cycle --------------------------------------------------------

/** A ring of k members under one root, each moved under the next at once: never a cycle. */
export async function raceRebindCycle(env: RaceEnv, k = 2, rounds = 3): Promise<RaceReport> {
  const problems: string[] = [];
  const all: ApiResponse[] = [];
  for (let round = 0; round < rounds; round++) {
    const [root] = await chainOf(env, 1);
    const ring: FastMember[] = [];
    for (let i = 0; i < k; i++) ring.push(await fastMember(env.app, { inviteCode: root.inviteCode, nickname: `ring${i}` }));
    const responses = await Promise.all(
      ring.map((m, i) => call(env.app, 'POST', `/api/admin/members/${m.id}/rebind`, { token: env.owner.token, body: { referrerId: ring[(i + 1) % k].id, reason: '并发改绑测试' } })),
    );
    all.push(...responses);
    const ok = responses.filter((r) => r.status === 200).length;
    const cycle = responses.filter((r) => r.status === 422 && r.body?.code === 'BINDING_CYCLE').length;
    if (ok + cycle !== k) problems.push(`round ${round}: unexpected answers ${JSON.stringify(tally(responses))}`);
    if (ok > k - 1) problems.push(`round ${round}: all ${ok} rebinds of a ring went through`);
    problems.push(...(await treeProblems(env, [root, ...ring].map((m) => m.id))));
  }
  return { name: `rebinds of a ring of ${k} at once, ${rounds} rounds`, requests: all.length, statuses: tally(all), fenLost: 0, problems };
}

/** The closure table must be exactly the transitive closure of the bindings, with no cycle. */
export async function treeProblems(env: RaceEnv, memberIds: number[]): Promise<string[]> {
  const db = env.app.services.db;
  const bindings = new Map((await db.selectFrom('referral_bindings').select(['member_id', 'referrer_id']).where('member_id', 'in', memberIds).execute()).map((b) => [b.member_id, b.referrer_id]));
  const problems: string[] = [];
  for (const id of memberIds) {
    const expected = new Map<number, number>([[id, 0]]);
    let cur = id;
    for (let d = 1; bindings.has(cur); d++) {
      cur = bindings.get(cur)!;
      if (expected.has(cur)) {
        problems.push(`cycle through member ${id}`);
        break;
      }
      expected.set(cur, d);
      if (!memberIds.includes(cur)) {
        // above the scenario's members: take the rest from the closure of that ancestor
        const rest = await db.selectFrom('referral_closure').select(['ancestor_id', 'distance']).where('descendant_id', '=', cur).where('distance', '>', 0).execute();
        for (const r of rest) expected.set(r.ancestor_id, d + r.distance);
        break;
      }
    }
    const rows = await db.selectFrom('referral_closure').select(['ancestor_id', 'distance']).where('descendant_id', '=', id).execute();
    const actual = new Map(rows.map((r) => [r.ancestor_id, r.distance]));
    const same = actual.size === expected.size && [...expected].every(([a, d]) => actual.get(a) === d);
    if (!same) problems.push(`closure of ${id} is ${JSON.stringify([...actual])}, bindings say ${JSON.stringify([...expected])}`);
  }
  return problems;
}

// --- 5. the money path and the sweeps at once ----------------------------------------------------

/**
 * Completions, refunds, unfreeze sweeps and payment callbacks of many orders in one subtree at
 * once: no request may fail (a deadlock surfaces as a 500), and every balance must come out exact.
 */
export async function raceSweepsAndRefunds(env: RaceEnv, orders = 12): Promise<RaceReport> {
  const chain = await chainOf(env, 5);
  const buyers = [chain[3], chain[4]];
  const started = [];
  for (let i = 0; i < orders; i++) started.push(await checkoutAndStartPayment(env, buyers[i % 2]));
  // pay all at once (credits to the same three or four earners)
  const pays = await Promise.all(started.map((s) => notify(env, devPaymentBody(s.outTradeNo, s.amountFen))));
  // complete half and refund the other half, while sweeps run
  const labelled = (label: string, p: Promise<ApiResponse>) => p.then((r) => ({ ...r, label }));
  const work: Array<Promise<ApiResponse & { label: string }>> = [];
  started.forEach((s, i) => {
    if (i % 2 === 0) work.push(labelled('complete', call(env.app, 'POST', `/api/admin/orders/${s.order.id}/complete`, { token: env.owner.token })));
    else work.push(labelled('refund', call(env.app, 'POST', `/api/admin/orders/${s.order.id}/refunds`, { token: env.owner.token, body: { lines: [{ lineId: s.order.lines[0].id, amountFen: Math.floor(s.order.lines[0].paidFen / 3) }], reason: '并发退款', idempotencyKey: key(env, 'rs') } })));
    if (i % 3 === 0) work.push(labelled('unfreeze', call(env.app, 'POST', '/api/admin/jobs/unfreeze', { token: env.owner.token })));
  });
  const first = await Promise.all(work);
  // then refund the completed ones (their earnings are now frozen or available) while sweeping again
  const second = await Promise.all([
    ...started.filter((_, i) => i % 2 === 0).map((s) =>
      labelled('refund', call(env.app, 'POST', `/api/admin/orders/${s.order.id}/refunds`, { token: env.owner.token, body: { lines: [{ lineId: s.order.lines[0].id, amountFen: Math.floor(s.order.lines[0].paidFen / 2) }], reason: '并发退款', idempotencyKey: key(env, 'rs') } })),
    ),
    labelled('unfreeze', call(env.app, 'POST', '/api/admin/jobs/unfreeze', { token: env.owner.token })),
    labelled('unfreeze', call(env.app, 'POST', '/api/admin/jobs/unfreeze', { token: env.owner.token })),
  ]);
  const final = await call(env.app, 'POST', '/api/admin/jobs/unfreeze', { token: env.owner.token });
  const responses = [...pays, ...first, ...second, final];
  const problems: string[] = [];
  const failed = [...first, ...second].filter((r) => r.status >= 400);
  if (failed.length || [...pays, final].some((r) => r.status >= 400)) {
    const byLabel: Record<string, number> = {};
    for (const f of failed) byLabel[`${f.label} ${f.status} ${f.body?.code ?? ''}`] = (byLabel[`${f.label} ${f.status} ${f.body?.code ?? ''}`] ?? 0) + 1;
    problems.push(`failed requests: ${JSON.stringify(byLabel)} (payments and final sweep: ${JSON.stringify(tally([...pays, final].filter((r) => r.status >= 400)))})`);
  }
  // expected: everything ends available (freeze 0 days) or pending, reversed in proportion
  const expected = new Map<number, { pending: number; available: number }>();
  // a completion that failed left its earnings pending: the ledger must still add up exactly
  const completed = new Set(first.filter((r) => r.label === 'complete' && r.status === 200).map((r) => r.body.id));
  started.forEach((s, i) => {
    const buyerIdx = i % 2 === 0 ? 3 : 4;
    const paid = s.order.lines[0].paidFen as number;
    const refunded = i % 2 === 0 ? Math.floor(paid / 2) : Math.floor(paid / 3);
    [1_000, 500, 300].forEach((bp, level) => {
      const earner = chain[buyerIdx - 1 - level].id;
      const earned = rate(paid, bp);
      const left = earned - Math.floor((earned * refunded) / paid);
      const e = expected.get(earner) ?? { pending: 0, available: 0 };
      if (completed.has(s.order.id)) e.available += left;
      else e.pending += left;
      expected.set(earner, e);
    });
  });
  let fenLost = 0;
  for (const [memberId, e] of expected) {
    const b = await balances(env, memberId);
    const diff = Math.abs(b.pendingFen - e.pending) + Math.abs(b.availableFen - e.available) + b.frozenFen + b.debtFen;
    fenLost += diff;
    if (diff) problems.push(`member ${memberId}: ${JSON.stringify(b)}, expected ${JSON.stringify(e)}`);
  }
  problems.push(...(await reconciliationProblems(env)));
  return { name: `${orders} orders paid, completed, refunded while unfreeze sweeps run`, requests: responses.length, statuses: tally(responses), fenLost, problems };
}

// --- 6. one idempotency key, many requests at once ---------------------------------------------

/** The same checkout (one checkoutKey) n times at once: one order, and every reply is that order. */
export async function raceSameCheckout(env: RaceEnv, n = 10): Promise<RaceReport> {
  const [buyer] = await chainOf(env, 1);
  const checkoutKey = key(env, 'same-co');
  const responses = await Promise.all(
    Array.from({ length: n }, () => call(env.app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: env.skuId, quantity: 1 }], checkoutKey } })),
  );
  const problems: string[] = [];
  const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
  const orders = await env.app.services.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.id).execute();
  if (orders.length !== 1 || ids.size !== 1) problems.push(`${orders.length} orders created, ${ids.size} distinct orders returned`);
  const errors = responses.filter((r) => r.status !== 201);
  if (errors.length) problems.push(`replays of one checkout answered ${JSON.stringify(tally(errors))} instead of the order`);
  return { name: `the same checkout ${n} times at once`, requests: n, statuses: tally(responses), fenLost: 0, problems };
}

/** The same refund request (one idempotency key) n times at once: one refund, every reply that refund. */
export async function raceSameRefund(env: RaceEnv, n = 10): Promise<RaceReport> {
  const chain = await chainOf(env, 2);
  const { order, outTradeNo, amountFen } = await checkoutAndStartPayment(env, chain[1], 2);
  await notify(env, devPaymentBody(outTradeNo, amountFen));
  const line = order.lines[0] as { id: number; paidFen: number };
  const idempotencyKey = key(env, 'same-rf');
  const responses = await Promise.all(
    Array.from({ length: n }, () =>
      call(env.app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: env.owner.token, body: { lines: [{ lineId: line.id, amountFen: 1_000 }], reason: '重复退款请求', idempotencyKey } }),
    ),
  );
  const problems: string[] = [];
  const refunds = await env.app.services.db.selectFrom('refunds').select(['id', 'amount_fen']).where('order_id', '=', order.id).execute();
  const fenLost = Math.abs(refunds.reduce((s, r) => s + r.amount_fen, 0) - 1_000);
  if (refunds.length !== 1) problems.push(`${refunds.length} refunds for one idempotency key`);
  const errors = responses.filter((r) => r.status !== 201 && r.status !== 200);
  if (errors.length) problems.push(`replays of one refund answered ${JSON.stringify(tally(errors))} instead of the refund`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `the same refund ${n} times at once`, requests: n, statuses: tally(responses), fenLost, problems };
}

// --- 7. the ledger roll-up while money moves --------------------------------------------------------

/**
 * Folds balance checkpoints (minAgeMs 0, as eagerly as possible) over and over while payments
 * credit the same earners and withdrawals debit them: no transfer may fall behind a horizon unseen.
 */
export async function raceFoldDuringPayments(env: RaceEnv, orders = 30): Promise<RaceReport> {
  const ledger = env.app.services.ledger as unknown as { foldCheckpoints?: (db: unknown, minAgeMs?: number) => Promise<unknown> };
  if (typeof ledger.foldCheckpoints !== 'function') return { name: 'ledger fold (not in this ledger)', requests: 0, statuses: {}, fenLost: 0, problems: [] };
  const chain = await chainOf(env, 4);
  const buyer = chain[3];
  await creditAvailable(env, chain[2], 5_000);
  const started = [];
  for (let i = 0; i < orders; i++) started.push(await checkoutAndStartPayment(env, buyer));
  let folding = true;
  let folds = 0;
  const folder = (async () => {
    while (folding) {
      await ledger.foldCheckpoints!(env.app.services.db, 0);
      folds++;
    }
  })();
  const responses = await Promise.all([
    ...started.map((s) => notify(env, devPaymentBody(s.outTradeNo, s.amountFen))),
    ...Array.from({ length: 10 }, () =>
      call(env.app, 'POST', '/api/me/payouts', { token: chain[2].token, body: { amountFen: 500, channel: 'alipay', destination: { account: 'fold@example.com', realName: '赵六' }, idempotencyKey: key(env, 'fold') } }),
    ),
  ]);
  folding = false;
  await folder;
  await ledger.foldCheckpoints(env.app.services.db, 0);
  const problems: string[] = [];
  const failed = responses.filter((r) => r.status >= 400);
  if (failed.length) problems.push(`failed requests: ${JSON.stringify(tally(failed))}`);
  let fenLost = 0;
  const paid = started[0].order.lines[0].paidFen as number;
  const expected = [rate(paid, 300), rate(paid, 500), rate(paid, 1_000)].map((x) => x * orders);
  for (let i = 0; i < 3; i++) {
    const b = await balances(env, chain[i].id);
    fenLost += Math.abs(b.pendingFen - expected[i]);
    if (b.pendingFen !== expected[i]) problems.push(`earner ${i}: pending ${b.pendingFen}, expected ${expected[i]} after ${folds} folds`);
  }
  const b2 = await balances(env, chain[2].id);
  const paidOut = responses.filter((r) => r.status === 201).length * 500;
  fenLost += Math.abs(b2.availableFen + paidOut - 5_000);
  if (b2.availableFen + paidOut !== 5_000) problems.push(`available ${b2.availableFen} + paid out ${paidOut} ≠ 5000`);
  problems.push(...(await reconciliationProblems(env)));
  return { name: `${orders} payments and 10 withdrawals while the ledger folds (${folds} folds)`, requests: responses.length, statuses: tally(responses), fenLost, problems };
}
