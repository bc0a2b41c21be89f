// Versioned programme settings: commission, binding, distributor, payout and order rules.
import { LOCK_KEYS, lockForTransaction, type Executor, type Tx } from '../../db/database.js';
import { unprocessable, notFound } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { RuleChangesService } from './changes.js';
import { MAX_LEVELS_WITHOUT_OVERRIDE, ruleConfigSchema, type RuleConfig, type RuleConfigInput, type RuleVersion } from './schema.js';

export class RulesService {
  /** versions are immutable once written, so reading one by id can be remembered */
  private readonly byIdCache = new Map<number, RuleVersion>();
  /** saving from the console: field roles and the second approver (changes.ts) */
  readonly changes: RuleChangesService;

  constructor(private readonly audit: AuditService) {
    this.changes = new RuleChangesService(this, audit);
  }

  /** Checks the compliance line and the shape; returns the full config with defaults. */
  validate(input: RuleConfigInput): RuleConfig {
    const parsed = ruleConfigSchema.safeParse(input);
    if (!parsed.success) {
      throw unprocessable('RULES_INVALID', 'the rules are not valid', parsed.error.issues);
    }
    const config = parsed.data;
    if (config.commission.levels > MAX_LEVELS_WITHOUT_OVERRIDE && !config.commission.complianceOverride) {
      throw unprocessable(
        'COMPLIANCE_OVERRIDE_REQUIRED',
        `more than ${MAX_LEVELS_WITHOUT_OVERRIDE} commission levels needs an explicit compliance override with a reason`,
      );
    }
    return config;
  }

  /** The version in force: one index lookup for its id, then the parsed version (remembered once committed). */
  async current(ex: Executor): Promise<RuleVersion> {
    const row = await ex.selectFrom('rule_versions').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!row) throw new Error('no rule version: ensureInitial() was not run');
    return this.byId(ex, row.id);
  }

  async byId(ex: Executor, id: number): Promise<RuleVersion> {
    const cached = this.byIdCache.get(id);
    if (cached) return cached;
    const row = await ex.selectFrom('rule_versions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('RULE_VERSION_NOT_FOUND', `rule version ${id} does not exist`);
    const version = toVersion(row);
    // safe even inside a transaction: a rolled-back version's id is never handed out again
    this.byIdCache.set(id, version);
    return version;
  }

  async list(ex: Executor, limit = 50): Promise<RuleVersion[]> {
    const rows = await ex.selectFrom('rule_versions').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toVersion);
  }

  async ensureInitial(tx: Tx, initial: RuleConfigInput = {}): Promise<RuleVersion> {
    // instances starting at once: the second waits here and finds the first's defaults
    await lockForTransaction(tx, LOCK_KEYS.startup);
    const existing = await tx.selectFrom('rule_versions').select('id').limit(1).executeTakeFirst();
    if (existing) return this.current(tx);
    const config = this.validate(initial);
    const row = await tx
      .insertInto('rule_versions')
      .values({ config: JSON.stringify(config), note: 'defaults', created_by: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion(row);
  }

  async save(tx: Tx, input: RuleConfigInput, actorId: number, note: string | null): Promise<RuleVersion> {
    const config = this.validate(input);
    const before = await this.current(tx);
    const row = await tx
      .insertInto('rule_versions')
      .values({ config: JSON.stringify(config), note, created_by: actorId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit.record(tx, {
      actorId,
      action: 'rules.save',
      targetType: 'rule_version',
      targetId: row.id,
      before: { version: before.id, config: before.config },
      after: { version: row.id, config },
      reason: note,
    });
    if (config.commission.complianceOverride && config.commission.levels > MAX_LEVELS_WITHOUT_OVERRIDE) {
      await this.audit.record(tx, {
        actorId,
        action: 'rules.compliance_override',
        targetType: 'rule_version',
        targetId: row.id,
        before: { levels: before.config.commission.levels },
        after: { levels: config.commission.levels },
        reason: config.commission.complianceOverride.reason,
      });
    }
    return toVersion(row);
  }
}

function toVersion(row: { id: number; config: unknown; note: string | null; created_by: number | null; created_at: Date }): RuleVersion {
  return {
    id: row.id,
    // stored configs were validated on save; parsing again fills defaults added since
    config: ruleConfigSchema.parse(row.config),
    note: row.note,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
