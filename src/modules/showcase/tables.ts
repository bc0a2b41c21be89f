// Row types of the mini-shops' picks (041), for Kysely; db/schema.ts merges them.
import type { CreatedAt } from '../../db/columns.js';

export interface ShowcasePicksTable {
  member_id: number;
  product_id: number;
  position: number;
  created_at: CreatedAt;
}

export interface ShowcaseTables {
  showcase_picks: ShowcasePicksTable;
}
