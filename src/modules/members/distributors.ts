// Distributor status (applications, HQ's decision, promotion after a purchase), tiers and groups.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { RulesService } from '../rules/index.js';
import type { DistributorStatus } from './tables.js';

export class MemberDistributors {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rules: RulesService,
    private readonly audit: AuditService,
  ) {}

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

  async tiers(ex: Executor) {
    return ex.selectFrom('distributor_tiers').select(['id', 'name', 'rank']).orderBy('rank').execute();
  }

  /** Adds the tiers whose id does not exist yet, leaving existing ones as they are (the demo's tiers). */
  async addMissingTiers(tx: Tx, tiers: Array<{ id: number; name: string; rank: number }>): Promise<void> {
    await tx.insertInto('distributor_tiers').values(tiers).onConflict((oc) => oc.column('id').doNothing()).execute();
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
}
