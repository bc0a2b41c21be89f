// The security policy (helmet's CSP) lets images come from this origin, data:/blob: URLs and the
// configured media origins (MEDIA_ORIGIN: a CDN or object storage) and nothing else (issue 17: it
// blocked every image not on the server, even the demo's note photos).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEMO_MEDIA_ORIGINS, loadConfig } from '../../src/config.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

function imgSrc(csp: string | undefined): string[] {
  const directive = (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('img-src '));
  return directive ? directive.split(/\s+/).slice(1) : [];
}

describe('MEDIA_ORIGIN', () => {
  const dev = { DATA_DIR: '/tmp/fenxiao-media-origin-test', JWT_SECRET: 'x'.repeat(40) };
  it('is a list of origins; a path or a non-URL is refused, naming the setting', () => {
    expect(loadConfig({ ...dev, MEDIA_ORIGIN: 'https://cdn.example.com, https://bucket.oss-cn-shenzhen.aliyuncs.com/' }).mediaOrigins).toEqual([
      'https://cdn.example.com',
      'https://bucket.oss-cn-shenzhen.aliyuncs.com',
    ]);
    for (const bad of ['cdn.example.com', 'https://cdn.example.com/images', 'ftp://cdn.example.com', '*']) {
      expect(() => loadConfig({ ...dev, MEDIA_ORIGIN: bad }), bad).toThrow(ConfigError);
      try {
        loadConfig({ ...dev, MEDIA_ORIGIN: bad });
      } catch (e) {
        expect((e as ConfigError).problems.map((p) => p.setting)).toContain('MEDIA_ORIGIN');
      }
    }
  });
  it('unset: the demo photo host while demo data is on, none without it', () => {
    expect(loadConfig({ ...dev }).mediaOrigins).toEqual(DEMO_MEDIA_ORIGINS);
    expect(loadConfig({ ...dev, DEMO_DATA: 'off' }).mediaOrigins).toEqual([]);
    expect(loadConfig({ ...dev, DEMO_DATA: 'full', MEDIA_ORIGIN: '' }).mediaOrigins).toEqual([]);
  });
});

describe.each(databaseKinds())('the security policy allows the media origin and nothing else (%s)', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { config: { mediaOrigins: ['https://cdn.example.com'] } });
  });
  afterAll(async () => app?.close());

  it('img-src is self, data:, blob: and the media origin', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/health' });
    expect(imgSrc(res.headers['content-security-policy'] as string)).toEqual(["'self'", 'data:', 'blob:', 'https://cdn.example.com']);
  });

  it('without a media origin, only self, data: and blob:', async () => {
    const bare = await startTestApp(kind, { config: { mediaOrigins: [] } });
    try {
      const res = await bare.http.inject({ method: 'GET', url: '/health' });
      expect(imgSrc(res.headers['content-security-policy'] as string)).toEqual(["'self'", 'data:', 'blob:']);
    } finally {
      await bare.close();
    }
  });
});
