// Manual adjustments under the two-person rule (issue 16). Above the rules' approvals.adjustmentSecondApprovalFen
// (absolute fen) the maker's request is filed here and waits; only a different owner/finance member's approval
// makes commission adjust, through its face and under the maker's own idempotency key, so a replay of the
// request or a second approval moves money once. At or below the line it applies at once, as before.
//
// Approving crosses a transaction boundary (commission.adjust runs its own), so it is a named sequence of
// steps that each resume: claim (pending → approved, audited, committed: the row lock lets one approval win)
// → adjust (idempotent by the key) → applied. A claim whose adjustment never finished (the process died) is
// taken up again by the next approval once CLAIM_STALE_MS has passed; an adjustment commission refuses (the
// key was already used for another one) leaves the approval failed, audited.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { createOnce } from '../../db/idempotency.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import type { MembersService } from '../members/index.js';
import { assertSameRequest } from '../orders/index.js';
import type { RulesService } from '../rules/index.js';
import type { AdjustmentApprovalStatus } from './tables.js';

export interface AdjustmentInput {
  memberId: number;
  amountFen: number;
  reason: string;
  idempotencyKey: string;
}

export type AdjustmentResult = Awaited<ReturnType<CommissionService['adjust']>>;
export type Balances = AdjustmentResult['balances'];

export interface AdjustmentApproval {
  id: number;
  status: AdjustmentApprovalStatus;
  memberId: number;
  memberNickname: string | null;
  amountFen: number;
  reason: string;
  idempotencyKey: string;
  /** the line it was above when filed */
  thresholdFen: number;
  requestedBy: number;
  requestedByName: string | null;
  requestedAt: Date;
  decidedBy: number | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  appliedAt: Date | null;
  /** the member's balances right after the adjustment */
  balances: Balances | null;
  failure: string | null;
}

export type AdjustmentRequestResult = { kind: 'applied'; result: AdjustmentResult } | { kind: 'pending'; approval: AdjustmentApproval };

/** a claim older than this whose adjustment has not finished is taken up again by the next approval */
export const CLAIM_STALE_MS = 60_000;

/** Does this adjustment need a second approver? The line is on the absolute amount; 0 turns it off. */
export function aboveLine(amountFen: number, lineFen: number): boolean {
  return lineFen > 0 && Math.abs(amountFen) > lineFen;
}

const STATUSES_OPEN: AdjustmentApprovalStatus[] = ['pending', 'approved'];

export class AdjustmentApprovals {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly rules: RulesService,
    private readonly members: MembersService,
    private readonly audit: AuditService,
  ) {}

  /** POST /api/admin/adjustments: adjusts at once at or below the line, else files the request (a replay answers it). */
  async request(actorId: number, input: AdjustmentInput): Promise<AdjustmentRequestResult> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen === 0) throw unprocessable('AMOUNT_INVALID', 'the adjustment must be a non-zero whole number of fen');
    await this.members.require(this.db, input.memberId);
    // a key already filed answers its approval, whatever the line is now
    const filed = await this.replayOf(this.db, input);
    if (filed) return { kind: 'pending', approval: filed };
    const lineFen = (await this.rules.current(this.db)).config.approvals.adjustmentSecondApprovalFen;
    if (!aboveLine(input.amountFen, lineFen)) return { kind: 'applied', result: await this.commission.adjust(actorId, input) };
    const approval = await createOnce(
      'adjustment_approvals_idempotency_key_key',
      () => inTransaction(this.db, (tx) => this.file(tx, actorId, input, lineFen)),
      () => this.replayOf(this.db, input),
    );
    return { kind: 'pending', approval };
  }

  private async file(tx: Tx, actorId: number, input: AdjustmentInput, lineFen: number): Promise<AdjustmentApproval> {
    const row = await tx
      .insertInto('adjustment_approvals')
      .values({ idempotency_key: input.idempotencyKey, member_id: input.memberId, amount_fen: input.amountFen, reason: input.reason, threshold_fen: lineFen, requested_by: actorId, requested_at: this.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.audit.record(tx, {
      actorId,
      action: 'approvals.adjustment_requested',
      targetType: 'adjustment_approval',
      targetId: row.id,
      after: { status: 'pending', memberId: input.memberId, amountFen: input.amountFen, thresholdFen: lineFen },
      reason: input.reason,
    });
    return this.get(tx, row.id);
  }

  /** The approval filed under this key, when the request is the same one (else 409 IDEMPOTENCY_KEY_REUSED). */
  private async replayOf(ex: Executor, input: AdjustmentInput): Promise<AdjustmentApproval | undefined> {
    const row = await selectApprovals(ex).where('a.idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
    if (!row) return undefined;
    assertSameRequest('adjustment', { memberId: row.member_id, amountFen: row.amount_fen }, { memberId: input.memberId, amountFen: input.amountFen });
    return present(row);
  }

  /**
   * A different owner/finance member approves: the claim commits first, then commission adjusts under the
   * maker's key. Of concurrent approvals one claims it; the others find it decided (409).
   */
  async approve(actorId: number, id: number, reason: string | null): Promise<{ approval: AdjustmentApproval; adjustment: AdjustmentResult }> {
    const claimed = await inTransaction(this.db, (tx) => this.claim(tx, actorId, id, reason));
    let adjustment: AdjustmentResult;
    try {
      adjustment = await this.commission.adjust(actorId, { memberId: claimed.member_id, amountFen: claimed.amount_fen, reason: claimed.reason, idempotencyKey: claimed.idempotency_key });
    } catch (error) {
      // commission said no for good (a 4xx): the approval ends failed; anything else leaves the claim to resume
      if (error instanceof AppError && error.status < 500) await this.fail(actorId, claimed.id, error);
      throw error;
    }
    const approval = await inTransaction(this.db, async (tx) => {
      // a resumed claim may have been marked meanwhile: the guard keeps the first mark
      await tx
        .updateTable('adjustment_approvals')
        .set({ status: 'applied', applied_at: this.clock.now(), balances: JSON.stringify(adjustment.balances) })
        .where('id', '=', claimed.id)
        .where('status', '=', 'approved')
        .execute();
      return this.get(tx, claimed.id);
    });
    return { approval, adjustment };
  }

  private async claim(tx: Tx, actorId: number, id: number, reason: string | null) {
    const row = await this.lock(tx, id);
    if (row.requested_by === actorId) throw forbidden('SECOND_APPROVER_REQUIRED', 'an adjustment above the line needs a second approver: you asked for it, so another owner or finance member must approve it');
    if (row.status === 'approved' && row.decided_at && this.clock.now().getTime() - row.decided_at.getTime() > CLAIM_STALE_MS) return row;
    if (row.status !== 'pending') throw decided(row);
    const claimed = await tx
      .updateTable('adjustment_approvals')
      .set({ status: 'approved', decided_by: actorId, decided_at: this.clock.now(), decision_reason: reason })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!claimed) throw decided(row);
    await this.audit.record(tx, {
      actorId,
      action: 'approvals.adjustment_approved',
      targetType: 'adjustment_approval',
      targetId: id,
      before: { status: 'pending', requestedBy: row.requested_by, memberId: row.member_id, amountFen: row.amount_fen },
      after: { status: 'approved' },
      reason,
    });
    return claimed;
  }

  private async fail(actorId: number, id: number, error: AppError) {
    await inTransaction(this.db, async (tx) => {
      const failed = await tx
        .updateTable('adjustment_approvals')
        .set({ status: 'failed', failure: `${error.code}: ${error.message}`.slice(0, 500) })
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .returning('id')
        .executeTakeFirst();
      if (!failed) return;
      await this.audit.record(tx, { actorId, action: 'approvals.adjustment_failed', targetType: 'adjustment_approval', targetId: id, before: { status: 'approved' }, after: { status: 'failed', code: error.code }, reason: error.message });
    });
  }

  /** Turns a pending request down with a reason; its maker may withdraw their own this way. */
  async reject(actorId: number, id: number, reason: string): Promise<AdjustmentApproval> {
    return inTransaction(this.db, async (tx) => {
      const row = await this.lock(tx, id);
      if (row.status !== 'pending') throw decided(row);
      await tx
        .updateTable('adjustment_approvals')
        .set({ status: 'rejected', decided_by: actorId, decided_at: this.clock.now(), decision_reason: reason })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      await this.audit.record(tx, {
        actorId,
        action: 'approvals.adjustment_rejected',
        targetType: 'adjustment_approval',
        targetId: id,
        before: { status: 'pending', requestedBy: row.requested_by, memberId: row.member_id, amountFen: row.amount_fen },
        after: { status: 'rejected', withdrawn: actorId === row.requested_by },
        reason,
      });
      return this.get(tx, id);
    });
  }

  /** Newest first; open: pending ones and claims still being applied. */
  async list(ex: Executor, query: { status?: AdjustmentApprovalStatus; open?: boolean; limit: number }): Promise<AdjustmentApproval[]> {
    let q = selectApprovals(ex).orderBy('a.id', 'desc').limit(query.limit);
    if (query.status) q = q.where('a.status', '=', query.status);
    if (query.open) q = q.where('a.status', 'in', STATUSES_OPEN);
    return (await q.execute()).map(present);
  }

  async get(ex: Executor, id: number): Promise<AdjustmentApproval> {
    const row = await selectApprovals(ex).where('a.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('ADJUSTMENT_APPROVAL_NOT_FOUND', `adjustment approval ${id} does not exist`);
    return present(row);
  }

  private async lock(tx: Tx, id: number) {
    const row = await tx.selectFrom('adjustment_approvals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('ADJUSTMENT_APPROVAL_NOT_FOUND', `adjustment approval ${id} does not exist`);
    return row;
  }
}

/** Approvals with the nicknames of the member adjusted, the maker and the decider. */
function selectApprovals(ex: Executor) {
  return ex
    .selectFrom('adjustment_approvals as a')
    .leftJoin('members as m', 'm.id', 'a.member_id')
    .leftJoin('members as r', 'r.id', 'a.requested_by')
    .leftJoin('members as d', 'd.id', 'a.decided_by')
    .selectAll('a')
    .select(['m.nickname as member_nickname', 'r.nickname as requested_by_name', 'd.nickname as decided_by_name']);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof selectApprovals>['executeTakeFirstOrThrow']>>;

function present(r: SelectedRow): AdjustmentApproval {
  return {
    id: r.id,
    status: r.status,
    memberId: r.member_id,
    memberNickname: r.member_nickname,
    amountFen: r.amount_fen,
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    thresholdFen: r.threshold_fen,
    requestedBy: r.requested_by,
    requestedByName: r.requested_by_name,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
    appliedAt: r.applied_at,
    balances: (r.balances as Balances | null) ?? null,
    failure: r.failure,
  };
}

function decided(row: { id: number; status: AdjustmentApprovalStatus; decided_by: number | null }) {
  return conflict('ADJUSTMENT_APPROVAL_DECIDED', `adjustment approval ${row.id} is already ${row.status}`, { status: row.status, decidedBy: row.decided_by });
}
