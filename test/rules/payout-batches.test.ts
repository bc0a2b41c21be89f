// Bank-card withdrawals leave as a batch file (批量代发): after approval they wait (processing, never
// sent to a provider, never paid); a batch gathers them; the XLSX/CSV file has the banks' columns and
// exact yuan amounts; the bank's results mark lines paid or failed (funds back) all-or-none, replays
// change nothing; a payout never lands in two batches (PostgreSQL race); finance/owner only.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcile } from '../../src/jobs/reconcile.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, countRows, credit, expectReconciled, key, setRules, summary, withdraw } from '../support/rules-kit.js';

const RULES: RuleConfigInput = {
  distributor: { mode: 'automatic' },
  payout: { minAmountFen: 1, feeBp: 0, dailyCountLimit: 100, autoApproveMaxFen: 200_000, channels: ['alipay', 'bank'] },
};
const ACCOUNT = '6222020000001234567';

async function setup(app: TestApp) {
  const owner = await hqMember(app, 'owner');
  const finance = await hqMember(app, 'finance');
  await setRules(app, owner, {}, RULES);
  return { owner, finance };
}
async function funded(app: TestApp, finance: RegisteredMember, fen: number) {
  const m = await register(app);
  await credit(app, finance, m.id, fen);
  return m;
}
const bankWithdraw = (app: TestApp, m: RegisteredMember, fen: number, accountNo = ACCOUNT) =>
  withdraw(app, m, fen, { channel: 'bank', destination: { bankName: '中国工商银行北京分行', accountNo, realName: '张三丰' } });
const createBatch = (app: TestApp, by: RegisteredMember, body?: unknown) => call(app, 'POST', '/api/admin/payout-batches', { token: by.token, body });
const results = (app: TestApp, by: RegisteredMember, id: number, lines: unknown[], idempotencyKey = key('br')) =>
  call(app, 'POST', `/api/admin/payout-batches/${id}/results`, { token: by.token, body: { lines, idempotencyKey } });
async function download(app: TestApp, by: RegisteredMember, id: number, format: 'xlsx' | 'csv') {
  const res = await app.http.inject({ method: 'GET', url: `/api/admin/payout-batches/${id}/file?format=${format}`, headers: { authorization: `Bearer ${by.token}` } });
  return { status: res.statusCode, headers: res.headers, raw: res.rawPayload };
}
const HEADERS = ['序号', '收款人户名', '收款账号', '开户行', '金额', '用途/附言', '备注'];

describeEachDatabase('payout batches (批量代发)', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let finance: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: RULES });
    ({ owner, finance } = await setup(app));
  });
  afterAll(async () => app?.close());

  it('an approved bank withdrawal waits for a batch: not sent, not paid; a batch gathers it once', async () => {
    const m = await funded(app, finance, 500_000);
    const sentBefore = app.payoutProvider.sent.length;
    const auto = await bankWithdraw(app, m, 1_000);
    expect(auto.status).toBe(201);
    expect(auto.body).toMatchObject({ status: 'processing', autoApproved: true });
    const big = await bankWithdraw(app, m, 300_000);
    expect(big.body.status).toBe('reviewing');
    const approved = await call(app, 'POST', `/api/admin/payouts/${big.body.id}/approve`, { token: finance.token });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('processing');
    expect(app.payoutProvider.sent.length).toBe(sentBefore);
    expect(await app.services.payouts.resendStuck(0)).toBe(0);
    expect(await summary(app, m)).toMatchObject({ availableFen: 199_000, withdrawingFen: 301_000, withdrawnFen: 0 });

    const batch = await createBatch(app, finance, { idempotencyKey: key('bt') });
    expect(batch.status).toBe(201);
    const mine = batch.body.lines.filter((l: { memberId: number }) => l.memberId === m.id);
    expect(mine.map((l: { payoutNo: string }) => l.payoutNo).sort()).toEqual([auto.body.payoutNo, big.body.payoutNo].sort());
    expect(mine[0].accountNo).toBe('********4567');
    expect(mine[0].realName).toBe('张*丰');
    expect(JSON.stringify(batch.body)).not.toContain(ACCOUNT);
    const again = await createBatch(app, owner);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAYOUT_BATCH_EMPTY');

    const list = await call(app, 'GET', '/api/admin/payout-batches', { token: finance.token });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: batch.body.id, status: 'open', lineCount: batch.body.lineCount, pendingCount: batch.body.lineCount, paidCount: 0 });
    expect(JSON.stringify(list.body)).not.toContain(ACCOUNT);
    expect((await call(app, 'GET', '/api/admin/payouts?status=processing', { token: finance.token })).body.items.some((p: { id: number }) => p.id === auto.body.id)).toBe(true);
    expect((await reconcile(app.services.db)).ok).toBe(true);
  });

  it('the XLSX and CSV files carry the template columns, whole account numbers and exact yuan; downloads are audited', async () => {
    const m = await funded(app, finance, 200_000);
    const amounts = [1, 100, 123_456, 10];
    const nos: string[] = [];
    for (const fen of amounts) nos.push((await bankWithdraw(app, m, fen)).body.payoutNo);
    const batch = await createBatch(app, finance);
    expect(batch.status).toBe(201);
    const expected = new Map(nos.map((no, i) => [no, ['0.01', '1.00', '1234.56', '0.10'][i]]));

    const xlsx = await download(app, finance, batch.body.id, 'xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.raw as never);
    const sheet = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.length - 1).toBe(batch.body.lineCount);
    rows.slice(1).forEach((r, i) => expect(r[0]).toBe(i + 1));
    for (const [no, yuan] of expected) {
      const row = rows.find((r) => r[5] === no)!;
      expect(row).toEqual([expect.any(Number), '张三丰', ACCOUNT, '中国工商银行北京分行', yuan, no, '佣金提现']);
    }

    const csv = await download(app, owner, batch.body.id, 'csv');
    expect(csv.status).toBe(200);
    const lines = csv.raw.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(HEADERS);
    for (const [no, yuan] of expected) expect(lines.find((l) => l[5] === no)).toEqual([expect.any(String), '张三丰', ACCOUNT, '中国工商银行北京分行', yuan, no, '佣金提现']);

    const audits = (await auditLog(app, owner.token, { action: 'payout_batch.download' })).filter((a) => a.targetId === String(batch.body.id));
    expect(audits.map((a) => a.after.format).sort()).toEqual(['csv', 'xlsx']);
    expect((await download(app, finance, 999_999, 'csv')).status).toBe(404);
  });

  it('results: paid moves money to paid-out, failed returns it; replays change nothing; bad lines reject the whole request', async () => {
    const a = await funded(app, finance, 10_000);
    const b = await funded(app, finance, 10_000);
    const pa = (await bankWithdraw(app, a, 3_000)).body;
    const pb = (await bankWithdraw(app, b, 4_000)).body;
    const batch = (await createBatch(app, finance)).body;
    const outsider = (await bankWithdraw(app, a, 500)).body; // waits, in no batch yet

    // a line for a payout outside the batch, an unknown number and a duplicate: 422, nothing applied
    const ledgerBefore = await countRows(app, 'ledger_transfers');
    const bad = await results(app, finance, batch.id, [
      { payoutNo: pa.payoutNo, result: 'paid', bankReference: 'ICBC-1' },
      { payoutNo: outsider.payoutNo, result: 'paid' },
      { payoutNo: 'W00000000000000000000000000', result: 'failed' },
      { payoutNo: pb.payoutNo, result: 'failed' },
      { payoutNo: pb.payoutNo, result: 'paid' },
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('PAYOUT_BATCH_LINES_REJECTED');
    expect(bad.body.details.lines.map((l: { code: string }) => l.code)).toEqual(['PAYOUT_NOT_IN_BATCH', 'PAYOUT_NOT_FOUND', 'DUPLICATE_LINE']);
    expect(await countRows(app, 'ledger_transfers')).toBe(ledgerBefore);
    expect(await summary(app, a)).toMatchObject({ withdrawingFen: 3_500, withdrawnFen: 0 });

    const k = key('br');
    const lines = [{ payoutNo: pa.payoutNo, result: 'paid', bankReference: 'ICBC-1' }, { payoutNo: pb.payoutNo, result: 'failed', reason: '户名不符' }];
    const ok = await results(app, finance, batch.id, lines, k);
    expect(ok.status).toBe(200);
    expect(ok.body.lines).toEqual([{ payoutNo: pa.payoutNo, result: 'paid', changed: true }, { payoutNo: pb.payoutNo, result: 'failed', changed: true }]);
    expect(await summary(app, a)).toMatchObject({ availableFen: 6_500, withdrawingFen: 500, withdrawnFen: 3_000 });
    expect(await summary(app, b)).toMatchObject({ availableFen: 10_000, withdrawingFen: 0, withdrawnFen: 0 });
    const failed = (await call(app, 'GET', `/api/admin/payouts?memberId=${b.id}`, { token: finance.token })).body.items[0];
    expect(failed).toMatchObject({ status: 'failed', failureReason: '户名不符' });

    // the same key answers the same and moves nothing; another body under it is 409
    const after = await countRows(app, 'ledger_transfers');
    const replay = await results(app, finance, batch.id, lines, k);
    expect(replay).toEqual(ok);
    expect((await results(app, finance, batch.id, [lines[0]], k)).status).toBe(409);
    // the same decision under a new key is a no-op; a different decision is 422 PAYOUT_ALREADY_DECIDED
    const same = await results(app, finance, batch.id, [lines[0]]);
    expect(same.body.lines).toEqual([{ payoutNo: pa.payoutNo, result: 'paid', changed: false }]);
    const flip = await results(app, finance, batch.id, [{ payoutNo: pa.payoutNo, result: 'failed' }]);
    expect(flip.status).toBe(422);
    expect(flip.body.details.lines[0].code).toBe('PAYOUT_ALREADY_DECIDED');
    expect(await countRows(app, 'ledger_transfers')).toBe(after);
    expect(await summary(app, a)).toMatchObject({ availableFen: 6_500, withdrawingFen: 500, withdrawnFen: 3_000 });

    // a failed bank payout retried (same number) waits again and joins a new batch under its new attempt
    const retried = await call(app, 'POST', `/api/admin/payouts/${pb.id}/retry`, { token: finance.token });
    expect(retried.body).toMatchObject({ status: 'processing', attempts: 2 });
    const next = (await createBatch(app, finance)).body;
    expect(next.lines.find((l: { payoutNo: string }) => l.payoutNo === pb.payoutNo)).toMatchObject({ attempt: 2, result: null });
    expect((await results(app, owner, next.id, [{ payoutNo: pb.payoutNo, result: 'paid' }, { payoutNo: outsider.payoutNo, result: 'paid' }])).status).toBe(200);
    expect(await summary(app, b)).toMatchObject({ availableFen: 6_000, withdrawingFen: 0, withdrawnFen: 4_000 });
    const listed = (await call(app, 'GET', '/api/admin/payout-batches', { token: owner.token })).body.items;
    expect(listed.find((x: { id: number }) => x.id === batch.id)).toMatchObject({ status: 'settled', paidCount: 1, failedCount: 1, totalFen: 7_000, paidFen: 3_000, failedFen: 4_000 });
    expect((await auditLog(app, owner.token, { action: 'payout_batch.results' })).length).toBeGreaterThanOrEqual(2);
    expect((await results(app, finance, 999_999, lines)).status).toBe(404);
    await expectReconciled(app, owner.token);
    expect((await reconcile(app.services.db)).ok).toBe(true);
  });

  it('support, operator and auditor may not touch batches', async () => {
    const batchId = (await call(app, 'GET', '/api/admin/payout-batches', { token: owner.token })).body.items[0]?.id ?? 1;
    for (const role of ['support', 'operator', 'auditor'] as const) {
      const who = await hqMember(app, role);
      expect((await createBatch(app, who)).status).toBe(403);
      expect((await call(app, 'GET', '/api/admin/payout-batches', { token: who.token })).status).toBe(403);
      expect((await call(app, 'GET', `/api/admin/payout-batches/${batchId}`, { token: who.token })).status).toBe(403);
      expect((await download(app, who, batchId, 'csv')).status).toBe(403);
      expect((await results(app, who, batchId, [{ payoutNo: 'W1', result: 'paid' }])).status).toBe(403);
    }
    const doc = await call(app, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/admin/payout-batches', '/api/admin/payout-batches/{id}/file', '/api/admin/payout-batches/{id}/results']));
  });
});

describeOnPostgres('payout batch creation race [postgres]', () => {
  let app: TestApp;
  let finance: RegisteredMember;
  beforeAll(async () => {
    app = await startTestApp('postgres', { rules: RULES, poolSize: 12 });
    ({ finance } = await setup(app));
  });
  afterAll(async () => app?.close());

  it('concurrent batch creations never put one payout in two batches', async () => {
    const creators = await Promise.all([finance, hqMember(app, 'finance'), hqMember(app, 'owner'), hqMember(app, 'finance')]);
    for (let round = 0; round < 6; round++) {
      const m = await funded(app, finance, 100_000);
      const nos = new Set<string>();
      for (let i = 0; i < 5; i++) nos.add((await bankWithdraw(app, m, 1_000 + i)).body.payoutNo);
      const answers = await Promise.all(creators.map((c) => createBatch(app, c)));
      for (const a of answers) expect([201, 409]).toContain(a.status);
      const gathered = answers.filter((a) => a.status === 201).flatMap((a) => a.body.lines.map((l: { payoutNo: string }) => l.payoutNo));
      expect(gathered.length).toBe(new Set(gathered).size);
      expect(new Set(gathered)).toEqual(nos);
    }
    const dupes = await app.services.db.selectFrom('payout_batch_lines').select('payout_id').groupBy('payout_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
    expect(dupes).toEqual([]);
    expect((await reconcile(app.services.db)).ok).toBe(true);
  });
});
