// A loopback WeChat that behaves as WeChat documents, serving both api.weixin.qq.com and
// open.weixin.qq.com paths from one origin. What it models, and why:
// - openids are per appid (derived from the person and the appid), unionid is the person's, shared;
// - every code (OAuth, wx.login, phone) is random, single use, bound to the issuing appid, 5 minutes;
// - errors are HTTP 200 {errcode, errmsg}, and /sns/* answers as text/plain, as WeChat does;
// - stable_token in normal mode returns the same token while it has more than 5 minutes left, then a new
//   one (the old one keeps working until its own expiry); force_refresh invalidates the previous token at
//   once, and a second force within 30 s does not refresh (WeChat's documented limits);
// - the clock is the fake's own: tests move it with advance(ms);
// - what the server sends under its access token (小程序码, subscribe and template messages) is in
//   wechat-messages.ts; an openid is known to those APIs once WeChat issued it (code2session, OAuth).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagingFake, type DrawnWxacode, type FakeAnswer, type MessagingApp, type SentSubscribeMessage, type SentTemplateMessage } from './wechat-messages.js';

export type { DrawnWxacode, SentSubscribeMessage, SentTemplateMessage } from './wechat-messages.js';

export interface WechatFakeApp extends MessagingApp {
  appid: string;
  secret: string;
  /** 'oa' 公众号 (web OAuth), 'mp' mini-program (wx.login, phone number) */
  kind: 'oa' | 'mp';
  /** 网页授权域名: when set, redirect_uri's host must be one of them */
  redirectDomains?: string[];
}

export interface WechatFakeUser {
  /** pins the openid for this appid; otherwise derived from the person and the appid */
  openid?: string;
  /** the person across apps of one open-platform account */
  unionid?: string;
  nickname: string;
  avatarUrl: string;
}

export type WechatFakeFailure =
  | { errcode: number; errmsg: string }
  | { httpStatus: number }
  /** WeChat does the work, then the connection drops before the answer (the caller cannot know) */
  | { dropAfterHandling: true };

export interface WechatFake {
  /** origin, e.g. http://127.0.0.1:50123; use it as both apiBase and oauthBase */
  readonly url: string;
  /** requests to /cgi-bin/stable_token, failed ones (failNext, errors) included */
  readonly stableTokenCalls: number;
  /** of those, calls with force_refresh: true */
  readonly forcedStableTokenCalls: number;
  /** the user "in the browser" for this 公众号's authorize page */
  setOauthUser(appid: string, user: WechatFakeUser): void;
  /** a js_code as wx.login would hand the mini-program */
  issueLoginCode(appid: string, user: WechatFakeUser): string;
  /** a code as <button open-type="getPhoneNumber"> would hand the mini-program */
  issuePhoneCode(purePhoneNumber: string, opts?: { appid?: string; countryCode?: string }): string;
  /** the openid this person has in this app */
  openidOf(appid: string, user: WechatFakeUser): string;
  /** the next request to this path answers with the failure instead */
  failNext(path: string, failure: WechatFakeFailure): void;
  /** every server and user access token issued so far expires now */
  expireAccessTokens(): void;
  /** requests to this path so far, failed ones included */
  calls(path: string): number;
  /** 小程序码 WeChat drew (wxacode.getUnlimited) */
  readonly wxacodes: DrawnWxacode[];
  readonly subscribeMessages: SentSubscribeMessage[];
  readonly templateMessages: SentTemplateMessage[];
  /** the user accepts the template in wx.requestSubscribeMessage: one more message; answers what the mini-program gets */
  acceptSubscription(appid: string, user: WechatFakeUser, templateId: string): Record<string, string>;
  /** the user turns the template's subscription off in the mini-program's settings */
  revokeSubscriptions(appid: string, user: WechatFakeUser, templateId: string): void;
  /** the user follows (or unfollows) the 公众号 */
  setFollowing(appid: string, user: WechatFakeUser, following: boolean): void;
  advance(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_MS = 7200_000;
const EARLY_REFRESH_MS = 5 * 60_000;
const FORCE_INTERVAL_MS = 30_000;

interface Code {
  appid: string;
  user: WechatFakeUser;
  scope?: string;
  expiresAt: number;
  used: boolean;
}
interface PhoneCode {
  appid?: string;
  pure: string;
  countryCode: string;
  expiresAt: number;
  used: boolean;
}
interface ServerToken {
  appid: string;
  expiresAt: number;
  revoked: boolean;
}
interface UserToken {
  appid: string;
  openid: string;
  user: WechatFakeUser;
  scope: string;
  expiresAt: number;
}

type Answer = FakeAnswer;

export async function startWechatFake(opts: { apps: WechatFakeApp[] }): Promise<WechatFake> {
  const apps = new Map(opts.apps.map((a) => [a.appid, a]));
  let clock = Date.now();
  let stableTokenCalls = 0;
  let forcedStableTokenCalls = 0;
  const oauthUsers = new Map<string, WechatFakeUser>();
  const oauthCodes = new Map<string, Code>();
  const loginCodes = new Map<string, Code>();
  const phoneCodes = new Map<string, PhoneCode>();
  const serverTokens = new Map<string, ServerToken>();
  const currentServerToken = new Map<string, string>();
  const lastForceAt = new Map<string, number>();
  const userTokens = new Map<string, UserToken>();
  const failures = new Map<string, WechatFakeFailure[]>();
  const callCounts = new Map<string, number>();
  /** appid|openid of every openid WeChat handed out: the sending APIs know only those */
  const knownOpenids = new Set<string>();

  const rand = (bytes: number) => crypto.randomBytes(bytes).toString('base64url');
  const openidOf = (appid: string, u: WechatFakeUser) =>
    u.openid ??
    'o' +
      crypto
        .createHash('sha256')
        .update(`${appid}|${u.unionid ?? `${u.nickname}|${u.avatarUrl}`}`)
        .digest('base64url')
        .slice(0, 27);
  const err = (errcode: number, errmsg: string): Answer => ({
    status: 200,
    body: { errcode, errmsg: `${errmsg}, rid: ${crypto.randomUUID().slice(0, 18)}` },
  });

  /** appid + secret, in WeChat's order of complaints */
  function checkApp(appid: string | null | undefined, secret: string | null | undefined, kind?: 'oa' | 'mp'): WechatFakeApp | Answer {
    if (!appid) return err(41002, 'appid missing');
    const app = apps.get(appid);
    if (!app) return err(40013, 'invalid appid');
    if (!secret) return err(41004, 'appsecret missing');
    if (secret !== app.secret) return err(40125, 'invalid appsecret');
    if (kind && app.kind !== kind) return err(48001, 'api unauthorized');
    return app;
  }
  const isAnswer = (x: WechatFakeApp | Answer): x is Answer => !('appid' in x);

  /** single use; unknown, expired and other-appid codes are all 40029 as WeChat does not tell them apart */
  function takeCode(codes: Map<string, Code>, code: string | null, appid: string): Code | Answer {
    if (!code) return err(41008, 'missing code');
    const c = codes.get(code);
    if (!c || c.appid !== appid) return err(40029, 'invalid code');
    if (c.used) return err(40163, 'code been used');
    if (c.expiresAt <= clock) return err(40029, 'invalid code');
    c.used = true;
    return c;
  }
  const isCode = (x: Code | Answer): x is Code => 'user' in x;

  function checkServerToken(token: string | null): ServerToken | Answer {
    if (!token) return err(41001, 'access_token missing');
    const t = serverTokens.get(token);
    if (!t || t.revoked) return err(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresAt <= clock) return err(42001, 'access_token expired');
    return t;
  }

  const messaging = messagingFake({
    apps,
    now: () => clock,
    err,
    serverToken: (token) => {
      const t = checkServerToken(token);
      return 'revoked' in t ? { appid: t.appid } : t;
    },
    knowsOpenid: (appid, openid) => knownOpenids.has(`${appid}|${openid}`),
  });

  function authorize(q: URLSearchParams): Answer {
    const page = (text: string): Answer => ({ status: 400, text });
    const app = apps.get(q.get('appid') ?? '');
    if (!app || app.kind !== 'oa') return page('appid参数错误');
    if (q.get('response_type') !== 'code') return page('response_type参数错误');
    const scope = q.get('scope') ?? '';
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') return page('scope参数错误或没有scope权限');
    let target: URL;
    try {
      target = new URL(q.get('redirect_uri') ?? '');
    } catch {
      return page('redirect_uri参数错误');
    }
    if (app.redirectDomains && !app.redirectDomains.includes(target.host)) return page('redirect_uri参数错误');
    const user = oauthUsers.get(app.appid);
    if (!user) return page('no WeChat user in this browser: call fake.setOauthUser(appid, user)');
    const code = rand(24);
    oauthCodes.set(code, { appid: app.appid, user, scope, expiresAt: clock + CODE_TTL_MS, used: false });
    // snsapi_base redirects silently; for snsapi_userinfo the user's consent is simulated
    target.searchParams.set('code', code);
    target.searchParams.set('state', q.get('state') ?? '');
    return { redirect: target.toString() };
  }

  function oauthAccessToken(q: URLSearchParams): Answer {
    const app = checkApp(q.get('appid'), q.get('secret'), 'oa');
    if (isAnswer(app)) return app;
    if (q.get('grant_type') !== 'authorization_code') return err(40002, 'invalid grant_type');
    const c = takeCode(oauthCodes, q.get('code'), app.appid);
    if (!isCode(c)) return c;
    const openid = openidOf(app.appid, c.user);
    knownOpenids.add(`${app.appid}|${openid}`);
    const token = rand(48);
    userTokens.set(token, { appid: app.appid, openid, user: c.user, scope: c.scope!, expiresAt: clock + TOKEN_TTL_MS });
    return {
      status: 200,
      body: {
        access_token: token,
        expires_in: TOKEN_TTL_MS / 1000,
        refresh_token: rand(48),
        openid,
        scope: c.scope,
        // WeChat documents unionid here only for snsapi_userinfo
        ...(c.scope === 'snsapi_userinfo' && c.user.unionid ? { unionid: c.user.unionid } : {}),
      },
    };
  }

  function userinfo(q: URLSearchParams): Answer {
    const token = q.get('access_token');
    if (!token) return err(41001, 'access_token missing');
    const t = userTokens.get(token);
    if (!t) return err(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresAt <= clock) return err(42001, 'access_token expired');
    if (q.get('openid') !== t.openid) return err(40003, 'invalid openid');
    if (t.scope !== 'snsapi_userinfo') return err(48001, 'api unauthorized');
    return {
      status: 200,
      body: {
        openid: t.openid,
        nickname: t.user.nickname,
        sex: 0, // WeChat stopped returning sex and region in 2021
        province: '',
        city: '',
        country: '',
        headimgurl: t.user.avatarUrl,
        privilege: [],
        ...(t.user.unionid ? { unionid: t.user.unionid } : {}),
      },
    };
  }

  function jscode2session(q: URLSearchParams): Answer {
    const app = checkApp(q.get('appid'), q.get('secret'), 'mp');
    if (isAnswer(app)) return app;
    if (q.get('grant_type') !== 'authorization_code') return err(40002, 'invalid grant_type');
    const c = takeCode(loginCodes, q.get('js_code'), app.appid);
    if (!isCode(c)) return c;
    knownOpenids.add(`${app.appid}|${openidOf(app.appid, c.user)}`);
    return {
      status: 200,
      body: {
        openid: openidOf(app.appid, c.user),
        session_key: crypto.randomBytes(16).toString('base64'),
        ...(c.user.unionid ? { unionid: c.user.unionid } : {}),
      },
    };
  }

  function stableToken(method: string, body: Record<string, unknown> | undefined): Answer {
    if (method !== 'POST') return err(43002, 'require POST method');
    if (!body) return err(47001, 'data format error');
    const force = body.force_refresh === true;
    const app = checkApp(asStr(body.appid), asStr(body.secret));
    if (isAnswer(app)) return app;
    if (body.grant_type !== 'client_credential') return err(40002, 'invalid grant_type');
    const curToken = currentServerToken.get(app.appid);
    const cur = curToken ? serverTokens.get(curToken) : undefined;
    const live = cur && !cur.revoked && cur.expiresAt > clock ? cur : undefined;
    const answer = (token: string, t: ServerToken): Answer => ({
      status: 200,
      body: { access_token: token, expires_in: Math.floor((t.expiresAt - clock) / 1000) },
    });
    if (force) {
      const last = lastForceAt.get(app.appid);
      // "连续使用该模式时，请保证调用时间隔至少为30s，否则不会刷新"
      if (live && last !== undefined && clock - last < FORCE_INTERVAL_MS) return answer(curToken!, live);
      lastForceAt.set(app.appid, clock);
      if (cur) cur.revoked = true; // force refresh invalidates the previous token at once
    } else if (live && live.expiresAt - clock > EARLY_REFRESH_MS) {
      return answer(curToken!, live);
    }
    // new token; in normal mode the old one stays valid until its own expiry (≤ 5 minutes of overlap)
    const token = rand(96);
    const t = { appid: app.appid, expiresAt: clock + TOKEN_TTL_MS, revoked: false };
    serverTokens.set(token, t);
    currentServerToken.set(app.appid, token);
    return answer(token, t);
  }

  function phoneNumber(q: URLSearchParams, body: Record<string, unknown> | undefined): Answer {
    const t = checkServerToken(q.get('access_token'));
    if (!('revoked' in t)) return t;
    if (apps.get(t.appid)?.kind !== 'mp') return err(48001, 'api unauthorized');
    const code = body ? asStr(body.code) : undefined;
    if (!code) return err(47001, 'data format error');
    const c = phoneCodes.get(code);
    // WeChat documents only 40029 for this API, so a reused code is 40029 too
    if (!c || c.used || c.expiresAt <= clock || (c.appid && c.appid !== t.appid)) return err(40029, 'invalid code');
    c.used = true;
    const phone = c.countryCode === '86' ? c.pure : `+${c.countryCode}${c.pure}`;
    return {
      status: 200,
      body: {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: phone,
          purePhoneNumber: c.pure,
          countryCode: c.countryCode,
          watermark: { timestamp: Math.floor(clock / 1000), appid: t.appid },
        },
      },
    };
  }

  async function route(req: http.IncomingMessage): Promise<Answer> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: Record<string, unknown> | undefined;
    if (raw) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        body = undefined;
      }
    }
    if (u.pathname === '/cgi-bin/stable_token') {
      stableTokenCalls++;
      if (body?.force_refresh === true) forcedStableTokenCalls++;
    }
    callCounts.set(u.pathname, (callCounts.get(u.pathname) ?? 0) + 1);
    const queued = failures.get(u.pathname)?.shift();
    if (queued && 'dropAfterHandling' in queued) {
      await handle(u, method, body);
      return { drop: true };
    }
    if (queued) return 'httpStatus' in queued ? { status: queued.httpStatus, text: 'upstream error' } : { status: 200, body: queued };
    return handle(u, method, body);
  }

  async function handle(u: URL, method: string, body: Record<string, unknown> | undefined): Promise<Answer> {
    const q = u.searchParams;
    const sending = messaging.routes[u.pathname];
    if (sending) return sending(method, q, body);
    switch (u.pathname) {
      case '/connect/oauth2/authorize':
        return authorize(q);
      case '/sns/oauth2/access_token':
        return oauthAccessToken(q);
      case '/sns/userinfo':
        return userinfo(q);
      case '/sns/jscode2session':
        return jscode2session(q);
      case '/cgi-bin/stable_token':
        return stableToken(method, body);
      case '/wxa/business/getuserphonenumber':
        return method === 'POST' ? phoneNumber(q, body) : err(43002, 'require POST method');
      default:
        return { status: 404, text: 'not found' };
    }
  }

  const server = http.createServer((req, res) => {
    route(req)
      .then((a) => {
        if ('drop' in a) {
          res.socket?.destroy();
        } else if ('binary' in a) {
          res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': a.binary.length });
          res.end(a.binary);
        } else if ('redirect' in a) {
          res.writeHead(302, { location: a.redirect });
          res.end();
        } else if ('text' in a) {
          res.writeHead(a.status, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(a.text);
        } else {
          const textPlain = (req.url ?? '').startsWith('/sns/');
          res.writeHead(a.status, {
            'content-type': textPlain ? 'text/plain' : 'application/json; encoding=utf-8',
          });
          res.end(JSON.stringify(a.body));
        }
      })
      .catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get stableTokenCalls() {
      return stableTokenCalls;
    },
    get forcedStableTokenCalls() {
      return forcedStableTokenCalls;
    },
    setOauthUser(appid, user) {
      oauthUsers.set(appid, user);
    },
    issueLoginCode(appid, user) {
      const code = rand(24);
      loginCodes.set(code, { appid, user, expiresAt: clock + CODE_TTL_MS, used: false });
      return code;
    },
    issuePhoneCode(pure, o = {}) {
      const code = rand(32);
      phoneCodes.set(code, { appid: o.appid, pure, countryCode: o.countryCode ?? '86', expiresAt: clock + CODE_TTL_MS, used: false });
      return code;
    },
    openidOf,
    failNext(path, failure) {
      const q = failures.get(path) ?? [];
      q.push(failure);
      failures.set(path, q);
    },
    calls: (path) => callCounts.get(path) ?? 0,
    wxacodes: messaging.wxacodes,
    subscribeMessages: messaging.subscribeMessages,
    templateMessages: messaging.templateMessages,
    acceptSubscription: (appid, user, templateId) => messaging.acceptSubscription(appid, openidOf(appid, user), templateId),
    revokeSubscriptions: (appid, user, templateId) => messaging.revokeSubscriptions(appid, openidOf(appid, user), templateId),
    setFollowing: (appid, user, following) => messaging.setFollowing(appid, openidOf(appid, user), following),
    expireAccessTokens() {
      for (const t of serverTokens.values()) t.expiresAt = Math.min(t.expiresAt, clock);
      for (const t of userTokens.values()) t.expiresAt = Math.min(t.expiresAt, clock);
    },
    advance(ms) {
      clock += ms;
    },
    now: () => clock,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve(); // closing twice is fine
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive; close would wait for them
      }),
  };
}

function asStr(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
