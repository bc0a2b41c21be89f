// Row types of the audit log (001), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  reason: string | null;
  created_at: CreatedAt;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
