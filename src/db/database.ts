// One query layer (Kysely) over either the embedded PGlite or a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, sql, type DatabaseConnection, type Driver, type PostgresPool, type PostgresPoolClient, type Transaction, type TransactionSettings } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { createHash } from 'node:crypto';
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
  /** name (prepare) parameterised statements per connection on a server; default on */
  preparedStatements?: boolean;
}

/** how many distinct statements one connection prepares; later texts (rare shapes) run unnamed */
const PREPARED_PER_CONNECTION = 500;

const statementNames = new Map<string, string>();
/** A statement's name is a hash of its text, remembered so the hot path does not hash on every call. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= 4 * PREPARED_PER_CONNECTION) statementNames.clear();
    name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** What one connection has prepared; `generation` renames them all after a schema change. */
interface PreparedOnConnection {
  names: Set<string>;
  generation: number;
}

/**
 * Hands Kysely connections that prepare each parameterised statement once per connection (the
 * extended protocol with a statement name), so the server skips parsing it again; planning still
 * happens per execution (see plan_cache_mode in openDatabase). The hot paths run a few dozen short
 * statements per request, each a round trip. Texts are named by their hash; a connection stops
 * naming new texts after PREPARED_PER_CONNECTION, so shapes that vary with their input (long IN
 * lists) cannot grow it without bound.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const prepared = new WeakMap<pg.PoolClient, PreparedOnConnection>();
  return {
    async connect() {
      const client = await pool.connect();
      let state = prepared.get(client);
      if (!state) prepared.set(client, (state = { names: new Set(), generation: 0 }));
      const own = state;
      return {
        query: ((text: unknown, values?: readonly unknown[]) => {
          if (typeof text === 'string' && values && values.length > 0 && values.length <= 64) {
            const name = `${statementName(text)}_${own.generation}`;
            if (own.names.has(name) || own.names.size < PREPARED_PER_CONNECTION) {
              own.names.add(name);
              return client.query({ name, text, values: [...values] }).catch((error: { code?: string }) => {
                // a migration changed a table this connection's statements read (another instance
                // deployed it): the server refuses the old statements, so prepare them afresh under
                // new names; this one statement fails, as any statement racing a schema change may
                if (error.code === '0A000') {
                  own.generation += 1;
                  own.names.clear();
                }
                throw error;
              });
            }
          }
          return (client.query as (t: unknown, v?: unknown[]) => unknown)(text, values && [...values]);
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Transactions run with PostgreSQL's own plan cache choice (`plan_cache_mode = auto`, set local at
 * begin, in the same round trip): their statements are the money paths' fixed-shape writes and
 * keyed reads, where the cached generic plan is the right one and spares planning each execution —
 * PostgreSQL's CPU per paid order fell from 8.4 to 5.4 ms and checkout rose 109 → 144 orders/s
 * (bench, 2026-12-02). Reads outside a transaction (team pages, lists, reports), whose best plan
 * depends on how big the subtree is, keep a plan per call.
 */
class TransactionPlanningDialect extends PostgresDialect {
  constructor(private readonly pool: PostgresPool) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new TransactionPlanningDriver({ pool: this.pool });
  }
}

class TransactionPlanningDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      await super.beginTransaction(connection, settings);
      await connection.executeQuery(CompiledQuery.raw('set local plan_cache_mode = auto'));
      return;
    }
    await connection.executeQuery(CompiledQuery.raw('begin; set local plan_cache_mode = auto'));
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const types = {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        if (oid === INT8_OID || oid === NUMERIC_OID) return parseSafeInteger;
        return pg.types.getTypeParser(oid, format);
      },
    } as unknown as typeof pg.types;
    const prepare = options.preparedStatements !== false;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      types,
      // named statements skip parsing, but a cached generic plan ignores the actual values: on a
      // power-law tree the plan for a 2 000-member team ran a 230 000-member team's page 5× slower
      // than its own plan (measured), so outside transactions every execution is planned for its
      // values (transactions choose for themselves: see TransactionPlanningDialect)
      ...(prepare ? { options: '-c plan_cache_mode=force_custom_plan' } : {}),
    });
    // an idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next checkout
    pool.on('error', (error) => console.error(`postgres pool: idle connection lost: ${error.message}`));
    const db = new Kysely<Database>({ dialect: prepare ? new TransactionPlanningDialect(preparingPool(pool)) : new PostgresDialect({ pool }) });
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
