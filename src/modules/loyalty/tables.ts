// Row types of the loyalty tables (migration 010_loyalty.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';
import type { ShippingAddress } from '../orders/index.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

/** reward: a contest prize or an agent referral award in points (046); ref_type says which */
export type PointsReason = 'order_paid' | 'order_refunded' | 'sign_in' | 'note_reward' | 'mall_exchange' | 'mall_refund' | 'admin_adjust' | 'reward';
export type MallItemKind = 'goods' | 'coupon';
export type RedemptionStatus = 'pending' | 'fulfilled' | 'granted' | 'cancelled';

export interface LoyaltySettingsTable {
  id: Generated<number>;
  points_per_yuan: number;
  sign_in_base_points: number;
  streak_bonus_every_days: number;
  streak_bonus_points: number;
  note_reward_likes: number;
  note_reward_points: number;
  note_reward_cash_fen: number;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface PointsAccountsTable {
  member_id: number;
  balance: number;
  lifetime_earned: number;
  updated_at: Generated<Date>;
}

export interface PointsTransactionsTable {
  id: Generated<number>;
  member_id: number;
  points: number;
  reason: PointsReason;
  ref_type: string | null;
  ref_id: number | null;
  idempotency_key: string;
  shortfall: Generated<number>;
  /** set by the database trigger */
  balance_after: Generated<number>;
  memo: string | null;
  created_at: CreatedAt;
}

export interface LoyaltyOrderPointsTable {
  order_id: number;
  member_id: number;
  goods_paid_fen: number;
  points: number;
  goods_refunded_fen: Generated<number>;
  reversed_points: Generated<number>;
  shortfall_points: Generated<number>;
  created_at: CreatedAt;
}

export interface LoyaltySignInsTable {
  member_id: number;
  day: string;
  streak: number;
  base_points: number;
  bonus_points: number;
  created_at: CreatedAt;
}

export interface LoyaltyNotesTable {
  id: Generated<number>;
  member_id: number;
  title: string;
  body: string;
  photo_urls: Json<string[]>;
  product_id: number | null;
  status: Generated<'visible' | 'hidden'>;
  hidden_reason: string | null;
  like_count: Generated<number>;
  rewarded_at: Date | null;
  reward_points: number | null;
  reward_cash_fen: number | null;
  created_at: CreatedAt;
}

export interface LoyaltyNoteLikesTable {
  note_id: number;
  member_id: number;
  created_at: CreatedAt;
}

export interface LoyaltyMallItemsTable {
  id: Generated<number>;
  kind: MallItemKind;
  title: string;
  description: Generated<string>;
  image_url: string | null;
  points_price: number;
  sku_id: number | null;
  coupon_template_id: number | null;
  stock: number;
  per_member_limit: number | null;
  status: Generated<'on' | 'off'>;
  created_at: CreatedAt;
}

export interface LoyaltyRedemptionsTable {
  id: Generated<number>;
  member_id: number;
  item_id: number;
  kind: MallItemKind;
  quantity: number;
  points: number;
  status: RedemptionStatus;
  shipping_address: ColumnType<ShippingAddress | null, string | null, string | null>;
  tracking_no: string | null;
  client_key: string;
  handled_by: number | null;
  handled_at: Date | null;
  cancel_reason: string | null;
  created_at: CreatedAt;
}

export interface LoyaltyMemberBadgesTable {
  member_id: number;
  badge_code: string;
  awarded_at: CreatedAt;
}

export interface LoyaltyTables {
  loyalty_settings: LoyaltySettingsTable;
  points_accounts: PointsAccountsTable;
  points_transactions: PointsTransactionsTable;
  loyalty_order_points: LoyaltyOrderPointsTable;
  loyalty_sign_ins: LoyaltySignInsTable;
  loyalty_notes: LoyaltyNotesTable;
  loyalty_note_likes: LoyaltyNoteLikesTable;
  loyalty_mall_items: LoyaltyMallItemsTable;
  loyalty_redemptions: LoyaltyRedemptionsTable;
  loyalty_member_badges: LoyaltyMemberBadgesTable;
}
