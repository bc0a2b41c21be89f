// Builds each web app (web/shop, web/admin) when its sources are newer than its build, so
// `npm start` on a fresh clone serves the console and the shop without a separate step.
// The browser tests call buildWeb() in-process before each world (test/e2e/world.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;

/**
 * Writes name.br and name.gz beside every compressible file of a build (what the server sends to a
 * browser that takes them: @fastify/static preCompressed), at the highest levels — once per build.
 */
export function precompress(dir: string): { files: number; bytes: number; brotliBytes: number } {
  const out = { files: 0, bytes: 0, brotliBytes: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = precompress(path);
      out.files += inner.files;
      out.bytes += inner.bytes;
      out.brotliBytes += inner.brotliBytes;
      continue;
    }
    if (!COMPRESSIBLE.test(entry.name)) continue;
    const body = readFileSync(path);
    if (body.length < 1024) continue;
    const brotli = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    writeFileSync(`${path}.br`, brotli);
    writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
    out.files += 1;
    out.bytes += body.length;
    out.brotliBytes += brotli.length;
  }
  return out;
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
    // NODE_ENV=production whoever builds: under vitest (NODE_ENV=test) vite would bundle React's
    // development runtime, three times the size, and the browser tests would not test what ships
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', root, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    precompress(join(root, 'dist'));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildWeb({ force: process.argv.includes('--force') });
