// Builds each web app (web/shop, web/admin) when its sources are newer than its build, so
// `npm start` on a fresh clone serves the console and the shop without a separate step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const force = process.argv.includes('--force');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

for (const app of ['shop', 'admin']) {
  const root = join('web', app);
  if (!existsSync(join(root, 'index.html'))) continue;
  const built = join(root, 'dist', 'index.html');
  // both apps import web/shared (the API client, money text, the generated API types)
  const sources = Math.max(newestMtime(root), newestMtime(join('web', 'shared')));
  if (!force && existsSync(built) && statSync(built).mtimeMs >= sources) continue;
  console.log(`building web/${app} …`);
  execFileSync(process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', root, '--logLevel', 'warn'], { stdio: 'inherit' });
}
