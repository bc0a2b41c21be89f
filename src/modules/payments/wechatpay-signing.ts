/**
 * WeChat Pay API v3, the signing side: request Authorization headers, and notifications built
 * byte-for-byte as the provider sends them (tests and the local simulator). Pure node:crypto.
 * Verification and decryption of what arrives are in wechatpay-crypto.ts, which re-exports these.
 */
import crypto from 'node:crypto';
import { AEAD_ALGORITHM, apiV3KeyBytes, GCM_NONCE_BYTES, GCM_TAG_BYTES, gcmNonceBytes, SIGNATURE_TYPE } from './wechatpay-aead.js';

// ---------------------------------------------------------------------------
// Signing side (outgoing requests, tests, local simulator)
// ---------------------------------------------------------------------------

export function encryptWechatpayResource(
  plaintext: string,
  apiV3Key: string,
  associatedData: string,
  nonce: string,
): { algorithm: 'AEAD_AES_256_GCM'; ciphertext: string; associated_data: string; nonce: string } {
  const key = apiV3KeyBytes(apiV3Key);
  const iv = gcmNonceBytes(nonce);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: AEAD_ALGORITHM, ciphertext: enc.toString('base64'), associated_data: associatedData, nonce };
}

export function signWechatpayMessage(message: string, privateKeyPem: string): string {
  return crypto
    .sign('sha256', Buffer.from(message, 'utf8'), {
      key: privateKeyPem,
      padding: crypto.constants.RSA_PKCS1_PADDING,
    })
    .toString('base64');
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomNonce(len: number): string {
  const bytes = crypto.randomBytes(len);
  let s = '';
  for (let i = 0; i < len; i++) s += NONCE_ALPHABET[bytes[i]! % NONCE_ALPHABET.length];
  return s;
}

// The provider stamps create_time in China Standard Time (RFC 3339, +08:00).
function beijingRfc3339(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/**
 * Builds a notification byte-for-byte as the provider would POST it, for tests
 * and the local simulator. `nonce` is the Wechatpay-Nonce header; the AES-GCM
 * nonce is independent (`resourceNonce`, random 12 chars by default).
 */
export function buildWechatpayNotify(opts: {
  eventId: string;
  eventType: string;
  resourcePlain: object;
  apiV3Key: string;
  privateKeyPem: string;
  serial: string;
  nowMs: number;
  nonce?: string;
  resourceNonce?: string;
}): { headers: Record<string, string>; body: string } {
  const isRefund = opts.eventType.startsWith('REFUND.');
  const originalType = isRefund ? 'refund' : 'transaction';
  const summary =
    opts.eventType === 'TRANSACTION.SUCCESS'
      ? '支付成功'
      : opts.eventType === 'REFUND.SUCCESS'
        ? '退款成功'
        : isRefund
          ? '退款异常'
          : '支付通知';

  const enc = encryptWechatpayResource(
    JSON.stringify(opts.resourcePlain),
    opts.apiV3Key,
    originalType,
    opts.resourceNonce ?? randomNonce(GCM_NONCE_BYTES),
  );
  const body = JSON.stringify({
    id: opts.eventId,
    create_time: beijingRfc3339(opts.nowMs),
    resource_type: 'encrypt-resource',
    event_type: opts.eventType,
    summary,
    resource: {
      original_type: originalType,
      algorithm: enc.algorithm,
      ciphertext: enc.ciphertext,
      associated_data: enc.associated_data,
      nonce: enc.nonce,
    },
  });

  const timestamp = String(Math.floor(opts.nowMs / 1000));
  const nonce = opts.nonce ?? randomNonce(32);
  const signature = signWechatpayMessage(`${timestamp}\n${nonce}\n${body}\n`, opts.privateKeyPem);
  return {
    headers: {
      'Content-Type': 'application/json',
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': opts.serial,
      'Wechatpay-Signature-Type': SIGNATURE_TYPE,
    },
    body,
  };
}

/**
 * `urlPathWithQuery` is the absolute path plus query exactly as sent (no scheme/host);
 * `body` is the exact request body ('' for GET).
 */
export function buildWechatpayAuthorization(opts: {
  method: string;
  urlPathWithQuery: string;
  body: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  nowMs: number;
  nonce: string;
}): string {
  // A full URL here is a common mistake and produces a signature the provider rejects.
  if (!opts.urlPathWithQuery.startsWith('/')) {
    throw new TypeError('urlPathWithQuery must be an absolute path without scheme/host');
  }
  for (const [name, v] of [
    ['mchid', opts.mchid],
    ['nonce', opts.nonce],
    ['merchantSerial', opts.merchantSerial],
  ] as const) {
    // These are embedded in a quoted header parameter list.
    if (!v || /["\r\n]/.test(v)) throw new TypeError(`${name} is empty or contains forbidden characters`);
  }
  const timestamp = String(Math.floor(opts.nowMs / 1000));
  const message = `${opts.method.toUpperCase()}\n${opts.urlPathWithQuery}\n${timestamp}\n${opts.nonce}\n${opts.body}\n`;
  const signature = signWechatpayMessage(message, opts.merchantPrivateKeyPem);
  return (
    `${SIGNATURE_TYPE} mchid="${opts.mchid}",nonce_str="${opts.nonce}",` +
    `signature="${signature}",timestamp="${timestamp}",serial_no="${opts.merchantSerial}"`
  );
}
