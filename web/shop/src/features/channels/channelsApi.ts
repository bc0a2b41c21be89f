// The channels API as the shop uses it: stores (binding, nearest) and "my agency".
import { request } from '../../api';

export interface Store {
  id: number;
  name: string;
  regionCode: string;
  address: string;
  openingHours: string;
  phone: string | null;
  status?: 'open' | 'closed';
  distanceM?: number;
}

export interface MyStore {
  storeId: number;
  name: string;
  address: string;
  openingHours: string;
  phone: string | null;
  source: 'pickup' | 'scan' | 'hq';
  boundAt: string;
}

export interface Agency {
  id: number;
  kind: 'regional' | 'non_regional';
  regionCode: string | null;
  regionLevel: 'province' | 'city' | 'district' | null;
  levelName: string | null;
  salesAwardBp: number | null;
  rateBp: number;
  termStart: string;
  termEnd: string;
  state: 'active' | 'upcoming' | 'expired' | 'suspended';
}

export interface AgencyEarnings {
  summary: { pendingFen: number; frozenFen: number; availableFen: number; referralAwardFen: number };
}

export interface TargetProgress {
  year: number;
  hasTarget: boolean;
  targetFen: number;
  achievedFen: number;
  progressPermille: number;
  quarters: Array<{ quarter: number; targetFen: number; achievedFen: number; progressPermille: number }>;
}

export const channelsApi = {
  store: (id: number) => request<Store>(`/api/stores/${id}`),
  nearby: (lat: number, lng: number) => request<{ items: Store[] }>('/api/stores/nearby', { query: { lat, lng, limit: 10 } }),
  myStore: () => request<{ store: MyStore | null }>('/api/me/store'),
  bind: (id: number) => request<{ storeId: number; newlyBound: boolean; claimed: boolean }>(`/api/stores/${id}/bind`, { method: 'POST' }),
  agency: () => request<Agency>('/api/agent/me'),
  agencyEarnings: () => request<AgencyEarnings>('/api/agent/earnings', { query: { limit: 1 } }),
  targets: (year?: number) => request<TargetProgress>('/api/agent/targets', { query: { year } }),
};
