// Row types of products and SKUs (001) and product pictures (040), for Kysely; db/schema.ts merges them.
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

/** A product's pictures in order, by kind; media_id names a picture of the media module. */
export interface ProductImagesTable {
  product_id: number;
  kind: 'main' | 'gallery' | 'detail';
  position: number;
  media_id: number;
}

export interface CatalogTables {
  products: ProductsTable;
  product_skus: ProductSkusTable;
  product_images: ProductImagesTable;
}
