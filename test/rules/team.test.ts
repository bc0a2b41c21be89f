// Rule 4: team queries — /api/me/team (depth=1, a level, everyone), /api/me/team/summary
// (teamSize, directCount, teamSalesFen after paid orders and refunds), is-above, uplines.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { checkout, expectReconciled, refund } from '../support/rules-kit.js';

describeEachDatabase('rule 4: team queries', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let support: RegisteredMember;
  let a: RegisteredMember, b: RegisteredMember, c: RegisteredMember, d: RegisteredMember, e: RegisteredMember, outsider: RegisteredMember;
  let sku10k: number;
  let sku5k: number;

  const team = async (m: RegisteredMember, query = '') => {
    const res = await call(app, 'GET', `/api/me/team${query}`, { token: m.token });
    expect(res.status).toBe(200);
    return res.body as { total: number; items: Array<{ id: number; phone: string; level: number; salesFen: number; orderCount: number }> };
  };
  const teamSummary = async (m: RegisteredMember) => {
    const res = await call(app, 'GET', '/api/me/team/summary', { token: m.token });
    expect(res.status).toBe(200);
    return res.body as { teamSize: number; directCount: number; teamSalesFen: number };
  };
  const isAbove = async (x: RegisteredMember, y: RegisteredMember) => {
    const res = await call(app, 'GET', `/api/admin/referral/is-above?ancestorId=${x.id}&descendantId=${y.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    return res.body.above as boolean;
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { order: { shippingFen: 800 } } });
    owner = await hqMember(app, 'owner');
    support = await hqMember(app, 'support');
    [a, b, c, d] = await registerChain(app, 4); // a → b → c → d
    e = await register(app, { inviteCode: a.inviteCode });
    outsider = await register(app);
    const product = await createProduct(app, owner, [{ priceFen: 10_000 }, { priceFen: 5_000 }]);
    [sku10k, sku5k] = product.skus.map((s) => s.id);
  });
  afterAll(async () => app?.close());

  it('GET /api/me/team: direct referrals with depth=1, one level with depth=n, everyone without depth', async () => {
    const direct = await team(a, '?depth=1');
    expect(direct.total).toBe(2);
    expect(direct.items.map((m) => m.id).sort()).toEqual([b.id, e.id].sort());
    expect(direct.items.every((m) => m.level === 1)).toBe(true);

    const level2 = await team(a, '?depth=2');
    expect(level2.items.map((m) => m.id)).toEqual([c.id]);

    const all = await team(a);
    expect(all.total).toBe(4);
    expect(Object.fromEntries(all.items.map((m) => [m.id, m.level]))).toEqual({ [b.id]: 1, [c.id]: 2, [d.id]: 3, [e.id]: 1 });
    expect(all.items.map((m) => m.id)).not.toContain(a.id);

    expect((await team(b)).items.map((m) => m.id).sort()).toEqual([c.id, d.id].sort());
    expect((await team(d)).total).toBe(0);
    expect((await team(outsider)).total).toBe(0);

    const paged = await team(a, '?limit=1&offset=1');
    expect(paged.total).toBe(4);
    expect(paged.items).toHaveLength(1);
  });

  it('GET /api/me/team/summary: size, direct count, and team sales after paid orders and refunds', async () => {
    expect(await teamSummary(a)).toMatchObject({ teamSize: 4, directCount: 2, teamSalesFen: 0 });
    expect(await teamSummary(b)).toMatchObject({ teamSize: 2, directCount: 1, teamSalesFen: 0 });

    const dOrder = await buyAndPay(app, d, [{ skuId: sku10k, quantity: 1 }]); // 10 000 goods + 800 shipping
    await buyAndPay(app, c, [{ skuId: sku5k, quantity: 1 }]);
    await buyAndPay(app, a, [{ skuId: sku10k, quantity: 1 }]); // a's own purchase is not team sales
    await checkout(app, e, [{ skuId: sku10k, quantity: 3 }]); // unpaid: not sales

    expect(await teamSummary(a)).toMatchObject({ teamSize: 4, directCount: 2, teamSalesFen: 15_000 });
    expect(await teamSummary(b)).toMatchObject({ teamSalesFen: 15_000 });
    expect(await teamSummary(c)).toMatchObject({ teamSize: 1, directCount: 1, teamSalesFen: 10_000 });
    expect(await teamSummary(d)).toMatchObject({ teamSize: 0, directCount: 0, teamSalesFen: 0 });

    const r = await refund(app, support, dOrder.id, [{ lineId: dOrder.lines[0].id, amountFen: 3_000 }]);
    expect(r.status).toBe(201);
    expect(await teamSummary(a)).toMatchObject({ teamSalesFen: 12_000 });
    expect(await teamSummary(c)).toMatchObject({ teamSalesFen: 7_000 });
    const dRow = (await team(c)).items.find((m) => m.id === d.id)!;
    expect(dRow.salesFen).toBe(7_000);
    expect(dRow.orderCount).toBe(1);
  });

  it('team lists mask phones', async () => {
    for (const m of (await team(a)).items) {
      expect(m.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
  });

  it('is-above answers for any depth, and never for oneself or a sibling branch', async () => {
    expect(await isAbove(a, b)).toBe(true);
    expect(await isAbove(a, d)).toBe(true);
    expect(await isAbove(b, d)).toBe(true);
    expect(await isAbove(d, a)).toBe(false);
    expect(await isAbove(e, d)).toBe(false);
    expect(await isAbove(a, a)).toBe(false);
    expect(await isAbove(outsider, d)).toBe(false);
  });

  it('GET /api/admin/members/:id lists uplines nearest first with their distances', async () => {
    const res = await call(app, 'GET', `/api/admin/members/${d.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.uplines.map((u: any) => [u.id, u.distance])).toEqual([
      [c.id, 1],
      [b.id, 2],
      [a.id, 3],
    ]);
    expect(res.body.referrer.referrerId).toBe(c.id);
    const top = await call(app, 'GET', `/api/admin/members/${a.id}`, { token: owner.token });
    expect(top.body.uplines).toEqual([]);
    expect(top.body.team).toMatchObject({ teamSize: 4, directCount: 2 });
  });

  it('reconciliation is clean after the scenarios', async () => {
    await expectReconciled(app, owner.token);
  });
});
