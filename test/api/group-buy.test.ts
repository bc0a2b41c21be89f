// 拼团 (issue 19): a member opens a group at the group price (it opens when the opener pays), others
// join through the opener's share (bound to the opener as the binding rules say) and the Nth payment
// succeeds the group; its orders do not ship before. A group whose time runs out fails and every
// paid member is refunded in full through the payment rail, once, with commission reversed exactly;
// with 模拟成团 on it succeeds instead, audited as the system. On PostgreSQL, more joiners than places
// at once get exactly the places there are: the rest are refused at checkout (GROUP_FULL).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobCatalog } from '../../src/jobs/catalog.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, expectReconciled, key, payDev, referrerIdOf } from '../support/rules-kit.js';

const HOUR_MS = 3_600_000;
const PRICE_FEN = 10_000;
const GROUP_PRICE_FEN = 8_000;

describeEachDatabase('group buying (拼团)', (kind) => {
  let app: TestApp;
  let operator: RegisteredMember;
  let owner: RegisteredMember;
  let top: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { order: { shippingFen: 600 } } });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    top = await register(app, { nickname: '上级' });
  });
  afterAll(async () => app?.close());

  /** A product of its own (offers on one product may not overlap) and an offer running from now. */
  const offer = async (overrides: Record<string, unknown> = {}, skuCount = 1) => {
    const product = await createProduct(app, owner, Array.from({ length: skuCount }, () => ({ priceFen: PRICE_FEN })), `拼团商品${key('p')}`);
    const skuIds = product.skus.map((s) => s.id);
    const res = await call(app, 'POST', '/api/admin/group-buys', { token: operator.token, body: { ...offerBody(...skuIds), productId: product.id, ...overrides } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as number, skuId: skuIds[0]!, skuIds };
  };
  const offerBody = (...skuIds: number[]) => {
    const now = app.clock.now().getTime();
    return { title: '三人团', skus: skuIds.map((skuId) => ({ skuId, groupPriceFen: GROUP_PRICE_FEN })), groupSize: 3, timeLimitHours: 24, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 30 * 24 * HOUR_MS).toISOString() };
  };
  const checkout = (buyer: RegisteredMember, o: { id: number; skuId: number }, groupId?: number, sharer?: RegisteredMember) =>
    call(app, 'POST', '/api/orders', {
      token: buyer.token,
      body: { items: [{ skuId: o.skuId, quantity: 1 }], checkoutKey: key('gb'), campaign: { kind: 'group_buy', id: o.id, ...(groupId ? { groupId } : {}) }, ...(sharer ? { sharerInviteCode: sharer.inviteCode } : {}) },
    });
  const ordered = async (buyer: RegisteredMember, o: { id: number; skuId: number }, groupId?: number, sharer?: RegisteredMember) => {
    const res = await checkout(buyer, o, groupId, sharer);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; payableFen: number };
  };
  const mine = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/group-buys', { token: m.token })).body.items as Array<{ id: number; status: string; memberStatus: string; orderId: number }>;
  const group = async (id: number) => (await call(app, 'GET', `/api/group-buy-groups/${id}`)).body;
  /** An opener who paid: the group is open. */
  const opened = async (o: { id: number; skuId: number }, opener: RegisteredMember) => {
    const order = await ordered(opener, o);
    await payDev(app, opener, order.id);
    const groupId = (await mine(opener))[0]!.id;
    return { groupId, orderId: order.id };
  };
  const ship = (orderId: number) => call(app, 'POST', `/api/admin/orders/${orderId}/ship`, { token: owner.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: `SF${orderId}0000` }] } });
  const settle = async () => (await jobCatalog(app.services).find((j) => j.name === 'group-buys.settle')!.run({ attempt: 0, id: 'test', slot: null })) as { succeeded: number; failed: number; closed: number; refunds: number };

  it('opens when the opener pays, joiners through the share hold places, the Nth payment succeeds the group; nothing ships before', async () => {
    const o = await offer();
    const opener = await register(app, { inviteCode: top.inviteCode, nickname: '团长' });
    const quote = await call(app, 'POST', '/api/orders/quote', { token: opener.token, body: { items: [{ skuId: o.skuId, quantity: 1 }], campaign: { kind: 'group_buy', id: o.id } } });
    expect(quote.body).toMatchObject({ goodsFen: GROUP_PRICE_FEN, payableFen: GROUP_PRICE_FEN + 600 });
    const openerOrder = await ordered(opener, o);
    const pending = (await mine(opener))[0]!;
    expect(pending).toMatchObject({ status: 'pending', memberStatus: 'unpaid', orderId: openerOrder.id });
    // the share link carries the opener's code: joiners who register through it are bound to the opener
    const [b, c, d] = [await register(app, { inviteCode: opener.inviteCode, nickname: '团员乙' }), await register(app, { inviteCode: opener.inviteCode, nickname: '团员丙' }), await register(app, { inviteCode: opener.inviteCode, nickname: '团员丁' })];
    expect(await referrerIdOf(app, b)).toBe(opener.id);
    expect((await checkout(b, o, pending.id, opener)).body.code).toBe('GROUP_NOT_OPEN');
    expect((await checkout(b, o, 999_999, opener)).body.code).toBe('GROUP_BUY_GROUP_NOT_FOUND');

    await payDev(app, opener, openerOrder.id);
    const open = await group(pending.id);
    expect(open).toMatchObject({ status: 'open', slotsLeft: 2, joinable: true, openerInviteCode: opener.inviteCode, expiresAt: new Date(app.clock.now().getTime() + 24 * HOUR_MS).toISOString(), members: [{ nickname: '团*', isOpener: true }] });
    expect((await ship(openerOrder.id)).body.code).toBe('GROUP_BUY_PENDING');

    const bOrder = await ordered(b, o, pending.id, opener);
    const cOrder = await ordered(c, o, pending.id, opener);
    // places are held from checkout: the third joiner finds none
    expect((await checkout(d, o, pending.id, opener)).body.code).toBe('GROUP_FULL');
    expect((await checkout(b, o, pending.id, opener)).body.code).toBe('GROUP_ALREADY_JOINED');
    expect((await checkout(opener, o)).body.code).toBe('GROUP_BUY_IN_OPEN_GROUP');
    await payDev(app, b, bOrder.id);
    expect((await group(pending.id)).status).toBe('open');
    await payDev(app, c, cOrder.id);
    expect(await group(pending.id)).toMatchObject({ status: 'succeeded', slotsLeft: 0, joinable: false, members: [{ isOpener: true }, {}, {}] });
    expect((await mine(c))[0]).toMatchObject({ status: 'succeeded', memberStatus: 'paid' });
    expect((await ship(openerOrder.id)).status).toBe(200);
    expect((await checkout(d, o, pending.id)).body.code).toBe('GROUP_FULL');

    // commission as on any sale (the opener earns on the joiners' orders), nothing for bringing them in
    const bPaid = await adminOrder(app, owner.token, bOrder.id);
    expect(bPaid.paidFen).toBe(GROUP_PRICE_FEN + 600);
    expect(bPaid.earnings.map((e) => [e.level, e.earnerId, e.amountFen]).sort()).toEqual([[1, opener.id, 800], [2, top.id, 400]]);
    const groups = await call(app, 'GET', `/api/admin/group-buys/${o.id}/groups`, { token: (await hqMember(app, 'auditor')).token });
    expect(groups.body.items[0]).toMatchObject({ status: 'succeeded', members: [{ memberId: opener.id, isOpener: true, status: 'paid' }, { memberId: b.id, status: 'paid' }, { memberId: c.id, status: 'paid' }] });
    expect(groups.body.items[0].members[1].phone).toMatch(/\*{4}/);
    expect((await call(app, 'PUT', `/api/admin/group-buys/${o.id}`, { token: (await hqMember(app, 'finance')).token, body: offerBody(o.skuId) })).status).toBe(403);
    const dear = { ...offerBody(o.skuId), skus: [{ skuId: o.skuId, groupPriceFen: PRICE_FEN }] };
    expect((await call(app, 'PUT', `/api/admin/group-buys/${o.id}`, { token: operator.token, body: dear })).body.code).toBe('GROUP_BUY_PRICE_INVALID');
  });

  it('a group out of time fails: every paid member refunded in full through the payment rail, once, commission reversed exactly; the unpaid hold closed', async () => {
    const o = await offer();
    const opener = await register(app, { inviteCode: top.inviteCode, nickname: '团长二' });
    const b = await register(app, { inviteCode: opener.inviteCode });
    const c = await register(app, { inviteCode: opener.inviteCode });
    const { groupId, orderId: openerOrderId } = await opened(o, opener);
    const bOrder = await ordered(b, o, groupId, opener);
    await payDev(app, b, bOrder.id);
    const cOrder = await ordered(c, o, groupId, opener);

    app.clock.advanceMs(24 * HOUR_MS - 60_000);
    expect(await settle()).toMatchObject({ failed: 0, refunds: 0 });
    app.clock.advanceMs(60_000);
    expect((await checkout(c, o, groupId)).body.code).toBe('GROUP_EXPIRED');
    const runs = await Promise.all([settle(), settle()]);
    expect(runs[0].failed + runs[1].failed).toBe(1);
    expect(runs[0].refunds + runs[1].refunds).toBe(2);
    expect(await settle()).toMatchObject({ failed: 0, closed: 0, refunds: 0 });

    for (const id of [openerOrderId, bOrder.id]) {
      const order = await adminOrder(app, owner.token, id);
      expect(order).toMatchObject({ status: 'refunded', paidFen: GROUP_PRICE_FEN + 600, refundedFen: GROUP_PRICE_FEN + 600 });
      expect(order.refunds.map((r) => [r.status, r.amountFen])).toEqual([['succeeded', GROUP_PRICE_FEN + 600]]);
      expect(order.earnings.length).toBeGreaterThan(0);
      for (const e of order.earnings) expect(e).toMatchObject({ reversedFen: e.amountFen, state: 'reversed' });
    }
    // the opener's own purchase paid its upline; the joiner's paid the opener and the opener's upline
    expect((await adminOrder(app, owner.token, bOrder.id)).earnings.map((e) => [e.level, e.earnerId, e.amountFen, e.reversedFen]).sort()).toEqual([[1, opener.id, 800, 800], [2, top.id, 400, 400]]);
    expect((await adminOrder(app, owner.token, cOrder.id)).status).toBe('closed');
    expect(await group(groupId)).toMatchObject({ status: 'refunded', members: [{ isOpener: true }, {}] });
    expect((await mine(b))[0]).toMatchObject({ status: 'refunded', memberStatus: 'refunded' });
    const audit = await auditLog(app, owner.token, { targetType: 'group_buy_group', targetId: groupId });
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([['group_buy.fail', null]]);
    const refundsAudited = await auditLog(app, owner.token, { targetType: 'order', targetId: bOrder.id });
    expect(refundsAudited.filter((e) => e.action === 'order.refund').map((e) => e.actorId)).toEqual([null]);
    await expectReconciled(app, owner.token);
  });

  it('模拟成团: a group short at its deadline succeeds, audited as the system, and then ships', async () => {
    const o = await offer({ simulatedFill: true });
    const opener = await register(app, { nickname: '模拟团长' });
    const { groupId, orderId } = await opened(o, opener);
    app.clock.advanceMs(24 * HOUR_MS);
    expect(await settle()).toMatchObject({ succeeded: 1, failed: 0, refunds: 0 });
    expect(await group(groupId)).toMatchObject({ status: 'succeeded', simulatedSlots: 2 });
    expect((await ship(orderId)).status).toBe(200);
    const audit = await auditLog(app, owner.token, { targetType: 'group_buy_group', targetId: groupId });
    expect(audit.map((e) => [e.action, e.actorId, e.after.simulatedSlots])).toEqual([['group_buy.simulated_fill', null, 2]]);
    // the shop never learns that the offer fills groups itself
    expect((await call(app, 'GET', `/api/group-buys/${o.id}`)).body.simulatedFill).toBeUndefined();
  });

  it('a pickup order of a group not yet complete is not handed over at the store either (GROUP_BUY_PENDING); once the group succeeds it is', async () => {
    const o = await offer({ simulatedFill: true });
    const store = await call(app, 'POST', '/api/admin/stores', { token: owner.token, body: { name: '拼团自提点', regionCode: '440305', address: '科技园', latitude: 22.54, longitude: 113.95 } });
    expect(store.status).toBe(201);
    const clerk = await register(app, { nickname: '自提店员' });
    expect((await call(app, 'POST', `/api/admin/stores/${store.body.id}/staff`, { token: owner.token, body: { memberId: clerk.id } })).status).toBe(204);
    const opener = await register(app, { nickname: '自提团长' });
    const res = await call(app, 'POST', '/api/orders', { token: opener.token, body: { items: [{ skuId: o.skuId, quantity: 1 }], checkoutKey: key('gb-pickup'), pickupStoreId: store.body.id, campaign: { kind: 'group_buy', id: o.id } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await payDev(app, opener, res.body.id);
    const code = (await call(app, 'GET', `/api/orders/${res.body.id}`, { token: opener.token })).body.pickup.code as string;
    const early = await call(app, 'POST', '/api/store/redemptions', { token: clerk.token, body: { code } });
    expect([early.status, early.body.code]).toEqual([409, 'GROUP_BUY_PENDING']);
    // nothing was taken: the code is still unredeemed and the order still paid
    expect((await call(app, 'GET', `/api/orders/${res.body.id}`, { token: opener.token })).body).toMatchObject({ status: 'paid', pickup: { code, redeemedAt: null } });
    app.clock.advanceMs(24 * HOUR_MS);
    expect(await settle()).toMatchObject({ succeeded: 1 });
    const handed = await call(app, 'POST', '/api/store/redemptions', { token: clerk.token, body: { code } });
    expect([handed.status, handed.body.status]).toEqual([200, 'completed']);
  });

  it.runIf(kind === 'postgres')('N+2 joiners at once: N places, the rest refused at checkout; the last payments at once succeed the group once', async () => {
    // five SKUs, one per joiner: no stock row lines them up, only the group's
    const o = await offer({}, 5);
    const opener = await register(app, { nickname: '并发团长' });
    const { groupId } = await opened(o, opener);
    const joiners = await Promise.all(Array.from({ length: 5 }, () => register(app, { inviteCode: opener.inviteCode })));
    const answers = await Promise.all(joiners.map((j, i) => checkout(j, { id: o.id, skuId: o.skuIds[i]! }, groupId, opener)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(['GROUP_FULL', 'GROUP_FULL', 'GROUP_FULL']);
    const placed = joiners.flatMap((j, i) => (answers[i]!.status === 201 ? [{ j, orderId: answers[i]!.body.id as number }] : []));
    await Promise.all(placed.map((p) => payDev(app, p.j, p.orderId)));
    const done = await group(groupId);
    expect(done).toMatchObject({ status: 'succeeded', simulatedSlots: 0 });
    expect(done.members).toHaveLength(3);
  });
});
