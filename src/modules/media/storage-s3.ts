// S3-compatible object storage for pictures (AWS S3, Aliyun OSS, Tencent COS, Cloudflare R2, MinIO …)
// over the official SDK: SigV4-signed PUTs with the content type and a year-long immutable cache
// header (keys are random and never rewritten). Browsers load the objects from MEDIA_PUBLIC_BASE_URL
// (the bucket's public address or a CDN in front of it), never through this server; the server
// itself reads an object back (signed GetObject) only to draw it, on a share poster.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { S3MediaConfig } from '../../config.js';
import type { MediaStorage, StoredObject } from './storage.js';
import { contentTypeOfKey } from './storage.js';

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Why the store refused, as it said it: its error code and HTTP status (never the credentials). */
export class MediaStoreError extends Error {
  constructor(
    readonly providerCode: string,
    readonly httpStatus: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'MediaStoreError';
  }
}

export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly config: S3MediaConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // many S3-compatible services do not take the SDK's newer default checksums (x-amz-checksum-*,
      // aws-chunked bodies); the signed payload hash already covers the bytes
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    if (!contentTypeOfKey(key)) throw new Error(`not a media key: ${JSON.stringify(key.slice(0, 80))}`);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length, CacheControl: IMMUTABLE_CACHE }));
    } catch (error) {
      if (error instanceof S3ServiceException) throw new MediaStoreError(error.name, error.$metadata.httpStatusCode, `the bucket refused ${key}: ${error.name}`);
      const e = error as Error & { code?: string };
      throw new MediaStoreError(e.code ?? e.name ?? 'NetworkError', undefined, `the bucket could not be reached: ${e.message}`);
    }
  }

  /** A signed GetObject, for the server's own use (posters); browsers load from the public base. */
  async load(key: string): Promise<StoredObject | undefined> {
    const contentType = contentTypeOfKey(key);
    if (!contentType) return undefined;
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { body: Buffer.from(await answer.Body!.transformToByteArray()), contentType };
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return undefined;
      if (error instanceof S3ServiceException) throw new MediaStoreError(error.name, error.$metadata.httpStatusCode, `the bucket refused to give ${key}: ${error.name}`);
      const e = error as Error & { code?: string };
      throw new MediaStoreError(e.code ?? e.name ?? 'NetworkError', undefined, `the bucket could not be reached: ${e.message}`);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
