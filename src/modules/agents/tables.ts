// Row types of the agents tables added by migrations/016_channels.sql (006_agents.sql's `agents`
// is in db/schema.ts; `level_id` is the column 016 adds to it).
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AgentLevelsTable {
  id: Generated<number>;
  name: string;
  sales_award_bp: number;
  referral_award_fen: number;
  created_at: CreatedAt;
}

export interface AgentReferralAwardsTable {
  appointed_agent_id: number;
  earner_id: number;
  amount_fen: number;
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

export type AgentsTables = {
  agents: { level_id: number | null };
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
