// Serves the built web apps (admin console at /admin, H5 shop at /) from the same server: the
// brotli / gzip files the build wrote beside each asset when the browser takes them, content-hashed
// assets (assets/…) cached for a year as immutable, index.html never cached (it names the hashes).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Cache headers by what a file is: hashed assets never change, pages must be asked again. */
function cacheHeaders(reply: FastifyReply, path: string): void {
  if (/[\\/]assets[\\/]/.test(path)) reply.header('cache-control', IMMUTABLE);
  else if (/\.html(\.br|\.gz)?$/.test(path)) reply.header('cache-control', 'no-cache');
  else reply.header('cache-control', 'public, max-age=3600');
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

export function webPlugins() {
  return [
    async (app: FastifyInstance) => {
      const apps = [
        { prefix: '/admin/', dir: join(root, 'admin', 'dist') },
        { prefix: '/', dir: join(root, 'shop', 'dist') },
      ].filter((a) => existsSync(join(a.dir, 'index.html')));
      let decorated = false;
      for (const web of apps) {
        // wildcard: files are looked up per request, so a rebuild is served without a restart
        await app.register(fastifyStatic, { root: web.dir, prefix: web.prefix, decorateReply: !decorated, wildcard: true, index: ['index.html'], preCompressed: true, setHeaders: cacheHeaders });
        decorated = true;
      }
      // client-side routes fall back to each app's index.html
      app.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0];
        // a missing asset (a name with an extension) is a 404, never the page: a stale page must fail loudly
        if (request.url.startsWith('/api/') || request.method !== 'GET' || /\.[a-z0-9]+$/i.test(path)) {
          return reply.status(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` });
        }
        const web = apps.find((a) => request.url.startsWith(a.prefix) || request.url === a.prefix.slice(0, -1));
        if (!web) return reply.status(404).send({ code: 'NOT_FOUND', message: 'the web apps are not built: run npm run build:web' });
        return reply.header('cache-control', 'no-cache').sendFile('index.html', web.dir);
      });
    },
  ];
}
