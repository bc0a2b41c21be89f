// Small helpers for the benchmark: sizes from the environment, timing, percentiles, scratch
// databases, a server child process, and the printed table.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../test/support/crash.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return Math.floor(value);
}

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function log(message: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function now(): number {
  return performance.now();
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Times fn `samples` times (or until budgetMs is spent, at least minSamples); returns milliseconds. */
export async function sample(fn: (i: number) => Promise<unknown>, options: { samples: number; budgetMs?: number; minSamples?: number; warmup?: number }): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 3); i++) await fn(-1 - i);
  const out: number[] = [];
  const start = now();
  for (let i = 0; i < options.samples; i++) {
    const t0 = now();
    await fn(i);
    out.push(now() - t0);
    if (options.budgetMs && now() - start > options.budgetMs && out.length >= (options.minSamples ?? 5)) break;
  }
  return out;
}

// --- databases ---------------------------------------------------------------------------------

export interface ScratchDb {
  url: string;
  name: string;
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export async function scratchDatabase(prefix: string): Promise<ScratchDb> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async client() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      return c;
    },
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** EXPLAIN (ANALYZE, BUFFERS) of a query: the plan's top lines, for the report. */
export async function explain(client: pg.Client, query: string, params: unknown[] = [], lines = 12): Promise<string> {
  const res = await client.query(`explain (analyze, buffers, timing off, summary on) ${query}`, params);
  return res.rows
    .map((r) => r['QUERY PLAN'] as string)
    .slice(0, lines)
    .join('\n');
}

// --- the server as a child process ----------------------------------------------------------------

export class BenchServer {
  private output: string[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {
    const keep = (c: Buffer) => {
      this.output.push(c.toString());
      if (this.output.length > 100) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(databaseUrl: string, jwtSecret: string, dataDir: string): Promise<BenchServer> {
    const port = await freePort();
    // BENCH_SERVER_PROFILE=<dir>: a V8 CPU profile of the server, written when it stops
    const profile = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'off', JOB_INTERVAL_MS: '0', CHECKOUT_PER_MEMBER_PER_MINUTE: '1000000', JWT_SECRET: jwtSecret, DATA_DIR: dataDir, LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new BenchServer(child, `http://127.0.0.1:${port}`);
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${server.output.join('')}`);
      try {
        if ((await fetch(`${server.base}/health`)).ok) return server;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`the server did not start: ${server.output.join('')}`);
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await new Promise((r) => this.child.once('exit', r));
    clearTimeout(t);
  }
}

export async function runCommand(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

// --- the table -----------------------------------------------------------------------------------

export interface Row {
  section: string;
  what: string;
  figure: string;
  reference?: string;
  goal: string;
  met?: boolean;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function printTable(rows: Row[]) {
  const headers = ['#', 'measure', 'figure', 'reference / note', 'goal', 'met'];
  const cells = rows.map((r) => [r.section, r.what, r.figure, r.reference ?? '', r.goal, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join(' | ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
}

export function tmpPath(name: string): string {
  return join(process.env.TMPDIR ?? '/tmp', name);
}
