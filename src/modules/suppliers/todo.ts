// 待办 of the suppliers feature, for the console's dashboard (GET /api/admin/todo): suppliers' product
// proposals waiting for HQ's review (上架审核), one range of supplier_proposals_status_idx.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export async function countPendingProposals(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('supplier_proposals').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('pending')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
