// The server connection prepares statements once per connection. Three things must hold: outside
// a transaction every execution is still planned for its values (a generic plan for a small team
// ran a big team's page 5× slower), inside one the money paths' fixed-shape statements may reuse a
// generic plan, and a table changed under a running instance (a migration deployed by another)
// costs no failed request: the refused statement is sent again under a new name (a transaction is
// replayed), and every connection of the pool moves to new names at once.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction, openDatabase, type DatabaseHandle, type Executor } from '../../src/db/database.js';
import { describeOnPostgres, openTestDatabase } from '../support/harness.js';

describeOnPostgres('prepared statements on a server', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase('postgres', 1);
    await sql`create table prepared_probe (id bigint primary key, label text not null)`.execute(handle.db);
    await sql`insert into prepared_probe values (1, 'one'), (2, 'two')`.execute(handle.db);
  });
  afterAll(async () => handle?.close());

  const probe = (id: number) => sql<Record<string, unknown>>`select * from prepared_probe where id = ${id}`.execute(handle.db);

  const planMode = async (ex: Executor) => (await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(ex)).rows[0].plan_cache_mode;
  const plansOf = async (ex: Executor, text: string) =>
    (await sql<{ generic_plans: number; custom_plans: number }>`select generic_plans::int, custom_plans::int from pg_prepared_statements where statement = ${text}`.execute(ex)).rows[0];

  it('plans every execution for its own values outside a transaction; inside one a fixed-shape statement reuses a generic plan', async () => {
    expect(await planMode(handle.db)).toBe('force_custom_plan');
    for (let i = 0; i < 8; i++) await probe(1 + (i % 2));
    expect(await plansOf(handle.db, 'select * from prepared_probe where id = $1')).toMatchObject({ generic_plans: 0, custom_plans: 8 });

    await inTransaction(handle.db, async (tx) => {
      expect(await planMode(tx)).toBe('auto');
      for (let i = 0; i < 8; i++) await sql`select label from prepared_probe where id = ${1 + (i % 2)}`.execute(tx);
      expect((await plansOf(tx, 'select label from prepared_probe where id = $1')).generic_plans).toBeGreaterThan(0);
    });
    // set local: the transaction's choice ends with it, and holds for any isolation level
    expect(await planMode(handle.db)).toBe('force_custom_plan');
    await handle.db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => expect(await planMode(tx)).toBe('auto'));
    expect(await planMode(handle.db)).toBe('force_custom_plan');
  });

  const alter = async (ddl: string) => {
    const other = new pg.Client({ connectionString: await currentUrl(handle) });
    await other.connect();
    await other.query(ddl);
    await other.end();
  };

  it('a column added by another session costs no failed statement outside a transaction: it is prepared afresh and sent again', async () => {
    for (let i = 0; i < 3; i++) expect((await probe(1)).rows).toEqual([{ id: 1, label: 'one' }]);
    await alter(`alter table prepared_probe add column note text not null default 'n'`);
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await probe(2).then(
          (r) => JSON.stringify(r.rows),
          (e: { code?: string }) => `failed ${e.code}`,
        ),
      );
    }
    // the first execution is refused (0A000: cached plan must not change result type) and retried once under a new name
    expect(outcomes).toEqual(Array(3).fill(JSON.stringify([{ id: 2, label: 'two', note: 'n' }])));
  });

  it('inside a transaction the refused statement replays the whole transaction once; its afterCommit callbacks run once', async () => {
    for (let i = 0; i < 3; i++) await probe(1);
    await alter(`alter table prepared_probe add column extra int not null default 7`);
    let attempts = 0;
    let committed = 0;
    const rows = await inTransaction(handle.db, async (tx, afterCommit) => {
      attempts += 1;
      await sql`update prepared_probe set label = label || '!' where id = 1`.execute(tx);
      afterCommit(() => (committed += 1));
      return (await sql<Record<string, unknown>>`select * from prepared_probe where id = ${1}`.execute(tx)).rows;
    });
    expect(attempts).toBe(2);
    expect(committed).toBe(1);
    // the first attempt's update was rolled back: one '!' only
    expect(rows).toEqual([{ id: 1, label: 'one!', note: 'n', extra: 7 }]);
    await sql`update prepared_probe set label = 'one' where id = 1`.execute(handle.db);
  });

  it('a schema change renames the statements of every connection of the pool, so each connection does not fail once on its own', async () => {
    const wide = await openDatabase({ databaseUrl: await currentUrl(handle), poolSize: 3 });
    try {
      // the same statement prepared on three connections at once (three transactions held open together)
      const onThree = async () => {
        let attempts = 0;
        let arrived = 0;
        let release!: () => void;
        const together = new Promise<void>((r) => (release = r));
        const results = await Promise.all(
          [1, 2, 3].map(() =>
            inTransaction(wide.db, async (tx) => {
              attempts += 1;
              const row = (await sql<Record<string, unknown>>`select * from prepared_probe where id = ${2}`.execute(tx)).rows[0];
              if (++arrived === 3) release();
              await together;
              return row;
            }),
          ),
        );
        return { attempts, results };
      };
      expect((await onThree()).attempts).toBe(3);
      await alter(`alter table prepared_probe add column third int not null default 3`);
      const after = await onThree();
      expect(after.results.map((r) => r.third)).toEqual([3, 3, 3]);
      // the three first statements ran concurrently, so each may be refused before the first refusal renamed them; never more
      expect(after.attempts).toBeLessThanOrEqual(6);
      // and the next round on those connections is refused nowhere
      expect((await onThree()).attempts).toBe(3);
    } finally {
      await wide.close();
    }
  });
});

/** The test database's URL, from the server itself (the harness names it). */
async function currentUrl(handle: DatabaseHandle): Promise<string> {
  const db = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${db.rows[0].name}`;
  return url.toString();
}
