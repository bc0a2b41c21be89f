// Signing in with WeChat: the 公众号's web OAuth (silent snsapi_base, snsapi_userinfo only when the
// profile is wanted) and the mini-program's code2session and phone-number button. One person is one
// member: an openid is looked up first, then the unionid that WeChat shares between the two apps.
import { randomCode } from '../../random.js';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { badRequest, conflict, AppError, notFound } from '../../errors.js';
import type { WechatConfig } from '../../config.js';
import type { MemberProfile, MembersService } from '../members/index.js';
import type { AccessTokenStore, WechatAccessTokens } from './access-token-cache.js';
import { hashOpaque, newOpaqueSecret } from './tokens.js';
import { WechatApiError, type WechatApi, type WechatAppCredentials } from './wechat-api.js';

const STATE_TTL_MS = 10 * 60_000;
const TICKET_TTL_MS = 2 * 60_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type OauthScope = 'snsapi_base' | 'snsapi_userinfo';

interface WechatPerson {
  kind: 'oa' | 'mp';
  appid: string;
  openid: string;
  unionid?: string;
  nickname?: string;
  avatarUrl?: string;
}

interface Attribution {
  inviteCode?: string;
  visitorKey?: string;
}

function randomState(): string {
  return randomCode(ALNUM, 32);
}

/** Only a path on our own origin: anything else would make the callback an open redirect. */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || value.length > 500) return '/';
  return value;
}

function wechatFailure(error: unknown): AppError {
  if (error instanceof WechatApiError && (error.kind === 'code_invalid' || error.kind === 'code_used')) {
    return badRequest('WECHAT_CODE_INVALID', 'the WeChat code is invalid, expired or used: sign in again');
  }
  if (error instanceof WechatApiError && error.kind === 'rate_limited') return new AppError(429, 'WECHAT_BUSY', 'WeChat is limiting requests, try again shortly');
  return new AppError(503, 'WECHAT_UNAVAILABLE', 'WeChat sign-in is unavailable right now');
}

/** WeChat server access tokens in a table every instance shares. */
export class PgAccessTokenStore implements AccessTokenStore {
  constructor(private readonly db: Db) {}
  async get(appid: string) {
    const row = await this.db.selectFrom('wechat_access_tokens').select(['token', 'expires_at']).where('appid', '=', appid).executeTakeFirst();
    return row ? { token: row.token, expiresAt: row.expires_at } : undefined;
  }
  async put(appid: string, token: string, expiresAt: Date) {
    await this.db
      .insertInto('wechat_access_tokens')
      .values({ appid, token, expires_at: expiresAt })
      .onConflict((oc) => oc.column('appid').doUpdateSet({ token, expires_at: expiresAt }))
      .execute();
  }
}

export class WechatLoginService {
  constructor(
    private readonly db: Db,
    private readonly config: WechatConfig,
    private readonly api: WechatApi,
    private readonly tokens: WechatAccessTokens,
    private readonly members: MembersService,
    private readonly clock: Clock,
  ) {}

  get oaEnabled(): boolean {
    return Boolean(this.config.oa);
  }

  get miniProgramEnabled(): boolean {
    return Boolean(this.config.mp);
  }

  private app(kind: 'oa' | 'mp'): WechatAppCredentials {
    const app = kind === 'oa' ? this.config.oa : this.config.mp;
    if (!app) throw notFound(kind === 'oa' ? 'WECHAT_OA_NOT_CONFIGURED' : 'WECHAT_MP_NOT_CONFIGURED', 'WeChat sign-in is not configured here');
    return app;
  }

  /** The authorize URL; the share code and the page to come back to wait in a state row. */
  async startOauth(input: { scope: OauthScope; returnTo?: string; callbackUrl: string } & Attribution): Promise<string> {
    const app = this.app('oa');
    const state = randomState();
    await this.db
      .insertInto('wechat_oauth_states')
      .values({ state, scope: input.scope, return_to: safeReturnPath(input.returnTo), invite_code: input.inviteCode ?? null, visitor_key: input.visitorKey ?? null, created_at: this.clock.now() })
      .execute();
    return this.api.oauthAuthorizeUrl(app.appid, input.callbackUrl, input.scope, state);
  }

  /** WeChat came back with a code: the member (found or made, bound per the rules) and where to go. */
  async finishOauth(code: string, state: string): Promise<{ member: MemberProfile; returnTo: string }> {
    const now = this.clock.now();
    const round = await this.db
      .updateTable('wechat_oauth_states')
      .set({ used_at: now })
      .where('state', '=', state)
      .where('used_at', 'is', null)
      .where('created_at', '>', new Date(now.getTime() - STATE_TTL_MS))
      .returningAll()
      .executeTakeFirst();
    if (!round) throw badRequest('OAUTH_STATE_INVALID', 'this sign-in link expired or was used: open the page again');
    const app = this.app('oa');
    const person = await this.oauthPerson(app, code, round.scope);
    const member = await this.findOrCreate(person, { inviteCode: round.invite_code ?? undefined, visitorKey: round.visitor_key ?? undefined }, round.scope === 'snsapi_userinfo');
    return { member, returnTo: round.return_to };
  }

  private async oauthPerson(app: WechatAppCredentials, code: string, scope: OauthScope): Promise<WechatPerson> {
    try {
      const token = await this.api.oauthExchangeCode(app, code);
      if (token.isSnapshotUser) throw badRequest('WECHAT_SNAPSHOT_USER', 'open the page in WeChat itself to sign in');
      const person: WechatPerson = { kind: 'oa', appid: app.appid, openid: token.openid, unionid: token.unionid };
      if (scope !== 'snsapi_userinfo') return person;
      const info = await this.api.oauthUserInfo(token.accessToken, token.openid);
      return { ...person, unionid: info.unionid ?? person.unionid, nickname: info.nickname, avatarUrl: info.avatarUrl || undefined };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw wechatFailure(error);
    }
  }

  /** The mini-program's wx.login code: the member behind it, made on first sight. */
  async miniProgramLogin(jsCode: string, attribution: Attribution): Promise<MemberProfile> {
    const app = this.app('mp');
    const session = await this.api.code2Session(app, jsCode).catch((error: unknown) => {
      throw wechatFailure(error);
    });
    return this.findOrCreate({ kind: 'mp', appid: app.appid, openid: session.openid, unionid: session.unionid }, attribution, false);
  }

  /** The phone-number button's code: WeChat vouches for the phone, which is bound to the member. */
  async bindMiniProgramPhone(memberId: number, phoneCode: string): Promise<MemberProfile> {
    const app = this.app('mp');
    const phone = await this.tokens.withToken(app, (token) => this.api.userPhoneNumber(token, phoneCode)).catch((error: unknown) => {
      throw wechatFailure(error);
    });
    if (phone.countryCode !== '86') throw badRequest('PHONE_INVALID', 'only mainland mobile numbers can be bound');
    return inTransaction(this.db, (tx) => this.members.bindPhone(tx, memberId, phone.purePhoneNumber));
  }

  private async findOrCreate(person: WechatPerson, attribution: Attribution, takeProfile: boolean): Promise<MemberProfile> {
    return inTransaction(this.db, async (tx) => {
      const memberId = (await this.identityOwner(tx, person)) ?? (await this.createFor(tx, person, attribution));
      if (await this.isDisabled(tx, memberId)) throw new AppError(403, 'ACCOUNT_DISABLED', 'this account is disabled');
      if (takeProfile && person.nickname) {
        return this.members.updateProfile(memberId, { nickname: person.nickname.slice(0, 30), ...(person.avatarUrl ? { avatarUrl: person.avatarUrl } : {}) }, tx);
      }
      return this.members.require(tx, memberId);
    });
  }

  private async isDisabled(ex: Executor, memberId: number): Promise<boolean> {
    const row = await ex.selectFrom('members').select('disabled_at').where('id', '=', memberId).executeTakeFirst();
    return Boolean(row?.disabled_at);
  }

  /** The member's openid in one WeChat app (JSAPI / mini-program payments and transfers are made to it). */
  async openidOf(memberId: number, appid: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('member_wechat_identities').select('openid').where('member_id', '=', memberId).where('appid', '=', appid).orderBy('created_at', 'desc').executeTakeFirst();
    return row?.openid;
  }

  /** The member who owns this openid, or (adding this app's openid) the one with its unionid. */
  private async identityOwner(tx: Tx, person: WechatPerson): Promise<number | undefined> {
    const own = await tx.selectFrom('member_wechat_identities').select(['member_id', 'unionid']).where('appid', '=', person.appid).where('openid', '=', person.openid).executeTakeFirst();
    if (own) {
      if (person.unionid && !own.unionid) await tx.updateTable('member_wechat_identities').set({ unionid: person.unionid }).where('appid', '=', person.appid).where('openid', '=', person.openid).execute();
      return own.member_id;
    }
    if (!person.unionid) return undefined;
    const sibling = await tx.selectFrom('member_wechat_identities').select('member_id').where('unionid', '=', person.unionid).orderBy('id').limit(1).executeTakeFirst();
    if (!sibling) return undefined;
    await this.addIdentity(tx, sibling.member_id, person);
    return sibling.member_id;
  }

  private async createFor(tx: Tx, person: WechatPerson, attribution: Attribution): Promise<number> {
    const nickname = person.nickname?.slice(0, 30) || `微信用户${person.openid.slice(-4)}`;
    const member = await this.members.createMember(tx, { phone: null, passwordHash: null, nickname, avatarUrl: person.avatarUrl ?? null, ...attribution });
    await this.addIdentity(tx, member.id, person);
    return member.id;
  }

  private async addIdentity(tx: Tx, memberId: number, person: WechatPerson): Promise<void> {
    await tx
      .insertInto('member_wechat_identities')
      .values({ member_id: memberId, app_kind: person.kind, appid: person.appid, openid: person.openid, unionid: person.unionid ?? null, created_at: this.clock.now() })
      .execute();
  }

  /** A signed-in member links this mini-program login to their account (e.g. after a phone login). */
  async linkMiniProgram(memberId: number, jsCode: string): Promise<void> {
    const app = this.app('mp');
    const session = await this.api.code2Session(app, jsCode).catch((error: unknown) => {
      throw wechatFailure(error);
    });
    await inTransaction(this.db, async (tx) => {
      const owner = await this.identityOwner(tx, { kind: 'mp', appid: app.appid, openid: session.openid, unionid: session.unionid });
      if (owner === memberId) return;
      if (owner !== undefined) throw conflict('WECHAT_ALREADY_LINKED', 'this WeChat account belongs to another member');
      await this.addIdentity(tx, memberId, { kind: 'mp', appid: app.appid, openid: session.openid, unionid: session.unionid });
    });
  }

  async identitiesOf(ex: Executor, memberId: number): Promise<Array<'oa' | 'mp'>> {
    const rows = await ex.selectFrom('member_wechat_identities').select('app_kind').where('member_id', '=', memberId).execute();
    return [...new Set(rows.map((r) => r.app_kind))];
  }

  /** The unionids these members signed in with (the risk module's identity graph: one person, one unionid). */
  async unionidsOf(ex: Executor, memberIds: number[]): Promise<Array<{ id: number; memberId: number; unionid: string }>> {
    if (memberIds.length === 0) return [];
    return ex.selectFrom('member_wechat_identities').select(['id', 'member_id as memberId', 'unionid']).where('member_id', 'in', memberIds).where('unionid', 'is not', null).orderBy('id').execute() as Promise<Array<{ id: number; memberId: number; unionid: string }>>;
  }

  /** WeChat identities with a unionid after this id, oldest first (the risk sweep's feed). */
  async unionidsAfter(ex: Executor, afterId: number, limit: number): Promise<Array<{ id: number; memberId: number; unionid: string }>> {
    return ex.selectFrom('member_wechat_identities').select(['id', 'member_id as memberId', 'unionid']).where('id', '>', afterId).where('unionid', 'is not', null).orderBy('id').limit(limit).execute() as Promise<Array<{ id: number; memberId: number; unionid: string }>>;
  }

  /** A one-time ticket for the page behind the redirect: tokens never travel in a URL. */
  async issueTicket(memberId: number): Promise<string> {
    const now = this.clock.now();
    const ticket = newOpaqueSecret();
    await this.db.insertInto('login_tickets').values({ ticket_hash: ticket.hash, member_id: memberId, created_at: now, expires_at: new Date(now.getTime() + TICKET_TTL_MS) }).execute();
    return ticket.value;
  }

  async redeemTicket(ticket: string): Promise<number> {
    const now = this.clock.now();
    const row = await this.db
      .updateTable('login_tickets')
      .set({ used_at: now })
      .where('ticket_hash', '=', hashOpaque(ticket))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('member_id')
      .executeTakeFirst();
    if (!row) throw badRequest('TICKET_INVALID', 'this sign-in ticket expired or was used');
    return row.member_id;
  }
}
