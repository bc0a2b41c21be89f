// The exports stream (issue 15): rows are read in keyset pages of 2 000 and written as they come.
// Through the real HTTP server on 30 000 ledger transfers (the CSV of all, the XLSX of a third): the
// first bytes reach the client before the last page has been read, the file comes in many chunks,
// and holds every row once; a read that
// fails midway cuts the download off (no chunked terminator: the client sees an error, never a short
// file that looks whole) and the audit entry says so. On the writer itself: it waits for a client
// that does not read (backpressure) instead of reading on, stops reading when the client leaves, and
// rolls an XLSX over to a further sheet when one is full.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendExport, type ExportColumn } from '../../src/http/exports.js';
import { call, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { parseCsv, xlsxSheets, xlsxStreamedRows } from '../support/files.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const TRANSFERS = 30_000;
const PAGE = 2_000;

/** counts the export's page queries over ledger_transfers (the ones with a limit), and fails one on request */
function pageCounter() {
  const state = { pages: 0, failAt: 0 };
  const isPage = (node: RootOperationNode) => node.kind === 'SelectQueryNode' && node.limit !== undefined && JSON.stringify(node.from ?? {}).includes('"ledger_transfers"');
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (isPage(args.node)) {
        state.pages += 1;
        if (state.failAt > 0 && state.pages === state.failAt) throw new Error('planted: the database went away');
      }
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return { state, plugin };
}

/** GETs over the socket; `onFirst` runs at the first chunk of the body */
async function download(url: string, token: string, onFirst: () => void) {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url, { headers: { authorization: `Bearer ${token}` } }, resolve).once('error', reject));
  const chunks: Buffer[] = [];
  const done = new Promise<{ complete: boolean }>((resolve) => {
    res.on('data', (c: Buffer) => {
      if (chunks.length === 0) onFirst();
      chunks.push(c);
    });
    res.once('end', () => resolve({ complete: res.complete }));
    res.once('error', () => resolve({ complete: false }));
    res.once('aborted', () => resolve({ complete: false }));
  });
  const { complete } = await done;
  return { status: res.statusCode, headers: res.headers, chunks, body: Buffer.concat(chunks), complete };
}

describeEachDatabase('exports stream from the database', (kind) => {
  let app: TestApp;
  let base: string;
  let owner: RegisteredMember;
  const counter = pageCounter();

  beforeAll(async () => {
    app = await startTestApp(kind, { queryPlugins: [counter.plugin] });
    owner = await hqMember(app, 'owner');
    const [earner] = await registerChain(app, 1);
    // set-based: a transfer a row from the platform's expense to the member's pending commission
    await sql`
      insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id, memo)
      select (select id from ledger_accounts where owner_type = 'platform' and purpose = 'commission_expense'),
             (select id from ledger_accounts where owner_type = 'member' and owner_id = ${earner!.id} and purpose = 'commission_pending'),
             100 + g % 900, case when g % 3 = 0 then 'commission.freeze' else 'commission.earn' end, 'stream-test:' || g, 'commission_earning', g, 'row ' || g
      from generate_series(1, ${TRANSFERS}) as g`.execute(app.services.db);
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => app?.close());

  // the XLSX (slower to write and to read back) on the third of the transfers one code selects
  for (const { format, query, transfers } of [
    { format: 'csv', query: '', transfers: TRANSFERS },
    { format: 'xlsx', query: '&code=commission.freeze', transfers: TRANSFERS / 3 },
  ] as const) {
    it(`sends the ${format.toUpperCase()} chunk by chunk, the first bytes before the last page is read, every row once (${transfers} rows)`, async () => {
      counter.state.pages = 0;
      let pagesAtFirstChunk = -1;
      const res = await download(`${base}/api/admin/ledger/export?format=${format}${query}`, owner.token, () => (pagesAtFirstChunk = counter.state.pages));
      expect(res.status).toBe(200);
      expect(res.complete).toBe(true);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      // full pages and the empty one that ends the read
      const pages = Math.ceil(transfers / PAGE) + 1;
      expect(counter.state.pages).toBe(pages);
      // the first bytes came while most pages were still to be read (not after the last, as a file built in memory would)
      expect(pagesAtFirstChunk).toBeGreaterThan(0);
      expect(pagesAtFirstChunk).toBeLessThanOrEqual(Math.floor(pages / 2));
      expect(res.chunks.length).toBeGreaterThan(pages);
      const rows = format === 'csv' ? parseCsv(res.body).slice(1) : (await xlsxStreamedRows(res.body)).slice(1);
      expect(rows).toHaveLength(transfers);
      const ids = rows.map((r) => Number(r[0]));
      expect(new Set(ids).size).toBe(transfers);
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      const entry = (await call(app, 'GET', '/api/admin/audit-log?action=export.ledger&limit=1', { token: owner.token })).body.items[0];
      expect(entry.after).toEqual({ format, ...(query ? { code: 'commission.freeze' } : {}), rows: transfers });
    });
  }

  it('cuts the download off when a read fails midway, and the audit entry says how far it got', async () => {
    counter.state.pages = 0;
    counter.state.failAt = 4;
    try {
      const res = await download(`${base}/api/admin/ledger/export?format=csv`, owner.token, () => {});
      expect(res.status).toBe(200);
      // no terminating chunk: http marks the message incomplete; what came is three pages at most
      expect(res.complete).toBe(false);
      expect(parseCsv(res.body).length - 1).toBeLessThanOrEqual(3 * PAGE);
      const entry = (await call(app, 'GET', '/api/admin/audit-log?action=export.ledger&limit=1', { token: owner.token })).body.items[0];
      expect(entry.after).toEqual({ format: 'csv', rows: 3 * PAGE, incomplete: true });
    } finally {
      counter.state.failAt = 0;
    }
    // a failure before the first byte is an error answer, not a file
    counter.state.pages = 0;
    counter.state.failAt = 1;
    try {
      const res = await download(`${base}/api/admin/ledger/export?format=xlsx`, owner.token, () => {});
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body.toString()).code).toBeDefined();
    } finally {
      counter.state.failAt = 0;
    }
  });
});

describe('the export writer', () => {
  const columns: ExportColumn<{ id: number; memo: string }>[] = [
    { header: 'id', value: (r) => r.id },
    { header: 'memo', value: (r) => r.memo },
    { header: 'amount', value: (r) => r.id * 3, money: true },
  ];
  /** `pages` pages of 2 000 rows, counting how many were asked for and whether the reader closed them */
  function source(pages: number) {
    const seen = { asked: 0, closed: false };
    async function* batches() {
      try {
        for (let p = 0; p < pages; p++) {
          seen.asked += 1;
          await new Promise((r) => setImmediate(r));
          yield Array.from({ length: PAGE }, (_, i) => ({ id: p * PAGE + i + 1, memo: `第 ${p} 页 `.repeat(8) }));
        }
      } finally {
        seen.closed = true;
      }
    }
    return { seen, batches: batches() };
  }
  function start(format: 'csv' | 'xlsx', batches: AsyncIterable<Array<{ id: number; memo: string }>>, sheetRows?: number) {
    let stream!: Readable;
    const ends: Array<{ rows: number; complete: boolean }> = [];
    const reply = { header: () => reply, send: (s: Readable) => ((stream = s), reply), log: { warn: () => {}, error: () => {} } };
    sendExport(reply as never, format, { name: 'test', sheet: '流水', columns, batches, sheetRows }, async (e) => void ends.push(e));
    return { stream, ends };
  }
  const settle = () => new Promise((r) => setTimeout(r, 200));
  /** how many pages were asked for once the writer stopped asking (or all were) */
  async function whenStill(seen: { asked: number }) {
    let last = -1;
    for (let i = 0; i < 25 && seen.asked !== last; i++) {
      last = seen.asked;
      await settle();
    }
    return seen.asked;
  }

  for (const format of ['csv', 'xlsx'] as const) {
    it(`${format}: waits for a reader that does not read, and reads on when it does`, async () => {
      const { seen, batches } = source(40);
      const { stream, ends } = start(format, batches);
      await once(stream, 'readable');
      // nothing read: the writer stops a few pages in (what the buffers hold), it does not read all forty
      expect(await whenStill(seen)).toBeLessThan(format === 'csv' ? 6 : 20);
      let bytes = 0;
      for await (const chunk of stream) bytes += (chunk as Buffer).length;
      expect(seen.asked).toBe(40);
      expect(bytes).toBeGreaterThan(0);
      expect(ends).toEqual([{ rows: 40 * PAGE, complete: true }]);
    });
  }

  it('stops reading when the client leaves, and says how far it got', async () => {
    const { seen, batches } = source(40);
    const { stream, ends } = start('csv', batches);
    await once(stream, 'readable');
    stream.read();
    stream.destroy();
    await whenStill(seen);
    expect(seen.closed).toBe(true);
    expect(seen.asked).toBeLessThan(8);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.complete).toBe(false);
    expect(ends[0]!.rows).toBeLessThan(40 * PAGE);
  });

  it('rolls an XLSX over to a further sheet when one is full', async () => {
    const { batches } = source(3);
    const { stream } = start('xlsx', batches, 2_500);
    const out = new PassThrough();
    stream.pipe(out);
    const chunks: Buffer[] = [];
    for await (const c of out) chunks.push(c as Buffer);
    const sheets = await xlsxSheets(Buffer.concat(chunks));
    expect(sheets.map((s) => s.name)).toEqual(['流水', '流水 (2)', '流水 (3)']);
    expect(sheets.map((s) => s.rows.length - 1)).toEqual([2_500, 2_500, 1_000]);
    expect(sheets.every((s) => s.rows[0]![0] === 'id')).toBe(true);
    expect(sheets[2]!.rows.at(-1)).toEqual([6_000, expect.any(String), 180]);
  });
});
