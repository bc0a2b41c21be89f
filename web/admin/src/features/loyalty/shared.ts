// Types and small helpers shared by the loyalty screens.
import { useAuth } from '../../auth';
import type { ShippingAddress } from '../../../../shared/address';

export type PointsReason = 'order_paid' | 'order_refunded' | 'sign_in' | 'note_reward' | 'mall_exchange' | 'mall_refund' | 'admin_adjust';
export const POINTS_REASONS: PointsReason[] = ['order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust'];

export interface LoyaltySettings {
  pointsPerYuan: number;
  signInBasePoints: number;
  streakBonusEveryDays: number;
  streakBonusPoints: number;
  noteRewardLikes: number;
  noteRewardPoints: number;
  noteRewardCashFen: number;
}

export interface PointsTransaction {
  id: number;
  memberId: number;
  nickname: string;
  phone: string;
  points: number;
  reason: PointsReason;
  refType: string | null;
  refId: number | null;
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
  skuId: number | null;
  couponTemplateId: number | null;
  stock: number;
  perMemberLimit: number | null;
  status: 'on' | 'off';
  createdAt: string;
}

export type RedemptionStatus = 'pending' | 'fulfilled' | 'granted' | 'cancelled';
export interface Redemption {
  id: number;
  memberId: number;
  nickname: string;
  phone: string;
  itemId: number;
  itemTitle: string;
  kind: 'goods' | 'coupon';
  quantity: number;
  points: number;
  status: RedemptionStatus;
  shippingAddress: ShippingAddress | null;
  trackingNo: string | null;
  handledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
}

export interface Note {
  id: number;
  authorId: number;
  authorName: string;
  title: string;
  body: string;
  photoUrls: string[];
  productId: number | null;
  productTitle: string | null;
  status: 'visible' | 'hidden';
  hiddenReason: string | null;
  likeCount: number;
  rewardedAt: string | null;
  rewardPoints: number | null;
  rewardCashFen: number | null;
  createdAt: string;
}

export interface Badge {
  code: string;
  name: string;
  nameEn: string;
  description: string;
  holders: number;
}

/** Loyalty writes are for owner and operator (as the server checks). */
export function useLoyaltyWritable(): boolean {
  const { me } = useAuth();
  return me?.hqRole === 'owner' || me?.hqRole === 'operator';
}
