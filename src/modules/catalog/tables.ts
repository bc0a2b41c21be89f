// Row types of products and SKUs (001), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export interface ProductsTable {
  id: Generated<number>;
  title: string;
  description: Generated<string>;
  image_url: string | null;
  category: Generated<string>;
  status: Generated<'on_sale' | 'off_sale'>;
  created_at: CreatedAt;
}

export interface ProductSkusTable {
  id: Generated<number>;
  product_id: number;
  name: string;
  price_fen: number;
  stock: number;
  created_at: CreatedAt;
}

export interface CatalogTables {
  products: ProductsTable;
  product_skus: ProductSkusTable;
}
