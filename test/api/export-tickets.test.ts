// Download tickets for the console's exports (src/http/download-tickets.ts): the console asks
// POST <export>/ticket for a ticket for exactly this export and query, then the browser opens the
// export with the ticket instead of the Authorization header. A ticket downloads once, within its
// minute, only its own path and query (a refusal for another does not spend it), only for a member
// whose session, account and role still hold; forged ones and access tokens are refused. The ticket
// request answers the export's own 4xx (bad query, role) before any download, and the audit entry
// names the ticket's member. The Authorization header works as before.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { downloadTickets } from '../../src/http/download-tickets.js';
import { call, hqMember, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const PAYOUTS = '/api/admin/payouts/export';

describeEachDatabase('download tickets for the exports', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;
  let support: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    finance = await hqMember(app, 'finance');
    support = await hqMember(app, 'support');
  });
  afterAll(async () => app?.close());

  const ticketFor = (token: string, path: string, query: string) => call(app, 'POST', `${path}/ticket${query ? `?${query}` : ''}`, { token });
  /** a GET as the browser sends it: no Authorization header */
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.http.inject({ method: 'GET', url, headers });
    const json = (() => {
      try {
        return JSON.parse(res.body) as { code: string };
      } catch {
        return undefined;
      }
    })();
    return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), disposition: String(res.headers['content-disposition'] ?? ''), body: res.rawPayload, json };
  };
  /** the session an access token names (its claims, unchecked) */
  const sessionOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: number; ver: number };
  const latestAudit = async (action: string) => (await call(app, 'GET', `/api/admin/audit-log?action=${action}&limit=1`, { token: owner.token })).body.items[0];

  it('downloads its export once, without the Authorization header, and the audit names the ticket’s member', async () => {
    const issued = await ticketFor(finance.token, PAYOUTS, 'lang=en&status=paid&format=csv');
    expect(issued.status).toBe(200);
    expect(issued.body.expiresInSeconds).toBe(60);
    // the query as the server binds it (parameters in name order), the ticket last
    expect(issued.body.url).toBe(`${PAYOUTS}?format=csv&lang=en&status=paid&ticket=${encodeURIComponent(issued.body.ticket)}`);

    const file = await open(issued.body.url);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    expect(file.disposition).toMatch(/^attachment; filename="payouts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(file.body.toString('utf8')).toMatch(/^\ufeffPayout no,Member ID,/);
    expect(await latestAudit('export.payouts')).toMatchObject({ actorId: finance.id, targetId: 'payouts', after: { status: 'paid', format: 'csv', rows: 0 } });

    const again = await open(issued.body.url);
    expect(again.status).toBe(401);
    expect(again.json?.code).toBe('DOWNLOAD_TICKET_USED');
  });

  it('is asked for with the export’s own checks: a bad query or a role the export refuses gets the export’s 4xx', async () => {
    for (const query of ['from=2026-11-20&to=2026-11-01', 'format=pdf', 'status=nope', 'from=2026-02-30', 'memberId=-3']) {
      const exported = await call(app, 'GET', `${PAYOUTS}?${query}`, { token: finance.token });
      const asked = await ticketFor(finance.token, PAYOUTS, query);
      expect(exported.status, query).toBe(400);
      expect(asked.status, query).toBe(400);
      expect(asked.body.code, query).toBe(exported.body.code);
      expect(asked.body.code, query).toBe('VALIDATION_FAILED');
      expect(asked.body.message, query).toBe(exported.body.message);
    }
    // support may not export payouts: neither the file nor a ticket for it
    expect((await call(app, 'GET', PAYOUTS, { token: support.token })).body.code).toBe('ROLE_FORBIDDEN');
    const refused = await ticketFor(support.token, PAYOUTS, 'format=csv');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ROLE_FORBIDDEN');
    expect((await call(app, 'POST', `${PAYOUTS}/ticket`)).body.code).toBe('AUTH_REQUIRED');
    // the orders export is open to every HQ role: support gets a ticket there
    expect((await ticketFor(support.token, '/api/admin/orders/export', 'status=paid')).status).toBe(200);
  });

  it('opens only its own export and query; a refusal for another does not spend it', async () => {
    const issued = await ticketFor(finance.token, PAYOUTS, 'format=csv&status=paid');
    const ticket = encodeURIComponent(issued.body.ticket as string);
    for (const url of [
      `/api/admin/commissions/export?format=csv&status=paid&ticket=${ticket}`, // another export finance may run
      `${PAYOUTS}?format=csv&status=failed&ticket=${ticket}`, // another filter
      `${PAYOUTS}?format=xlsx&status=paid&ticket=${ticket}`,
      `${PAYOUTS}?format=csv&status=paid&memberId=${finance.id}&ticket=${ticket}`, // one more
      `${PAYOUTS}?format=csv&ticket=${ticket}`, // one fewer
    ]) {
      const res = await open(url);
      expect(res.status, url).toBe(403);
      expect(res.json?.code, url).toBe('DOWNLOAD_TICKET_MISMATCH');
    }
    // the same query in another order is the same query; the ticket was not spent above
    const file = await open(`${PAYOUTS}?ticket=${ticket}&status=paid&format=csv`);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
  });

  it('refuses an expired ticket, one the server did not sign, and an access token in its place', async () => {
    const issued = await ticketFor(finance.token, PAYOUTS, 'format=csv');
    // a minute and a second later by the wall clock
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      const late = await open(issued.body.url);
      expect(late.status).toBe(401);
      expect(late.json?.code).toBe('DOWNLOAD_TICKET_EXPIRED');
    } finally {
      vi.useRealTimers();
    }

    const session = sessionOf(finance.token);
    const holder = { memberId: finance.id, sessionId: session.sid, sessionVersion: session.ver };
    // the server's key, issued two minutes ago
    const past = await downloadTickets({ secret: app.services.config.jwtSecret, limits: app.services.limits }).issue(holder, PAYOUTS, 'format=csv', Math.floor(Date.now() / 1000) - 120);
    expect((await open(past.url)).json?.code).toBe('DOWNLOAD_TICKET_EXPIRED');
    // another key
    const forged = await downloadTickets({ secret: 'not-the-server-secret-0123456789abcdef', limits: app.services.limits }).issue(holder, PAYOUTS, 'format=csv');
    const refused = await open(forged.url);
    expect(refused.status).toBe(401);
    expect(refused.json?.code).toBe('DOWNLOAD_TICKET_INVALID');
    // an access token is not a ticket, nor a ticket an access token
    expect((await open(`${PAYOUTS}?format=csv&ticket=${finance.token}`)).json?.code).toBe('DOWNLOAD_TICKET_INVALID');
    const fresh = await ticketFor(finance.token, PAYOUTS, 'format=csv');
    expect((await open(PAYOUTS, { authorization: `Bearer ${fresh.body.ticket}` })).json?.code).toBe('TOKEN_INVALID');
  });

  it('is refused once the member’s role was removed, the account disabled, or the role changed to one the export refuses', async () => {
    const removed = await hqMember(app, 'finance');
    const disabled = await hqMember(app, 'finance');
    const demoted = await hqMember(app, 'finance');
    const tickets = await Promise.all([removed, disabled, demoted].map(async (m) => (await ticketFor(m.token, PAYOUTS, 'format=csv')).body.url as string));
    expect((await call(app, 'POST', `/api/admin/members/${removed.id}/role`, { token: owner.token, body: { role: null, reason: '离职' } })).status).toBe(204);
    expect((await call(app, 'POST', `/api/admin/members/${disabled.id}/disable`, { token: owner.token, body: { disabled: true, reason: '离职' } })).status).toBe(204);
    // a role written straight to the table (no session version change): the role is still read fresh
    await app.services.db.updateTable('members').set({ hq_role: 'support' }).where('id', '=', demoted.id).execute();

    const [a, b, c] = await Promise.all(tickets.map((url) => open(url)));
    expect([a!.status, a!.json?.code]).toEqual([401, 'SESSION_ENDED']);
    expect([b!.status, b!.json?.code]).toEqual([401, 'SESSION_ENDED']);
    expect([c!.status, c!.json?.code]).toEqual([403, 'ROLE_FORBIDDEN']);
  });

  it('leaves the Authorization header as it was for API clients (a ticket beside it is not looked at)', async () => {
    const res = await open(`${PAYOUTS}?format=csv&ticket=whatever`, { authorization: `Bearer ${finance.token}` });
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(await latestAudit('export.payouts')).toMatchObject({ actorId: finance.id, after: { format: 'csv', rows: 0 } });
    expect((await open(`${PAYOUTS}?format=csv`)).json?.code).toBe('AUTH_REQUIRED');
  });
});
