// WeChat's server API, protocol only: 公众号 web OAuth2 (authorize URL, code → user token → userinfo),
// mini-program login (jscode2session, phone number), the stable server access token, and what the server
// sends out under it: 小程序码 (wxacode.getUnlimited), subscribe and template messages. No storage, no
// policy: callers decide what a failure means. Base URLs are settings so tests (and a proxy) can point
// it elsewhere.
//
// WeChat answers most errors as HTTP 200 with {errcode, errmsg}; we turn those into WechatApiError with a
// coarse `kind` the services can switch on. Secrets, codes and tokens travel in query strings (WeChat's
// design), so no URL, query or request ever goes into an error: only the path and WeChat's own errmsg
// (scrubbed of the values we sent, in case WeChat echoes one).

export interface WechatAppCredentials {
  appid: string;
  secret: string;
}

export interface WechatEndpoints {
  /** default https://api.weixin.qq.com */
  apiBase: string;
  /** default https://open.weixin.qq.com */
  oauthBase: string;
}

export const DEFAULT_WECHAT_ENDPOINTS: WechatEndpoints = {
  apiBase: 'https://api.weixin.qq.com',
  oauthBase: 'https://open.weixin.qq.com',
};

/** WeChat gives no hard number; 5 s keeps a login page from hanging on a slow upstream. */
export const WECHAT_TIMEOUT_MS = 5_000;

export type WechatErrorKind =
  /** the code is unknown, expired or belongs to another app (40029): ask the user to log in again */
  | 'code_invalid'
  /** the code was already exchanged (40163): usually a double submit or a replayed redirect */
  | 'code_used'
  /** the access token is expired, replaced or malformed (40001, 42001, 40014): refresh and retry */
  | 'token_expired'
  /** appid/secret wrong, missing, or this server's IP is not whitelisted: a configuration error */
  | 'credentials'
  /** minute or daily quota reached (45011, 45009) */
  | 'rate_limited'
  /** WeChat says "system busy" (-1): retry later */
  | 'busy'
  /** no usable answer: network error, non-200, timeout, unparseable body */
  | 'unavailable'
  | 'other';

const KIND_BY_CODE: Record<number, WechatErrorKind> = {
  40029: 'code_invalid',
  40163: 'code_used',
  40001: 'token_expired',
  42001: 'token_expired',
  40014: 'token_expired',
  40013: 'credentials', // invalid appid
  40125: 'credentials', // invalid appsecret
  40164: 'credentials', // caller IP not in the whitelist
  41002: 'credentials', // appid missing
  41004: 'credentials', // appsecret missing
  45011: 'rate_limited',
  45009: 'rate_limited',
  [-1]: 'busy',
  // 40226 (high-risk user) and 48001 (api unauthorized) are 'other': not the caller's configuration,
  // and retrying does not help.
};

export function wechatErrorKind(errcode: number): WechatErrorKind {
  return KIND_BY_CODE[errcode] ?? 'other';
}

export class WechatApiError extends Error {
  readonly kind: WechatErrorKind;
  constructor(
    /** WeChat's errcode; 0 when WeChat gave none (transport failure, malformed answer) */
    readonly errcode: number,
    /** WeChat's errmsg (scrubbed of secrets and tokens), or what went wrong in transport */
    readonly errmsg: string,
    /** the endpoint path, without its query */
    readonly path: string,
    kind?: WechatErrorKind,
    /**
     * the request may have reached WeChat and been acted on although no answer came (a timeout, a
     * connection dropped after sending): a message resent then could arrive twice. False when WeChat
     * answered (an errcode, a non-200) or the connection never opened.
     */
    readonly maybeDelivered = false,
  ) {
    super(`WeChat ${path}: ${errcode ? `${errcode} ` : ''}${errmsg}`);
    this.name = 'WechatApiError';
    this.kind = kind ?? wechatErrorKind(errcode);
  }
}

/** Transport failures that happen before a request is sent: WeChat cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

export interface WechatOauthToken {
  openid: string;
  /** only when scope is snsapi_userinfo and the 公众号 is bound to an open-platform account */
  unionid?: string;
  /** as WeChat returns it, e.g. 'snsapi_userinfo' */
  scope: string;
  /** the user's web access token: only for /sns/userinfo, never the server access token */
  accessToken: string;
  expiresInSeconds: number;
  refreshToken: string;
  /** WeChat's 朋友圈快照页 mode: the user has not really authorized and the openid is a virtual one */
  isSnapshotUser: boolean;
}

export interface WechatOauthUser {
  openid: string;
  unionid?: string;
  nickname: string;
  /** headimgurl; '' when the user has none */
  avatarUrl: string;
}

export interface WechatMiniSession {
  openid: string;
  unionid?: string;
  /** decrypts wx.getUserInfo payloads; as sensitive as a password */
  sessionKey: string;
}

export interface WechatServerToken {
  accessToken: string;
  /** the token's remaining lifetime as WeChat reports it (≤ 7200) */
  expiresInSeconds: number;
}

export interface WechatPhoneNumber {
  /** with the country code for numbers outside mainland China */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** wxacode.getUnlimited's body, as WeChat names it (line colours and transparency left at WeChat's defaults). */
export interface WxacodeRequest {
  /** at most 32 visible characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~] */
  scene: string;
  /** a page of the released mini-program (no leading '/', no query); WeChat's default is the home page */
  page?: string;
  /** false lets page name a page the released version lacks */
  check_path?: boolean;
  env_version?: 'release' | 'trial' | 'develop';
  /** 280–1280 px, WeChat's default 430 */
  width?: number;
}

export interface WxacodeImage {
  /** image/jpeg or image/png, from the bytes (WeChat sends JPEG unless is_hyaline) */
  contentType: 'image/jpeg' | 'image/png';
  bytes: Buffer;
}

/** Template data as WeChat takes it: {key: {value}} for each of the template's keywords. */
export type WechatTemplateData = Record<string, { value: string }>;

export interface SubscribeMessage {
  /** the receiver's openid in the mini-program */
  touser: string;
  template_id: string;
  /** a page of the mini-program, query allowed (index?foo=bar) */
  page?: string;
  data: WechatTemplateData;
  miniprogram_state?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

export interface TemplateMessage {
  /** the receiver's openid in the 公众号 */
  touser: string;
  template_id: string;
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  data: WechatTemplateData;
  /** WeChat sends one message per openid + client_msg_id within 10 minutes */
  client_msg_id?: string;
}

const STATE_RE = /^[A-Za-z0-9]{0,128}$/;

type Json = Record<string, unknown>;

export class WechatApi {
  private readonly apiBase: string;
  private readonly oauthBase: string;
  private readonly timeoutMs: number;

  constructor(
    endpoints: WechatEndpoints = DEFAULT_WECHAT_ENDPOINTS,
    private readonly fetchFn: typeof fetch = fetch,
    opts: { timeoutMs?: number } = {},
  ) {
    this.apiBase = endpoints.apiBase.replace(/\/+$/, '');
    this.oauthBase = endpoints.oauthBase.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? WECHAT_TIMEOUT_MS;
  }

  /**
   * The 公众号 OAuth2 authorize URL, parameters in the order WeChat documents (WeChat matches the link
   * strictly; reordered parameters break the authorize page) and the #wechat_redirect fragment.
   */
  oauthAuthorizeUrl(appid: string, redirectUri: string, scope: 'snsapi_base' | 'snsapi_userinfo', state: string): string {
    if (!STATE_RE.test(state)) throw new RangeError('WeChat OAuth state must be at most 128 characters of [A-Za-z0-9]');
    const u = new URL(redirectUri); // throws on a relative or malformed URI
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new RangeError('WeChat OAuth redirect_uri must be http(s)');
    return (
      `${this.oauthBase}/connect/oauth2/authorize?appid=${encodeURIComponent(appid)}` +
      `&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=${scope}` +
      `&state=${state}#wechat_redirect`
    );
  }

  async oauthExchangeCode(app: WechatAppCredentials, code: string): Promise<WechatOauthToken> {
    const j = await this.call(
      'GET',
      '/sns/oauth2/access_token',
      { appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' },
      undefined,
      [app.secret, code],
    );
    return {
      openid: str(j, 'openid', '/sns/oauth2/access_token'),
      ...optUnionid(j),
      scope: typeof j.scope === 'string' ? j.scope : '',
      accessToken: str(j, 'access_token', '/sns/oauth2/access_token'),
      expiresInSeconds: num(j.expires_in, 7200),
      refreshToken: typeof j.refresh_token === 'string' ? j.refresh_token : '',
      isSnapshotUser: j.is_snapshotuser === 1,
    };
  }

  async oauthUserInfo(accessToken: string, openid: string): Promise<WechatOauthUser> {
    const j = await this.call('GET', '/sns/userinfo', { access_token: accessToken, openid, lang: 'zh_CN' }, undefined, [
      accessToken,
    ]);
    return {
      openid: str(j, 'openid', '/sns/userinfo'),
      ...optUnionid(j),
      nickname: typeof j.nickname === 'string' ? j.nickname : '',
      avatarUrl: typeof j.headimgurl === 'string' ? j.headimgurl : '',
    };
  }

  async code2Session(app: WechatAppCredentials, jsCode: string): Promise<WechatMiniSession> {
    const j = await this.call(
      'GET',
      '/sns/jscode2session',
      { appid: app.appid, secret: app.secret, js_code: jsCode, grant_type: 'authorization_code' },
      undefined,
      [app.secret, jsCode],
    );
    return {
      openid: str(j, 'openid', '/sns/jscode2session'),
      ...optUnionid(j),
      sessionKey: str(j, 'session_key', '/sns/jscode2session'),
    };
  }

  /**
   * The stable server token: in normal mode every caller gets the same token while it is valid, so
   * several servers do not invalidate each other's. force_refresh invalidates the previous token
   * (WeChat allows it 20 times a day, 30 s apart): only for a token WeChat has rejected.
   */
  async stableAccessToken(app: WechatAppCredentials, forceRefresh: boolean): Promise<WechatServerToken> {
    const j = await this.call(
      'POST',
      '/cgi-bin/stable_token',
      {},
      { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: forceRefresh },
      [app.secret],
    );
    return { accessToken: str(j, 'access_token', '/cgi-bin/stable_token'), expiresInSeconds: num(j.expires_in, 7200) };
  }

  async userPhoneNumber(accessToken: string, code: string): Promise<WechatPhoneNumber> {
    const path = '/wxa/business/getuserphonenumber';
    const j = await this.call('POST', path, { access_token: accessToken }, { code }, [accessToken, code]);
    const info = j.phone_info;
    if (!info || typeof info !== 'object') throw new WechatApiError(0, 'answer lacks phone_info', path, 'other');
    const p = info as Json;
    return {
      phoneNumber: str(p, 'phoneNumber', path),
      purePhoneNumber: str(p, 'purePhoneNumber', path),
      countryCode: String(p.countryCode ?? ''),
    };
  }

  /** wxacode.getUnlimited: a 小程序码 image for the scene, or WeChat's errcode as WechatApiError. */
  async wxacodeUnlimited(accessToken: string, request: WxacodeRequest): Promise<WxacodeImage> {
    const path = '/wxa/getwxacodeunlimit';
    const { bytes } = await this.request('POST', path, { access_token: accessToken }, { ...request }, [accessToken]);
    const contentType = imageType(bytes);
    if (contentType) return { contentType, bytes };
    this.parse(bytes.toString('utf8'), path, [accessToken]); // throws WeChat's errcode
    throw new WechatApiError(0, 'answer is neither an image nor an error', path, 'other');
  }

  /** subscribeMessage.send: one message under one of the user's one-time subscriptions. */
  async sendSubscribeMessage(accessToken: string, message: SubscribeMessage): Promise<void> {
    await this.call('POST', '/cgi-bin/message/subscribe/send', { access_token: accessToken }, { ...message }, [accessToken]);
  }

  /** The 公众号's template message to a follower; answers WeChat's msgid. */
  async sendTemplateMessage(accessToken: string, message: TemplateMessage): Promise<{ msgid: string }> {
    const j = await this.call('POST', '/cgi-bin/message/template/send', { access_token: accessToken }, { ...message }, [accessToken]);
    return { msgid: String(j.msgid ?? '') };
  }

  /** One request; every failure comes out as WechatApiError, never with the query or body in it. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    body: Json | undefined,
    sensitive: string[],
  ): Promise<Json> {
    const { bytes } = await this.request(method, path, query, body, sensitive);
    return this.parse(bytes.toString('utf8'), path, sensitive);
  }

  /** The answer's bytes (HTTP 200 only); transport failures as WechatApiError, scrubbed. */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    body: Json | undefined,
    sensitive: string[],
  ): Promise<{ bytes: Buffer }> {
    const qs = new URLSearchParams(query).toString();
    const url = `${this.apiBase}${path}${qs ? `?${qs}` : ''}`;
    try {
      const res = await this.fetchFn(url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new WechatApiError(0, `HTTP ${res.status}`, path, 'unavailable');
      }
      return { bytes: Buffer.from(await res.arrayBuffer()) };
    } catch (e) {
      if (e instanceof WechatApiError) throw e;
      const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      const why = timedOut ? `timeout after ${this.timeoutMs} ms` : `network error: ${err.cause?.code ?? err.cause?.message ?? err.message ?? 'unknown'}`;
      const notSent = !timedOut && NOT_SENT_CODES.has(err.cause?.code ?? '');
      throw new WechatApiError(0, scrubbed(why, sensitive), path, 'unavailable', !notSent);
    }
  }

  /** WeChat's JSON answer; an errcode other than 0 comes out as WechatApiError. */
  private parse(text: string, path: string, sensitive: string[]): Json {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      throw new WechatApiError(0, 'unparseable answer', path, 'unavailable');
    }
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new WechatApiError(0, 'unexpected answer', path, 'unavailable');
    const obj = j as Json;
    // success answers have no errcode, or errcode 0 (getuserphonenumber says {errcode:0, errmsg:'ok'})
    if (typeof obj.errcode === 'number' && obj.errcode !== 0) {
      throw new WechatApiError(obj.errcode, scrubbed(String(obj.errmsg ?? ''), sensitive), path);
    }
    return obj;
  }
}

function scrubbed(text: string, sensitive: string[]): string {
  return sensitive.reduce((acc, v) => (v ? acc.split(v).join('***') : acc), text);
}

/** PNG and JPEG by their signatures: WeChat's content-type is not always set. */
function imageType(bytes: Buffer): WxacodeImage['contentType'] | undefined {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

function str(j: Json, key: string, path: string): string {
  const v = j[key];
  if (typeof v !== 'string' || v === '') throw new WechatApiError(0, `answer lacks ${key}`, path, 'other');
  return v;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

function optUnionid(j: Json): { unionid?: string } {
  return typeof j.unionid === 'string' && j.unionid ? { unionid: j.unionid } : {};
}
