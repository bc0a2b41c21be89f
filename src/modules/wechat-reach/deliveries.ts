// Income alerts outside the app, one delivery row per earning and channel:
// - written in the money transaction (a transactional subscriber of commission.earned), so a row exists
//   exactly when its money committed; (event_key, channel) is unique, so a cause gets one row per channel;
// - a member with a one-time subscribe grant gets the mini-program's subscribe message, anyone else the
//   公众号's template message (sent only when they have an openid there and follow the account);
// - sent after commit by the instance that committed (a plain subscriber), and by the sweep job for
//   anything due: a row is claimed (status sending, a claim token, SKIP LOCKED) before it is sent, and
//   only its claimer can finish it, so two instances or sweeps never send one row twice;
// - transient failures (WeChat busy, rate limits, HTTP errors, connection refused) are retried with
//   backoff; a refusal (43101 no subscription, 43004 not following) is recorded and never retried;
// - a send whose outcome is unknown (a timeout or a dropped connection after sending, or a claim that
//   expired with its sender) is not sent again for a subscribe message, which WeChat cannot de-duplicate;
//   a template message is resent under the same client_msg_id only inside WeChat's 10-minute window.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { WechatReachConfig } from '../../config-wechat.js';
import type { Clock, EarningEvent } from '../../context.js';
import { beforeCommit, type Db, type Tx } from '../../db/database.js';
import type { WechatServer } from './mini-codes.js';
import { CLAIM_MS, TEMPLATE_RESEND_WINDOW_MS, type ClaimedDelivery } from './policy.js';
import { AlertSender, type Outcome } from './sender.js';

const BATCH = 50;
/** earnings raised so far in a transaction, written together just before it commits */
const pendingByTx = new WeakMap<Tx, EarningEvent[]>();
const MAX_PER_RUN = 2_000;

export interface SweepResult {
  sent: number;
  retrying: number;
  refused: number;
  failed: number;
  unknown: number;
  skipped: number;
  expiredClaims: number;
}

export class AlertDeliveries {
  private readonly sender: AlertSender;
  private readonly background = new Set<Promise<unknown>>();
  private soon: string[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    server: WechatServer,
    private readonly reach: () => WechatReachConfig,
    openidOf: (memberId: number, appid: string) => Promise<string | undefined>,
    private readonly log: Logger,
  ) {
    this.sender = new AlertSender(db, clock, server, reach, openidOf, log);
  }

  private config(): WechatReachConfig['alerts'] {
    return this.reach().alerts;
  }

  /**
   * In the money transaction: an order's earnings (distribution, agents, suppliers …) are raised at
   * different moments; their rows are written together in one statement just before it commits.
   */
  async recordInTransaction(tx: Tx, events: EarningEvent[]): Promise<void> {
    const config = this.config();
    const due = events.filter((e) => e.amountFen > 0);
    if (!config.enabled || (!config.mp && !config.oa) || due.length === 0) return;
    const pending = pendingByTx.get(tx);
    if (pending) {
      pending.push(...due);
      return;
    }
    const batch = [...due];
    if (!beforeCommit(tx, () => this.insertRows(tx, batch))) return this.insertRows(tx, batch);
    pendingByTx.set(tx, batch);
  }

  /** One row per earning and channel: the subscribe message for a member with a grant, else the 公众号's. */
  private async insertRows(tx: Tx, due: EarningEvent[]): Promise<void> {
    pendingByTx.delete(tx);
    const config = this.config();
    const mpTemplate = config.mp?.templateId ?? null;
    const now = this.clock.now();
    await sql`
      insert into wechat_alert_deliveries (channel, event_key, member_id, amount_fen, level, order_id, event_at, next_attempt_at, created_at, updated_at)
      select c.channel, 'commission.earned:' || e.earning_id, e.member_id, e.amount_fen, e.level, e.order_id, e.at, e.at, ${now}, ${now}
      from unnest(${due.map((e) => e.earningId)}::bigint[], ${due.map((e) => e.earnerId)}::bigint[], ${due.map((e) => e.amountFen)}::bigint[],
                  ${due.map((e) => e.level)}::int[], ${due.map((e) => e.orderId)}::bigint[], ${due.map((e) => e.at.toISOString())}::timestamptz[])
        as e(earning_id, member_id, amount_fen, level, order_id, at)
      cross join lateral (
        select exists (select 1 from wechat_subscribe_grants g where g.member_id = e.member_id and g.template_id = ${mpTemplate} and g.remaining > 0) as granted
      ) g
      cross join lateral (
        select 'mp_subscribe' as channel where g.granted
        union all
        select 'oa_template' where ${Boolean(config.oa)} and not g.granted
      ) c
      where not exists (select 1 from wechat_alert_settings s where s.member_id = e.member_id and not s.enabled)
      on conflict (event_key, channel) do nothing`.execute(tx);
  }

  /** After commit, on the instance that committed: send these at once (the sweep covers a failure). */
  sendSoon(event: EarningEvent): void {
    const config = this.config();
    if (!config.enabled || (!config.mp && !config.oa)) return;
    this.soon.push(`commission.earned:${event.earningId}`);
    // the bus hands over a transaction's events one by one, synchronously: one batch for them all
    if (this.soon.length === 1) queueMicrotask(() => this.track(this.sendKeys(this.soon.splice(0))));
  }

  /** The job: every due delivery, and claims whose sender stopped. Safe on any number of instances. */
  async sendDue(): Promise<SweepResult> {
    const result: SweepResult = { sent: 0, retrying: 0, refused: 0, failed: 0, unknown: 0, skipped: 0, expiredClaims: await this.releaseExpiredClaims() };
    for (let done = 0; done < MAX_PER_RUN; ) {
      const claimed = await this.claim(BATCH);
      for (const outcome of await this.sendAll(claimed)) result[outcome] += 1;
      done += claimed.length;
      if (claimed.length < BATCH) break;
    }
    return result;
  }

  /** Tests and shutdown: until this instance's after-commit sends are done. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private async sendKeys(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sendAll(await this.claim(keys.length * 2, keys));
  }

  private async sendAll(rows: ClaimedDelivery[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const row of rows) outcomes.push(await this.sender.send(row));
    return outcomes;
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((error: unknown) => this.log.error({ err: error }, 'income alerts could not be sent now (the sweep retries them)')).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Due rows (of these causes, when given) become this sender's: status sending under a fresh token. */
  private async claim(limit: number, keys?: string[]): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const token = randomUUID();
    const { rows } = await sql<ClaimedDelivery>`
      update wechat_alert_deliveries d
      set status = 'sending', attempts = d.attempts + 1, claim_token = ${token}, claimed_until = ${new Date(now.getTime() + CLAIM_MS)},
          first_attempt_at = coalesce(d.first_attempt_at, ${now}), updated_at = ${now}
      from (
        select id from wechat_alert_deliveries
        where status = 'pending' and next_attempt_at <= ${now} ${keys ? sql`and event_key = any(${keys}::text[])` : sql``}
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked
      ) due
      where d.id = due.id
      returning d.*`.execute(this.db);
    return rows.map((r) => ({ ...r, id: Number(r.id), member_id: Number(r.member_id), amount_fen: Number(r.amount_fen), order_id: Number(r.order_id) }));
  }

  /**
   * A claim past its time: its sender stopped mid-send, so WeChat may have the message. A template
   * message goes back to pending while WeChat's client_msg_id still de-duplicates it; anything else
   * is recorded as unknown and not sent again.
   */
  private async releaseExpiredClaims(): Promise<number> {
    const now = this.clock.now();
    const { rows } = await sql<{ id: number }>`
      update wechat_alert_deliveries d
      set status = case when d.channel = 'oa_template' and d.first_attempt_at > ${new Date(now.getTime() - TEMPLATE_RESEND_WINDOW_MS)} then 'pending' else 'unknown' end,
          claim_token = null, claimed_until = null, next_attempt_at = ${now}, error = 'the sender stopped while sending', updated_at = ${now}
      from (
        select id from wechat_alert_deliveries where status = 'sending' and claimed_until <= ${now}
        order by claimed_until limit 500 for update skip locked
      ) expired
      where d.id = expired.id
      returning d.id`.execute(this.db);
    if (rows.length > 0) this.log.warn({ deliveries: rows.length }, 'income alerts whose sender stopped mid-send were released');
    return rows.length;
  }
}
