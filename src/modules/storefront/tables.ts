// Row types of the storefront (050 decoration, 051 favourites), for Kysely; db/schema.ts merges them.
import type { CreatedAt, Json } from '../../db/columns.js';
import type { Decoration } from './decoration-schema.js';

export interface StorefrontDecorationsTable {
  version: number;
  content: Json<Decoration>;
  saved_by: number | null;
  saved_at: CreatedAt;
}

export interface MemberFavouritesTable {
  member_id: number;
  product_id: number;
  created_at: CreatedAt;
}

export interface StorefrontTables {
  storefront_decorations: StorefrontDecorationsTable;
  member_favourites: MemberFavouritesTable;
}
