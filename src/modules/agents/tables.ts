// Row types of the agents tables: `agents` (006_agents.sql; `level_id` from 016_channels.sql), levels,
// referral awards and targets (016), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';
import type { Database } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';

export interface AgentLevelsTable {
  id: Generated<number>;
  name: string;
  sales_award_bp: number;
  referral_award_fen: number;
  /** the referral award in points (046): what recruiting may pay without a compliance override */
  referral_award_points: Generated<number>;
  /** the override that lets the referral award be cash (046) */
  compliance_override_reason: string | null;
  compliance_override_by: number | null;
  compliance_override_at: Date | null;
  created_at: CreatedAt;
}

export interface AgentReferralAwardsTable {
  appointed_agent_id: number;
  earner_id: number;
  /** cash paid (0 when the award was points only) */
  amount_fen: number;
  points: Generated<number>;
  created_at: CreatedAt;
}

export interface AgentTargetsTable {
  agent_id: number;
  year: number;
  q1_fen: number;
  q2_fen: number;
  q3_fen: number;
  q4_fen: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AgentsTable {
  id: Generated<number>;
  member_id: number;
  kind: 'regional' | 'non_regional';
  region_level: 'province' | 'city' | 'district' | null;
  region_code: string | null;
  parent_agent_id: number | null;
  rate_bp: number;
  term_start: Date;
  term_end: Date;
  status: Generated<'active' | 'suspended'>;
  /** a non-regional agent's level (016_channels.sql) */
  level_id: number | null;
  created_at: CreatedAt;
}

export type AgentsTables = {
  agents: AgentsTable;
  agent_levels: AgentLevelsTable;
  agent_referral_awards: AgentReferralAwardsTable;
  agent_targets: AgentTargetsTable;
};

export type AgentsDb = Kysely<Database & AgentsTables>;
export type AgentsTx = Transaction<Database & AgentsTables>;

/** The same handle, typed with this module's tables (a no-op once they are merged into Database). */
export function withAgentTables(ex: Executor): AgentsDb {
  return ex.withTables<AgentsTables>() as unknown as AgentsDb;
}
export function withAgentTablesTx(tx: Transaction<Database>): AgentsTx {
  return tx.withTables<AgentsTables>();
}
