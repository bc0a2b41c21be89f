// GET /media/<key>: the pictures kept in the data folder (or memory), served by this server. Keys are
// immutable (random, never rewritten), so answers are cached for a year; a key that is not one the
// storage could hold (`..`, other characters or extensions) is a 404 before anything is read. With
// S3 storage the browser loads from the bucket's address and this answers 404.
import type { FastifyInstance } from 'fastify';
import { contentTypeOfKey, IMMUTABLE_CACHE } from '../../modules/media/index.js';
import type { Services } from '../../services.js';

export function mediaRoutes(app: FastifyInstance, s: Services) {
  app.get('/media/*', { schema: { hide: true } }, async (req, reply) => {
    const key = (req.params as { '*'?: string })['*'] ?? '';
    const object = contentTypeOfKey(key) ? await s.media.read(key) : undefined;
    if (!object) return reply.status(404).send({ code: 'MEDIA_NOT_FOUND', message: 'no such picture' });
    const etag = `"${key.replace(/[^A-Za-z0-9_-]/g, '.')}"`;
    reply
      .header('content-type', object.contentType)
      .header('cache-control', IMMUTABLE_CACHE)
      .header('etag', etag)
      // a CDN or the console on another origin may show them
      .header('cross-origin-resource-policy', 'cross-origin');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.send(object.body);
  });
}
