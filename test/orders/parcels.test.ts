// Parcels and the automatic receipt (issue 15): HQ ships an order in parcels with carrier and
// tracking number, the buyer sees each one; a shipped order completes by itself the rules'
// autoReceiveDays after its last parcel, exactly once, which starts the freeze; the buyer may push
// that back once (延长收货); a refund request waiting for review holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const DAY_MS = 86_400_000;

describeEachDatabase('parcels and automatic receipt', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let chain: RegisteredMember[];
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { order: { autoReceiveDays: 10, receiveExtensionDays: 3 }, commission: { freezeDays: 7 } } });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    finance = await hqMember(app, 'finance');
    chain = await registerChain(app, 2);
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const buyer = () => chain[1]!;
  const earner = () => chain[0]!;
  const myOrder = async (id: number) => (await call(app, 'GET', `/api/orders/${id}`, { token: buyer().token })).body;

  it('ships in two parcels; the buyer sees both, with carrier names; a replayed parcel is the same one', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 2 }]);
    // part of it leaves first: the order stays paid
    const first = await call(app, 'POST', `/api/admin/orders/${order.id}/parcels`, { token: operator.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: 'SF1000000001' }] } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'paid', receiveDueAt: null, parcels: [{ carrierCode: 'shunfeng', carrierName: '顺丰速运', trackingNo: 'SF1000000001', shippedBy: 'hq' }] });
    const shipped = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'zhongtong', trackingNo: 'ZT2000000002' }, { carrierCode: 'shunfeng', trackingNo: 'SF1000000001' }] } });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body.status).toBe('shipped');
    expect(shipped.body.parcels.map((p: { trackingNo: string }) => p.trackingNo)).toEqual(['SF1000000001', 'ZT2000000002']);
    expect(new Date(shipped.body.receiveDueAt).getTime()).toBe(app.clock.now().getTime() + 10 * DAY_MS);

    const mine = await myOrder(order.id);
    expect(mine.parcels).toHaveLength(2);
    expect(mine.parcels[1]).toMatchObject({ carrierName: '中通快递', trackingNo: 'ZT2000000002', trackingState: null, events: [] });
    // another buyer learns nothing of it
    expect((await call(app, 'GET', `/api/orders/${order.id}`, { token: earner().token })).status).toBe(404);
  });

  it('refuses bad parcels with a clear code and changes nothing', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    const tries = [
      { parcels: [{ carrierCode: 'nosuchcarrier', trackingNo: 'SF1000000009' }] },
      { parcels: [{ carrierCode: 'shunfeng', trackingNo: 'bad number!' }] },
      { parcels: [{ trackingNo: 'SF1000000009' }] },
    ];
    for (const body of tries) {
      const res = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBeTruthy();
    }
    // finance does not ship
    expect((await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: finance.token, body: {} })).status).toBe(403);
    const after = await myOrder(order.id);
    expect(after).toMatchObject({ status: 'paid', parcels: [] });
    // an order that is not paid takes no parcels
    const completed = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ status: 'shipped', parcels: [] });
    await call(app, 'POST', `/api/admin/orders/${order.id}/complete`, { token: operator.token });
    const late = await call(app, 'POST', `/api/admin/orders/${order.id}/parcels`, { token: operator.token, body: { parcels: [{ carrierCode: 'yunda', trackingNo: 'YD3000000003' }] } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ORDER_NOT_SHIPPABLE');
  });

  it('completes by itself after autoReceiveDays, once, which starts the freeze; a late parcel pushes it back', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'yuantong', trackingNo: 'YT4000000004' }] } });
    app.clock.advanceDays(4);
    // a second parcel four days later: the receipt counts ten days from it
    const late = await call(app, 'POST', `/api/admin/orders/${order.id}/parcels`, { token: operator.token, body: { parcels: [{ carrierCode: 'yuantong', trackingNo: 'YT4000000005' }] } });
    expect(new Date(late.body.receiveDueAt).getTime()).toBe(app.clock.now().getTime() + 10 * DAY_MS);
    app.clock.advanceDays(9);
    await app.services.orders.autoReceiveDue();
    expect((await myOrder(order.id)).status).toBe('shipped');
    app.clock.advanceDays(1);
    // two runs at once (two instances): the order completes once
    await Promise.all([app.services.orders.autoReceiveDue(), app.services.orders.autoReceiveDue()]);
    await app.services.orders.autoReceiveDue();
    const done = await myOrder(order.id);
    expect(done.status).toBe('completed');
    expect(new Date(done.completedAt).getTime()).toBe(app.clock.now().getTime());
    // the earner's level-1 share of 100 yuan at the default 10 %: frozen now for 7 days, then available
    const earningOf = async () =>
      ((await call(app, 'GET', `/api/admin/orders/${order.id}`, { token: owner.token })).body.earnings as Array<{ earnerId: number; amountFen: number; state: string; frozenUntil: string | null }>).find((e) => e.earnerId === earner().id)!;
    expect(await earningOf()).toMatchObject({ amountFen: 1_000, state: 'frozen', frozenUntil: new Date(app.clock.now().getTime() + 7 * DAY_MS).toISOString() });
    app.clock.advanceDays(7);
    await app.services.commission.unfreezeDue();
    expect((await earningOf()).state).toBe('available');
    // audited, with no actor
    const audit = await call(app, 'GET', `/api/admin/audit-log?targetType=order&targetId=${order.id}`, { token: owner.token });
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'order.auto_receive')).toHaveLength(1);
  });

  it('the buyer extends the receipt once; the job waits for the new date', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    const shipped = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'jd', trackingNo: 'JD5000000006' }] } });
    const due = new Date(shipped.body.receiveDueAt).getTime();
    // not someone else's order
    expect((await call(app, 'POST', `/api/orders/${order.id}/extend-receipt`, { token: earner().token })).status).toBe(404);
    const extended = await call(app, 'POST', `/api/orders/${order.id}/extend-receipt`, { token: buyer().token });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(new Date(extended.body.receiveDueAt).getTime()).toBe(due + 3 * DAY_MS);
    expect(extended.body.receiveExtendedAt).not.toBeNull();
    const again = await call(app, 'POST', `/api/orders/${order.id}/extend-receipt`, { token: buyer().token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RECEIPT_ALREADY_EXTENDED');
    app.clock.advanceDays(10);
    await app.services.orders.autoReceiveDue();
    expect((await myOrder(order.id)).status).toBe('shipped');
    app.clock.advanceDays(3);
    await app.services.orders.autoReceiveDue();
    expect((await myOrder(order.id)).status).toBe('completed');
    // a completed order is not extendable
    expect((await call(app, 'POST', `/api/orders/${order.id}/extend-receipt`, { token: buyer().token })).body.code).toBe('RECEIPT_NOT_EXTENDABLE');
  });

  it('a refund request waiting for review holds the automatic receipt', async () => {
    const order = await buyAndPay(app, buyer(), [{ skuId, quantity: 1 }]);
    await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'ems', trackingNo: 'EM6000000007' }] } });
    const request = await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, {
      token: buyer().token,
      body: { lines: [{ lineId: order.lines[0].id, amountFen: 10_000 }], reason: '没收到货' },
    });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    app.clock.advanceDays(11);
    await app.services.orders.autoReceiveDue();
    expect((await myOrder(order.id)).status).toBe('shipped');
    const reviewed = await call(app, 'POST', `/api/admin/refund-requests/${request.body.id}/review`, { token: owner.token, body: { approve: false, reason: '物流显示已签收' } });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    await app.services.orders.autoReceiveDue();
    expect((await myOrder(order.id)).status).toBe('completed');
  });
});

describe('parcels off', () => {
  it('autoReceiveDays 0 leaves a shipped order for the buyer or HQ to complete', async () => {
    const app = await startTestApp('pglite', { rules: { order: { autoReceiveDays: 0 } } });
    try {
      const owner = await hqMember(app, 'owner');
      const [, buyer] = await registerChain(app, 2);
      const skuId = (await createProduct(app, owner, [{ priceFen: 500 }])).skus[0]!.id;
      const order = await buyAndPay(app, buyer!, [{ skuId, quantity: 1 }]);
      const shipped = await call(app, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner.token, body: { parcels: [{ carrierCode: 'shentong', trackingNo: 'ST7000000008' }] } });
      expect(shipped.body).toMatchObject({ status: 'shipped', receiveDueAt: null });
      app.clock.advanceDays(60);
      expect((await app.services.orders.autoReceiveDue()).completed).toBe(0);
      expect((await call(app, 'POST', `/api/orders/${order.id}/extend-receipt`, { token: buyer!.token })).body.code).toBe('RECEIPT_NOT_EXTENDABLE');
    } finally {
      await app.close();
    }
  });
});
