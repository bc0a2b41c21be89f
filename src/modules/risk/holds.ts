// The risk queue: an earning a rule hit is held once (risk_holds, unique per earning, and commission's
// own flag set through its face in the same transaction), with its reasons and the rules version
// that made them; finance releases it (it goes on normally) or voids it (reversed through the ledger
// like a full refund of it). Every hold and every decision is audited; a decision is taken once
// (the hold row is locked, a second one answers 409 RISK_HOLD_DECIDED).
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import type { RiskReason } from './evaluate.js';
import type { RiskRulesVersion } from './rules.js';
import type { RiskHoldStatus } from './tables.js';

export interface HoldsQuery {
  status?: RiskHoldStatus;
  earnerId?: number;
  limit: number;
  offset: number;
}

export class RiskHolds {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Holds what the rules hit, in the caller's transaction: earnings never held before (a released
   * or voided one is not held again), through commission's face, then one row each and an audit entry
   * with the reasons. Returns how many it held.
   */
  async place(tx: Tx, hits: Map<number, RiskReason[]>, version: RiskRulesVersion): Promise<number> {
    const ids = [...hits.keys()].sort((a, b) => a - b);
    if (ids.length === 0) return 0;
    const known = new Set((await tx.selectFrom('risk_holds').select('earning_id').where('earning_id', 'in', ids).execute()).map((r) => r.earning_id));
    const held = await this.commission.holdForRisk(tx, ids.filter((id) => !known.has(id)));
    if (held.length === 0) return 0;
    const now = this.clock.now();
    const rows = await tx
      .insertInto('risk_holds')
      .values(
        held.map((h) => ({
          earning_id: h.earningId,
          order_id: h.orderId,
          earner_id: h.earnerId,
          buyer_id: h.buyerId,
          amount_fen: h.remainingFen,
          rule: hits.get(h.earningId)![0]!.rule,
          reasons: JSON.stringify(hits.get(h.earningId)),
          rule_version_id: version.id,
          held_at: now,
        })),
      )
      .onConflict((oc) => oc.column('earning_id').doNothing())
      .returning(['id', 'earning_id'])
      .execute();
    const holdOf = new Map(rows.map((r) => [r.earning_id, r.id]));
    for (const h of held) {
      await this.audit.record(tx, {
        actorId: null,
        action: 'risk.hold',
        targetType: 'commission_earning',
        targetId: h.earningId,
        before: { state: h.stateBefore },
        after: { holdId: holdOf.get(h.earningId) ?? null, reasons: hits.get(h.earningId), amountFen: h.remainingFen, fromAvailableFen: h.fromAvailableFen, fromDebtFen: h.fromDebtFen, rulesVersion: version.id },
      });
    }
    return held.length;
  }

  /** Finance lets the earning go: it continues normally (unfreezes once its window has closed). */
  async release(actorId: number, holdId: number, reason: string) {
    return inTransaction(this.db, async (tx) => {
      const hold = await this.lockUndecided(tx, holdId);
      await this.commission.releaseRiskHold(tx, hold.earning_id);
      await this.decide(tx, hold.id, 'released', actorId, reason, null);
      await this.audit.record(tx, { actorId, action: 'risk.release', targetType: 'commission_earning', targetId: hold.earning_id, before: { holdId, status: 'held', rule: hold.rule }, after: { holdId, status: 'released' }, reason });
      return this.get(tx, holdId);
    });
  }

  /** Finance voids it: what the earning still holds goes back to the platform, as a full refund of it would. */
  async void(actorId: number, holdId: number, reason: string) {
    return inTransaction(this.db, async (tx, afterCommit) => {
      const hold = await this.lockUndecided(tx, holdId);
      const voidedFen = (await this.commission.voidRiskHold(tx, hold.earning_id, afterCommit)) ?? 0;
      await this.decide(tx, hold.id, 'voided', actorId, reason, voidedFen);
      await this.audit.record(tx, { actorId, action: 'risk.void', targetType: 'commission_earning', targetId: hold.earning_id, before: { holdId, status: 'held', rule: hold.rule }, after: { holdId, status: 'voided', voidedFen }, reason });
      return this.get(tx, holdId);
    });
  }

  private async lockUndecided(tx: Tx, holdId: number) {
    const hold = await tx.selectFrom('risk_holds').select(['id', 'earning_id', 'status', 'rule']).where('id', '=', holdId).forUpdate().executeTakeFirst();
    if (!hold) throw notFound('RISK_HOLD_NOT_FOUND', `risk hold ${holdId} does not exist`);
    if (hold.status !== 'held') throw conflict('RISK_HOLD_DECIDED', `risk hold ${holdId} was already ${hold.status}`);
    return hold;
  }

  private async decide(tx: Tx, holdId: number, status: RiskHoldStatus, actorId: number, reason: string, voidedFen: number | null) {
    await tx.updateTable('risk_holds').set({ status, decided_by: actorId, decided_at: this.clock.now(), decision_reason: reason, voided_fen: voidedFen }).where('id', '=', holdId).execute();
  }

  private selection(ex: Executor) {
    return ex
      .selectFrom('risk_holds as h')
      .innerJoin('commission_earnings as e', 'e.id', 'h.earning_id')
      .innerJoin('orders as o', 'o.id', 'h.order_id')
      .innerJoin('members as r', 'r.id', 'h.earner_id')
      .innerJoin('members as b', 'b.id', 'h.buyer_id')
      .leftJoin('members as d', 'd.id', 'h.decided_by')
      .select([
        'h.id',
        'h.earning_id as earningId',
        'h.order_id as orderId',
        'o.order_no as orderNo',
        'h.earner_id as earnerId',
        'r.nickname as earnerNickname',
        'r.phone as earnerPhone',
        'h.buyer_id as buyerId',
        'b.nickname as buyerNickname',
        'b.phone as buyerPhone',
        'e.kind',
        'e.level',
        'e.amount_fen as earningFen',
        'e.reversed_fen as reversedFen',
        'e.state as earningState',
        'h.amount_fen as amountFen',
        'h.rule',
        sql<RiskReason[]>`h.reasons`.as('reasons'),
        'h.rule_version_id as rulesVersionId',
        'h.status',
        'h.held_at as heldAt',
        'h.decided_by as decidedBy',
        'd.nickname as decidedByName',
        'h.decided_at as decidedAt',
        'h.decision_reason as decisionReason',
        'h.voided_fen as voidedFen',
      ]);
  }

  async get(ex: Executor, holdId: number) {
    const row = await this.selection(ex).where('h.id', '=', holdId).executeTakeFirst();
    if (!row) throw notFound('RISK_HOLD_NOT_FOUND', `risk hold ${holdId} does not exist`);
    return row;
  }

  /** The queue, newest first: held ones by default order of their holding, decided ones after a filter. */
  async list(ex: Executor, query: HoldsQuery) {
    let q = this.selection(ex);
    let c = ex.selectFrom('risk_holds as h').select(sql<number>`count(*)::int`.as('n'));
    if (query.status) {
      q = q.where('h.status', '=', query.status);
      c = c.where('h.status', '=', query.status);
    }
    if (query.earnerId !== undefined) {
      q = q.where('h.earner_id', '=', query.earnerId);
      c = c.where('h.earner_id', '=', query.earnerId);
    }
    const [items, total] = await Promise.all([q.orderBy('h.id', 'desc').limit(query.limit).offset(query.offset).execute(), c.executeTakeFirstOrThrow()]);
    return { total: total.n, items };
  }
}
