// `npm run reconcile` prints each open statement difference (provider, day, kind, both amounts) and exits 1
// while one is open; settled, it exits 0 again. Run as the operator runs it, on a PGlite folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'fenxiao-reconcile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function reconcile(): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/reconcile.ts'], { env: { ...process.env, DATA_DIR: dir, APP_ENV: 'development' }, timeout: 120_000 });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '' };
  }
}

describe('npm run reconcile and the statements', () => {
  it('lists open statement differences with their numbers and fails; settled, it passes', async () => {
    const handle = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrate(handle);
    const now = new Date();
    const owner = await handle.db.insertInto('members').values({ nickname: 'hq', invite_code: 'RECON001' }).returning('id').executeTakeFirstOrThrow();
    const bill = await handle.db.insertInto('statement_bills').values({ provider: 'wechatpay', bill_date: '2026-11-19', status: 'fetched', difference_count: 1, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await handle.db.insertInto('statement_differences').values({ bill_id: bill.id, provider: 'wechatpay', bill_date: '2026-11-19', kind: 'amount_differs', subject: 'payment', record_type: 'payment', record_id: 1, reference: 'P20261119120000000000000001', out_trade_no: 'P20261119120000000000000001', line_seq: 1, our_fen: 3000, their_fen: 3100, our_state: 'succeeded', their_state: 'SUCCESS', note: null, fingerprint: 'f1', created_at: now }).execute();
    await handle.close();

    const open = await reconcile();
    expect(open.code).toBe(1);
    expect(open.out).toContain('statements: 1 open difference(s)');
    expect(open.out).toContain('wechatpay 2026-11-19 amount_differs P20261119120000000000000001  ours 30.00 (3000 fen)  theirs 31.00 (3100 fen)');

    const again = await openDatabase({ dataDir: join(dir, 'pglite') });
    await again.db.insertInto('statement_resolutions').values({ provider: 'wechatpay', bill_date: '2026-11-19', fingerprint: 'f1', note: '已核对', resolved_by: owner.id, resolved_at: now }).execute();
    await again.close();
    const settled = await reconcile();
    expect(settled.out).toContain('statements: no open differences');
    expect(settled.code).toBe(0);
  }, 180_000); // two runs of the script, each starting tsx and opening PGlite: over a minute on a busy 2-CPU machine
});
