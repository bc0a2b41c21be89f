// 待办 of the risk module, for the console's dashboard (GET /api/admin/todo): holds finance has not
// released or voided yet (the 风控 queue's held ones), one range of risk_holds_status_idx.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export async function countHeldCases(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('risk_holds').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('held')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
