import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { expectReconciled } from '../support/rules-kit.js';
import { call } from '../support/api.js';

describeEachDatabase('promotions demo data', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind);
    expect(await seedDemo(app.services)).toBe(true);
  });
  afterAll(async () => app?.close());

  it('puts the chain members at different levels, with coupons claimed, used and a sharer paid', async () => {
    const { db, memberLevels, coupons } = app.services;
    const levelOf = async (phone: string) => {
      const m = await db.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
      return (await memberLevels.standing(db, m.id)).level?.name;
    };
    // other features' demo orders add growth after ours, so only the spread is certain
    const levels = await Promise.all(['13900000001', '13900000002', '13900000003', '13900000004', '13900000005'].map(levelOf));
    expect(levels[0]).toBe('钻石会员');
    expect(new Set(levels).size).toBeGreaterThanOrEqual(2);
    const templates = await coupons.listTemplates(db, { limit: 20, offset: 0 });
    expect(templates.reduce((s, t) => s + t.usedCount, 0)).toBe(4);
    expect(templates.find((t) => t.name === '双11限量20元券')?.status).toBe('stopped');
    const chen = await db.selectFrom('members').select('id').where('phone', '=', '13900000002').executeTakeFirstOrThrow();
    expect((await coupons.sharerSummary(db, chen.id)).guideEarnedFen).toBeGreaterThan(0);
    const owner = await call(app, 'POST', '/api/auth/login', { body: { phone: '13800000000', password: 'demo1234' } });
    await expectReconciled(app, owner.body.token);
  });
});
