// The growth endpoints the shop uses (answers typed from /openapi.json).
import type { QueryOf, ResponseOf } from '../../../../shared/api';
import { request } from '../../api';

export type Metric = NonNullable<QueryOf<'/api/leaderboards'>['metric']>;
export type PeriodKind = NonNullable<QueryOf<'/api/leaderboards'>['period']>;
export type PublicBoard = ResponseOf<'/api/leaderboards'>;
export type MyRank = ResponseOf<'/api/me/leaderboards/rank'>;
export type TierProgress = ResponseOf<'/api/me/tier-progress'>;

export const growthApi = {
  board: (metric: Metric, period: PeriodKind) => request<PublicBoard>('/api/leaderboards', { query: { metric, period, limit: 50 } }),
  myRank: (metric: Metric, period: PeriodKind) => request<MyRank>('/api/me/leaderboards/rank', { query: { metric, period } }),
  tierProgress: () => request<TierProgress>('/api/me/tier-progress'),
};
