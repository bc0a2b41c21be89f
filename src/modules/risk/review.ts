// When the rules run. After a payment commits, as the orders module's deferred effect (its outbox
// runs each once per order, on any instance): the rules in force judge the order's earnings as of
// their payment and hold the ones they hit. And the sweep `risk.review` (every JOB_INTERVAL_MS):
// it collects the signals it reads from other modules (payout accounts of new withdrawals, unionids
// of new WeChat identities), then looks at the earnings of every member whose strong signals are new
// since its last run — an earner and a buyer linked after the order slipped through the plan, so
// the linked-buyer rule holds that earning now, even when it is already available.
// Exactly once on several instances: each cursor row is locked for the run (a second sweep waits and
// finds the work done), and an earning is held once (risk_holds is unique per earning).
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { RulesService } from '../rules/index.js';
import { evaluateRules, RISK_KINDS, type SelfPurchaseOf } from './evaluate.js';
import type { RiskHolds } from './holds.js';
import { payoutSignal, STRONG_KINDS, unionidSignal } from './normalise.js';
import { onlyRule, type RiskRules } from './rules.js';
import type { MemberSignal, RiskSignals } from './signals.js';

const DAY_MS = 86_400_000;
/** rows read per source and run */
const BATCH = 1_000;
/** ids behind a cursor read again: a transaction that took an id before a later one may commit after it */
const OVERLAP_IDS = 200;
/** likewise for the first-seen time of new signals (a signal's time is its transaction's clock) */
const OVERLAP_MS = 10 * 60_000;

/** New WeChat identities, as the identity module answers (its face). */
export interface UnionidFeed {
  unionidsAfter(ex: Executor, afterId: number, limit: number): Promise<Array<{ id: number; memberId: number; unionid: string }>>;
}

export class RiskReview {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rules: RiskRules,
    private readonly programme: RulesService,
    private readonly signals: RiskSignals,
    private readonly holds: RiskHolds,
    private readonly unionids: UnionidFeed,
  ) {}

  /** Whether an earning's programme rule version paid self-purchase. */
  selfPurchaseOf(ex: Executor): SelfPurchaseOf {
    return async (versionId) => (await this.programme.byId(ex, versionId)).config.commission.selfPurchase;
  }

  /** The deferred effect of paid orders: their earnings judged by the rules in force. Returns how many it held. */
  async afterPaid(tx: Tx, orderIds: number[]): Promise<number> {
    const version = await this.rules.current(tx);
    const rows = await tx
      .selectFrom('commission_earnings')
      .select('id')
      .where('order_id', 'in', orderIds)
      .where('kind', 'in', [...RISK_KINDS])
      .where('state', '<>', 'reversed')
      .where('risk_hold', '=', false)
      .execute();
    const hits = await evaluateRules(tx, rows.map((r) => r.id), version.config, this.selfPurchaseOf(tx));
    return this.holds.place(tx, hits, version);
  }

  /** The job: collect signals, then hold earnings whose earner and buyer are linked now. */
  async sweep(): Promise<{ signals: number; held: number }> {
    let signals = 0;
    for (let batch = await this.collect(); ; batch = await this.collect()) {
      signals += batch.signals;
      if (!batch.full) break;
    }
    return { signals, held: await this.reviewLinks() };
  }

  /** Locks the cursor row for the transaction (created at 0 the first time) and answers its position. */
  private async cursor(tx: Tx, name: string): Promise<number> {
    await tx.insertInto('risk_cursors').values({ name, position: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const row = await tx.selectFrom('risk_cursors').select('position').where('name', '=', name).forUpdate().executeTakeFirstOrThrow();
    return row.position;
  }

  private async moveCursor(tx: Tx, name: string, position: number): Promise<void> {
    await tx.updateTable('risk_cursors').set({ position }).where('name', '=', name).where('position', '<', position).execute();
  }

  /** One batch of each source: withdrawals' payout accounts, WeChat identities' unionids. */
  private async collect(): Promise<{ signals: number; full: boolean }> {
    return inTransaction(this.db, async (tx) => {
      const payoutsAt = await this.cursor(tx, 'payouts');
      const wechatAt = await this.cursor(tx, 'wechat');
      const payouts = await tx
        .selectFrom('payouts')
        .select(['id', 'member_id', 'channel', 'destination'])
        .where('id', '>', Math.max(0, payoutsAt - OVERLAP_IDS))
        .orderBy('id')
        .limit(BATCH)
        .execute();
      const identities = await this.unionids.unionidsAfter(tx, Math.max(0, wechatAt - OVERLAP_IDS), BATCH);
      const found: MemberSignal[] = [];
      for (const p of payouts) {
        const s = payoutSignal(p.channel, p.destination as Record<string, string>);
        if (s) found.push({ memberId: p.member_id, ...s });
      }
      for (const w of identities) found.push({ memberId: w.memberId, ...unionidSignal(w.unionid) });
      await this.signals.record(tx, found);
      const lastPayout = payouts.at(-1)?.id ?? 0;
      const lastIdentity = identities.at(-1)?.id ?? 0;
      await this.moveCursor(tx, 'payouts', lastPayout);
      await this.moveCursor(tx, 'wechat', lastIdentity);
      // full only when a batch went past what the cursor had already seen
      const full = (payouts.length === BATCH && lastPayout > payoutsAt) || (identities.length === BATCH && lastIdentity > wechatAt);
      return { signals: found.length, full };
    });
  }

  /** The linked-buyer rule over the recent earnings of members with new strong signals. */
  private async reviewLinks(): Promise<number> {
    const version = await this.rules.current(this.db);
    return inTransaction(this.db, async (tx) => {
      const since = await this.cursor(tx, 'links');
      const now = this.clock.now();
      await this.moveCursor(tx, 'links', now.getTime());
      if (!version.config.linkedBuyer.enabled) return 0;
      const members = (
        await tx
          .selectFrom('risk_signals')
          .select('member_id')
          .distinct()
          .where('first_seen_at', '>', new Date(Math.max(0, since - OVERLAP_MS)))
          .where('kind', 'in', [...STRONG_KINDS])
          .execute()
      ).map((r) => r.member_id);
      if (members.length === 0) return 0;
      const from = new Date(now.getTime() - version.config.linkedBuyer.recheckDays * DAY_MS);
      const rows = await sql<{ id: number }>`
        select e.id from commission_earnings e
        where e.id in (
            select id from commission_earnings where earner_id = any(${members}::bigint[]) and created_at >= ${from}
            union
            select e2.id from orders o join commission_earnings e2 on e2.order_id = o.id where o.buyer_id = any(${members}::bigint[]) and e2.created_at >= ${from})
          and e.kind = any(${RISK_KINDS}::text[]) and e.state <> 'reversed' and not e.risk_hold and e.earner_id <> e.buyer_id
          and not exists (select 1 from risk_holds h where h.earning_id = e.id)
        order by e.id`.execute(tx);
      const hits = await evaluateRules(tx, rows.rows.map((r) => r.id), onlyRule(version.config, 'linkedBuyer'), this.selfPurchaseOf(tx), { linkedNow: true });
      return this.holds.place(tx, hits, version);
    });
  }
}
