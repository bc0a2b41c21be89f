import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled, key } from '../support/rules-kit.js';

describeOnPostgres('promotions under concurrency [postgres]', () => {
  let app: TestApp;
  let owner: RegisteredMember;
  let skuId: number;

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 20 });
    owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
  });
  afterAll(async () => app?.close());

  async function template(totalQuantity: number, perMemberLimit: number) {
    const res = await call(app, 'POST', '/api/admin/coupon-templates', { token: owner.token, body: { name: '抢券', kind: 'fixed', offFen: 500, totalQuantity, perMemberLimit, validDays: 7 } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  }

  it('30 members claiming a 10-piece coupon at once get exactly 10', async () => {
    const templateId = await template(10, 1);
    const members = await Promise.all(Array.from({ length: 30 }, () => register(app)));
    const claims = await Promise.all(members.map((m) => call(app, 'POST', `/api/coupon-templates/${templateId}/claim`, { token: m.token, body: {} })));
    expect(claims.filter((c) => c.status === 201)).toHaveLength(10);
    expect(claims.filter((c) => c.status === 409).every((c) => c.body.code === 'COUPON_SOLD_OUT')).toBe(true);
    expect(claims.filter((c) => c.status === 409)).toHaveLength(20);
    const listed = (await call(app, 'GET', '/api/admin/coupon-templates', { token: owner.token })).body.items.find((t: { id: number }) => t.id === templateId);
    expect(listed.issuedCount).toBe(10);
    const rows = await app.services.db.selectFrom('member_coupons').select('id').where('template_id', '=', templateId).execute();
    expect(rows).toHaveLength(10);
  });

  it('one member claiming 12 times at once stays within a limit of 3', async () => {
    const templateId = await template(100, 3);
    const m = await register(app);
    const claims = await Promise.all(Array.from({ length: 12 }, () => call(app, 'POST', `/api/coupon-templates/${templateId}/claim`, { token: m.token, body: {} })));
    expect(claims.filter((c) => c.status === 201)).toHaveLength(3);
    expect(claims.filter((c) => c.status === 409).every((c) => c.body.code === 'COUPON_LIMIT_REACHED')).toBe(true);
  });

  it('one coupon used by two checkouts at once: one order wins, the other changes nothing', async () => {
    const templateId = await template(10, 1);
    const buyer = await register(app);
    const coupon = (await call(app, 'POST', `/api/coupon-templates/${templateId}/claim`, { token: buyer.token, body: {} })).body;
    const before = (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;
    const attempts = await Promise.all(
      Array.from({ length: 4 }, () => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('race'), couponId: coupon.id } })),
    );
    const won = attempts.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(won[0].body.payableFen).toBe(9_500);
    expect(attempts.filter((a) => a.status !== 201).every((a) => ['COUPON_ALREADY_USED', 'COUPON_NOT_USABLE'].includes(a.body.code))).toBe(true);
    const orders = await app.services.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.id).execute();
    expect(orders).toHaveLength(1);
    const after = (await app.services.db.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;
    expect(before - after).toBe(1);
    await expectReconciled(app, owner.token);
  });
});
