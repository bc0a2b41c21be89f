// Debian's pgbouncer in transaction mode, started on a free loopback port in front of a PostgreSQL
// URL's server. Needs the pgbouncer package (.ci/system-packages). No vitest imports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './crash.js';
import { sleep } from './reliability.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Debian's pgbouncer, e.g. [1, 18]. */
export function pgbouncerVersion(): [number, number] {
  const out = execFileSync(PGBOUNCER, ['--version'], { encoding: 'utf8' });
  const m = /PgBouncer (\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`unexpected pgbouncer --version: ${out}`);
  return [Number(m[1]), Number(m[2])];
}

export interface RunningBouncer {
  /** databaseUrl with host and port of the bouncer */
  url: string;
  /** ≥ 1.21 with max_prepared_statements: named statements survive; older: DATABASE_PREPARED_STATEMENTS=off */
  preparedStatements: boolean;
  stop(): Promise<void>;
}

export async function startPgbouncer(databaseUrl: string, options: { poolSize?: number } = {}): Promise<RunningBouncer> {
  const [major, minor] = pgbouncerVersion();
  const prepared = major > 1 || minor >= 21;
  const dir = mkdtempSync(join(tmpdir(), 'fenxiao-pgbouncer-'));
  const server = new URL(databaseUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const port = await freePort();
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `admin_users = ${user}`,
      `default_pool_size = ${options.poolSize ?? 6}`,
      'max_client_conn = 200',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      ...(prepared ? ['max_prepared_statements = 200'] : []),
      // pgbouncer will not run as root; as root it changes to this user after it starts
      ...(process.getuid?.() === 0 ? ['user = postgres'] : []),
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  else chownSync(dir, process.getuid!(), process.getgid!());
  const bouncer: ChildProcess = spawn(PGBOUNCER, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  bouncer.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  bouncer.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const stop = async () => {
    if (bouncer.exitCode === null && bouncer.signalCode === null) {
      bouncer.kill('SIGTERM');
      await new Promise((r) => bouncer.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // up when a client gets through to the server
  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = new pg.Client({ connectionString: url.toString() });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('select 1');
      await probe.end();
      return { url: url.toString(), preparedStatements: prepared, stop };
    } catch (error) {
      await probe.end().catch(() => undefined);
      if (bouncer.exitCode !== null || Date.now() > deadline) {
        let log = '';
        try {
          log = readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
        } catch {
          /* none */
        }
        await stop();
        throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${output}\n${log}`);
      }
      await sleep(100);
    }
  }
}
