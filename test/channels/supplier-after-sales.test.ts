// Suppliers handle the after-sales of their own lines (issue 15): a request wholly on a supplier's
// lines is in its console; it approves a return to its own address, confirms the return arrived, and
// the refund reverses its settlement exactly like any refund. A request that also names HQ's lines,
// and another supplier's request, are not its to see or decide. A supplier that lets a review
// deadline pass is answered for by the job: a return goes to the address it named last (never HQ's),
// or, when it never named one, waits for HQ.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobCatalog } from '../../src/jobs/catalog.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, expectReconciled, key } from '../support/rules-kit.js';

const ADDRESS = { name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
const RETURN_TO = { name: '云岭茶业售后', phone: '0871-66668888', address: '云南省昆明市五华区茶城路 1 号' };
const HQ_RETURNS = { name: '总部退货仓', phone: '021-55558888', address: '上海市青浦区华新镇华志路 100 号' };
const DAY_MS = 86_400_000;

describeEachDatabase('suppliers decide the after-sales of their own lines', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let supplierMember: RegisteredMember;
  let otherSupplier: RegisteredMember;
  let buyer: RegisteredMember;
  let teaSku: number;
  let hqSku: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { freezeDays: 7 }, order: { afterSalesReviewDays: 3, returnAddress: HQ_RETURNS } } });
    owner = await hqMember(app, 'owner');
    supplierMember = await register(app, { nickname: '供应商甲' });
    otherSupplier = await register(app, { nickname: '供应商乙' });
    buyer = await register(app, { nickname: '买家' });
    for (const [m, name] of [[supplierMember, '云岭茶业'], [otherSupplier, '阿克苏果园']] as const) {
      const created = await call(app, 'POST', '/api/admin/suppliers', { token: owner.token, body: { memberId: m.id, companyName: name, platformFeeBp: 500 } });
      expect(created.status).toBe(201);
    }
    const proposal = await call(app, 'POST', '/api/supplier/proposals', { token: supplierMember.token, body: { title: '古树普洱', category: '茶', description: '产地直发', skus: [{ name: '500g', retailPriceFen: 10_000, supplyPriceFen: 6_000, stock: 50 }] } });
    const approved = await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: owner.token });
    teaSku = (await call(app, 'GET', `/api/products/${approved.body.id}`)).body.skus[0].id;
    hqSku = (await createProduct(app, owner, [{ priceFen: 5_000 }], '总部自营')).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  async function paidOrder(items: Array<{ skuId: number; quantity: number }>) {
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: key('sas'), shippingAddress: ADDRESS } });
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    return order.body as { id: number; lines: Array<{ id: number; skuId: number; paidFen: number }> };
  }
  const ask = (orderId: number, body: Record<string, unknown>) => call(app, 'POST', `/api/orders/${orderId}/refund-requests`, { token: buyer.token, body });
  const listOf = async (m: RegisteredMember) => ((await call(app, 'GET', '/api/supplier/refund-requests', { token: m.token })).body.items as Array<{ id: number; status: string }>).map((r) => r.id);

  it('a return on the supplier’s lines: its console sees it, approves it to its address, confirms it; the settlement reverses', async () => {
    const order = await paidOrder([{ skuId: teaSku, quantity: 2 }]);
    const shipped = await call(app, 'POST', `/api/supplier/orders/${order.id}/shipments`, { token: supplierMember.token, body: { carrier: '顺丰', trackingNo: 'SF5550001' } });
    expect(shipped.body.status).toBe('shipped');
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'quality', lines: [{ lineId: order.lines[0]!.id, amountFen: 10_000 }], reason: '一饼受潮' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(await listOf(supplierMember)).toContain(asked.body.id);
    expect(await listOf(otherSupplier)).not.toContain(asked.body.id);
    // another supplier cannot decide it: to them it does not exist
    expect((await call(app, 'POST', `/api/supplier/refund-requests/${asked.body.id}/review`, { token: otherSupplier.token, body: { approve: true, returnAddress: RETURN_TO } })).status).toBe(404);
    // a buyer is no supplier
    expect((await call(app, 'GET', '/api/supplier/refund-requests', { token: buyer.token })).status).toBe(403);
    // the supplier names its own address: HQ's default is not the supplier's
    expect((await call(app, 'POST', `/api/supplier/refund-requests/${asked.body.id}/review`, { token: supplierMember.token, body: { approve: true } })).body.code).toBe('RETURN_ADDRESS_REQUIRED');
    const approved = await call(app, 'POST', `/api/supplier/refund-requests/${asked.body.id}/review`, { token: supplierMember.token, body: { approve: true, returnAddress: RETURN_TO } });
    expect(approved.body).toMatchObject({ status: 'awaiting_return', refundId: null });
    await call(app, 'POST', `/api/refund-requests/${asked.body.id}/return`, { token: buyer.token, body: { carrierCode: 'shunfeng', trackingNo: 'SF5550099' } });
    const received = await call(app, 'POST', `/api/supplier/refund-requests/${asked.body.id}/receive`, { token: supplierMember.token, body: { accept: true } });
    expect(received.body).toMatchObject({ status: 'approved', refundId: expect.any(Number) });

    const detail = await adminOrder(app, owner.token, order.id);
    expect(detail.refundedFen).toBe(10_000);
    // supply 6 000 × 2 = 12 000 less 5 % = 11 400; half the line refunded reverses half of it
    const settlement = detail.earnings.find((e) => (e as unknown as { kind: string }).kind === 'supplier_settlement')!;
    expect(settlement).toMatchObject({ amountFen: 11_400, reversedFen: 5_700 });
    await expectReconciled(app, owner.token);
  });

  it('a request that also names HQ’s lines stays with HQ', async () => {
    const order = await paidOrder([{ skuId: teaSku, quantity: 1 }, { skuId: hqSku, quantity: 1 }]);
    const tea = order.lines.find((l) => l.skuId === teaSku)!;
    const hq = order.lines.find((l) => l.skuId === hqSku)!;
    const mixed = await ask(order.id, { reasonCode: 'not_received', lines: [{ lineId: tea.id, amountFen: 100 }, { lineId: hq.id, amountFen: 100 }], reason: '都没收到' });
    expect(mixed.status).toBe(201);
    expect(await listOf(supplierMember)).not.toContain(mixed.body.id);
    expect((await call(app, 'POST', `/api/supplier/refund-requests/${mixed.body.id}/review`, { token: supplierMember.token, body: { approve: true } })).status).toBe(404);
    const hqDecides = await call(app, 'POST', `/api/admin/refund-requests/${mixed.body.id}/review`, { token: owner.token, body: { approve: true } });
    expect(hqDecides.body).toMatchObject({ status: 'approved' });
  });

  const runDeadlines = () => jobCatalog(app.services).find((j) => j.name === 'orders.after-sales-deadlines')!.run({ attempt: 0, id: 'test', slot: null });
  const requestOf = async (orderId: number) => ((await call(app, 'GET', `/api/admin/refund-requests?orderId=${orderId}`, { token: owner.token })).body.items as Array<Record<string, unknown>>)[0]!;

  it('past the review deadline: a return goes to the address the supplier named last, a refund only is refunded; the settlement reverses', async () => {
    const returned = await paidOrder([{ skuId: teaSku, quantity: 1 }]);
    const refunded = await paidOrder([{ skuId: teaSku, quantity: 1 }]);
    await call(app, 'POST', `/api/supplier/orders/${returned.id}/shipments`, { token: supplierMember.token, body: { carrier: '顺丰', trackingNo: 'SF5550201' } });
    const r = await ask(returned.id, { kind: 'return_refund', reasonCode: 'quality', lines: [{ lineId: returned.lines[0]!.id, amountFen: 10_000 }], reason: '茶饼发霉' });
    await ask(refunded.id, { kind: 'refund_only', reasonCode: 'no_longer_needed', lines: [{ lineId: refunded.lines[0]!.id, amountFen: 10_000 }], reason: '不想要了' });
    expect((await requestOf(returned.id)).reviewDueAt).toBe(new Date(app.clock.now().getTime() + 3 * DAY_MS).toISOString());
    app.clock.advanceDays(3);
    expect(await runDeadlines()).toMatchObject({ approved: 1, awaitingReturn: 1, overdue: 0, refunds: 1 });
    // the supplier's own address from its last approval (the first test), not HQ's
    expect(await requestOf(returned.id)).toMatchObject({ id: r.body.id, status: 'awaiting_return', returnAddress: RETURN_TO });
    const detail = await adminOrder(app, owner.token, refunded.id);
    expect(detail.refundedFen).toBe(10_000);
    const settlement = detail.earnings.find((e) => (e as unknown as { kind: string }).kind === 'supplier_settlement')!;
    // supply 6 000 less 5 % = 5 700, wholly reversed
    expect(settlement).toMatchObject({ amountFen: 5_700, reversedFen: 5_700 });
    await expectReconciled(app, owner.token);
  });

  it('a supplier that never named a return address: its overdue return waits for HQ, with no deadline shown', async () => {
    const proposal = await call(app, 'POST', '/api/supplier/proposals', { token: otherSupplier.token, body: { title: '阿克苏苹果', category: '水果', description: '冰糖心', skus: [{ name: '5kg', retailPriceFen: 8_000, supplyPriceFen: 5_000, stock: 20 }] } });
    const product = await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: owner.token });
    const appleSku = (await call(app, 'GET', `/api/products/${product.body.id}`)).body.skus[0].id;
    const order = await paidOrder([{ skuId: appleSku, quantity: 1 }]);
    await call(app, 'POST', `/api/supplier/orders/${order.id}/shipments`, { token: otherSupplier.token, body: { carrier: '中通', trackingNo: 'ZT5550301' } });
    const asked = await ask(order.id, { kind: 'return_refund', reasonCode: 'damaged', lines: [{ lineId: order.lines[0]!.id, amountFen: 8_000 }], reason: '压坏了' });
    app.clock.advanceDays(3);
    expect(await runDeadlines()).toMatchObject({ awaitingReturn: 0, overdue: 1 });
    expect(await requestOf(order.id)).toMatchObject({ id: asked.body.id, status: 'pending', reviewDueAt: null });
    expect(await runDeadlines()).toMatchObject({ overdue: 0 });
    const audit = await auditLog(app, owner.token, { targetType: 'order', targetId: order.id, action: 'order.refund_request.overdue' });
    expect(audit.map((e) => e.actorId)).toEqual([null]);
    // HQ decides it, to the supplier's address it names
    const decided = await call(app, 'POST', `/api/admin/refund-requests/${asked.body.id}/review`, { token: owner.token, body: { approve: true, returnAddress: { name: '阿克苏果园', phone: '0997-2222333', address: '新疆阿克苏地区阿克苏市果园路 8 号' } } });
    expect(decided.body).toMatchObject({ status: 'awaiting_return' });
  });
});
