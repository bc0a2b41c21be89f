// Row types of uploaded pictures (040), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';

/** One stored WebP rendition of a picture. */
export interface MediaVariantRow {
  key: string;
  width: number;
  height: number;
  bytes: number;
}

export type MediaVariantName = 'large' | 'medium' | 'thumb';

export interface MediaAssetsTable {
  id: Generated<number>;
  /** what the upload's bytes were (never what its name or content type claimed); svg only for the server's own drawings */
  source_format: 'jpeg' | 'png' | 'webp' | 'gif' | 'svg';
  source_bytes: number;
  /** the picture's size once turned upright */
  width: number;
  height: number;
  variants: Json<Record<MediaVariantName, MediaVariantRow>>;
  uploaded_by: number | null;
  created_at: CreatedAt;
}

export interface MediaTables {
  media_assets: MediaAssetsTable;
}
