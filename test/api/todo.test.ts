// The dashboard's 待办 (issue 17): GET /api/admin/todo counts what waits for an HQ decision, and gives each
// role only the items it can act on (the guard of the route that decides it). One of each waiting thing is
// made through the API as its people make it — an application, an order to ship, a risk hold, after-sales
// requests and a return, a failed refund, withdrawals (one failed, one above the two-person line), an
// adjustment for a second approver, a supplier's proposal, a dealer's restock, a points-mall exchange — and
// each count goes up with it and down when the right role acts on it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, settled, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { credit, devNotify, key, withdraw } from '../support/rules-kit.js';

const ADDRESS = { name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
const RETURN_TO = { name: '退货仓', phone: '0755-88886666', address: '广东省深圳市南山区科技园南路 88 号' };
const RISK_OFF = { linkedBuyer: { enabled: true }, sharedSignal: { enabled: false }, refundRate: { enabled: false }, refundBurst: { enabled: false }, dailyCommission: { enabled: false } };
const ALL_KEYS = ['ordersToShip', 'refundRequestsToReview', 'returnsToReceive', 'refundsFailed', 'payoutsToReview', 'payoutsFailed', 'approvalsAwaiting', 'riskHolds', 'heldEarnings', 'restocksToConfirm', 'applicationsToReview', 'proposalsToReview', 'redemptionsToFulfil'];

type Role = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';

describeEachDatabase('the dashboard 待办', (kind) => {
  let app: TestApp;
  const hq = {} as Record<Role | 'finance2', RegisteredMember>;
  let earner: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, {
      rules: { distributor: { mode: 'application' }, commission: { freezeDays: 7 }, payout: { minAmountFen: 100, feeBp: 0, dailyCountLimit: 100, autoApproveMaxFen: 0, channels: ['alipay', 'bank'] } },
    });
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as const) hq[role] = await hqMember(app, role);
    hq.finance2 = await hqMember(app, 'finance');
    earner = await register(app, { nickname: '分销员' });
    buyer = await register(app, { inviteCode: earner.inviteCode, nickname: '买家' });
    skuId = (await createProduct(app, hq.owner, [{ priceFen: 10_000, stock: 1_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const todo = async (m: RegisteredMember): Promise<Record<string, number>> => {
    const res = await call(app, 'GET', '/api/admin/todo', { token: m.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return Object.fromEntries((res.body.items as Array<{ key: string; count: number }>).map((i) => [i.key, i.count]));
  };
  const countOf = async (k: string, m: RegisteredMember = hq.owner) => (await todo(m))[k];
  const ok = (res: { status: number; body: unknown }, status = 200) => expect(res.status, JSON.stringify(res.body)).toBe(status);
  const paidOrder = async () => (await buyAndPay(app, buyer, [{ skuId, quantity: 1 }])) as { id: number; outTradeNo: string; lines: Array<{ id: number; paidFen: number }> };
  const ship = async (orderId: number) => ok(await call(app, 'POST', `/api/admin/orders/${orderId}/ship`, { token: hq.support.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: `SF${orderId}00000` }] } }));
  const ask = (orderId: number, body: Record<string, unknown>) => call(app, 'POST', `/api/orders/${orderId}/refund-requests`, { token: buyer.token, body: { reasonCode: 'damaged', reason: '外箱压坏', ...body } });

  it('gives each role only what it acts on: all of it for the owner, none for the auditor; a member without an HQ role gets 403', async () => {
    expect(await todo(hq.owner)).toEqual(Object.fromEntries(ALL_KEYS.map((k) => [k, 0])));
    expect(Object.keys(await todo(hq.finance))).toEqual(['payoutsToReview', 'payoutsFailed', 'approvalsAwaiting', 'riskHolds', 'heldEarnings', 'restocksToConfirm']);
    expect(Object.keys(await todo(hq.support))).toEqual(['ordersToShip', 'refundRequestsToReview', 'returnsToReceive', 'refundsFailed']);
    expect(Object.keys(await todo(hq.operator))).toEqual(['ordersToShip', 'applicationsToReview', 'proposalsToReview', 'redemptionsToFulfil']);
    expect(await todo(hq.auditor)).toEqual({});
    expect((await call(app, 'GET', '/api/admin/todo', { token: buyer.token })).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/todo')).status).toBe(401);
  });

  it('a distributor application waits for operators until reviewed', async () => {
    ok(await call(app, 'POST', '/api/me/distributor-application', { token: earner.token, body: { note: '想推广' } }), 201);
    expect(await countOf('applicationsToReview', hq.operator)).toBe(1);
    const [application] = (await call(app, 'GET', '/api/admin/distributor-applications', { token: hq.operator.token })).body.items;
    ok(await call(app, 'POST', `/api/admin/distributor-applications/${application.id}/review`, { token: hq.operator.token, body: { approve: true } }), 204);
    expect(await countOf('applicationsToReview', hq.operator)).toBe(0);
  });

  it('a paid order waits to be shipped; its earning held by a risk rule waits for finance, both lower when acted on', async () => {
    ok(await call(app, 'PUT', '/api/admin/risk/rules', { token: hq.finance.token, body: { config: { ...RISK_OFF, dailyCommission: { enabled: true, maxFen: 1 } }, note: 'test' } }), 201);
    const order = await paidOrder();
    ok(await call(app, 'PUT', '/api/admin/risk/rules', { token: hq.finance.token, body: { config: RISK_OFF, note: 'test' } }), 201);
    expect(await todo(hq.owner)).toMatchObject({ ordersToShip: 1, riskHolds: 1, heldEarnings: 1 });
    // the list behind each card shows exactly those rows
    expect((await call(app, 'GET', '/api/admin/commission/earnings?held=true', { token: hq.finance.token })).body.items.map((e: { orderId: number }) => e.orderId)).toEqual([order.id]);
    await ship(order.id);
    expect(await countOf('ordersToShip', hq.support)).toBe(0);
    const [hold] = (await call(app, 'GET', '/api/admin/risk/holds?status=held', { token: hq.finance.token })).body.items;
    ok(await call(app, 'POST', `/api/admin/risk/holds/${hold.id}/release`, { token: hq.finance.token, body: { reason: '核实为正常订单' } }));
    expect(await todo(hq.finance)).toMatchObject({ riskHolds: 0, heldEarnings: 0 });
  });

  it('after-sales: a request waits for review (its earning held), a return on its way back for receipt', async () => {
    const refundOnly = await paidOrder();
    await ship(refundOnly.id);
    ok(await ask(refundOnly.id, { kind: 'refund_only', lines: [{ lineId: refundOnly.lines[0]!.id, amountFen: 2_000 }] }), 201);
    expect(await todo(hq.owner)).toMatchObject({ refundRequestsToReview: 1, heldEarnings: 1 });
    const [pending] = (await call(app, 'GET', '/api/admin/refund-requests?status=pending', { token: hq.support.token })).body.items;
    ok(await call(app, 'POST', `/api/admin/refund-requests/${pending.id}/review`, { token: hq.support.token, body: { approve: true } }));
    await settled(app);
    expect(await todo(hq.owner)).toMatchObject({ refundRequestsToReview: 0, heldEarnings: 0 });

    const ret = await paidOrder();
    await ship(ret.id);
    const asked = await ask(ret.id, { kind: 'return_refund', lines: [{ lineId: ret.lines[0]!.id, amountFen: ret.lines[0]!.paidFen }] });
    ok(await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: hq.support.token, body: { approve: true, returnAddress: RETURN_TO } }));
    // approved: now the buyer has to send it, nothing waits for HQ
    expect(await todo(hq.support)).toMatchObject({ refundRequestsToReview: 0, returnsToReceive: 0 });
    ok(await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer.token, body: { carrierCode: 'zhongtong', trackingNo: 'ZT0099887766' } }));
    expect(await countOf('returnsToReceive', hq.support)).toBe(1);
    ok(await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/receive`, { token: hq.support.token, body: { accept: true } }));
    expect(await countOf('returnsToReceive', hq.support)).toBe(0);
  });

  it('a refund the provider failed waits for support until the order is refunded again', async () => {
    const order = await paidOrder();
    await ship(order.id);
    const line = order.lines[0]!;
    const { refund } = await app.services.orders.createRefund(hq.support.id, order.id, { lines: [{ lineId: line.id, amountFen: 3_000 }], reason: '少发一件', idempotencyKey: key('rf') });
    const failed = await devNotify(app, { eventId: `refund-${refund.refund_no}-ABNORMAL`, kind: 'refund', outTradeNo: order.outTradeNo, refundNo: refund.refund_no, amountFen: 3_000, status: 'FAIL' });
    expect(failed.body.outcome).toBe('applied');
    expect(await countOf('refundsFailed', hq.support)).toBe(1);
    expect((await call(app, 'GET', '/api/admin/refunds?status=failed', { token: hq.support.token })).body.items.map((r: { id: number }) => r.id)).toEqual([refund.id]);
    ok(await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: hq.support.token, body: { lines: [{ lineId: line.id, amountFen: 3_000 }], reason: '再退一次', idempotencyKey: key('rf') } }), 201);
    expect(await countOf('refundsFailed', hq.support)).toBe(0);
  });

  it('withdrawals wait for review, a failed one for a retry, one above the line for a second approver other than the first', async () => {
    await credit(app, hq.finance, earner.id, 800_000);
    const small = (await withdraw(app, earner, 10_000)).body;
    expect(await countOf('payoutsToReview', hq.finance)).toBe(1);
    expect((await call(app, 'GET', '/api/admin/payouts?status=reviewing&firstApproved=false', { token: hq.finance.token })).body.items.map((p: { id: number }) => p.id)).toEqual([small.id]);
    app.payoutProvider.failNext = 1;
    ok(await call(app, 'POST', `/api/admin/payouts/${small.id}/approve`, { token: hq.finance.token }));
    expect(await todo(hq.finance)).toMatchObject({ payoutsToReview: 0, payoutsFailed: 1 });
    ok(await call(app, 'POST', `/api/admin/payouts/${small.id}/retry`, { token: hq.finance.token }));
    expect(await countOf('payoutsFailed', hq.finance)).toBe(0);

    // above ¥5,000: the first approval moves it from review to 待我审批 — for everyone but its first approver
    const big = (await withdraw(app, earner, 600_000)).body;
    ok(await call(app, 'POST', `/api/admin/payouts/${big.id}/approve`, { token: hq.finance.token }));
    expect(await todo(hq.finance)).toMatchObject({ payoutsToReview: 0, approvalsAwaiting: 0 });
    expect(await countOf('approvalsAwaiting', hq.finance2)).toBe(1);
    ok(await call(app, 'POST', `/api/admin/payouts/${big.id}/approve`, { token: hq.finance2.token }));
    expect(await countOf('approvalsAwaiting', hq.owner)).toBe(0);
  });

  it('an adjustment above the line waits for a second approver, not for its maker', async () => {
    const filed = await call(app, 'POST', '/api/admin/adjustments', { token: hq.finance.token, body: { memberId: earner.id, amountFen: 150_000, reason: '大额活动奖励', idempotencyKey: key('adj') } });
    ok(filed, 202);
    expect([await countOf('approvalsAwaiting', hq.finance), await countOf('approvalsAwaiting', hq.finance2), await countOf('approvalsAwaiting', hq.owner)]).toEqual([0, 1, 1]);
    ok(await call(app, 'POST', `/api/admin/adjustment-approvals/${filed.body.id}/approve`, { token: hq.finance2.token, body: {} }));
    expect(await countOf('approvalsAwaiting', hq.owner)).toBe(0);
  });

  it("a supplier's proposal, a dealer's restock and a points-mall exchange wait for their HQ roles", async () => {
    const supplierMember = await register(app, { nickname: '供应商' });
    ok(await call(app, 'POST', '/api/admin/suppliers', { token: hq.operator.token, body: { memberId: supplierMember.id, companyName: '云岭茶业', platformFeeBp: 500 } }), 201);
    const proposal = await call(app, 'POST', '/api/supplier/proposals', { token: supplierMember.token, body: { title: '普洱', category: '茶', skus: [{ name: '357g', retailPriceFen: 9_900, supplyPriceFen: 6_000, stock: 10 }] } });
    ok(proposal, 201);
    expect(await countOf('proposalsToReview', hq.operator)).toBe(1);
    ok(await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: hq.operator.token }));
    expect(await countOf('proposalsToReview', hq.operator)).toBe(0);

    const dealerMember = await register(app, { nickname: '订货商' });
    const tier = await call(app, 'POST', '/api/admin/dealer-tiers', { token: hq.owner.token, body: { name: '市级', discountBp: 2_000, rewardMode: 'price_difference' } });
    ok(await call(app, 'POST', '/api/admin/dealers', { token: hq.owner.token, body: { memberId: dealerMember.id, shopName: '南山茶铺', tierId: tier.body.id } }), 201);
    const restock = await call(app, 'POST', '/api/dealer/restocks', { token: dealerMember.token, body: { items: [{ skuId, quantity: 5 }], clientKey: key('rs') } });
    ok(restock, 201);
    expect(await countOf('restocksToConfirm', hq.finance)).toBe(1);
    ok(await call(app, 'POST', `/api/admin/dealer-restocks/${restock.body.id}/confirm-payment`, { token: hq.finance.token, body: { paymentRef: 'BANK-1' } }));
    expect(await countOf('restocksToConfirm', hq.finance)).toBe(0);

    const item = await call(app, 'POST', '/api/admin/loyalty/mall/items', { token: hq.operator.token, body: { kind: 'goods', title: '保温杯', pointsPrice: 100, stock: 5, skuId, perMemberLimit: 5 } });
    ok(item, 201);
    ok(await call(app, 'POST', '/api/admin/loyalty/points-adjustments', { token: hq.operator.token, body: { memberId: buyer.id, points: 100, reason: '测试积分', idempotencyKey: key('pa') } }));
    const redemption = await call(app, 'POST', '/api/me/mall/redemptions', { token: buyer.token, body: { itemId: item.body.id, clientKey: key('ex'), shippingAddress: ADDRESS } });
    ok(redemption, 201);
    expect(await countOf('redemptionsToFulfil', hq.operator)).toBe(1);
    ok(await call(app, 'POST', `/api/admin/loyalty/redemptions/${redemption.body.redemption.id}/fulfil`, { token: hq.operator.token, body: { trackingNo: 'SF123' } }));
    expect(await countOf('redemptionsToFulfil', hq.operator)).toBe(0);
  });
});
