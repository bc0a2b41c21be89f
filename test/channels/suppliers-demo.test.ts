import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { call } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled } from '../support/rules-kit.js';

describeEachDatabase('suppliers demo data', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind);
    expect(await seedDemo(app.services)).toBe(true);
    // the whole demo seed (every feature's) runs first: slow on a busy machine
  }, 240_000);
  afterAll(async () => app?.close());

  it('signs the demo supplier in with its own phone and shows products, a pending proposal, orders and settlements', async () => {
    const login = await call(app, 'POST', '/api/auth/login', { body: { phone: '13700000001', password: 'demo1234' } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const me = await call(app, 'GET', '/api/me', { token });
    expect(me.body.parties).toEqual([expect.objectContaining({ kind: 'supplier', name: '云岭茶业有限公司' })]);
    expect(me.body.distributorStatus).toBe('active');
    expect((await call(app, 'GET', '/api/supplier/products', { token })).body.items).toHaveLength(2);
    expect((await call(app, 'GET', '/api/supplier/proposals?status=pending', { token })).body.items).toHaveLength(1);
    const orders = await call(app, 'GET', '/api/supplier/orders', { token });
    expect(orders.body.items.length).toBe(3);
    const summary = (await call(app, 'GET', '/api/supplier/me', { token })).body.settlements;
    expect(summary.pendingFen).toBeGreaterThan(0);
    expect(summary.frozenFen).toBeGreaterThan(0);
    const owner = await call(app, 'POST', '/api/auth/login', { body: { phone: '13800000000', password: 'demo1234' } });
    await expectReconciled(app, owner.body.token);
  });
});
