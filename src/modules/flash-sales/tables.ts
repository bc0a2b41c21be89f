// Row types of the flash-sales tables (052_flash_sales.sql, owned by this module), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export type FlashSaleStatus = 'active' | 'ended';
export type CommissionMode = 'normal' | 'none' | 'rate';
export type FlashSaleOrderStatus = 'unpaid' | 'paid' | 'closed' | 'refunded';

export interface FlashSalesTable {
  id: Generated<number>;
  name: string;
  starts_at: Date;
  ends_at: Date;
  unpaid_minutes: Generated<number>;
  /** ended: its unsold stock went back to the SKUs (once) */
  status: Generated<FlashSaleStatus>;
  ended_at: Date | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface FlashSaleItemsTable {
  id: Generated<number>;
  flash_sale_id: number;
  sku_id: number;
  product_id: number;
  price_fen: number;
  /** units moved out of the SKU's stock into the campaign */
  stock: number;
  /** units held by unpaid and paid orders */
  sold: Generated<number>;
  /** units given back to the SKU */
  returned: Generated<number>;
  per_member_limit: number | null;
  commission_mode: Generated<CommissionMode>;
  commission_rates_bp: ColumnType<number[] | null, string | null | undefined, string | null>;
}

export interface FlashSaleOrdersTable {
  order_id: number;
  item_id: number;
  flash_sale_id: number;
  member_id: number;
  quantity: number;
  status: Generated<FlashSaleOrderStatus>;
  created_at: CreatedAt;
}

export interface FlashSalesTables {
  flash_sales: FlashSalesTable;
  flash_sale_items: FlashSaleItemsTable;
  flash_sale_orders: FlashSaleOrdersTable;
}
