/**
 * WeChat Pay API v3 crypto helpers (signatures, notification verification,
 * AEAD_AES_256_GCM resource decryption). Pure node:crypto so it can be unit
 * tested and reused by the local payment simulator without network access.
 *
 * Formats follow the provider's APIv3 documentation:
 *  - response/notification signature: RSA-SHA256 (PKCS#1 v1.5) over
 *    `${timestamp}\n${nonce}\n${body}\n`
 *  - request signature: over `${METHOD}\n${url}\n${timestamp}\n${nonce}\n${body}\n`
 *  - resource encryption: AES-256-GCM, key = APIv3 key bytes, 16-byte tag
 *    appended to the base64 ciphertext.
 *
 * Here: what arrives (headers, signature, decryption, the decrypted resources). The signing side
 * (request signatures, notifications as the provider builds them) is in wechatpay-signing.ts and
 * re-exported from here; what both share is in wechatpay-aead.ts.
 */
import crypto from 'node:crypto';
import { AEAD_ALGORITHM, apiV3KeyBytes, BASE64_RE, GCM_TAG_BYTES, gcmNonceBytes, WechatpayVerifyError } from './wechatpay-aead.js';

export { WechatpayVerifyError } from './wechatpay-aead.js';
export { buildWechatpayAuthorization, buildWechatpayNotify, encryptWechatpayResource, signWechatpayMessage } from './wechatpay-signing.js';

export interface WechatpayNotifyHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

export interface WechatpayEncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

export interface WechatpayNotification {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  resource: WechatpayEncryptedResource & { original_type: string };
  summary?: string;
}

/** Decrypted resource of TRANSACTION.* notifications. */
export interface WechatpayTransaction {
  mchid: string;
  appid: string;
  out_trade_no: string;
  transaction_id: string;
  /** SUCCESS | REFUND | NOTPAY | CLOSED | REVOKED | USERPAYING | PAYERROR (kept open: the provider may add states). */
  trade_state: string;
  success_time?: string;
  /** Amounts are in fen (integer minor units). */
  amount: { total: number; payer_total?: number; currency?: string; payer_currency?: string };
}

/** Decrypted resource of REFUND.* notifications. */
export interface WechatpayRefund {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  /** SUCCESS | CLOSED | PROCESSING | ABNORMAL (kept open: the provider may add states). */
  refund_status: string;
  success_time?: string;
  /** Amounts are in fen (integer minor units). */
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}


// ---------------------------------------------------------------------------
// Incoming notifications
// ---------------------------------------------------------------------------

export function readWechatpayHeaders(
  headers: Record<string, string | string[] | undefined>,
): WechatpayNotifyHeaders {
  const lower = new Map<string, string | string[] | undefined>();
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v);

  const pick = (name: string): string => {
    let v = lower.get(name);
    // A repeated security header is ambiguous (which one was signed?), so treat it as absent.
    if (Array.isArray(v)) v = v.length === 1 ? v[0] : undefined;
    const s = typeof v === 'string' ? v.trim() : '';
    if (!s) throw new WechatpayVerifyError('WECHATPAY_HEADERS_MISSING', `missing header ${name}`);
    return s;
  };

  return {
    timestamp: pick('wechatpay-timestamp'),
    nonce: pick('wechatpay-nonce'),
    signature: pick('wechatpay-signature'),
    serial: pick('wechatpay-serial'),
  };
}

/**
 * `body` must be the raw request body exactly as received: re-serialising parsed
 * JSON changes bytes (key order, escaping, whitespace) and breaks the signature.
 * The provider also sends probe notifications whose signature starts with
 * "WECHATPAY/SIGNTEST/" to check that merchants verify; those fail here by design.
 */
export function verifyWechatpaySignature(opts: {
  headers: WechatpayNotifyHeaders;
  body: string;
  platformPublicKeyPem: string;
  platformSerial?: string;
  nowMs: number;
  maxSkewSeconds?: number;
}): void {
  const { headers, body, platformPublicKeyPem, platformSerial, nowMs } = opts;
  const maxSkewSeconds = opts.maxSkewSeconds ?? 300;

  // Serials identify which platform key signed; a mismatch means key rotation or a forged sender.
  if (platformSerial !== undefined && headers.serial !== platformSerial) {
    throw new WechatpayVerifyError(
      'WECHATPAY_SERIAL_MISMATCH',
      `platform serial ${headers.serial} does not match expected ${platformSerial}`,
    );
  }

  // Bounded skew limits how long a captured notification can be replayed.
  if (!/^\d{1,12}$/.test(headers.timestamp)) {
    throw new WechatpayVerifyError('WECHATPAY_TIMESTAMP_SKEW', 'timestamp is not unix seconds');
  }
  const tsMs = Number(headers.timestamp) * 1000;
  if (!Number.isFinite(nowMs) || Math.abs(nowMs - tsMs) > maxSkewSeconds * 1000) {
    throw new WechatpayVerifyError(
      'WECHATPAY_TIMESTAMP_SKEW',
      `timestamp ${headers.timestamp} outside ±${maxSkewSeconds}s`,
    );
  }

  let publicKey: crypto.KeyObject;
  try {
    // Accepts SPKI/PKCS#1 public keys as well as the X.509 platform certificate PEM.
    publicKey = crypto.createPublicKey(platformPublicKeyPem);
  } catch {
    throw new WechatpayVerifyError('WECHATPAY_KEY_INVALID', 'platform public key is not a valid PEM');
  }

  const message = `${headers.timestamp}\n${headers.nonce}\n${body}\n`;
  let ok = false;
  if (BASE64_RE.test(headers.signature)) {
    try {
      ok = crypto.verify(
        'sha256',
        Buffer.from(message, 'utf8'),
        { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.from(headers.signature, 'base64'),
      );
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new WechatpayVerifyError('WECHATPAY_SIGNATURE_INVALID', 'signature verification failed');
}


export function decryptWechatpayResource(resource: WechatpayEncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== AEAD_ALGORITHM) {
    throw new WechatpayVerifyError(
      'WECHATPAY_ALGORITHM_UNSUPPORTED',
      `unsupported algorithm ${String(resource.algorithm)}`,
    );
  }
  const key = apiV3KeyBytes(apiV3Key);
  const iv = gcmNonceBytes(resource.nonce);

  if (typeof resource.ciphertext !== 'string' || !BASE64_RE.test(resource.ciphertext)) {
    throw new WechatpayVerifyError('WECHATPAY_DECRYPT_FAILED', 'ciphertext is not base64');
  }
  const raw = Buffer.from(resource.ciphertext, 'base64');
  if (raw.length < GCM_TAG_BYTES) {
    throw new WechatpayVerifyError('WECHATPAY_DECRYPT_FAILED', 'ciphertext shorter than auth tag');
  }
  const data = raw.subarray(0, raw.length - GCM_TAG_BYTES);
  const tag = raw.subarray(raw.length - GCM_TAG_BYTES);

  try {
    // Pin the tag length so a truncated tag cannot weaken authentication.
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(tag);
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new WechatpayVerifyError('WECHATPAY_DECRYPT_FAILED', 'AES-GCM authentication failed');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

export function parseWechatpayNotification(body: string): WechatpayNotification {
  const fail = (why: string): never => {
    throw new WechatpayVerifyError('WECHATPAY_BODY_INVALID', `notification body invalid: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('not JSON');
  }
  if (!isRecord(json)) return fail('not an object');
  for (const f of ['id', 'create_time', 'event_type', 'resource_type'] as const) {
    if (!isNonEmptyString(json[f])) fail(`missing ${f}`);
  }
  if (json.summary !== undefined && typeof json.summary !== 'string') fail('summary not a string');
  const r = json.resource;
  if (!isRecord(r)) return fail('missing resource');
  for (const f of ['algorithm', 'ciphertext', 'nonce', 'original_type'] as const) {
    if (!isNonEmptyString(r[f])) fail(`missing resource.${f}`);
  }
  // The provider may send an empty associated_data; only its type matters.
  if (r.associated_data !== undefined && typeof r.associated_data !== 'string') {
    fail('resource.associated_data not a string');
  }

  const resource: WechatpayNotification['resource'] = {
    algorithm: r.algorithm as string,
    ciphertext: r.ciphertext as string,
    nonce: r.nonce as string,
    original_type: r.original_type as string,
  };
  if (r.associated_data !== undefined) resource.associated_data = r.associated_data as string;
  const out: WechatpayNotification = {
    id: json.id as string,
    create_time: json.create_time as string,
    event_type: json.event_type as string,
    resource_type: json.resource_type as string,
    resource,
  };
  if (json.summary !== undefined) out.summary = json.summary as string;
  return out;
}

// ---------------------------------------------------------------------------
// Decrypted resource validators
// ---------------------------------------------------------------------------

function resourceObject(json: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what} is not JSON`);
  }
  if (!isRecord(v)) throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what} is not an object`);
  return v;
}

function reqString(o: Record<string, unknown>, f: string, what: string): string {
  const v = o[f];
  if (!isNonEmptyString(v)) throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what}.${f} missing`);
  return v;
}

function optString(o: Record<string, unknown>, f: string, what: string): string | undefined {
  const v = o[f];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what}.${f} not a string`);
  return v;
}

// Money is integer fen; anything else signals a malformed or forged payload.
function reqAmount(o: Record<string, unknown>, f: string, what: string): number {
  const v = o[f];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what}.${f} must be a non-negative integer`);
  }
  return v;
}

function optAmount(o: Record<string, unknown>, f: string, what: string): number | undefined {
  return o[f] === undefined ? undefined : reqAmount(o, f, what);
}

function amountObject(o: Record<string, unknown>, what: string): Record<string, unknown> {
  if (!isRecord(o.amount)) throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `${what}.amount missing`);
  return o.amount;
}

/** Returns only the typed fields, so unvalidated extras never reach business code. */
export function parseWechatpayTransaction(json: string): WechatpayTransaction {
  const w = 'transaction';
  const o = resourceObject(json, w);
  const a = amountObject(o, w);
  const amount: WechatpayTransaction['amount'] = { total: reqAmount(a, 'total', `${w}.amount`) };
  const payerTotal = optAmount(a, 'payer_total', `${w}.amount`);
  if (payerTotal !== undefined) amount.payer_total = payerTotal;
  const currency = optString(a, 'currency', `${w}.amount`);
  if (currency !== undefined) amount.currency = currency;
  const payerCurrency = optString(a, 'payer_currency', `${w}.amount`);
  if (payerCurrency !== undefined) amount.payer_currency = payerCurrency;

  const out: WechatpayTransaction = {
    mchid: reqString(o, 'mchid', w),
    appid: reqString(o, 'appid', w),
    out_trade_no: reqString(o, 'out_trade_no', w),
    transaction_id: reqString(o, 'transaction_id', w),
    trade_state: reqString(o, 'trade_state', w),
    amount,
  };
  const successTime = optString(o, 'success_time', w);
  if (successTime !== undefined) out.success_time = successTime;
  return out;
}

/** Returns only the typed fields, so unvalidated extras never reach business code. */
export function parseWechatpayRefund(json: string): WechatpayRefund {
  const w = 'refund';
  const o = resourceObject(json, w);
  const a = amountObject(o, w);
  const amount: WechatpayRefund['amount'] = {
    total: reqAmount(a, 'total', `${w}.amount`),
    refund: reqAmount(a, 'refund', `${w}.amount`),
  };
  const payerTotal = optAmount(a, 'payer_total', `${w}.amount`);
  if (payerTotal !== undefined) amount.payer_total = payerTotal;
  const payerRefund = optAmount(a, 'payer_refund', `${w}.amount`);
  if (payerRefund !== undefined) amount.payer_refund = payerRefund;

  const out: WechatpayRefund = {
    mchid: reqString(o, 'mchid', w),
    out_trade_no: reqString(o, 'out_trade_no', w),
    transaction_id: reqString(o, 'transaction_id', w),
    out_refund_no: reqString(o, 'out_refund_no', w),
    refund_id: reqString(o, 'refund_id', w),
    refund_status: reqString(o, 'refund_status', w),
    amount,
  };
  const successTime = optString(o, 'success_time', w);
  if (successTime !== undefined) out.success_time = successTime;
  return out;
}
