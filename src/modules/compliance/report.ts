// The compliance report for HQ: the rule version in force and the commission levels it sets, every
// compliance override ever recorded (from the audit log, with who and when), what the programme paid
// in a period per metric (analytics' read model), and the configurations that cross the line without
// an override (each module that configures rewards registers a findings source).
import type { Executor } from '../../db/database.js';
import { complianceMoney, type ComplianceMoney } from '../analytics/index.js';
import type { AuditService } from '../audit/index.js';
import type { MembersService } from '../members/index.js';
import { MAX_LEVELS_WITHOUT_OVERRIDE, type RulesService } from '../rules/index.js';
import { COMPLIANCE_OVERRIDE_ACTIONS, type ComplianceCode } from './guard.js';

/** A configuration that crosses the line with no override, and what the system does about it. */
export interface ComplianceFinding {
  area: 'contest' | 'agent_level' | 'tier_rule';
  id: number;
  name: string;
  code: ComplianceCode;
  field: string;
  /** what happens while it stays so (e.g. the cash prizes are withheld at the deadline) */
  effect: string;
}

export type FindingsSource = (ex: Executor) => Promise<ComplianceFinding[]>;

export interface ComplianceOverrideEntry {
  auditId: number;
  action: string;
  targetType: string;
  targetId: string | null;
  actorId: number | null;
  actorName: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: Date;
}

export interface ComplianceReport {
  generatedAt: Date;
  range: { from: string; to: string };
  ruleVersion: { id: number; createdAt: Date; createdBy: number | null; createdByName: string | null; note: string | null };
  commission: {
    levels: number;
    maxLevelsWithoutOverride: number;
    levelsOverride: { reason: string } | null;
    selfPurchase: boolean;
    capBp: number;
    freezeDays: number;
    tierRates: Array<{ tierId: number; tierName: string | null; ratesBp: number[] }>;
  };
  distributorMode: string;
  overrides: ComplianceOverrideEntry[];
  money: ComplianceMoney & { recruitingCashFen: number };
  findings: ComplianceFinding[];
}

const PAGE = 200;

export class ComplianceService {
  private readonly sources: FindingsSource[] = [];

  constructor(
    private readonly rules: RulesService,
    private readonly audit: AuditService,
    private readonly members: MembersService,
    private readonly clock: { now(): Date },
  ) {}

  /** A module that configures rewards tells the report what of it crosses the line unoverridden. */
  addFindings(source: FindingsSource): void {
    this.sources.push(source);
  }

  /** Every override entry of the audit log, newest first. */
  async overrides(ex: Executor): Promise<ComplianceOverrideEntry[]> {
    const out: ComplianceOverrideEntry[] = [];
    for (const action of COMPLIANCE_OVERRIDE_ACTIONS) {
      for (let beforeId: number | undefined; ; ) {
        const rows = await this.audit.list(ex, { action, limit: PAGE, beforeId });
        for (const r of rows) out.push({ auditId: r.id, action: r.action, targetType: r.targetType, targetId: r.targetId, actorId: r.actorId, actorName: r.actorName, reason: r.reason, before: r.before, after: r.after, at: r.createdAt });
        if (rows.length < PAGE) break;
        beforeId = rows[rows.length - 1].id;
      }
    }
    return out.sort((a, b) => b.auditId - a.auditId);
  }

  async findings(ex: Executor): Promise<ComplianceFinding[]> {
    const all: ComplianceFinding[] = [];
    for (const source of this.sources) all.push(...(await source(ex)));
    return all;
  }

  /**
   * The report for the days [from, to] (Asia/Shanghai, both included). `ex` is the read database: the
   * report decides nothing.
   */
  async report(ex: Executor, days: { from: string; to: string }): Promise<ComplianceReport> {
    const start = new Date(`${days.from}T00:00:00+08:00`);
    const before = new Date(new Date(`${days.to}T00:00:00+08:00`).getTime() + 86_400_000);
    const version = await this.rules.current(ex);
    const c = version.config.commission;
    const tiers = await this.members.tiers(ex);
    const tierName = new Map(tiers.map((t) => [t.id, t.name]));
    const tierIds = [...new Set([...tiers.map((t) => t.id), ...Object.keys(c.tierRatesBp).map(Number)])].sort((a, b) => a - b);
    const creator = version.createdBy === null ? undefined : await ex.selectFrom('members').select('nickname').where('id', '=', version.createdBy).executeTakeFirst();
    const money = await complianceMoney(ex, { start, before });
    const recruitingCashFen = money.agentReferral.cashFen + money.contestPrizes.filter((p) => p.metric === 'invites').reduce((s, p) => s + p.cashFen, 0);
    return {
      generatedAt: this.clock.now(),
      range: days,
      ruleVersion: { id: version.id, createdAt: version.createdAt, createdBy: version.createdBy, createdByName: creator?.nickname ?? null, note: version.note },
      commission: {
        levels: c.levels,
        maxLevelsWithoutOverride: MAX_LEVELS_WITHOUT_OVERRIDE,
        levelsOverride: c.complianceOverride ?? null,
        selfPurchase: c.selfPurchase,
        capBp: c.capBp,
        freezeDays: c.freezeDays,
        tierRates: tierIds.map((id) => ({ tierId: id, tierName: tierName.get(id) ?? null, ratesBp: (c.tierRatesBp[String(id)] ?? c.tierRatesBp['1'] ?? []).slice(0, c.levels) })),
      },
      distributorMode: version.config.distributor.mode,
      overrides: await this.overrides(ex),
      money: { ...money, recruitingCashFen },
      findings: await this.findings(ex),
    };
  }
}
