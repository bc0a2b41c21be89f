// The server access token, cached per appid and shared across instances through a store the caller
// provides (Redis, a DB row). WeChat wants one token per app at a time; with stable_token in normal mode
// every instance that asks gets the same token while it is valid, so two instances refreshing at once
// do no harm, and the store only saves the round trips.
//
// Force refresh invalidates the previous token for everyone and WeChat allows only 20 a day, 30 s apart,
// so we force only after WeChat rejected our token, and first look in the store: another instance may
// already have replaced it.
import { WechatApiError, type WechatApi, type WechatAppCredentials, type WechatServerToken } from './wechat-api.js';

export interface StoredAccessToken {
  token: string;
  expiresAt: Date;
}

/** Implemented by the caller; must be shared by every instance that serves the same appids. */
export interface AccessTokenStore {
  get(appid: string): Promise<StoredAccessToken | undefined>;
  put(appid: string, token: string, expiresAt: Date): Promise<void>;
}

/** For tests and single-process use. */
export class MemoryAccessTokenStore implements AccessTokenStore {
  private readonly rows = new Map<string, StoredAccessToken>();
  async get(appid: string): Promise<StoredAccessToken | undefined> {
    const r = this.rows.get(appid);
    return r ? { token: r.token, expiresAt: new Date(r.expiresAt) } : undefined;
  }
  async put(appid: string, token: string, expiresAt: Date): Promise<void> {
    this.rows.set(appid, { token, expiresAt: new Date(expiresAt) });
  }
}

/** WeChat's normal mode hands out a new token in the last 5 minutes; we ask then, not later. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

export interface WechatAccessTokensOptions {
  /** the clock (ms since epoch); tests move it */
  now?: () => number;
  refreshBeforeMs?: number;
}

export class WechatAccessTokens {
  private readonly now: () => number;
  private readonly refreshBeforeMs: number;
  /** this instance's copy, so a hot path does not hit the store on every call */
  private readonly local = new Map<string, StoredAccessToken>();
  /** single flight: concurrent callers in this process share one store read and one WeChat call */
  private readonly flights = new Map<string, Promise<StoredAccessToken>>();

  constructor(
    private readonly api: WechatApi,
    private readonly store: AccessTokenStore,
    opts: WechatAccessTokensOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.refreshBeforeMs = opts.refreshBeforeMs ?? REFRESH_BEFORE_MS;
  }

  /** A token good for at least refreshBeforeMs more (or, when WeChat cannot be reached, one still valid). */
  async get(app: WechatAppCredentials): Promise<string> {
    const mine = this.local.get(app.appid);
    if (mine && this.fresh(mine)) return mine.token;
    return (await this.flight(app.appid, () => this.load(app))).token;
  }

  /**
   * Runs fn with a token. When WeChat rejects the token (kind token_expired) it gets a replacement (one
   * force refresh unless another instance already stored a new one) and runs fn once more; a second
   * failure propagates.
   */
  async withToken<T>(app: WechatAppCredentials, fn: (token: string) => Promise<T>): Promise<T> {
    const token = await this.get(app);
    try {
      return await fn(token);
    } catch (e) {
      if (!(e instanceof WechatApiError) || e.kind !== 'token_expired') throw e;
      const replacement = await this.replace(app, token);
      return await fn(replacement);
    }
  }

  /** A token to use instead of `rejected`. Concurrent callers rejecting the same token share one refresh. */
  async replace(app: WechatAppCredentials, rejected: string): Promise<string> {
    const key = `${app.appid}\u0000${rejected}`;
    return (await this.flight(key, () => this.load(app, rejected))).token;
  }

  private async load(app: WechatAppCredentials, rejected?: string): Promise<StoredAccessToken> {
    const stored = await this.store.get(app.appid);
    if (stored) {
      const usable = rejected === undefined ? this.fresh(stored) : stored.token !== rejected && this.valid(stored);
      if (usable) return this.remember(app.appid, stored);
    }
    const issuedAt = this.now();
    let answer: WechatServerToken;
    try {
      answer = await this.api.stableAccessToken(app, rejected !== undefined);
    } catch (e) {
      // A failed early refresh should not fail callers while the current token still works.
      if (rejected === undefined) {
        const fallback = [stored, this.local.get(app.appid)].find((t) => t && this.valid(t));
        if (fallback) return fallback;
      }
      throw e;
    }
    const fresh = { token: answer.accessToken, expiresAt: new Date(issuedAt + answer.expiresInSeconds * 1000) };
    await this.store.put(app.appid, fresh.token, fresh.expiresAt);
    return this.remember(app.appid, fresh);
  }

  private remember(appid: string, t: StoredAccessToken): StoredAccessToken {
    this.local.set(appid, t);
    return t;
  }

  private fresh(t: StoredAccessToken): boolean {
    return t.expiresAt.getTime() - this.refreshBeforeMs > this.now();
  }

  private valid(t: StoredAccessToken): boolean {
    return t.expiresAt.getTime() > this.now();
  }

  private flight(key: string, run: () => Promise<StoredAccessToken>): Promise<StoredAccessToken> {
    const inFlight = this.flights.get(key);
    if (inFlight) return inFlight;
    const p = run().finally(() => this.flights.delete(key));
    this.flights.set(key, p);
    return p;
  }
}
