// Limits hold across instances: the per-route limits (@fastify/rate-limit, e.g. share-link visits) and
// the checkout limit per buyer are counted in the shared store, so two instances allow what one does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startApp, type RunningApp } from '../../src/app.js';
import { ManualClock } from '../../src/context.js';
import { call, createProduct, hqMember, register, registerChain } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, testConfig, type TestApp } from '../support/harness.js';
import { createScratchDatabase } from '../support/reliability.js';

const LIMITS = { smsPerIpPerHour: 1_000_000, smsGlobalPerMinute: 1_000_000, loginPerIpPerMinute: 1_000_000, loginGlobalPerMinute: 1_000_000, checkoutPerMemberPerMinute: 3 };

async function checkout(app: TestApp, token: string, skuId: number, n: number) {
  return call(app, 'POST', '/api/orders', { token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `limit-${n}-${Math.random()}` } });
}

describeEachDatabase('the checkout limit per buyer', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { config: { limits: LIMITS } });
  });
  afterAll(async () => app?.close());

  it('refuses a buyer’s fourth checkout in a minute with 429 CHECKOUT_RATE_LIMITED and takes no stock for it', async () => {
    const owner = await hqMember(app, 'owner');
    const sku = (await createProduct(app, owner, [{ priceFen: 1_000, stock: 10 }])).skus[0].id;
    const buyer = await register(app);
    const other = await register(app);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await checkout(app, buyer.token, sku, i));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers[3].body.code).toBe('CHECKOUT_RATE_LIMITED');
    expect(answers[3].body.retryAfterSeconds).toBeGreaterThan(0);
    // another buyer is not held back by the first one's count
    expect((await checkout(app, other.token, sku, 9)).status).toBe(201);
    const product = await call(app, 'GET', `/api/products/${(await call(app, 'GET', '/api/products')).body.items[0].id}`);
    expect(product.body.skus[0].stock).toBe(10 - 4);
  });
});

describeOnPostgres('per-route limits across two instances', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_limits');
    const config = testConfig({ databaseUrl: scratch.url, jwtSecret: 'shared-limits-secret-0123456789abcdefgh', limits: LIMITS });
    const clock = new ManualClock(new Date('2026-11-20T04:00:00Z'));
    [a, b] = await Promise.all([startApp({ config, clock, logger: createLogger('silent') }), startApp({ config, clock, logger: createLogger('silent') })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  it('counts share-link visits from one address on both instances against one limit of 60 a minute', async () => {
    const [sharer] = await registerChain(a as unknown as TestApp, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) {
      const app = (i % 2 === 0 ? a : b) as unknown as TestApp;
      statuses.push((await call(app, 'POST', '/api/referral/visits', { body: { inviteCode: sharer.inviteCode, visitorKey: `visitor-key-${i}` } })).status);
    }
    expect(statuses.slice(0, 60).every((s) => s < 300)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
  });

  it('counts one buyer’s checkouts on both instances against one limit', async () => {
    const viaA = a as unknown as TestApp;
    const owner = await hqMember(viaA, 'owner');
    const sku = (await createProduct(viaA, owner, [{ priceFen: 1_000, stock: 10 }])).skus[0].id;
    const buyer = await register(viaA);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await checkout((i % 2 === 0 ? a : b) as unknown as TestApp, buyer.token, sku, i)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});
