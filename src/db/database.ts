// One query layer (Kysely) over either the embedded PGlite or a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either a plain handle or one inside a transaction: services accept both. */
export type Executor = Db | Tx;

/** int8 and numeric (sum, count) arrive as text; money stays exact only while it fits a double's integers. */
export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    // numeric results that are not integers (e.g. averages) are passed through as numbers
    if (Number.isFinite(value) && !/^-?\d+$/.test(text)) return value;
    throw new RangeError(`integer ${text} is outside the safe range`);
  }
  return value;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a multi-statement SQL script (migrations) in its own transaction, on the simple protocol. */
  runScriptTransaction<T>(fn: (exec: (script: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… selects a server; otherwise PGlite in dataDir (or in memory when dataDir is 'memory://'). */
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const types = {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        if (oid === INT8_OID || oid === NUMERIC_OID) return parseSafeInteger;
        return pg.types.getTypeParser(oid, format);
      },
    } as unknown as typeof pg.types;
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20, types });
    // an idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next checkout
    pool.on('error', (error) => console.error(`postgres pool: idle connection lost: ${error.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      async runScriptTransaction(fn) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const result = await fn(async (script) => {
            const res = await client.query(script);
            return (Array.isArray(res) ? res[res.length - 1]?.rows : res.rows) ?? [];
          });
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      },
      close: () => db.destroy(),
    };
  }
  const dataDir = options.dataDir ?? 'memory://';
  const pglite = await PGlite.create({
    ...(dataDir === 'memory://' ? {} : { dataDir }),
    parsers: { [INT8_OID]: parseSafeInteger, [NUMERIC_OID]: parseSafeInteger },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    runScriptTransaction(fn) {
      return pglite.transaction((tx) =>
        fn(async (script) => {
          const results = await tx.exec(script);
          return (results[results.length - 1]?.rows ?? []) as Array<Record<string, unknown>>;
        }),
      );
    },
    close: () => db.destroy(),
  };
}

/** Runs fn in one database transaction; `afterCommit` callbacks run only once it committed. */
export async function inTransaction<T>(
  db: Executor,
  fn: (tx: Tx, afterCommit: (cb: () => void) => void) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) {
    // nested: the outer transaction owns commit, so its callbacks are the ones that matter
    return fn(db as Tx, (cb) => pendingCallbacks(db as Tx).push(cb));
  }
  const callbacks: Array<() => void> = [];
  const result = await (db as Db).transaction().execute(async (tx) => {
    callbacksByTx.set(tx, callbacks);
    return fn(tx, (cb) => callbacks.push(cb));
  });
  for (const cb of callbacks) cb();
  return result;
}

const callbacksByTx = new WeakMap<Tx, Array<() => void>>();
function pendingCallbacks(tx: Tx): Array<() => void> {
  let list = callbacksByTx.get(tx);
  if (!list) {
    list = [];
    callbacksByTx.set(tx, list);
  }
  return list;
}

/** Serialises writers of one kind across all server instances, until the transaction ends. */
export async function lockForTransaction(tx: Tx, lockKey: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${lockKey})`.execute(tx);
}

/** Every advisory lock key in one place, so no two features ever pick the same number. */
export const LOCK_KEYS = {
  migrations: 7_100_001,
  referralTree: 7_100_002,
  ledgerFold: 7_100_003,
  leaderboardFold: 7_100_004,
  leaderboardInviteScan: 7_100_005,
  dealerTree: 7_100_006,
} as const;
