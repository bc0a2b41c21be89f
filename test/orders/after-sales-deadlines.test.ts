// After-sales deadlines and the commission hold. A request the merchant has not reviewed within the
// rules' afterSalesReviewDays is approved by the job orders.after-sales-deadlines as a reviewer's
// approval would be (a refund only refunded, a return told the return address), and a return sent
// back that nobody confirmed within returnReceiveDays is received and refunded — once, however many
// runs race, never before the deadline, audited with no actor. While a request is open the order's
// commission does not unfreeze: it does at the sweep after the request closes, or the refund
// reverses it from frozen (no debt).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobCatalog } from '../../src/jobs/catalog.js';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, confirmReceipt, expectReconciled, summary } from '../support/rules-kit.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const RETURN_TO = { name: '总部退货仓', phone: '021-55558888', address: '上海市青浦区华新镇华志路 100 号 售后组' };

describeEachDatabase('after-sales deadlines and the commission hold', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { freezeDays: 7 }, order: { returnShipDays: 5, afterSalesReviewDays: 2, returnReceiveDays: 10, returnAddress: RETURN_TO } } });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    chain = await registerChain(app, 2);
    skuId = (await createProduct(app, owner, [{ priceFen: 20_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const buyer = () => chain[1]!;
  const earner = () => chain[0]!;
  const job = () => jobCatalog(app.services).find((j) => j.name === 'orders.after-sales-deadlines')!;
  const runJob = async () => (await job().run({ attempt: 0, id: 'test', slot: null })) as { approved: number; awaitingReturn: number; received: number; overdue: number; refunds: number };
  /** two instances' runs at once, then the totals */
  const runTwiceAtOnce = async () => {
    const runs = await Promise.all([runJob(), runJob()]);
    return { approved: runs[0].approved + runs[1].approved, awaitingReturn: runs[0].awaitingReturn + runs[1].awaitingReturn, received: runs[0].received + runs[1].received, refunds: runs[0].refunds + runs[1].refunds };
  };
  const shippedOrder = async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: `SF${order.id}00000` }] } });
    return order;
  };
  const ask = (orderId: number, body: Record<string, unknown>) => call(app, 'POST', `/api/orders/${orderId}/refund-requests`, { token: buyer().token, body });
  const mine = async (orderId: number) => (await call(app, 'GET', `/api/me/refund-requests?orderId=${orderId}`, { token: buyer().token })).body.items[0];
  const earningOf = async (orderId: number) => (await adminOrder(app, owner.token, orderId)).earnings.find((e) => e.earnerId === earner().id)!;
  const at = (ms: number) => new Date(ms).toISOString();

  it('a refund only nobody reviewed is approved after afterSalesReviewDays, once, and the commission reverses exactly', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    const asked = await ask(order.id, { kind: 'refund_only', reasonCode: 'no_longer_needed', lines: [{ lineId: order.lines[0].id, amountFen: 20_000 }], reason: '拍错了，不要了' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const due = app.clock.now().getTime() + 2 * DAY_MS;
    expect(asked.body.reviewDueAt).toBe(at(due));
    expect(await mine(order.id)).toMatchObject({ status: 'pending', reviewDueAt: at(due), receiveDueAt: null });
    const queue = await call(app, 'GET', `/api/admin/refund-requests?orderId=${order.id}`, { token: support.token });
    expect(queue.body.items[0]).toMatchObject({ id: asked.body.id, reviewDueAt: at(due) });

    // a minute before the deadline: nothing
    app.clock.advanceMs(2 * DAY_MS - MINUTE_MS);
    expect(await runJob()).toMatchObject({ approved: 0, refunds: 0 });
    expect((await mine(order.id)).status).toBe('pending');
    app.clock.advanceMs(MINUTE_MS);
    // two instances at once: one approval, one refund
    expect(await runTwiceAtOnce()).toMatchObject({ approved: 1, refunds: 1 });
    expect(await runJob()).toMatchObject({ approved: 0, refunds: 0 });

    const done = await mine(order.id);
    expect(done).toMatchObject({ status: 'approved', refundId: expect.any(Number), reviewDueAt: null });
    const after = await adminOrder(app, owner.token, order.id);
    expect(after.refundedFen).toBe(20_000);
    expect(after.refunds.map((r) => r.status)).toEqual(['succeeded']);
    // level 1 at 10 % of 20 000, wholly refunded: reversed exactly
    expect(await earningOf(order.id)).toMatchObject({ amountFen: 2_000, reversedFen: 2_000, state: 'reversed' });
    // a reviewer comes too late
    expect((await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: false, reason: '太晚了' } })).body.code).toBe('REFUND_REQUEST_REVIEWED');
    const audit = await auditLog(app, owner.token, { targetType: 'order', targetId: order.id });
    expect(audit.filter((e) => e.action === 'order.refund_request.auto_approve').map((e) => ({ actorId: e.actorId, status: e.after.status }))).toEqual([{ actorId: null, status: 'approved' }]);
    expect(audit.filter((e) => e.action === 'order.refund').map((e) => e.actorId)).toEqual([null]);
    await expectReconciled(app, owner.token);
  });

  it('a return nobody reviewed goes to the rules’ return address; sent back and not confirmed in returnReceiveDays, it is received and refunded', async () => {
    const order = await shippedOrder();
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'damaged', lines: [{ lineId: order.lines[0].id, amountFen: 15_000 }], reason: '外箱破损' });
    app.clock.advanceDays(2);
    expect(await runTwiceAtOnce()).toMatchObject({ awaitingReturn: 1, approved: 0, refunds: 0 });
    const waiting = await mine(order.id);
    expect(waiting).toMatchObject({ status: 'awaiting_return', returnAddress: RETURN_TO, returnDueAt: at(app.clock.now().getTime() + 5 * DAY_MS), reviewDueAt: null, receiveDueAt: null });
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body.refundedFen).toBe(0);

    const sent = await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer().token, body: { carrierCode: 'zhongtong', trackingNo: 'ZT0012345678' } });
    expect(sent.body).toMatchObject({ status: 'returning', reviewDueAt: null, receiveDueAt: at(app.clock.now().getTime() + 10 * DAY_MS) });
    app.clock.advanceMs(10 * DAY_MS - MINUTE_MS);
    expect(await runJob()).toMatchObject({ received: 0 });
    expect((await mine(order.id)).status).toBe('returning');
    app.clock.advanceMs(MINUTE_MS);
    expect(await runTwiceAtOnce()).toMatchObject({ received: 1, refunds: 1 });
    expect(await runJob()).toMatchObject({ received: 0, refunds: 0 });

    expect(await mine(order.id)).toMatchObject({ status: 'approved', receivedAt: app.clock.now().toISOString(), receiveDueAt: null });
    const after = await adminOrder(app, owner.token, order.id);
    expect(after.refundedFen).toBe(15_000);
    expect(after.refunds.map((r) => r.status)).toEqual(['succeeded']);
    // floor(2 000 × 15 000 / 20 000) = 1 500
    expect(await earningOf(order.id)).toMatchObject({ amountFen: 2_000, reversedFen: 1_500 });
    const audit = await auditLog(app, owner.token, { targetType: 'order', targetId: order.id });
    expect(audit.filter((e) => e.action === 'order.refund_request.auto_approve').map((e) => [e.actorId, e.after.status])).toEqual([[null, 'awaiting_return']]);
    expect(audit.filter((e) => e.action === 'order.return.auto_receive').map((e) => [e.actorId, e.after.trackingNo])).toEqual([[null, 'ZT0012345678']]);
    await expectReconciled(app, owner.token);
  });

  it('an open request holds the unfreeze: rejected or withdrawn, the earning unfreezes at the next sweep', async () => {
    const rejected = await shippedOrder();
    const withdrawn = await shippedOrder();
    for (const o of [rejected, withdrawn]) await confirmReceipt(app, buyer(), o.id);
    app.clock.advanceDays(6);
    const a = await ask(rejected.id, { kind: 'refund_only', reasonCode: 'quality', lines: [{ lineId: rejected.lines[0].id, amountFen: 500 }], reason: '有划痕，协商补偿' });
    const b = await ask(withdrawn.id, { kind: 'return_refund', reasonCode: 'quality', lines: [{ lineId: withdrawn.lines[0].id, amountFen: 20_000 }], reason: '用了两天坏了' });
    // the freeze (7 days) has passed, the review deadline (2 days) not yet
    app.clock.advanceDays(1.5);
    await app.services.commission.unfreezeDue();
    for (const o of [rejected, withdrawn]) expect((await earningOf(o.id)).state).toBe('frozen');

    await call(app, 'POST', `/api/admin/refund-requests/${a.body.id}/review`, { token: support.token, body: { approve: false, reason: '划痕不影响使用' } });
    await app.services.commission.unfreezeDue();
    expect((await earningOf(rejected.id)).state).toBe('available');
    expect((await earningOf(withdrawn.id)).state).toBe('frozen');

    expect((await call(app, 'POST', `/api/refund-requests/${b.body.id}/cancel`, { token: buyer().token })).body.status).toBe('cancelled');
    await app.services.commission.unfreezeDue();
    expect(await earningOf(withdrawn.id)).toMatchObject({ state: 'available', reversedFen: 0 });
    await expectReconciled(app, owner.token);
  });

  it('approved, the earning stays held until the provider settles the refund, which reverses it from frozen; the rest unfreezes after', async () => {
    const order = await shippedOrder();
    await confirmReceipt(app, buyer(), order.id);
    app.clock.advanceDays(6);
    await ask(order.id, { kind: 'refund_only', reasonCode: 'not_as_described', lines: [{ lineId: order.lines[0].id, amountFen: 5_000 }], reason: '颜色和图片不一样' });
    app.clock.advanceDays(2);
    await app.services.commission.unfreezeDue();
    expect((await earningOf(order.id)).state).toBe('frozen');
    const debtBefore = (await summary(app, earner())).debtFen;

    // the job's decision without sending the refund yet: the refund is with the provider
    const decided = await app.services.orders.decideOverdueAfterSales();
    expect(decided).toMatchObject({ approved: 1, refundIds: [expect.any(Number)] });
    expect((await mine(order.id)).status).toBe('approved');
    await app.services.commission.unfreezeDue();
    expect(await earningOf(order.id)).toMatchObject({ state: 'frozen', reversedFen: 0 });

    await app.services.payments.requestRefund(decided.refundIds[0]!);
    await app.services.orders.drainEffects();
    // floor(2 000 × 5 000 / 20 000) = 500, taken from frozen
    expect(await earningOf(order.id)).toMatchObject({ state: 'frozen', reversedFen: 500 });
    await app.services.commission.unfreezeDue();
    expect(await earningOf(order.id)).toMatchObject({ state: 'available', reversedFen: 500 });
    expect((await summary(app, earner())).debtFen).toBe(debtBefore);
    await expectReconciled(app, owner.token);
  });
});
