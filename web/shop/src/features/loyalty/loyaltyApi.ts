// The loyalty API as the shop uses it.
import { request } from '../../api';
import type { ShippingAddress } from '../../../../shared/address';

export interface PointsSummary {
  balance: number;
  lifetimeEarned: number;
  honour: { lifetimeEarned: number; rank: number | null; level: { code: string; name: string; nextCode: string | null; nextAtPoints: number | null } };
  signIn: { day: string; signedToday: boolean; streak: number; nextPoints: number; bonusEveryDays: number; bonusPoints: number; daysToBonus: number };
}
export interface PointsTransaction {
  id: number;
  points: number;
  reason: string;
  shortfall: number;
  balanceAfter: number;
  memo: string | null;
  createdAt: string;
}
export interface MallItem {
  id: number;
  kind: 'goods' | 'coupon';
  title: string;
  description: string;
  imageUrl: string | null;
  pointsPrice: number;
  stock: number;
  perMemberLimit: number | null;
}
export interface Redemption {
  id: number;
  itemTitle: string;
  kind: 'goods' | 'coupon';
  quantity: number;
  points: number;
  status: 'pending' | 'fulfilled' | 'granted' | 'cancelled';
  trackingNo: string | null;
  createdAt: string;
}
export interface Note {
  id: number;
  authorId: number;
  authorName: string;
  authorAvatarUrl: string | null;
  title: string;
  body: string;
  photoUrls: string[];
  productId: number | null;
  productTitle: string | null;
  status: 'visible' | 'hidden';
  likeCount: number;
  likedByMe: boolean;
  rewardedAt: string | null;
  mine?: boolean;
  createdAt: string;
}
export interface MyBadge {
  code: string;
  name: string;
  nameEn: string;
  description: string;
  earned: boolean;
  awardedAt: string | null;
}

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
