// The loyalty API as the shop uses it (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import type { ShippingAddress } from '../../../../shared/address';
import { request } from '../../api';

export type PointsSummary = ResponseOf<'/api/me/points'>;
export type PointsTransaction = ItemOf<ResponseOf<'/api/me/points/transactions'>>;
export type MallItem = ItemOf<ResponseOf<'/api/loyalty/mall/items'>>;
export type Redemption = ItemOf<ResponseOf<'/api/me/mall/redemptions'>>;
export type Note = ItemOf<ResponseOf<'/api/loyalty/notes'>>;
export type MyBadge = ItemOf<ResponseOf<'/api/me/badges'>>;

export const loyaltyApi = {
  points: () => request<PointsSummary>('/api/me/points'),
  transactions: (limit: number, offset: number) => request<{ items: PointsTransaction[] }>('/api/me/points/transactions', { query: { limit, offset } }).then((r) => r.items),
  signIn: () => request<{ duplicate: boolean; streak: number; points: number; bonusPoints: number }>('/api/me/sign-ins', { method: 'POST' }),
  mallItems: () => request<{ items: MallItem[] }>('/api/loyalty/mall/items', { query: { limit: 100 } }).then((r) => r.items),
  exchange: (body: { itemId: number; quantity: number; clientKey: string; shippingAddress?: ShippingAddress }) =>
    request<{ duplicate: boolean; redemption: Redemption }>('/api/me/mall/redemptions', { method: 'POST', body }),
  redemptions: () => request<{ items: Redemption[] }>('/api/me/mall/redemptions', { query: { limit: 50 } }).then((r) => r.items),
  feed: (limit: number, offset: number, productId?: number) => request<{ items: Note[] }>('/api/loyalty/notes', { query: { limit, offset, productId } }).then((r) => r.items),
  myNotes: () => request<{ items: Note[] }>('/api/me/notes', { query: { limit: 50 } }).then((r) => r.items),
  postNote: (body: { title: string; body: string; photoUrls: string[]; productId?: number | null }) => request<Note>('/api/me/notes', { method: 'POST', body }),
  like: (id: number) => request<{ likeCount: number; rewarded: boolean }>(`/api/loyalty/notes/${id}/like`, { method: 'POST' }),
  unlike: (id: number) => request<{ likeCount: number }>(`/api/loyalty/notes/${id}/like`, { method: 'DELETE' }),
  badges: () => request<{ items: MyBadge[] }>('/api/me/badges').then((r) => r.items),
  honourTop: () => request<{ items: Array<{ rank: number; name: string; lifetimeEarned: number; level: string }> }>('/api/loyalty/honour/top', { query: { limit: 20 } }).then((r) => r.items),
};
