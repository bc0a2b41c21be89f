// Reads our side of a bill (payments, refunds, payment returns, payout attempts: the payments, orders and
// payouts modules' tables, read-only, as reconciliation does) and replaces the bill's differences with a
// fresh match.
import type { Tx } from '../../db/database.js';
import { addDays, dayBounds } from './days.js';
import { fingerprint, matchBill, matchPayouts, subjectOf, type OurPayment, type OurPayout, type OurRefund } from './matching.js';
import type { LineKind, StatementProvider } from './tables.js';

const CHUNK = 1000;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
const unique = (items: Array<string | null>) => [...new Set(items.filter((x): x is string => !!x))];

async function paymentsByTradeNo(tx: Tx, tradeNos: string[]): Promise<Map<string, OurPayment>> {
  const found = new Map<string, OurPayment>();
  for (const part of chunks(tradeNos)) {
    const rows = await tx.selectFrom('payments').select(['id', 'provider', 'out_trade_no', 'amount_fen', 'status']).where('out_trade_no', 'in', part).execute();
    for (const r of rows) found.set(r.out_trade_no, { id: r.id, provider: r.provider, outTradeNo: r.out_trade_no, amountFen: r.amount_fen, status: r.status });
  }
  return found;
}

/** Refunds go back through the payment that paid the order (the first succeeded one, as PaymentsService picks it). */
function refundsQuery(tx: Tx) {
  return tx
    .selectFrom('refunds as r')
    .leftJoinLateral(
      (eb) => eb.selectFrom('payments').select(['payments.provider', 'payments.out_trade_no']).whereRef('payments.order_id', '=', 'r.order_id').where('payments.status', '=', 'succeeded').orderBy('payments.paid_at').orderBy('payments.id').limit(1).as('p'),
      (join) => join.onTrue(),
    )
    .select(['r.id', 'r.refund_no', 'r.amount_fen', 'r.status', 'p.provider', 'p.out_trade_no']);
}

function returnsQuery(tx: Tx) {
  return tx
    .selectFrom('payment_returns as pr')
    .innerJoin('payments as p', 'p.id', 'pr.payment_id')
    .select(['pr.id', 'pr.refund_no', 'pr.amount_fen', 'pr.status', 'p.provider', 'p.out_trade_no']);
}

type RefundRow = { id: number; refund_no: string; amount_fen: number; status: string; provider: string | null; out_trade_no: string | null };
const asRefund = (recordType: OurRefund['recordType'], r: RefundRow): OurRefund => ({ recordType, id: r.id, refundNo: r.refund_no, provider: r.provider, outTradeNo: r.out_trade_no, amountFen: r.amount_fen, status: r.status });

async function refundsByNo(tx: Tx, refundNos: string[]): Promise<Map<string, OurRefund>> {
  const found = new Map<string, OurRefund>();
  for (const part of chunks(refundNos)) {
    for (const r of await refundsQuery(tx).where('r.refund_no', 'in', part).execute()) found.set(r.refund_no, asRefund('refund', r));
    for (const r of await returnsQuery(tx).where('pr.refund_no', 'in', part).execute()) found.set(r.refund_no, asRefund('payment_return', r));
  }
  return found;
}

/** Our money of this provider that day: what its bill must list. */
export async function ourRecordsOfDay(tx: Tx, provider: StatementProvider, day: string) {
  const { start, end } = dayBounds(day);
  const paid = await tx
    .selectFrom('payments')
    .select(['id', 'provider', 'out_trade_no', 'amount_fen', 'status'])
    .where('provider', '=', provider)
    .where('status', '=', 'succeeded')
    .where('paid_at', '>=', start)
    .where('paid_at', '<', end)
    .execute();
  const refunds = await refundsQuery(tx).where('p.provider', '=', provider).where('r.status', 'in', ['succeeded', 'overpaid']).where('r.completed_at', '>=', start).where('r.completed_at', '<', end).execute();
  const returns = await returnsQuery(tx).where('p.provider', '=', provider).where('pr.status', '=', 'succeeded').where('pr.completed_at', '>=', start).where('pr.completed_at', '<', end).execute();
  return {
    paidThatDay: paid.map((r): OurPayment => ({ id: r.id, provider: r.provider, outTradeNo: r.out_trade_no, amountFen: r.amount_fen, status: r.status })),
    refundedThatDay: [...refunds.map((r) => asRefund('refund', r)), ...returns.map((r) => asRefund('payment_return', r))],
  };
}

/** Which of these numbers the fetched bills of the day before and after list. */
async function onNeighbourBills(tx: Tx, provider: StatementProvider, day: string, tradeNos: string[], refundNos: string[]) {
  const seen = { outTradeNos: new Set<string>(), refundNos: new Set<string>() };
  if (tradeNos.length === 0 && refundNos.length === 0) return seen;
  const neighbours = await tx.selectFrom('statement_bills').select('id').where('provider', '=', provider).where('bill_date', 'in', [addDays(day, -1), addDays(day, 1)]).where('status', '=', 'fetched').execute();
  if (neighbours.length === 0) return seen;
  const ids = neighbours.map((n) => n.id);
  for (const part of chunks(tradeNos)) {
    const rows = await tx.selectFrom('statement_lines').select('out_trade_no').where('bill_id', 'in', ids).where('kind', '=', 'payment').where('out_trade_no', 'in', part).execute();
    for (const r of rows) seen.outTradeNos.add(r.out_trade_no);
  }
  for (const part of chunks(refundNos)) {
    const rows = await tx.selectFrom('statement_lines').select('out_refund_no').where('bill_id', 'in', ids).where('kind', '=', 'refund').where('out_refund_no', 'in', part).execute();
    for (const r of rows) if (r.out_refund_no) seen.refundNos.add(r.out_refund_no);
  }
  return seen;
}

/** Matches a stored bill again and replaces its differences; returns how many there are. */
export async function rematchBill(tx: Tx, bill: { id: number; provider: StatementProvider; billDate: string }, now: Date): Promise<number> {
  const lines = await tx
    .selectFrom('statement_lines')
    .select(['seq', 'kind', 'out_trade_no as outTradeNo', 'out_refund_no as outRefundNo', 'provider_txn_id as providerTxnId', 'state', 'amount_fen as amountFen'])
    .where('bill_id', '=', bill.id)
    .orderBy('seq')
    .execute();
  const payments = await paymentsByTradeNo(tx, unique(lines.filter((l) => l.kind === 'payment' || l.kind === 'other').map((l) => l.outTradeNo)));
  const refunds = await refundsByNo(tx, unique(lines.filter((l) => l.kind === 'refund').map((l) => l.outRefundNo)));
  const day = await ourRecordsOfDay(tx, bill.provider, bill.billDate);
  const listedTrades = new Set(lines.filter((l) => l.kind === 'payment').map((l) => l.outTradeNo));
  const listedRefunds = new Set(lines.filter((l) => l.kind === 'refund').map((l) => l.outRefundNo));
  const neighbours = await onNeighbourBills(
    tx,
    bill.provider,
    bill.billDate,
    day.paidThatDay.filter((p) => !listedTrades.has(p.outTradeNo)).map((p) => p.outTradeNo),
    day.refundedThatDay.filter((r) => !listedRefunds.has(r.refundNo)).map((r) => r.refundNo),
  );
  const differences = matchBill({ provider: bill.provider, lines, payments, refunds, ...day, onNeighbourBills: neighbours });
  const { account_bill: accountBill } = await tx.selectFrom('statement_bills').select('account_bill').where('id', '=', bill.id).executeTakeFirstOrThrow();
  if (accountBill) differences.push(...(await matchPayoutLines(tx, bill, lines.filter((l) => l.kind === 'payout' || l.kind === 'payout_return'))));
  const lineKinds = new Map<number, LineKind>(lines.map((l) => [l.seq, l.kind]));

  await tx.deleteFrom('statement_differences').where('bill_id', '=', bill.id).execute();
  for (const part of chunks(differences)) {
    await tx
      .insertInto('statement_differences')
      .values(part.map((d) => ({
        bill_id: bill.id,
        provider: bill.provider,
        bill_date: bill.billDate,
        kind: d.kind,
        subject: subjectOf(d, lineKinds),
        record_type: d.recordType,
        record_id: d.recordId,
        reference: d.reference,
        out_trade_no: d.outTradeNo,
        line_seq: d.lineSeq,
        our_fen: d.ourFen,
        their_fen: d.theirFen,
        our_state: d.ourState,
        their_state: d.theirState,
        note: d.note,
        fingerprint: fingerprint(d),
        created_at: now,
      })))
      .execute();
  }
  await tx.updateTable('statement_bills').set({ difference_count: differences.length }).where('id', '=', bill.id).execute();
  return differences.length;
}

// ------------------------------------------------------------------ payouts

/** The bill providers' names of the payout providers (payout_transfers.provider). */
const PAYOUT_PROVIDERS: Record<StatementProvider, string> = { wechatpay: 'wechat_transfer', alipay: 'alipay_transfer' };
const billProviderOf = (payoutProvider: string): StatementProvider | null =>
  payoutProvider === PAYOUT_PROVIDERS.wechatpay ? 'wechatpay' : payoutProvider === PAYOUT_PROVIDERS.alipay ? 'alipay' : null;

function transfersQuery(tx: Tx) {
  return tx
    .selectFrom('payout_transfers as t')
    .innerJoin('payouts as p', 'p.id', 't.payout_id')
    .select(['t.id', 't.payout_id', 't.attempt', 't.provider', 't.business_no', 't.provider_ref', 't.net_fen', 't.state', 't.finished_at', 'p.payout_no', 'p.status', 'p.attempts']);
}

type TransferRow = { id: number; payout_id: number; attempt: number; provider: string; business_no: string; provider_ref: string | null; net_fen: number; state: string | null; finished_at: Date | null; payout_no: string; status: string; attempts: number };

/** Paid: the payout is paid by this, its current attempt. Failed: a later attempt replaced it, or it finished unpaid. */
function asPayout(r: TransferRow): OurPayout {
  const current = r.attempts === r.attempt;
  const outcome: OurPayout['outcome'] = current && r.status === 'paid' ? 'paid' : !current || r.finished_at !== null || r.status === 'failed' ? 'failed' : 'pending';
  return { id: r.id, payoutId: r.payout_id, payoutNo: r.payout_no, attempt: r.attempt, provider: billProviderOf(r.provider), businessNo: r.business_no, providerRef: r.provider_ref, netFen: r.net_fen, outcome, state: r.state };
}

/** Our attempts through this provider paid on the day: what its account bill must list. */
export async function ourPayoutsOfDay(tx: Tx, provider: StatementProvider, day: string): Promise<OurPayout[]> {
  const { start, end } = dayBounds(day);
  const rows = await transfersQuery(tx)
    .where('t.provider', '=', PAYOUT_PROVIDERS[provider])
    .where('p.status', '=', 'paid')
    .whereRef('p.attempts', '=', 't.attempt')
    .where('t.finished_at', '>=', start)
    .where('t.finished_at', '<', end)
    .execute();
  return rows.map(asPayout);
}

async function matchPayoutLines(tx: Tx, bill: { id: number; provider: StatementProvider; billDate: string }, lines: Array<{ seq: number; kind: LineKind; outTradeNo: string; outRefundNo: string | null; providerTxnId: string | null; state: string; amountFen: number }>) {
  const byBusinessNo = new Map<string, OurPayout>();
  const byProviderRef = new Map<string, OurPayout>();
  for (const part of chunks(unique(lines.map((l) => l.outTradeNo)))) {
    for (const r of await transfersQuery(tx).where('t.business_no', 'in', part).execute()) byBusinessNo.set(r.business_no, asPayout(r));
  }
  const unnamed = unique(lines.filter((l) => !byBusinessNo.has(l.outTradeNo)).map((l) => l.providerTxnId));
  for (const part of chunks(unnamed)) {
    for (const r of await transfersQuery(tx).where('t.provider_ref', 'in', part).execute()) if (r.provider_ref) byProviderRef.set(r.provider_ref, asPayout(r));
  }
  const paidThatDay = await ourPayoutsOfDay(tx, bill.provider, bill.billDate);
  // money of these attempts on the neighbouring days' account bills, found by our number or the provider's
  const ours = [...byBusinessNo.values(), ...byProviderRef.values()];
  const wanted = [...ours.filter((p) => p.outcome === 'failed'), ...paidThatDay];
  const numbers = unique(wanted.map((p) => p.businessNo));
  const refs = new Map(wanted.filter((p) => p.providerRef).map((p) => [p.providerRef!, p.businessNo]));
  const onNeighbourBills = new Map<string, { outFen: number; backFen: number }>();
  const neighbours = await tx.selectFrom('statement_bills').select('id').where('provider', '=', bill.provider).where('bill_date', 'in', [addDays(bill.billDate, -1), addDays(bill.billDate, 1)]).where('status', '=', 'fetched').where('account_bill', '=', true).execute();
  if (neighbours.length > 0 && numbers.length > 0) {
    const ids = neighbours.map((n) => n.id);
    const add = (no: string, kind: LineKind, fen: number) => {
      const m = onNeighbourBills.get(no) ?? { outFen: 0, backFen: 0 };
      if (kind === 'payout') m.outFen += fen;
      else m.backFen += fen;
      onNeighbourBills.set(no, m);
    };
    const payoutLines = () => tx.selectFrom('statement_lines').select(['kind', 'out_trade_no', 'provider_txn_id', 'amount_fen']).where('bill_id', 'in', ids).where('kind', 'in', ['payout', 'payout_return']);
    for (const part of chunks(numbers)) {
      for (const r of await payoutLines().where('out_trade_no', 'in', part).execute()) add(r.out_trade_no, r.kind, r.amount_fen);
    }
    // a line without our number is known by the provider's
    for (const part of chunks([...refs.keys()])) {
      for (const r of await payoutLines().where('out_trade_no', '=', '').where('provider_txn_id', 'in', part).execute()) add(refs.get(r.provider_txn_id!)!, r.kind, r.amount_fen);
    }
  }
  return matchPayouts({ provider: bill.provider, lines, byBusinessNo, byProviderRef, paidThatDay, onNeighbourBills });
}
