// What the API answers about pictures (src/modules/media) and a product's pictures (catalog). Free of
// ./responses.ts, which takes productImagesOut from here for productOut.
import { z } from 'zod';

const px = z.number().int().describe('pixels');

export const mediaVariantOut = z.object({ url: z.string().describe('where the browser loads it: /media/… on this server, or MEDIA_PUBLIC_BASE_URL/…'), width: px, height: px });

export const mediaImageOut = z
  .object({
    id: z.number().int(),
    width: px.describe('the uploaded picture, upright'),
    height: px.describe('the uploaded picture, upright'),
    large: mediaVariantOut.describe('WebP, 1080 px wide (or the picture’s own width when narrower)'),
    medium: mediaVariantOut.describe('WebP, 540 px wide or narrower'),
    thumb: mediaVariantOut.describe('WebP, 240 px wide or narrower'),
  })
  .describe('An uploaded picture: its renditions are WebP without metadata, never upscaled');

export const productImagesOut = z
  .object({
    main: mediaImageOut.nullable().describe('the main picture (the first one shown; imageUrl is its large URL)'),
    gallery: z.array(mediaImageOut).describe('the pictures after the main one, in order'),
    detail: z.array(mediaImageOut).describe('详情图: shown below the description, in order'),
  })
  .describe("A product's pictures");
