// Members: registration and login by phone, passwords, profiles, disabling, HQ roles, search.
// Distributor status, tiers and groups are in distributors.ts; MembersService answers for them too.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { sql, type ExpressionBuilder } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { DistributorStatus, HqRole } from './tables.js';
import { AppError, badRequest, conflict, forbidden, notFound, unauthorized } from '../../errors.js';
import { shanghaiDayStart } from '../../money.js';
import { randomCode } from '../../random.js';
import type { AuditService } from '../audit/index.js';
import type { LedgerService } from '../ledger/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RulesService } from '../rules/index.js';
import { enforceLimits, LimitedError, type LimitStore } from '../identity/index.js';
import { SmsSendError, type SmsProvider, type SmsPurpose } from './sms.js';
import { MemberDistributors } from './distributors.js';
import { profileColumns, toProfile, type MemberProfile } from './profile.js';

export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
const SMS_CODE_TTL_MS = 5 * 60_000;
const SMS_RESEND_MS = 60_000;
const SMS_DAILY_LIMIT = 10;
const SMS_MAX_ATTEMPTS = 5;
const DAY_MS = 24 * 3600_000;
/** wrong passwords before back-off starts: per phone from one address, and per phone from anywhere */
const LOGIN_FREE_FAILURES = { phoneAndIp: 5, phone: 20 };
/** back-off doubles from 1 s and stops growing here: a flood of wrong guesses delays, never locks out */
const LOGIN_BACKOFF_CAP_SECONDS = 300;
const LOGIN_FAILURE_WINDOW_MS = 3600_000;

/** Limits shared by every instance (config; tests set their own). */
export interface AccessLimits {
  smsPerIpPerHour: number;
  smsGlobalPerMinute: number;
  loginPerIpPerMinute: number;
  loginGlobalPerMinute: number;
  /** checkouts one buyer may start per minute (unpaid orders hold stock); default 30 */
  checkoutPerMemberPerMinute?: number;
}
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type { SmsPurpose } from './sms.js';
export { profileColumns, toProfile } from './profile.js';
export type { MemberProfile } from './profile.js';

export interface RegisterInput {
  phone: string;
  password: string;
  smsCode: string;
  nickname?: string;
  inviteCode?: string;
  visitorKey?: string;
}

function codeHash(phone: string, purpose: string, code: string): string {
  return createHash('sha256').update(`${phone}:${purpose}:${code}`).digest('hex');
}

function newInviteCode(): string {
  return randomCode(INVITE_ALPHABET, 8);
}

export class MembersService {
  private readonly distributors: MemberDistributors;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sms: SmsProvider,
    private readonly ledger: LedgerService,
    private readonly referral: ReferralService,
    private readonly rules: RulesService,
    private readonly audit: AuditService,
    private readonly limits: LimitStore,
    private readonly accessLimits: AccessLimits,
  ) {
    this.distributors = new MemberDistributors(db, clock, rules, audit);
  }

  async requestSmsCode(phone: string, purpose: SmsPurpose, ip: string): Promise<{ expiresInSeconds: number; devCode?: string }> {
    if (!PHONE_PATTERN.test(phone)) throw badRequest('PHONE_INVALID', 'phone must be a mainland mobile number');
    const now = this.clock.now();
    // counted in the shared store, so several instances cannot each grant their own allowance
    // the asker's own limits first: a request refused there spends nothing of the phone's allowance
    await enforceLimits(this.limits, [
      { key: `sms:ip:${ip}`, windowMs: 3600_000, max: this.accessLimits.smsPerIpPerHour, code: 'SMS_IP_LIMIT', message: 'too many codes asked from this address' },
      { key: 'sms:global', windowMs: 60_000, max: this.accessLimits.smsGlobalPerMinute, code: 'SMS_BUSY', message: 'codes are being sent slowly right now, try again shortly' },
      { key: `sms:phone:${phone}`, windowMs: SMS_RESEND_MS, max: 1, code: 'SMS_TOO_FREQUENT', message: 'wait a minute before asking for another code' },
      { key: `sms:day:${phone}:${shanghaiDayStart(now).toISOString().slice(0, 10)}`, windowMs: DAY_MS, max: SMS_DAILY_LIMIT, code: 'SMS_DAILY_LIMIT', message: 'too many codes for this phone today' },
    ], now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.db
      .insertInto('sms_codes')
      .values({ phone, purpose, code_hash: codeHash(phone, purpose, code), expires_at: new Date(now.getTime() + SMS_CODE_TTL_MS), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      await this.sms.sendCode(phone, code, purpose);
    } catch (error) {
      // a code nobody received must not be guessable, and must not hold back the next request
      await this.db.deleteFrom('sms_codes').where('id', '=', row.id).execute();
      await this.limits.reset(`sms:phone:${phone}`);
      throw smsFailure(error);
    }
    return { expiresInSeconds: SMS_CODE_TTL_MS / 1000, ...(this.sms.revealsCodes ? { devCode: code } : {}) };
  }

  /**
   * Consumes the latest live code, in its own statements: a wrong guess must count even when
   * the caller's work fails, and five wrong guesses burn the code.
   */
  private async consumeSmsCode(phone: string, purpose: SmsPurpose, code: string): Promise<void> {
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('sms_codes')
      .selectAll()
      .where('phone', '=', phone)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const invalid = () => badRequest('SMS_CODE_INVALID', 'the verification code is wrong or expired');
    if (!row || row.attempts >= SMS_MAX_ATTEMPTS) throw invalid();
    const expected = Buffer.from(row.code_hash, 'hex');
    const given = Buffer.from(codeHash(phone, purpose, code), 'hex');
    if (!timingSafeEqual(expected, given)) {
      await this.db.updateTable('sms_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', row.id).execute();
      throw invalid();
    }
    const consumed = await this.db
      .updateTable('sms_codes')
      .set({ consumed_at: now })
      .where('id', '=', row.id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(consumed.numUpdatedRows) !== 1) throw invalid();
  }

  async register(input: RegisterInput): Promise<MemberProfile> {
    if (!PHONE_PATTERN.test(input.phone)) throw badRequest('PHONE_INVALID', 'phone must be a mainland mobile number');
    // the code first: without it, nobody learns whether a phone is registered
    await this.consumeSmsCode(input.phone, 'register', input.smsCode);
    const taken = await this.db.selectFrom('members').select('id').where('phone', '=', input.phone).executeTakeFirst();
    if (taken) throw conflict('PHONE_TAKEN', 'this phone is already registered: log in instead');
    const passwordHash = await argonHash(input.password);
    return inTransaction(this.db, async (tx) => {
      return this.createMember(tx, {
        phone: input.phone,
        passwordHash,
        nickname: input.nickname ?? `用户${input.phone.slice(-4)}`,
        inviteCode: input.inviteCode,
        visitorKey: input.visitorKey,
      });
    });
  }

  /** Creates a member with ledger accounts and a place in the tree; used by registration and demo seeding. */
  async createMember(
    tx: Tx,
    input: { phone: string | null; passwordHash: string | null; nickname: string; avatarUrl?: string | null; hqRole?: HqRole; inviteCode?: string; visitorKey?: string; mustChangePassword?: boolean },
  ): Promise<MemberProfile> {
    const rules = (await this.rules.current(tx)).config;
    const now = this.clock.now();
    const automatic = rules.distributor.mode === 'automatic';
    let row;
    for (let attempt = 0; ; attempt++) {
      try {
        row = await tx
          .insertInto('members')
          .values({
            phone: input.phone,
            password_hash: input.passwordHash,
            nickname: input.nickname,
            avatar_url: input.avatarUrl ?? null,
            hq_role: input.hqRole ?? null,
            must_change_password: input.mustChangePassword ?? false,
            invite_code: newInviteCode(),
            distributor_status: automatic ? 'active' : 'none',
            distributor_since: automatic ? now : null,
            created_at: now,
          })
          .returning(profileColumns)
          .executeTakeFirstOrThrow();
        break;
      } catch (error) {
        // an invite code collision (32^8 space) is retried; anything else is real
        if ((error as { constraint?: string }).constraint !== 'members_invite_code_key' || attempt > 3) throw error;
      }
    }
    await this.ledger.openMemberAccounts(tx, row.id);
    await this.referral.onRegistered(tx, row.id, { inviteCode: input.inviteCode, visitorKey: input.visitorKey }, rules);
    return toProfile(row);
  }

  /** Phone and password, with back-off on wrong guesses (never a lock: the SMS login stays open). */
  async login(phone: string, password: string, ip: string): Promise<MemberProfile> {
    const now = this.clock.now();
    await this.enforceLoginLimits(ip, now);
    const failureKeys = [`login-fail:${phone}:${ip}`, `login-fail:${phone}`];
    await this.checkBackoff(failureKeys, [LOGIN_FREE_FAILURES.phoneAndIp, LOGIN_FREE_FAILURES.phone], now);
    const row = await this.db.selectFrom('members').select([...profileColumns, 'password_hash', 'disabled_at']).where('phone', '=', phone).executeTakeFirst();
    // verify against a dummy hash when the phone is unknown, so timing does not reveal who is registered
    const ok = await argonVerify(row?.password_hash ?? DUMMY_HASH, password).catch(() => false);
    if (!row || !ok) {
      for (const key of failureKeys) await this.limits.hit(key, LOGIN_FAILURE_WINDOW_MS, now);
      throw unauthorized('INVALID_CREDENTIALS', 'phone or password is wrong');
    }
    for (const key of failureKeys) await this.limits.reset(key);
    if (row.disabled_at) throw forbidden('ACCOUNT_DISABLED', 'this account is disabled');
    return toProfile(row);
  }

  /** Phone and an SMS code: also the way in while password guesses are backing off. */
  async loginBySms(phone: string, smsCode: string, ip: string): Promise<MemberProfile> {
    await this.enforceLoginLimits(ip, this.clock.now());
    await this.consumeSmsCode(phone, 'login', smsCode);
    const row = await this.db.selectFrom('members').select([...profileColumns, 'disabled_at']).where('phone', '=', phone).executeTakeFirst();
    if (!row) throw unauthorized('INVALID_CREDENTIALS', 'no account has this phone: register first');
    if (row.disabled_at) throw forbidden('ACCOUNT_DISABLED', 'this account is disabled');
    return toProfile(row);
  }

  private async enforceLoginLimits(ip: string, now: Date): Promise<void> {
    await enforceLimits(this.limits, [
      { key: `login:ip:${ip}`, windowMs: 60_000, max: this.accessLimits.loginPerIpPerMinute, code: 'LOGIN_RATE_LIMITED', message: 'too many sign-ins from this address' },
      { key: 'login:global', windowMs: 60_000, max: this.accessLimits.loginGlobalPerMinute, code: 'LOGIN_RATE_LIMITED', message: 'too many sign-ins right now, try again shortly' },
    ], now);
  }

  private async checkBackoff(keys: string[], free: number[], now: Date): Promise<void> {
    for (const [i, key] of keys.entries()) {
      const count = await this.limits.peek(key, now);
      if (!count || count.hits < free[i]! || !count.previousHitAt) continue;
      const delaySeconds = Math.min(2 ** (count.hits - free[i]!), LOGIN_BACKOFF_CAP_SECONDS);
      const waitMs = count.previousHitAt.getTime() + delaySeconds * 1000 - now.getTime();
      if (waitMs > 0) throw new LimitedError('LOGIN_BACKOFF', 'too many wrong passwords: wait a moment, or log in with an SMS code', Math.ceil(waitMs / 1000));
    }
  }

  async resetPassword(phone: string, smsCode: string, newPassword: string): Promise<void> {
    await this.consumeSmsCode(phone, 'reset_password', smsCode);
    const passwordHash = await argonHash(newPassword);
    await inTransaction(this.db, async (tx) => {
      // the version moves: every session of this member ends at once
      const updated = await tx
        .updateTable('members')
        .set((eb) => ({ password_hash: passwordHash, must_change_password: false, session_version: eb('session_version', '+', 1) }))
        .where('phone', '=', phone)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw notFound('MEMBER_NOT_FOUND', 'no member has this phone');
    });
  }

  /** A signed-in member sets a new password (the current one is needed when there is one); other sessions end. */
  async changePassword(memberId: number, currentPassword: string | undefined, newPassword: string): Promise<void> {
    const row = await this.db.selectFrom('members').select('password_hash').where('id', '=', memberId).executeTakeFirstOrThrow();
    if (row.password_hash) {
      const ok = currentPassword !== undefined && (await argonVerify(row.password_hash, currentPassword).catch(() => false));
      if (!ok) throw unauthorized('INVALID_CREDENTIALS', 'the current password is wrong');
      if (await argonVerify(row.password_hash, newPassword).catch(() => false)) throw badRequest('PASSWORD_UNCHANGED', 'choose a password you have not used here');
    }
    const passwordHash = await argonHash(newPassword);
    await this.db
      .updateTable('members')
      .set((eb) => ({ password_hash: passwordHash, must_change_password: false, session_version: eb('session_version', '+', 1) }))
      .where('id', '=', memberId)
      .execute();
  }

  /** What the member's own account view shows beside the profile. */
  async accountFlags(ex: Executor, memberId: number): Promise<{ mustChangePassword: boolean; hasPassword: boolean; sessionVersion: number }> {
    const row = await ex.selectFrom('members').select(['password_hash', 'must_change_password', 'session_version']).where('id', '=', memberId).executeTakeFirstOrThrow();
    return { mustChangePassword: row.must_change_password, hasPassword: Boolean(row.password_hash), sessionVersion: row.session_version };
  }

  /** Every session of the member ends at once (each checks the version on every request). */
  async endSessions(memberId: number): Promise<void> {
    await this.db.updateTable('members').set((eb) => ({ session_version: eb('session_version', '+', 1) })).where('id', '=', memberId).execute();
  }

  /** HQ disables or enables a member's account; disabling ends every session at once. Audited. */
  async setDisabled(actorId: number, memberId: number, disabled: boolean, reason: string): Promise<void> {
    if (actorId === memberId) throw conflict('CANNOT_DISABLE_SELF', 'you cannot disable your own account');
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('members').select(['disabled_at', 'hq_role']).where('id', '=', memberId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      if (Boolean(before.disabled_at) === disabled) return;
      if (disabled && before.hq_role === 'owner') await this.assertAnotherOwner(tx, memberId);
      await tx
        .updateTable('members')
        .set((eb) => ({ disabled_at: disabled ? this.clock.now() : null, session_version: eb('session_version', '+', 1) }))
        .where('id', '=', memberId)
        .execute();
      await this.audit.record(tx, { actorId, action: disabled ? 'member.disable' : 'member.enable', targetType: 'member', targetId: memberId, before: { disabled: Boolean(before.disabled_at) }, after: { disabled }, reason });
    });
  }

  private async assertAnotherOwner(tx: Tx, memberId: number): Promise<void> {
    const other = await tx.selectFrom('members').select('id').where('hq_role', '=', 'owner').where('id', '!=', memberId).where('disabled_at', 'is', null).executeTakeFirst();
    if (!other) throw conflict('LAST_OWNER', 'the last active owner cannot be disabled or demoted');
  }

  /** A member who signed in by WeChat binds the phone WeChat vouched for. */
  async bindPhone(tx: Tx, memberId: number, phone: string): Promise<MemberProfile> {
    const holder = await tx.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirst();
    if (holder && holder.id !== memberId) throw conflict('PHONE_TAKEN', 'this phone belongs to another account');
    const row = await tx.updateTable('members').set({ phone }).where('id', '=', memberId).returning(profileColumns).executeTakeFirstOrThrow();
    return toProfile(row);
  }

  /**
   * The first owner of a fresh HQ: once, only while no member holds an HQ role. Takes an existing
   * member with this phone or makes one; the one-time password must be changed at first login.
   */
  async createFirstOwner(phone: string, oneTimePassword: string): Promise<MemberProfile> {
    if (!PHONE_PATTERN.test(phone)) throw badRequest('PHONE_INVALID', 'phone must be a mainland mobile number');
    const passwordHash = await argonHash(oneTimePassword);
    return inTransaction(this.db, async (tx) => {
      // serialise two create-owner runs: the second sees the first's owner
      await sql`lock table members in share row exclusive mode`.execute(tx);
      const hq = await tx.selectFrom('members').select('id').where('hq_role', 'is not', null).executeTakeFirst();
      if (hq) throw conflict('HQ_NOT_EMPTY', 'this HQ already has staff: the owner adds others in the console');
      const existing = await tx.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirst();
      const owner = existing
        ? toProfile(
            await tx
              .updateTable('members')
              .set((eb) => ({ hq_role: 'owner', password_hash: passwordHash, must_change_password: true, disabled_at: null, session_version: eb('session_version', '+', 1) }))
              .where('id', '=', existing.id)
              .returning(profileColumns)
              .executeTakeFirstOrThrow(),
          )
        : await this.createMember(tx, { phone, passwordHash, nickname: `总部${phone.slice(-4)}`, hqRole: 'owner', mustChangePassword: true });
      await this.audit.record(tx, { actorId: null, action: 'member.role', targetType: 'member', targetId: owner.id, before: null, after: { hqRole: 'owner' }, reason: 'npm run create-owner' });
      return owner;
    });
  }

  async get(ex: Executor, id: number): Promise<MemberProfile | undefined> {
    const row = await ex.selectFrom('members').select(profileColumns).where('id', '=', id).executeTakeFirst();
    return row ? toProfile(row) : undefined;
  }

  async require(ex: Executor, id: number): Promise<MemberProfile> {
    const member = await this.get(ex, id);
    if (!member) throw notFound('MEMBER_NOT_FOUND', `member ${id} does not exist`);
    return member;
  }

  async updateProfile(id: number, patch: { nickname?: string; avatarUrl?: string | null }, ex: Executor = this.db): Promise<MemberProfile> {
    // an empty patch is a valid no-op, not an UPDATE with nothing to set
    if (patch.nickname === undefined && patch.avatarUrl === undefined) return this.require(ex, id);
    const row = await ex
      .updateTable('members')
      .set({
        ...(patch.nickname !== undefined ? { nickname: patch.nickname } : {}),
        ...(patch.avatarUrl !== undefined ? { avatar_url: patch.avatarUrl } : {}),
      })
      .where('id', '=', id)
      .returning(profileColumns)
      .executeTakeFirstOrThrow();
    return toProfile(row);
  }

  async setHqRole(actorId: number, memberId: number, role: HqRole | null, reason: string): Promise<void> {
    if (actorId === memberId) throw conflict('CANNOT_CHANGE_OWN_ROLE', 'you cannot change your own role');
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('members').select('hq_role').where('id', '=', memberId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      if (before.hq_role === 'owner' && role !== 'owner') await this.assertAnotherOwner(tx, memberId);
      // a new role starts with new sessions: the old ones end at once
      await tx.updateTable('members').set((eb) => ({ hq_role: role, session_version: eb('session_version', '+', 1) })).where('id', '=', memberId).execute();
      await this.audit.record(tx, { actorId, action: 'member.role', targetType: 'member', targetId: memberId, before: { hqRole: before.hq_role }, after: { hqRole: role }, reason });
    });
  }

  // --- distributors, tiers, groups (distributors.ts) ---------------------------

  applyForDistributor(memberId: number, note: string | null) { return this.distributors.applyForDistributor(memberId, note); }
  listApplications(ex: Executor, status: 'pending' | 'approved' | 'rejected', limit: number) { return this.distributors.listApplications(ex, status, limit); }
  reviewApplication(actorId: number, applicationId: number, approve: boolean, reason: string | null) {
    return this.distributors.reviewApplication(actorId, applicationId, approve, reason);
  }
  setDistributorStatus(actorId: number, memberId: number, status: DistributorStatus, reason: string) {
    return this.distributors.setDistributorStatus(actorId, memberId, status, reason);
  }
  /** After a purchase: rules may make the buyer a distributor on first purchase or past a spend. */
  promoteAfterPurchase(tx: Tx, memberId: number, totalSpentFen: number, rules: { mode: string; spendThresholdFen: number }) {
    return this.distributors.promoteAfterPurchase(tx, memberId, totalSpentFen, rules);
  }
  setTier(actorId: number, memberId: number, tierId: number, reason: string) { return this.distributors.setTier(actorId, memberId, tierId, reason); }
  /** Sets a tier inside the caller's transaction (actor null = an automatic upgrade); audited; returns the previous tier. */
  setTierIn(tx: Tx, actorId: number | null, memberId: number, tierId: number, reason: string) { return this.distributors.setTierIn(tx, actorId, memberId, tierId, reason); }
  setGroup(actorId: number, memberId: number, groupId: number | null, reason: string) { return this.distributors.setGroup(actorId, memberId, groupId, reason); }
  tiers(ex: Executor) { return this.distributors.tiers(ex); }
  /** Adds the tiers whose id does not exist yet, leaving existing ones as they are (the demo's tiers). */
  addMissingTiers(tx: Tx, tiers: Array<{ id: number; name: string; rank: number }>) { return this.distributors.addMissingTiers(tx, tiers); }
  upsertTier(actorId: number, tier: { id: number; name: string; rank: number }) { return this.distributors.upsertTier(actorId, tier); }
  groups(ex: Executor) { return this.distributors.groups(ex); }
  createGroup(actorId: number, name: string) { return this.distributors.createGroup(actorId, name); }

  async search(
    ex: Executor,
    filter: { q?: string; tierId?: number; groupId?: number; distributorStatus?: DistributorStatus; hqOnly?: boolean; phoneMatch?: 'partial' | 'whole'; limit: number; offset: number },
  ) {
    let query = ex.selectFrom('members').select(profileColumns);
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // 'whole': digits of a phone find nothing, so masked phones cannot be recovered by searching
      const phoneTerm = (eb: ExpressionBuilder<Database, 'members'>) => (filter.phoneMatch === 'whole' ? eb('phone', '=', filter.q!) : eb('phone', 'like', like));
      query = query.where((eb) => eb.or([phoneTerm(eb), eb('nickname', 'like', like), eb('invite_code', '=', filter.q!.toUpperCase())]));
    }
    if (filter.tierId !== undefined) query = query.where('tier_id', '=', filter.tierId);
    if (filter.groupId !== undefined) query = query.where('group_id', '=', filter.groupId);
    if (filter.distributorStatus) query = query.where('distributor_status', '=', filter.distributorStatus);
    if (filter.hqOnly) query = query.where('hq_role', 'is not', null);
    const [rows, total] = await Promise.all([
      query.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute(),
      query.clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toProfile), total: total.n };
  }

  static hashPassword(password: string): Promise<string> {
    return argonHash(password);
  }
}

// an Argon2id hash of a random string nobody knows
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$RinorkFgJXxY1U5yXxpUgg$tNPigHanz2b4S/UeR32zQbdhJN9YrPrRckbvb84ol/o';

/** A provider's refusal as the API's answer: the member can retry later; configuration errors say so to the operator. */
function smsFailure(error: unknown): AppError {
  const kind = error instanceof SmsSendError ? error.kind : 'unavailable';
  if (kind === 'throttled') return new AppError(429, 'SMS_TOO_FREQUENT', 'the SMS provider asks to wait before another code to this phone');
  if (kind === 'phone') return badRequest('PHONE_CANNOT_RECEIVE', 'this phone number cannot receive SMS');
  return new AppError(503, 'SMS_UNAVAILABLE', 'codes cannot be sent right now, try again later');
}
