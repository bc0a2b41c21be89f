import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleLine } from '../../src/modules/suppliers/settlement.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, confirmReceipt, expectReconciled, key, refund, setRules, unfreeze, withdraw } from '../support/rules-kit.js';

describe('settleLine', () => {
  it('takes the fee rounded down from supply × quantity, and caps at what the line paid', () => {
    // 6001 × 3 = 18003; 5 % = 900.15 → 900
    expect(settleLine({ supplyPriceFen: 6_001, quantity: 3, feeBp: 500, linePaidFen: 30_000 })).toEqual({ supplyFen: 18_003, feeFen: 900, amountFen: 17_103, capped: false });
    expect(settleLine({ supplyPriceFen: 12_000, quantity: 1, feeBp: 500, linePaidFen: 9_000 })).toEqual({ supplyFen: 12_000, feeFen: 600, amountFen: 9_000, capped: true });
    expect(settleLine({ supplyPriceFen: 999, quantity: 1, feeBp: 0, linePaidFen: 999 })).toEqual({ supplyFen: 999, feeFen: 0, amountFen: 999, capped: false });
    expect(settleLine({ supplyPriceFen: 1, quantity: 1, feeBp: 10_000, linePaidFen: 100 }).amountFen).toBe(0);
  });
});

describeEachDatabase('suppliers: proposals, their own orders, settlement through the ledger', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let support: RegisteredMember;
  let memberA: RegisteredMember;
  let memberB: RegisteredMember;
  let buyer: RegisteredMember;
  let supplierA: number;
  let supplierB: number;
  let skuA500: number;
  let skuA1kg: number;
  let skuB: number;
  let skuHq: number;
  const address = { name: '李雷', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
    memberA = await register(app, { nickname: '供应商甲' });
    memberB = await register(app, { nickname: '供应商乙' });
    // the buyer came through supplier A's share link: A is also its distributor
    buyer = await register(app, { inviteCode: memberA.inviteCode, nickname: '买家' });
    skuHq = (await createProduct(app, owner, [{ priceFen: 5_000 }], '总部自营')).skus[0].id;
  });
  afterAll(async () => app?.close());

  async function propose(m: RegisteredMember, title: string, skus: Array<{ name: string; retailPriceFen: number; supplyPriceFen: number; stock: number }>) {
    return call(app, 'POST', '/api/supplier/proposals', { token: m.token, body: { title, category: '供应商', description: '产地直发', skus } });
  }

  async function checkoutAndPay(items: Array<{ skuId: number; quantity: number }>) {
    const order = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: key('sup'), shippingAddress: address } });
    expect(order.status).toBe(201);
    const pay = await call(app, 'POST', `/api/orders/${order.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } });
    return order.body as { id: number; lines: Array<{ id: number; skuId: number; paidFen: number }> };
  }

  it('HQ creates suppliers for members; the member sees the supplier party; others get 403', async () => {
    const a = await call(app, 'POST', '/api/admin/suppliers', { token: operator.token, body: { memberId: memberA.id, companyName: '云岭茶业', contactName: '张三', contactPhone: '13700001111', platformFeeBp: 500 } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ memberId: memberA.id, companyName: '云岭茶业', platformFeeBp: 500, status: 'active' });
    supplierA = a.body.id;
    const b = await call(app, 'POST', '/api/admin/suppliers', { token: owner.token, body: { memberId: memberB.id, companyName: '阿克苏果园', platformFeeBp: 1_000 } });
    expect(b.status).toBe(201);
    supplierB = b.body.id;

    expect((await call(app, 'POST', '/api/admin/suppliers', { token: operator.token, body: { memberId: memberA.id, companyName: '再来一次', platformFeeBp: 0 } })).body.code).toBe('SUPPLIER_EXISTS');
    expect((await call(app, 'POST', '/api/admin/suppliers', { token: operator.token, body: { memberId: 9_999_999, companyName: '无此人', platformFeeBp: 0 } })).status).toBe(422);
    expect((await call(app, 'POST', '/api/admin/suppliers', { token: operator.token, body: { memberId: buyer.id, companyName: '费率', platformFeeBp: 10_001 } })).status).toBe(400);
    expect((await call(app, 'POST', '/api/admin/suppliers', { token: finance.token, body: { memberId: buyer.id, companyName: '财务无权', platformFeeBp: 0 } })).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/suppliers', { token: memberA.token })).status).toBe(403);

    const list = await call(app, 'GET', '/api/admin/suppliers', { token: finance.token });
    expect(list.status).toBe(200);
    // finance sees phones masked
    expect(list.body.items.find((s: { id: number }) => s.id === supplierA).contactPhone).toBe('137****1111');

    const me = await call(app, 'GET', '/api/me', { token: memberA.token });
    expect(me.body.parties).toContainEqual({ kind: 'supplier', id: supplierA, name: '云岭茶业' });
    expect((await call(app, 'GET', '/api/me', { token: buyer.token })).body.parties).toEqual([]);
    const notSupplier = await call(app, 'GET', '/api/supplier/products', { token: buyer.token });
    expect([notSupplier.status, notSupplier.body.code]).toEqual([403, 'NOT_A_SUPPLIER']);
    expect((await call(app, 'GET', '/api/supplier/orders', { token: owner.token })).status).toBe(403);
  });

  it('proposal → HQ approval → the product is on sale and mapped to the supplier; rejection carries a reason', async () => {
    const before = await app.services.db.selectFrom('supplier_proposals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const above = await propose(memberA, '普洱', [{ name: '500g', retailPriceFen: 1_000, supplyPriceFen: 1_001, stock: 1 }]);
    expect([above.status, above.body.code]).toEqual([422, 'SUPPLY_ABOVE_RETAIL']);
    const twice = await propose(memberA, '普洱', [{ name: '500g', retailPriceFen: 1_000, supplyPriceFen: 1, stock: 1 }, { name: '500g', retailPriceFen: 2_000, supplyPriceFen: 1, stock: 1 }]);
    expect([twice.status, twice.body.code]).toEqual([400, 'SKU_NAME_REPEATED']);
    expect((await propose(buyer, '冒充', [{ name: 'x', retailPriceFen: 100, supplyPriceFen: 50, stock: 1 }])).status).toBe(403);
    const after = await app.services.db.selectFrom('supplier_proposals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const proposal = await propose(memberA, '古树普洱', [
      { name: '500g', retailPriceFen: 10_000, supplyPriceFen: 6_001, stock: 50 },
      { name: '1kg', retailPriceFen: 19_000, supplyPriceFen: 12_000, stock: 20 },
    ]);
    expect(proposal.status).toBe(201);
    expect(proposal.body.status).toBe('pending');
    const pendingForHq = await call(app, 'GET', '/api/admin/supplier-proposals?status=pending', { token: operator.token });
    expect(pendingForHq.body.items.map((p: { id: number }) => p.id)).toContain(proposal.body.id);
    expect((await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: memberA.token })).status).toBe(403);

    const approved = await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: operator.token });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('on_sale');
    const product = await call(app, 'GET', `/api/products/${approved.body.id}`);
    expect(product.body).toMatchObject({ title: '古树普洱', status: 'on_sale' });
    skuA500 = product.body.skus.find((s: { name: string }) => s.name === '500g').id;
    skuA1kg = product.body.skus.find((s: { name: string }) => s.name === '1kg').id;
    expect((await call(app, 'POST', `/api/admin/supplier-proposals/${proposal.body.id}/approve`, { token: operator.token })).body.code).toBe('PROPOSAL_REVIEWED');

    const mine = await call(app, 'GET', '/api/supplier/products', { token: memberA.token });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].skus.map((s: { supplyPriceFen: number }) => s.supplyPriceFen).sort()).toEqual([12_000, 6_001]);
    const proposals = await call(app, 'GET', '/api/supplier/proposals', { token: memberA.token });
    expect(proposals.body.items[0]).toMatchObject({ id: proposal.body.id, status: 'approved', productId: approved.body.id });

    const rejected = await propose(memberA, '来历不明的茶', [{ name: '散装', retailPriceFen: 3_000, supplyPriceFen: 1_000, stock: 5 }]);
    expect((await call(app, 'POST', `/api/admin/supplier-proposals/${rejected.body.id}/reject`, { token: operator.token, body: { reason: '缺少检测报告' } })).status).toBe(200);
    const seen = await call(app, 'GET', '/api/supplier/proposals?status=rejected', { token: memberA.token });
    expect(seen.body.items).toEqual([expect.objectContaining({ id: rejected.body.id, status: 'rejected', rejectReason: '缺少检测报告', productId: null })]);
    // supplier B sees none of A's proposals
    expect((await call(app, 'GET', '/api/supplier/proposals', { token: memberB.token })).body.items).toEqual([]);

    const apples = await propose(memberB, '冰糖心苹果', [{ name: '5kg', retailPriceFen: 6_000, supplyPriceFen: 4_000, stock: 100 }]);
    const approvedB = await call(app, 'POST', `/api/admin/supplier-proposals/${apples.body.id}/approve`, { token: owner.token });
    skuB = approvedB.body.skus[0].id;
  });

  it('a supplier sets the stock of its own SKUs only', async () => {
    const set = await call(app, 'PATCH', `/api/supplier/skus/${skuA500}`, { token: memberA.token, body: { stock: 77 } });
    expect(set.status).toBe(200);
    expect(set.body.skus.find((s: { id: number }) => s.id === skuA500).stock).toBe(77);
    expect((await call(app, 'PATCH', `/api/supplier/skus/${skuB}`, { token: memberA.token, body: { stock: 0 } })).status).toBe(404);
    expect((await call(app, 'PATCH', `/api/supplier/skus/${skuHq}`, { token: memberA.token, body: { stock: 0 } })).status).toBe(404);
    expect((await call(app, 'PATCH', `/api/supplier/skus/${skuA500}`, { token: memberA.token, body: { stock: -1 } })).status).toBe(400);
    expect((await call(app, 'GET', `/api/products/${(await call(app, 'GET', '/api/supplier/products', { token: memberB.token })).body.items[0].id}`)).body.skus[0].stock).toBe(100);
  });

  let settledOrder: { id: number; lines: Array<{ id: number; skuId: number; paidFen: number }> };

  it('pays the supplier supply × quantity minus the fee (rounded down) on payment; a supplier who is a distributor earns both', async () => {
    settledOrder = await checkoutAndPay([{ skuId: skuA500, quantity: 3 }]);
    const order = await adminOrder(app, owner.token, settledOrder.id);
    const byKind = Object.fromEntries(order.earnings.map((e) => [(e as unknown as { kind: string }).kind, e]));
    expect(byKind.supplier_settlement).toMatchObject({ earnerId: memberA.id, amountFen: 17_103, baseFen: 18_003, state: 'pending' });
    // A referred the buyer: level-1 commission of 10 % on the ¥300 line
    expect(byKind.distribution).toMatchObject({ earnerId: memberA.id, amountFen: 3_000 });
    const summary = await call(app, 'GET', '/api/me/commission/summary', { token: memberA.token });
    expect(summary.body.pendingFen).toBe(20_103);

    const settlements = await call(app, 'GET', '/api/supplier/settlements', { token: memberA.token });
    expect(settlements.body.items[0]).toMatchObject({ orderId: settledOrder.id, amountFen: 17_103, reversedFen: 0, netFen: 17_103, states: ['pending'] });
    expect(settlements.body.items[0].lines[0]).toMatchObject({ supplyFen: 18_003, feeBp: 500, feeFen: 900, amountFen: 17_103, capped: false, quantity: 3 });
    const me = await call(app, 'GET', '/api/supplier/me', { token: memberA.token });
    expect(me.body.settlements).toMatchObject({ pendingFen: 17_103, frozenFen: 0, availableFen: 0, feeFen: 900 });
    expect((await call(app, 'GET', '/api/supplier/settlements', { token: memberB.token })).body.items).toEqual([]);
    await expectReconciled(app, owner.token);
  });

  it('caps a settlement at what the line paid after discounts', async () => {
    await setRules(app, owner, { order: { fullReduction: [{ thresholdFen: 19_000, offFen: 10_000 }] } });
    const order = await checkoutAndPay([{ skuId: skuA1kg, quantity: 1 }]);
    expect(order.lines[0].paidFen).toBe(9_000);
    const settlement = (await adminOrder(app, owner.token, order.id)).earnings.find((e) => (e as unknown as { kind: string }).kind === 'supplier_settlement');
    // 12 000 − 5 % = 11 400, but the line paid only 9 000
    expect(settlement).toMatchObject({ amountFen: 9_000, baseFen: 12_000 });
    const lines = (await call(app, 'GET', '/api/supplier/settlements', { token: memberA.token })).body.items.find((i: { orderId: number }) => i.orderId === order.id).lines;
    expect(lines[0]).toMatchObject({ feeFen: 600, amountFen: 9_000, capped: true });
    await setRules(app, owner, {});
    await expectReconciled(app, owner.token);
  });

  it('shows a supplier only its own lines of its own orders, with the consignee when it ships', async () => {
    const mixed = await checkoutAndPay([{ skuId: skuA500, quantity: 1 }, { skuId: skuHq, quantity: 2 }, { skuId: skuB, quantity: 1 }]);
    const seenByA = await call(app, 'GET', `/api/supplier/orders/${mixed.id}`, { token: memberA.token });
    expect(seenByA.status).toBe(200);
    expect(seenByA.body.lines.map((l: { skuId: number }) => l.skuId)).toEqual([skuA500]);
    expect(seenByA.body.mixed).toBe(true);
    expect(seenByA.body.shippingAddress).toMatchObject({ name: '李雷', phone: '13912345678' });
    expect(seenByA.body).not.toHaveProperty('paidFen');
    const seenByB = await call(app, 'GET', `/api/supplier/orders/${mixed.id}`, { token: memberB.token });
    expect(seenByB.body.lines.map((l: { skuId: number }) => l.skuId)).toEqual([skuB]);
    // lists say who (masked) and where to, never the phone or the street; and only my lines, with their SKU
    const listA = await call(app, 'GET', '/api/supplier/orders', { token: memberA.token });
    const listed = listA.body.items.find((o: { id: number }) => o.id === mixed.id);
    expect(listed.consignee).toEqual({ name: '李*', province: expect.any(String), city: expect.any(String), district: expect.any(String) });
    expect(listed).not.toHaveProperty('shippingAddress');
    expect(JSON.stringify(listed)).not.toContain('13912345678');
    expect(listed.lines.map((l: { skuId: number; skuName: string; quantity: number }) => [l.skuId, l.skuName, l.quantity])).toEqual([[skuA500, '500g', 1]]);

    // B never sees A's orders
    expect((await call(app, 'GET', `/api/supplier/orders/${settledOrder.id}`, { token: memberB.token })).status).toBe(404);
    expect((await call(app, 'POST', `/api/supplier/orders/${settledOrder.id}/shipments`, { token: memberB.token, body: { carrier: '顺丰', trackingNo: 'SF0001' } })).status).toBe(404);
    const listB = await call(app, 'GET', '/api/supplier/orders', { token: memberB.token });
    expect(listB.body.items.map((o: { id: number }) => o.id)).not.toContain(settledOrder.id);
    // an HQ-only order is nobody's
    const hqOnly = await checkoutAndPay([{ skuId: skuHq, quantity: 1 }]);
    expect((await call(app, 'GET', `/api/supplier/orders/${hqOnly.id}`, { token: memberA.token })).status).toBe(404);
  });

  it('ships a wholly-own order; a mixed order ships when HQ (or every supplier in it) has', async () => {
    const shipped = await call(app, 'POST', `/api/supplier/orders/${settledOrder.id}/shipments`, { token: memberA.token, body: { carrier: '顺丰', trackingNo: 'SF1234567890' } });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ status: 'shipped', shipment: { carrier: '顺丰', trackingNo: 'SF1234567890' } });
    expect((await call(app, 'POST', `/api/supplier/orders/${settledOrder.id}/shipments`, { token: memberA.token, body: { carrier: '顺丰', trackingNo: 'SF1234567891' } })).status).toBe(409);

    const withHq = await checkoutAndPay([{ skuId: skuA500, quantity: 1 }, { skuId: skuHq, quantity: 1 }]);
    const parcel = await call(app, 'POST', `/api/supplier/orders/${withHq.id}/shipments`, { token: memberA.token, body: { carrier: '中通', trackingNo: 'ZT778899' } });
    expect(parcel.body).toMatchObject({ status: 'paid', shipment: { trackingNo: 'ZT778899' } });

    const twoSuppliers = await checkoutAndPay([{ skuId: skuA500, quantity: 1 }, { skuId: skuB, quantity: 1 }]);
    expect((await call(app, 'POST', `/api/supplier/orders/${twoSuppliers.id}/shipments`, { token: memberA.token, body: { carrier: '中通', trackingNo: 'ZT1001' } })).body.status).toBe('paid');
    expect((await call(app, 'POST', `/api/supplier/orders/${twoSuppliers.id}/shipments`, { token: memberB.token, body: { carrier: '韵达', trackingNo: 'YD2002' } })).body.status).toBe('shipped');
    expect((await call(app, 'POST', `/api/supplier/orders/${twoSuppliers.id}/shipments`, { token: memberB.token, body: { carrier: '韵达', trackingNo: 'bad number!' } })).status).toBe(400);
  });

  it('a partial refund reverses the settlement in proportion; completion freezes it; after the freeze days it becomes available and can be withdrawn', async () => {
    const lineId = settledOrder.lines[0].id;
    expect((await refund(app, support, settledOrder.id, [{ lineId, amountFen: 7_000 }])).status).toBe(201);
    const refunds = (await adminOrder(app, owner.token, settledOrder.id)).refunds;
    expect(refunds[0].status).toBe('succeeded');
    // floor(17 103 × 7 000 ÷ 30 000) = floor(3 990.7) = 3 990
    let item = (await call(app, 'GET', '/api/supplier/settlements', { token: memberA.token })).body.items.find((i: { orderId: number }) => i.orderId === settledOrder.id);
    expect(item).toMatchObject({ amountFen: 17_103, reversedFen: 3_990, netFen: 13_113 });

    await confirmReceipt(app, buyer, settledOrder.id);
    item = (await call(app, 'GET', '/api/supplier/settlements?state=frozen', { token: memberA.token })).body.items.find((i: { orderId: number }) => i.orderId === settledOrder.id);
    expect(item.states).toEqual(['frozen']);
    expect(new Date(item.frozenUntil).getTime()).toBe(app.clock.now().getTime() + 7 * 86_400_000);
    expect((await unfreeze(app, finance)).earnings).toBe(0);

    app.clock.advanceDays(8);
    expect((await unfreeze(app, finance)).earnings).toBeGreaterThan(0);
    const me = await call(app, 'GET', '/api/supplier/me', { token: memberA.token });
    expect(me.body.settlements.availableFen).toBe(13_113);
    // plus A's distribution commission on the same order (3 000 − 700 reversed)
    expect(me.body.settlements.balances.availableFen).toBe(13_113 + 2_300);

    const payout = await withdraw(app, memberA, 10_000);
    expect(payout.status).toBe(201);
    expect((await call(app, 'GET', '/api/me/commission/summary', { token: memberA.token })).body.withdrawingFen).toBe(10_000);
    await expectReconciled(app, owner.token);
  });

  it('a suspended supplier cannot propose or change stock, but keeps its console and settlements', async () => {
    expect((await call(app, 'PATCH', `/api/admin/suppliers/${supplierB}`, { token: operator.token, body: { status: 'suspended' } })).body.status).toBe('suspended');
    expect((await propose(memberB, '梨', [{ name: '5kg', retailPriceFen: 5_000, supplyPriceFen: 3_000, stock: 1 }])).body.code).toBe('SUPPLIER_SUSPENDED');
    expect((await call(app, 'PATCH', `/api/supplier/skus/${skuB}`, { token: memberB.token, body: { stock: 1 } })).status).toBe(403);
    expect((await call(app, 'GET', '/api/supplier/settlements', { token: memberB.token })).status).toBe(200);
    const audit = await call(app, 'GET', '/api/admin/audit-log?limit=50', { token: owner.token });
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['supplier.create', 'supplier.update', 'supplier.proposal.approve', 'supplier.proposal.reject']));
    await expectReconciled(app, owner.token);
  });

  it('documents every supplier route in the OpenAPI schema', async () => {
    const spec = await call(app, 'GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/admin/suppliers', '/api/admin/supplier-proposals/{id}/approve', '/api/supplier/orders/{id}/shipments', '/api/supplier/settlements']));
  });
});
