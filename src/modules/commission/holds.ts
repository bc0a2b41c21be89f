// Risk holds on earnings (044): the risk module asks, commission moves. A held earning keeps its
// state's money where the unfreeze sweep cannot reach it (risk_hold is out of the sweep's partial
// index), and an earning already available is moved back to frozen so it cannot be withdrawn — what
// available no longer holds (withdrawn, or reserved by a withdrawal in flight) comes from debt, as a
// refund's reversal would take it. Released, it goes on as before: a pending or frozen one where it
// was, one that was available straight back there (repaying that debt first). Voided, it is reversed
// exactly like a full refund of that earning.
import { sql } from 'kysely';
import type { Clock, DomainEvents, EventBus } from '../../context.js';
import type { Executor, Tx } from '../../db/database.js';
import type { LedgerService } from '../ledger/index.js';
import { debitForReversal, takeFromAvailableThenDebt } from './reversal.js';
import type { EarningKind, EarningState } from './tables.js';

type AfterCommit = (cb: () => void) => void;

/** The risk module's answer to "who is this member too": members sharing a strong signal (never the member itself). */
export interface LinkedMembers {
  linkedTo(ex: Executor, memberId: number): Promise<ReadonlySet<number>>;
}

/** An earning as a risk hold sees it. */
export interface HeldEarning {
  earningId: number;
  orderId: number;
  earnerId: number;
  buyerId: number;
  kind: EarningKind;
  /** what the earning still held (amount − reversed) */
  remainingFen: number;
  /** its state before the hold (an available one is frozen now) */
  stateBefore: EarningState;
  /** of an available earning: what came back from available, and what from debt */
  fromAvailableFen: number;
  fromDebtFen: number;
}

const RISK_HOLD_CODE = 'commission.risk_hold';

export class RiskHoldMoves {
  constructor(
    private readonly ledger: LedgerService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /**
   * Holds these earnings (those not held yet and not wholly reversed), in the caller's transaction:
   * locks them in id order, then — only when one is available — its earner's accounts, in the same
   * order a refund takes them. Returns what it held.
   */
  async hold(tx: Tx, earningIds: number[]): Promise<HeldEarning[]> {
    if (earningIds.length === 0) return [];
    const rows = await tx
      .selectFrom('commission_earnings')
      .select(['id', 'order_id', 'earner_id', 'buyer_id', 'kind', 'amount_fen', 'reversed_fen', 'state'])
      .where('id', 'in', earningIds)
      .where('risk_hold', '=', false)
      .where('state', '<>', 'reversed')
      .orderBy('id')
      .forUpdate()
      .execute();
    if (rows.length === 0) return [];
    const available = rows.filter((r) => r.state === 'available' && r.amount_fen > r.reversed_fen);
    const accountsOf = available.length ? await this.ledger.lockAccountsOfMembers(tx, [...new Set(available.map((r) => r.earner_id))]) : new Map();
    const held: HeldEarning[] = [];
    for (const r of rows) {
      const remainingFen = r.amount_fen - r.reversed_fen;
      let moved = { fromAvailableFen: 0, fromDebtFen: 0 };
      if (r.state === 'available' && remainingFen > 0) {
        const accounts = accountsOf.get(r.earner_id)!;
        const base = { code: RISK_HOLD_CODE, refType: 'commission_earning', refId: r.id, memo: 'risk hold' };
        moved = await takeFromAvailableThenDebt(this.ledger, tx, accounts, remainingFen, accounts.commission_frozen, `commission:risk-hold:${r.id}`, base);
      }
      held.push({ earningId: r.id, orderId: r.order_id, earnerId: r.earner_id, buyerId: r.buyer_id, kind: r.kind, remainingFen, stateBefore: r.state, ...moved });
    }
    await tx
      .updateTable('commission_earnings')
      .set({ risk_hold: true, state: sql<EarningState>`case when state = 'available' then 'frozen' else state end` })
      .where('id', 'in', held.map((h) => h.earningId))
      .execute();
    return held;
  }

  /**
   * Lets a held earning go on. Held while pending or frozen, it goes on from there (it unfreezes at
   * the next sweep once its window has closed); held while available, it goes back to available now —
   * repaying debt first, as its unfreeze did (whose transfer key it cannot use again). False when it
   * was not held.
   */
  async release(tx: Tx, earningId: number): Promise<boolean> {
    const e = await tx.selectFrom('commission_earnings').select(['id', 'earner_id', 'amount_fen', 'reversed_fen', 'state', 'risk_hold']).where('id', '=', earningId).forUpdate().executeTakeFirst();
    if (!e || !e.risk_hold) return false;
    const key = `commission:risk-hold:${e.id}`;
    const wasAvailable = e.state === 'frozen' && (await tx.selectFrom('ledger_transfers').select('id').where('idempotency_key', 'in', [key, `${key}:debt`]).executeTakeFirst()) !== undefined;
    const remainingFen = e.amount_fen - e.reversed_fen;
    if (wasAvailable && remainingFen > 0) {
      const accounts = (await this.ledger.lockAccountsOfMembers(tx, [e.earner_id])).get(e.earner_id)!;
      const owed = (await this.ledger.owedBy(tx, [accounts.commission_debt])).get(accounts.commission_debt) ?? 0;
      const toDebt = Math.min(owed, remainingFen);
      const base = { fromAccountId: accounts.commission_frozen, code: 'commission.risk_release', refType: 'commission_earning', refId: e.id, memo: 'risk hold released' };
      const release = `commission:risk-release:${e.id}`;
      await this.ledger.transferMany(tx, [
        ...(toDebt > 0 ? [{ ...base, toAccountId: accounts.commission_debt, amountFen: toDebt, idempotencyKey: `${release}:debt` }] : []),
        ...(remainingFen - toDebt > 0 ? [{ ...base, toAccountId: accounts.commission_available, amountFen: remainingFen - toDebt, idempotencyKey: release }] : []),
      ]);
    }
    await tx
      .updateTable('commission_earnings')
      .set({ risk_hold: false, ...(wasAvailable ? { state: 'available' as const } : {}) })
      .where('id', '=', e.id)
      .execute();
    return true;
  }

  /**
   * Voids a held earning: what it still holds is reversed to the platform's expense exactly as a full
   * refund of it would be (from pending or frozen — a held earning is never available), under the
   * key commission:reverse:<earning>:void. Returns the amount reversed now (0 when a refund already
   * took it all), or null when it was not held.
   */
  async void(tx: Tx, earningId: number, afterCommit: AfterCommit): Promise<number | null> {
    const e = await tx
      .selectFrom('commission_earnings')
      .select(['id', 'order_id', 'earner_id', 'amount_fen', 'reversed_fen', 'state', 'risk_hold'])
      .where('id', '=', earningId)
      .forUpdate()
      .executeTakeFirst();
    if (!e || !e.risk_hold) return null;
    const remainingFen = e.amount_fen - e.reversed_fen;
    if (remainingFen > 0) {
      const accounts = (await this.ledger.lockAccountsOfMembers(tx, [e.earner_id])).get(e.earner_id)!;
      const expense = await this.ledger.platformAccount(tx, 'commission_expense');
      await debitForReversal(this.ledger, tx, e.state, accounts, remainingFen, expense, `commission:reverse:${e.id}:void`, e.id);
    }
    await tx.updateTable('commission_earnings').set({ reversed_fen: e.amount_fen, state: 'reversed', risk_hold: false }).where('id', '=', e.id).execute();
    if (remainingFen > 0) {
      const event: DomainEvents['commission.reversed'] = { earningId: e.id, earnerId: e.earner_id, orderId: e.order_id, amountFen: remainingFen, at: this.clock.now(), cause: 'review' };
      await this.bus.publishInTransaction(tx, afterCommit, 'commission.reversed', [event]);
    }
    return remainingFen;
  }
}
