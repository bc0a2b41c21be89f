// What WeChat Pay's APIv3 decryption (wechatpay-crypto.ts) and encryption and signing
// (wechatpay-signing.ts) share: the AEAD_AES_256_GCM parameters, the key and nonce checks, and the
// error both raise.

export class WechatpayVerifyError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WechatpayVerifyError';
  }
}

export const AEAD_ALGORITHM = 'AEAD_AES_256_GCM';
export const GCM_TAG_BYTES = 16;
export const GCM_NONCE_BYTES = 12;
export const API_V3_KEY_BYTES = 32;
export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';
// Buffer.from(x, 'base64') silently skips junk; be strict so garbage is not "verified" as something else.
export const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key ?? '', 'utf8');
  if (key.length !== API_V3_KEY_BYTES) {
    throw new WechatpayVerifyError('WECHATPAY_KEY_INVALID', `APIv3 key must be ${API_V3_KEY_BYTES} bytes`);
  }
  return key;
}

export function gcmNonceBytes(nonce: string): Buffer {
  const iv = Buffer.from(nonce ?? '', 'utf8');
  if (iv.length !== GCM_NONCE_BYTES) {
    throw new WechatpayVerifyError('WECHATPAY_DECRYPT_FAILED', `nonce must be ${GCM_NONCE_BYTES} bytes`);
  }
  return iv;
}
