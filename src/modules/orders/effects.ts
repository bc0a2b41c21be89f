// The participants' deferred effects (participants.ts DeferredHooks) leave the payment's transaction
// through an outbox, order_effects (037): the payment or refund writes one row with the exact
// PaidOrder / RefundedOrder the inline hooks get, and the expander runs each deferred hook later in a
// transaction that also takes the participant off the row, so each runs exactly once. Rows are
// claimed FOR UPDATE SKIP LOCKED (any number of instances expand at once), a participant runs on a
// row only once every earlier row of the same order has done it (a refund never before its payment),
// and several orders share a transaction. When that batch fails it is rolled back and each (row,
// participant) runs on its own: the failing one counts a try, keeps its error and backs off; the
// others go on. The expander runs soon after a commit in this process (debounced), from the
// `orders.expand-effects` job for what a crash left, and from drain() in tests.
import { sql, type KyselyPlugin } from 'kysely';
import { inTransaction, type Tx } from '../../db/database.js';
import { OrdersPart } from './deps.js';
import type { AfterCommit, OrderParticipant, PaidOrder, RefundedOrder } from './participants.js';

/** rows per transaction (each row is one order's or refund's deferred work) */
const BATCH_ROWS = 50;
/** first retry after a failure; doubled per try up to the cap */
const BACKOFF_BASE_S = 1;
const BACKOFF_MAX_S = 600;
/** how long drain() waits for rows another instance holds */
const DRAIN_TIMEOUT_MS = 30_000;

/** What a row carries: PaidOrder with its rule version by id (versions never change), or RefundedOrder. */
type StoredPaid = Omit<PaidOrder, 'ruleVersion' | 'paidAt'> & { ruleVersionId: number; paidAt: string };
type StoredRefund = Omit<RefundedOrder, 'at'> & { at: string };

interface ClaimedRow {
  id: number;
  order_id: number;
  refund_id: number | null;
  payload: unknown;
  pending: string[];
  /** pending participants no earlier row of the order still waits for */
  ready: string[];
  /** the order has later rows (which this row's done-marks may make ready) */
  has_later: boolean;
}

type Payload = { kind: 'paid'; order: PaidOrder } | { kind: 'refunded'; refund: RefundedOrder };

/** Where a test may make the expansion fail: any statement a deferred hook sends, after a hook, before the done-mark. */
export type EffectsFaultPoint = 'statement' | 'after-hook' | 'before-done';
export type EffectsFaults = (point: EffectsFaultPoint, at: { participant: string | null; effectIds: number[] }) => void;

export interface ExpandResult {
  /** (row, participant) hooks that ran and committed */
  expanded: number;
  /** (row, participant) hooks that failed and wait for their retry */
  failed: number;
}

export class OrderEffects extends OrdersPart {
  /** tests only: injected failures (see EffectsFaults) */
  faults: EffectsFaults | null = null;
  /**
   * tests only, as the reference the outbox is compared with: deferred hooks run inside the payment's
   * transaction, as every hook did before the outbox. Never a production setting.
   */
  inlineForReference = false;
  /** how long after a commit this process expands (several commits share one batch) */
  debounceMs = 10;
  /** tests only: false leaves expansion to expand() / drain() calls (the job still runs) */
  autoExpand = true;

  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  private deferring(kind: 'paid' | 'refunded'): OrderParticipant[] {
    return this.participants.filter((p) => (kind === 'paid' ? p.later?.onPaid : p.later?.onRefunded));
  }

  /** In the payment's transaction: the paid order's deferred work, one row. */
  async recordPaid(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void> {
    const names = this.deferring('paid');
    if (names.length === 0) return;
    if (this.inlineForReference) {
      for (const p of names) await p.later!.onPaid!(tx, order);
      return;
    }
    const { ruleVersion, ...rest } = order;
    await this.insertRow(tx, order.orderId, null, { ...rest, ruleVersionId: ruleVersion.id }, names);
    afterCommit(() => this.soon());
  }

  /** In the refund's transaction: the refund's deferred work, one row. */
  async recordRefunded(tx: Tx, refund: RefundedOrder, afterCommit: AfterCommit): Promise<void> {
    const names = this.deferring('refunded');
    if (names.length === 0) return;
    if (this.inlineForReference) {
      for (const p of names) await p.later!.onRefunded!(tx, refund);
      return;
    }
    await this.insertRow(tx, refund.orderId, refund.refundId, refund, names);
    afterCommit(() => this.soon());
  }

  private async insertRow(tx: Tx, orderId: number, refundId: number | null, payload: unknown, participants: OrderParticipant[]): Promise<void> {
    const now = this.clock.now();
    await tx
      .insertInto('order_effects')
      .values({ order_id: orderId, refund_id: refundId, payload: JSON.stringify(payload), pending: participants.map((p) => p.name), next_at: now, created_at: now })
      .execute();
  }

  /** The rows' payloads as the hooks take them: Dates revived, the rule version read back. */
  private async revive(tx: Tx, row: ClaimedRow): Promise<Payload> {
    const stored = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as StoredPaid | StoredRefund;
    if (row.refund_id === null) {
      const { ruleVersionId, paidAt, ...rest } = stored as StoredPaid;
      return { kind: 'paid', order: { ...rest, ruleVersion: await this.rules.byId(tx, ruleVersionId), paidAt: new Date(paidAt) } };
    }
    const { at, ...rest } = stored as StoredRefund;
    return { kind: 'refunded', refund: { ...rest, at: new Date(at) } };
  }

  /**
   * Locks up to `limit` rows (or the one `id`) that no other expander holds, oldest first, with the
   * participants each may run now (ready: no earlier row of the order still waits for them).
   */
  private async claim(tx: Tx, options: { limit: number; due: boolean; id?: number; exclude?: number[] }): Promise<ClaimedRow[]> {
    const conditions = [
      sql`cardinality(r.ready) > 0`,
      ...(options.due ? [sql`e.next_at <= ${this.clock.now()}::timestamptz`] : []),
      ...(options.id !== undefined ? [sql`e.id = ${options.id}::bigint`] : []),
      ...(options.exclude?.length ? [sql`e.id <> all(${options.exclude}::bigint[])`] : []),
    ];
    const { rows } = await sql<ClaimedRow>`
      select e.id, e.order_id, e.refund_id, e.payload, e.pending, r.ready,
             exists (select 1 from order_effects c where c.order_id = e.order_id and c.id > e.id) as has_later
      from order_effects e
      cross join lateral (
        select array(select p from unnest(e.pending) p
                     where not exists (select 1 from order_effects b where b.order_id = e.order_id and b.id < e.id and p = any(b.pending))) as ready
      ) r
      where ${sql.join(conditions, sql` and `)}
      order by e.id
      limit ${options.limit}
      for update of e skip locked`.execute(tx);
    return rows;
  }

  /** Runs one participant's deferred hook on one row's payload. */
  private async runHook(tx: Tx, participant: OrderParticipant, payload: Payload, effectIds: number[]): Promise<void> {
    const hookTx = this.faults ? this.faultingTx(tx, participant.name, effectIds) : tx;
    if (payload.kind === 'paid') await participant.later!.onPaid!(hookTx, payload.order);
    else await participant.later!.onRefunded!(hookTx, payload.refund);
    this.faults?.('after-hook', { participant: participant.name, effectIds });
  }

  /** One participant's onPaidMany over several paid rows. */
  private async runMany(tx: Tx, participant: OrderParticipant, payloads: Payload[], effectIds: number[]): Promise<void> {
    const hookTx = this.faults ? this.faultingTx(tx, participant.name, effectIds) : tx;
    await participant.later!.onPaidMany!(hookTx, payloads.map((p) => (p as Extract<Payload, { kind: 'paid' }>).order));
    this.faults?.('after-hook', { participant: participant.name, effectIds });
  }

  /** tx, but every statement first asks the injected faults */
  private faultingTx(tx: Tx, participant: string, effectIds: number[]): Tx {
    const faults = this.faults!;
    const plugin: KyselyPlugin = {
      transformQuery(args) {
        faults('statement', { participant, effectIds });
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    };
    return tx.withPlugin(plugin);
  }

  /**
   * Takes what ran off the rows, in the transaction of its effects: a row with nothing left is
   * deleted. The rows are locked by this transaction, so what it read of them still holds.
   */
  private async markDone(tx: Tx, done: Array<{ row: ClaimedRow; ran: string[] }>): Promise<void> {
    this.faults?.('before-done', { participant: null, effectIds: done.map((d) => d.row.id) });
    const finished = done.filter((d) => d.row.pending.every((p) => d.ran.includes(p))).map((d) => d.row.id);
    if (finished.length) {
      const deleted = await tx.deleteFrom('order_effects').where('id', 'in', finished).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== finished.length) throw new Error('order effects changed under their lock');
    }
    for (const { row, ran } of done) {
      if (finished.includes(row.id) || ran.length === 0) continue;
      await tx.updateTable('order_effects').set({ pending: row.pending.filter((p) => !ran.includes(p)) }).where('id', '=', row.id).execute();
    }
  }

  /**
   * One transaction over up to BATCH_ROWS due rows: for each participant (in registration order) its
   * hooks on the rows that are ready for it (the paid orders in one call where it takes several),
   * then the done-marks. A row's participants touch different tables, so running them participant by
   * participant keeps every order's own order. Throws BatchFailed (with the claimed ids) when anything failed.
   */
  private async expandBatch(due: boolean, exclude: number[]): Promise<{ claimed: number; expanded: number; unblocked: boolean }> {
    return inTransaction(this.db, async (tx) => {
      const rows = await this.claim(tx, { limit: BATCH_ROWS, due, exclude });
      try {
        const payloads = new Map<number, Payload>();
        for (const row of rows) payloads.set(row.id, await this.revive(tx, row));
        const ran = new Map<number, string[]>(rows.map((r) => [r.id, []]));
        for (const participant of this.participants) {
          const later = participant.later;
          if (!later) continue;
          // a row ready for a participant has no earlier row of its order waiting for it in this batch,
          // so the paid orders can go first, together when the participant takes them in one go
          const ready = rows.filter((row) => row.ready.includes(participant.name));
          const paid = ready.filter((row) => row.refund_id === null && later.onPaid);
          const refunds = ready.filter((row) => row.refund_id !== null && later.onRefunded);
          if (paid.length > 1 && later.onPaidMany) await this.runMany(tx, participant, paid.map((row) => payloads.get(row.id)!), paid.map((row) => row.id));
          else for (const row of paid) await this.runHook(tx, participant, payloads.get(row.id)!, [row.id]);
          for (const row of refunds) await this.runHook(tx, participant, payloads.get(row.id)!, [row.id]);
          for (const row of [...paid, ...refunds]) ran.get(row.id)!.push(participant.name);
        }
        await this.markDone(tx, rows.map((row) => ({ row, ran: ran.get(row.id)! })));
        const unblocked = rows.some((r) => r.has_later && ran.get(r.id)!.length > 0);
        return { claimed: rows.length, expanded: [...ran.values()].reduce((s, r) => s + r.length, 0), unblocked };
      } catch (error) {
        // whatever failed (a hook, a payload, the done-marks), the rows are then taken one by one
        throw new BatchFailed(rows.map((r) => r.id), error);
      }
    });
  }

  /** One (row, participant) in a transaction of its own; a failure is recorded on the row. */
  private async expandOne(id: number, participant: OrderParticipant): Promise<'ran' | 'skipped' | 'failed'> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const [row] = await this.claim(tx, { limit: 1, due: false, id });
        if (!row || !row.ready.includes(participant.name)) return 'skipped';
        const payload = await this.revive(tx, row);
        if (!(payload.kind === 'paid' ? participant.later?.onPaid : participant.later?.onRefunded)) return 'skipped';
        await this.runHook(tx, participant, payload, [id]);
        await this.markDone(tx, [{ row, ran: [participant.name] }]);
        return 'ran';
      });
    } catch (error) {
      await this.recordFailure(id, participant.name, error).catch(() => undefined);
      return 'failed';
    }
  }

  private async recordFailure(id: number, participant: string, error: unknown): Promise<void> {
    const message = `${participant}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2_000);
    await sql`
      update order_effects
      set tries = tries + 1, last_error = ${message},
          next_at = ${this.clock.now()}::timestamptz + make_interval(secs => least(${BACKOFF_BASE_S}::float8 * power(2, tries), ${BACKOFF_MAX_S}::float8))
      where id = ${id}::bigint`.execute(this.db);
  }

  /**
   * Expands what is due (due = false: everything, backoffs included), batch after batch until a batch
   * comes back short (and made no later row of an order ready). A failed batch is rolled back and its rows run one (row, participant) at a time.
   */
  async expand(options: { due?: boolean } = {}): Promise<ExpandResult> {
    const due = options.due ?? true;
    const total: ExpandResult = { expanded: 0, failed: 0 };
    // rows that failed in this call are not claimed again by it (with due = false nothing else would stop them)
    const failedIds: number[] = [];
    for (;;) {
      let batch: { claimed: number; expanded: number; unblocked: boolean };
      try {
        batch = await this.expandBatch(due, failedIds);
      } catch (error) {
        if (!(error instanceof BatchFailed)) throw error;
        for (const id of error.effectIds) {
          for (const participant of this.participants) {
            if (!participant.later) continue;
            const outcome = await this.expandOne(id, participant);
            if (outcome === 'ran') total.expanded += 1;
            if (outcome === 'failed') {
              total.failed += 1;
              failedIds.push(id);
            }
          }
        }
        continue;
      }
      total.expanded += batch.expanded;
      // a short batch took all that was ready, unless its done-marks made an order's later rows ready
      if (batch.claimed < BATCH_ROWS && !batch.unblocked) return total;
    }
  }

  /** After a commit in this process: expand within debounceMs, one run at a time (a commit during a run runs it again). */
  soon(): void {
    if (this.stopped || !this.autoExpand) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.debounceMs);
    this.timer.unref();
  }

  private start(): void {
    this.running = (async () => {
      do {
        this.again = false;
        // a failure is on its row (tries, error, backoff) or, for the database itself, the job's next run
        await this.expand().catch(() => undefined);
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  /** The process is stopping: no new run; the one under way finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Expands until nothing is pending, backoffs included (tests and scripts await it after paying).
   * Throws when rows keep failing, or when another instance holds some for longer than the timeout.
   */
  async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      await this.running;
      const result = await this.expand({ due: false });
      const left = await this.db.selectFrom('order_effects').select(['id', 'last_error']).orderBy('id').limit(5).execute();
      if (left.length === 0) return;
      if (result.failed > 0 && result.expanded === 0) {
        throw new Error(`order effects keep failing: ${left.map((r) => `#${r.id} ${r.last_error ?? 'waiting'}`).join('; ')}`);
      }
      if (Date.now() > deadline) throw new Error(`order effects still pending after ${DRAIN_TIMEOUT_MS} ms: ${left.map((r) => r.id).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A batch that failed (and was rolled back): its rows run one by one. */
class BatchFailed extends Error {
  constructor(
    readonly effectIds: number[],
    readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
