import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { call } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled } from '../support/rules-kit.js';

describeEachDatabase('dealers demo data', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind);
    expect(await seedDemo(app.services)).toBe(true);
  });
  afterAll(async () => app?.close());

  const login = async (phone: string) => {
    const res = await call(app, 'POST', '/api/auth/login', { body: { phone, password: 'demo1234' } });
    expect(res.status).toBe(200);
    return res.body.token as string;
  };

  it('signs both demo dealers in and shows stock, restocks, rewards and sale earnings', async () => {
    const upper = await login('13700000011');
    const lower = await login('13700000012');
    expect((await call(app, 'GET', '/api/me', { token: upper })).body.parties).toEqual([expect.objectContaining({ kind: 'dealer', name: '华南茶行' })]);
    const upperMe = (await call(app, 'GET', '/api/dealer/me', { token: upper })).body;
    expect(upperMe.earnings.lowerRestocks.count).toBe(1);
    expect(upperMe.earnings.lowerRestocks.rewardFen).toBeGreaterThan(0);
    expect(upperMe.earnings.saleEarnings.pendingFen).toBeGreaterThan(0);
    const lowerMe = (await call(app, 'GET', '/api/dealer/me', { token: lower })).body;
    expect(lowerMe.earnings.saleEarnings.pendingFen + lowerMe.earnings.saleEarnings.frozenFen).toBeGreaterThan(0);
    expect((await call(app, 'GET', '/api/dealer/stock', { token: lower })).body.items.length).toBe(2);
    expect((await call(app, 'GET', '/api/dealer/restocks?status=awaiting_payment', { token: lower })).body.items).toHaveLength(1);
    expect((await call(app, 'GET', '/api/dealer/sales', { token: lower })).body.items).toHaveLength(2);
    const shop = await call(app, 'GET', `/api/dealer-shops/${lowerMe.id}`);
    expect(shop.body.products.length).toBe(2);
    await expectReconciled(app, await login('13800000000'));
  });
});
