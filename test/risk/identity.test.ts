// The identity graph (issue 16, risk signals and holds): two phones of one person — the same device
// (the shop's x-device-id) and the same address with its consignee phone — are one buyer, so the
// second identity earns nothing as a referrer on its own order, or only the self-purchase share when
// the rules pay one. A link found after the order (the sweep) holds the earning: it cannot unfreeze,
// and an available one goes back to frozen so it cannot be withdrawn (what was withdrawn meanwhile
// becomes debt). Finance releases it (it goes on) or voids it (reversed like a full refund); the
// ledger moves exactly and reconciliation stays clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, expectReconciled, key, setRules, withdraw } from '../support/rules-kit.js';
import { ADDRESS, buy, earningsOf, figures, holdOfEarning, holds, seenOn } from './kit.js';

let devices = 0;
const newDevice = () => `dev-${process.pid}-${++devices}-${Date.now().toString(36)}aaaa`;

describeEachDatabase('risk: the identity graph and the linked buyer', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let auditor: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { freezeDays: 7 } } });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    auditor = await hqMember(app, 'auditor');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 100_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  /** upline U → P (phone 1) → B (phone 2): B is P's second identity, on P's device and shipping to P's address. */
  async function person() {
    const u = await register(app, { nickname: '上级' });
    const p = await register(app, { inviteCode: u.inviteCode, nickname: '一号手机' });
    const b = await register(app, { inviteCode: p.inviteCode, nickname: '二号手机' });
    const device = newDevice();
    await seenOn(app, p, device);
    await seenOn(app, b, device);
    const address = { ...ADDRESS, detail: `科技园 ${u.id} 号` };
    await buy(app, p, skuId, { address });
    return { u, p, b, address };
  }

  it('a second phone on the same device and address earns nothing as a referrer on its own order; the real upline is level 1', async () => {
    const { u, p, b, address } = await person();
    // what HQ's dry run says and what the payment pays agree
    const plan = await call(app, 'POST', '/api/admin/commission/dry-run', { token: owner.token, body: { buyerId: b.id, items: [{ skuId, quantity: 1 }] } });
    expect(plan.body.earnings.map((e: { earnerId: number; level: number; amountFen: number }) => [e.earnerId, e.level, e.amountFen])).toEqual([[u.id, 1, 1_000]]);
    const order = await buy(app, b, skuId, { address });
    expect((await earningsOf(app, owner.token, order.id)).map((e) => [e.earnerId, e.level, e.amountFen])).toEqual([[u.id, 1, 1_000]]);
    expect((await figures(app, p)).pendingFen).toBe(0);
    // a stranger P brought in is a real referral: P level 1, U level 2
    const stranger = await register(app, { inviteCode: p.inviteCode, nickname: '真买家' });
    const real = await buy(app, stranger, skuId, { address: { ...ADDRESS, phone: '13700002222', detail: `别处 ${stranger.id} 号` } });
    expect((await earningsOf(app, owner.token, real.id)).map((e) => [e.earnerId, e.level, e.amountFen])).toEqual([[p.id, 1, 1_000], [u.id, 2, 500]]);
    await expectReconciled(app, owner.token);
  });

  it('the device alone, or the address with its consignee phone alone, links; a shared network does not', async () => {
    const u = await register(app);
    const p = await register(app, { inviteCode: u.inviteCode });
    const byDevice = await register(app, { inviteCode: p.inviteCode });
    const device = newDevice();
    await seenOn(app, p, device);
    await seenOn(app, byDevice, device);
    expect((await earningsOf(app, owner.token, (await buy(app, byDevice, skuId)).id)).map((e) => e.earnerId)).toEqual([u.id]);
    // the same address and phone written differently (full-width digits, no spaces, a comma) is the same address
    const address = { ...ADDRESS, phone: '13700003333', detail: `滨海大道 ${p.id} 号 A座` };
    await buy(app, p, skuId, { address });
    const byAddress = await register(app, { inviteCode: p.inviteCode });
    const written = { ...address, name: '另一个名字', detail: `滨海大道，${String(p.id).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}号ａ座` };
    expect((await earningsOf(app, owner.token, (await buy(app, byAddress, skuId, { address: written })).id)).map((e) => e.earnerId)).toEqual([u.id]);
    // every test request comes from 127.0.0.1: the network is shared by everyone and links no one
    const neighbour = await register(app, { inviteCode: p.inviteCode });
    await seenOn(app, neighbour, newDevice());
    expect((await earningsOf(app, owner.token, (await buy(app, neighbour, skuId)).id)).map((e) => e.earnerId)).toEqual([p.id, u.id]);
    // a malformed device id is not a signal
    const before = await app.services.db.selectFrom('risk_signals').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', neighbour.id).executeTakeFirstOrThrow();
    await call(app, 'GET', '/api/me', { token: neighbour.token, headers: { 'x-device-id': 'short' } });
    const after = await app.services.db.selectFrom('risk_signals').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', neighbour.id).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('with self-purchase on, the person earns the self-purchase share only: the buying identity, else the linked one at level 1', async () => {
    const version = await setRules(app, owner, { commission: { freezeDays: 7, selfPurchase: true } });
    try {
      const one = await person();
      const order = await buy(app, one.b, skuId, { address: one.address });
      // B is an active distributor: B is its own level 1; P (the same person) gets nothing; U level 2
      expect((await earningsOf(app, owner.token, order.id)).map((e) => [e.earnerId, e.level, e.amountFen])).toEqual([[one.b.id, 1, 1_000], [one.u.id, 2, 500]]);
      const two = await person();
      await app.services.db.updateTable('members').set({ distributor_status: 'none' }).where('id', '=', two.b.id).execute();
      const other = await buy(app, two.b, skuId, { address: two.address });
      // B cannot earn: P, the same person, takes the self-purchase share at level 1 — never more
      expect((await earningsOf(app, owner.token, other.id)).map((e) => [e.earnerId, e.level, e.amountFen])).toEqual([[two.p.id, 1, 1_000], [two.u.id, 2, 500]]);
      // and the linked-buyer rule leaves that share alone when the sweep looks again
      await app.services.risk.review.sweep();
      expect(await holdOfEarning(app, owner.token, (await earningsOf(app, owner.token, other.id))[0]!.id)).toBeUndefined();
      expect(version).toBeGreaterThan(0);
    } finally {
      await setRules(app, owner, { commission: { freezeDays: 7, selfPurchase: false } });
    }
  });

  it('linked after the order: the sweep holds the earning even when available; it neither unfreezes nor withdraws; released, it goes on', async () => {
    const x = await register(app, { nickname: '推客X' });
    const y = await register(app, { inviteCode: x.inviteCode, nickname: '买家Y' });
    const order = await buy(app, y, skuId);
    const [earning] = await earningsOf(app, owner.token, order.id);
    expect(earning).toMatchObject({ earnerId: x.id, level: 1, amountFen: 1_000, state: 'pending', riskHold: false });
    await call(app, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: y.token });
    app.clock.advanceDays(8);
    await app.services.commission.unfreezeDue();
    expect(await figures(app, x)).toMatchObject({ availableFen: 1_000, frozenFen: 0, heldFen: 0 });

    // later, X and Y turn out to share a phone's device
    const device = newDevice();
    await seenOn(app, x, device);
    await seenOn(app, y, device);
    expect((await app.services.risk.review.sweep()).held).toBe(1);
    expect(await figures(app, x)).toMatchObject({ availableFen: 0, frozenFen: 1_000, heldFen: 1_000, debtFen: 0 });
    const hold = (await holdOfEarning(app, auditor.token, earning!.id))!;
    expect(hold).toMatchObject({ rule: 'linked_buyer', reasons: [{ rule: 'linked_buyer', kinds: ['device'] }], amountFen: 1_000, status: 'held', earnerId: x.id, buyerId: y.id, earningState: 'frozen' });
    // the console's graph: both members, the device they share
    const detail = await call(app, 'GET', `/api/admin/risk/holds/${hold.id}`, { token: auditor.token });
    expect(detail.status).toBe(200);
    expect(detail.body.graph.links).toContainEqual({ a: Math.min(x.id, y.id), b: Math.max(x.id, y.id), kinds: expect.arrayContaining(['device']), strong: true });
    expect(detail.body.graph.members.map((m: { role: string }) => m.role).sort()).toEqual(['buyer', 'earner']);
    // the distributor sees it under review, and cannot withdraw it
    const mine = await call(app, 'GET', '/api/me/promotion-orders', { token: x.token });
    expect(mine.body.items.find((o: { orderId: number }) => o.orderId === order.id)).toMatchObject({ held: true });
    const refused = await withdraw(app, x, 1_000, { destination: { account: `x${x.id}@example.com`, realName: '推客' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSUFFICIENT_BALANCE');
    // it does not unfreeze while held
    app.clock.advanceDays(30);
    await app.services.commission.unfreezeDue();
    expect(await figures(app, x)).toMatchObject({ availableFen: 0, frozenFen: 1_000 });
    await expectReconciled(app, owner.token);

    const released = await call(app, 'POST', `/api/admin/risk/holds/${hold.id}/release`, { token: finance.token, body: { reason: '核实为家庭共用手机' } });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', decisionReason: '核实为家庭共用手机', decidedBy: finance.id, earningState: 'available' });
    // it was available when it was held: it is available again at once, and the sweep has nothing to move
    expect(await figures(app, x)).toMatchObject({ availableFen: 1_000, frozenFen: 0, heldFen: 0 });
    expect((await app.services.commission.unfreezeDue()).earnings).toBe(0);
    // a released earning is not held again
    expect((await app.services.risk.review.sweep()).held).toBe(0);
    const audit = await auditLog(app, owner.token, { action: 'risk.release' });
    expect(audit.find((a) => a.targetId === String(earning!.id))).toMatchObject({ actorId: finance.id, reason: '核实为家庭共用手机' });
    expect((await auditLog(app, owner.token, { action: 'risk.hold' })).find((a) => a.targetId === String(earning!.id))).toMatchObject({ actorId: null });
    await expectReconciled(app, owner.token);
  });

  it('an available earning partly withdrawn: the hold takes the rest from debt; a void reverses it like a full refund, the debt stays owed', async () => {
    const x = await register(app);
    const y = await register(app, { inviteCode: x.inviteCode });
    const order = await buy(app, y, skuId, { quantity: 2 });
    const [earning] = await earningsOf(app, owner.token, order.id);
    expect(earning!.amountFen).toBe(2_000);
    await call(app, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: y.token });
    app.clock.advanceDays(8);
    await app.services.commission.unfreezeDue();
    // 1 200 of the 2 000 is on its way out (finance reviews the withdrawal: it sits in withdrawing)
    const payout = await withdraw(app, x, 1_200, { destination: { account: `x${x.id}@example.com`, realName: '推客' } });
    expect(payout.status, JSON.stringify(payout.body)).toBe(201);
    expect(await figures(app, x)).toMatchObject({ availableFen: 800, withdrawingFen: 1_200, debtFen: 0 });
    // the same address and phone turn up for both: the next sweep holds it
    const address = { ...ADDRESS, phone: '13700004444', detail: `后海 ${x.id} 号` };
    await buy(app, x, skuId, { address });
    await buy(app, y, skuId, { address });
    await app.services.risk.review.sweep();
    const hold = (await holdOfEarning(app, owner.token, earning!.id))!;
    expect(hold.reasons).toEqual([{ rule: 'linked_buyer', kinds: ['address'] }]);
    // 800 back from available, 1 200 owed; the 2 000 is frozen and held
    const held = await figures(app, x);
    expect(held).toMatchObject({ availableFen: 0, withdrawingFen: 1_200, debtFen: 1_200, heldFen: 2_000 });
    await expectReconciled(app, owner.token);

    const expenseBefore = await expenseBalance();
    const voided = await call(app, 'POST', `/api/admin/risk/holds/${hold.id}/void`, { token: owner.token, body: { reason: '同一人两个账号自购' } });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body).toMatchObject({ status: 'voided', voidedFen: 2_000, earningState: 'reversed', reversedFen: 2_000 });
    // exactly the earning back to the platform: frozen −2 000, expense +2 000, the debt still owed
    const after = await figures(app, x);
    expect(after.frozenFen).toBe(held.frozenFen - 2_000);
    expect(after).toMatchObject({ availableFen: 0, debtFen: 1_200, heldFen: 0 });
    expect((await expenseBalance()) - expenseBefore).toBe(2_000);
    // the order's refund later reverses nothing more
    const support = await hqMember(app, 'support');
    const refunded = await call(app, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: support.token, body: { lines: [{ lineId: order.lines[0]!.id, amountFen: order.lines[0]!.paidFen }], reason: '退款', idempotencyKey: key('rf') } });
    expect(refunded.status).toBe(201);
    expect((await earningsOf(app, owner.token, order.id))[0]).toMatchObject({ reversedFen: 2_000, state: 'reversed' });
    expect((await figures(app, x)).debtFen).toBe(1_200);
    // the earner is told, neutrally
    const inbox = await call(app, 'GET', '/api/me/notifications?limit=5', { token: x.token });
    expect(inbox.body.items.some((n: { body: string }) => n.body === '经审核，该笔佣金不予发放')).toBe(true);
    expect((await auditLog(app, owner.token, { action: 'risk.void' })).find((a) => a.targetId === String(earning!.id))).toMatchObject({ actorId: owner.id, reason: '同一人两个账号自购', after: { voidedFen: 2_000 } });
    await expectReconciled(app, owner.token);
  });

  async function expenseBalance(): Promise<number> {
    const id = await app.services.ledger.platformAccount(app.services.db, 'commission_expense');
    return app.services.ledger.balance(app.services.db, id);
  }

  it('a payout account shared by two members links them (collected by the sweep from their withdrawals)', async () => {
    const x = await register(app);
    const y = await register(app, { inviteCode: x.inviteCode });
    for (const m of [x, y]) {
      await inTransaction(app.services.db, (tx) => app.services.commission.award(tx, { memberId: m.id, amountFen: 500, code: 'test.award', memo: '测试', idempotencyKey: key('aw'), refType: 'member', refId: m.id }));
    }
    const account = `shared${x.id}@example.com`;
    expect((await withdraw(app, x, 100, { destination: { account, realName: '甲' } })).status).toBe(201);
    // the same account written in capitals and with spaces
    expect((await withdraw(app, y, 100, { destination: { account: ` SHARED${x.id}@example.com`, realName: '乙' } })).status).toBe(201);
    expect([...(await app.services.risk.signals.linkedTo(app.services.db, y.id))]).toEqual([]);
    await app.services.risk.review.sweep();
    expect([...(await app.services.risk.signals.linkedTo(app.services.db, y.id))]).toEqual([x.id]);
    const order = await buy(app, y, skuId);
    expect(await earningsOf(app, owner.token, order.id)).toEqual([]);
  });
});

describeOnPostgres('risk: sweeps on several instances hold once', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let skuId: number;
  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 6 });
    owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 1_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  it('two sweeps at once: each linked earning held once, one audit entry each', async () => {
    const pairs = [];
    for (let i = 0; i < 3; i++) {
      const x = await register(app);
      const y = await register(app, { inviteCode: x.inviteCode });
      const order = await buy(app, y, skuId);
      const device = newDevice();
      await seenOn(app, x, device);
      await seenOn(app, y, device);
      pairs.push({ x, order });
    }
    const [a, b] = await Promise.all([app.services.risk.review.sweep(), app.services.risk.review.sweep()]);
    expect(a.held + b.held).toBe(3);
    expect((await holds(app, owner.token, '&status=held')).total).toBe(3);
    const entries = await auditLog(app, owner.token, { action: 'risk.hold' });
    expect(entries).toHaveLength(3);
    await expectReconciled(app, owner.token);
  });
});

describe('risk: normalised signals', () => {
  it('subnets: IPv4 /24, IPv6 /48, IPv4-mapped as IPv4', async () => {
    const { subnetOf } = await import('../../src/modules/risk/index.js');
    expect(subnetOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(subnetOf('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(subnetOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(subnetOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(subnetOf('not an ip')).toBeNull();
  });
});
