// Bank-card withdrawals leave as a batch file (批量代发) for finance: approved bank payouts wait,
// processing, until a batch gathers them; the bank's return file is entered back and each line goes
// through the payouts module's exactly-once transitions (paid, or failed with the funds returned).
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { formatYuan } from '../../money.js';
import { maskAccountNo, maskName } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import { businessNumber, canonicalJson } from '../orders/index.js';
import type { PayoutsService } from './service.js';
import type { PayoutBatchLineResult } from './tables.js';

export interface BatchResultLine {
  payoutNo: string;
  result: PayoutBatchLineResult;
  bankReference?: string;
  reason?: string;
}

export interface BatchFileRow {
  seq: number;
  realName: string;
  accountNo: string;
  bankName: string;
  amountYuan: string;
  payoutNo: string;
  note: string;
}

export interface LineIssue {
  payoutNo: string;
  code: 'PAYOUT_NOT_FOUND' | 'PAYOUT_NOT_IN_BATCH' | 'PAYOUT_ALREADY_DECIDED' | 'DUPLICATE_LINE';
  message: string;
}

type Destination = { bankName?: string; accountNo?: string; realName?: string };

export class PayoutBatchesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly payouts: PayoutsService,
  ) {}

  /** Gathers every approved bank withdrawal not yet in a batch (for its current attempt) into a new batch. */
  async create(actorId: number, idempotencyKey?: string) {
    const existing = async (ex: Executor) =>
      idempotencyKey === undefined ? undefined : (await ex.selectFrom('payout_batches').select('id').where('idempotency_key', '=', idempotencyKey).executeTakeFirst())?.id;
    const id = await createOnce('payout_batches_idempotency_key_key', () => inTransaction(this.db, async (tx) => {
      const replay = await existing(tx);
      if (replay !== undefined) return replay;
      const now = this.clock.now();
      const batch = await tx
        .insertInto('payout_batches')
        .values({ batch_no: businessNumber('B', now), created_by: actorId, idempotency_key: idempotencyKey ?? null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      // the unique (payout_id, attempt) index decides races: a concurrent batch waits on it and skips the payout
      const lines = await sql<{ payout_id: number; net_fen: number }>`
        insert into payout_batch_lines (batch_id, seq, payout_id, attempt, net_fen)
        select ${batch.id}, row_number() over (order by p.id), p.id, p.attempts, p.amount_fen - p.fee_fen
          from payouts p
         where p.channel = 'bank' and p.status = 'processing'
           and not exists (select 1 from payout_batch_lines l where l.payout_id = p.id and l.attempt = p.attempts)
        on conflict (payout_id, attempt) do nothing
        returning payout_id, net_fen`.execute(tx);
      if (lines.rows.length === 0) throw conflict('PAYOUT_BATCH_EMPTY', 'no approved bank withdrawal is waiting for a batch');
      const totalFen = lines.rows.reduce((sum, l) => sum + Number(l.net_fen), 0);
      await this.audit.record(tx, { actorId, action: 'payout_batch.create', targetType: 'payout_batch', targetId: batch.id, after: { lines: lines.rows.length, totalFen, payoutIds: lines.rows.map((l) => Number(l.payout_id)) } });
      return batch.id;
    }), () => existing(this.db));
    return this.get(this.db, id);
  }

  async list(ex: Executor, filter: { limit: number; offset: number; batchId?: number }) {
    let q = ex
      .selectFrom('payout_batches as b')
      .leftJoin('payout_batch_lines as l', 'l.batch_id', 'b.id')
      .select(['b.id', 'b.batch_no', 'b.status', 'b.created_by', 'b.created_at', 'b.settled_at'])
      .select(sql<number>`count(l.id)::int`.as('line_count'))
      .select(sql<number>`count(l.id) filter (where l.result = 'paid')::int`.as('paid_count'))
      .select(sql<number>`count(l.id) filter (where l.result = 'failed')::int`.as('failed_count'))
      .select(sql<number>`coalesce(sum(l.net_fen), 0)::int8`.as('total_fen'))
      .select(sql<number>`coalesce(sum(l.net_fen) filter (where l.result = 'paid'), 0)::int8`.as('paid_fen'))
      .select(sql<number>`coalesce(sum(l.net_fen) filter (where l.result = 'failed'), 0)::int8`.as('failed_fen'))
      .groupBy('b.id');
    if (filter.batchId !== undefined) q = q.where('b.id', '=', filter.batchId);
    const rows = await q.orderBy('b.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      batchNo: r.batch_no,
      status: r.status,
      createdBy: Number(r.created_by),
      createdAt: r.created_at,
      settledAt: r.settled_at,
      lineCount: Number(r.line_count),
      paidCount: Number(r.paid_count),
      failedCount: Number(r.failed_count),
      pendingCount: Number(r.line_count) - Number(r.paid_count) - Number(r.failed_count),
      totalFen: Number(r.total_fen),
      paidFen: Number(r.paid_fen),
      failedFen: Number(r.failed_fen),
    }));
  }

  private async lines(ex: Executor, batchId: number) {
    return ex
      .selectFrom('payout_batch_lines as l')
      .innerJoin('payouts as p', 'p.id', 'l.payout_id')
      .select(['l.id', 'l.seq', 'l.payout_id', 'l.attempt', 'l.net_fen', 'l.result', 'l.bank_reference', 'l.reason', 'l.decided_at', 'p.payout_no', 'p.member_id', 'p.destination', 'p.status', 'p.attempts'])
      .where('l.batch_id', '=', batchId)
      .orderBy('l.seq')
      .execute();
  }

  /** A batch with its lines; account numbers and names masked. */
  async get(ex: Executor, batchId: number) {
    const [summary] = await this.list(ex, { limit: 1, offset: 0, batchId });
    if (!summary) throw notFound('PAYOUT_BATCH_NOT_FOUND', `payout batch ${batchId} does not exist`);
    const lines = await this.lines(ex, batchId);
    return {
      ...summary,
      lines: lines.map((l) => {
        const d = l.destination as Destination;
        return {
          payoutNo: l.payout_no,
          memberId: Number(l.member_id),
          attempt: l.attempt,
          netFen: Number(l.net_fen),
          bankName: d.bankName ?? '',
          accountNo: maskAccountNo(d.accountNo ?? ''),
          realName: maskName(d.realName ?? ''),
          result: l.result,
          bankReference: l.bank_reference,
          reason: l.reason,
          decidedAt: l.decided_at,
        };
      }),
    };
  }

  /** The rows of the bank file, account numbers whole; the download is audited. */
  async fileRows(actorId: number, batchId: number, format: string) {
    return inTransaction(this.db, async (tx) => {
      const batch = await tx.selectFrom('payout_batches').select(['id', 'batch_no']).where('id', '=', batchId).executeTakeFirst();
      if (!batch) throw notFound('PAYOUT_BATCH_NOT_FOUND', `payout batch ${batchId} does not exist`);
      const lines = await this.lines(tx, batchId);
      const rows: BatchFileRow[] = lines.map((l, i) => {
        const d = l.destination as Destination;
        return { seq: i + 1, realName: d.realName ?? '', accountNo: d.accountNo ?? '', bankName: d.bankName ?? '', amountYuan: formatYuan(Number(l.net_fen)), payoutNo: l.payout_no, note: '佣金提现' };
      });
      await this.audit.record(tx, { actorId, action: 'payout_batch.download', targetType: 'payout_batch', targetId: batchId, after: { format, lines: rows.length, payoutNos: rows.map((r) => r.payoutNo) } });
      return { batchNo: batch.batch_no, rows };
    });
  }

  /** The bank's return file: every line applied, or none (422 naming the lines that cannot be). */
  async applyResults(actorId: number, batchId: number, input: { lines: BatchResultLine[]; idempotencyKey: string }) {
    const fingerprint = createHash('sha256').update(canonicalJson({ batchId, lines: input.lines })).digest('base64url');
    const replay = async (ex: Executor) => {
      const row = await ex.selectFrom('payout_batch_results').select(['batch_id', 'fingerprint', 'response']).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
      if (!row) return undefined;
      if (row.fingerprint !== fingerprint) throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for other batch results', { fields: ['batchId', 'lines'] });
      return row.response as BatchResultsAnswer;
    };
    return createOnce('payout_batch_results_idempotency_key_key', () => inTransaction(this.db, async (tx, afterCommit) => {
      const batch = await tx.selectFrom('payout_batches').selectAll().where('id', '=', batchId).forUpdate().executeTakeFirst();
      if (!batch) throw notFound('PAYOUT_BATCH_NOT_FOUND', `payout batch ${batchId} does not exist`);
      // results for one batch serialise on its row: a replay that waited answers what the first got
      const earlier = await replay(tx);
      if (earlier) return earlier;
      const lines = await this.lines(tx, batchId);
      const byNo = new Map(lines.map((l) => [l.payout_no, l]));
      const issues: LineIssue[] = [];
      const seen = new Set<string>();
      for (const line of input.lines) {
        if (seen.has(line.payoutNo)) { issues.push({ payoutNo: line.payoutNo, code: 'DUPLICATE_LINE', message: 'this payout number appears twice in the request' }); continue; }
        seen.add(line.payoutNo);
        const held = byNo.get(line.payoutNo);
        if (!held) {
          const known = await tx.selectFrom('payouts').select('id').where('payout_no', '=', line.payoutNo).executeTakeFirst();
          issues.push(known
            ? { payoutNo: line.payoutNo, code: 'PAYOUT_NOT_IN_BATCH', message: `payout ${line.payoutNo} is not in batch ${batch.batch_no}` }
            : { payoutNo: line.payoutNo, code: 'PAYOUT_NOT_FOUND', message: `no payout ${line.payoutNo}` });
        } else if (held.result !== null ? held.result !== line.result : held.status !== 'processing' || held.attempts !== held.attempt) {
          issues.push({ payoutNo: line.payoutNo, code: 'PAYOUT_ALREADY_DECIDED', message: `payout ${line.payoutNo} was already decided: ${held.result ?? held.status}` });
        }
      }
      if (issues.length) throw unprocessable('PAYOUT_BATCH_LINES_REJECTED', `${issues.length} line(s) cannot be applied; nothing was applied`, { lines: issues });
      const now = this.clock.now();
      const applied: BatchResultsAnswer['lines'] = [];
      for (const line of input.lines) {
        const held = byNo.get(line.payoutNo)!;
        if (held.result !== null) { applied.push({ payoutNo: line.payoutNo, result: line.result, changed: false }); continue; }
        const reason = line.reason?.trim() || '银行退回';
        await this.payouts.applyResultIn(tx, afterCommit, line.payoutNo, held.attempt,
          line.result === 'paid' ? { status: 'paid', providerRef: line.bankReference ?? `bank:${batch.batch_no}:${held.seq}` } : { status: 'failed', reason });
        await tx.updateTable('payout_batch_lines')
          .set({ result: line.result, bank_reference: line.bankReference ?? null, reason: line.result === 'failed' ? reason : null, decided_at: now })
          .where('id', '=', held.id).execute();
        applied.push({ payoutNo: line.payoutNo, result: line.result, changed: true });
      }
      const open = await tx.selectFrom('payout_batch_lines').select('id').where('batch_id', '=', batchId).where('result', 'is', null).executeTakeFirst();
      if (!open && batch.status === 'open') await tx.updateTable('payout_batches').set({ status: 'settled', settled_at: now }).where('id', '=', batchId).execute();
      const answer: BatchResultsAnswer = { batchId, batchNo: batch.batch_no, status: open ? 'open' : 'settled', lines: applied };
      await tx.insertInto('payout_batch_results').values({ batch_id: batchId, idempotency_key: input.idempotencyKey, fingerprint, response: JSON.stringify(answer), created_by: actorId, created_at: now }).execute();
      await this.audit.record(tx, { actorId, action: 'payout_batch.results', targetType: 'payout_batch', targetId: batchId, before: { status: batch.status }, after: { status: answer.status, lines: applied } });
      return answer;
    }), () => replay(this.db));
  }
}

export interface BatchResultsAnswer {
  batchId: number;
  batchNo: string;
  status: 'open' | 'settled';
  lines: Array<{ payoutNo: string; result: PayoutBatchLineResult; changed: boolean }>;
}
