// README's "Walkthrough with curl", run exactly as written (its sh blocks, in order, through bash
// with curl and jq) against the real server process started as `npm start` starts it: the default
// demo (DEMO_DATA unset = full), PGlite in a data folder (and, with TEST_DATABASE_URL, a scratch
// PostgreSQL database). The one change is the address: the README's `API=http://127.0.0.1:3000`
// line points at the port this server listens on. If the README drifts from the API or the demo
// (issue 17: it registered 13700000001, a demo account, and failed with PHONE_TAKEN), this fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../support/crash.js';
import { createScratchDatabase } from '../support/reliability.js';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const README_API = 'API=http://127.0.0.1:3000';

/** the sh blocks of the README's walkthrough section, in order */
export function walkthroughScript(readme: string): string {
  const start = readme.indexOf('## Walkthrough with curl');
  expect(start, 'README has a "## Walkthrough with curl" section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const section = rest.slice(0, rest.search(/\n## /) === -1 ? undefined : rest.search(/\n## /));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  return blocks.join('\n');
}

const kinds: Array<'pglite' | 'postgres'> = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

describe.each(kinds)('the README walkthrough on the default demo (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-readme-'));
  let server: ServerProcess | undefined;
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await server?.stop();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs as written and ends reconciled', { timeout: 600_000 }, async () => {
    const script = walkthroughScript(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(script.split('\n').filter((l) => l.trim() === README_API)).toHaveLength(1);

    let databaseUrl = '';
    if (kind === 'postgres') {
      const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'fenxiao_readme');
      databaseUrl = scratch.url;
      drop = scratch.drop;
    }
    // what `npm start` runs after building the web apps: src/main.ts with the default demo
    server = await ServerProcess.start({
      databaseUrl,
      jwtSecret: `readme-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`,
      dataDir,
      timeoutMs: 400_000,
      // DEMO_DATA=full is the default of `npm start` (ServerProcess starts the core demo unless told); the checkout limit at its default
      env: { DEMO_DATA: 'full', CHECKOUT_PER_MEMBER_PER_MINUTE: '30' },
    });

    const out = execFileSync('bash', ['-c', script.replace(README_API, `API=${server.base}`)], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = out.trim().split('\n');
    const json = lines.map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`line ${i + 1} of the walkthrough's output is not JSON: ${l}\n${out}`);
      }
    });
    const report = `the walkthrough printed:\n${out}`;
    const has = (j: unknown, key: string): j is Record<string, any> => typeof j === 'object' && j !== null && key in j;
    // no answer is an error
    for (const j of json) expect(has(j, 'code') && has(j, 'message'), report).toBe(false);
    expect(json[0], report).toMatchObject({ change: 'approved' });
    const pending = json.filter((j) => has(j, 'pendingFen')).map((j) => j.pendingFen as number);
    expect(pending, report).toHaveLength(6);
    for (const p of pending.slice(0, 3)) expect(p, report).toBeGreaterThan(0);
    // the refund of half the line halves every earning
    for (let i = 0; i < 3; i++) expect(Math.abs(pending[i + 3] - pending[i] / 2), report).toBeLessThanOrEqual(1);
    const available = json.find((j) => has(j, 'availableFen'));
    expect(available?.availableFen, report).toBe(pending[3]);
    const payout = json.find((j) => has(j, 'payoutNo'));
    expect(payout, report).toMatchObject({ amountFen: pending[3] });
    expect(typeof payout?.payoutNo, report).toBe('string');
    expect(lines.at(-1), report).toBe('true');
    if (process.env.README_WALKTHROUGH_PRINT) console.log(report);
  });
});
