// Shapes of the contests API as the console reads them.
export type ContestMetric = 'sales' | 'invites' | 'points';
export type ContestState = 'scheduled' | 'running' | 'closing' | 'finished';

export interface SquadRow {
  id: number;
  name: string;
  captainId: number;
  captainNickname: string;
  inviteCode: string;
  memberCount: number;
  locked: boolean;
  createdAt: string;
}

export interface SquadDetail extends Omit<SquadRow, 'memberCount'> {
  members: Array<{ memberId: number; nickname: string; joinedAt: string; isCaptain: boolean }>;
}

export interface Candidate {
  memberId: number;
  nickname: string;
  phone: string;
  salesFen: number;
  squadId: number | null;
  tags: string[];
}

export interface Contest {
  id: number;
  name: string;
  metric: ContestMetric;
  startAt: string;
  deadline: string;
  state: ContestState;
  finalizedAt: string | null;
  squads: Array<{ id: number; name: string }>;
  prizes: Array<{ rank: number; amountFen: number }>;
  prizeTotalFen: number;
}

export interface Standings {
  contest: Contest;
  asOf: string;
  squads: Array<{
    squadId: number;
    name: string;
    captainNickname: string;
    rank: number;
    value: number;
    prizeFen: number;
    members: Array<{ memberId: number; nickname: string; value: number; prizeFen: number }>;
  }>;
}
