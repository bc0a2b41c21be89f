// Runs each suite on the embedded PGlite and, when TEST_DATABASE_URL is set, on a real PostgreSQL
// (a fresh database per suite, dropped afterwards).
import { randomBytes } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import pg from 'pg';
import { describe } from 'vitest';
import { createLogger, startApp, type RunningApp, type StartOptions } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { ManualClock } from '../../src/context.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { DevPayoutProvider } from '../../src/modules/payouts/providers.js';
import { createMigratedDatabase, openMigratedPglite } from './db-templates.js';

export type DatabaseKind = 'pglite' | 'postgres';

export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** describe() once per database kind. */
export function describeEachDatabase(name: string, fn: (kind: DatabaseKind) => void) {
  for (const kind of databaseKinds()) describe(`${name} [${kind}]`, () => fn(kind));
}

/** Only on the real server: concurrency needs more than PGlite's one session. */
export const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/**
 * A fresh database of its own. migrated: every migration already applied, copied from a template
 * (test/support/db-templates.ts) rather than migrated for each app; otherwise empty.
 */
export async function openTestDatabase(kind: DatabaseKind, poolSize?: number, options: { migrated?: boolean } = {}): Promise<DatabaseHandle> {
  if (kind === 'pglite') return options.migrated ? openMigratedPglite() : openDatabase({ dataDir: 'memory://' });
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `fenxiao_test_${randomBytes(6).toString('hex')}`;
  if (options.migrated) await createMigratedDatabase(adminUrl, name);
  else {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

import { testConfig } from './test-config.js';

export { testConfig };

export interface TestApp extends RunningApp {
  clock: ManualClock;
  payoutProvider: DevPayoutProvider;
  kind: DatabaseKind;
}

/** A test clock that also moves with wall time (for code that waits a moment, like the demo seed). */
export class TickingClock extends ManualClock {
  private readonly origin = Date.now();
  override now(): Date {
    return new Date(super.now().getTime() + (Date.now() - this.origin));
  }
}

export async function startTestApp(
  kind: DatabaseKind,
  options: { rules?: RuleConfigInput; config?: Partial<AppConfig>; poolSize?: number; tickingClock?: boolean; queryPlugins?: KyselyPlugin[] } & Partial<Pick<StartOptions, 'plugins' | 'fetchFn'>> = {},
): Promise<TestApp> {
  // startApp applies the migrations either way; from the template it finds them applied
  const opened = await openTestDatabase(kind, options.poolSize, { migrated: true });
  // queryPlugins: Kysely plugins on the app's handle (a test counting or failing queries)
  const database = { ...opened, db: (options.queryPlugins ?? []).reduce((db, plugin) => db.withPlugin(plugin), opened.db) };
  const start = new Date('2026-11-20T04:00:00Z');
  const clock = options.tickingClock ? new TickingClock(start) : new ManualClock(start);
  const payoutProvider = new DevPayoutProvider();
  const config = testConfig(options.config);
  const app = await startApp({
    config,
    clock,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    database,
    payoutProvider,
    initialRules: options.rules ?? {},
    plugins: options.plugins,
    fetchFn: options.fetchFn,
  });
  return {
    ...app,
    clock,
    payoutProvider,
    kind,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
