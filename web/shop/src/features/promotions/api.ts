// The promotions API as the shop calls it.
import { request } from '../../api';
import type { Quote } from '../../../../shared/types';

export type CouponKind = 'fixed' | 'percent' | 'threshold';

export interface CouponTerms {
  name: string;
  kind: CouponKind;
  offFen: number | null;
  rateBp: number | null;
  maxOffFen: number | null;
  minSpendFen: number;
  productIds: number[] | null;
}

export interface CentreTemplate extends CouponTerms {
  id: number;
  validFrom: string | null;
  validUntil: string | null;
  validDays: number | null;
  totalQuantity: number;
  perMemberLimit: number;
  guideRateBp: number;
  issuedCount: number;
  claimedByMe?: number;
  soldOut: boolean;
  canClaim?: boolean;
}

export interface MyCoupon extends CouponTerms {
  id: number;
  templateId: number;
  status: 'unused' | 'used' | 'void';
  validFrom: string;
  validUntil: string;
  orderId: number | null;
  discountFen: number | null;
}

export interface ApplicableCoupon extends MyCoupon {
  /** what it would take off this cart (0 when not usable) */
  discountFen: number;
  usable: boolean;
  reason: string | null;
}

export interface MemberLevel {
  id: number;
  name: string;
  growthThreshold: number;
  memberPriceBp: number;
}

export interface Standing {
  growthPoints: number;
  level: MemberLevel | null;
  nextLevel: MemberLevel | null;
  pointsToNext: number | null;
  levels: MemberLevel[];
}

export interface CartItem {
  skuId: number;
  quantity: number;
}

export const promotionsApi = {
  centre: () => request<{ items: CentreTemplate[] }>('/api/coupon-templates'),
  template: (id: number) => request<CentreTemplate>(`/api/coupon-templates/${id}`),
  claim: (id: number, sharerInviteCode?: string | null) =>
    request<MyCoupon>(`/api/coupon-templates/${id}/claim`, { method: 'POST', body: sharerInviteCode ? { sharerInviteCode } : {} }),
  myCoupons: (status: 'usable' | 'used' | 'expired', limit: number, offset: number) => request<{ items: MyCoupon[] }>('/api/me/coupons', { query: { status, limit, offset } }),
  applicable: (items: CartItem[], dealerShopId?: number) =>
    request<{ quote: Quote; items: ApplicableCoupon[] }>('/api/me/coupons/applicable', { method: 'POST', body: { items, ...(dealerShopId ? { dealerShopId } : {}) } }),
  shareLink: (id: number) => request<{ templateId: number; name: string; guideRateBp: number; inviteCode: string; path: string }>(`/api/me/coupon-templates/${id}/share-link`),
  shares: () =>
    request<{ templates: Array<{ templateId: number; name: string; claims: number; uses: number }>; guideEarnedFen: number; guideReversedFen: number }>('/api/me/coupon-shares'),
  standing: () => request<Standing>('/api/me/member-level'),
  growthEvents: (limit: number, offset: number) =>
    request<{ items: Array<{ id: number; points: number; orderNo: string; refundId: number | null; createdAt: string }> }>('/api/me/growth-events', { query: { limit, offset } }),
};
