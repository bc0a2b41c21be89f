// The channels API as the shop uses it: stores (binding, nearest) and "my agency" (answers typed from /openapi.json).
import type { ResponseOf } from '../../../../shared/api';
import { request } from '../../api';

export type Store = ResponseOf<'/api/stores/{id}'> & { distanceM?: number };
export type MyStore = NonNullable<ResponseOf<'/api/me/store'>['store']>;
export type Agency = ResponseOf<'/api/agent/me'>;
export type AgencyEarnings = ResponseOf<'/api/agent/earnings'>;
export type TargetProgress = ResponseOf<'/api/agent/targets'>;

export const channelsApi = {
  store: (id: number) => request<Store>(`/api/stores/${id}`),
  nearby: (lat: number, lng: number) => request<{ items: Store[] }>('/api/stores/nearby', { query: { lat, lng, limit: 10 } }),
  myStore: () => request<{ store: MyStore | null }>('/api/me/store'),
  bind: (id: number) => request<{ storeId: number; newlyBound: boolean; claimed: boolean }>(`/api/stores/${id}/bind`, { method: 'POST' }),
  agency: () => request<Agency>('/api/agent/me'),
  agencyEarnings: () => request<AgencyEarnings>('/api/agent/earnings', { query: { limit: 1 } }),
  targets: (year?: number) => request<TargetProgress>('/api/agent/targets', { query: { year } }),
};
