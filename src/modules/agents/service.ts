// Agents (代理商): regional agents own a division and earn tier differentials on orders there,
// within their term; a child's rate never exceeds its parent's. Awards go through commission
// earnings, so they freeze, unfreeze and reverse on refunds exactly like commission.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/service.js';
import type { CommissionLine } from '../commission/plan.js';
import type { CommissionService } from '../commission/service.js';
import type { RuleVersion } from '../rules/schema.js';
import { contains, coveringRegions, levelOfRegion, planRegionalAwards, type RegionLevel } from './differential.js';

type AfterCommit = (cb: () => void) => void;

export interface AgentInput {
  memberId: number;
  regionCode: string;
  parentAgentId?: number | null;
  rateBp: number;
  termStart: Date;
  termEnd: Date;
}

const AGENT_COLUMNS = ['id', 'member_id as memberId', 'kind', 'region_level as regionLevel', 'region_code as regionCode', 'parent_agent_id as parentAgentId', 'rate_bp as rateBp', 'term_start as termStart', 'term_end as termEnd', 'status'] as const;

export class AgentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {}

  async createRegional(actorId: number, input: AgentInput) {
    return inTransaction(this.db, async (tx) => {
      const level: RegionLevel = levelOfRegion(input.regionCode);
      const member = await tx.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${input.memberId} does not exist`);
      if (input.termEnd <= input.termStart) throw unprocessable('AGENT_TERM_INVALID', 'the term must end after it starts');
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

  async list(ex: Executor) {
    return ex.selectFrom('agents as a').innerJoin('members as m', 'm.id', 'a.member_id').select([...AGENT_COLUMNS.map((c) => `a.${c}` as const), 'm.nickname']).orderBy('a.id').execute();
  }

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

  /** On payment: agents of the order's region earn their differentials on what each line paid. */
  async earnForPaidOrder(tx: Tx, order: { id: number; buyerId: number; regionCode: string | null }, lines: CommissionLine[], version: RuleVersion, afterCommit: AfterCommit) {
    if (!order.regionCode) return [];
    const chain = await this.regionalChain(tx, order.regionCode, this.clock.now());
    if (chain.length === 0) return [];
    return this.commission.recordEarnings(tx, order, planRegionalAwards(lines, chain), 'agent_regional', version, afterCommit);
  }
}
