// The contests endpoints the shop uses (all scoped to the signed-in member by the server; answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import type { ContestMetric, ContestState } from '../../../../shared/types';
import { request } from '../../api';

export type { ContestMetric, ContestState };
export type MySquad = ResponseOf<'/api/me/squad'>;
export type Contest = MySquad['contests'][number];
export type ContestView = ResponseOf<'/api/me/squad/contests/{id}'>;
export type MemberStanding = ContestView['me'];
export type SquadPreview = ResponseOf<'/api/squads/invites/{code}'>;
export type ContestResult = ItemOf<ResponseOf<'/api/me/squad/results'>>;

export const contestsApi = {
  mySquad: () => request<MySquad>('/api/me/squad'),
  contest: (id: number) => request<ContestView>(`/api/me/squad/contests/${id}`),
  results: () => request<{ items: ContestResult[] }>('/api/me/squad/results'),
  preview: (code: string) => request<SquadPreview>(`/api/squads/invites/${encodeURIComponent(code)}`),
  join: (code: string) => request<unknown>('/api/me/squad/join', { method: 'POST', body: { code } }),
  leave: () => request<void>('/api/me/squad/leave', { method: 'POST' }),
  removeMember: (memberId: number) => request<void>(`/api/me/squad/members/${memberId}`, { method: 'DELETE' }),
};
