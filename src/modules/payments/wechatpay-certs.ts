// The WeChat Pay platform keys a client verifies answers and notifications with. Two documented schemes:
// - 微信支付公钥 ('publicKey'): one key the merchant downloads, named by an id starting PUB_KEY_ID_;
// - 平台证书 ('certificates'): certificates fetched from GET /v3/certificates, each encrypted with the API v3
//   key. WeChat publishes a new certificate beside the old one before switching, so every valid one is kept by
//   serial and an answer picks its certificate by the Wechatpay-Serial header.
import crypto from 'node:crypto';
import {
  decryptWechatpayResource,
  verifyWechatpaySignature,
  WechatpayVerifyError,
  type WechatpayEncryptedResource,
  type WechatpayNotifyHeaders,
} from './wechatpay-crypto.js';

export type WechatpayPlatformConfig =
  | { mode: 'publicKey'; publicKeyId: string; publicKeyPem: string }
  /** pinnedCertificatesPem: certificates trusted without download (e.g. saved from a previous run) */
  | { mode: 'certificates'; pinnedCertificatesPem?: string[] };

/** An answer exactly as received: the signature covers these bytes, not re-serialised JSON. */
export interface RawAnswer {
  status: number;
  headers: WechatpayNotifyHeaders | undefined;
  body: string;
}

interface PlatformCert {
  serial: string;
  pem: string;
  notBefore: number;
  notAfter: number;
}

/** At most one certificate download per minute on unknown serials: a forged serial must not make us hammer WeChat. */
export const CERT_REFRESH_INTERVAL_MS = 60_000;

// X.509 serials may print with leading zeros (DER sign byte); WeChat's serial_no has none.
const normSerial = (s: string) => s.toUpperCase().replace(/^0+(?=.)/, '');

function readCert(pem: string): PlatformCert {
  const x = new crypto.X509Certificate(pem);
  return { serial: normSerial(x.serialNumber), pem, notBefore: Date.parse(x.validFrom), notAfter: Date.parse(x.validTo) };
}

export class WechatpayPlatformKeys {
  private certs = new Map<string, PlatformCert>();
  private readonly pinned = new Map<string, PlatformCert>();
  private lastRefreshMs = -Infinity;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly platform: WechatpayPlatformConfig,
    private readonly apiV3Key: string,
    private readonly now: () => number,
    /** a signed GET /v3/certificates, returned unverified (verifying it is this class's job) */
    private readonly downloadCertificates: () => Promise<RawAnswer>,
  ) {
    if (platform.mode === 'certificates') {
      for (const pem of platform.pinnedCertificatesPem ?? []) {
        const c = readCert(pem);
        this.pinned.set(c.serial, c);
        this.certs.set(c.serial, c);
      }
    }
  }

  /** Serials of the certificates currently trusted (for logs and tests). */
  serials(): string[] {
    return [...this.certs.keys()];
  }

  /** Throws WechatpayVerifyError when the key named by the serial is unknown or the signature is wrong. */
  async verify(headers: WechatpayNotifyHeaders, body: string): Promise<void> {
    const pem = await this.keyFor(headers.serial);
    verifyWechatpaySignature({ headers, body, platformPublicKeyPem: pem, nowMs: this.now() });
  }

  private async keyFor(serial: string): Promise<string> {
    if (this.platform.mode === 'publicKey') {
      if (serial !== this.platform.publicKeyId) {
        throw new WechatpayVerifyError('WECHATPAY_SERIAL_MISMATCH', `answer signed by ${serial}, not the configured public key`);
      }
      return this.platform.publicKeyPem;
    }
    let cert = this.valid(this.certs, serial);
    if (!cert && this.now() - this.lastRefreshMs >= CERT_REFRESH_INTERVAL_MS) {
      await this.refresh();
      cert = this.valid(this.certs, serial);
    }
    if (!cert) throw new WechatpayVerifyError('WECHATPAY_SERIAL_UNKNOWN', `no valid platform certificate ${serial}`);
    return cert.pem;
  }

  private valid(map: Map<string, PlatformCert>, serial: string): PlatformCert | undefined {
    const c = map.get(normSerial(serial));
    const now = this.now();
    return c && c.notBefore <= now && now <= c.notAfter ? c : undefined;
  }

  /** Downloads the certificate list (single flight); counts as this minute's refresh even if it fails. */
  refresh(): Promise<void> {
    if (this.platform.mode !== 'certificates') return Promise.resolve();
    this.inflight ??= (async () => {
      this.lastRefreshMs = this.now();
      try {
        await this.load(await this.downloadCertificates());
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private async load(answer: RawAnswer): Promise<void> {
    const fail = (why: string): never => {
      throw new WechatpayVerifyError('WECHATPAY_CERTIFICATES_INVALID', `certificate list rejected: ${why}`);
    };
    if (answer.status !== 200) fail(`status ${answer.status}`);
    let data: unknown;
    try {
      data = (JSON.parse(answer.body) as { data?: unknown }).data;
    } catch {
      fail('not JSON');
    }
    if (!Array.isArray(data)) return fail('no data');
    const fresh = new Map<string, PlatformCert>();
    for (const item of data as Array<{ serial_no?: unknown; encrypt_certificate?: WechatpayEncryptedResource }>) {
      try {
        // Decrypting with the API v3 key is what makes a certificate WeChat's: only WeChat and we know the key.
        const cert = readCert(decryptWechatpayResource(item.encrypt_certificate!, this.apiV3Key));
        if (typeof item.serial_no === 'string' && normSerial(item.serial_no) === cert.serial) fresh.set(cert.serial, cert);
      } catch {
        // not decryptable with our key or not a certificate: not from WeChat, skip it
      }
    }
    if (!answer.headers) return fail('unsigned');
    // The documented bootstrap: this answer is verified with a certificate it contains (or one already trusted).
    const signer = this.valid(fresh, answer.headers.serial) ?? this.valid(this.certs, answer.headers.serial);
    if (!signer) return fail(`signed by ${answer.headers.serial}, which it does not contain`);
    verifyWechatpaySignature({ headers: answer.headers, body: answer.body, platformPublicKeyPem: signer.pem, nowMs: this.now() });
    const now = this.now();
    // The list is authoritative: a certificate WeChat no longer publishes is no longer trusted (pinned ones stay).
    this.certs = new Map([...this.pinned, ...fresh].filter(([, c]) => c.notBefore <= now && now <= c.notAfter));
  }
}
