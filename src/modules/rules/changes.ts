// Saving rules from the console: who may change which fields, and the four-eyes step for changes
// that cross a line in limits.ts. Every proposal and decision is audited in its own transaction.
import { sql, type Selectable } from 'kysely';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { HqRole } from '../members/index.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { checkFieldRoles, diffConfigs, riskTriggers, type FieldChange, type RiskTrigger } from './limits.js';
import type { RuleConfig, RuleConfigInput, RuleVersion } from './schema.js';
import type { RulesService } from './service.js';
import type { RuleChangeStatus, RuleChangesTable } from './tables.js';

export interface Actor {
  id: number;
  role: HqRole;
}

export interface RuleChange {
  id: number;
  status: RuleChangeStatus;
  baseVersionId: number;
  proposedConfig: RuleConfig;
  note: string | null;
  triggers: RiskTrigger[];
  proposedBy: number;
  proposedByName: string | null;
  createdAt: Date;
  decidedBy: number | null;
  decidedAt: Date | null;
  reason: string | null;
  appliedVersionId: number | null;
  /** what the change does to the version it was proposed against */
  changes: FieldChange[];
  /** the rules moved on since: approving would answer 409 RULES_CHANGED_SINCE_PROPOSAL */
  stale: boolean;
}

export type SubmitResult = { kind: 'saved'; version: RuleVersion } | { kind: 'pending'; change: RuleChange };

type Row = Selectable<RuleChangesTable> & { proposed_by_name?: string | null };

const ID_MAX = 2_147_483_647;

export class RuleChangesService {
  constructor(
    private readonly rules: RulesService,
    private readonly audit: AuditService,
  ) {}

  /** Saves at once, or files a pending change when the change crosses a second-approval line. */
  async submit(tx: Tx, input: RuleConfigInput, actor: Actor, note: string | null): Promise<SubmitResult> {
    const config = this.rules.validate(input);
    // the version this change is checked against stays the one in force until commit
    await lockRuleVersions(tx);
    const before = await this.rules.current(tx);
    const changes = diffConfigs(before.config, config);
    checkFieldRoles(actor.role, changes);
    const triggers = riskTriggers(before.config, config);
    if (triggers.length === 0) return { kind: 'saved', version: await this.rules.save(tx, config, actor.id, note) };
    return { kind: 'pending', change: await this.propose(tx, before, config, triggers, actor, note) };
  }

  private async propose(tx: Tx, base: RuleVersion, config: RuleConfig, triggers: RiskTrigger[], actor: Actor, note: string | null): Promise<RuleChange> {
    const row = await tx
      .insertInto('rule_changes')
      .values({ base_version_id: base.id, proposed_config: JSON.stringify(config), note, triggers: JSON.stringify(triggers), proposed_by: actor.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit.record(tx, {
      actorId: actor.id,
      action: 'rules.change_proposed',
      targetType: 'rule_change',
      targetId: row.id,
      before: { version: base.id, config: base.config },
      after: { config, triggers },
      reason: note,
    });
    return this.describe(tx, row, base.id);
  }

  async list(ex: Executor, query: { status?: RuleChangeStatus; limit: number }): Promise<RuleChange[]> {
    let q = this.select(ex).orderBy('rule_changes.id', 'desc').limit(query.limit);
    if (query.status) q = q.where('rule_changes.status', '=', query.status);
    const rows = await q.execute();
    const current = await this.rules.current(ex);
    return Promise.all(rows.map((row) => this.describe(ex, row, current.id)));
  }

  /** Pending changes someone other than this member proposed against the rules in force (approvable: not stale), through rule_changes_pending_idx. */
  async countAwaiting(ex: Executor, memberId: number): Promise<number> {
    const current = await this.rules.current(ex);
    const row = await ex
      .selectFrom('rule_changes')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', sql.lit('pending'))
      .where('proposed_by', '<>', memberId)
      .where('base_version_id', '=', current.id)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async get(ex: Executor, id: number): Promise<RuleChange> {
    const row = id > ID_MAX ? undefined : await this.select(ex).where('rule_changes.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('RULE_CHANGE_NOT_FOUND', `rule change ${id} does not exist`);
    return this.describe(ex, row, (await this.rules.current(ex)).id);
  }

  /**
   * A second owner/finance member puts a pending change in force, exactly as proposed. The change's
   * row lock makes concurrent decisions take turns (the later one finds it decided: 409); the table
   * lock keeps any other save from landing between the "still the same version?" check and the save.
   */
  async approve(db: Db, id: number, actor: Actor, reason: string | null): Promise<{ change: RuleChange; version: RuleVersion }> {
    const outcome = await inTransaction(db, async (tx) => {
      const row = await this.lockForDecision(tx, id, 'approve');
      if (row.proposed_by === actor.id) throw forbidden('SECOND_APPROVER_REQUIRED', 'a change needs a second approver: you proposed it, so someone else from owner or finance must approve it');
      await lockRuleVersions(tx);
      const current = await this.rules.current(tx);
      if (current.id !== row.base_version_id) return { stale: await this.supersede(tx, row, actor, current.id) };
      const version = await this.rules.save(tx, row.proposed_config as RuleConfigInput, row.proposed_by, row.note);
      const decided = await this.decide(tx, row, { status: 'approved', actor, reason, appliedVersionId: version.id }, { version: version.id, config: version.config });
      return { change: await this.describe(tx, decided, version.id), version };
    });
    if ('stale' in outcome) throw outcome.stale;
    return outcome;
  }

  /** Turns a pending change down; the proposer may withdraw their own this way. */
  async reject(db: Db, id: number, actor: Actor, reason: string): Promise<RuleChange> {
    return inTransaction(db, async (tx) => {
      const row = await this.lockForDecision(tx, id, 'reject');
      const decided = await this.decide(tx, row, { status: 'rejected', actor, reason, appliedVersionId: null }, { status: 'rejected' });
      return this.describe(tx, decided, (await this.rules.current(tx)).id);
    });
  }

  private select(ex: Executor) {
    return ex
      .selectFrom('rule_changes')
      .leftJoin('members', 'members.id', 'rule_changes.proposed_by')
      .selectAll('rule_changes')
      .select('members.nickname as proposed_by_name');
  }

  private async lockForDecision(tx: Tx, id: number, decision: 'approve' | 'reject'): Promise<Row> {
    const row = id > ID_MAX ? undefined : await tx.selectFrom('rule_changes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('RULE_CHANGE_NOT_FOUND', `rule change ${id} does not exist`);
    if (row.status === 'superseded' && decision === 'approve') throw stale(row.base_version_id, null);
    if (row.status !== 'pending') throw conflict('RULE_CHANGE_DECIDED', `rule change ${id} is already ${row.status}`, { status: row.status, decidedBy: row.decided_by });
    return row;
  }

  private async supersede(tx: Tx, row: Row, actor: Actor, currentId: number) {
    await this.decide(tx, row, { status: 'superseded', actor, reason: `rules moved on to version ${currentId}`, appliedVersionId: null }, { status: 'superseded', currentVersion: currentId });
    return stale(row.base_version_id, currentId);
  }

  /** The conditional update is the second guard: only a row still pending changes. */
  private async decide(tx: Tx, row: Row, d: { status: RuleChangeStatus; actor: Actor; reason: string | null; appliedVersionId: number | null }, after: Record<string, unknown>): Promise<Row> {
    const updated = await tx
      .updateTable('rule_changes')
      .set({ status: d.status, decided_by: d.actor.id, decided_at: sql<Date>`now()`, reason: d.reason, applied_version_id: d.appliedVersionId })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw conflict('RULE_CHANGE_DECIDED', `rule change ${row.id} was decided meanwhile`);
    await this.audit.record(tx, {
      actorId: d.actor.id,
      action: `rules.change_${d.status}`,
      targetType: 'rule_change',
      targetId: row.id,
      before: { status: 'pending', version: row.base_version_id, proposedBy: row.proposed_by },
      after: { ...after, status: d.status },
      reason: d.reason,
    });
    return updated;
  }

  private async describe(ex: Executor, row: Row, currentVersionId: number): Promise<RuleChange> {
    const proposed = this.rules.validate(row.proposed_config as RuleConfigInput);
    const base = await this.rules.byId(ex, row.base_version_id);
    return {
      id: row.id,
      status: row.status,
      baseVersionId: row.base_version_id,
      proposedConfig: proposed,
      note: row.note,
      triggers: row.triggers as RiskTrigger[],
      proposedBy: row.proposed_by,
      proposedByName: row.proposed_by_name !== undefined ? row.proposed_by_name : await nicknameOf(ex, row.proposed_by),
      createdAt: row.created_at,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
      reason: row.reason,
      appliedVersionId: row.applied_version_id,
      changes: diffConfigs(base.config, proposed),
      stale: row.status === 'pending' && row.base_version_id !== currentVersionId,
    };
  }
}

async function nicknameOf(ex: Executor, memberId: number): Promise<string | null> {
  return (await ex.selectFrom('members').select('nickname').where('id', '=', memberId).executeTakeFirst())?.nickname ?? null;
}

/** Saves take turns (reads, like an order paying by the version in force, do not wait). */
async function lockRuleVersions(tx: Tx) {
  await sql`lock table rule_versions in share row exclusive mode`.execute(tx);
}

function stale(baseVersionId: number, currentVersionId: number | null) {
  return conflict('RULES_CHANGED_SINCE_PROPOSAL', `the rules changed since this was proposed (against version ${baseVersionId}); propose it again from the rules in force`, { baseVersionId, currentVersionId });
}
