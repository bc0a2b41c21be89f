// The risk rules (issue 16): versioned settings with a dry run; each rule holds an earning when it
// hits — many new buyers sharing one device under one earner, a high refund rate of an earner's
// buyers, orders paid and refunded in a burst, an earner's commission in a day above a line — with
// the reason. A held earning is under review for its earner (审核中); finance releases or voids it,
// once (a second decision is 409), audited with actor and reason; roles and bad input answer 4xx.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, expectReconciled, refund } from '../support/rules-kit.js';
import { buy, earningsOf, figures, holdOfEarning, holds, seenOn, setRiskRules } from './kit.js';

const OFF = { linkedBuyer: { enabled: true }, sharedSignal: { enabled: false }, refundRate: { enabled: false }, refundBurst: { enabled: false }, dailyCommission: { enabled: false } };

describeEachDatabase('risk: the rules hold earnings, finance decides', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let auditor: RegisteredMember;
  let support: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { freezeDays: 7 } } });
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    auditor = await hqMember(app, 'auditor');
    support = await hqMember(app, 'support');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000, stock: 100_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  let dailyBuyer: RegisteredMember;
  const level1 = async (orderId: number) => (await earningsOf(app, owner.token, orderId)).find((e) => e.level === 1)!;
  const fullRefund = async (order: { id: number; lines: Array<{ id: number; paidFen: number }> }) =>
    expect((await refund(app, support, order.id, [{ lineId: order.lines[0]!.id, amountFen: order.lines[0]!.paidFen }])).status).toBe(201);

  it('the rules are versioned: defaults first, a save is a new version, audited; invalid settings 422, auditors 403', async () => {
    const start = await call(app, 'GET', '/api/admin/risk/rules', { token: auditor.token });
    expect(start.status).toBe(200);
    expect(start.body.current.config).toMatchObject({ linkedBuyer: { enabled: true }, sharedSignal: { enabled: false, minBuyers: 3 }, dailyCommission: { enabled: false } });
    const saved = await setRiskRules(app, finance.token, { ...OFF, dailyCommission: { enabled: false, maxFen: 200_000 } });
    expect(saved.id).toBeGreaterThan(start.body.current.id);
    expect(saved.config.dailyCommission).toEqual({ enabled: false, maxFen: 200_000 });
    const listed = await call(app, 'GET', '/api/admin/risk/rules', { token: owner.token });
    expect(listed.body.versions.map((v: { id: number }) => v.id).slice(0, 2)).toEqual([saved.id, start.body.current.id]);
    const entry = (await auditLog(app, owner.token, { action: 'risk.rules.update' }))[0]!;
    expect(entry).toMatchObject({ actorId: finance.id, targetId: String(saved.id), before: { version: start.body.current.id }, after: { version: saved.id } });

    for (const config of [{ refundRate: { maxRefundBp: 20_000 } }, { dailyCommission: { maxFen: -1 } }, { burst: {} }, { sharedSignal: { minBuyers: 1 } }]) {
      const bad = await call(app, 'PUT', '/api/admin/risk/rules', { token: owner.token, body: { config } });
      expect(bad.status, JSON.stringify(config)).toBe(422);
      expect(bad.body.code).toBe('RISK_RULES_INVALID');
    }
    expect((await call(app, 'PUT', '/api/admin/risk/rules', { token: auditor.token, body: { config: {} } })).body.code).toBe('ROLE_FORBIDDEN');
    expect((await call(app, 'PUT', '/api/admin/risk/rules', { token: support.token, body: { config: {} } })).status).toBe(403);
    expect((await call(app, 'PUT', '/api/admin/risk/rules', { token: owner.token, body: { config: 'all' } })).status).toBe(400);
  });

  it('many new buyers of one earner on one device: the third one’s earning is held', async () => {
    await setRiskRules(app, owner.token, { ...OFF, sharedSignal: { enabled: true, minBuyers: 3, windowDays: 7, newBuyerDays: 30 } });
    const earner = await register(app, { nickname: '刷单推客' });
    const device = `farm-${earner.id}-aaaaaaaaaaaa`;
    const orders = [];
    for (let i = 0; i < 3; i++) {
      const buyer = await register(app, { inviteCode: earner.inviteCode });
      await seenOn(app, buyer, device);
      app.clock.advanceMs(60_000);
      orders.push(await buy(app, buyer, skuId));
    }
    const [first, second, third] = await Promise.all(orders.map((o) => level1(o.id)));
    expect([first!.riskHold, second!.riskHold, third!.riskHold]).toEqual([false, false, true]);
    const hold = (await holdOfEarning(app, owner.token, third!.id))!;
    expect(hold).toMatchObject({ rule: 'shared_signal', reasons: [{ rule: 'shared_signal', kind: 'device', buyers: 3, threshold: 3 }], earnerId: earner.id, amountFen: 1_000 });
    // the distributor sees it under review, and its figures say how much
    expect(await figures(app, earner)).toMatchObject({ pendingFen: 3_000, heldFen: 1_000 });
    const mine = await call(app, 'GET', '/api/me/promotion-orders', { token: earner.token });
    expect(mine.body.items.filter((o: { held: boolean }) => o.held).map((o: { orderId: number }) => o.orderId)).toEqual([orders[2]!.id]);
  });

  it('a refund rate above the line: the next earning is held', async () => {
    await setRiskRules(app, owner.token, { ...OFF, refundRate: { enabled: true, maxRefundBp: 5_000, minOrders: 2, windowDays: 30 } });
    const earner = await register(app);
    for (let i = 0; i < 2; i++) {
      const buyer = await register(app, { inviteCode: earner.inviteCode });
      const order = await buy(app, buyer, skuId);
      app.clock.advanceMs(60_000);
      await fullRefund(order);
    }
    app.clock.advanceMs(60_000);
    const next = await buy(app, await register(app, { inviteCode: earner.inviteCode }), skuId);
    const hold = (await holdOfEarning(app, owner.token, (await level1(next.id)).id))!;
    expect(hold.reasons).toEqual([{ rule: 'refund_rate', refundBp: 10_000, orders: 2, threshold: 5_000 }]);
  });

  it('orders paid and refunded in a burst: the next earning is held; outside the window it is not', async () => {
    await setRiskRules(app, owner.token, { ...OFF, refundBurst: { enabled: true, minOrders: 2, windowMinutes: 60 } });
    const earner = await register(app);
    const buyer = await register(app, { inviteCode: earner.inviteCode });
    for (let i = 0; i < 2; i++) {
      const order = await buy(app, buyer, skuId);
      app.clock.advanceMs(5 * 60_000);
      await fullRefund(order);
    }
    app.clock.advanceMs(60_000);
    const next = await buy(app, buyer, skuId);
    expect((await holdOfEarning(app, owner.token, (await level1(next.id)).id))!.reasons).toEqual([{ rule: 'refund_burst', orders: 2, windowMinutes: 60, threshold: 2 }]);
    app.clock.advanceMs(2 * 3_600_000);
    const later = await buy(app, buyer, skuId);
    expect((await level1(later.id)).riskHold).toBe(false);
  });

  it('an earner’s commission in a Shanghai day above the line: that earning and the day’s later ones are held', async () => {
    await setRiskRules(app, owner.token, { ...OFF, dailyCommission: { enabled: true, maxFen: 1_500 } });
    const earner = await register(app);
    const buyer = await register(app, { inviteCode: earner.inviteCode });
    dailyBuyer = buyer;
    const ids = [];
    for (let i = 0; i < 3; i++) {
      app.clock.advanceMs(60_000);
      ids.push((await level1((await buy(app, buyer, skuId)).id)).id);
    }
    const found = await Promise.all(ids.map((id) => holdOfEarning(app, owner.token, id)));
    expect(found.map((h) => h?.reasons[0])).toEqual([undefined, { rule: 'daily_commission', dayFen: 2_000, threshold: 1_500 }, { rule: 'daily_commission', dayFen: 3_000, threshold: 1_500 }]);

    // the dry run answers the same of the last days' earnings, for this rule and any other, on or off
    const run = await call(app, 'POST', '/api/admin/risk/rules/dry-run', { token: auditor.token, body: { days: 7, config: { ...OFF, dailyCommission: { enabled: true, maxFen: 1_500 } } } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const daily = run.body.rules.find((r: { rule: string }) => r.rule === 'daily_commission');
    expect(daily.enabled).toBe(true);
    expect(daily.items.map((i: { earningId: number }) => i.earningId)).toEqual(expect.arrayContaining([ids[1], ids[2]]));
    expect(daily.items.map((i: { earningId: number }) => i.earningId)).not.toContain(ids[0]);
    // a stricter line would have held the first one too; nothing is held by a dry run
    const stricter = await call(app, 'POST', '/api/admin/risk/rules/dry-run', { token: finance.token, body: { days: 7, config: { ...OFF, dailyCommission: { enabled: false, maxFen: 500 } } } });
    const strict = stricter.body.rules.find((r: { rule: string }) => r.rule === 'daily_commission');
    expect(strict).toMatchObject({ enabled: false });
    expect(strict.items.map((i: { earningId: number }) => i.earningId)).toContain(ids[0]);
    expect(await holdOfEarning(app, owner.token, ids[0]!)).toBeUndefined();
    // the shared-device and refund rules of the tests above show in the same run
    expect(run.body.rules.find((r: { rule: string }) => r.rule === 'shared_signal').count).toBeGreaterThan(0);
    expect(run.body.examined).toBeGreaterThan(10);
    for (const body of [{ days: 0 }, { days: 91 }]) expect((await call(app, 'POST', '/api/admin/risk/rules/dry-run', { token: owner.token, body })).status).toBe(400);
    expect((await call(app, 'POST', '/api/admin/risk/rules/dry-run', { token: owner.token, body: { config: { dailyCommission: { maxFen: 'x' } } } })).body.code).toBe('RISK_RULES_INVALID');
    expect((await call(app, 'POST', '/api/admin/risk/rules/dry-run', { token: support.token, body: {} })).status).toBe(403);
  });

  it('release and void: the ledger moves exactly, once; roles, reasons and unknown holds answer 4xx; every decision audited', async () => {
    const queue = await holds(app, auditor.token, '&status=held');
    expect(queue.total).toBeGreaterThanOrEqual(5);
    const daily = queue.items.filter((h) => h.rule === 'daily_commission');
    const [toVoid, toRelease] = daily;
    const earner = { id: toVoid!.earnerId } as RegisteredMember;
    const before = await app.services.ledger.memberBalances(app.services.db, earner.id);

    expect((await call(app, 'POST', `/api/admin/risk/holds/${toVoid!.id}/void`, { token: auditor.token, body: { reason: '看看' } })).body.code).toBe('ROLE_FORBIDDEN');
    expect((await call(app, 'POST', `/api/admin/risk/holds/${toVoid!.id}/void`, { token: finance.token, body: {} })).body.code).toBe('VALIDATION_FAILED');
    expect((await call(app, 'POST', `/api/admin/risk/holds/${toVoid!.id}/void`, { token: finance.token, body: { reason: ' ' } })).status).toBe(400);
    const missing = await call(app, 'POST', '/api/admin/risk/holds/999999/release', { token: finance.token, body: { reason: '不存在' } });
    expect([missing.status, missing.body.code]).toEqual([404, 'RISK_HOLD_NOT_FOUND']);
    expect((await call(app, 'GET', '/api/admin/risk/holds/999999', { token: auditor.token })).status).toBe(404);

    // a void and a release of the same hold at once: one decides, the other is told it was decided
    const [a, b] = await Promise.all([
      call(app, 'POST', `/api/admin/risk/holds/${toVoid!.id}/void`, { token: finance.token, body: { reason: '单日佣金异常，作废' } }),
      call(app, 'POST', `/api/admin/risk/holds/${toVoid!.id}/release`, { token: owner.token, body: { reason: '放行' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const won = a.status === 200 ? a.body : b.body;
    const lost = a.status === 200 ? b.body : a.body;
    expect(lost.code).toBe('RISK_HOLD_DECIDED');
    const after = await app.services.ledger.memberBalances(app.services.db, earner.id);
    if (won.status === 'voided') {
      expect(won.voidedFen).toBe(1_000);
      expect(after.pendingFen).toBe(before.pendingFen - 1_000);
    } else {
      expect(after.pendingFen).toBe(before.pendingFen);
    }
    // held while pending: the order completes and it freezes, but it does not unfreeze until released
    await call(app, 'POST', `/api/orders/${toRelease!.orderId}/confirm-receipt`, { token: dailyBuyer.token });
    app.clock.advanceDays(8);
    await app.services.commission.unfreezeDue();
    expect((await earningsOf(app, owner.token, toRelease!.orderId)).find((e) => e.id === toRelease!.earningId)).toMatchObject({ state: 'frozen', riskHold: true });
    const released = await call(app, 'POST', `/api/admin/risk/holds/${toRelease!.id}/release`, { token: finance.token, body: { reason: '大客户团购，核实无误' } });
    expect(released.body).toMatchObject({ status: 'released', decidedBy: finance.id, earningState: 'frozen' });
    const frozenBefore = (await app.services.ledger.memberBalances(app.services.db, earner.id)).frozenFen;
    expect((await app.services.commission.unfreezeDue()).earnings).toBe(1);
    expect((await earningsOf(app, owner.token, toRelease!.orderId)).find((e) => e.id === toRelease!.earningId)).toMatchObject({ state: 'available', riskHold: false });
    expect((await app.services.ledger.memberBalances(app.services.db, earner.id)).frozenFen).toBe(frozenBefore - 1_000);
    expect((await call(app, 'POST', `/api/admin/risk/holds/${toRelease!.id}/void`, { token: owner.token, body: { reason: '再作废' } })).body.code).toBe('RISK_HOLD_DECIDED');

    const decided = await holds(app, auditor.token, '&status=released');
    expect(decided.items.map((h) => h.id)).toContain(toRelease!.id);
    const entries = [...(await auditLog(app, owner.token, { action: 'risk.release' })), ...(await auditLog(app, owner.token, { action: 'risk.void' }))];
    expect(entries.find((e) => e.targetId === String(toRelease!.earningId))).toMatchObject({ actorId: finance.id, reason: '大客户团购，核实无误', before: { status: 'held' }, after: { status: 'released' } });
    expect(entries.find((e) => e.targetId === String(toVoid!.earningId))).toMatchObject({ actorId: won.decidedBy });
    await expectReconciled(app, owner.token);
  });

  it('the support role cannot read the queue', async () => {
    expect((await call(app, 'GET', '/api/admin/risk/holds', { token: support.token })).status).toBe(403);
  });
});
