// Serves the built web apps (admin console at /admin, H5 shop at /) from the same server.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

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
        await app.register(fastifyStatic, { root: web.dir, prefix: web.prefix, decorateReply: !decorated, wildcard: true, index: ['index.html'] });
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
        return reply.sendFile('index.html', web.dir);
      });
    },
  ];
}
