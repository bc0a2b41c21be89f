// After-sales (issue 15): a refund only and a return and refund, with reasons, states and time
// limits. A return waits for the buyer's parcel back (or expires) and for HQ to confirm it arrived;
// only then does its refund go through the payment rail, and the commission reverses exactly as any
// refund's does. One open request per order; the buyer may withdraw one; the return window is the
// freeze of the order's rules.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const DAY_MS = 86_400_000;
const RETURN_TO = { name: '退货仓', phone: '0755-88886666', address: '广东省深圳市南山区科技园南路 88 号 售后部' };

describeEachDatabase('after-sales', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let finance: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { freezeDays: 7 }, order: { returnShipDays: 5 } } });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    finance = await hqMember(app, 'finance');
    chain = await registerChain(app, 2);
    skuId = (await createProduct(app, owner, [{ priceFen: 20_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const buyer = () => chain[1]!;
  const shippedOrder = async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: `SF${order.id}00000` }] } });
    return order;
  };
  const ask = (orderId: number, body: Record<string, unknown>) => call(app, 'POST', `/api/orders/${orderId}/refund-requests`, { token: buyer().token, body });
  const mine = async (orderId: number) => (await call(app, 'GET', `/api/me/refund-requests?orderId=${orderId}`, { token: buyer().token })).body.items[0];
  const earningOf = async (orderId: number) =>
    ((await call(app, 'GET', `/api/admin/commission/earnings?orderId=${orderId}`, { token: owner.token })).body.items as Array<{ earnerId: number; amountFen: number; reversedFen: number }>).find((e) => e.earnerId === chain[0]!.id)!;

  it('a return and refund: approved to an address, shipped back, received; then refunded, commission reversed exactly', async () => {
    const order = await shippedOrder();
    const lineId = order.lines[0].id;
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'damaged', lines: [{ lineId, amountFen: 15_000 }], reason: '外箱压坏，商品有裂痕' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', kind: 'return_refund', reasonCode: 'damaged' });

    // no address given and none in the rules: the reviewer must say where it goes
    const noAddress = await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: true } });
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.code).toBe('RETURN_ADDRESS_REQUIRED');
    // finance does not review after-sales
    expect((await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: finance.token, body: { approve: true, returnAddress: RETURN_TO } })).status).toBe(403);
    const approved = await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: true, returnAddress: RETURN_TO } });
    expect(approved.body).toEqual({ requestId: asked.body.id, status: 'awaiting_return', refundId: null });
    const waiting = await mine(order.id);
    expect(waiting).toMatchObject({ status: 'awaiting_return', returnAddress: RETURN_TO, returnDueAt: new Date(app.clock.now().getTime() + 5 * DAY_MS).toISOString() });
    // nothing refunded yet
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body.refundedFen).toBe(0);
    // HQ cannot confirm a parcel that has not left
    expect((await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/receive`, { token: support.token, body: { accept: true } })).body.code).toBe('REFUND_REQUEST_REVIEWED');

    const sent = await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer().token, body: { carrierCode: 'zhongtong', trackingNo: 'ZT0099887766' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ status: 'returning', returnCarrierName: '中通快递', returnTrackingNo: 'ZT0099887766' });
    // someone else's request is not theirs to ship
    expect((await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: chain[0]!.token, body: { carrierCode: 'zhongtong', trackingNo: 'ZT0099887766' } })).status).toBe(404);

    // two confirmations at once: one refund
    const [a, b] = await Promise.all([
      call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/receive`, { token: support.token, body: { accept: true } }),
      call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/receive`, { token: owner.token, body: { accept: true } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const won = a.status === 200 ? a.body : b.body;
    expect(won).toMatchObject({ status: 'approved', refundId: expect.any(Number) });
    const after = (await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body;
    expect(after.refundedFen).toBe(15_000);
    expect(after.refunds).toHaveLength(1);
    expect(after.refunds[0].status).toBe('succeeded');
    // level 1: 10 % of 20 000 = 2 000; 15 000 of 20 000 refunded reverses floor(2 000 × 15 000 / 20 000) = 1 500
    expect(await earningOf(order.id)).toMatchObject({ amountFen: 2_000, reversedFen: 1_500 });
    expect((await mine(order.id)).status).toBe('approved');
    const recon = await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(recon.body.ok, JSON.stringify(recon.body)).toBe(true);
  });

  it('a return not sent back by returnShipDays expires; the order may be asked about again; the receipt waited meanwhile', async () => {
    const order = await shippedOrder();
    const lineId = order.lines[0].id;
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'no_longer_needed', lines: [{ lineId, amountFen: 20_000 }], reason: '七天无理由退货' });
    await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: true, returnAddress: RETURN_TO } });
    app.clock.advanceDays(4);
    expect((await app.services.orders.expireReturns()).expired).toBe(0);
    app.clock.advanceDays(1);
    expect((await app.services.orders.expireReturns()).expired).toBe(1);
    expect((await mine(order.id)).status).toBe('expired');
    expect((await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer().token, body: { carrierCode: 'yunda', trackingNo: 'YD0011223344' } })).body.code).toBe('REFUND_REQUEST_REVIEWED');
    // the automatic receipt (10 days) has not passed yet: the order is still shipped, and a new request may open
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body.status).toBe('shipped');
    expect((await ask(order.id, { kind: 'refund_only', reasonCode: 'quality', lines: [{ lineId, amountFen: 500 }], reason: '有瑕疵，协商补偿' })).status).toBe(201);
  });

  it('refund only before shipping; a return of an unshipped order is refused; the buyer withdraws a pending request', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    const lineId = order.lines[0].id;
    const refused = await ask(order.id, { kind: 'return_refund', reasonCode: 'other', lines: [{ lineId, amountFen: 100 }], reason: '还没发货' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RETURN_NOT_SHIPPED');
    for (const body of [{ kind: 'exchange', lines: [{ lineId, amountFen: 100 }], reason: '换货' }, { reasonCode: 'bored', lines: [{ lineId, amountFen: 100 }], reason: '无聊' }]) {
      const bad = await ask(order.id, body);
      expect(bad.status).toBe(400);
    }
    const asked = await ask(order.id, { reasonCode: 'no_longer_needed', lines: [{ lineId, amountFen: 20_000 }], reason: '拍错了' });
    expect(asked.body).toMatchObject({ kind: 'refund_only', status: 'pending' });
    const withdrawn = await call(app, 'POST', `/api/refund-requests/${asked.body.id}/cancel`, { token: buyer().token });
    expect(withdrawn.body).toMatchObject({ status: 'cancelled' });
    expect((await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: true } })).body.code).toBe('REFUND_REQUEST_REVIEWED');
    const again = await ask(order.id, { reasonCode: 'no_longer_needed', lines: [{ lineId, amountFen: 20_000 }], reason: '拍错了' });
    const done = await call(app, 'POST', `/api/admin/refund-requests/${again.body.id}/review`, { token: support.token, body: { approve: true } });
    expect(done.body).toMatchObject({ status: 'approved', refundId: expect.any(Number) });
    expect((await call(app, 'POST', `/api/refund-requests/${again.body.id}/cancel`, { token: buyer().token })).status).toBe(409);
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body.refundedFen).toBe(20_000);
  });

  it('HQ refuses what came back; the return window closes with the freeze', async () => {
    const order = await shippedOrder();
    const lineId = order.lines[0].id;
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'wrong_item', lines: [{ lineId, amountFen: 20_000 }], reason: '发错颜色' });
    await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: support.token, body: { approve: true, returnAddress: RETURN_TO } });
    await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer().token, body: { carrierCode: 'ems', trackingNo: 'EM1122334455' } });
    const refusedReturn = await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/receive`, { token: support.token, body: { accept: false, reason: '退回的是空盒' } });
    expect(refusedReturn.body).toEqual({ requestId: asked.body.id, status: 'rejected', refundId: null });
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer().token })).body.refundedFen).toBe(0);

    await call(app, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: buyer().token });
    app.clock.advanceDays(6);
    expect((await ask(order.id, { reasonCode: 'quality', lines: [{ lineId, amountFen: 100 }], reason: '用了几天坏了' })).status).toBe(201);
    const open = await mine(order.id);
    await call(app, 'POST', `/api/refund-requests/${open.id}/cancel`, { token: buyer().token });
    app.clock.advanceDays(2);
    const late = await ask(order.id, { reasonCode: 'quality', lines: [{ lineId, amountFen: 100 }], reason: '用了几天坏了' });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('AFTER_SALES_CLOSED');
  });
});
