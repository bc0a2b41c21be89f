// Migrated databases for test apps without running every migration for every app: the migrations
// run once per machine (per set of migrations) into a template, and each app gets a copy of it —
// on PGlite a copy of the template's data directory (in /dev/shm when there is one), on a server
// CREATE DATABASE … TEMPLATE. The template is keyed by the migration files, src/db/migrate.ts and
// the PGlite version, so a changed or added migration builds a new one; the migrations still run
// through migrate() on an empty database, only not once per app. Free of vitest (scripts use it).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** templates of other migration sets are removed once this old (another checkout may still use a newer one) */
const STALE_MS = 24 * 3600_000;
/** the admin session's advisory lock while a server template is built (the admin database, not the app's) */
const TEMPLATE_LOCK = 7_199_001;

function migrationsKey(): string {
  const hash = createHash('sha256');
  const dir = join(ROOT, 'src', 'db', 'migrations');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  hash.update(readFileSync(join(ROOT, 'src', 'db', 'migrate.ts')));
  hash.update(JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version);
  return hash.digest('hex').slice(0, 16);
}

// --- PGlite: a copy of a migrated data directory ---------------------------------------------

const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const pgliteTemplates = new Map<string, Promise<string>>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** copies of processes that died without closing them, and other migration sets' old templates */
function prunePglite(key: string): void {
  for (const name of readdirSync(SCRATCH)) {
    const path = join(SCRATCH, name);
    const copy = /^fenxiao-pglite-copy-(\d+)-/.exec(name);
    const build = /^fenxiao-pglite-template-\w+\.build-(\d+)-/.exec(name);
    const template = /^fenxiao-pglite-template-(\w+)$/.exec(name);
    try {
      if ((copy && !alive(Number(copy[1]))) || (build && !alive(Number(build[1])))) rmSync(path, { recursive: true, force: true });
      else if (template && template[1] !== key && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      /* another process removed it first */
    }
  }
}

async function buildPgliteTemplate(key: string): Promise<string> {
  const dir = join(SCRATCH, `fenxiao-pglite-template-${key}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  prunePglite(key);
  const build = `${dir}.build-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await openDatabase({ dataDir: build });
  try {
    await migrate(handle);
  } finally {
    await handle.close();
  }
  try {
    // atomic: a template that exists is complete; when another process was first, its copy is kept
    renameSync(build, dir);
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    if (!existsSync(join(dir, 'PG_VERSION'))) throw error;
  }
  return dir;
}

function pgliteTemplate(key: string): Promise<string> {
  let template = pgliteTemplates.get(key);
  if (!template) {
    template = buildPgliteTemplate(key);
    template.catch(() => pgliteTemplates.delete(key));
    pgliteTemplates.set(key, template);
  }
  return template;
}

/** A PGlite with every migration applied, in its own data directory (removed on close). */
export async function openMigratedPglite(): Promise<DatabaseHandle> {
  const key = migrationsKey();
  const dir = join(SCRATCH, `fenxiao-pglite-copy-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    cpSync(await pgliteTemplate(key), dir, { recursive: true });
  } catch {
    // the template went away under us (pruned by a run with newer migrations): build it again
    rmSync(dir, { recursive: true, force: true });
    pgliteTemplates.delete(key);
    cpSync(await pgliteTemplate(key), dir, { recursive: true });
  }
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ dataDir: dir });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...handle,
    async close() {
      try {
        await handle.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// --- PostgreSQL: CREATE DATABASE … TEMPLATE ------------------------------------------------------

const serverTemplates = new Map<string, Promise<string>>();

async function withAdmin<T>(adminUrl: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

const exists = async (admin: pg.Client, name: string) => (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DDL that needs nobody connected to the database (rename, template copy): the pool's backends may still be leaving */
async function whenUnused(admin: pg.Client, name: string, ddl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(ddl);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await sleep(100);
    }
  }
}

async function buildServerTemplate(adminUrl: string, key: string): Promise<string> {
  const name = `fenxiao_template_${key}`;
  return withAdmin(adminUrl, async (admin) => {
    if (await exists(admin, name)) return name;
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      if (await exists(admin, name)) return name;
      // other migration sets' templates, once old (the comment holds when each was built)
      const stale = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like 'fenxiao\\_template\\_%' and datname <> $1 and coalesce(nullif(shobj_description(oid, 'pg_database'), '')::bigint, 0) < $2`,
        [name, Date.now() - STALE_MS],
      );
      for (const { datname } of stale.rows) await admin.query(`drop database if exists ${datname}`).catch(() => undefined);
      const build = `${name}_build`;
      await admin.query(`drop database if exists ${build} with (force)`);
      await admin.query(`create database ${build}`);
      const url = new URL(adminUrl);
      url.pathname = `/${build}`;
      const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
      try {
        await migrate(handle);
      } finally {
        await handle.close();
      }
      await admin.query(`comment on database ${build} is '${Date.now()}'`);
      // atomic: a template that exists is complete
      await whenUnused(admin, build, `alter database ${build} rename to ${name}`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
}

function serverTemplate(adminUrl: string, key: string): Promise<string> {
  const id = `${adminUrl} ${key}`;
  let template = serverTemplates.get(id);
  if (!template) {
    template = buildServerTemplate(adminUrl, key);
    template.catch(() => serverTemplates.delete(id));
    serverTemplates.set(id, template);
  }
  return template;
}

/** Creates database name on the server of adminUrl with every migration applied. */
export async function createMigratedDatabase(adminUrl: string, name: string): Promise<void> {
  const key = migrationsKey();
  await withAdmin(adminUrl, async (admin) => {
    try {
      const template = await serverTemplate(adminUrl, key);
      await whenUnused(admin, template, `create database ${name} template ${template}`);
    } catch (error) {
      // 3D000: the template was dropped under us (pruned by a run with newer migrations): build it again
      if ((error as { code?: string }).code !== '3D000') throw error;
      serverTemplates.delete(`${adminUrl} ${key}`);
      const template = await serverTemplate(adminUrl, key);
      await whenUnused(admin, template, `create database ${name} template ${template}`);
    }
  });
}
