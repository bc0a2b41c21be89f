// The growth endpoints the shop uses.
import { request } from '../../api';

export type Metric = 'commission' | 'sales' | 'invites';
export type PeriodKind = 'day' | 'week' | 'month' | 'all';

export interface PublicBoard {
  metric: Metric;
  period: { kind: string; key: string | null; from: string | null; to: string | null };
  items: Array<{ rank: number; nickname: string; avatarUrl: string | null; value: number; isMe: boolean }>;
}
export interface MyRank {
  value: number;
  rank: number | null;
  gapToAbove: number | null;
}
export interface TierProgress {
  distributorStatus: string;
  tierId: number;
  tierName: string;
  tierRank: number;
  next: null | {
    tierId: number;
    tierName: string;
    match: 'all' | 'any';
    productTitle: string | null;
    conditions: Array<{ condition: 'ownSpendFen' | 'teamSalesFen' | 'directReferrals' | 'commissionEarnedFen' | 'productId'; required: number; current: number; met: boolean }>;
  };
}

export const growthApi = {
  board: (metric: Metric, period: PeriodKind) => request<PublicBoard>('/api/leaderboards', { query: { metric, period, limit: 50 } }),
  myRank: (metric: Metric, period: PeriodKind) => request<MyRank>('/api/me/leaderboards/rank', { query: { metric, period } }),
  tierProgress: () => request<TierProgress>('/api/me/tier-progress'),
};
