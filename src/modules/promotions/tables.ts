// Row types of the promotions tables (migrations/009_promotions.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type CouponKind = 'fixed' | 'percent' | 'threshold';
export type CouponTemplateStatus = 'active' | 'stopped';
export type MemberCouponStatus = 'unused' | 'used' | 'void';

export interface CouponTemplatesTable {
  id: Generated<number>;
  name: string;
  kind: CouponKind;
  off_fen: number | null;
  rate_bp: number | null;
  max_off_fen: number | null;
  min_spend_fen: Generated<number>;
  valid_from: Date | null;
  valid_until: Date | null;
  valid_days: number | null;
  total_quantity: number;
  per_member_limit: number;
  /** jsonb array of product ids, or null for every product */
  product_ids: ColumnType<number[] | null, string | null, string | null>;
  guide_rate_bp: Generated<number>;
  status: Generated<CouponTemplateStatus>;
  issued_count: Generated<number>;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface MemberCouponsTable {
  id: Generated<number>;
  template_id: number;
  member_id: number;
  sharer_id: number | null;
  status: Generated<MemberCouponStatus>;
  valid_from: Date;
  valid_until: Date;
  order_id: number | null;
  discount_fen: number | null;
  used_at: Date | null;
  claimed_at: CreatedAt;
}

export interface MemberLevelsTable {
  id: Generated<number>;
  name: string;
  growth_threshold: number;
  member_price_bp: number;
  created_at: CreatedAt;
}

export interface MemberGrowthTable {
  member_id: number;
  growth_points: Generated<number>;
  updated_at: Date;
}

export interface GrowthEventsTable {
  id: Generated<number>;
  member_id: number;
  order_id: number;
  refund_id: number | null;
  points: number;
  created_at: CreatedAt;
}

export interface PromotionsTables {
  coupon_templates: CouponTemplatesTable;
  member_coupons: MemberCouponsTable;
  member_levels: MemberLevelsTable;
  member_growth: MemberGrowthTable;
  growth_events: GrowthEventsTable;
}
