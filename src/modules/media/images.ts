// Turning an upload into what the shop shows (sharp / libvips): the type comes from the bytes (never
// the file name or the content type sent), the picture is turned upright (EXIF orientation) and
// re-encoded as WebP renditions 1080, 540 and 240 px wide, never upscaled, with every piece of
// metadata dropped (EXIF — GPS position, camera, time —, XMP, IPTC; colours converted to sRGB).
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { AppError, badRequest } from '../../errors.js';
import type { MediaAssetsTable, MediaVariantName } from './tables.js';

export const VARIANT_WIDTHS: Record<MediaVariantName, number> = { large: 1080, medium: 540, thumb: 240 };
export const VARIANT_NAMES = Object.keys(VARIANT_WIDTHS) as MediaVariantName[];
/** more pixels than this (a 60-megapixel picture) is refused before anything is decoded */
export const MAX_INPUT_PIXELS = 60_000_000;
/** WebP's limit on either side: very long detail pictures are scaled to fit it */
const WEBP_MAX_SIDE = 16_383;
const WEBP_QUALITY = 80;
/** libvips' effort 0–6: 2 encodes 1080 px in about half the default's (4) time, within a few per cent of its size;
 * the server's flat drawings take 0 (a third faster again, a little larger) */
const WEBP_EFFORT = 2;
const DRAWING_EFFORT = 0;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);

export type SourceFormat = MediaAssetsTable['source_format'];

export interface Rendition {
  width: number;
  height: number;
  body: Buffer;
}

export interface ProcessedImage {
  sourceFormat: SourceFormat;
  /** upright size of the upload */
  width: number;
  height: number;
  /** one per distinct width; each variant names the width it uses */
  renditions: Map<number, Rendition>;
  variants: Record<MediaVariantName, number>;
}

const notAnImage = (detail: string) => badRequest('MEDIA_NOT_AN_IMAGE', `the file is not a picture: ${detail}`);

/** drawings: SVG the server made itself (the demo's pictures); an upload is never one (SVG can carry script) */
export interface ProcessOptions {
  drawing?: boolean;
}

async function inspect(input: Buffer, options: ProcessOptions): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage('its bytes are no image format we know');
  }
  if (options.drawing && meta.format === 'svg') return meta;
  if (!ACCEPTED.has(meta.format)) throw badRequest('MEDIA_UNSUPPORTED_TYPE', `${String(meta.format).toUpperCase()} pictures are not accepted: send JPEG, PNG, WebP or GIF`);
  if (!meta.width || !meta.height) throw notAnImage('it has no size');
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new AppError(413, 'MEDIA_TOO_MANY_PIXELS', `the picture is ${meta.width}×${meta.height}: at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels are accepted`);
  }
  return meta;
}

/** Decodes, turns upright and scales to the largest rendition once; the smaller ones are made from those pixels. */
export async function processImage(input: Buffer, options: ProcessOptions = {}): Promise<ProcessedImage> {
  const meta = await inspect(input, options);
  const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
  let base: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).autoOrient();
    // the server's drawings are opaque cards: without an alpha channel they encode faster
    if (options.drawing) pipeline = pipeline.flatten({ background: '#ffffff' });
    base = await pipeline
      .resize({ width: Math.min(VARIANT_WIDTHS.large, upright.width), height: WEBP_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw notAnImage('it could not be decoded (damaged or cut short)');
  }
  const { width, height, channels } = base.info;
  const variants = Object.fromEntries(VARIANT_NAMES.map((name) => [name, Math.min(VARIANT_WIDTHS[name], width)])) as Record<MediaVariantName, number>;
  const widths = [...new Set(Object.values(variants))];
  const encoded = await Promise.all(
    widths.map(async (w) => {
      let pipeline = sharp(base.data, { raw: { width, height, channels } });
      if (w !== width) pipeline = pipeline.resize({ width: w });
      const out = await pipeline.webp({ quality: WEBP_QUALITY, effort: options.drawing ? DRAWING_EFFORT : WEBP_EFFORT }).toBuffer({ resolveWithObject: true });
      return [w, { width: out.info.width, height: out.info.height, body: out.data }] as const;
    }),
  );
  return { sourceFormat: meta.format as SourceFormat, width: upright.width, height: upright.height, renditions: new Map(encoded), variants };
}
