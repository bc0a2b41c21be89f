// The risk rules: their settings (what puts an earning on hold), versioned like the programme's
// rules — every save is a new row of risk_rule_versions, the newest is in force, a hold names the
// version that made it, and a save is audited with the version before and after.
import { z } from 'zod';
import type { Executor, Tx } from '../../db/database.js';
import { unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';

const count = (min: number, max: number) => z.number().int().min(min).max(max);

export const RISK_RULES = ['linked_buyer', 'shared_signal', 'refund_rate', 'refund_burst', 'daily_commission'] as const;
export type RiskRule = (typeof RISK_RULES)[number];

export const riskRulesSchema = z.strictObject({
  /** the buyer and the earner share a strong signal (a device, an address with its phone, a payout account, a unionid) */
  linkedBuyer: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** the sweep looks back this many days for earnings whose earner and buyer became linked after the order */
      recheckDays: count(1, 90).default(30),
    })
    .prefault({}),
  /** many new buyers of one earner share one device or address (or, from subnetMinBuyers, one network) */
  sharedSignal: z
    .strictObject({
      enabled: z.boolean().default(false),
      minBuyers: count(2, 10_000).default(3),
      windowDays: count(1, 90).default(7),
      /** a buyer counts as new within this many days of registering */
      newBuyerDays: count(1, 365).default(30),
      /** as many new buyers on one IP /24 (IPv6 /48) also hold; 0 = the network alone never does */
      subnetMinBuyers: count(0, 100_000).default(0),
    })
    .prefault({}),
  /** the earner's buyers got back more than maxRefundBp of what they paid, over at least minOrders orders */
  refundRate: z
    .strictObject({
      enabled: z.boolean().default(false),
      maxRefundBp: count(0, 10_000).default(5_000),
      minOrders: count(1, 100_000).default(5),
      windowDays: count(1, 365).default(30),
    })
    .prefault({}),
  /** at least minOrders of the earner's buyers' orders were paid and refunded within windowMinutes */
  refundBurst: z
    .strictObject({
      enabled: z.boolean().default(false),
      minOrders: count(2, 100_000).default(3),
      windowMinutes: count(1, 10_080).default(60),
    })
    .prefault({}),
  /** the earner's commission in one Shanghai day passes maxFen: that earning and the day's later ones hold */
  dailyCommission: z
    .strictObject({
      enabled: z.boolean().default(false),
      maxFen: count(0, 1e12).default(1_000_000),
    })
    .prefault({}),
});

export type RiskRulesConfig = z.infer<typeof riskRulesSchema>;
export type RiskRulesInput = z.input<typeof riskRulesSchema>;

/** The settings with every rule but this one off. */
export function onlyRule(config: RiskRulesConfig, rule: keyof RiskRulesConfig): RiskRulesConfig {
  return Object.fromEntries(Object.entries(config).map(([key, settings]) => [key, { ...settings, enabled: key === rule }])) as RiskRulesConfig;
}

export interface RiskRulesVersion {
  id: number;
  config: RiskRulesConfig;
  note: string | null;
  createdBy: number | null;
  createdAt: Date;
}

function toVersion(row: { id: number; config: unknown; note: string | null; created_by: number | null; created_at: Date }): RiskRulesVersion {
  // stored configs were validated on save; parsing again fills defaults added since
  return { id: row.id, config: riskRulesSchema.parse(row.config), note: row.note, createdBy: row.created_by, createdAt: row.created_at };
}

export class RiskRules {
  /** versions never change once written */
  private readonly byIdCache = new Map<number, RiskRulesVersion>();

  constructor(private readonly audit: AuditService) {}

  validate(input: unknown): RiskRulesConfig {
    const parsed = riskRulesSchema.safeParse(input);
    if (!parsed.success) throw unprocessable('RISK_RULES_INVALID', 'the risk rules are not valid', parsed.error.issues);
    return parsed.data;
  }

  /** The version in force (the migration wrote the defaults as the first). */
  async current(ex: Executor): Promise<RiskRulesVersion> {
    const row = await ex.selectFrom('risk_rule_versions').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    return this.byId(ex, row.id);
  }

  async byId(ex: Executor, id: number): Promise<RiskRulesVersion> {
    const cached = this.byIdCache.get(id);
    if (cached) return cached;
    const row = await ex.selectFrom('risk_rule_versions').selectAll().where('id', '=', id).executeTakeFirst();
    // holds name versions by foreign key: a missing one is a bug, never a request's fault
    if (!row) throw new Error(`risk rules version ${id} does not exist`);
    const version = toVersion(row);
    this.byIdCache.set(id, version);
    return version;
  }

  async list(ex: Executor, limit = 20): Promise<RiskRulesVersion[]> {
    const rows = await ex.selectFrom('risk_rule_versions').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toVersion);
  }

  async save(tx: Tx, input: unknown, actorId: number, note: string | null): Promise<RiskRulesVersion> {
    const config = this.validate(input);
    const before = await this.current(tx);
    const row = await tx.insertInto('risk_rule_versions').values({ config: JSON.stringify(config), note, created_by: actorId }).returningAll().executeTakeFirstOrThrow();
    await this.audit.record(tx, {
      actorId,
      action: 'risk.rules.update',
      targetType: 'risk_rule_version',
      targetId: row.id,
      before: { version: before.id, config: before.config },
      after: { version: row.id, config },
      reason: note,
    });
    return toVersion(row);
  }
}
