// What the console and `npm run reconcile` read: the bills per day, their differences (open unless
// finance resolved that exact difference), and finance's resolution of one (audited).
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { badRequest, notFound } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { StatementProvider } from './tables.js';

export interface BillQuery {
  provider?: StatementProvider;
  from: string;
  to: string;
}

export interface DifferenceQuery {
  provider?: StatementProvider;
  date?: string;
  status: 'open' | 'resolved' | 'all';
  limit: number;
}

export async function listBills(ex: Executor, q: BillQuery) {
  let query = ex
    .selectFrom('statement_bills as b')
    .select([
      'b.id',
      'b.provider',
      'b.bill_date as billDate',
      'b.status',
      'b.fetched_at as fetchedAt',
      'b.line_count as lineCount',
      'b.payment_count as paymentCount',
      'b.payment_total_fen as paymentTotalFen',
      'b.refund_count as refundCount',
      'b.refund_total_fen as refundTotalFen',
      'b.account_bill as accountBill',
      'b.payout_count as payoutCount',
      'b.payout_total_fen as payoutTotalFen',
      'b.payout_return_fen as payoutReturnFen',
      'b.provider_summary as providerSummary',
      'b.difference_count as differenceCount',
      'b.attempts',
      'b.last_error as lastError',
      'b.next_attempt_at as nextAttemptAt',
      sql<number>`(select count(*) from statement_differences d where d.bill_id = b.id and not exists (
        select 1 from statement_resolutions r where r.provider = d.provider and r.bill_date = d.bill_date and r.fingerprint = d.fingerprint))`.as('openDifferenceCount'),
    ])
    .where('b.bill_date', '>=', q.from)
    .where('b.bill_date', '<=', q.to)
    .orderBy('b.bill_date', 'desc')
    .orderBy('b.provider');
  if (q.provider) query = query.where('b.provider', '=', q.provider);
  return (await query.execute()).map((b) => ({ ...b, openDifferenceCount: Number(b.openDifferenceCount) }));
}

export async function listDifferences(ex: Executor, q: DifferenceQuery) {
  let query = ex
    .selectFrom('statement_differences as d')
    .leftJoin('statement_resolutions as r', (join) => join.onRef('r.provider', '=', 'd.provider').onRef('r.bill_date', '=', 'd.bill_date').onRef('r.fingerprint', '=', 'd.fingerprint'))
    .leftJoin('members as m', 'm.id', 'r.resolved_by')
    .select([
      'd.id',
      'd.provider',
      'd.bill_date as billDate',
      'd.kind',
      'd.subject',
      'd.record_type as recordType',
      'd.record_id as recordId',
      'd.reference',
      'd.out_trade_no as outTradeNo',
      'd.line_seq as lineSeq',
      'd.our_fen as ourFen',
      'd.their_fen as theirFen',
      'd.our_state as ourState',
      'd.their_state as theirState',
      'd.note',
      'r.note as resolutionNote',
      'r.resolved_by as resolvedBy',
      'm.nickname as resolvedByName',
      'r.resolved_at as resolvedAt',
    ])
    .orderBy('d.bill_date', 'desc')
    .orderBy('d.provider')
    .orderBy('d.id')
    .limit(q.limit);
  if (q.provider) query = query.where('d.provider', '=', q.provider);
  if (q.date) query = query.where('d.bill_date', '=', q.date);
  if (q.status === 'open') query = query.where('r.id', 'is', null);
  if (q.status === 'resolved') query = query.where('r.id', 'is not', null);
  return query.execute();
}

/** Finance explains a difference; the explanation holds while a refetch finds the same difference. */
export async function resolveDifference(db: Db, clock: Clock, audit: AuditService, actorId: number, differenceId: number, note: string) {
  return inTransaction(db, async (tx) => {
    const d = await tx.selectFrom('statement_differences').selectAll().where('id', '=', differenceId).executeTakeFirst();
    if (!d) throw notFound('STATEMENT_DIFFERENCE_NOT_FOUND', `no difference ${differenceId} (a refetch replaces differences: reload)`);
    if (!note.trim()) throw badRequest('NOTE_REQUIRED', 'say why the difference is settled');
    const inserted = await tx
      .insertInto('statement_resolutions')
      .values({ provider: d.provider, bill_date: d.bill_date, fingerprint: d.fingerprint, note, resolved_by: actorId, resolved_at: clock.now() })
      .onConflict((oc) => oc.columns(['provider', 'bill_date', 'fingerprint']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // resolving twice changes nothing: the first explanation stands
    if (inserted) {
      await audit.record(tx, {
        actorId,
        action: 'statement.difference_resolved',
        targetType: 'statement',
        targetId: `${d.provider}:${d.bill_date}`,
        before: { kind: d.kind, reference: d.reference, ourFen: d.our_fen, theirFen: d.their_fen, ourState: d.our_state, theirState: d.their_state },
        after: { resolved: true },
        reason: note,
      });
    }
    return { id: d.id, resolved: true, changed: !!inserted };
  });
}
