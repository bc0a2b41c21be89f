// Shapes of the promotions API as the console reads them.
export type CouponKind = 'fixed' | 'percent' | 'threshold';

export interface CouponTemplate {
  id: number;
  name: string;
  kind: CouponKind;
  offFen: number | null;
  rateBp: number | null;
  maxOffFen: number | null;
  minSpendFen: number;
  validFrom: string | null;
  validUntil: string | null;
  validDays: number | null;
  totalQuantity: number;
  perMemberLimit: number;
  productIds: number[] | null;
  guideRateBp: number;
  status: 'active' | 'stopped';
  issuedCount: number;
  usedCount: number;
  usedDiscountFen: number;
  createdAt: string;
}

export interface MemberLevel {
  id: number;
  name: string;
  growthThreshold: number;
  memberPriceBp: number;
  members: number;
}
