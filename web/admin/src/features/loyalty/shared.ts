// Types and small helpers shared by the loyalty screens.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import { useAuth } from '../../auth';
import type { ShippingAddress } from '../../../../shared/address';

export type PointsReason = 'order_paid' | 'order_refunded' | 'sign_in' | 'note_reward' | 'mall_exchange' | 'mall_refund' | 'admin_adjust' | 'reward';
export const POINTS_REASONS: PointsReason[] = ['order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust', 'reward'];

export type RedemptionStatus = 'pending' | 'fulfilled' | 'granted' | 'cancelled';

/** Loyalty writes are for owner and operator (as the server checks). */
export function useLoyaltyWritable(): boolean {
  const { me } = useAuth();
  return me?.hqRole === 'owner' || me?.hqRole === 'operator';
}

// answers typed from /openapi.json
export type LoyaltySettings = ResponseOf<'/api/admin/loyalty/settings'>;
export type PointsTransaction = ItemOf<ResponseOf<'/api/admin/loyalty/points-transactions'>>;
export type MallItem = ItemOf<ResponseOf<'/api/admin/loyalty/mall/items'>>;
export type Redemption = ItemOf<ResponseOf<'/api/admin/loyalty/redemptions'>>;
export type Note = ItemOf<ResponseOf<'/api/admin/loyalty/notes'>>;
export type Badge = ItemOf<ResponseOf<'/api/admin/loyalty/badges'>>;
