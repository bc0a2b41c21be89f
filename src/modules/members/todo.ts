// 待办 of the members module, for the console's dashboard (GET /api/admin/todo): distributor applications
// waiting for review, counted through distributor_applications_open_idx (partial: pending only).
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export async function countPendingApplications(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('distributor_applications').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('pending')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
