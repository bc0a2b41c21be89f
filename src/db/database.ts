// One query layer (Kysely) over either the embedded PGlite or a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, sql, type DatabaseConnection, type Driver, type PostgresPool, type PostgresPoolClient, type Transaction, type TransactionSettings } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { listenOnPglite, listenOnServer, type Listen } from './listen.js';
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

/** Where the job queue (pg-boss, src/jobs) connects: a small pool of its own on the server, or the embedded instance. */
export type JobsConnection = { kind: 'postgres'; connectionString: string } | { kind: 'pglite'; pglite: PGlite };

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** what the job queue connects through (src/jobs/boss.ts); absent on a hand-made handle: no job runner */
  jobs?: JobsConnection;
  /** Runs a multi-statement SQL script (migrations) in its own transaction, on the simple protocol. */
  runScriptTransaction<T>(fn: (exec: (script: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T>;
  /** LISTEN on a channel through this instance's own listening connection (live events) */
  listen: Listen;
  /**
   * Runs fn while holding an advisory lock on one connection: instances starting at once do
   * their start-up writes (demo data) one after another. PGlite is one process's, so fn just runs.
   */
  exclusive<T>(lockKey: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… selects a server; otherwise PGlite in dataDir (or in memory when dataDir is 'memory://'). */
  databaseUrl?: string;
  dataDir?: string;
  /** the most server connections this instance opens (DATABASE_POOL_MAX); default 20 */
  poolSize?: number;
  /**
   * name (prepare) parameterised statements per connection on a server; default on. Off only behind a
   * pooler that cannot keep named statements (PgBouncer before 1.21, or without max_prepared_statements).
   */
  preparedStatements?: boolean;
  /** where LISTEN connects (DATABASE_LISTEN_URL): past a transaction-mode pooler; default databaseUrl */
  listenUrl?: string;
  /** where a lost connection is reported (it never ends the process); default: one line on stderr */
  onConnectionError?: (message: string) => void;
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

// --- errors that are the database's, not the request's ---------------------------------------

const CONNECTION_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own errors for a dead socket carry no code, only these messages */
const CONNECTION_MESSAGES = /^(Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

/**
 * The connection to the database failed, not the statement: a restart or failover (57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), a pooler or network dropping
 * it (class 08, ECONNRESET), the server not up yet (ECONNREFUSED), too many connections (53300).
 * Nothing the request asked for is wrong; the same request can be sent again (every money path is
 * idempotent), so HTTP answers 503 DATABASE_UNAVAILABLE.
 */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown; [FROM_DATABASE]?: true } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLSTATEs are the server's own
  if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || /^08[0-9A-Z]{3}$/.test(code)) return true;
  // a socket's errno or pg's message only when it came out of the database layer (a provider's
  // ECONNRESET is not the database's)
  if (!e[FROM_DATABASE]) return false;
  if (CONNECTION_ERRNOS.has(code)) return true;
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  // net's connect to several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => isConnectionError(fromDatabase(inner)));
}

const FROM_DATABASE = Symbol('fenxiao.fromDatabase');
/** Marks an error as raised by a database connection or statement (see isConnectionError); returns it. */
function fromDatabase<E>(error: E): E {
  if (error && typeof error === 'object') (error as { [FROM_DATABASE]?: true })[FROM_DATABASE] = true;
  return error;
}
const rethrowFromDatabase = (error: unknown): never => {
  throw fromDatabase(error);
};

/** A migration changed a table under a prepared statement: the server refuses the statement once (0A000). */
export function isCachedPlanChange(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return !!e && e.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}

/** What one connection has prepared, under which generation of names. */
interface PreparedOnConnection {
  names: Set<string>;
  generation: number;
  /** between begin and commit/rollback: a failed statement there cannot be sent again on its own */
  inTransaction: boolean;
}

type RawQuery = (text: unknown, values?: unknown[]) => Promise<unknown>;

/**
 * Every client the pool hands out gets an 'error' listener of its own, once, that stays while the
 * client is checked out (pg-pool listens only while a client is idle): a server restart or a
 * terminated backend then fails the statement in flight, and the client is dropped at release,
 * instead of an unhandled 'error' event ending the process.
 *
 * With `prepare`, each parameterised statement is prepared once per connection (the extended
 * protocol with a statement name), so the server skips parsing it again; planning still happens
 * per execution outside transactions (plan_cache_mode, set on each new connection). Texts are named
 * by their hash; a connection stops naming new texts after PREPARED_PER_CONNECTION, so shapes that
 * vary with their input (long IN lists) cannot grow it without bound. When a migration changes a
 * table under the statements (0A000), every connection moves to new names, so the change costs one
 * refused statement in all, and that one is sent again when it ran outside a transaction (inside
 * one, inTransaction replays the transaction).
 */
function guardedPool(pool: pg.Pool, options: { prepare: boolean; report: (message: string) => void }): PostgresPool & { connectGuarded(): Promise<pg.PoolClient>; releaseGuarded(client: pg.PoolClient, destroy?: boolean): void } {
  const guarded = new WeakSet<pg.PoolClient>();
  const inUse = new WeakSet<pg.PoolClient>();
  const prepared = new WeakMap<pg.PoolClient, PreparedOnConnection>();
  let generation = 0;
  /** A client from the pool with our 'error' listener; its release must go through releaseGuarded. */
  const connectGuarded = async () => {
    const client = await pool.connect().catch(rethrowFromDatabase);
    if (!guarded.has(client)) {
      guarded.add(client);
      // while idle the pool's own listener (pool.on('error')) reports it
      client.on('error', (error: Error) => inUse.has(client) && options.report(`postgres: connection lost while in use: ${error.message}`));
    }
    inUse.add(client);
    return client;
  };
  const releaseGuarded = (client: pg.PoolClient, destroy?: boolean) => {
    inUse.delete(client);
    client.release(destroy || undefined);
  };
  return {
    connectGuarded,
    releaseGuarded,
    async connect() {
      const client = await connectGuarded();
      const clientQuery = client.query.bind(client) as unknown as RawQuery;
      // a connection that failed under a statement is closed at release, never handed out again
      let broken = false;
      const raw: RawQuery = (text, values) => {
        const result = clientQuery(text, values);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          fromDatabase(error);
          if (isConnectionError(error)) broken = true;
          throw error;
        });
      };
      const release = () => releaseGuarded(client, broken);
      if (!options.prepare) {
        return { query: ((text: unknown, values?: readonly unknown[]) => raw(text, values && [...values])) as PostgresPoolClient['query'], release };
      }
      let state = prepared.get(client);
      if (!state) {
        // outside transactions every execution is planned for its values: a cached generic plan for a
        // 2 000-member team ran a 230 000-member team's page 5× slower than its own plan (measured).
        // Set here, not as a startup option, which PgBouncer refuses; behind a pooler in transaction
        // mode the role's setting is what holds (docs/going-live.md: ALTER ROLE … SET plan_cache_mode)
        try {
          await raw('set plan_cache_mode = force_custom_plan');
        } catch (error) {
          releaseGuarded(client, true);
          throw error;
        }
        prepared.set(client, (state = { names: new Set(), generation, inTransaction: false }));
      }
      const own = state;
      const named = (text: string, values: unknown[]): Promise<unknown> | undefined => {
        if (own.generation !== generation) {
          own.generation = generation;
          own.names.clear();
        }
        const name = `${statementName(text)}_${own.generation}`;
        if (!own.names.has(name) && own.names.size >= PREPARED_PER_CONNECTION) return undefined;
        own.names.add(name);
        return raw({ name, text, values });
      };
      const sendNamed = async (first: Promise<unknown>, text: string, values: unknown[]): Promise<unknown> => {
        try {
          return await first;
        } catch (error) {
          if (!isCachedPlanChange(error)) throw error;
          // a migration changed a table these statements read (another instance deployed it):
          // every connection prepares afresh under new names; outside a transaction this
          // statement is sent once more, inside one the transaction is replayed (inTransaction)
          if (own.generation === generation) generation += 1;
          if (own.inTransaction) throw error;
          return (await named(text, values)) ?? raw(text, values);
        }
      };
      const query = (text: unknown, values?: readonly unknown[]): unknown => {
        if (typeof text !== 'string') return raw(text, values && [...values]); // a cursor
        // Kysely's transaction control (TransactionPlanningDriver below): begin…, start transaction…, commit, rollback
        if (text.startsWith('begin') || text.startsWith('start transaction')) own.inTransaction = true;
        else if (text === 'commit' || text === 'rollback') own.inTransaction = false;
        if (values && values.length > 0 && values.length <= 64) {
          const copy = [...values];
          const first = named(text, copy);
          if (first) return sendNamed(first, text, copy);
        }
        return raw(text, values && [...values]);
      };
      return { query: query as unknown as PostgresPoolClient['query'], release };
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
    const report = options.onConnectionError ?? ((message: string) => console.error(message));
    // no startup options (`options: '-c …'`): PgBouncer refuses every one it does not know
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20, types });
    // an idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next checkout
    pool.on('error', (error) => report(`postgres: idle connection lost: ${error.message}`));
    const guarded = guardedPool(pool, { prepare, report });
    const db = new Kysely<Database>({ dialect: prepare ? new TransactionPlanningDialect(guarded) : new PostgresDialect({ pool: guarded }) });
    return {
      db,
      jobs: { kind: 'postgres', connectionString: options.databaseUrl },
      kind: 'postgres',
      listen: listenOnServer(options.listenUrl ?? options.databaseUrl, report),
      async exclusive(lockKey, fn) {
        // a transaction-level lock in a transaction held open meanwhile: a transaction-mode
        // PgBouncer keeps one server connection for it, where a session lock would be left on
        // whichever server connection the pooler handed out
        const client = await guarded.connectGuarded();
        let broken = false;
        try {
          await client.query('begin');
          await client.query('select pg_advisory_xact_lock($1)', [lockKey]);
          try {
            return await fn();
          } finally {
            await client.query('commit').catch(() => (broken = true));
          }
        } catch (error) {
          if (isConnectionError(error)) broken = true;
          else await client.query('rollback').catch(() => (broken = true));
          throw error;
        } finally {
          guarded.releaseGuarded(client, broken);
        }
      },
      async runScriptTransaction(fn) {
        const client = await guarded.connectGuarded();
        const run = (text: string) => (client.query(text) as unknown as Promise<pg.QueryResult | pg.QueryResult[]>).catch(rethrowFromDatabase);
        let failure: Error | undefined;
        try {
          await run('begin');
          const result = await fn(async (script) => {
            const res = await run(script);
            return (Array.isArray(res) ? res[res.length - 1]?.rows : res.rows) ?? [];
          });
          await run('commit');
          return result;
        } catch (error) {
          failure = error as Error;
          // on a lost connection the rollback fails too; the first error is the one to report
          await run('rollback').catch(() => undefined);
          throw error;
        } finally {
          // a connection that failed is not handed out again
          guarded.releaseGuarded(client, failure !== undefined && isConnectionError(failure));
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
    jobs: { kind: 'pglite', pglite },
    kind: 'pglite',
    listen: listenOnPglite(pglite),
    exclusive: (_lockKey, fn) => fn(),
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

/**
 * Runs fn in one database transaction; `afterCommit` callbacks run only once it committed. fn may be
 * run twice (the first attempt rolled back: see isCachedPlanChange), so it acts only through tx and
 * afterCommit: a call to a provider belongs before or after the transaction, never inside.
 */
export async function inTransaction<T>(
  db: Executor,
  fn: (tx: Tx, afterCommit: (cb: () => void) => void) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) {
    // nested: the outer transaction owns commit, so its callbacks are the ones that matter
    return fn(db as Tx, (cb) => pendingCallbacks(db as Tx).push(cb));
  }
  const attempt = async () => {
    const callbacks: Array<() => void> = [];
    const result = await (db as Db).transaction().execute(async (tx) => {
      callbacksByTx.set(tx, callbacks);
      const finishing: Array<() => Promise<void>> = [];
      beforeCommitByTx.set(tx, finishing);
      const value = await fn(tx, (cb) => callbacks.push(cb));
      // a finishing step may register another; each runs once, in order
      for (let step = finishing.shift(); step; step = finishing.shift()) await step();
      return value;
    });
    return { result, callbacks };
  };
  let done: { result: T; callbacks: Array<() => void> };
  try {
    done = await attempt();
  } catch (error) {
    // a migration changed a table under this transaction's prepared statements: the server refused
    // one and rolled the transaction back, and every connection now prepares under new names, so it
    // is run once more from the start. fn's effects are its statements (rolled back) and its
    // afterCommit callbacks (dropped with the first attempt), so the replay is safe
    if (!isCachedPlanChange(error)) throw error;
    done = await attempt();
  }
  for (const cb of done.callbacks) cb();
  return done.result;
}

const callbacksByTx = new WeakMap<Tx, Array<() => void>>();
const beforeCommitByTx = new WeakMap<Tx, Array<() => Promise<void>>>();

/**
 * Runs step inside tx once the transaction's own work is done, just before it commits (a batch of
 * rows raised all through the transaction is written in one statement). Answers false when tx was
 * not opened by inTransaction: then nothing was registered and the caller writes at once.
 */
export function beforeCommit(tx: Tx, step: () => Promise<void>): boolean {
  const list = beforeCommitByTx.get(tx);
  if (!list) return false;
  list.push(step);
  return true;
}
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
  startup: 7_100_007,
  demoSeed: 7_100_008,
  referralTree: 7_100_002,
  ledgerFold: 7_100_003,
  leaderboardFold: 7_100_004,
  leaderboardInviteScan: 7_100_005,
  dealerTree: 7_100_006,
} as const;
