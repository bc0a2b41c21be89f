// 待办 of the dealers feature, for the console's dashboard (GET /api/admin/todo): restocks whose offline
// transfer finance has to confirm (or operators cancel), one range of dealer_restocks_status_idx.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export async function countRestocksAwaitingPayment(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('dealer_restocks').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('awaiting_payment')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
