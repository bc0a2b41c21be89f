// Row types of the contests tables (migration 012_contests.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type ContestMetric = 'sales' | 'invites' | 'points';
/** cash through the ledger, points through loyalty, or an honour (a title on the squad's result); 046 */
export type PrizeKind = 'cash' | 'points' | 'honour';

export interface MemberTagsTable {
  member_id: number;
  tag: string;
  created_at: CreatedAt;
}

export interface SquadsTable {
  id: Generated<number>;
  name: string;
  captain_id: number;
  invite_code: string;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface SquadMembersTable {
  member_id: number;
  squad_id: number;
  joined_at: Date;
}

export interface ContestsTable {
  id: Generated<number>;
  name: string;
  metric: ContestMetric;
  start_at: Date;
  deadline: Date;
  status: Generated<'open' | 'finished'>;
  finalized_at: Date | null;
  created_by: number | null;
  created_at: CreatedAt;
  /** the compliance override that lets an invites contest pay cash (046) */
  compliance_override_reason: Generated<string | null>;
  compliance_override_by: Generated<number | null>;
  compliance_override_at: Generated<Date | null>;
  /** cash prizes of an invites contest without an override are withheld at the deadline, until released with one */
  prizes_withheld_at: Generated<Date | null>;
  prizes_released_at: Generated<Date | null>;
}

export interface ContestSquadsTable {
  contest_id: number;
  squad_id: number;
}

export interface ContestPrizesTable {
  contest_id: number;
  rank: number;
  kind: Generated<PrizeKind>;
  /** cash prizes only */
  amount_fen: number | null;
  /** points prizes only */
  points: Generated<number | null>;
  /** honour prizes only */
  title: Generated<string | null>;
}

export interface ContestResultsTable {
  contest_id: number;
  squad_id: number;
  squad_name: string;
  captain_id: number;
  rank: number;
  value: number;
  prize_fen: number;
  prize_points: Generated<number>;
  honour: Generated<string | null>;
}

export interface ContestMemberResultsTable {
  contest_id: number;
  squad_id: number;
  member_id: number;
  value: number;
  prize_fen: number;
  prize_points: Generated<number>;
}

export interface ContestDailyReportsTable {
  contest_id: number;
  report_day: string;
  member_id: number;
  squad_rank: number;
  value: number;
  sent_at: Date;
}

export interface ContestsTables {
  member_tags: MemberTagsTable;
  squads: SquadsTable;
  squad_members: SquadMembersTable;
  contests: ContestsTable;
  contest_squads: ContestSquadsTable;
  contest_prizes: ContestPrizesTable;
  contest_results: ContestResultsTable;
  contest_member_results: ContestMemberResultsTable;
  contest_daily_reports: ContestDailyReportsTable;
}
