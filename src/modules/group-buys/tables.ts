// Row types of the group-buys module's tables (056_group_buys.sql), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export type GroupStatus = 'pending' | 'open' | 'succeeded' | 'failed' | 'refunded' | 'cancelled';
export type GroupMemberStatus = 'unpaid' | 'paid' | 'dropped' | 'refunding' | 'refunded';

export const GROUP_STATUSES: readonly GroupStatus[] = ['pending', 'open', 'succeeded', 'failed', 'refunded', 'cancelled'];
export const GROUP_MEMBER_STATUSES: readonly GroupMemberStatus[] = ['unpaid', 'paid', 'dropped', 'refunding', 'refunded'];

export interface GroupBuyOffersTable {
  id: Generated<number>;
  title: string;
  product_id: number;
  group_size: number;
  time_limit_hours: number;
  starts_at: Date;
  ends_at: Date;
  simulated_fill: Generated<boolean>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface GroupBuyOfferSkusTable {
  offer_id: number;
  sku_id: number;
  group_price_fen: number;
}

export interface GroupBuyGroupsTable {
  id: Generated<number>;
  offer_id: number;
  opener_id: number;
  status: Generated<GroupStatus>;
  group_size: number;
  time_limit_hours: number;
  simulated_slots: Generated<number>;
  opened_at: Date | null;
  expires_at: Date | null;
  finished_at: Date | null;
  created_at: CreatedAt;
}

export interface GroupBuyMembersTable {
  id: Generated<number>;
  group_id: number;
  offer_id: number;
  member_id: number;
  order_id: number;
  is_opener: Generated<boolean>;
  status: Generated<GroupMemberStatus>;
  live: Generated<boolean>;
  refund_id: number | null;
  refund_no: string | null;
  joined_at: Date;
  paid_at: Date | null;
}

export interface GroupBuysTables {
  group_buy_offers: GroupBuyOffersTable;
  group_buy_offer_skus: GroupBuyOfferSkusTable;
  group_buy_groups: GroupBuyGroupsTable;
  group_buy_members: GroupBuyMembersTable;
}
