// Row types of the bargains module (057), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export type HelperRule = 'new_members' | 'anyone';
export type OfferStatus = 'active' | 'stopped';
export type BargainStatus = 'open' | 'complete' | 'bought' | 'expired';

export interface BargainOffersTable {
  id: Generated<number>;
  product_id: number;
  sku_id: number;
  start_price_fen: number;
  floor_price_fen: number;
  helpers_needed: number;
  time_limit_hours: number;
  helper_rule: HelperRule;
  starts_at: Date;
  ends_at: Date;
  stock_cap: number;
  /** bought or held by an unpaid order */
  taken_count: Generated<number>;
  status: Generated<OfferStatus>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface BargainsTable {
  id: Generated<number>;
  offer_id: number;
  starter_id: number;
  start_price_fen: number;
  floor_price_fen: number;
  helpers_needed: number;
  helper_rule: HelperRule;
  /** the cuts in helping order, fen (plan.ts) */
  cut_plan: ColumnType<number[], string, string>;
  helped_count: Generated<number>;
  cut_fen: Generated<number>;
  status: Generated<BargainStatus>;
  order_id: number | null;
  order_price_fen: number | null;
  started_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  bought_at: Date | null;
}

export interface BargainHelpsTable {
  bargain_id: number;
  helper_id: number;
  seq: number;
  cut_fen: number;
  created_at: Date;
}

export interface BargainsTables {
  bargain_offers: BargainOffersTable;
  bargains: BargainsTable;
  bargain_helps: BargainHelpsTable;
}
