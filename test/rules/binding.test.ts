// Rule 2: the binding policy — triggers (registration, first_visit, first_order), permanence
// (permanent, last_touch, days), newUsersOnly, no self-binding, no cycles, history, HQ rebind
// audited and never rewriting commission already earned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { adminOrder, auditLog, checkout, earningsByEarner, expectReconciled, key, me, payDev, referrerIdOf, refund, setRules, summary } from '../support/rules-kit.js';

const BASE: RuleConfigInput = {
  commission: { levels: 3, tierRatesBp: { '1': [1000, 500, 300] }, capBp: 3000, freezeDays: 7 },
  distributor: { mode: 'automatic' },
  binding: { trigger: 'registration', permanence: 'permanent', protectionDays: 7, validDays: 365, newUsersOnly: true },
};

describeEachDatabase('rule 2: binding policy', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let auditor: RegisteredMember;
  let support: RegisteredMember;
  let skuId: number;

  const rules = (overrides: RuleConfigInput) => setRules(app, owner, overrides, BASE);
  const visit = (inviteCode: string, visitorKey: string, m?: RegisteredMember) =>
    call(app, 'POST', '/api/referral/visits', { token: m?.token, body: { inviteCode, visitorKey } });
  const rebind = (memberId: number, referrerId: number | null, by: RegisteredMember = operator) =>
    call(app, 'POST', `/api/admin/members/${memberId}/rebind`, { token: by.token, body: { referrerId, reason: '客服核实后调整' } });
  const adminMember = async (id: number) => {
    const res = await call(app, 'GET', `/api/admin/members/${id}`, { token: owner.token });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    auditor = await hqMember(app, 'auditor');
    support = await hqMember(app, 'support');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  describe('triggers', () => {
    it('registration: an invite code binds at registration; a later link does not bind an unbound member', async () => {
      await rules({ binding: { trigger: 'registration' } });
      const a = await register(app);
      const b = await register(app, { inviteCode: a.inviteCode });
      expect(await referrerIdOf(app, b)).toBe(a.id);
      const history = (await adminMember(b.id)).bindingHistory;
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ oldReferrerId: null, newReferrerId: a.id });

      const loner = await register(app);
      expect(await referrerIdOf(app, loner)).toBeNull();
      const opened = await visit(a.inviteCode, key('vk'), loner);
      expect(opened.status).toBe(200);
      expect(opened.body.bound).toBe(false);
      expect(await referrerIdOf(app, loner)).toBeNull();
    });

    it('first_visit: registration binds to the FIRST visit within protectionDays, even after a later link', async () => {
      await rules({ binding: { trigger: 'first_visit', protectionDays: 7 } });
      const a = await register(app);
      const b = await register(app);
      const visitorKey = key('visitor');
      expect((await visit(a.inviteCode, visitorKey)).status).toBe(200);
      app.clock.advanceDays(2);
      expect((await visit(b.inviteCode, visitorKey)).status).toBe(200);
      app.clock.advanceDays(3);
      const newcomer = await register(app, { visitorKey });
      expect(await referrerIdOf(app, newcomer)).toBe(a.id);
    });

    it('first_visit: after protectionDays the first claim lapses (a later link, or nobody, wins)', async () => {
      await rules({ binding: { trigger: 'first_visit', protectionDays: 7 } });
      const a = await register(app);
      const b = await register(app);
      const k1 = key('visitor');
      await visit(a.inviteCode, k1);
      app.clock.advanceDays(8);
      await visit(b.inviteCode, k1);
      const late = await register(app, { visitorKey: k1 });
      expect(await referrerIdOf(app, late)).toBe(b.id);

      const k2 = key('visitor');
      await visit(a.inviteCode, k2);
      app.clock.advanceDays(8);
      const lapsed = await register(app, { visitorKey: k2 });
      expect(await referrerIdOf(app, lapsed)).toBeNull();
    });

    it('first_visit: a signed-in unbound member binds on the first link, and (permanent) stays', async () => {
      await rules({ binding: { trigger: 'first_visit', permanence: 'permanent' } });
      const a = await register(app);
      const b = await register(app);
      const m = await register(app);
      const first = await visit(a.inviteCode, key('vk'), m);
      expect(first.body.bound).toBe(true);
      expect(await referrerIdOf(app, m)).toBe(a.id);
      const second = await visit(b.inviteCode, key('vk'), m);
      expect(second.body.bound).toBe(false);
      expect(await referrerIdOf(app, m)).toBe(a.id);
    });

    it("first_order: no binding until the first order is paid; that order's commission already goes up the new chain", async () => {
      await rules({ binding: { trigger: 'registration' } });
      const grand = await register(app);
      const a = await register(app, { inviteCode: grand.inviteCode });
      await rules({ binding: { trigger: 'first_order' } });
      const buyer = await register(app, { inviteCode: a.inviteCode });
      expect(await referrerIdOf(app, buyer)).toBeNull();

      const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      expect(await referrerIdOf(app, buyer)).toBe(a.id);
      const earned = await earningsByEarner(app, owner.token, order.id);
      expect(Object.fromEntries(earned)).toEqual({ [a.id]: 1000, [grand.id]: 500 });
      const history = (await adminMember(buyer.id)).bindingHistory;
      expect(history.at(-1)).toMatchObject({ oldReferrerId: null, newReferrerId: a.id, source: 'first_order' });

      // without an invite code, the sharer of the first order becomes the referrer
      const viaShare = await register(app);
      const o2 = await checkout(app, viaShare, [{ skuId, quantity: 1 }], { sharerInviteCode: a.inviteCode });
      expect(await referrerIdOf(app, viaShare)).toBeNull();
      await payDev(app, viaShare, o2.id);
      expect(await referrerIdOf(app, viaShare)).toBe(a.id);
      expect((await earningsByEarner(app, owner.token, o2.id)).get(a.id)).toBe(1000);

      // a second paid order does not move the binding
      const other = await register(app);
      await buyAndPay(app, buyer, [{ skuId, quantity: 1 }], { sharerInviteCode: other.inviteCode });
      expect(await referrerIdOf(app, buyer)).toBe(a.id);
    });
  });

  describe('permanence', () => {
    it('permanent: a bound member opening another link stays bound', async () => {
      await rules({ binding: { trigger: 'registration', permanence: 'permanent' } });
      const a = await register(app);
      const b = await register(app);
      const m = await register(app, { inviteCode: a.inviteCode });
      const res = await visit(b.inviteCode, key('vk'), m);
      expect(res.body).toMatchObject({ bound: false });
      expect(await referrerIdOf(app, m)).toBe(a.id);
    });

    it('last_touch: a signed-in member opening another distributor’s link is rebound, with history', async () => {
      await rules({ binding: { trigger: 'registration', permanence: 'last_touch' } });
      const a = await register(app);
      const b = await register(app);
      const m = await register(app, { inviteCode: a.inviteCode });
      const res = await visit(b.inviteCode, key('vk'), m);
      expect(res.body.bound).toBe(true);
      expect(await referrerIdOf(app, m)).toBe(b.id);
      const history = (await adminMember(m.id)).bindingHistory;
      expect(history.map((h: any) => [h.oldReferrerId, h.newReferrerId])).toEqual([
        [null, a.id],
        [a.id, b.id],
      ]);
      const isAbove = await call(app, 'GET', `/api/admin/referral/is-above?ancestorId=${a.id}&descendantId=${m.id}`, { token: owner.token });
      expect(isAbove.body.above).toBe(false);
    });

    it('days: a rebind happens only after validDays', async () => {
      await rules({ binding: { trigger: 'registration', permanence: 'days', validDays: 30, protectionDays: 7 } });
      const a = await register(app);
      const b = await register(app);
      const m = await register(app, { inviteCode: a.inviteCode });
      app.clock.advanceDays(10);
      expect((await visit(b.inviteCode, key('vk'), m)).body.bound).toBe(false);
      expect(await referrerIdOf(app, m)).toBe(a.id);
      app.clock.advanceDays(21); // day 31
      expect((await visit(b.inviteCode, key('vk'), m)).body.bound).toBe(true);
      expect(await referrerIdOf(app, m)).toBe(b.id);
    });
  });

  it('newUsersOnly: a member who already paid an order is not bound by a first visit', async () => {
    await rules({ binding: { trigger: 'registration' } });
    const a = await register(app);
    const payer = await register(app);
    const fresh = await register(app);
    await buyAndPay(app, payer, [{ skuId, quantity: 1 }]);
    await rules({ binding: { trigger: 'first_visit', newUsersOnly: true } });
    const refused = await visit(a.inviteCode, key('vk'), payer);
    expect(refused.body).toMatchObject({ bound: false, reason: 'not_new_user' });
    expect(await referrerIdOf(app, payer)).toBeNull();
    expect((await visit(a.inviteCode, key('vk'), fresh)).body.bound).toBe(true);
    expect(await referrerIdOf(app, fresh)).toBe(a.id);

    await rules({ binding: { trigger: 'first_visit', newUsersOnly: false } });
    expect((await visit(a.inviteCode, key('vk'), payer)).body.bound).toBe(true);
    expect(await referrerIdOf(app, payer)).toBe(a.id);
  });

  it('no self-binding: own link, HQ rebind under oneself (422 BINDING_SELF)', async () => {
    await rules({ binding: { trigger: 'first_visit', permanence: 'last_touch' } });
    const a = await register(app);
    const own = await visit(a.inviteCode, key('vk'), a);
    expect(own.body.bound).toBe(false);
    expect(await referrerIdOf(app, a)).toBeNull();
    const self = await rebind(a.id, a.id);
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('BINDING_SELF');
    expect(await referrerIdOf(app, a)).toBeNull();
    // an anonymous visit to one's own link before registering is impossible; a bound member's own link changes nothing
    const z = await register(app);
    const m = await register(app, { inviteCode: z.inviteCode });
    await visit(m.inviteCode, key('vk'), m);
    expect(await referrerIdOf(app, m)).toBe(z.id);
  });

  it('no cycles at any depth: HQ rebind of an ancestor under a descendant is 422 BINDING_CYCLE; links cannot make one either', async () => {
    await rules({ binding: { trigger: 'registration', permanence: 'permanent' } });
    const c = await registerChain(app, 5); // c[0] top … c[4] bottom
    const before = await countHistory(c[0].id);
    for (const [ancestor, descendant] of [
      [0, 4],
      [0, 1],
      [1, 3],
      [2, 4],
    ]) {
      const res = await rebind(c[ancestor].id, c[descendant].id);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('BINDING_CYCLE');
    }
    expect(await countHistory(c[0].id)).toBe(before);
    const above = await call(app, 'GET', `/api/admin/referral/is-above?ancestorId=${c[0].id}&descendantId=${c[4].id}`, { token: owner.token });
    expect(above.body.above).toBe(true);
    const below = await call(app, 'GET', `/api/admin/referral/is-above?ancestorId=${c[4].id}&descendantId=${c[0].id}`, { token: owner.token });
    expect(below.body.above).toBe(false);

    // last touch: c[1] opening c[4]'s link would make a cycle
    await rules({ binding: { trigger: 'registration', permanence: 'last_touch' } });
    const lt = await visit(c[4].inviteCode, key('vk'), c[1]);
    expect(lt.body.bound).toBe(false);
    expect(await referrerIdOf(app, c[1])).toBe(c[0].id);
    // first visit: the unbound top c[0] opening c[3]'s link would make a cycle
    await rules({ binding: { trigger: 'first_visit', permanence: 'permanent', newUsersOnly: false } });
    const fv = await visit(c[3].inviteCode, key('vk'), c[0]);
    expect(fv.body.bound).toBe(false);
    expect(await referrerIdOf(app, c[0])).toBeNull();
    // and the tree is intact
    const uplines = (await adminMember(c[4].id)).uplines.map((u: any) => u.id);
    expect(uplines).toEqual([c[3].id, c[2].id, c[1].id, c[0].id]);
  });

  async function countHistory(memberId: number) {
    return (await adminMember(memberId)).bindingHistory.length as number;
  }

  it('HQ rebind keeps history and is audited with before/after (read by an auditor)', async () => {
    await rules({ binding: { trigger: 'registration' } });
    const a = await register(app);
    const b = await register(app);
    const m = await register(app, { inviteCode: a.inviteCode });
    const moved = await rebind(m.id, b.id);
    expect(moved.status).toBe(200);
    expect(await referrerIdOf(app, m)).toBe(b.id);
    const history = (await adminMember(m.id)).bindingHistory;
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({ oldReferrerId: a.id, newReferrerId: b.id, source: 'hq', actorId: operator.id, reason: '客服核实后调整' });

    const entries = await auditLog(app, auditor.token, { action: 'referral.rebind', targetId: String(m.id) });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'referral.rebind', actorId: operator.id, targetType: 'member', before: { referrerId: a.id }, after: { referrerId: b.id }, reason: '客服核实后调整' });

    // unchanged rebind is refused; detaching is audited too
    expect((await rebind(m.id, b.id)).status).toBe(409);
    expect((await rebind(m.id, null)).status).toBe(200);
    expect(await referrerIdOf(app, m)).toBeNull();
    const detach = await auditLog(app, auditor.token, { action: 'referral.rebind', targetId: String(m.id) });
    expect(detach[0]).toMatchObject({ before: { referrerId: b.id }, after: { referrerId: null } });
    // the moved member's team moves with them
    const child = await register(app, { inviteCode: m.inviteCode });
    await rebind(m.id, a.id);
    expect((await adminMember(child.id)).uplines.map((u: any) => u.id)).toEqual([m.id, a.id]);
  });

  it('a move carries the whole subtree: uplines, is-above and team sizes follow at every depth', async () => {
    await rules({ binding: { trigger: 'registration', permanence: 'permanent' } });
    const x = await registerChain(app, 4); // x0 → x1 → x2 → x3
    const y0 = await register(app);
    expect((await rebind(x[1].id, y0.id)).status).toBe(200);
    expect((await adminMember(x[3].id)).uplines.map((u: any) => [u.id, u.distance])).toEqual([
      [x[2].id, 1],
      [x[1].id, 2],
      [y0.id, 3],
    ]);
    const above = async (p: RegisteredMember, q: RegisteredMember) =>
      (await call(app, 'GET', `/api/admin/referral/is-above?ancestorId=${p.id}&descendantId=${q.id}`, { token: owner.token })).body.above;
    expect(await above(x[0], x[3])).toBe(false);
    expect(await above(x[0], x[1])).toBe(false);
    expect(await above(y0, x[3])).toBe(true);
    expect((await adminMember(x[0].id)).team).toMatchObject({ teamSize: 0, directCount: 0 });
    expect((await adminMember(y0.id)).team).toMatchObject({ teamSize: 3, directCount: 1 });
    // and now x0 may hang under x3 (no longer its descendant's descendant)
    expect((await rebind(x[0].id, x[3].id)).status).toBe(200);
    expect((await adminMember(x[0].id)).uplines.map((u: any) => u.id)).toEqual([x[3].id, x[2].id, x[1].id, y0.id]);
  });

  it('HQ rebind never rewrites earned commission: the paid order stays with the old chain, the next pays the new', async () => {
    await rules({ binding: { trigger: 'registration' } });
    const [oldTop, oldParent] = await registerChain(app, 2);
    const [newTop, newParent] = await registerChain(app, 2);
    const buyer = await register(app, { inviteCode: oldParent.inviteCode });
    const first = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const firstEarnings = (await adminOrder(app, owner.token, first.id)).earnings;
    expect(Object.fromEntries(await earningsByEarner(app, owner.token, first.id))).toEqual({ [oldParent.id]: 1000, [oldTop.id]: 500 });

    expect((await rebind(buyer.id, newParent.id)).status).toBe(200);
    expect((await adminOrder(app, owner.token, first.id)).earnings).toEqual(firstEarnings);
    expect((await summary(app, oldParent)).pendingFen).toBe(1000);
    expect((await summary(app, newParent)).pendingFen).toBe(0);

    const second = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect(Object.fromEntries(await earningsByEarner(app, owner.token, second.id))).toEqual({ [newParent.id]: 1000, [newTop.id]: 500 });

    // a refund of the first order reverses the old chain's earnings, not the new chain's
    const refunded = await refund(app, support, first.id, [{ lineId: first.lines[0].id, amountFen: 5000 }]);
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    expect((await summary(app, oldParent)).pendingFen).toBe(500);
    expect((await summary(app, oldTop)).pendingFen).toBe(250);
    expect((await summary(app, newParent)).pendingFen).toBe(1000);
    expect((await summary(app, newTop)).pendingFen).toBe(500);
    expect((await me(app, buyer)).referrer?.id).toBe(newParent.id);
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
