// Line-by-line matching of one bill against our records. Pure: the service loads what it needs (the
// bill's lines, our records those lines name, our records of that day, and which of them a neighbouring
// day's bill lists) and stores what comes out. A record paid at 23:59:59 may sit on the next day's bill,
// so "missing there" only counts records that no bill of the day before or after lists either.
import type { DifferenceKind, LineKind, RecordType, StatementProvider } from './tables.js';

export interface MatchLine {
  seq: number;
  kind: LineKind;
  outTradeNo: string;
  outRefundNo: string | null;
  state: string;
  amountFen: number;
}

export interface OurPayment {
  id: number;
  provider: string;
  outTradeNo: string;
  amountFen: number;
  status: string;
}

/** A refund of an order, or a payment return (money back for a payment that reached a closed order). */
export interface OurRefund {
  recordType: 'refund' | 'payment_return';
  id: number;
  refundNo: string;
  /** the payment it goes back through; null when that payment cannot be found */
  provider: string | null;
  outTradeNo: string | null;
  amountFen: number;
  status: string;
}

export interface Difference {
  kind: DifferenceKind;
  recordType: RecordType | null;
  recordId: number | null;
  reference: string;
  outTradeNo: string | null;
  lineSeq: number | null;
  ourFen: number | null;
  theirFen: number | null;
  ourState: string | null;
  theirState: string | null;
  note: string | null;
}

export interface MatchInput {
  provider: StatementProvider;
  lines: MatchLine[];
  /** ours, by out_trade_no, for every out_trade_no the lines name (any provider) */
  payments: Map<string, OurPayment>;
  /** ours, by refund number, for every refund number the lines name */
  refunds: Map<string, OurRefund>;
  /** our succeeded payments of this provider paid on the bill's day */
  paidThatDay: OurPayment[];
  /** our refunds and returns of this provider completed on the bill's day */
  refundedThatDay: OurRefund[];
  /** of those, the ones a neighbouring day's bill lists */
  onNeighbourBills: { outTradeNos: Set<string>; refundNos: Set<string> };
}

/** What a refund's status is called in a bill. */
function billRefundState(status: string): string[] {
  if (status === 'succeeded' || status === 'overpaid') return ['SUCCESS'];
  if (status === 'processing') return ['PROCESSING'];
  return ['ABNORMAL', 'CLOSED'];
}

/** A difference is the same one again when all its facts are: a resolution holds while they do. */
export function fingerprint(d: Difference): string {
  return [d.kind, d.recordType ?? '', d.reference, d.ourFen ?? '', d.theirFen ?? '', d.ourState ?? '', d.theirState ?? ''].join('|');
}

export function matchBill(input: MatchInput): Difference[] {
  const out: Difference[] = [];
  const seenPayments = new Set<string>();
  const seenRefunds = new Set<string>();
  const base = (line: MatchLine) => ({ lineSeq: line.seq, outTradeNo: line.outTradeNo, theirFen: line.amountFen, theirState: line.state, note: null as string | null });

  for (const line of input.lines) {
    if (line.kind === 'payment') {
      if (seenPayments.has(line.outTradeNo)) {
        out.push({ ...base(line), kind: 'duplicate', recordType: null, recordId: null, reference: line.outTradeNo, ourFen: null, ourState: null, note: 'the bill lists this payment more than once' });
        continue;
      }
      seenPayments.add(line.outTradeNo);
      const ours = input.payments.get(line.outTradeNo);
      if (!ours) {
        out.push({ ...base(line), kind: 'missing_here', recordType: null, recordId: null, reference: line.outTradeNo, ourFen: null, ourState: null });
        continue;
      }
      const record = { recordType: 'payment' as const, recordId: ours.id, reference: ours.outTradeNo, ourFen: ours.amountFen, ourState: ours.status };
      if (ours.provider !== input.provider) {
        out.push({ ...base(line), ...record, kind: 'state_differs', note: `we recorded this as a ${ours.provider} payment` });
        continue;
      }
      if (ours.amountFen !== line.amountFen) out.push({ ...base(line), ...record, kind: 'amount_differs' });
      // the provider took the money but we never applied it (a lost notification), or closed it
      if (ours.status !== 'succeeded') out.push({ ...base(line), ...record, kind: 'state_differs', note: 'the provider says paid' });
    } else if (line.kind === 'refund') {
      const refundNo = line.outRefundNo ?? '';
      if (seenRefunds.has(refundNo)) {
        out.push({ ...base(line), kind: 'duplicate', recordType: null, recordId: null, reference: refundNo, ourFen: null, ourState: null, note: 'the bill lists this refund more than once' });
        continue;
      }
      seenRefunds.add(refundNo);
      const ours = input.refunds.get(refundNo);
      if (!ours) {
        out.push({ ...base(line), kind: 'missing_here', recordType: null, recordId: null, reference: refundNo, ourFen: null, ourState: null });
        continue;
      }
      const record = { recordType: ours.recordType, recordId: ours.id, reference: ours.refundNo, ourFen: ours.amountFen, ourState: ours.status };
      if (ours.provider !== input.provider || ours.outTradeNo !== line.outTradeNo) {
        out.push({ ...base(line), ...record, kind: 'state_differs', note: `we refund payment ${ours.outTradeNo ?? '?'} through ${ours.provider ?? '?'}` });
        continue;
      }
      if (ours.amountFen !== line.amountFen) out.push({ ...base(line), ...record, kind: 'amount_differs' });
      if (!billRefundState(ours.status).includes(line.state)) out.push({ ...base(line), ...record, kind: 'state_differs' });
    } else {
      // a reversed or failed line carries no money; it matters only if we think the payment succeeded
      const ours = input.payments.get(line.outTradeNo);
      if (ours && ours.provider === input.provider && ours.status === 'succeeded') {
        out.push({ ...base(line), kind: 'state_differs', recordType: 'payment', recordId: ours.id, reference: ours.outTradeNo, ourFen: ours.amountFen, ourState: ours.status, note: `the provider says ${line.state}` });
      }
    }
  }

  for (const p of input.paidThatDay) {
    if (seenPayments.has(p.outTradeNo) || input.onNeighbourBills.outTradeNos.has(p.outTradeNo)) continue;
    out.push({ kind: 'missing_there', recordType: 'payment', recordId: p.id, reference: p.outTradeNo, outTradeNo: p.outTradeNo, lineSeq: null, ourFen: p.amountFen, theirFen: null, ourState: p.status, theirState: null, note: null });
  }
  for (const r of input.refundedThatDay) {
    if (seenRefunds.has(r.refundNo) || input.onNeighbourBills.refundNos.has(r.refundNo)) continue;
    out.push({ kind: 'missing_there', recordType: r.recordType, recordId: r.id, reference: r.refundNo, outTradeNo: r.outTradeNo, lineSeq: null, ourFen: r.amountFen, theirFen: null, ourState: r.status, theirState: null, note: null });
  }
  return out;
}
