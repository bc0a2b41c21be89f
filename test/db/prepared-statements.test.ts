// The server connection prepares statements once per connection. Three things must hold: outside
// a transaction every execution is still planned for its values (a generic plan for a small team
// ran a big team's page 5× slower), inside one the money paths' fixed-shape statements may reuse a
// generic plan, and a table changed under a running instance (a migration deployed by another)
// costs one failed statement, not a connection that fails forever.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction, type DatabaseHandle, type Executor } from '../../src/db/database.js';
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

  it('a column added by another session fails one statement, then the statement is prepared afresh', async () => {
    for (let i = 0; i < 3; i++) expect((await probe(1)).rows).toEqual([{ id: 1, label: 'one' }]);
    const other = new pg.Client({ connectionString: await currentUrl(handle) });
    await other.connect();
    await other.query(`alter table prepared_probe add column note text not null default 'n'`);
    await other.end();
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await probe(2).then(
          (r) => JSON.stringify(r.rows),
          (e: { code?: string }) => `failed ${e.code}`,
        ),
      );
    }
    // at most the first fails (0A000: cached plan must not change result type); the rest see the new column
    expect(outcomes.filter((o) => o.startsWith('failed')).length).toBeLessThanOrEqual(1);
    expect(outcomes.at(-1)).toBe(JSON.stringify([{ id: 2, label: 'two', note: 'n' }]));
  });
});

/** The test database's URL, from the server itself (the harness names it). */
async function currentUrl(handle: DatabaseHandle): Promise<string> {
  const db = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${db.rows[0].name}`;
  return url.toString();
}
