// Line-by-line matching of one bill against our records. Pure: the service loads what it needs (the
// bill's lines, our records those lines name, our records of that day, and which of them a neighbouring
// day's bill lists) and stores what comes out. A record paid at 23:59:59 may sit on the next day's bill,
// so "missing there" only counts records that no bill of the day before or after lists either.
// Payouts (matchPayouts) are matched on the account bill's transfer lines the same way, by business number.
import type { DifferenceKind, DifferenceSubject, LineKind, RecordType, StatementProvider } from './tables.js';

export interface MatchLine {
  seq: number;
  kind: LineKind;
  outTradeNo: string;
  outRefundNo: string | null;
  providerTxnId?: string | null;
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
  /** payment or refund unless said: matchBill leaves it to subjectOf */
  subject?: DifferenceSubject;
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
  const facts = [d.kind, d.recordType ?? '', d.reference, d.ourFen ?? '', d.theirFen ?? '', d.ourState ?? '', d.theirState ?? ''];
  // payment and refund fingerprints stay as 032 made them, so resolutions made before payouts hold
  return (d.subject === 'payout' ? ['payout', ...facts] : facts).join('|');
}

/** What a difference is about: a payout when matchPayouts says so, else the record's or the line's kind. */
export function subjectOf(d: Difference, lineKinds: Map<number, LineKind>): DifferenceSubject {
  if (d.subject) return d.subject;
  if (d.recordType === 'refund' || d.recordType === 'payment_return') return 'refund';
  if (d.recordType === null && d.lineSeq !== null && lineKinds.get(d.lineSeq) === 'refund') return 'refund';
  return 'payment';
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
    } else if (line.kind === 'other') {
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

// ------------------------------------------------------------------ payouts

/** One attempt of a withdrawal at a provider (payout_transfers), as its outcome stands with us. */
export interface OurPayout {
  /** payout_transfers.id */
  id: number;
  payoutId: number;
  payoutNo: string;
  attempt: number;
  /** the provider it went through, as a bill provider; null for one no bill lists (dev) */
  provider: StatementProvider | null;
  businessNo: string;
  providerRef: string | null;
  netFen: number;
  /** paid: the money left for good; failed: it must not have (or came back); pending: the provider is not done */
  outcome: 'paid' | 'failed' | 'pending';
  /** the provider's last word (SUCCESS, FAIL, CANCELLED, WAIT_USER_CONFIRM, DEALING …) */
  state: string | null;
}

export interface PayoutMatchInput {
  provider: StatementProvider;
  /** the bill's transfer lines (kinds payout and payout_return) */
  lines: MatchLine[];
  /** ours, for every business number and provider reference the lines name */
  byBusinessNo: Map<string, OurPayout>;
  byProviderRef: Map<string, OurPayout>;
  /** our attempts of this provider that were paid on the bill's day */
  paidThatDay: OurPayout[];
  /** money of these attempts on the bills of the day before and after: out and back, by business number */
  onNeighbourBills: Map<string, { outFen: number; backFen: number }>;
}

const PROVIDER_NAME: Record<StatementProvider, string> = { wechatpay: 'WeChat 商家转账', alipay: 'Alipay transfer' };

/**
 * Each transfer line names a business number: none of ours → missing here; ours paid → the amount out must
 * be the attempt's net amount and none of it may come back; ours failed → what left must come back (on this
 * bill or the next day's); ours pending → the provider holds it, nothing to say yet. An attempt paid that
 * day that no bill of the day or its neighbours lists → missing there.
 */
export function matchPayouts(input: PayoutMatchInput): Difference[] {
  const out: Difference[] = [];
  const groups = new Map<string, { ours: OurPayout | undefined; reference: string; lines: MatchLine[] }>();
  for (const line of input.lines) {
    const ours = (line.outTradeNo ? input.byBusinessNo.get(line.outTradeNo) : undefined) ?? (line.providerTxnId ? input.byProviderRef.get(line.providerTxnId) : undefined);
    const reference = ours?.businessNo ?? (line.outTradeNo || line.providerTxnId || `line ${line.seq}`);
    const g = groups.get(reference) ?? { ours, reference, lines: [] };
    g.lines.push(line);
    groups.set(reference, g);
  }
  const listed = new Set<string>();
  const base = (line: MatchLine) => ({ subject: 'payout' as const, lineSeq: line.seq, outTradeNo: null, theirFen: line.amountFen, theirState: line.state });
  const name = PROVIDER_NAME[input.provider];

  for (const { ours, reference, lines } of groups.values()) {
    listed.add(reference);
    if (!ours) {
      for (const line of lines) out.push({ ...base(line), kind: 'missing_here', recordType: null, recordId: null, reference, ourFen: null, ourState: null, note: `payout: a ${name} on the account bill that is none of our withdrawals` });
      continue;
    }
    const record = { recordType: 'payout' as const, recordId: ours.payoutId, reference, ourFen: ours.netFen, ourState: ours.outcome };
    const about = `payout ${ours.payoutNo} attempt ${ours.attempt}`;
    if (ours.provider !== input.provider) {
      for (const line of lines) out.push({ ...base(line), ...record, kind: 'state_differs', note: `${about}: we sent it through ${ours.provider ?? 'no provider'}` });
      continue;
    }
    const outs = lines.filter((l) => l.kind === 'payout');
    const backs = lines.filter((l) => l.kind === 'payout_return');
    for (const extra of outs.slice(1)) out.push({ ...base(extra), ...record, kind: 'duplicate', note: `${about}: the account bill pays it out more than once` });
    const first = outs[0];
    if (ours.outcome === 'paid') {
      if (first && first.amountFen !== ours.netFen) out.push({ ...base(first), ...record, kind: 'amount_differs', note: `${about}: ${name} paid out another amount` });
      for (const back of backs) out.push({ ...base(back), ...record, kind: 'state_differs', note: `${about}: the provider gave the money back, we count the payout paid` });
    } else if (ours.outcome === 'failed' && first) {
      // what left must come back, on this bill or the next day's
      const next = input.onNeighbourBills.get(reference);
      const backFen = backs.reduce((s, l) => s + l.amountFen, 0) + (next?.backFen ?? 0);
      const outFen = outs.reduce((s, l) => s + l.amountFen, 0);
      if (backFen < outFen) out.push({ ...base(first), ...record, ourFen: 0, theirFen: outFen - backFen, kind: 'state_differs', note: `${about}: money left for an attempt that failed (${ours.state ?? 'failed'}) and has not come back` });
    }
  }

  for (const p of input.paidThatDay) {
    if (listed.has(p.businessNo) || (input.onNeighbourBills.get(p.businessNo)?.outFen ?? 0) > 0) continue;
    out.push({ subject: 'payout', kind: 'missing_there', recordType: 'payout', recordId: p.payoutId, reference: p.businessNo, outTradeNo: null, lineSeq: null, ourFen: p.netFen, theirFen: null, ourState: p.outcome, theirState: null, note: `payout ${p.payoutNo} attempt ${p.attempt}: paid through ${name}, not on the account bill` });
  }
  return out;
}
