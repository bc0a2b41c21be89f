// Rule 10: security — members see only their own orders, payouts, earnings and team (someone
// else's id is 404); member tokens on /api/admin/* are 403; each HQ role does only its own
// actions; phones masked by role; bad input is a 4xx JSON {code, message} and changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { checkout, countRows, credit, expectReconciled, key, startDevPayment, withdraw } from '../support/rules-kit.js';

type Role = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';
const MASKED = /^\d{3}\*{4}\d{4}$/;

describeEachDatabase('rule 10: security', (kind) => {
  let app: TestApp;
  const hq = {} as Record<Role, RegisteredMember>;
  let a: RegisteredMember[]; // chain A: a[0] → a[1] → a[2]
  let b: RegisteredMember[]; // chain B: b[0] → b[1] → b[2]
  let skuId: number;
  let paidOrderA: any;
  let pendingOrderA: { id: number };
  let payoutA: any;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { payout: { minAmountFen: 100, autoApproveMaxFen: 0 }, binding: { trigger: 'registration' } } });
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as Role[]) hq[role] = await hqMember(app, role);
    a = await registerChain(app, 3);
    b = await registerChain(app, 3);
    skuId = (await createProduct(app, hq.owner, [{ priceFen: 10_000, stock: 50 }])).skus[0].id;
    paidOrderA = await buyAndPay(app, a[2], [{ skuId, quantity: 1 }]);
    await buyAndPay(app, b[2], [{ skuId, quantity: 1 }]);
    pendingOrderA = await checkout(app, a[2], [{ skuId, quantity: 1 }]);
    await credit(app, hq.finance, a[1].id, 2_000);
    payoutA = (await withdraw(app, a[1], 1_000)).body;
  });
  afterAll(async () => app?.close());

  it("someone else's order id is 404 for reading, paying, cancelling and confirming, and nothing changes", async () => {
    const intruder = b[2];
    for (const [method, url, body] of [
      ['GET', `/api/orders/${paidOrderA.id}`, undefined],
      ['POST', `/api/orders/${pendingOrderA.id}/pay`, { provider: 'dev' }],
      ['POST', `/api/orders/${pendingOrderA.id}/cancel`, undefined],
      ['POST', `/api/orders/${paidOrderA.id}/confirm-receipt`, undefined],
    ] as const) {
      const res = await call(app, method, url, { token: intruder.token, body });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.code).toBe('ORDER_NOT_FOUND');
    }
    expect((await call(app, 'GET', `/api/orders/${pendingOrderA.id}`, { token: a[2].token })).body.status).toBe('pending_payment');
    expect((await call(app, 'GET', `/api/orders/${paidOrderA.id}`, { token: a[2].token })).body.status).toBe('paid');
    const mine = await call(app, 'GET', '/api/orders', { token: intruder.token });
    expect(mine.body.items.every((o: any) => o.buyerId === intruder.id)).toBe(true);
    expect((await call(app, 'GET', `/api/orders/${paidOrderA.id}`)).status).toBe(401);
    const forged = await call(app, 'GET', `/api/orders/${paidOrderA.id}`, { token: `${a[2].token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('TOKEN_INVALID');

    // someone else's payment cannot be "completed" by the intruder either
    const { outTradeNo } = await startDevPayment(app, a[2], pendingOrderA.id);
    const sim = await call(app, 'POST', '/api/payments/dev/simulate', { token: intruder.token, body: { outTradeNo } });
    expect(sim.status).toBe(404);
    expect((await call(app, 'GET', `/api/orders/${pendingOrderA.id}`, { token: a[2].token })).body.status).toBe('pending_payment');
  });

  it("someone else's payout id is 404; earnings, promotion orders and team are one's own", async () => {
    const res = await call(app, 'GET', `/api/me/payouts/${payoutA.id}`, { token: b[1].token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('PAYOUT_NOT_FOUND');
    expect((await call(app, 'GET', `/api/me/payouts/${payoutA.id}`, { token: a[1].token })).status).toBe(200);
    expect((await call(app, 'GET', '/api/me/payouts', { token: b[1].token })).body.items).toEqual([]);

    const earnings = await call(app, 'GET', '/api/me/commission/earnings', { token: b[1].token });
    expect(earnings.body.items.length).toBeGreaterThan(0);
    expect(earnings.body.items.every((e: any) => e.earnerId === b[1].id)).toBe(true);
    const promo = await call(app, 'GET', '/api/me/promotion-orders', { token: b[1].token });
    expect(promo.body.items.map((o: any) => o.orderId)).not.toContain(paidOrderA.id);

    const team = await call(app, 'GET', '/api/me/team', { token: b[0].token });
    expect(team.body.items.map((m: any) => m.id).sort()).toEqual([b[1].id, b[2].id].sort());
    // the only way to read another member's team is the admin API, which members cannot use
    const theirs = await call(app, 'GET', `/api/admin/members/${a[0].id}/team`, { token: b[0].token });
    expect(theirs.status).toBe(403);
  });

  it('member tokens on /api/admin/* get 403 ROLE_FORBIDDEN (no token: 401)', async () => {
    const m = a[0];
    const audits = await countRows(app, 'audit_log');
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/admin/members'],
      ['GET', `/api/admin/members/${a[1].id}`],
      ['GET', `/api/admin/members/${a[1].id}/team`],
      ['GET', '/api/admin/orders'],
      ['GET', `/api/admin/orders/${paidOrderA.id}`],
      ['GET', '/api/admin/rules'],
      ['PUT', '/api/admin/rules', { config: {} }],
      ['GET', '/api/admin/payouts'],
      ['POST', `/api/admin/payouts/${payoutA.id}/approve`],
      ['POST', '/api/admin/adjustments', { memberId: m.id, amountFen: 100000, reason: '给自己加钱', idempotencyKey: key('evil') }],
      ['POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { lines: [{ lineId: paidOrderA.lines[0].id, amountFen: 100 }], reason: '自己退款', idempotencyKey: key('evil') }],
      ['POST', `/api/admin/members/${m.id}/role`, { role: 'owner', reason: '提权尝试' }],
      ['POST', `/api/admin/members/${a[1].id}/rebind`, { referrerId: null, reason: '解绑尝试' }],
      ['GET', '/api/admin/audit-log'],
      ['GET', '/api/admin/reconciliation'],
      ['POST', '/api/admin/jobs/unfreeze'],
      ['POST', '/api/admin/commission/dry-run', { buyerId: m.id, items: [{ skuId, quantity: 1 }] }],
    ];
    for (const [method, url, body] of routes) {
      const res = await call(app, method, url, { token: m.token, body });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('ROLE_FORBIDDEN');
      const anon = await call(app, method, url, { body });
      expect(anon.status, `${method} ${url} anonymous`).toBe(401);
    }
    expect(await countRows(app, 'audit_log')).toBe(audits);
    expect((await call(app, 'GET', '/api/me', { token: m.token })).body.hqRole).toBeNull();
  });

  it('each HQ role can do only its own actions', async () => {
    const line = paidOrderA.lines[0].id;
    const refundBody = () => ({ lines: [{ lineId: line, amountFen: 100 }], reason: '角色测试', idempotencyKey: key('role') });
    const writes: Array<[string, string, () => unknown, Role[]]> = [
      ['POST', `/api/admin/orders/${paidOrderA.id}/refunds`, refundBody, ['owner', 'support']],
      ['POST', `/api/admin/payouts/${payoutA.id}/approve`, () => undefined, ['owner', 'finance']],
      ['POST', `/api/admin/payouts/${payoutA.id}/reject`, () => ({ reason: '角色测试' }), ['owner', 'finance']],
      ['POST', `/api/admin/payouts/${payoutA.id}/retry`, () => undefined, ['owner', 'finance']],
      ['POST', '/api/admin/adjustments', () => ({ memberId: a[0].id, amountFen: 1, reason: '角色测试', idempotencyKey: key('role') }), ['owner', 'finance']],
      ['POST', '/api/admin/jobs/unfreeze', () => undefined, ['owner', 'finance']],
      ['PUT', '/api/admin/rules', () => ({ config: {} }), ['owner', 'operator']],
      ['POST', `/api/admin/members/${b[2].id}/rebind`, () => ({ referrerId: a[0].id, reason: '角色测试' }), ['owner', 'operator']],
      ['POST', `/api/admin/members/${a[2].id}/tier`, () => ({ tierId: 1, reason: '角色测试' }), ['owner', 'operator']],
      ['POST', `/api/admin/members/${a[2].id}/distributor-status`, () => ({ status: 'active', reason: '角色测试' }), ['owner', 'operator']],
      ['POST', '/api/admin/products', () => ({ title: '角色测试', skus: [{ name: 'x', priceFen: 100, stock: 1 }] }), ['owner', 'operator']],
      ['POST', `/api/admin/orders/${paidOrderA.id}/ship`, () => undefined, ['owner', 'operator', 'support']],
      ['POST', `/api/admin/members/${a[2].id}/role`, () => ({ role: 'auditor', reason: '角色测试' }), ['owner']],
    ];
    const audits = await countRows(app, 'audit_log');
    const transfers = await countRows(app, 'ledger_transfers');
    const versions = await countRows(app, 'rule_versions');
    for (const [method, url, body, allowed] of writes) {
      for (const role of ['operator', 'finance', 'support', 'auditor'] as Role[]) {
        if (allowed.includes(role)) continue;
        const res = await call(app, method, url, { token: hq[role].token, body: body() });
        expect(res.status, `${role} ${method} ${url}`).toBe(403);
        expect(res.body.code).toBe('ROLE_FORBIDDEN');
      }
    }
    expect(await countRows(app, 'audit_log')).toBe(audits);
    expect(await countRows(app, 'ledger_transfers')).toBe(transfers);
    expect(await countRows(app, 'rule_versions')).toBe(versions);
    expect((await call(app, 'GET', `/api/me/payouts/${payoutA.id}`, { token: a[1].token })).body.status).toBe('reviewing');

    // the allowed side of the same line: finance refunds nothing, support refunds; support approves nothing, finance approves
    expect((await call(app, 'POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { token: hq.support.token, body: refundBody() })).status).toBe(201);
    expect((await call(app, 'POST', `/api/admin/payouts/${payoutA.id}/approve`, { token: hq.finance.token })).body.status).toBe('paid');

    // reading: the auditor reads the audit log and reconciliation; the operator reads neither
    expect((await call(app, 'GET', '/api/admin/audit-log', { token: hq.auditor.token })).status).toBe(200);
    expect((await call(app, 'GET', '/api/admin/reconciliation', { token: hq.auditor.token })).status).toBe(200);
    const log = await call(app, 'GET', '/api/admin/audit-log', { token: hq.operator.token });
    expect(log.status).toBe(403);
    expect(log.body.code).toBe('ROLE_FORBIDDEN');
  });

  it('phones are masked in team lists, and in admin lists for operator/finance/auditor but not owner/support', async () => {
    const team = await call(app, 'GET', '/api/me/team', { token: a[0].token });
    expect(team.body.items.length).toBe(2);
    for (const m of team.body.items) expect(m.phone).toMatch(MASKED);

    const target = a[2];
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as Role[]) {
      const token = hq[role].token;
      const sees = (phone: string) => (role === 'owner' || role === 'support' ? expect(phone).toBe(target.phone) : expect(phone).toMatch(MASKED));
      const search = await call(app, 'GET', `/api/admin/members?q=${target.phone}`, { token });
      expect(search.status).toBe(200);
      const row = search.body.items.find((m: any) => m.id === target.id);
      expect(row, role).toBeDefined();
      sees(row.phone);
      const detail = await call(app, 'GET', `/api/admin/members/${target.id}`, { token });
      sees(detail.body.phone);
      const uplinePhones = detail.body.uplines.map((u: any) => u.phone);
      expect(uplinePhones).toHaveLength(2);
      for (const p of uplinePhones) (role === 'owner' || role === 'support' ? expect(p).not.toMatch(MASKED) : expect(p).toMatch(MASKED));
      const adminTeam = await call(app, 'GET', `/api/admin/members/${a[0].id}/team`, { token });
      const teamRow = adminTeam.body.items.find((m: any) => m.id === target.id);
      sees(teamRow.phone);
      const orders = await call(app, 'GET', '/api/admin/orders', { token });
      const orderRow = orders.body.items.find((o: any) => o.id === paidOrderA.id);
      sees(orderRow.buyerPhone);
    }
  });

  it('bad input is a 4xx JSON {code, message} and changes nothing', async () => {
    const buyer = b[2];
    const stockOf = async () => (await call(app, 'GET', '/api/products')).body.items.flatMap((p: any) => p.skus).find((s: any) => s.id === skuId).stock as number;
    const snapshot = async () => ({
      orders: await countRows(app, 'orders'),
      refunds: await countRows(app, 'refunds'),
      payouts: await countRows(app, 'payouts'),
      transfers: await countRows(app, 'ledger_transfers'),
      versions: await countRows(app, 'rule_versions'),
      stock: await stockOf(),
    });
    const before = await snapshot();
    const expectError = (res: { status: number; body: any }, label: string) => {
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      expect(res.body, label).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    };
    const order = (items: unknown, extra: Record<string, unknown> = {}) => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items, checkoutKey: key('bad'), ...extra } });

    expectError(await order([{ skuId, quantity: 0 }]), 'quantity 0');
    expectError(await order([{ skuId, quantity: -1 }]), 'negative quantity');
    expectError(await order([{ skuId, quantity: 1.5 }]), 'fractional quantity');
    expectError(await order([]), 'empty cart');
    expectError(await order([{ skuId: 'x', quantity: 1 }]), 'sku not a number');
    const unknown = await order([{ skuId: 987_654_321, quantity: 1 }]);
    expectError(unknown, 'unknown sku');
    expect(unknown.body.code).toBe('SKU_NOT_FOUND');
    expectError(await order([{ skuId, quantity: 2 }, { skuId: 987_654_321, quantity: 1 }]), 'known + unknown sku');
    expectError(await order([{ skuId, quantity: 51 }]), 'more than in stock');
    expectError(await order([{ skuId, quantity: 1 }], { checkoutKey: 'bad key with spaces' }), 'bad checkout key');
    expectError(await order([{ skuId, quantity: 1 }], { sharerInviteCode: 'NOPE9999' }), 'unknown sharer');
    expectError(await call(app, 'POST', '/api/orders', { token: buyer.token, body: '{"items": [' }), 'not JSON');
    expectError(await call(app, 'GET', '/api/orders/abc', { token: buyer.token }), 'id not a number');
    expectError(await call(app, 'GET', '/api/orders/-1', { token: buyer.token }), 'negative id');

    const line = paidOrderA.lines[0].id;
    for (const amountFen of [-100, 0, 10.5, '100']) {
      expectError(await call(app, 'POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { token: hq.support.token, body: { lines: [{ lineId: line, amountFen }], reason: '坏输入', idempotencyKey: key('bad') } }), `refund ${amountFen}`);
    }
    expectError(await call(app, 'POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { token: hq.support.token, body: { lines: [], reason: '坏输入', idempotencyKey: key('bad') } }), 'empty refund');
    expectError(await call(app, 'POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { token: hq.support.token, body: { lines: [{ lineId: line, amountFen: 10 }, { lineId: line, amountFen: 10 }], reason: '坏输入', idempotencyKey: key('bad') } }), 'line twice');
    expectError(await call(app, 'POST', `/api/admin/orders/${paidOrderA.id}/refunds`, { token: hq.support.token, body: { lines: [{ lineId: line, amountFen: 10 }], reason: '坏输入', idempotencyKey: key('bad'), shippingFen: -5 } }), 'negative shipping');
    for (const amountFen of [-100, 0, 99.5]) expectError(await withdraw(app, a[1], amountFen as number), `payout ${amountFen}`);
    expectError(await withdraw(app, a[1], 100, { idempotencyKey: 'x' }), 'short idempotency key');
    expectError(await call(app, 'POST', '/api/admin/adjustments', { token: hq.finance.token, body: { memberId: a[1].id, amountFen: 1e11, reason: '坏输入', idempotencyKey: key('bad') } }), 'huge adjustment');
    for (const commission of [{ capBp: -1 }, { capBp: 10_001 }, { tierRatesBp: { '1': [20_000] } }, { levels: 0 }, { freezeDays: -1 }]) {
      const res = await call(app, 'PUT', '/api/admin/rules', { token: hq.owner.token, body: { config: { commission } } });
      expectError(res, `rules ${JSON.stringify(commission)}`);
      expect(res.body.code).toBe('RULES_INVALID');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, hq.owner.token);
  });
});
