// Applies the checked-in SQL migrations in order, once each, under an advisory lock so
// several server instances starting together do not race.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_KEYS, type DatabaseHandle } from './database.js';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  const files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort();
  return handle.runScriptTransaction(async (exec) => {
    await exec(`select pg_advisory_xact_lock(${LOCK_KEYS.migrations})`);
    await exec(`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set((await exec('select name from schema_migrations')).map((r) => String(r.name)));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await exec(readFileSync(join(migrationsDir, file), 'utf8'));
      // file names are ours (NNN_name.sql), never user input
      await exec(`insert into schema_migrations (name) values ('${file.replace(/'/g, "''")}')`);
      applied.push(file);
    }
    return applied;
  });
}
