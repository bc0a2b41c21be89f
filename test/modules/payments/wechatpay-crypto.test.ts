import crypto from 'node:crypto';
import { describe, it, expect } from 'vitest';
import {
  WechatpayVerifyError,
  buildWechatpayAuthorization,
  buildWechatpayNotify,
  decryptWechatpayResource,
  encryptWechatpayResource,
  parseWechatpayNotification,
  parseWechatpayRefund,
  parseWechatpayTransaction,
  readWechatpayHeaders,
  signWechatpayMessage,
  verifyWechatpaySignature,
  type WechatpayNotifyHeaders,
} from '../../../src/modules/payments/wechatpay-crypto.js';

function rsaPair() {
  return crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

const platform = rsaPair();
const other = rsaPair();
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const API_V3_KEY = crypto.randomBytes(16).toString('hex'); // 32 chars
const NOW = Date.UTC(2024, 4, 20, 5, 29, 35);

const transaction = {
  mchid: '1230000109',
  appid: 'wxd678efh567hg6787',
  out_trade_no: 'FX202405200001',
  transaction_id: '4200000000202405200000000001',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2024-05-20T13:29:35+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 1999, payer_total: 1999, currency: 'CNY', payer_currency: 'CNY' },
};

function notify(nowMs = NOW, resourcePlain: object = transaction) {
  return buildWechatpayNotify({
    eventId: 'EV-2018022511223320873',
    eventType: 'TRANSACTION.SUCCESS',
    resourcePlain,
    apiV3Key: API_V3_KEY,
    privateKeyPem: platform.privateKey,
    serial: SERIAL,
    nowMs,
  });
}

function lowercased(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof WechatpayVerifyError) return e.code;
    throw e;
  }
  return undefined;
}

function verify(
  headers: WechatpayNotifyHeaders,
  body: string,
  extra: Partial<Parameters<typeof verifyWechatpaySignature>[0]> = {},
) {
  return codeOf(() =>
    verifyWechatpaySignature({
      headers,
      body,
      platformPublicKeyPem: platform.publicKey,
      platformSerial: SERIAL,
      nowMs: NOW,
      ...extra,
    }),
  );
}

describe('readWechatpayHeaders', () => {
  it('reads Node-lowercased and original-case header names', () => {
    const n = notify();
    const a = readWechatpayHeaders(lowercased(n.headers));
    const b = readWechatpayHeaders(n.headers);
    expect(a).toEqual(b);
    expect(a.serial).toBe(SERIAL);
    expect(a.timestamp).toBe(String(Math.floor(NOW / 1000)));
  });

  it('refuses when a header is missing', () => {
    const h = lowercased(notify().headers);
    delete h['wechatpay-signature'];
    expect(codeOf(() => readWechatpayHeaders(h))).toBe('WECHATPAY_HEADERS_MISSING');
    expect(codeOf(() => readWechatpayHeaders({ ...lowercased(notify().headers), 'wechatpay-nonce': '' }))).toBe(
      'WECHATPAY_HEADERS_MISSING',
    );
  });
});

describe('notification verification + decryption', () => {
  it('valid notification verifies and decrypts to the original resource', () => {
    const n = notify();
    expect(n.headers['Wechatpay-Signature-Type']).toBe('WECHATPAY2-SHA256-RSA2048');
    const headers = readWechatpayHeaders(lowercased(n.headers));
    expect(verify(headers, n.body)).toBeUndefined();

    const parsed = parseWechatpayNotification(n.body);
    expect(parsed.event_type).toBe('TRANSACTION.SUCCESS');
    expect(parsed.resource_type).toBe('encrypt-resource');
    expect(parsed.resource.original_type).toBe('transaction');
    expect(parsed.create_time).toBe('2024-05-20T13:29:35+08:00');
    const plain = decryptWechatpayResource(parsed.resource, API_V3_KEY);
    expect(JSON.parse(plain)).toEqual(transaction);

    const tx = parseWechatpayTransaction(plain);
    expect(tx).toEqual({
      mchid: transaction.mchid,
      appid: transaction.appid,
      out_trade_no: transaction.out_trade_no,
      transaction_id: transaction.transaction_id,
      trade_state: 'SUCCESS',
      success_time: transaction.success_time,
      amount: { total: 1999, payer_total: 1999, currency: 'CNY', payer_currency: 'CNY' },
    });
  });

  it('works without platformSerial pinning', () => {
    const n = notify();
    const h = readWechatpayHeaders(n.headers);
    expect(verify(h, n.body, { platformSerial: undefined })).toBeUndefined();
  });

  it('refuses a tampered body', () => {
    const n = notify();
    const h = readWechatpayHeaders(n.headers);
    const tampered = n.body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESs');
    expect(tampered).not.toBe(n.body);
    expect(verify(h, tampered)).toBe('WECHATPAY_SIGNATURE_INVALID');
    // Re-serialising parsed JSON changes bytes too (e.g. whitespace).
    expect(verify(h, JSON.stringify(JSON.parse(n.body), null, 1))).toBe('WECHATPAY_SIGNATURE_INVALID');
  });

  it('refuses a tampered signature', () => {
    const n = notify();
    const h = readWechatpayHeaders(n.headers);
    const sig = Buffer.from(h.signature, 'base64');
    sig[10] ^= 0x01;
    expect(verify({ ...h, signature: sig.toString('base64') }, n.body)).toBe('WECHATPAY_SIGNATURE_INVALID');
    expect(verify({ ...h, signature: 'not base64!!' }, n.body)).toBe('WECHATPAY_SIGNATURE_INVALID');
    expect(verify({ ...h, signature: 'WECHATPAY/SIGNTEST/' + h.signature }, n.body)).toBe(
      'WECHATPAY_SIGNATURE_INVALID',
    );
  });

  it('refuses a signature made with another key', () => {
    const n = notify();
    const h = readWechatpayHeaders(n.headers);
    const forged = signWechatpayMessage(`${h.timestamp}\n${h.nonce}\n${n.body}\n`, other.privateKey);
    expect(verify({ ...h, signature: forged }, n.body)).toBe('WECHATPAY_SIGNATURE_INVALID');
    // And a valid signature checked against the wrong public key.
    expect(verify(h, n.body, { platformPublicKeyPem: other.publicKey })).toBe('WECHATPAY_SIGNATURE_INVALID');
  });

  it('refuses a wrong serial', () => {
    const n = notify();
    const h = readWechatpayHeaders(n.headers);
    expect(verify({ ...h, serial: 'DEADBEEF' }, n.body)).toBe('WECHATPAY_SERIAL_MISMATCH');
  });

  it('refuses timestamps 301 s old or 301 s in the future, accepts 299 s old', () => {
    const old301 = notify(NOW - 301_000);
    expect(verify(readWechatpayHeaders(old301.headers), old301.body)).toBe('WECHATPAY_TIMESTAMP_SKEW');

    const future301 = notify(NOW + 301_000);
    expect(verify(readWechatpayHeaders(future301.headers), future301.body)).toBe('WECHATPAY_TIMESTAMP_SKEW');

    const old299 = notify(NOW - 299_000);
    expect(verify(readWechatpayHeaders(old299.headers), old299.body)).toBeUndefined();

    const n = notify();
    expect(verify({ ...readWechatpayHeaders(n.headers), timestamp: 'abc' }, n.body)).toBe('WECHATPAY_TIMESTAMP_SKEW');
  });

  it('reports an unparsable platform key', () => {
    const n = notify();
    expect(verify(readWechatpayHeaders(n.headers), n.body, { platformPublicKeyPem: 'nope' })).toBe(
      'WECHATPAY_KEY_INVALID',
    );
  });
});

describe('AEAD_AES_256_GCM', () => {
  const nonce = 'fdasflkja484';
  const plain = JSON.stringify({ hello: '世界', n: 1 });

  it('round-trips', () => {
    const r = encryptWechatpayResource(plain, API_V3_KEY, 'transaction', nonce);
    expect(r.algorithm).toBe('AEAD_AES_256_GCM');
    expect(decryptWechatpayResource(r, API_V3_KEY)).toBe(plain);
  });

  it('refuses a flipped ciphertext byte and a flipped tag byte', () => {
    const r = encryptWechatpayResource(plain, API_V3_KEY, 'transaction', nonce);
    const raw = Buffer.from(r.ciphertext, 'base64');
    const body = Buffer.from(raw);
    body[0] ^= 0x01;
    expect(codeOf(() => decryptWechatpayResource({ ...r, ciphertext: body.toString('base64') }, API_V3_KEY))).toBe(
      'WECHATPAY_DECRYPT_FAILED',
    );
    const tag = Buffer.from(raw);
    tag[tag.length - 1] ^= 0x01;
    expect(codeOf(() => decryptWechatpayResource({ ...r, ciphertext: tag.toString('base64') }, API_V3_KEY))).toBe(
      'WECHATPAY_DECRYPT_FAILED',
    );
    // Truncated tag must not be accepted.
    expect(
      codeOf(() =>
        decryptWechatpayResource({ ...r, ciphertext: raw.subarray(0, raw.length - 4).toString('base64') }, API_V3_KEY),
      ),
    ).toBe('WECHATPAY_DECRYPT_FAILED');
  });

  it('refuses wrong AAD, wrong nonce and wrong key', () => {
    const r = encryptWechatpayResource(plain, API_V3_KEY, 'transaction', nonce);
    expect(codeOf(() => decryptWechatpayResource({ ...r, associated_data: 'refund' }, API_V3_KEY))).toBe(
      'WECHATPAY_DECRYPT_FAILED',
    );
    expect(codeOf(() => decryptWechatpayResource({ ...r, nonce: 'fdasflkja485' }, API_V3_KEY))).toBe(
      'WECHATPAY_DECRYPT_FAILED',
    );
    const otherKey = crypto.randomBytes(16).toString('hex');
    expect(codeOf(() => decryptWechatpayResource(r, otherKey))).toBe('WECHATPAY_DECRYPT_FAILED');
  });

  it('refuses an unsupported algorithm and a key that is not 32 bytes', () => {
    const r = encryptWechatpayResource(plain, API_V3_KEY, 'transaction', nonce);
    expect(codeOf(() => decryptWechatpayResource({ ...r, algorithm: 'AEAD_AES_128_GCM' }, API_V3_KEY))).toBe(
      'WECHATPAY_ALGORITHM_UNSUPPORTED',
    );
    expect(codeOf(() => decryptWechatpayResource(r, API_V3_KEY.slice(1)))).toBe('WECHATPAY_KEY_INVALID');
    expect(codeOf(() => encryptWechatpayResource(plain, 'short', '', nonce))).toBe('WECHATPAY_KEY_INVALID');
  });
});

describe('parseWechatpayNotification', () => {
  it('refuses malformed bodies', () => {
    expect(codeOf(() => parseWechatpayNotification('not json'))).toBe('WECHATPAY_BODY_INVALID');
    expect(codeOf(() => parseWechatpayNotification('[]'))).toBe('WECHATPAY_BODY_INVALID');
    const ok = JSON.parse(notify().body);
    expect(codeOf(() => parseWechatpayNotification(JSON.stringify({ ...ok, id: undefined })))).toBe(
      'WECHATPAY_BODY_INVALID',
    );
    expect(
      codeOf(() => parseWechatpayNotification(JSON.stringify({ ...ok, resource: { ...ok.resource, nonce: 1 } }))),
    ).toBe('WECHATPAY_BODY_INVALID');
    expect(codeOf(() => parseWechatpayNotification(JSON.stringify({ ...ok, resource: null })))).toBe(
      'WECHATPAY_BODY_INVALID',
    );
  });
});

describe('buildWechatpayAuthorization', () => {
  it('produces a header whose signature verifies over the documented message', () => {
    const body = JSON.stringify({ appid: 'wxd678efh567hg6787', out_trade_no: 'FX1', amount: { total: 100 } });
    const url = '/v3/pay/transactions/jsapi?x=1';
    const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242';
    const auth = buildWechatpayAuthorization({
      method: 'post',
      urlPathWithQuery: url,
      body,
      mchid: '1900009191',
      merchantSerial: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
      merchantPrivateKeyPem: platform.privateKey,
      nowMs: NOW,
      nonce,
    });
    const m = auth.match(
      /^WECHATPAY2-SHA256-RSA2048 mchid="([^"]+)",nonce_str="([^"]+)",signature="([^"]+)",timestamp="([^"]+)",serial_no="([^"]+)"$/,
    );
    expect(m).not.toBeNull();
    const [, mchid, nonceStr, signature, timestamp, serial] = m!;
    expect(mchid).toBe('1900009191');
    expect(nonceStr).toBe(nonce);
    expect(timestamp).toBe(String(Math.floor(NOW / 1000)));
    expect(serial).toBe('1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C');

    const message = `POST\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
    const v = crypto.createVerify('RSA-SHA256');
    v.update(message);
    expect(v.verify(platform.publicKey, signature!, 'base64')).toBe(true);
    expect(crypto.verify('sha256', Buffer.from(message.replace('POST', 'GET')), platform.publicKey, Buffer.from(signature!, 'base64'))).toBe(false);
  });

  it('rejects a full URL instead of a path', () => {
    expect(() =>
      buildWechatpayAuthorization({
        method: 'GET',
        urlPathWithQuery: 'https://api.mch.weixin.qq.com/v3/certificates',
        body: '',
        mchid: '1900009191',
        merchantSerial: 'ABC',
        merchantPrivateKeyPem: platform.privateKey,
        nowMs: NOW,
        nonce: 'n',
      }),
    ).toThrow(TypeError);
  });
});

describe('resource validators', () => {
  it('refuses negative or fractional transaction amounts and missing fields', () => {
    const bad = (amount: object) => JSON.stringify({ ...transaction, amount });
    expect(codeOf(() => parseWechatpayTransaction(bad({ total: -1 })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayTransaction(bad({ total: 19.99 })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayTransaction(bad({ total: '1999' })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayTransaction(bad({ total: 100, payer_total: -5 })))).toBe(
      'WECHATPAY_RESOURCE_INVALID',
    );
    expect(codeOf(() => parseWechatpayTransaction(JSON.stringify({ ...transaction, out_trade_no: undefined })))).toBe(
      'WECHATPAY_RESOURCE_INVALID',
    );
    expect(codeOf(() => parseWechatpayTransaction('nope'))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(parseWechatpayTransaction(bad({ total: 0 })).amount).toEqual({ total: 0 });
  });

  const refund = {
    mchid: '1900000100',
    out_trade_no: 'FX202405200001',
    transaction_id: '4200000000202405200000000001',
    out_refund_no: 'RF202405200001',
    refund_id: '50000000382019052709732678859',
    refund_status: 'SUCCESS',
    success_time: '2024-05-20T13:29:35+08:00',
    user_received_account: '招商银行信用卡0403',
    amount: { total: 1999, refund: 500, payer_total: 1999, payer_refund: 500 },
  };

  it('parses a refund and refuses negative or fractional refund amounts', () => {
    const ok = parseWechatpayRefund(JSON.stringify(refund));
    expect(ok.amount).toEqual(refund.amount);
    expect(ok).not.toHaveProperty('user_received_account');

    const bad = (amount: object) => JSON.stringify({ ...refund, amount });
    expect(codeOf(() => parseWechatpayRefund(bad({ total: 1999, refund: -500 })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayRefund(bad({ total: 1999, refund: 0.5 })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayRefund(bad({ total: 1999 })))).toBe('WECHATPAY_RESOURCE_INVALID');
    expect(codeOf(() => parseWechatpayRefund(bad({ total: 1999, refund: 5, payer_refund: 1.5 })))).toBe(
      'WECHATPAY_RESOURCE_INVALID',
    );
  });

  it('round-trips a refund notification through the simulator builder', () => {
    const n = buildWechatpayNotify({
      eventId: 'EV-R1',
      eventType: 'REFUND.SUCCESS',
      resourcePlain: refund,
      apiV3Key: API_V3_KEY,
      privateKeyPem: platform.privateKey,
      serial: SERIAL,
      nowMs: NOW,
      nonce: 'fixed-nonce',
    });
    const h = readWechatpayHeaders(n.headers);
    expect(h.nonce).toBe('fixed-nonce');
    expect(verify(h, n.body)).toBeUndefined();
    const p = parseWechatpayNotification(n.body);
    expect(p.resource.original_type).toBe('refund');
    expect(p.resource.associated_data).toBe('refund');
    expect(parseWechatpayRefund(decryptWechatpayResource(p.resource, API_V3_KEY)).refund_id).toBe(refund.refund_id);
  });
});
