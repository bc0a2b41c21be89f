// The leaderboards' sales credit takes the level-1 distributor from the core's commission chain; under
// self-purchase a buyer promoted by this very purchase (after commission ran) is their own level 1,
// as a fresh chain lookup after the promotion finds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('growth sales credit: level 1 after a promotion on purchase', (kind) => {
  let app: TestApp;
  let skuId: number;
  let upline: RegisteredMember;
  let buyer: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { commission: { selfPurchase: true }, distributor: { mode: 'first_purchase' } } });
    const owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0].id;
    [upline, buyer] = await registerChain(app, 2);
    await app.services.db.updateTable('members').set({ distributor_status: 'active' }).where('id', '=', upline.id).execute();
    await app.services.db.updateTable('members').set({ distributor_status: 'none' }).where('id', '=', buyer.id).execute();
  });
  afterAll(async () => app?.close());

  const creditOf = async (orderId: number) =>
    (await app.services.db.selectFrom('growth_order_credits').select('sales_member_id').where('order_id', '=', orderId).executeTakeFirstOrThrow()).sales_member_id;
  const deltasOf = async (memberId: number) =>
    (await app.services.db.selectFrom('growth_leaderboard_deltas').select(['metric', 'value']).where('member_id', '=', memberId).orderBy('id').execute()).map((d) => [d.metric, Number(d.value)]);

  it('the first purchase earns the upline commission and credits the promoted buyer with the sale', async () => {
    const first = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const status = await app.services.db.selectFrom('members').select('distributor_status').where('id', '=', buyer.id).executeTakeFirstOrThrow();
    expect(status.distributor_status).toBe('active');
    expect(await creditOf(first.id)).toBe(buyer.id);
    expect(await deltasOf(buyer.id)).toEqual([['sales', 10_000]]);
    expect(await deltasOf(upline.id)).toEqual([['commission', 1_000]]);

    const second = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    expect(await creditOf(second.id)).toBe(buyer.id);
    expect(await deltasOf(buyer.id)).toEqual([['sales', 10_000], ['commission', 1_000], ['sales', 10_000]]);
  });
});
