// The promotions API as the shop calls it (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import type { CouponKind, CouponTerms, Quote } from '../../../../shared/types';
import { request } from '../../api';

export type { CouponKind, CouponTerms };
/** A template in the coupon centre, with whether I may claim it. */
export type CentreTemplate = ItemOf<ResponseOf<'/api/coupon-templates'>>;
export type CouponTemplate = ResponseOf<'/api/coupon-templates/{id}'>;
export type MyCoupon = ItemOf<ResponseOf<'/api/me/coupons'>>;
export type ApplicableCoupon = ItemOf<ResponseOf<'/api/me/coupons/applicable', 'post'>>;
export type Standing = ResponseOf<'/api/me/member-level'>;
export type MemberLevel = Standing['levels'][number];

export interface CartItem {
  skuId: number;
  quantity: number;
}

export const promotionsApi = {
  centre: () => request<{ items: CentreTemplate[] }>('/api/coupon-templates'),
  template: (id: number) => request<CouponTemplate>(`/api/coupon-templates/${id}`),
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
