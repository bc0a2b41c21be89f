import { afterAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

describeEachDatabase('first-order binding keeps the registration invite past the protection window', (kind) => {
  let app: TestApp;
  afterAll(async () => app?.close());

  it('binds the buyer to the inviter when the first order comes 30 days after registering', async () => {
    app = await startTestApp(kind, { rules: { binding: { trigger: 'first_order', protectionDays: 7 } } });
    const owner = await hqMember(app, 'owner');
    const inviter = await register(app);
    const buyer = await register(app, { inviteCode: inviter.inviteCode });
    expect((await call(app, 'GET', '/api/me', { token: buyer.token })).body.referrer).toBeNull();
    app.clock.advanceDays(30);
    const sku = (await createProduct(app, owner, [{ priceFen: 1_000 }])).skus[0].id;
    await buyAndPay(app, buyer, [{ skuId: sku, quantity: 1 }]);
    expect((await call(app, 'GET', '/api/me', { token: buyer.token })).body.referrer.id).toBe(inviter.id);
    expect((await call(app, 'GET', '/api/me/commission/summary', { token: inviter.token })).body.pendingFen).toBe(100);
  });
});
