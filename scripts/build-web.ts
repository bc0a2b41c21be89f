// Builds each web app (web/shop, web/admin) when its sources are newer than its build, so
// `npm start` on a fresh clone serves the console and the shop without a separate step.
// The browser tests call buildWeb() in-process before each world (test/e2e/world.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildWeb(options: { force?: boolean } = {}): void {
  for (const app of ['shop', 'admin']) {
    const root = join(ROOT, 'web', app);
    if (!existsSync(join(root, 'index.html'))) continue;
    const built = join(root, 'dist', 'index.html');
    // both apps import web/shared (the API client, money text, the generated API types)
    const sources = Math.max(newestMtime(root), newestMtime(join(ROOT, 'web', 'shared')));
    if (!options.force && existsSync(built) && statSync(built).mtimeMs >= sources) continue;
    console.log(`building web/${app} …`);
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', root, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildWeb({ force: process.argv.includes('--force') });
