// Writes inbox rows inside the transaction of their cause (an earning, a reversal, a payout's end) and
// notifies every instance's listener in the same transaction: PostgreSQL delivers a NOTIFY only at
// commit, so an alert is heard exactly when its money committed, and never for a rolled-back one.
import { sql } from 'kysely';
import { beforeCommit, type Tx } from '../../db/database.js';

export const INBOX_CHANNEL = 'fenxiao_inbox';

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  amountFen: number | null;
  refType: string;
  refId: number;
}

/** a NOTIFY payload must stay under 8,000 bytes: "member:id" pairs are sent in chunks of this many */
const PAIRS_PER_NOTIFY = 300;

type InboxRow = { memberId: number; n: NotificationInput; at: Date };

/** rows raised so far in a transaction, written together just before it commits */
const pendingByTx = new WeakMap<Tx, InboxRow[]>();

/**
 * Adds inbox rows to the transaction: an order's earnings (distribution, agents, suppliers …) raise
 * theirs at different moments, and all of them are inserted and notified in one go at its end.
 */
export async function writeInbox(tx: Tx, rows: InboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  const pending = pendingByTx.get(tx);
  if (pending) {
    pending.push(...rows);
    return;
  }
  const batch = [...rows];
  if (!beforeCommit(tx, () => insertAndNotify(tx, batch))) return insertAndNotify(tx, batch);
  pendingByTx.set(tx, batch);
}

async function insertAndNotify(tx: Tx, rows: InboxRow[]): Promise<void> {
  pendingByTx.delete(tx);
  const written = await tx
    .insertInto('notifications')
    .values(rows.map(({ memberId, n, at }) => ({ member_id: memberId, kind: n.kind, title: n.title, body: n.body, amount_fen: n.amountFen, ref_type: n.refType, ref_id: n.refId, created_at: at })))
    .returning(['id', 'member_id'])
    .execute();
  for (let i = 0; i < written.length; i += PAIRS_PER_NOTIFY) {
    const payload = written.slice(i, i + PAIRS_PER_NOTIFY).map((r) => `${r.member_id}:${r.id}`).join(',');
    await sql`select pg_notify(${INBOX_CHANNEL}, ${payload})`.execute(tx);
  }
}

export function parseInboxPayload(payload: string): Array<{ memberId: number; id: number }> {
  const pairs: Array<{ memberId: number; id: number }> = [];
  for (const part of payload.split(',')) {
    const [member, id] = part.split(':').map(Number);
    if (Number.isSafeInteger(member) && Number.isSafeInteger(id)) pairs.push({ memberId: member!, id: id! });
  }
  return pairs;
}
