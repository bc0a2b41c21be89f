// Row types of the contests tables (migration 012_contests.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type ContestMetric = 'sales' | 'invites' | 'points';

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
}

export interface ContestSquadsTable {
  contest_id: number;
  squad_id: number;
}

export interface ContestPrizesTable {
  contest_id: number;
  rank: number;
  amount_fen: number;
}

export interface ContestResultsTable {
  contest_id: number;
  squad_id: number;
  squad_name: string;
  captain_id: number;
  rank: number;
  value: number;
  prize_fen: number;
}

export interface ContestMemberResultsTable {
  contest_id: number;
  squad_id: number;
  member_id: number;
  value: number;
  prize_fen: number;
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
