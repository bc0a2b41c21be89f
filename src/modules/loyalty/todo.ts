// 待办 of the loyalty feature, for the console's dashboard (GET /api/admin/todo): points-mall exchanges of
// goods waiting to be shipped (or cancelled) by operators, one range of loyalty_redemptions_status_idx.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export async function countRedemptionsToFulfil(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('loyalty_redemptions').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('pending')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
