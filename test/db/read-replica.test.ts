// DATABASE_READ_URL: the read models (dashboard, insights, exports, leaderboards, reconciliation)
// read there; everything else reads and writes the primary. The "replica" here is a copy of the
// primary taken at one moment (CREATE DATABASE … TEMPLATE), made read-only as a standby is: it
// lags, so what the dashboard shows is the copy's, while the shop sees the order paid after it.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startApp, type RunningApp } from '../../src/app.js';
import { ManualClock } from '../../src/context.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeOnPostgres, testConfig, type TestApp } from '../support/harness.js';
import { createScratchDatabase } from '../support/reliability.js';

describeOnPostgres('read models on DATABASE_READ_URL', () => {
  let primary: Awaited<ReturnType<typeof createScratchDatabase>>;
  let replicaName = '';
  let app: RunningApp;
  let owner: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId = 0;
  const clock = new ManualClock(new Date('2026-11-20T04:00:00Z'));
  const jwtSecret = 'read-replica-test-secret-0123456789abcdef';

  beforeAll(async () => {
    primary = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_primary');
    const config = testConfig({ databaseUrl: primary.url, jwtSecret });
    const first = await startApp({ config, clock, logger: createLogger('silent') });
    const viaFirst = first as unknown as TestApp;
    owner = await hqMember(viaFirst, 'owner');
    const chain = await registerChain(viaFirst, 2);
    buyer = await register(viaFirst, { inviteCode: chain[1].inviteCode });
    skuId = (await createProduct(viaFirst, owner, [{ priceFen: 20_000, stock: 50 }])).skus[0].id;
    await buyAndPay(viaFirst, buyer, [{ skuId, quantity: 1 }]);
    await first.close();

    // the replica: the primary as it was now, read-only from here on
    replicaName = `${primary.name}_replica`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${replicaName} template ${primary.name}`);
    await admin.query(`alter database ${replicaName} set default_transaction_read_only = on`);
    await admin.end();
    const replicaUrl = new URL(primary.url);
    replicaUrl.pathname = `/${replicaName}`;
    app = await startApp({ config: testConfig({ databaseUrl: primary.url, databaseReadUrl: replicaUrl.toString(), jwtSecret }), clock, logger: createLogger('silent') });
  });

  afterAll(async () => {
    await app?.close();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${replicaName} with (force)`);
    await admin.end();
    await primary?.drop();
  });

  it('shows the replica’s figures on the read models while the money path uses the primary', async () => {
    const viaApp = app as unknown as TestApp;
    // a second order after the copy: the primary has it, the replica does not
    const second = await buyAndPay(viaApp, buyer, [{ skuId, quantity: 2 }]);
    expect(second.status).toBe('paid');
    const mine = await call(viaApp, 'GET', '/api/orders', { token: buyer.token });
    expect(mine.body.items).toHaveLength(2);

    const dashboard = await call(viaApp, 'GET', '/api/admin/dashboard', { token: owner.token });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.today.orders).toBe(1);
    expect(dashboard.body.today.gmvFen).toBe(20_000);

    // reconciliation reads only, so it runs on a read-only replica, and the copy is consistent
    const recon = await call(viaApp, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(recon.status).toBe(200);
    expect(recon.body.ok).toBe(true);

    // the export reads the replica too: the member who registered after the copy is not in it yet
    const late = await register(viaApp, { nickname: '复制之后' });
    const exported = await viaApp.http.inject({ method: 'GET', url: '/api/admin/members/export?format=csv', headers: { authorization: `Bearer ${owner.token}` } });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('hq-owner');
    expect(exported.body).not.toContain('复制之后');
    const search = await call(viaApp, 'GET', `/api/admin/members?q=${late.phone}`, { token: owner.token });
    expect(search.body.items).toHaveLength(1);
  });
});
