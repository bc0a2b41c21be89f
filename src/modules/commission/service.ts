// The earnings lifecycle: pending (paid) → frozen (completed, return window) → available,
// reversed in proportion by refunds at any stage, with a debt when it was already withdrawn.
// Every step is ledger transfers under idempotency keys, in the caller's transaction.
import { sql } from 'kysely';
import type { Clock, DomainEvents, EventBus } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { EarningKind, EarningState } from './tables.js';
import { unprocessable } from '../../errors.js';
import { shanghaiDayStart } from '../../money.js';
import { crashPoint } from '../../faults.js';
import type { AuditService } from '../audit/index.js';
import type { LedgerService, MemberAccounts, TransferInput } from '../ledger/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RulesService, RuleVersion } from '../rules/index.js';
import { planCommission, reversalTarget, type CommissionLine, type PlannedEarning } from './plan.js';
import { assertSameRequest } from '../orders/index.js';
import { earningsOf, orderCountsOf, ordersEarnedBy, promotionOrders, totalsByState, type EarningsFilter } from './reads.js';
import { debitForReversal, takeFromAvailableThenDebt } from './reversal.js';
import { RiskHoldMoves, type HeldEarning, type LinkedMembers } from './holds.js';

const DAY_MS = 86_400_000;
/**
 * The class of the two-key advisory locks (class, hashtext(idempotency key)) that serialise adjustments
 * under one key; two-key locks are a space of their own, apart from the single keys of LOCK_KEYS.
 */
const ADJUSTMENT_KEY_LOCK_CLASS = 7_100_101;
/** how many earnings a long unfreeze sweep moves between folds of the ledger checkpoints (see unfreezeDue) */
const FOLD_EVERY_EARNINGS = 50_000;

type AfterCommit = (cb: () => void) => void;

export interface RefundedLine {
  lineId: number;
  paidFen: number;
  /** cumulative refunded on the line, this refund included */
  refundedFen: number;
}

export class CommissionService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly ledger: LedgerService,
    private readonly referral: ReferralService,
    private readonly rules: RulesService,
    private readonly audit: AuditService,
    /** parallel unfreeze sweeps: 1 on PGlite (one session), more on a server */
    private readonly unfreezeLanes = 1,
  ) {
    this.riskMoves = new RiskHoldMoves(ledger, bus, clock);
  }

  private readonly riskMoves: RiskHoldMoves;
  /** the risk module's identity graph (provideRiskLinks); none: no member is linked to another */
  private links: LinkedMembers | null = null;

  /** The risk module answers who a buyer is too: an earner linked to the buyer is treated as the buyer. */
  provideRiskLinks(links: LinkedMembers): void {
    this.links = links;
  }

  /** What an order would pay, to whom, under a rule version: the same arithmetic as a real payment. */
  async plan(ex: Executor, buyerId: number, lines: CommissionLine[], version: RuleVersion): Promise<PlannedEarning[]> {
    return (await this.chainAndPlan(ex, buyerId, lines, version)).planned;
  }

  private async chainAndPlan(ex: Executor, buyerId: number, lines: CommissionLine[], version: RuleVersion) {
    const rules = version.config.commission;
    // members sharing a strong signal with the buyer (a second phone) are the buyer: never paid as its
    // referrers — the self-purchase share when the rules pay one, else nothing (referral.commissionChain)
    const linked = this.links ? await this.links.linkedTo(ex, buyerId) : undefined;
    const chain = await this.referral.commissionChain(ex, buyerId, rules.levels, rules.selfPurchase, linked);
    return { chain, planned: planCommission(lines, chain, rules) };
  }

  /** Called once, when the order is marked paid, in that transaction. Returns the chain it paid up and what it recorded. */
  async earnForPaidOrder(tx: Tx, order: { id: number; buyerId: number }, lines: CommissionLine[], version: RuleVersion, afterCommit: AfterCommit) {
    const { chain, planned } = await this.chainAndPlan(tx, order.buyerId, lines, version);
    const earned = await this.recordEarnings(tx, order, planned, 'distribution', version, afterCommit);
    return { chain, earned };
  }

  /**
   * Writes planned earnings (distribution commission or agent awards) and credits each to the
   * earner's pending account. Unique per line, kind and level, so a replay adds nothing.
   */
  async recordEarnings(tx: Tx, order: { id: number; buyerId: number }, planned: PlannedEarning[], kind: EarningKind, version: RuleVersion, afterCommit: AfterCommit) {
    if (planned.length === 0) return [];
    const expense = await this.ledger.platformAccount(tx, 'commission_expense');
    const now = this.clock.now();
    // the earnings and each earner's pending account in one statement, then all credits in one: the
    // payment path's round trips stay flat however many earners an order has
    const earned = await tx
      .with('earned', (db) =>
        db
          .insertInto('commission_earnings')
          .values(
            planned.map((p) => ({
              order_id: order.id,
              order_line_id: p.lineId,
              earner_id: p.earnerId,
              buyer_id: order.buyerId,
              kind,
              level: p.level,
              base_fen: p.baseFen,
              rate_bp: p.rateBp,
              amount_fen: p.amountFen,
              state: 'pending' as const,
              rule_version_id: version.id,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['order_line_id', 'kind', 'level']).doNothing())
          .returning(['id', 'earner_id', 'level', 'amount_fen', 'order_line_id']),
      )
      .selectFrom('earned as e')
      .leftJoin('ledger_accounts as a', (j) => j.on('a.owner_type', '=', 'member').onRef('a.owner_id', '=', 'e.earner_id').on('a.purpose', '=', 'commission_pending'))
      .select(['e.id', 'e.earner_id', 'e.level', 'e.amount_fen', 'e.order_line_id', 'a.id as pending_account'])
      .execute();
    if (earned.length === 0) return [];
    earned.sort((a, b) => a.id - b.id);
    await this.ledger.transferMany(
      tx,
      earned.map((row) => {
        if (row.pending_account === null) throw new Error(`member ${row.earner_id} lacks ledger accounts`);
        return {
          fromAccountId: expense,
          toAccountId: row.pending_account,
          amountFen: row.amount_fen,
          code: kind === 'distribution' ? 'commission.earn' : `${kind}.earn`,
          idempotencyKey: `commission:earn:${row.id}`,
          refType: 'commission_earning',
          refId: row.id,
        };
      }),
    );
    await this.bus.publishInTransaction(tx, afterCommit, 'commission.earned', earned.map((e) => ({ earningId: e.id, earnerId: e.earner_id, orderId: order.id, level: e.level, amountFen: e.amount_fen, at: now })));
    return earned;
  }

  /** Order completed (received): pending earnings freeze until the return window closes. */
  async freezeForCompletedOrder(tx: Tx, orderId: number, completedAt: Date): Promise<void> {
    const earnings = await tx
      .selectFrom('commission_earnings')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('state', '=', 'pending')
      .orderBy('id')
      .forUpdate()
      .execute();
    if (earnings.length === 0) return;
    // every earner's accounts at once, in account-id order: the same order the unfreeze sweep uses
    const accountsOf = await this.ledger.lockAccountsOfMembers(tx, [...new Set(earnings.map((e) => e.earner_id))]);
    for (const e of earnings) {
      const version = await this.rules.byId(tx, e.rule_version_id);
      const remaining = e.amount_fen - e.reversed_fen;
      const accounts = accountsOf.get(e.earner_id)!;
      await this.ledger.transfer(tx, {
        fromAccountId: accounts.commission_pending,
        toAccountId: accounts.commission_frozen,
        amountFen: remaining,
        code: 'commission.freeze',
        idempotencyKey: `commission:freeze:${e.id}`,
        refType: 'commission_earning',
        refId: e.id,
      });
      await tx
        .updateTable('commission_earnings')
        .set({ state: 'frozen', frozen_until: new Date(completedAt.getTime() + version.config.commission.freezeDays * DAY_MS) })
        .where('id', '=', e.id)
        .execute();
    }
  }

  /**
   * The orders module holds (or lets go) every earning of an order while the buyer's after-sales
   * request on it is open, in the transaction that opens or closes the request: a held earning does
   * not unfreeze (the sweep's index leaves it out) until the hold is let go, or a refund reverses it.
   */
  async holdForAfterSales(tx: Tx, orderId: number, held: boolean): Promise<void> {
    await tx.updateTable('commission_earnings').set({ after_sales_hold: held }).where('order_id', '=', orderId).where('after_sales_hold', '<>', held).execute();
  }

  /**
   * The risk module holds these earnings (a rule hit them), in its transaction: a held earning never
   * unfreezes, and one already available goes back to frozen so it cannot be withdrawn (holds.ts).
   * Returns what was held (earnings already held or wholly reversed are left as they are).
   */
  holdForRisk(tx: Tx, earningIds: number[]): Promise<HeldEarning[]> {
    return this.riskMoves.hold(tx, earningIds);
  }

  /** Finance let a held earning go: it continues normally. False when it was not held. */
  releaseRiskHold(tx: Tx, earningId: number): Promise<boolean> {
    return this.riskMoves.release(tx, earningId);
  }

  /** Finance voided a held earning: reversed like a full refund of it. The fen reversed now, or null when it was not held. */
  voidRiskHold(tx: Tx, earningId: number, afterCommit: AfterCommit): Promise<number | null> {
    return this.riskMoves.void(tx, earningId, afterCommit);
  }

  /**
   * A refund of a line reverses each of its earnings cumulatively: the earning stands reversed by
   * floor(amount × refunded ÷ paid), and exactly the whole when the line is fully refunded.
   */
  async reverseForRefundedLine(tx: Tx, line: RefundedLine, refundId: number, afterCommit: AfterCommit): Promise<number> {
    const earnings = await tx
      .selectFrom('commission_earnings')
      .selectAll()
      .where('order_line_id', '=', line.lineId)
      .orderBy('id')
      .forUpdate()
      .execute();
    const expense = await this.ledger.platformAccount(tx, 'commission_expense');
    let reversedNow = 0;
    const reversed: Array<DomainEvents['commission.reversed']> = [];
    const due = earnings.filter((e) => reversalTarget(e.amount_fen, line.paidFen, line.refundedFen) > e.reversed_fen);
    if (due.length === 0) return 0;
    // all earners' accounts at once, in account-id order, like the unfreeze sweep: no deadlock between them
    const accountsOf = await this.ledger.lockAccountsOfMembers(tx, [...new Set(due.map((e) => e.earner_id))]);
    for (const e of due) {
      const target = reversalTarget(e.amount_fen, line.paidFen, line.refundedFen);
      const deltaFen = target - e.reversed_fen;
      const accounts = accountsOf.get(e.earner_id)!;
      await debitForReversal(this.ledger, tx, e.state, accounts, deltaFen, expense, `commission:reverse:${e.id}:${refundId}`, e.id);
      const state: EarningState = target === e.amount_fen ? 'reversed' : e.state;
      await tx.updateTable('commission_earnings').set({ reversed_fen: target, state }).where('id', '=', e.id).execute();
      reversedNow += deltaFen;
      reversed.push({ earningId: e.id, earnerId: e.earner_id, orderId: e.order_id, amountFen: deltaFen, at: this.clock.now() });
    }
    await this.bus.publishInTransaction(tx, afterCommit, 'commission.reversed', reversed);
    return reversedNow;
  }

  /**
   * Moves frozen earnings whose return window closed to available, repaying any debt first.
   * Works in batches, each its own transaction; rows taken by another sweep are skipped. A backlog
   * (a first batch that comes back full) is swept by `lanes` sweeps side by side on a server, all
   * claiming from the head of the same queue with SKIP LOCKED, so they never wait for each other.
   */
  async unfreezeDue(options: { batchSize?: number; maxBatches?: number; lanes?: number } = {}): Promise<{ earnings: number; amountFen: number; debtRepaidFen: number }> {
    // 5 000 a batch: at a million earnings 64–69 s where 2 000 took 78–84 s (docs/performance.md)
    const batchSize = options.batchSize ?? 5_000;
    const foldEveryBatches = Math.max(1, Math.round(FOLD_EVERY_EARNINGS / batchSize));
    const maxBatches = options.maxBatches ?? Number.MAX_SAFE_INTEGER;
    const lanes = Math.max(1, options.lanes ?? this.unfreezeLanes);
    const totals = { earnings: 0, amountFen: 0, debtRepaidFen: 0 };
    let batches = 0;
    /** one batch; returns how many earnings it claimed (moved, or left for a later batch) */
    const runBatch = async (): Promise<number> => {
      batches++;
      const done = await inTransaction(this.db, async (tx) => {
        const batchDone = await this.unfreezeBatch(tx, batchSize);
        if (batchDone.earnings > 0) crashPoint('unfreeze.before-commit');
        return batchDone;
      });
      if (done.earnings > 0) crashPoint('unfreeze.after-commit');
      totals.earnings += done.earnings;
      totals.amountFen += done.amountFen;
      totals.debtRepaidFen += done.debtRepaidFen;
      return done.claimed;
    };
    const sweepLane = async (lane: number) => {
      for (let batch = 1; batches < maxBatches; batch++) {
        // each batch's overdraft check sums a hot earner's frozen account since its checkpoint: keep
        // checkpoints close behind a long sweep, or those sums grow with every batch
        if (lane === 0 && batch % foldEveryBatches === 0) await this.ledger.foldCheckpoints(this.db, 0);
        if ((await runBatch()) < batchSize) return;
      }
    };
    // the usual job tick has less than a batch due: one batch, one lane
    await this.ledger.foldCheckpoints(this.db, 0);
    if ((await runBatch()) < batchSize) return totals;
    await Promise.all(Array.from({ length: lanes }, (_, lane) => sweepLane(lane)));
    return totals;
  }

  /**
   * One batch, set-based. The claim first takes the oldest due earnings through the partial index
   * `(frozen_until, id) where state = 'frozen' and not after_sales_hold and not risk_hold` (an order
   * with an open after-sales request holds its earnings: holdForAfterSales; a risk rule holds one:
   * holdForRisk), SKIP LOCKED (so lanes and refunds never make it
   * wait), and only then joins the earners' accounts, locking each debt account, SKIP LOCKED too:
   * an earning whose debt account another lane or a refund holds stays frozen for a later batch.
   * (Joined and filtered in one query, the planner misjudged the rows due and joined and sorted all
   * of them for every batch: a sweep quadratic in its backlog.) The debts are read in a new
   * statement (so after the locks), then all transfers go in one statement (the overdraft trigger
   * checks each account once) and the states flip in another.
   */
  private async unfreezeBatch(tx: Tx, batchSize: number) {
    const due = (
      await sql<{ id: number; earner_id: number; remaining_fen: number; frozen_account: number; available_account: number; debt_account: number; claimed: number }>`
        with claimed as materialized (
          select id, earner_id, amount_fen - reversed_fen as remaining_fen
          from commission_earnings
          where state = 'frozen' and not after_sales_hold and not risk_hold and frozen_until <= ${this.clock.now()}
          order by frozen_until, id
          limit ${batchSize}
          for update skip locked)
        select c.id, c.earner_id, c.remaining_fen, f.id as frozen_account, a.id as available_account, d.id as debt_account,
               (select count(*) from claimed)::int as claimed
        from claimed c
        join ledger_accounts f on f.owner_type = 'member' and f.owner_id = c.earner_id and f.purpose = 'commission_frozen'
        join ledger_accounts a on a.owner_type = 'member' and a.owner_id = c.earner_id and a.purpose = 'commission_available'
        join ledger_accounts d on d.owner_type = 'member' and d.owner_id = c.earner_id and d.purpose = 'commission_debt'
        for no key update of d skip locked`.execute(tx)
    ).rows;
    const result = { earnings: due.length, amountFen: 0, debtRepaidFen: 0, claimed: due[0]?.claimed ?? 0 };
    if (due.length === 0) return result;
    // an earner's earnings side by side, oldest first: debt is repaid from them in that order
    due.sort((a, b) => a.earner_id - b.earner_id || a.id - b.id);
    const owed = await this.ledger.owedBy(tx, [...new Set(due.map((e) => e.debt_account))]);
    const transfers: TransferInput[] = [];
    let owedFen = 0;
    let currentEarner = -1;
    for (const e of due) {
      if (e.earner_id !== currentEarner) {
        currentEarner = e.earner_id;
        owedFen = owed.get(e.debt_account) ?? 0;
      }
      const remaining = e.remaining_fen;
      const toDebt = Math.min(owedFen, remaining);
      owedFen -= toDebt;
      const base = { fromAccountId: e.frozen_account, code: 'commission.unfreeze', refType: 'commission_earning', refId: e.id };
      if (toDebt > 0) transfers.push({ ...base, toAccountId: e.debt_account, amountFen: toDebt, idempotencyKey: `commission:unfreeze:${e.id}:debt` });
      if (remaining - toDebt > 0) transfers.push({ ...base, toAccountId: e.available_account, amountFen: remaining - toDebt, idempotencyKey: `commission:unfreeze:${e.id}` });
      result.amountFen += remaining;
      result.debtRepaidFen += toDebt;
    }
    await this.ledger.transferMany(tx, transfers);
    await sql`update commission_earnings set state = 'available' where id = any(${due.map((d) => d.id)}::bigint[])`.execute(tx);
    return result;
  }

  /**
   * Money that is the member's at once (a contest prize, a content reward, an agent's referral
   * award): credited to available, repaying any debt first. Once per idempotency key; returns false
   * for a repeat. The caller's transaction holds whatever else belongs with it.
   */
  async award(tx: Tx, input: { memberId: number; amountFen: number; code: string; memo: string; idempotencyKey: string; refType: string; refId: number }): Promise<boolean> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw unprocessable('AMOUNT_INVALID', 'an award is a positive whole number of fen');
    const key = `award:${input.idempotencyKey}`;
    const existing = await tx.selectFrom('ledger_transfers').select('id').where('idempotency_key', 'in', [key, `${key}:debt`]).executeTakeFirst();
    if (existing) return false;
    const accounts = await this.ledger.lockMemberAccounts(tx, input.memberId);
    const balances = await this.ledger.memberBalances(tx, input.memberId);
    const expense = await this.ledger.platformAccount(tx, 'commission_expense');
    await this.creditRepayingDebt(tx, accounts, balances.debtFen, input.amountFen, expense, key, { code: input.code, refType: input.refType, refId: input.refId, memo: input.memo });
    return true;
  }

  /** A credit first repays any debt, like any other money the member receives. */
  private async creditRepayingDebt(tx: Tx, accounts: MemberAccounts, debtFen: number, amountFen: number, expense: number, key: string, base: { code: string; refType: string; refId: number; memo: string }) {
    const toDebt = Math.min(debtFen, amountFen);
    if (toDebt > 0) await this.ledger.transfer(tx, { ...base, fromAccountId: expense, toAccountId: accounts.commission_debt, amountFen: toDebt, idempotencyKey: `${key}:debt` });
    if (amountFen - toDebt > 0) await this.ledger.transfer(tx, { ...base, fromAccountId: expense, toAccountId: accounts.commission_available, amountFen: amountFen - toDebt, idempotencyKey: key });
  }

  /** HQ's manual adjustment, with a reason, audited, once per idempotency key. */
  async adjust(actorId: number, input: { memberId: number; amountFen: number; reason: string; idempotencyKey: string }) {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen === 0) throw unprocessable('AMOUNT_INVALID', 'the adjustment must be a non-zero whole number of fen');
    const key = `commission:adjust:${input.idempotencyKey}`;
    return inTransaction(this.db, async (tx) => {
      // one adjustment per key at a time, whatever its member: the lookup below then sees any
      // earlier one, so concurrent replays answer as sequential ones and a key moves money once
      await sql`select pg_advisory_xact_lock(${ADJUSTMENT_KEY_LOCK_CLASS}, hashtext(${key}))`.execute(tx);
      const replay = await this.adjustmentReplay(tx, key, input);
      if (replay) return replay;
      const accounts = await this.ledger.lockMemberAccounts(tx, input.memberId);
      const before = await this.ledger.memberBalances(tx, input.memberId);
      const expense = await this.ledger.platformAccount(tx, 'commission_expense');
      const base = { code: 'commission.adjust', refType: 'member', refId: input.memberId, memo: input.reason };
      if (input.amountFen > 0) await this.creditRepayingDebt(tx, accounts, before.debtFen, input.amountFen, expense, key, base);
      else await takeFromAvailableThenDebt(this.ledger, tx, accounts, -input.amountFen, expense, key, base);
      const after = await this.ledger.memberBalances(tx, input.memberId);
      await this.audit.record(tx, { actorId, action: 'commission.adjust', targetType: 'member', targetId: input.memberId, before, after: { ...after, amountFen: input.amountFen }, reason: input.reason });
      return { duplicate: false, balances: after };
    });
  }

  /**
   * The adjustment an idempotency key already made, if any: 409 when this is another request. Its
   * member is the transfers' ref, its amount their sum signed by direction (from the expense account
   * is a credit, to it a debit), however it split between available and debt.
   */
  private async adjustmentReplay(tx: Tx, key: string, input: { memberId: number; amountFen: number }) {
    const transfers = await tx.selectFrom('ledger_transfers').select(['ref_id', 'from_account_id', 'amount_fen']).where('idempotency_key', 'in', [key, `${key}:debt`]).execute();
    if (transfers.length === 0) return undefined;
    const expense = await this.ledger.platformAccount(tx, 'commission_expense');
    const amountFen = transfers.reduce((sum, t) => sum + (t.from_account_id === expense ? t.amount_fen : -t.amount_fen), 0);
    assertSameRequest('adjustment', { memberId: transfers[0].ref_id, amountFen }, { memberId: input.memberId, amountFen: input.amountFen });
    return { duplicate: true, balances: await this.ledger.memberBalances(tx, input.memberId) };
  }

  // --- reading (reads.ts, but the summary) ------------------------------------------

  async summary(ex: Executor, memberId: number) {
    const balances = await this.ledger.memberBalances(ex, memberId);
    const since = shanghaiDayStart(this.clock.now());
    const row = await sql<{ total_fen: number; today_fen: number; count: number; held_fen: number }>`
      select coalesce(sum(amount_fen - reversed_fen), 0) as total_fen,
             coalesce(sum(amount_fen - reversed_fen) filter (where created_at >= ${since}), 0) as today_fen,
             count(*) as count,
             coalesce(sum(amount_fen - reversed_fen) filter (where risk_hold), 0) as held_fen
      from commission_earnings where earner_id = ${memberId}`.execute(ex);
    return {
      ...balances,
      totalEarnedFen: row.rows[0].total_fen,
      todayFen: row.rows[0].today_fen,
      earningCount: row.rows[0].count,
      heldFen: row.rows[0].held_fen,
    };
  }

  earnings(ex: Executor, filter: EarningsFilter & { limit: number; offset: number }) {
    return earningsOf(ex, filter);
  }

  /** Orders that paid the member commission, one row per order with its earnings summed. */
  promotionOrders(ex: Executor, earnerId: number, limit: number, offset: number) {
    return promotionOrders(ex, earnerId, limit, offset);
  }

  /** The orders this distributor earned commission on, as a subquery for the caller's query (the console's order search). */
  ordersEarnedBy(ex: Executor, earnerId: number) {
    return ordersEarnedBy(ex, earnerId);
  }

  /** How many distinct orders each of these earners earned on (of these kinds, since a time). */
  orderCountsOf(ex: Executor, earnerIds: number[], kinds: readonly EarningKind[], since: Date | null): Promise<Map<number, number>> {
    return orderCountsOf(ex, earnerIds, kinds, since);
  }

  totalsByState(ex: Executor) {
    return totalsByState(ex);
  }
}
