// The contests endpoints the shop uses (all scoped to the signed-in member by the server).
import { request } from '../../api';

export type ContestMetric = 'sales' | 'invites' | 'points';
export type ContestState = 'scheduled' | 'running' | 'closing' | 'finished';

export interface Contest {
  id: number;
  name: string;
  metric: ContestMetric;
  startAt: string;
  deadline: string;
  state: ContestState;
  prizes: Array<{ rank: number; amountFen: number }>;
  prizeTotalFen: number;
}

export interface MySquad {
  squad: null | {
    id: number;
    name: string;
    captainId: number;
    captainNickname: string;
    locked: boolean;
    members: Array<{ memberId: number; nickname: string; joinedAt: string; isCaptain: boolean }>;
  };
  isCaptain: boolean;
  invite: { code: string; path: string } | null;
  contests: Contest[];
}

export interface MemberStanding {
  memberId: number;
  nickname: string;
  value: number;
  prizeFen: number;
}

export interface ContestView {
  contest: Contest;
  asOf: string;
  squads: Array<{ squadId: number; name: string; captainNickname: string; rank: number; value: number; prizeFen: number; mine: boolean }>;
  mySquad: null | { squadId: number; name: string; rank: number; value: number; prizeFen: number; members: MemberStanding[] };
  me: MemberStanding;
}

export interface SquadPreview {
  id: number;
  name: string;
  captainNickname: string;
  memberCount: number;
  locked: boolean;
}

export interface ContestResult {
  contestId: number;
  name: string;
  metric: ContestMetric;
  deadline: string;
  squadName: string;
  rank: number;
  value: number;
  prizeFen: number;
}

export const contestsApi = {
  mySquad: () => request<MySquad>('/api/me/squad'),
  contest: (id: number) => request<ContestView>(`/api/me/squad/contests/${id}`),
  results: () => request<{ items: ContestResult[] }>('/api/me/squad/results'),
  preview: (code: string) => request<SquadPreview>(`/api/squads/invites/${encodeURIComponent(code)}`),
  join: (code: string) => request<unknown>('/api/me/squad/join', { method: 'POST', body: { code } }),
  leave: () => request<void>('/api/me/squad/leave', { method: 'POST' }),
  removeMember: (memberId: number) => request<void>(`/api/me/squad/members/${memberId}`, { method: 'DELETE' }),
};
