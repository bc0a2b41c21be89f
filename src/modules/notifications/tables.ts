// Row types of the inbox behind live events (005), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export interface NotificationsTable {
  id: Generated<number>;
  member_id: number;
  kind: string;
  title: string;
  body: string;
  amount_fen: number | null;
  ref_type: string | null;
  ref_id: number | null;
  read_at: Date | null;
  created_at: CreatedAt;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
}
