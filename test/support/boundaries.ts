// Reads the source as text and reports who touches whose tables and who imports whose internals.
// test/modules/boundaries.test.ts holds the rules; `npx tsx test/support/boundaries.ts` prints the report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'src');

export interface SourceFile {
  /** path from the repository root, e.g. src/modules/orders/service.ts */
  rel: string;
  /** the module it belongs to (`orders`), or the area outside modules (`http`, `jobs`, `services.ts`) */
  owner: string;
  text: string;
}

export interface TableUse {
  file: string;
  line: number;
  module: string;
  table: string;
  kind: 'read' | 'write';
}

export interface ImportUse {
  file: string;
  line: number;
  from: string;
  /** the imported file, from the repository root */
  target: string;
  targetModule: string;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

export function ownerOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[1] === 'modules') return parts[2];
  return parts.length > 2 ? parts[1] : parts[1];
}

export function sourceFiles(): SourceFile[] {
  return walk(SRC)
    .sort()
    .map((full) => {
      const rel = path.relative(ROOT, full).split(path.sep).join('/');
      return { rel, owner: ownerOf(rel), text: readFileSync(full, 'utf8') };
    });
}

/** Blanks comments (keeping line breaks) so a table named in prose is not counted. */
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (m, pre: string) => pre + ' '.repeat(m.length - pre.length));
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Table name → owning module, from each module's tables.ts (`export interface XTables { name: …; }`). */
export function tableOwners(files: SourceFile[] = sourceFiles()): Map<string, string> {
  const owners = new Map<string, string>();
  for (const f of files) {
    if (!/^src\/modules\/[^/]+\/tables\.ts$/.test(f.rel)) continue;
    const text = stripComments(f.text);
    const block = /export (?:interface \w+Tables(?: extends [^{]+)?|type \w+Tables =) \{([\s\S]*?)\n\}/g;
    for (const m of text.matchAll(block)) {
      for (const key of m[1].matchAll(/^\s{2}([a-z_][a-z0-9_]*)\??:/gm)) {
        const table = key[1];
        const prior = owners.get(table);
        if (prior && prior !== f.owner) throw new Error(`table ${table} declared by both ${prior} and ${f.owner}`);
        owners.set(table, f.owner);
      }
    }
  }
  // tables still declared in the shared schema belong to no module
  const schema = files.find((f) => f.rel === 'src/db/schema.ts');
  const body = schema && /export interface Database\b[^{]*\{([\s\S]*?)\n\}/.exec(stripComments(schema.text));
  for (const key of body?.[1].matchAll(/^\s{2}([a-z_][a-z0-9_]*)\??:/gm) ?? []) if (!owners.has(key[1])) owners.set(key[1], SHARED_SCHEMA);
  return owners;
}

/** The owner of a table db/schema.ts still declares itself. */
export const SHARED_SCHEMA = 'db/schema.ts';

const KYSELY_WRITE = /\.(insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(\s*['"]([a-z_][a-z0-9_]*)/g;
const KYSELY_READ = /\.(selectFrom|innerJoin|leftJoin|rightJoin|fullJoin|using)\(\s*['"]([a-z_][a-z0-9_]*)/g;
const SQL_WRITE = /\b(?:insert\s+into|update|delete\s+from)\s+([a-z_][a-z0-9_]*)/gi;
const SQL_READ = /\b(?:from|join)\s+([a-z_][a-z0-9_]*)/gi;

/** The sql`…` templates of a file, with their offsets (nested ${…} blanked). */
function sqlTemplates(text: string): Array<{ start: number; body: string }> {
  const out: Array<{ start: number; body: string }> = [];
  const re = /\bsql(?:<[^`]*?>)?`/g;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].length;
    let i = start;
    let depth = 0;
    let body = '';
    while (i < text.length) {
      const c = text[i];
      if (depth === 0 && c === '`') break;
      if (c === '$' && text[i + 1] === '{') {
        depth++;
        body += '  ';
        i += 2;
        continue;
      }
      if (depth > 0 && c === '}') depth--;
      body += depth > 0 ? (c === '\n' ? '\n' : ' ') : c;
      i++;
    }
    out.push({ start, body });
  }
  return out;
}

export function tableUses(files: SourceFile[], owners: Map<string, string>): TableUse[] {
  const uses: TableUse[] = [];
  for (const f of files) {
    if (f.rel.endsWith('/tables.ts') || f.rel === 'src/db/schema.ts') continue;
    const text = stripComments(f.text);
    const add = (index: number, table: string, kind: TableUse['kind']) => {
      if (!owners.has(table)) return;
      uses.push({ file: f.rel, line: lineAt(text, index), module: f.owner, table, kind });
    };
    for (const m of text.matchAll(KYSELY_WRITE)) add(m.index, m[2], 'write');
    for (const m of text.matchAll(KYSELY_READ)) add(m.index, m[2], 'read');
    for (const t of sqlTemplates(text)) {
      const writes = new Set<number>();
      for (const m of t.body.matchAll(SQL_WRITE)) {
        add(t.start + m.index, m[1].toLowerCase(), 'write');
        writes.add(m.index);
      }
      for (const m of t.body.matchAll(SQL_READ)) {
        // `delete from t` is a write, already counted
        if (/delete\s+$/i.test(t.body.slice(Math.max(0, m.index - 8), m.index))) continue;
        add(t.start + m.index, m[1].toLowerCase(), 'read');
      }
    }
  }
  return uses;
}

const IMPORT = /(?:import|export)\s(?:type\s)?[^'"`;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export function moduleImports(files: SourceFile[]): ImportUse[] {
  const out: ImportUse[] = [];
  for (const f of files) {
    const text = stripComments(f.text);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.rel), spec)).replace(/\.js$/, '.ts');
      const parts = target.split('/');
      if (parts[0] !== 'src' || parts[1] !== 'modules' || parts.length < 4) continue;
      out.push({ file: f.rel, line: lineAt(text, m.index), from: f.owner, target, targetModule: parts[2] });
    }
  }
  return out;
}

/** An import from outside a module of anything but its face (index.ts); db/schema.ts merges tables.ts by design. */
export function internalImports(imports: ImportUse[]): ImportUse[] {
  return imports.filter((i) => {
    if (i.from === i.targetModule) return false;
    if (i.target === `src/modules/${i.targetModule}/index.ts`) return false;
    if (i.file === 'src/db/schema.ts' && i.target.endsWith('/tables.ts')) return false;
    return true;
  });
}

export function crossWrites(uses: TableUse[], owners: Map<string, string>): TableUse[] {
  return uses.filter((u) => u.kind === 'write' && owners.get(u.table) !== u.module);
}

/** Cross-module reads as `reader → table` pairs with their places. */
export function crossReads(uses: TableUse[], owners: Map<string, string>): Map<string, TableUse[]> {
  const pairs = new Map<string, TableUse[]>();
  for (const u of uses) {
    if (u.kind !== 'read' || owners.get(u.table) === u.module) continue;
    const key = `${u.module} → ${u.table}`;
    pairs.set(key, [...(pairs.get(key) ?? []), u]);
  }
  return pairs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const files = sourceFiles();
  const owners = tableOwners(files);
  const uses = tableUses(files, owners);
  const show = process.argv[2] ?? 'all';
  if (show === 'all' || show === 'writes') for (const u of crossWrites(uses, owners)) console.log(`write ${u.module} → ${u.table} (${owners.get(u.table)})  ${u.file}:${u.line}`);
  if (show === 'all' || show === 'reads') for (const [k, v] of crossReads(uses, owners)) console.log(`read ${k} (${owners.get(v[0].table)}) ×${v.length}  ${v.map((u) => `${u.file}:${u.line}`).join(' ')}`);
  if (show === 'all' || show === 'imports') for (const i of internalImports(moduleImports(files))) console.log(`import ${i.from} → ${i.target}  ${i.file}:${i.line}`);
  const unowned = [...new Set(uses.map((u) => u.table))].filter((t) => !owners.has(t));
  console.log(`tables with an owner: ${owners.size}; unowned: ${unowned.join(', ') || 'none'}`);
}
