// The identity module's face: sessions, the second factor, WeChat sign-in, shared limits.
// Its tables (024_identity.sql) are written only here.
import type { Logger } from 'pino';
import type { AppConfig } from '../../config.js';
import type { Clock } from '../../context.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { MembersService } from '../members/index.js';
import type { ReferralService } from '../referral/index.js';
import { WechatAccessTokens } from './access-token-cache.js';
import { SecondFactorService } from './second-factor.js';
import { SessionService } from './sessions.js';
import { TokenSigner } from './tokens.js';
import { DEFAULT_WECHAT_ENDPOINTS, WechatApi } from './wechat-api.js';
import { PgAccessTokenStore, WechatLoginService } from './wechat-login.js';

export { PgLimitStore, RedisLimitStore, type LimitStore } from './limits.js';
export type { SessionTokens, SignedInMember } from './sessions.js';
export { WechatApiError, type SubscribeMessage, type TemplateMessage, type WechatTemplateData, type WxacodeRequest } from './wechat-api.js';
export type { WechatAccessTokens } from './access-token-cache.js';

export interface IdentityDeps {
  db: Db;
  config: AppConfig;
  log: Logger;
  members: MembersService;
  referral: ReferralService;
  audit: AuditService;
  /** wall time */
  clock: Clock;
  fetchFn?: typeof fetch;
}

export function createIdentity(deps: IdentityDeps) {
  const signer = new TokenSigner(deps.config.jwtSecret);
  const sessions = new SessionService(deps.db, signer, deps.clock);
  const secondFactor = new SecondFactorService(deps.db, signer, deps.audit, deps.clock);
  const wechatConfig = deps.config.wechat ?? { ...DEFAULT_WECHAT_ENDPOINTS };
  const api = new WechatApi({ apiBase: wechatConfig.apiBase, oauthBase: wechatConfig.oauthBase }, deps.fetchFn ?? fetch);
  const accessTokens = new WechatAccessTokens(api, new PgAccessTokenStore(deps.db), { now: () => deps.clock.now().getTime() });
  const wechat = new WechatLoginService(deps.db, wechatConfig, api, accessTokens, deps.members, deps.clock);
  // the server-API adapter and the shared access tokens, for features that call WeChat under the same apps
  const wechatServer = { api, accessTokens, apps: { oa: wechatConfig.oa, mp: wechatConfig.mp } };
  return { signer, sessions, secondFactor, wechat, wechatServer, mfaRequired: deps.config.hqMfaRequired === true };
}

export type Identity = ReturnType<typeof createIdentity>;
export { enforceLimits, LimitedError } from './limits.js';
export { safeReturnPath } from './wechat-login.js';
