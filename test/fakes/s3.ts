// A loopback S3 for the media storage: s3rver keeps the buckets and objects (with their content type
// and cache headers, answering S3's XML errors), and in front of it a gate that checks AWS Signature
// Version 4 as S3 documents it — s3rver 3.7 checks only the access key id of a V4 request ("Signature
// version 4 calculation is unimplemented"). The gate recomputes the canonical request from what
// arrived (method, path, query, the signed headers, the payload hash — which must be the body's
// SHA-256), signs it with the key pair's secret and answers 403 SignatureDoesNotMatch,
// InvalidAccessKeyId, RequestTimeTooSkewed or XAmzContentSHA256Mismatch as S3 does. On 127.0.0.1 at
// free ports, in a temporary folder removed on close.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3MediaConfig } from '../../src/config.js';

/** s3rver's own key pair (its "dummy account"): the only one it knows */
const KEYS = new Map([['S3RVER', 'S3RVER']]);
const REGION = 'us-east-1';

export interface S3Fake {
  endpoint: string;
  bucket: string;
  /** settings that the fake accepts */
  config: S3MediaConfig;
  /** requests the gate refused, by S3 error code */
  refused: string[];
  /** an object as the bucket holds it, read with the right key */
  get(key: string): Promise<{ body: Buffer; contentType?: string; cacheControl?: string } | undefined>;
  close(): Promise<void>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function s3Error(res: http.ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** The refusal a request earns, or undefined when its signature is good. */
export function checkSignatureV4(method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer, now = Date.now()): [code: string, message: string] | undefined {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(String(headers.authorization ?? ''));
  if (!auth) return ['AccessDenied', 'Signature Version 4 in the Authorization header is required'];
  const [, accessKeyId, day, region, signedHeaders, signature] = auth;
  const secret = KEYS.get(accessKeyId);
  if (!secret) return ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  const amzDate = String(headers['x-amz-date'] ?? '');
  const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!at || !amzDate.startsWith(day)) return ['AccessDenied', 'x-amz-date is missing or disagrees with the credential scope'];
  const time = Date.UTC(+at[1], +at[2] - 1, +at[3], +at[4], +at[5], +at[6]);
  if (Math.abs(now - time) > 15 * 60_000) return ['RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];
  const payloadHash = String(headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return ['XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.'];
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return ['AccessDenied', 'host and x-amz-date must be signed'];
  const [path, query = ''] = url.split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map((part) => rfc3986(decodeURIComponent(part.replace(/\+/g, ' ')))))
    .map(([k, v = '']) => `${k}=${v}`)
    .sort()
    .join('&');
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  return undefined;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startS3Fake(bucket = 'fenxiao-media'): Promise<S3Fake> {
  const directory = mkdtempSync(join(tmpdir(), 'fenxiao-s3rver-'));
  const store = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port: storePort } = await store.run();
  const refused: string[] = [];
  const gate = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const refusal = checkSignatureV4(req.method ?? 'GET', req.url ?? '/', req.headers, body);
      if (refusal) {
        refused.push(refusal[0]);
        return s3Error(res, 403, ...refusal);
      }
      const forward = http.request({ host: '127.0.0.1', port: storePort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${storePort}` } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => s3Error(res, 503, 'ServiceUnavailable', 'the store behind the gate is gone'));
      forward.end(body);
    });
  });
  const endpoint = `http://127.0.0.1:${await listen(gate)}`;
  const config: S3MediaConfig = { bucket, region: REGION, endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true };
  const client = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, responseChecksumValidation: 'WHEN_REQUIRED' });
  return {
    endpoint,
    bucket,
    config,
    refused,
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { body: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType, cacheControl: out.CacheControl };
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async close() {
      client.destroy();
      gate.closeAllConnections();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
