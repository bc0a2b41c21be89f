// The audit log: every HQ action that changes money, bindings, tiers or roles, with actor,
// time, before and after. Written in the same transaction as the change it describes.
import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  targetType: string;
  targetId: string | number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditQuery {
  action?: string;
  targetType?: string;
  targetId?: string;
  actorId?: number;
  limit: number;
  beforeId?: number;
}

export class AuditService {
  /** Writes the entry; returns its id. */
  async record(tx: Tx, entry: AuditEntry): Promise<number> {
    const row = await tx
      .insertInto('audit_log')
      .values({
        actor_id: entry.actorId,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId === null ? null : String(entry.targetId),
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        reason: entry.reason ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Adds what was known only later to an entry's after: an export is recorded (who, which filter)
   * before its file is written, and how many rows the file holds once it has ended. Keys are added,
   * never replaced or removed, and nothing else of an entry changes.
   */
  async addToAfter(ex: Executor, id: number, more: Record<string, unknown>): Promise<void> {
    await ex
      .updateTable('audit_log')
      .set({ after: sql`coalesce(after, '{}'::jsonb) || (${JSON.stringify(more)}::jsonb - array(select jsonb_object_keys(coalesce(after, '{}'::jsonb))))` })
      .where('id', '=', id)
      .execute();
  }

  async list(ex: Executor, query: AuditQuery) {
    let q = ex
      .selectFrom('audit_log')
      .leftJoin('members', 'members.id', 'audit_log.actor_id')
      .select([
        'audit_log.id',
        'audit_log.actor_id as actorId',
        'members.nickname as actorName',
        'audit_log.action',
        'audit_log.target_type as targetType',
        'audit_log.target_id as targetId',
        'audit_log.before',
        'audit_log.after',
        'audit_log.reason',
        'audit_log.created_at as createdAt',
      ])
      .orderBy('audit_log.id', 'desc')
      .limit(query.limit);
    if (query.action) q = q.where('audit_log.action', '=', query.action);
    if (query.targetType) q = q.where('audit_log.target_type', '=', query.targetType);
    if (query.targetId) q = q.where('audit_log.target_id', '=', query.targetId);
    if (query.actorId) q = q.where('audit_log.actor_id', '=', query.actorId);
    if (query.beforeId) q = q.where('audit_log.id', '<', query.beforeId);
    return q.execute();
  }
}
