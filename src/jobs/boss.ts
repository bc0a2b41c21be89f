// The pg-boss instance of this process, over the database the app uses. On a server pg-boss opens a
// small pool of its own (JOBS_POOL_MAX) and polls: no LISTEN, so it works behind PgBouncer in
// transaction mode; its schema (pgboss) it installs and migrates itself, under its advisory lock, so
// several instances may start at once. On PGlite, the one embedded session is shared with Kysely:
// every pg-boss statement takes Kysely's connection in turn, so none ever lands inside an app
// transaction (and a failed one is rolled back before the app gets the session back).
import type { PGlite } from '@electric-sql/pglite';
import { PgBoss, type ConstructorOptions, type Db as BossDb } from 'pg-boss';
import type { DatabaseHandle, Db } from '../db/database.js';

export const JOBS_SCHEMA = 'pgboss';

export interface BossOptions {
  /** the most server connections pg-boss opens (JOBS_POOL_MAX); default 2 */
  poolMax?: number;
  /** how often the cron pass's queue (send-it) is polled, seconds; pg-boss's default 5 */
  cronWorkerIntervalSeconds?: number;
  /** how often an instance tries to run the cron pass, seconds; pg-boss's default 30 */
  cronMonitorIntervalSeconds?: number;
  /** how often expired and heartbeat-less jobs are failed (and retried), seconds; default 30 */
  superviseIntervalSeconds?: number;
}

/** pg-boss's statements through Kysely's one PGlite connection, taken in turn with the app's queries. */
export function pgliteBossDb(db: Db, pglite: PGlite): BossDb {
  return {
    executeSql(text: string, values?: unknown[]) {
      return db.connection().execute(async () => {
        try {
          if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
          // no parameters: pg-boss's multi-statement scripts (schema, locked blocks) go as one simple query
          const results = await pglite.exec(text);
          return { rows: results.flatMap((r) => r.rows ?? []) };
        } catch (error) {
          // a script that failed inside its BEGIN leaves the session in an aborted transaction
          await pglite.exec('rollback').catch(() => undefined);
          throw error;
        }
      });
    },
  };
}

/** A PgBoss for this database, not started; undefined when the handle carries no job connection. */
export function createBoss(database: DatabaseHandle, options: BossOptions = {}): PgBoss | undefined {
  const target = database.jobs;
  if (!target) return undefined;
  const common: ConstructorOptions = {
    schema: JOBS_SCHEMA,
    cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds ?? 5,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 30,
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? 30,
    // no LISTEN connection: behind a transaction-mode pooler it would not hold; workers poll
    useListenNotify: false,
    openTelemetry: { enabled: false },
  };
  if (target.kind === 'pglite') return new PgBoss({ ...common, db: pgliteBossDb(database.db, target.pglite), backend: 'pglite' });
  return new PgBoss({ ...common, connectionString: target.connectionString, max: options.poolMax ?? 2, application_name: 'fenxiao-jobs' });
}
