// At most two exports of a member run at once (on every instance together: the slots are leases in
// the shared limit store) and at most four on an instance (src/http/routes/admin-exports.slots.ts).
// Through the real HTTP server, on a ledger too large for the sockets' buffers (about 30 MB of CSV):
// a client that does not read keeps its export running. A further export — and a ticket for one — is
// refused 429 EXPORT_BUSY before any row is read, and nothing is audited for it; an aborted download
// gives its slot back, and so does one read to its end. Slots another instance holds count, its
// leases are renewed while its exports run, and lapse when it is gone.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { exportSlots } from '../../src/http/routes/admin-exports.slots.js';
import { call, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const TRANSFERS = 30_000;
/** the held exports: every transfer, each with a memo of a kilobyte */
const HELD = '/api/admin/ledger/export?format=csv&code=test.slots';

interface Held {
  status: number;
  res: http.IncomingMessage;
  stop(): void;
}

describeEachDatabase('how many exports run at once', (kind) => {
  let app: TestApp;
  let base: string;
  const hq: Record<'owner' | 'finance' | 'auditor', RegisteredMember> = {} as never;
  const holding: Held[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
    for (const role of ['owner', 'finance', 'auditor'] as const) hq[role] = await hqMember(app, role);
    const [earner] = await registerChain(app, 1);
    await sql`
      insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id, memo)
      select (select id from ledger_accounts where owner_type = 'platform' and purpose = 'commission_expense'),
             (select id from ledger_accounts where owner_type = 'member' and owner_id = ${earner!.id} and purpose = 'commission_pending'),
             100 + g % 900, 'test.slots', 'slots-test:' || g, 'commission_earning', g, repeat('m', 1000)
      from generate_series(1, ${TRANSFERS}) as g`.execute(app.services.db);
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const h of holding.splice(0)) h.stop();
  });
  afterAll(async () => app?.close());

  /**
   * Starts the big export and reads nothing after its headers: the export runs on, waiting for the
   * client. A 429 is asked again for a moment: the downloads the test before stopped give their slots
   * back once the server hears their sockets close.
   */
  async function hold(token: string): Promise<Held> {
    for (let attempt = 0; ; attempt++) {
      const req = http.get(`${base}${HELD}`, { headers: { authorization: `Bearer ${token}` } });
      req.on('error', () => {});
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      res.on('error', () => {});
      if (res.statusCode === 429 && attempt < 40) {
        res.resume();
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      res.pause();
      const held = { status: res.statusCode!, res, stop: () => req.destroy() };
      holding.push(held);
      return held;
    }
  }
  const exportAs = (token: string, url = '/api/admin/payouts/export?format=csv') => call(app, 'GET', url, { token });
  const ticketAs = (token: string) => call(app, 'POST', '/api/admin/payouts/export/ticket?format=csv', { token });
  /** what `probe` answers once it stops answering 429 (the slot comes back when the server hears the close) */
  async function whenFree(probe: () => Promise<{ status: number }>) {
    for (let i = 0; i < 50; i++) {
      const res = await probe();
      if (res.status !== 429) return res;
      await new Promise((r) => setTimeout(r, 50));
    }
    return probe();
  }
  const exportsAudited = async () => (await call(app, 'GET', '/api/admin/audit-log?action=export.payouts&limit=200', { token: hq.owner.token })).body.items.length;

  it('two of a member’s at once: the third is refused before it starts, and an aborted one frees its slot', async () => {
    const first = await hold(hq.finance.token);
    const second = await hold(hq.finance.token);
    expect([first.status, second.status]).toEqual([200, 200]);

    const audited = await exportsAudited();
    const refused = await exportAs(hq.finance.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'EXPORT_BUSY', details: { scope: 'member' } });
    // the console hears it when it asks for the ticket, before any download
    expect((await ticketAs(hq.finance.token)).body.code).toBe('EXPORT_BUSY');
    expect(await exportsAudited()).toBe(audited);
    // another member's export runs meanwhile
    expect((await exportAs(hq.owner.token)).status).toBe(200);

    first.stop();
    expect((await whenFree(() => exportAs(hq.finance.token))).status).toBe(200);
    expect((await ticketAs(hq.finance.token)).status).toBe(200);
    const third = await hold(hq.finance.token);
    expect(third.status).toBe(200);
    expect((await exportAs(hq.finance.token)).body.code).toBe('EXPORT_BUSY');
  });

  it('four on an instance; a download read to its end frees its slot', async () => {
    const held = [await hold(hq.finance.token), await hold(hq.finance.token), await hold(hq.owner.token), await hold(hq.owner.token)];
    expect(held.map((h) => h.status)).toEqual([200, 200, 200, 200]);
    const refused = await exportAs(hq.auditor.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'EXPORT_BUSY', details: { scope: 'instance' } });
    expect((await ticketAs(hq.auditor.token)).body.code).toBe('EXPORT_BUSY');

    // the first is read to its end: every transfer came, and its slot is free again
    const first = held[0]!;
    let bytes = 0;
    first.res.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const ended = once(first.res, 'end');
    first.res.resume();
    await ended;
    expect(first.res.complete).toBe(true);
    expect(bytes).toBeGreaterThan(TRANSFERS * 1000);
    const entry = (await call(app, 'GET', '/api/admin/audit-log?action=export.ledger&limit=10', { token: hq.owner.token })).body.items.find((e: { after: { rows?: number } }) => e.after.rows === TRANSFERS);
    expect(entry).toMatchObject({ actorId: hq.finance.id, after: { code: 'test.slots', format: 'csv', rows: TRANSFERS } });
    expect((await whenFree(() => exportAs(hq.auditor.token))).status).toBe(200);
  });

  it('counts a member’s slots held on another instance (leases in the shared limit store)', async () => {
    const now = new Date();
    // what two exports of the auditor's running on another instance leave in the store
    for (const n of [0, 1]) await app.services.limits.hit(`export-running:${hq.auditor.id}:${n}`, 60_000, now);
    try {
      const refused = await exportAs(hq.auditor.token);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'EXPORT_BUSY', details: { scope: 'member' } });
    } finally {
      await app.services.limits.reset(`export-running:${hq.auditor.id}:1`);
    }
    expect((await exportAs(hq.auditor.token)).status).toBe(200);
    await app.services.limits.reset(`export-running:${hq.auditor.id}:0`);
  });

  it('renews a running export’s lease, and a lease its instance stopped renewing lapses', async () => {
    const busy = (p: Promise<unknown>) => p.then(() => 'taken', (e: { code?: string }) => e.code);
    // another instance's slots, with a lease of 1.5 s renewed every second
    const other = exportSlots(app.services.limits, app.http.log, { leaseMs: 1_500 });
    const here = exportSlots(app.services.limits, app.http.log);
    const memberId = hq.auditor.id + 1_000;
    const frees = [await other.take(memberId), await other.take(memberId)];
    await new Promise((r) => setTimeout(r, 2_500));
    // still held after the first leases would have lapsed
    expect(await busy(here.take(memberId))).toBe('EXPORT_BUSY');
    await expect(here.check(memberId)).rejects.toMatchObject({ code: 'EXPORT_BUSY' });
    frees[0]!();
    await new Promise((r) => setTimeout(r, 100));
    await expect(here.check(memberId)).resolves.toBeUndefined();
    const mine = await here.take(memberId);
    frees[1]!();
    mine();
    // an instance that died holding a member's two slots left leases nobody renews: they lapse
    const lost = memberId + 1;
    for (const n of [0, 1]) await app.services.limits.hit(`export-running:${lost}:${n}`, 300, new Date());
    expect(await busy(here.take(lost))).toBe('EXPORT_BUSY');
    await new Promise((r) => setTimeout(r, 400));
    const after = await here.take(lost);
    expect(here.running()).toBe(1);
    after();
    expect(here.running()).toBe(0);
  });
});
