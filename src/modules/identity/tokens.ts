// Signed tokens: a short-lived access token (member, session, session version), and a five-minute
// token that carries a password check to the second-factor step. HS256 under the server secret.
// Token times are wall-clock times, not the business clock tests move by days.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'fenxiao';
export const ACCESS_TOKEN_SECONDS = 15 * 60;
const MFA_TOKEN_SECONDS = 5 * 60;

export interface AccessClaims {
  memberId: number;
  sessionId: number;
  sessionVersion: number;
}

export type TokenFailure = 'expired' | 'invalid';

export class TokenError extends Error {
  constructor(readonly failure: TokenFailure) {
    super(`token ${failure}`);
  }
}

function positiveInt(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw new TokenError('invalid');
  return n;
}

export class TokenSigner {
  private readonly key: Uint8Array;
  private readonly sealKey: Buffer;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
    // a separate key for sealing stored secrets, so a leaked token key alone opens nothing
    this.sealKey = Buffer.from(hkdfSync('sha256', secret, 'fenxiao-seal', 'totp-secrets', 32));
  }

  signAccess(claims: AccessClaims, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
    return new SignJWT({ typ: 'access', sid: claims.sessionId, ver: claims.sessionVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(claims.memberId))
      .setIssuer(ISSUER)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ACCESS_TOKEN_SECONDS)
      .sign(this.key);
  }

  async verifyAccess(token: string, now?: Date): Promise<AccessClaims> {
    const payload = await this.verify(token, 'access', now);
    return { memberId: positiveInt(payload.sub), sessionId: positiveInt(payload.sid), sessionVersion: positiveInt(payload.ver) };
  }

  /** After a right password, before the second factor: names the member and the version it was checked at. */
  signMfa(memberId: number, sessionVersion: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ typ: 'mfa', ver: sessionVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(memberId))
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + MFA_TOKEN_SECONDS)
      .sign(this.key);
  }

  async verifyMfa(token: string): Promise<{ memberId: number; sessionVersion: number }> {
    const payload = await this.verify(token, 'mfa');
    return { memberId: positiveInt(payload.sub), sessionVersion: positiveInt(payload.ver) };
  }

  private async verify(token: string, typ: string, now?: Date) {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: now });
      if (payload.typ !== typ) throw new TokenError('invalid');
      return payload;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      throw new TokenError(error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid');
    }
  }

  /** AES-256-GCM: iv.tag.ciphertext, base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  unseal(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  }
}

/** Opaque secrets handed to clients (refresh tokens, login tickets) are stored only as hashes. */
export function newOpaqueSecret(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashOpaque(value) };
}

export function hashOpaque(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
