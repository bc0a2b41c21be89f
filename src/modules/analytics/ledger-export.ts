// A read model for the console's ledger export (GET /api/admin/ledger/export): every transfer with
// both accounts (kind and member) and the business numbers the providers' statements carry, joined
// from where the transfer's reference leads — the order of a commission earning, the refund that
// reversed one (its number is in the reversal's key, `commission:reverse:<earning>:<refund>`), the
// withdrawal and the attempt's business number sent to WeChat or Alipay (payouts/attempts.ts). The
// ledger module reads only its own tables, so the joins live here. Writes nothing.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { EXPORT_BATCH_ROWS, keysetPages } from '../../db/keyset.js';

/** createdFrom inclusive, createdBefore exclusive; memberId: transfers from or to any of the member's accounts */
export interface LedgerExportFilter {
  code?: string;
  memberId?: number;
  createdFrom?: Date;
  createdBefore?: Date;
}

export interface LedgerExportAccount {
  id: number;
  ownerType: 'platform' | 'member';
  /** the member, for a member's account */
  memberId: number | null;
  nickname: string | null;
  purpose: string;
}

export interface LedgerExportRow {
  id: number;
  createdAt: Date;
  code: string;
  amountFen: number;
  from: LedgerExportAccount;
  to: LedgerExportAccount;
  idempotencyKey: string;
  refType: string | null;
  refId: number | null;
  memo: string | null;
  orderNo: string | null;
  refundNo: string | null;
  payoutNo: string | null;
  /** the withdrawal attempt's number at WeChat or Alipay (out_bill_no / out_biz_no) */
  payoutBusinessNo: string | null;
}

function selection(ex: Executor, filter: LedgerExportFilter) {
  let q = ex.selectFrom('ledger_transfers as t');
  if (filter.code) q = q.where('t.code', '=', filter.code);
  if (filter.createdFrom) q = q.where('t.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('t.created_at', '<', filter.createdBefore);
  if (filter.memberId !== undefined) {
    const memberId = filter.memberId;
    const accounts = ex.selectFrom('ledger_accounts').select('id').where('owner_type', '=', 'member').where('owner_id', '=', memberId);
    q = q.where((eb) => eb.or([eb('t.from_account_id', 'in', accounts), eb('t.to_account_id', 'in', accounts)]));
  }
  return q;
}

/** which attempt of a withdrawal a transfer belongs to: paid and fee the last, a reserve or a failure's release the one in its key */
const payoutAttempt = sql<number | null>`case
  when t.code in ('payout.paid', 'payout.fee') then p.attempts
  when t.code = 'payout.reserve' then substring(t.idempotency_key from ':reserve:([0-9]+)$')::int
  when t.code = 'payout.release' then substring(t.idempotency_key from ':release:failed:([0-9]+)$')::int
end`;

/** One page: the transfers in (after, last], in id order, with their accounts and business numbers. */
async function page(ex: Executor, filter: LedgerExportFilter, bounds: { after: number; last: number }, size: number): Promise<LedgerExportRow[]> {
  const rows = await selection(ex, filter)
    .innerJoin('ledger_accounts as fa', 'fa.id', 't.from_account_id')
    .innerJoin('ledger_accounts as ta', 'ta.id', 't.to_account_id')
    .leftJoin('members as fm', (j) => j.onRef('fm.id', '=', 'fa.owner_id').on('fa.owner_type', '=', 'member'))
    .leftJoin('members as tm', (j) => j.onRef('tm.id', '=', 'ta.owner_id').on('ta.owner_type', '=', 'member'))
    .leftJoin('commission_earnings as e', (j) => j.onRef('e.id', '=', 't.ref_id').on('t.ref_type', '=', 'commission_earning'))
    .leftJoin('orders as o', 'o.id', 'e.order_id')
    .leftJoin('refunds as r', (j) => j.on('t.code', '=', 'commission.reverse').on(sql<boolean>`r.id = substring(t.idempotency_key from '^commission:reverse:[0-9]+:([0-9]+)')::bigint`))
    .leftJoin('payouts as p', (j) => j.onRef('p.id', '=', 't.ref_id').on('t.ref_type', '=', 'payout'))
    .leftJoin('payout_transfers as pt', (j) => j.onRef('pt.payout_id', '=', 'p.id').on(sql<boolean>`pt.attempt = ${payoutAttempt}`))
    .select([
      't.id',
      't.created_at as createdAt',
      't.code',
      't.amount_fen as amountFen',
      't.idempotency_key as idempotencyKey',
      't.ref_type as refType',
      't.ref_id as refId',
      't.memo',
      'fa.id as fromId',
      'fa.owner_type as fromOwnerType',
      'fa.owner_id as fromOwnerId',
      'fa.purpose as fromPurpose',
      'fm.nickname as fromNickname',
      'ta.id as toId',
      'ta.owner_type as toOwnerType',
      'ta.owner_id as toOwnerId',
      'ta.purpose as toPurpose',
      'tm.nickname as toNickname',
      'o.order_no as orderNo',
      'r.refund_no as refundNo',
      'p.payout_no as payoutNo',
      'pt.business_no as payoutBusinessNo',
    ])
    .where('t.id', '>', bounds.after)
    .where('t.id', '<=', bounds.last)
    .orderBy('t.id')
    .limit(size)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    code: r.code,
    amountFen: r.amountFen,
    from: { id: r.fromId, ownerType: r.fromOwnerType, memberId: r.fromOwnerType === 'member' ? r.fromOwnerId : null, nickname: r.fromNickname, purpose: r.fromPurpose },
    to: { id: r.toId, ownerType: r.toOwnerType, memberId: r.toOwnerType === 'member' ? r.toOwnerId : null, nickname: r.toNickname, purpose: r.toPurpose },
    idempotencyKey: r.idempotencyKey,
    refType: r.refType,
    refId: r.refId,
    memo: r.memo,
    orderNo: r.orderNo,
    refundNo: r.refundNo,
    payoutNo: r.payoutNo,
    payoutBusinessNo: r.payoutBusinessNo,
  }));
}

/**
 * The selected transfers in id (booking) order, a page at a time. The ids the filter spans are
 * fixed first (one query, an index range), so each page is a primary-key range scan whatever the
 * filter, and transfers booked while the file is written are left out: the file is the ledger as
 * it stood when the export began. (Not a generator delegating with yield*: V8 keeps the page last
 * passed on in the delegating frame while the next one is read — seen in a heap snapshot.)
 */
export function ledgerExportRows(ex: Executor, filter: LedgerExportFilter, size = EXPORT_BATCH_ROWS): AsyncGenerator<LedgerExportRow[]> {
  let span: { first: number; last: number } | null | undefined;
  return keysetPages(
    async (after: number | undefined) => {
      if (span === undefined) {
        const ids = await selection(ex, filter).select([sql<number | null>`min(t.id)`.as('first'), sql<number | null>`max(t.id)`.as('last')]).executeTakeFirst();
        span = !ids || ids.first === null || ids.last === null ? null : { first: Number(ids.first), last: Number(ids.last) };
      }
      return span === null ? [] : page(ex, filter, { after: after ?? span.first - 1, last: span.last }, size);
    },
    (row) => row.id,
    size,
  );
}
