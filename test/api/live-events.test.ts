// Live income alerts: the inbox row commits with its money and a NOTIFY, every instance's listener
// hears it, an SSE reconnect with Last-Event-ID replays exactly what it missed, and a lost listening
// connection catches up. Two instances in one process here; two server processes in
// test/reliability/two-instances.test.ts.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startApp, type RunningApp } from '../../src/app.js';
import { ManualClock } from '../../src/context.js';
import { inTransaction } from '../../src/db/database.js';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, testConfig, type TestApp } from '../support/harness.js';
import { createScratchDatabase } from '../support/reliability.js';
import { SseClient } from '../support/sse.js';

const PRICE_FEN = 10_000;
/** what chain[1] earns as level 2 (5 % by the default rules) on quantity × PRICE_FEN */
const levelTwoFen = (quantity: number) => Math.floor((quantity * PRICE_FEN * 500) / 10_000);

describeEachDatabase('live alerts and Last-Event-ID', (kind) => {
  let app: TestApp;
  let chain: RegisteredMember[];
  let buyer: RegisteredMember;
  let skuId: number;
  let streamUrl: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    const owner = await hqMember(app, 'owner');
    chain = await registerChain(app, 3);
    buyer = await register(app, { inviteCode: chain[2].inviteCode });
    skuId = (await createProduct(app, owner, [{ priceFen: PRICE_FEN, stock: 1_000 }])).skus[0].id;
    const base = await app.http.listen({ port: 0, host: '127.0.0.1' });
    streamUrl = `${base}/api/me/notifications/stream?access_token=${chain[1].token}`;
  });
  afterAll(async () => app?.close());

  it('replays after Last-Event-ID exactly what the stream missed, in order, then goes on live', async () => {
    const first = await SseClient.open(streamUrl);
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const [seen] = await first.waitFor(1);
    expect(seen.data.amountFen).toBe(levelTwoFen(1));
    first.close();

    // paid while no stream was open
    await buyAndPay(app, buyer, [{ skuId, quantity: 2 }]);
    await buyAndPay(app, buyer, [{ skuId, quantity: 3 }]);

    const again = await SseClient.open(streamUrl, { lastEventId: seen.id! });
    const missed = await again.waitFor(2);
    expect(missed.map((e) => e.data.amountFen)).toEqual([levelTwoFen(2), levelTwoFen(3)]);
    expect(missed.map((e) => Number(e.id))).toEqual(missed.map((e) => e.data.id));
    expect(Number(missed[0].id)).toBeGreaterThan(Number(seen.id));
    expect(Number(missed[1].id)).toBeGreaterThan(Number(missed[0].id));

    await buyAndPay(app, buyer, [{ skuId, quantity: 4 }]);
    const all = await again.waitFor(3);
    expect(all[2].data.amountFen).toBe(levelTwoFen(4));
    again.close();
    // nothing was sent twice: the three ids on the second stream are distinct
    expect(new Set(all.map((e) => e.id)).size).toBe(3);

    // a stream without Last-Event-ID starts with what comes next, not with the past
    const fresh = await SseClient.open(streamUrl);
    await buyAndPay(app, buyer, [{ skuId, quantity: 5 }]);
    const [next] = await fresh.waitFor(1);
    expect(next.data.amountFen).toBe(levelTwoFen(5));
    fresh.close();
  });

  it('refuses a Last-Event-ID that is not an id', async () => {
    const res = await fetch(streamUrl, { headers: { 'last-event-id': 'abc' } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('LAST_EVENT_ID_INVALID');
  });

  it('writes the inbox row in the cause’s transaction: a rolled-back cause leaves no row and no alert', async () => {
    const member = chain[1].id;
    const event = (earningId: number, amountFen: number) => ({ earningId, earnerId: member, orderId: 1, level: 2, amountFen, at: new Date() });
    const before = (await call(app, 'GET', '/api/me/notifications?limit=100', { token: chain[1].token })).body.items.length;
    const stream = await SseClient.open(streamUrl);
    await expect(
      inTransaction(app.services.db, async (tx, afterCommit) => {
        await app.services.bus.publishInTransaction(tx, afterCommit, 'commission.earned', [event(900_001, 111)]);
        throw new Error('the money failed after the alert was written');
      }),
    ).rejects.toThrow('the money failed');
    const causeXid = await inTransaction(app.services.db, async (tx, afterCommit) => {
      await app.services.bus.publishInTransaction(tx, afterCommit, 'commission.earned', [event(900_002, 222)]);
      return (await sql<{ xid: string }>`select (pg_current_xact_id()::text::bigint % 4294967296)::text as xid`.execute(tx)).rows[0].xid;
    });
    // the row was written by the cause's own transaction, not by one after it
    const written = await sql<{ xid: string }>`select xmin::text as xid from notifications where ref_id = 900002`.execute(app.services.db);
    expect(written.rows.map((r) => r.xid)).toEqual([causeXid]);
    const [only] = await stream.waitFor(1);
    expect(only.data.amountFen).toBe(222);
    stream.close();
    const inbox = (await call(app, 'GET', '/api/me/notifications?limit=100', { token: chain[1].token })).body.items;
    expect(inbox.length).toBe(before + 1);
    expect(inbox.map((n: { amountFen: number }) => n.amountFen)).not.toContain(111);
  });
});

describeOnPostgres('live alerts across two instances on one database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: RunningApp;
  let b: RunningApp;
  const warnings: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_live');
    const config = testConfig({ databaseUrl: scratch.url, jwtSecret: 'two-instances-share-one-secret-0123456789' });
    const logger = createLogger('warn');
    logger.warn = ((obj: unknown) => void warnings.push(typeof obj === 'string' ? obj : JSON.stringify(obj))) as typeof logger.warn;
    const clock = new ManualClock(new Date('2026-11-20T04:00:00Z'));
    [a, b] = await Promise.all([startApp({ config, clock, logger }), startApp({ config, clock, logger })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  it('an earner subscribed on A hears a payment whose callback reached B, also after A’s listening connection was cut', async () => {
    const viaB = b as unknown as TestApp;
    const owner = await hqMember(viaB, 'owner');
    const chain = await registerChain(viaB, 3);
    const buyer = await register(viaB, { inviteCode: chain[2].inviteCode });
    const sku = (await createProduct(viaB, owner, [{ priceFen: PRICE_FEN, stock: 100 }])).skus[0].id;
    const baseA = await a.http.listen({ port: 0, host: '127.0.0.1' });
    const stream = await SseClient.open(`${baseA}/api/me/notifications/stream?access_token=${chain[1].token}`);

    await buyAndPay(viaB, buyer, [{ skuId: sku, quantity: 1 }]);
    expect((await stream.waitFor(1))[0].data.amountFen).toBe(levelTwoFen(1));

    // cut every listening connection (both instances'); payments go on; each listener comes back
    // and A's stream catches up from the inbox
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    const cut = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'fenxiao-listen'`);
    await admin.end();
    expect(cut.rowCount).toBe(2);
    await buyAndPay(viaB, buyer, [{ skuId: sku, quantity: 2 }]);
    await buyAndPay(viaB, buyer, [{ skuId: sku, quantity: 3 }]);
    const events = await stream.waitFor(3, 15_000);
    expect(events.map((e) => e.data.amountFen)).toEqual([levelTwoFen(1), levelTwoFen(2), levelTwoFen(3)]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect(warnings.some((w) => w.includes('listening connection lost'))).toBe(true);
    stream.close();
  });
});
