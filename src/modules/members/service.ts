// Members: registration and login by phone, profiles, distributor status, tiers, groups, HQ roles.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { DistributorStatus, HqRole } from '../../db/schema.js';
import { badRequest, conflict, notFound, tooMany, unauthorized, unprocessable } from '../../errors.js';
import { shanghaiDayStart } from '../../money.js';
import type { AuditService } from '../audit/service.js';
import type { LedgerService } from '../ledger/service.js';
import type { ReferralService } from '../referral/service.js';
import type { RulesService } from '../rules/service.js';
import type { SmsProvider, SmsPurpose } from './sms.js';

export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
const SMS_CODE_TTL_MS = 5 * 60_000;
const SMS_RESEND_MS = 60_000;
const SMS_DAILY_LIMIT = 10;
const SMS_MAX_ATTEMPTS = 5;
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type { SmsPurpose } from './sms.js';

export interface MemberProfile {
  id: number;
  phone: string;
  nickname: string;
  avatarUrl: string | null;
  hqRole: HqRole | null;
  inviteCode: string;
  distributorStatus: DistributorStatus;
  distributorSince: Date | null;
  tierId: number;
  groupId: number | null;
  createdAt: Date;
}

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
  let code = '';
  for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}

export function toProfile(row: {
  id: number;
  phone: string;
  nickname: string;
  avatar_url: string | null;
  hq_role: HqRole | null;
  invite_code: string;
  distributor_status: DistributorStatus;
  distributor_since: Date | null;
  tier_id: number;
  group_id: number | null;
  created_at: Date;
}): MemberProfile {
  return {
    id: row.id,
    phone: row.phone,
    nickname: row.nickname,
    avatarUrl: row.avatar_url,
    hqRole: row.hq_role,
    inviteCode: row.invite_code,
    distributorStatus: row.distributor_status,
    distributorSince: row.distributor_since,
    tierId: row.tier_id,
    groupId: row.group_id,
    createdAt: row.created_at,
  };
}

const profileColumns = [
  'id',
  'phone',
  'nickname',
  'avatar_url',
  'hq_role',
  'invite_code',
  'distributor_status',
  'distributor_since',
  'tier_id',
  'group_id',
  'created_at',
] as const;

export class MembersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sms: SmsProvider,
    private readonly ledger: LedgerService,
    private readonly referral: ReferralService,
    private readonly rules: RulesService,
    private readonly audit: AuditService,
  ) {}

  async requestSmsCode(phone: string, purpose: SmsPurpose): Promise<{ expiresInSeconds: number; devCode?: string }> {
    if (!PHONE_PATTERN.test(phone)) throw badRequest('PHONE_INVALID', 'phone must be a mainland mobile number');
    const now = this.clock.now();
    // the resend gap looks at the latest code whatever its day; the daily cap counts today's
    const latest = await this.db.selectFrom('sms_codes').select('created_at').where('phone', '=', phone).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    if (latest && now.getTime() - latest.created_at.getTime() < SMS_RESEND_MS) {
      throw tooMany('SMS_TOO_FREQUENT', 'wait a minute before asking for another code');
    }
    const today = await this.db
      .selectFrom('sms_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone', '=', phone)
      .where('created_at', '>=', shanghaiDayStart(now))
      .executeTakeFirstOrThrow();
    if (Number(today.n) >= SMS_DAILY_LIMIT) throw tooMany('SMS_DAILY_LIMIT', 'too many codes for this phone today');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.db
      .insertInto('sms_codes')
      .values({
        phone,
        purpose,
        code_hash: codeHash(phone, purpose, code),
        expires_at: new Date(now.getTime() + SMS_CODE_TTL_MS),
        created_at: now,
      })
      .execute();
    await this.sms.sendCode(phone, code, purpose);
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
    const taken = await this.db.selectFrom('members').select('id').where('phone', '=', input.phone).executeTakeFirst();
    if (taken) throw conflict('PHONE_TAKEN', 'this phone is already registered');
    await this.consumeSmsCode(input.phone, 'register', input.smsCode);
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
    input: { phone: string; passwordHash: string; nickname: string; hqRole?: HqRole; inviteCode?: string; visitorKey?: string },
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
            hq_role: input.hqRole ?? null,
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

  async login(phone: string, password: string): Promise<MemberProfile> {
    const row = await this.db.selectFrom('members').select([...profileColumns, 'password_hash']).where('phone', '=', phone).executeTakeFirst();
    // verify against a dummy hash when the phone is unknown, so timing does not reveal who is registered
    const ok = await argonVerify(row?.password_hash ?? DUMMY_HASH, password).catch(() => false);
    if (!row || !ok) throw unauthorized('INVALID_CREDENTIALS', 'phone or password is wrong');
    return toProfile(row);
  }

  async resetPassword(phone: string, smsCode: string, newPassword: string): Promise<void> {
    await this.consumeSmsCode(phone, 'reset_password', smsCode);
    const passwordHash = await argonHash(newPassword);
    await inTransaction(this.db, async (tx) => {
      const updated = await tx.updateTable('members').set({ password_hash: passwordHash }).where('phone', '=', phone).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw notFound('MEMBER_NOT_FOUND', 'no member has this phone');
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

  async updateProfile(id: number, patch: { nickname?: string; avatarUrl?: string | null }): Promise<MemberProfile> {
    const row = await this.db
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

  // --- distributors -------------------------------------------------------------

  async applyForDistributor(memberId: number, note: string | null): Promise<{ applicationId: number; status: string }> {
    return inTransaction(this.db, async (tx) => {
      const member = await tx.selectFrom('members').select(['distributor_status']).where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
      if (member.distributor_status === 'active') throw conflict('ALREADY_DISTRIBUTOR', 'you are already a distributor');
      if (member.distributor_status === 'disabled') throw conflict('DISTRIBUTOR_DISABLED', 'your distributor status was disabled by HQ');
      const rules = (await this.rules.current(tx)).config;
      if (rules.distributor.mode !== 'application') {
        throw conflict('APPLICATION_NOT_USED', `distributors are made ${rules.distributor.mode.replace('_', ' ')}, not by application`);
      }
      const open = await tx.selectFrom('distributor_applications').select('id').where('member_id', '=', memberId).where('status', '=', 'pending').executeTakeFirst();
      if (open) return { applicationId: open.id, status: 'pending' };
      const app = await tx.insertInto('distributor_applications').values({ member_id: memberId, note, created_at: this.clock.now() }).returning('id').executeTakeFirstOrThrow();
      await tx.updateTable('members').set({ distributor_status: 'applied' }).where('id', '=', memberId).execute();
      return { applicationId: app.id, status: 'pending' };
    });
  }

  async listApplications(ex: Executor, status: 'pending' | 'approved' | 'rejected', limit: number) {
    return ex
      .selectFrom('distributor_applications as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.id', 'a.member_id as memberId', 'm.nickname', 'm.phone', 'a.status', 'a.note', 'a.review_reason as reviewReason', 'a.created_at as createdAt', 'a.reviewed_at as reviewedAt'])
      .where('a.status', '=', status)
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute();
  }

  async reviewApplication(actorId: number, applicationId: number, approve: boolean, reason: string | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const app = await tx.selectFrom('distributor_applications').selectAll().where('id', '=', applicationId).forUpdate().executeTakeFirst();
      if (!app) throw notFound('APPLICATION_NOT_FOUND', `application ${applicationId} does not exist`);
      if (app.status !== 'pending') throw conflict('APPLICATION_ALREADY_REVIEWED', `application is already ${app.status}`);
      const now = this.clock.now();
      await tx
        .updateTable('distributor_applications')
        .set({ status: approve ? 'approved' : 'rejected', review_reason: reason, reviewed_by: actorId, reviewed_at: now })
        .where('id', '=', applicationId)
        .execute();
      await this.setDistributorStatusIn(tx, actorId, app.member_id, approve ? 'active' : 'rejected', reason ?? (approve ? 'application approved' : 'application rejected'));
    });
  }

  async setDistributorStatus(actorId: number, memberId: number, status: DistributorStatus, reason: string): Promise<void> {
    await inTransaction(this.db, (tx) => this.setDistributorStatusIn(tx, actorId, memberId, status, reason));
  }

  private async setDistributorStatusIn(tx: Tx, actorId: number | null, memberId: number, status: DistributorStatus, reason: string): Promise<void> {
    const before = await tx.selectFrom('members').select(['distributor_status', 'distributor_since']).where('id', '=', memberId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
    if (before.distributor_status === status) return;
    await tx
      .updateTable('members')
      .set({ distributor_status: status, distributor_since: status === 'active' ? (before.distributor_since ?? this.clock.now()) : before.distributor_since })
      .where('id', '=', memberId)
      .execute();
    await this.audit.record(tx, {
      actorId,
      action: 'distributor.status',
      targetType: 'member',
      targetId: memberId,
      before: { distributorStatus: before.distributor_status },
      after: { distributorStatus: status },
      reason,
    });
  }

  /** After a purchase: rules may make the buyer a distributor on first purchase or past a spend. */
  async promoteAfterPurchase(tx: Tx, memberId: number, totalSpentFen: number, rules: { mode: string; spendThresholdFen: number }): Promise<boolean> {
    const qualifies =
      rules.mode === 'first_purchase' || (rules.mode === 'spend_threshold' && totalSpentFen >= rules.spendThresholdFen);
    if (!qualifies) return false;
    const updated = await tx
      .updateTable('members')
      .set({ distributor_status: 'active', distributor_since: this.clock.now() })
      .where('id', '=', memberId)
      .where('distributor_status', 'in', ['none', 'applied'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) {
      await this.audit.record(tx, {
        actorId: null,
        action: 'distributor.status',
        targetType: 'member',
        targetId: memberId,
        before: null,
        after: { distributorStatus: 'active' },
        reason: rules.mode === 'first_purchase' ? 'first purchase' : `spent ${totalSpentFen} fen`,
      });
      return true;
    }
    return false;
  }

  async setTier(actorId: number, memberId: number, tierId: number, reason: string): Promise<void> {
    await inTransaction(this.db, (tx) => this.setTierIn(tx, actorId, memberId, tierId, reason));
  }

  /** Sets a tier inside the caller's transaction (actor null = an automatic upgrade); audited; returns the previous tier. */
  async setTierIn(tx: Tx, actorId: number | null, memberId: number, tierId: number, reason: string): Promise<number> {
    const tier = await tx.selectFrom('distributor_tiers').select('id').where('id', '=', tierId).executeTakeFirst();
    if (!tier) throw unprocessable('TIER_NOT_FOUND', `tier ${tierId} does not exist`);
    const before = await tx.selectFrom('members').select('tier_id').where('id', '=', memberId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
    if (before.tier_id === tierId) return before.tier_id;
    await tx.updateTable('members').set({ tier_id: tierId }).where('id', '=', memberId).execute();
    await this.audit.record(tx, { actorId, action: 'distributor.tier', targetType: 'member', targetId: memberId, before: { tierId: before.tier_id }, after: { tierId }, reason });
    return before.tier_id;
  }

  async setGroup(actorId: number, memberId: number, groupId: number | null, reason: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      if (groupId !== null) {
        const group = await tx.selectFrom('distributor_groups').select('id').where('id', '=', groupId).executeTakeFirst();
        if (!group) throw unprocessable('GROUP_NOT_FOUND', `group ${groupId} does not exist`);
      }
      const before = await tx.selectFrom('members').select('group_id').where('id', '=', memberId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      await tx.updateTable('members').set({ group_id: groupId }).where('id', '=', memberId).execute();
      await this.audit.record(tx, { actorId, action: 'distributor.group', targetType: 'member', targetId: memberId, before: { groupId: before.group_id }, after: { groupId }, reason });
    });
  }

  async setHqRole(actorId: number, memberId: number, role: HqRole | null, reason: string): Promise<void> {
    if (actorId === memberId) throw conflict('CANNOT_CHANGE_OWN_ROLE', 'you cannot change your own role');
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('members').select('hq_role').where('id', '=', memberId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      await tx.updateTable('members').set({ hq_role: role }).where('id', '=', memberId).execute();
      await this.audit.record(tx, { actorId, action: 'member.role', targetType: 'member', targetId: memberId, before: { hqRole: before.hq_role }, after: { hqRole: role }, reason });
    });
  }

  async tiers(ex: Executor) {
    return ex.selectFrom('distributor_tiers').select(['id', 'name', 'rank']).orderBy('rank').execute();
  }

  async upsertTier(actorId: number, tier: { id: number; name: string; rank: number }): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('distributor_tiers').selectAll().where('id', '=', tier.id).executeTakeFirst();
      await tx
        .insertInto('distributor_tiers')
        .values(tier)
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: tier.name, rank: tier.rank }))
        .execute();
      await this.audit.record(tx, { actorId, action: 'tier.save', targetType: 'tier', targetId: tier.id, before: before ?? null, after: tier });
    });
  }

  async groups(ex: Executor) {
    return ex.selectFrom('distributor_groups').select(['id', 'name']).orderBy('id').execute();
  }

  async createGroup(actorId: number, name: string) {
    return inTransaction(this.db, async (tx) => {
      const row = await tx.insertInto('distributor_groups').values({ name }).onConflict((oc) => oc.column('name').doNothing()).returning(['id', 'name']).executeTakeFirst();
      if (!row) throw conflict('GROUP_EXISTS', 'a group with this name exists');
      await this.audit.record(tx, { actorId, action: 'group.create', targetType: 'group', targetId: row.id, after: row });
      return row;
    });
  }

  async search(
    ex: Executor,
    filter: { q?: string; tierId?: number; groupId?: number; distributorStatus?: DistributorStatus; hqOnly?: boolean; limit: number; offset: number },
  ) {
    let query = ex.selectFrom('members').select(profileColumns);
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('phone', 'like', like), eb('nickname', 'like', like), eb('invite_code', '=', filter.q!.toUpperCase())]));
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
