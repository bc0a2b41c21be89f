// 待办 of the commission module, for the console's dashboard (GET /api/admin/todo): earnings held back, by a
// risk rule (finance releases or voids them) or by an open after-sales request on their order (they go on when
// it closes). One predicate serves the count and the earnings list's held filter (reads.ts), and
// commission_earnings_held_idx (054) is built on exactly it, so both are one range over the few held rows.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

/** Held and not reversed (a voided or fully refunded earning holds no money back), on the table or alias `t`. */
export function heldEarning(t: string) {
  return sql<boolean>`(${sql.ref(`${t}.risk_hold`)} or ${sql.ref(`${t}.after_sales_hold`)}) and ${sql.ref(`${t}.state`)} <> 'reversed'`;
}

export async function countHeldEarnings(ex: Executor): Promise<number> {
  const row = await ex.selectFrom('commission_earnings').select(sql<number>`count(*)`.as('n')).where(heldEarning('commission_earnings')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
