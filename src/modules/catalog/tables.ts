// Row types of products and SKUs (001, specs 042) and product pictures (040), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

/** jsonb with a default: read as T, written as JSON text or left out */
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

/** One attribute of a product's specs (规格) and its values, in display order. */
export interface SpecAttribute {
  name: string;
  values: string[];
}

export interface ProductsTable {
  id: Generated<number>;
  title: string;
  description: Generated<string>;
  image_url: string | null;
  category: Generated<string>;
  status: Generated<'on_sale' | 'off_sale'>;
  /** the attributes that generate the SKU matrix (042) */
  spec_attributes: JsonDefault<SpecAttribute[]>;
  /** distributors may pick it for their mini-shops (选品) */
  selectable: Generated<boolean>;
  /** units paid for (已售), counted after each payment (048) */
  sold_count: Generated<number>;
  /** 限购: the most one member may hold in open and paid orders (052); null = no limit */
  max_per_member: Generated<number | null>;
  created_at: CreatedAt;
}

export interface ProductSkusTable {
  id: Generated<number>;
  product_id: number;
  name: string;
  price_fen: number;
  stock: number;
  /** the SKU's value of each attribute, in the attributes' order */
  spec_values: JsonDefault<string[]>;
  image_media_id: number | null;
  /** 划线价: shown struck through, always above price_fen (048) */
  list_price_fen: number | null;
  /** dropped from the matrix: kept for what names it, never shown or sold */
  retired_at: Date | null;
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
