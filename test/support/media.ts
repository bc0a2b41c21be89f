// Pictures for the media tests, made with sharp in the test (nothing downloaded), and a multipart
// upload through Fastify's inject.
import sharp from 'sharp';
import type { ApiResponse } from './api.js';
import type { TestApp } from './harness.js';

/** A PNG of the given size: a diagonal gradient with a disc, so each rendition has something to show. */
export async function pngPicture(width: number, height: number, options: { alpha?: boolean } = {}): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ff9a76"/><stop offset="1" stop-color="#3f6fd8"/></linearGradient></defs>${options.alpha ? '' : '<rect width="100%" height="100%" fill="url(#g)"/>'}<circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="${options.alpha ? 'url(#g)' : '#ffffff'}"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A JPEG as a phone writes it: stored sideways (EXIF orientation 6) with the camera and a GPS position in its EXIF. */
export async function phoneJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(await pngPicture(width, height))
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'FenxiaoPhone', Model: 'Test 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 13/1 5/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 40/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Random bytes as a PNG (they do not compress), about `bytes` long. */
export async function noisePng(bytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3));
  const pixels = Buffer.alloc(side * side * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 2654435761) >>> 16) & 255;
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

export interface UploadPart {
  data: Buffer | string;
  filename?: string;
  contentType?: string;
  field?: string;
}

/** A multipart/form-data body with the given parts. */
export function multipartBody(parts: UploadPart[]): { payload: Buffer; contentType: string } {
  const boundary = `----fenxiao${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.field ?? 'file'}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    // a part without a file name or type is a plain field
    const type = p.contentType ?? (p.filename !== undefined ? 'application/octet-stream' : undefined);
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${type ? `content-type: ${type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POST /api/admin/media with one file (or the parts given). */
export async function upload(app: TestApp, token: string | undefined, file: UploadPart | UploadPart[]): Promise<ApiResponse> {
  const { payload, contentType } = multipartBody(Array.isArray(file) ? file : [file]);
  const res = await app.http.inject({ method: 'POST', url: '/api/admin/media', headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body: body as ApiResponse['body'] };
}

/** GET a URL of this server (a picture under /media) as bytes. */
export async function fetchBytes(app: TestApp, url: string, headers: Record<string, string> = {}) {
  const res = await app.http.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
}
