// Product pictures (src/modules/media): uploads up to MEDIA_MAX_BYTES, stored in the data folder
// (DATA_DIR/media, served under /media) unless S3-compatible storage is configured (any MEDIA_S3_*
// setting selects it, and then every one it needs must be there). MEDIA_PUBLIC_BASE_URL is where
// browsers load the pictures from; its origin joins the security policy's img-src.
// docs/going-live.md explains each setting.
import { z } from 'zod';
import type { ConfigProblem } from './config-checks.js';

const flag = z.enum(['on', 'off', 'true', 'false', '1', '0']);
export const mediaEnvSchema = z.object({
  MEDIA_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  MEDIA_S3_BUCKET: z.string().optional(),
  MEDIA_S3_REGION: z.string().optional(),
  MEDIA_S3_ENDPOINT: z.string().url().optional(),
  MEDIA_S3_ACCESS_KEY_ID: z.string().optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  MEDIA_S3_FORCE_PATH_STYLE: flag.optional(),
  MEDIA_PUBLIC_BASE_URL: z.string().url().optional(),
});
export type MediaEnv = z.infer<typeof mediaEnvSchema>;

export interface S3MediaConfig {
  bucket: string;
  region: string;
  /** an S3-compatible service's address (OSS, COS, R2, MinIO …); absent: AWS itself */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface MediaConfig {
  /** the largest upload accepted, in bytes (MEDIA_MAX_BYTES, default 10 MB) */
  maxBytes: number;
  /** what a stored key is appended to for the browser: '/media' (this server) unless MEDIA_PUBLIC_BASE_URL says otherwise */
  publicBaseUrl: string;
  /** absent: files in DATA_DIR/media */
  s3?: S3MediaConfig;
}

export const DEFAULT_MEDIA: MediaConfig = { maxBytes: 10 * 1024 * 1024, publicBaseUrl: '/media' };

const S3_REQUIRED = ['MEDIA_S3_BUCKET', 'MEDIA_S3_REGION', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY', 'MEDIA_PUBLIC_BASE_URL'] as const;

/** The media settings, the origin browsers load them from (for img-src), and what is wrong with them. */
export function mediaConfig(env: MediaEnv, context: { production: boolean }): { config: MediaConfig; origins: string[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const s3Selected = Object.entries(env).some(([name, value]) => name.startsWith('MEDIA_S3_') && value !== undefined && value !== '');
  if (s3Selected) {
    // a half-configured bucket fails every upload: name each missing setting
    for (const name of S3_REQUIRED) if (!env[name]) problems.push({ setting: name, problem: 'is required when media go to S3-compatible storage (a MEDIA_S3_* setting is set)' });
  }
  const base = env.MEDIA_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  const origins: string[] = [];
  if (base) {
    const url = new URL(base);
    if (!/^https?:$/.test(url.protocol)) problems.push({ setting: 'MEDIA_PUBLIC_BASE_URL', problem: 'must be an http(s) address' });
    else if (context.production && url.protocol !== 'https:') problems.push({ setting: 'MEDIA_PUBLIC_BASE_URL', problem: 'must be an https:// address in production (the shop is https; browsers block http pictures on it)' });
    else origins.push(url.origin);
  }
  const s3: S3MediaConfig | undefined = s3Selected
    ? {
        bucket: env.MEDIA_S3_BUCKET ?? '',
        region: env.MEDIA_S3_REGION ?? '',
        endpoint: env.MEDIA_S3_ENDPOINT,
        accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY ?? '',
        forcePathStyle: ['on', 'true', '1'].includes(env.MEDIA_S3_FORCE_PATH_STYLE ?? 'off'),
      }
    : undefined;
  return { config: { maxBytes: env.MEDIA_MAX_BYTES, publicBaseUrl: base ?? '/media', ...(s3 ? { s3 } : {}) }, origins, problems };
}
