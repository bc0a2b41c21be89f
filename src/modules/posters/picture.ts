// The bytes of a product's main picture for its poster, loaded from the media storage (data folder,
// memory, or the S3 bucket through a signed GetObject) — never fetched from a URL a member could
// choose: the server makes no request on a member's behalf. The large rendition (1080 px) fills the
// poster's 670 px picture box without upscaling; the medium one (540 px) is the fallback when the
// large cannot be read.
import type { Logger } from 'pino';
import { contentTypeOfKey, type MediaImageView, type StoredObject } from '../media/index.js';

/** What the poster asks of the media module: the URL of a stored key, and the bytes of one it keeps. */
export interface PosterPictureSource {
  urlOf(key: string): string;
  load(key: string): Promise<StoredObject | undefined>;
}

const RENDITIONS = ['large', 'medium'] as const;

/** The storage key behind a rendition's URL (the URL is the key on the public base), or undefined when it is not one of ours. */
function keyOfUrl(media: PosterPictureSource, url: string): string | undefined {
  const base = media.urlOf('');
  if (!url.startsWith(base)) return undefined;
  const key = url.slice(base.length);
  return contentTypeOfKey(key) ? key : undefined;
}

/**
 * The main picture's bytes (WebP), or undefined when there is none or the storage does not hold it;
 * a storage that fails to read is logged and the poster drawn without the picture.
 */
export async function posterPicture(media: PosterPictureSource, main: MediaImageView | null | undefined, log: Pick<Logger, 'warn'>): Promise<Buffer | undefined> {
  if (!main) return undefined;
  for (const name of RENDITIONS) {
    const key = keyOfUrl(media, main[name].url);
    if (!key) continue;
    try {
      const object = await media.load(key);
      if (object && object.body.length > 0) return object.body;
    } catch (error) {
      log.warn({ err: error, mediaId: main.id, rendition: name }, 'poster picture could not be read');
    }
  }
  return undefined;
}
