// Agents (代理商): regional agents own a division and earn tier differentials on orders there,
// within their term; a child's rate never exceeds its parent's. Awards go through commission
// earnings, so they freeze, unfreeze and reverse on refunds exactly like commission.
// Non-regional agents have a level (sales award rate, referral award); every agent has a term and
// may have yearly targets by quarter.
//
// Targets, attributed orders and earnings are in performance.ts; AgentsService answers for them.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { Extensions } from '../../extensions.js';
import { paidOrderEarning, type AfterCommit, type OrderParticipant, type PaidOrderEarning, type PayingOrder } from '../orders/index.js';
import { applyRateBp } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionLine, CommissionService, PlannedEarning } from '../commission/index.js';
import { overrideColumns, overrideOf, RECRUITING_CASH, recruitingCashRefused, type ComplianceFinding, type ComplianceOverrideInput } from '../compliance/index.js';
import type { RuleVersion } from '../rules/index.js';
import { contains, coveringRegions, levelOfRegion, planRegionalAwards, type RegionLevel } from './differential.js';
import { withAgentTables, withAgentTablesTx } from './tables.js';
import { AgentPerformance } from './performance.js';

export { regionPrefix } from './performance.js';

export interface AgentInput {
  memberId: number;
  regionCode: string;
  parentAgentId?: number | null;
  rateBp: number;
  termStart: Date;
  termEnd: Date;
}

export interface NonRegionalAgentInput {
  memberId: number;
  levelId: number;
  termStart: Date;
  termEnd: Date;
}

export interface AgentLevelInput {
  name: string;
  salesAwardBp: number;
  /** cash for bringing in an agent: pay for recruiting alone, so only with complianceOverride */
  referralAwardFen: number;
  /** the same award in points, which needs no override */
  referralAwardPoints?: number;
  complianceOverride?: ComplianceOverrideInput | null;
}

/** Grants points once per idempotency key (the loyalty feature's, wired in services.ts). */
export type AgentPointsGranter = (tx: Tx, grant: { memberId: number; points: number; refType: string; refId: number; idempotencyKey: string; memo: string }) => Promise<void>;

/** HQ enters the four quarters, or a yearly amount split evenly. */
export type TargetInput = { quartersFen: [number, number, number, number] } | { yearFen: number };

export type AgentState = 'active' | 'upcoming' | 'expired' | 'suspended';

export function agentState(agent: { status: 'active' | 'suspended'; termStart: Date; termEnd: Date }, at: Date): AgentState {
  if (agent.status === 'suspended') return 'suspended';
  if (at < agent.termStart) return 'upcoming';
  return at < agent.termEnd ? 'active' : 'expired';
}

const LEVEL_COLUMNS = [
  'id',
  'name',
  'sales_award_bp as salesAwardBp',
  'referral_award_fen as referralAwardFen',
  'referral_award_points as referralAwardPoints',
  'compliance_override_reason',
  'compliance_override_by',
  'compliance_override_at',
] as const;

type LevelRow = { id: number; name: string; salesAwardBp: number; referralAwardFen: number; referralAwardPoints: number; compliance_override_reason: string | null; compliance_override_by: number | null; compliance_override_at: Date | null };

/** A level as the API shows it: its referral award in cash and points, and the override that allows the cash. */
function levelView({ compliance_override_reason, compliance_override_by, compliance_override_at, ...level }: LevelRow) {
  const override = overrideOf({ compliance_override_reason, compliance_override_by, compliance_override_at });
  return { ...level, complianceOverride: override ? { reason: override.reason, byId: override.by, at: override.at } : null };
}

const AGENT_COLUMNS = ['id', 'member_id as memberId', 'kind', 'region_level as regionLevel', 'region_code as regionCode', 'parent_agent_id as parentAgentId', 'rate_bp as rateBp', 'term_start as termStart', 'term_end as termEnd', 'status'] as const;

export class AgentsService {
  private readonly performance: AgentPerformance;
  private grantPoints: AgentPointsGranter | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {
    this.performance = new AgentPerformance(db, clock, audit, this);
  }

  async createRegional(actorId: number, input: AgentInput) {
    return inTransaction(this.db, async (tx) => {
      const level: RegionLevel = levelOfRegion(input.regionCode);
      await this.checkAppointable(tx, input.memberId, input);
      if (input.parentAgentId != null) {
        const parent = await tx.selectFrom('agents').selectAll().where('id', '=', input.parentAgentId).forUpdate().executeTakeFirst();
        if (!parent || parent.kind !== 'regional') throw unprocessable('AGENT_PARENT_INVALID', 'the parent must be a regional agent');
        if (!contains(parent.region_code!, input.regionCode)) throw unprocessable('AGENT_PARENT_INVALID', `region ${parent.region_code} does not contain ${input.regionCode}`);
        if (input.rateBp > parent.rate_bp) throw unprocessable('AGENT_RATE_ABOVE_PARENT', `the rate may not exceed the parent's ${parent.rate_bp} bp`);
      }
      const taken = await tx.selectFrom('agents').select('id').where('kind', '=', 'regional').where('region_code', '=', input.regionCode).where('status', '=', 'active').executeTakeFirst();
      if (taken) throw conflict('REGION_TAKEN', `region ${input.regionCode} already has an agent`);
      const agent = await tx
        .insertInto('agents')
        .values({ member_id: input.memberId, kind: 'regional', region_level: level, region_code: input.regionCode, parent_agent_id: input.parentAgentId ?? null, rate_bp: input.rateBp, term_start: input.termStart, term_end: input.termEnd })
        .returning(AGENT_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'agent.create', targetType: 'agent', targetId: agent.id, after: agent });
      return agent;
    });
  }

  /** A rate stays between the highest child rate and the parent's rate. */
  async setRate(actorId: number, agentId: number, rateBp: number) {
    return inTransaction(this.db, async (tx) => {
      const agent = await tx.selectFrom('agents').selectAll().where('id', '=', agentId).forUpdate().executeTakeFirst();
      if (!agent) throw notFound('AGENT_NOT_FOUND', `agent ${agentId} does not exist`);
      if (agent.parent_agent_id !== null) {
        const parent = await tx.selectFrom('agents').select('rate_bp').where('id', '=', agent.parent_agent_id).executeTakeFirstOrThrow();
        if (rateBp > parent.rate_bp) throw unprocessable('AGENT_RATE_ABOVE_PARENT', `the rate may not exceed the parent's ${parent.rate_bp} bp`);
      }
      const child = await tx.selectFrom('agents').select('rate_bp').where('parent_agent_id', '=', agentId).orderBy('rate_bp', 'desc').limit(1).executeTakeFirst();
      if (child && rateBp < child.rate_bp) throw unprocessable('AGENT_RATE_BELOW_CHILD', `the rate may not drop below a child's ${child.rate_bp} bp`);
      await tx.updateTable('agents').set({ rate_bp: rateBp }).where('id', '=', agentId).execute();
      await this.audit.record(tx, { actorId, action: 'agent.rate', targetType: 'agent', targetId: agentId, before: { rateBp: agent.rate_bp }, after: { rateBp } });
      return { ...agent, rate_bp: rateBp };
    });
  }

  async list(ex: Executor, agentId?: number) {
    let q = withAgentTables(ex)
      .selectFrom('agents as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .leftJoin('agent_levels as l', 'l.id', 'a.level_id')
      .select([...AGENT_COLUMNS.map((c) => `a.${c}` as const), 'a.level_id as levelId', 'l.name as levelName', 'l.sales_award_bp as salesAwardBp', 'm.nickname'])
      .orderBy('a.id');
    if (agentId !== undefined) q = q.where('a.id', '=', agentId);
    const rows = await q.execute();
    const now = this.clock.now();
    return rows.map((row) => ({ ...row, state: agentState(row, now) }));
  }

  /** One agent as HQ or the agent itself sees it, with its state now (active, upcoming, expired, suspended). */
  async get(ex: Executor, agentId: number) {
    const [agent] = await this.list(ex, agentId);
    if (!agent) throw notFound('AGENT_NOT_FOUND', `agent ${agentId} does not exist`);
    return agent;
  }

  /** The caller's own agency; 404 for a member who is not an agent. */
  async agentOfMember(ex: Executor, memberId: number) {
    const row = await ex.selectFrom('agents').select('id').where('member_id', '=', memberId).executeTakeFirst();
    if (!row) throw notFound('AGENT_NOT_FOUND', 'you are not an agent');
    return this.get(ex, row.id);
  }

  private async checkAppointable(tx: Tx, memberId: number, term: { termStart: Date; termEnd: Date }) {
    const member = await tx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
    if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
    if (term.termEnd <= term.termStart) throw unprocessable('AGENT_TERM_INVALID', 'the term must end after it starts');
    const existing = await tx.selectFrom('agents').select('id').where('member_id', '=', memberId).executeTakeFirst();
    if (existing) throw conflict('AGENT_EXISTS', `member ${memberId} is already agent ${existing.id}`);
  }

  // ---- levels (non-regional agents) ----

  /** Referral awards in points go through the loyalty feature (wired in services.ts). */
  setPointsGranter(grant: AgentPointsGranter): void {
    this.grantPoints = grant;
  }

  async listLevels(ex: Executor) {
    const rows = await withAgentTables(ex).selectFrom('agent_levels').select(LEVEL_COLUMNS).orderBy('sales_award_bp').orderBy('id').execute();
    return rows.map(levelView);
  }

  /**
   * Saves a level. A referral award in cash pays for recruiting alone: refused (422
   * COMPLIANCE_RECRUITING_CASH, field referralAwardFen) unless the save carries a compliance override,
   * which is stored on the level with who and when and audited (agent_level.compliance_override).
   */
  async saveLevel(actorId: number, input: AgentLevelInput, levelId?: number) {
    if (input.referralAwardFen > 0 && !input.complianceOverride) throw recruitingCashRefused('referralAwardFen', `the level pays ¥${input.referralAwardFen / 100} in cash for bringing in an agent`, { referralAwardFen: input.referralAwardFen });
    return inTransaction(this.db, async (plain) => {
      const tx = withAgentTablesTx(plain);
      const clash = await tx.selectFrom('agent_levels').select('id').where('name', '=', input.name).executeTakeFirst();
      if (clash && clash.id !== levelId) throw conflict('AGENT_LEVEL_NAME_TAKEN', `a level named ${input.name} exists`);
      const override = overrideColumns(input.complianceOverride, input.referralAwardFen > 0, actorId, this.clock.now());
      const values = { name: input.name, sales_award_bp: input.salesAwardBp, referral_award_fen: input.referralAwardFen, referral_award_points: input.referralAwardPoints ?? 0, ...override };
      let before: LevelRow | undefined;
      if (levelId !== undefined) {
        before = await tx.selectFrom('agent_levels').select(LEVEL_COLUMNS).where('id', '=', levelId).forUpdate().executeTakeFirst();
        if (!before) throw notFound('AGENT_LEVEL_NOT_FOUND', `agent level ${levelId} does not exist`);
      }
      const level = levelView(
        levelId === undefined
          ? await tx.insertInto('agent_levels').values(values).returning(LEVEL_COLUMNS).executeTakeFirstOrThrow()
          : await tx.updateTable('agent_levels').set(values).where('id', '=', levelId).returning(LEVEL_COLUMNS).executeTakeFirstOrThrow(),
      );
      const action = levelId === undefined ? 'agent_level.create' : 'agent_level.update';
      await this.audit.record(plain, { actorId, action, targetType: 'agent_level', targetId: level.id, before: before ? levelView(before) : undefined, after: level });
      if (override.compliance_override_reason !== null)
        await this.audit.record(plain, {
          actorId,
          action: 'agent_level.compliance_override',
          targetType: 'agent_level',
          targetId: level.id,
          before: before ? { referralAwardFen: before.referralAwardFen, override: before.compliance_override_reason } : null,
          after: { code: RECRUITING_CASH, field: 'referralAwardFen', referralAwardFen: input.referralAwardFen },
          reason: override.compliance_override_reason,
        });
      return level;
    });
  }

  private async levelOrThrow(tx: Tx, levelId: number) {
    const level = await withAgentTablesTx(tx).selectFrom('agent_levels').select(LEVEL_COLUMNS).where('id', '=', levelId).executeTakeFirst();
    if (!level) throw unprocessable('AGENT_LEVEL_NOT_FOUND', `agent level ${levelId} does not exist`);
    return level;
  }

  /** Levels whose cash referral award has no override (saved before the guard): appointing at them is refused. */
  async complianceFindings(ex: Executor): Promise<ComplianceFinding[]> {
    const rows = await withAgentTables(ex).selectFrom('agent_levels').select(['id', 'name']).where('referral_award_fen', '>', 0).where('compliance_override_reason', 'is', null).orderBy('id').execute();
    return rows.map((r) => ({ area: 'agent_level' as const, id: r.id, name: r.name, code: RECRUITING_CASH, field: 'referralAwardFen', effect: 'appointment_refused' }));
  }

  /**
   * HQ appoints a member as a non-regional agent at a level. The nearest agent up the member's
   * referral chain that is active and in term now earns the level's referral award, once.
   */
  async appointNonRegional(actorId: number, input: NonRegionalAgentInput) {
    return inTransaction(this.db, async (tx) => {
      await this.checkAppointable(tx, input.memberId, input);
      const level = await this.levelOrThrow(tx, input.levelId);
      // a level saved before the guard may still pay cash for recruiting: HQ decides (override or points) before anyone is appointed at it
      if (level.referralAwardFen > 0 && level.compliance_override_reason === null)
        throw recruitingCashRefused('referralAwardFen', `level ${level.name} pays its referral award in cash with no compliance override; change it to points or record the override on the level first`, { levelId: level.id });
      // rate_bp is the regional rate; a non-regional agent's rate is its level's, read at payment
      const agent = await withAgentTablesTx(tx)
        .insertInto('agents')
        .values({ member_id: input.memberId, kind: 'non_regional', level_id: level.id, rate_bp: 0, term_start: input.termStart, term_end: input.termEnd })
        .returning([...AGENT_COLUMNS, 'level_id as levelId'])
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'agent.create', targetType: 'agent', targetId: agent.id, after: agent });
      const referralAward = await this.awardReferral(tx, { agentId: agent.id, memberId: input.memberId, amountFen: level.referralAwardFen, points: level.referralAwardPoints, levelName: level.name });
      return { ...(await this.get(tx, agent.id)), referralAward };
    });
  }

  private async awardReferral(tx: Tx, appointed: { agentId: number; memberId: number; amountFen: number; points: number; levelName: string }) {
    if (appointed.amountFen <= 0 && appointed.points <= 0) return null;
    const now = this.clock.now();
    const referrer = await tx
      .selectFrom('referral_closure as c')
      .innerJoin('agents as a', 'a.member_id', 'c.ancestor_id')
      .select(['a.member_id as memberId', 'c.distance'])
      .where('c.descendant_id', '=', appointed.memberId)
      .where('c.distance', '>=', 1)
      .where('a.status', '=', 'active')
      .where('a.term_start', '<=', now)
      .where('a.term_end', '>', now)
      .orderBy('c.distance')
      .limit(1)
      .executeTakeFirst();
    if (!referrer) return null;
    // the award row is the once-only claim (a new agent is appointed once)
    const claimed = await withAgentTablesTx(tx)
      .insertInto('agent_referral_awards')
      .values({ appointed_agent_id: appointed.agentId, earner_id: referrer.memberId, amount_fen: Math.max(appointed.amountFen, 0), points: Math.max(appointed.points, 0), created_at: now })
      .onConflict((oc) => oc.column('appointed_agent_id').doNothing())
      .returning('appointed_agent_id')
      .executeTakeFirst();
    if (!claimed) return null;
    const base = { memberId: referrer.memberId, refType: 'agent', refId: appointed.agentId, memo: `推荐代理奖（${appointed.levelName}）` };
    if (appointed.amountFen > 0) await this.commission.award(tx, { ...base, amountFen: appointed.amountFen, code: 'agent_referral.award', idempotencyKey: `agent-referral:${appointed.agentId}` });
    if (appointed.points > 0) {
      if (!this.grantPoints) throw new Error('referral awards in points need the loyalty feature (setPointsGranter)');
      await this.grantPoints(tx, { ...base, points: appointed.points, idempotencyKey: `agent-referral:${appointed.agentId}:points` });
    }
    return { earnerId: referrer.memberId, amountFen: Math.max(appointed.amountFen, 0), points: Math.max(appointed.points, 0) };
  }

  async setTerm(actorId: number, agentId: number, term: { termStart: Date; termEnd: Date }) {
    if (term.termEnd <= term.termStart) throw unprocessable('AGENT_TERM_INVALID', 'the term must end after it starts');
    return inTransaction(this.db, async (tx) => {
      const agent = await tx.selectFrom('agents').select(['term_start', 'term_end']).where('id', '=', agentId).forUpdate().executeTakeFirst();
      if (!agent) throw notFound('AGENT_NOT_FOUND', `agent ${agentId} does not exist`);
      await tx.updateTable('agents').set({ term_start: term.termStart, term_end: term.termEnd }).where('id', '=', agentId).execute();
      await this.audit.record(tx, { actorId, action: 'agent.term', targetType: 'agent', targetId: agentId, before: { termStart: agent.term_start, termEnd: agent.term_end }, after: term });
      return this.get(tx, agentId);
    });
  }

  async setLevel(actorId: number, agentId: number, levelId: number) {
    return inTransaction(this.db, async (tx) => {
      const agent = await withAgentTablesTx(tx).selectFrom('agents').select(['kind', 'level_id']).where('id', '=', agentId).forUpdate().executeTakeFirst();
      if (!agent) throw notFound('AGENT_NOT_FOUND', `agent ${agentId} does not exist`);
      if (agent.kind !== 'non_regional') throw unprocessable('AGENT_NOT_NON_REGIONAL', 'only non-regional agents have levels');
      await this.levelOrThrow(tx, levelId);
      await withAgentTablesTx(tx).updateTable('agents').set({ level_id: levelId }).where('id', '=', agentId).execute();
      await this.audit.record(tx, { actorId, action: 'agent.level', targetType: 'agent', targetId: agentId, before: { levelId: agent.level_id }, after: { levelId } });
      return this.get(tx, agentId);
    });
  }

  // ---- targets, attributed orders, earnings (performance.ts) ----

  setTarget(actorId: number, agentId: number, year: number, input: TargetInput) {
    return this.performance.setTarget(actorId, agentId, year, input);
  }

  targetYears(ex: Executor, agentId: number): Promise<number[]> {
    return this.performance.targetYears(ex, agentId);
  }

  targetProgress(ex: Executor, agentId: number, year: number) {
    return this.performance.targetProgress(ex, agentId, year);
  }

  attributedOrders(ex: Executor, agentId: number, page: { limit: number; offset: number }) {
    return this.performance.attributedOrders(ex, agentId, page);
  }

  earningsOf(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    return this.performance.earningsOf(ex, memberId, page);
  }

  /**
   * Agents earn on every paid order (an earning participant: their awards are commission-like earnings),
   * and act in the console as the party 'agent' (their own region or level, earnings, targets).
   */
  attach({ orders, extensions }: { orders: { addParticipant(p: OrderParticipant): void }; extensions: Extensions }): void {
    if (this.attached) return;
    this.attached = true;
    orders.addParticipant({ name: 'agents', earnOnPaid: (tx, order, afterCommit) => this.earnOnPaid(tx, order, afterCommit) });
    extensions.addPartyResolver(async (ex, memberId) => {
      const agent = await withAgentTables(ex)
        .selectFrom('agents as a')
        .leftJoin('agent_levels as l', 'l.id', 'a.level_id')
        .select(['a.id', 'a.kind', 'a.region_code', 'l.name as levelName'])
        .where('a.member_id', '=', memberId)
        .executeTakeFirst();
      if (!agent) return [];
      return [{ kind: 'agent', id: agent.id, name: agent.kind === 'regional' ? `区域代理 ${agent.region_code}` : `代理 · ${agent.levelName ?? ''}` }];
    });
  }
  private attached = false;

  /** Active regional agents in term whose region covers the code, lowest region first. */
  async regionalChain(ex: Executor, regionCode: string, at: Date) {
    const rows = await ex
      .selectFrom('agents')
      .select(['member_id', 'rate_bp', 'region_code'])
      .where('kind', '=', 'regional')
      .where('status', '=', 'active')
      .where('region_code', 'in', coveringRegions(regionCode))
      .where('term_start', '<=', at)
      .where('term_end', '>', at)
      .execute();
    const order = coveringRegions(regionCode);
    return rows.sort((a, b) => order.indexOf(a.region_code!) - order.indexOf(b.region_code!)).map((r) => ({ memberId: r.member_id, rateBp: r.rate_bp }));
  }

  private async earnOnPaid(tx: Tx, order: PayingOrder, afterCommit: AfterCommit): Promise<PaidOrderEarning[]> {
    const awards = await this.earnForPaidOrder(tx, { id: order.orderId, buyerId: order.buyerId, regionCode: order.regionCode }, [...order.lines], order.ruleVersion, afterCommit);
    return awards.map((e) => paidOrderEarning(e, e.kind));
  }

  /**
   * On payment: agents of the order's region earn their differentials on what each line paid, and
   * the buyer's nearest non-regional agent (the buyer included) earns its level's sales award.
   */
  async earnForPaidOrder(tx: Tx, order: { id: number; buyerId: number; regionCode: string | null }, lines: CommissionLine[], version: RuleVersion, afterCommit: AfterCommit) {
    const now = this.clock.now();
    const regional = order.regionCode ? await this.regionalChain(tx, order.regionCode, now) : [];
    const regionalEarnings = regional.length ? await this.commission.recordEarnings(tx, order, planRegionalAwards(lines, regional), 'agent_regional', version, afterCommit) : [];
    const seller = await this.salesAgentOf(tx, order.buyerId, now);
    const salesEarnings = seller ? await this.commission.recordEarnings(tx, order, planSalesAwards(lines, seller), 'agent_sales', version, afterCommit) : [];
    return [...regionalEarnings.map((e) => ({ ...e, kind: 'agent_regional' as const })), ...salesEarnings.map((e) => ({ ...e, kind: 'agent_sales' as const }))];
  }

  /** The nearest non-regional agent up the buyer's referral chain, buyer first, active and in term at `at`. */
  async salesAgentOf(ex: Executor, buyerId: number, at: Date) {
    return withAgentTables(ex)
      .selectFrom('referral_closure as c')
      .innerJoin('agents as a', 'a.member_id', 'c.ancestor_id')
      .innerJoin('agent_levels as l', 'l.id', 'a.level_id')
      .select(['a.member_id as memberId', 'l.sales_award_bp as rateBp'])
      .where('c.descendant_id', '=', buyerId)
      .where('a.kind', '=', 'non_regional')
      .where('a.status', '=', 'active')
      .where('a.term_start', '<=', at)
      .where('a.term_end', '>', at)
      .orderBy('c.distance')
      .limit(1)
      .executeTakeFirst();
  }
}

/** The sales award: the agent's level rate on each line's paid amount (level 1: one agent per order). */
export function planSalesAwards(lines: CommissionLine[], agent: { memberId: number; rateBp: number }): PlannedEarning[] {
  return lines
    .map((line) => ({ lineId: line.lineId, earnerId: agent.memberId, level: 1, baseFen: line.paidFen, rateBp: agent.rateBp, amountFen: applyRateBp(line.paidFen, agent.rateBp) }))
    .filter((earning) => earning.amountFen > 0);
}
