// The media settings (src/config-media.ts): local storage by default with a 10 MB limit; any MEDIA_S3_*
// setting selects S3, and then each one it needs that is missing is named in the refusal; the public
// base URL's origin joins the security policy's img-src (and must be https in production).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type AppConfig } from '../../src/config.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const dev = { DATA_DIR: '/tmp/fenxiao-media-config-test', JWT_SECRET: 'x'.repeat(40), DEMO_DATA: 'off' };
const S3 = {
  MEDIA_S3_BUCKET: 'fenxiao-media',
  MEDIA_S3_REGION: 'cn-shenzhen',
  MEDIA_S3_ENDPOINT: 'https://oss-cn-shenzhen.aliyuncs.com',
  MEDIA_S3_ACCESS_KEY_ID: 'LTAI-media',
  MEDIA_S3_SECRET_ACCESS_KEY: 'media-secret-value',
  MEDIA_PUBLIC_BASE_URL: 'https://fenxiao-media.oss-cn-shenzhen.aliyuncs.com/',
};

function problems(env: Record<string, string>): Array<{ setting: string; problem: string }> {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('media settings', () => {
  it('default: files in the data folder served at /media, up to 10 MB', () => {
    expect(loadConfig(dev).media).toEqual({ maxBytes: 10 * 1024 * 1024, publicBaseUrl: '/media' });
    expect(loadConfig({ ...dev, MEDIA_MAX_BYTES: '2097152' }).media?.maxBytes).toBe(2 * 1024 * 1024);
    expect(problems({ ...dev, MEDIA_MAX_BYTES: 'lots' }).map((p) => p.setting)).toEqual(['MEDIA_MAX_BYTES']);
  });

  it('S3 with every setting: the bucket, and its public origin allowed as an image source', () => {
    const config = loadConfig({ ...dev, ...S3, MEDIA_S3_FORCE_PATH_STYLE: 'off', MEDIA_ORIGIN: 'https://cdn.example.com' });
    expect(config.media).toEqual({
      maxBytes: 10 * 1024 * 1024,
      publicBaseUrl: 'https://fenxiao-media.oss-cn-shenzhen.aliyuncs.com',
      s3: { bucket: 'fenxiao-media', region: 'cn-shenzhen', endpoint: 'https://oss-cn-shenzhen.aliyuncs.com', accessKeyId: 'LTAI-media', secretAccessKey: 'media-secret-value', forcePathStyle: false },
    });
    expect(config.mediaOrigins).toEqual(['https://cdn.example.com', 'https://fenxiao-media.oss-cn-shenzhen.aliyuncs.com']);
    expect(loadConfig({ ...dev, ...S3, MEDIA_S3_FORCE_PATH_STYLE: 'true' }).media?.s3?.forcePathStyle).toBe(true);
  });

  it('half-set S3 is refused, in production as anywhere, naming each missing setting', () => {
    const half = { MEDIA_S3_BUCKET: 'fenxiao-media', MEDIA_S3_ACCESS_KEY_ID: 'LTAI-media' };
    const named = (env: Record<string, string>) => problems(env).filter((p) => p.setting.startsWith('MEDIA_')).map((p) => p.setting).sort();
    expect(named({ ...dev, ...half })).toEqual(['MEDIA_PUBLIC_BASE_URL', 'MEDIA_S3_REGION', 'MEDIA_S3_SECRET_ACCESS_KEY']);
    expect(named({ ...dev, ...half, APP_ENV: 'production' })).toEqual(['MEDIA_PUBLIC_BASE_URL', 'MEDIA_S3_REGION', 'MEDIA_S3_SECRET_ACCESS_KEY']);
    expect(named({ ...dev, MEDIA_S3_SECRET_ACCESS_KEY: 'only-the-secret' })).toEqual(['MEDIA_PUBLIC_BASE_URL', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_BUCKET', 'MEDIA_S3_REGION']);
    // the refusal names settings, never their values
    const message = (() => {
      try {
        loadConfig({ ...dev, ...half, MEDIA_S3_SECRET_ACCESS_KEY: 'do-not-print-me' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain('MEDIA_S3_REGION');
    expect(message).not.toContain('do-not-print-me');
  });

  it('a CDN in front of local storage is allowed too; http is refused in production', () => {
    const local = loadConfig({ ...dev, MEDIA_PUBLIC_BASE_URL: 'https://cdn.example.com/media' });
    expect(local.media).toEqual({ maxBytes: 10 * 1024 * 1024, publicBaseUrl: 'https://cdn.example.com/media' });
    expect(local.mediaOrigins).toEqual(['https://cdn.example.com']);
    expect(problems({ ...dev, APP_ENV: 'production', MEDIA_PUBLIC_BASE_URL: 'http://cdn.example.com' }).map((p) => p.setting)).toContain('MEDIA_PUBLIC_BASE_URL');
  });
});

describe.each(databaseKinds())('the security policy allows the picture store (%s)', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    const loaded = loadConfig({ ...dev, ...S3 });
    const config: Partial<AppConfig> = { mediaOrigins: loaded.mediaOrigins, media: loaded.media };
    app = await startTestApp(kind, { config });
  });
  afterAll(async () => app?.close());

  it('img-src names MEDIA_PUBLIC_BASE_URL’s origin', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/health' });
    const imgSrc = String(res.headers['content-security-policy']).split(';').map((d) => d.trim()).find((d) => d.startsWith('img-src '));
    expect(imgSrc?.split(/\s+/).slice(1)).toEqual(["'self'", 'data:', 'blob:', 'https://fenxiao-media.oss-cn-shenzhen.aliyuncs.com']);
  });
});
