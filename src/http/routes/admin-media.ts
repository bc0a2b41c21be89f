// The console's pictures: uploads (multipart; processed and stored by the media module) and a
// product's pictures (main, gallery, detail — ordered media ids; the catalog keeps them).
// The pictures themselves are served by ./media.ts (local storage) or the bucket.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_MEDIA } from '../../config-media.js';
import { AppError, badRequest } from '../../errors.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { mediaImageOut } from '../media.responses.js';
import { productOut } from '../responses.js';
import { uploadedFile } from '../uploads.js';
import { idParams } from '../schemas.js';
import { adminGuards } from './admin-guards.js';

const mediaId = z.number().int().positive();

/** The picture of a multipart upload, whole; what is too big is refused while it streams in. */
async function uploadedPicture(req: FastifyRequest, maxBytes: number): Promise<Buffer> {
  const file = await uploadedFile(req, {
    maxBytes,
    missing: () => badRequest('MEDIA_FILE_REQUIRED', 'send the picture as multipart/form-data, in one file field'),
    tooLarge: () => new AppError(413, 'MEDIA_TOO_LARGE', `the picture is larger than ${maxBytes} bytes`, { maxBytes }),
  });
  return file.bytes;
}

export function adminMediaRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { operators } = adminGuards(auth);
  const tags = ['admin'];
  const maxBytes = (s.config.media ?? DEFAULT_MEDIA).maxBytes;

  r.post('/api/admin/media', {
    preHandler: operators,
    // each upload is decoded and encoded three times: a bound on what one address can ask for
    config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Upload a picture: multipart/form-data with one file (JPEG, PNG, WebP or GIF, told by its bytes; at most MEDIA_MAX_BYTES). Turned upright, metadata removed, stored as WebP renditions',
      consumes: ['multipart/form-data'],
      response: { 201: mediaImageOut },
    },
  }, async (req, reply) => reply.status(201).send(await s.media.upload(await uploadedPicture(req, maxBytes), member(req).id)));

  r.put('/api/admin/products/:id/images', {
    preHandler: operators,
    schema: {
      tags,
      summary: "Set a product's pictures: the main one, the gallery after it and the detail pictures (详情图), as ordered ids of uploaded pictures; each picture once. No main with a gallery: the first gallery picture is the main one",
      params: idParams,
      body: z.object({ main: mediaId.nullable(), gallery: z.array(mediaId).max(20), detail: z.array(mediaId).max(50) }),
      response: { 200: productOut },
    },
  }, async (req) => s.catalog.setImages(req.params.id, req.body, member(req).id));
}
