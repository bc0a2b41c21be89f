// Row types of the dealers tables (migration 015_dealers.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type DealerRewardMode = 'price_difference' | 'rebate';
export type DealerStatus = 'active' | 'suspended';
export type RestockStatus = 'awaiting_payment' | 'paid' | 'cancelled';
export type StockMoveReason = 'restock_in' | 'restock_out' | 'restock_out_returned' | 'sale' | 'sale_returned';

export interface DealerTiersTable {
  id: Generated<number>;
  name: string;
  discount_bp: number;
  reward_mode: DealerRewardMode;
  rebate_bp: Generated<number>;
  created_at: CreatedAt;
}

export interface DealerTierPricesTable {
  tier_id: number;
  sku_id: number;
  price_fen: number;
}

export interface DealersTable {
  id: Generated<number>;
  member_id: number;
  shop_name: string;
  tier_id: number;
  upper_dealer_id: number | null;
  status: Generated<DealerStatus>;
  created_at: CreatedAt;
}

export interface DealerStockTable {
  dealer_id: number;
  sku_id: number;
  quantity: number;
}

export interface DealerStockMovesTable {
  id: Generated<number>;
  dealer_id: number;
  sku_id: number;
  delta: number;
  reason: StockMoveReason;
  ref_id: number;
  created_at: CreatedAt;
}

export interface DealerRestocksTable {
  id: Generated<number>;
  restock_no: string;
  dealer_id: number;
  source_dealer_id: number | null;
  client_key: string;
  status: Generated<RestockStatus>;
  amount_fen: number;
  upper_reward_fen: Generated<number>;
  upper_cost_fen: Generated<number>;
  payment_ref: string | null;
  confirmed_by: number | null;
  created_at: CreatedAt;
  paid_at: Date | null;
  cancelled_at: Date | null;
}

export interface DealerRestockLinesTable {
  restock_id: number;
  sku_id: number;
  quantity: number;
  unit_price_fen: number;
  source_unit_price_fen: number | null;
}

export interface DealerOrdersTable {
  order_id: number;
  dealer_id: number;
  status: Generated<'reserved' | 'paid' | 'returned'>;
  created_at: CreatedAt;
}

export interface DealerOrderLinesTable {
  order_id: number;
  sku_id: number;
  quantity: number;
}

export interface DealersTables {
  dealer_tiers: DealerTiersTable;
  dealer_tier_prices: DealerTierPricesTable;
  dealers: DealersTable;
  dealer_stock: DealerStockTable;
  dealer_stock_moves: DealerStockMovesTable;
  dealer_restocks: DealerRestocksTable;
  dealer_restock_lines: DealerRestockLinesTable;
  dealer_orders: DealerOrdersTable;
  dealer_order_lines: DealerOrderLinesTable;
}
