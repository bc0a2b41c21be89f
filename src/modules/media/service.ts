// Uploaded pictures: processed (images.ts), written to the configured storage, recorded in
// media_assets, and described with the URLs browsers load them from (storage key on the public base).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { processImage, VARIANT_NAMES, type ProcessOptions } from './images.js';
import { MediaStoreError } from './storage-s3.js';
import type { MediaStorage, StoredObject } from './storage.js';
import type { MediaVariantName, MediaVariantRow } from './tables.js';

export interface MediaVariantView {
  url: string;
  width: number;
  height: number;
}

/** A picture as the API shows it: its upright size and one URL per rendition. */
export type MediaImageView = { id: number; width: number; height: number } & Record<MediaVariantName, MediaVariantView>;

export interface MediaServiceOptions {
  /** prefix of every URL: '/media' (this server) or the bucket's / CDN's address */
  publicBaseUrl: string;
  log: Logger;
}

export class MediaService {
  constructor(
    private readonly db: Db,
    private readonly storage: MediaStorage,
    private readonly options: MediaServiceOptions,
  ) {}

  get storageKind(): MediaStorage['kind'] {
    return this.storage.kind;
  }

  /** The URL of a stored key. */
  urlOf(key: string): string {
    return `${this.options.publicBaseUrl}/${key}`;
  }

  /** Processes an upload, stores its renditions and records it; a refused picture throws a 4xx AppError. */
  async upload(input: Buffer, uploadedBy: number | null): Promise<MediaImageView> {
    return this.store(input, uploadedBy, {});
  }

  /** A picture the server drew itself (SVG it wrote: the demo's), through the same processing and storage. */
  async uploadDrawing(svg: string): Promise<MediaImageView> {
    return this.store(Buffer.from(svg), null, { drawing: true });
  }

  private async store(input: Buffer, uploadedBy: number | null, options: ProcessOptions): Promise<MediaImageView> {
    const started = performance.now();
    const image = await processImage(input, options);
    const processedMs = performance.now() - started;
    const now = new Date();
    const stem = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomBytes(12).toString('base64url')}`;
    const keyOf = (width: number) => `${stem}-${width}.webp`;
    try {
      await Promise.all([...image.renditions].map(([width, r]) => this.storage.put(keyOf(width), r.body, 'image/webp')));
    } catch (error) {
      if (!(error instanceof MediaStoreError)) throw error;
      this.options.log.warn({ storage: this.storage.kind, providerCode: error.providerCode, httpStatus: error.httpStatus }, 'media storage refused a picture');
      throw new AppError(502, 'MEDIA_STORAGE_FAILED', 'the picture store did not take the upload; try again later');
    }
    const variants = Object.fromEntries(
      VARIANT_NAMES.map((name) => {
        const width = image.variants[name];
        const r = image.renditions.get(width)!;
        return [name, { key: keyOf(width), width: r.width, height: r.height, bytes: r.body.length }];
      }),
    ) as Record<MediaVariantName, MediaVariantRow>;
    const row = await this.db
      .insertInto('media_assets')
      .values({ source_format: image.sourceFormat, source_bytes: input.length, width: image.width, height: image.height, variants: JSON.stringify(variants), uploaded_by: uploadedBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.options.log.info({ mediaId: row.id, sourceBytes: input.length, processMs: Math.round(processedMs), totalMs: Math.round(performance.now() - started) }, 'picture stored');
    return this.view(row.id, image.width, image.height, variants);
  }

  /** The pictures of these ids that exist, by id. */
  async describe(ex: Executor, ids: number[]): Promise<Map<number, MediaImageView>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await ex.selectFrom('media_assets').select(['id', 'width', 'height', 'variants']).where('id', 'in', unique).execute();
    return new Map(rows.map((r) => [r.id, this.view(r.id, r.width, r.height, r.variants)]));
  }

  /** A stored object this server serves itself (GET /media/…); undefined when unknown or kept elsewhere (S3). */
  async read(key: string): Promise<StoredObject | undefined> {
    return this.storage.read ? this.storage.read(key) : undefined;
  }

  /** A stored object for the server's own use (a poster draws the picture), from whichever storage keeps it. */
  async load(key: string): Promise<StoredObject | undefined> {
    return this.storage.load(key);
  }

  private view(id: number, width: number, height: number, variants: Record<MediaVariantName, MediaVariantRow>): MediaImageView {
    const out = { id, width, height } as MediaImageView;
    for (const name of VARIANT_NAMES) {
      const v = variants[name];
      out[name] = { url: this.urlOf(v.key), width: v.width, height: v.height };
    }
    return out;
  }
}
