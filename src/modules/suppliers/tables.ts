// Row types of the suppliers tables (migration 014_suppliers.sql, owned by this module), for Kysely.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export type SupplierStatus = 'active' | 'suspended';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';

export interface ProposedSku {
  name: string;
  retailPriceFen: number;
  supplyPriceFen: number;
  stock: number;
}

export interface SuppliersTable {
  id: Generated<number>;
  member_id: number;
  company_name: string;
  contact_name: Generated<string>;
  contact_phone: Generated<string>;
  platform_fee_bp: number;
  status: Generated<SupplierStatus>;
  created_by: number | null;
  created_at: CreatedAt;
  /** 043: the return address the supplier named last; the after-sales deadline job sends its returns there */
  return_address: Json<{ name: string; phone: string; address: string }> | null;
}

export interface SupplierProposalsTable {
  id: Generated<number>;
  supplier_id: number;
  title: string;
  category: Generated<string>;
  description: Generated<string>;
  image_url: string | null;
  skus: Json<ProposedSku[]>;
  status: Generated<ProposalStatus>;
  reject_reason: string | null;
  product_id: number | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  created_at: CreatedAt;
}

export interface SupplierProductsTable {
  product_id: number;
  supplier_id: number;
  proposal_id: number;
  created_at: CreatedAt;
}

export interface SupplierSkusTable {
  sku_id: number;
  product_id: number;
  supplier_id: number;
  supply_price_fen: number;
}

export interface SupplierSettlementLinesTable {
  order_line_id: number;
  order_id: number;
  supplier_id: number;
  earning_id: number | null;
  supply_fen: number;
  fee_bp: number;
  fee_fen: number;
  amount_fen: number;
  capped: boolean;
  created_at: CreatedAt;
}

export interface SupplierShipmentsTable {
  id: Generated<number>;
  order_id: number;
  supplier_id: number;
  carrier: string;
  tracking_no: string;
  shipped_by: number;
  shipped_at: Date;
}

export interface SuppliersTables {
  suppliers: SuppliersTable;
  supplier_proposals: SupplierProposalsTable;
  supplier_products: SupplierProductsTable;
  supplier_skus: SupplierSkusTable;
  supplier_settlement_lines: SupplierSettlementLinesTable;
  supplier_shipments: SupplierShipmentsTable;
}
