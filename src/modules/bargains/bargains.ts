// Bargains (砍价): a member starts one on a running offer, friends cut it once each (the cut drawn
// when it started, plan.ts), the starter buys it at the reached price within its time limit
// (participant.ts), and the job expires what was not bought. Helping earns nothing and pays nobody.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Tx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/idempotency.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { planCuts, type Draw } from './plan.js';
import { BargainReads } from './reads.js';

const HOUR_MS = 3_600_000;

export class BargainsService extends BargainReads {
  constructor(
    db: Db,
    clock: Clock,
    private readonly draw?: Draw,
  ) {
    super(db, clock);
  }

  /** Starts the member's bargain on a running offer; one live bargain per member and offer. */
  async start(memberId: number, offerId: number) {
    let id: number;
    try {
      id = await inTransaction(this.db, (tx) => this.insertBargain(tx, memberId, offerId));
    } catch (error) {
      // read after the rollback (PGlite is one session: not beside the failed transaction)
      if (isUniqueViolation(error, 'bargains_live_idx')) throw await this.alreadyStarted(offerId, memberId);
      throw error;
    }
    return this.progress(this.db, id, memberId);
  }

  private async insertBargain(tx: Tx, memberId: number, offerId: number): Promise<number> {
    const now = this.clock.now();
    const offer = await tx
      .selectFrom('bargain_offers as o')
      .innerJoin('products as p', 'p.id', 'o.product_id')
      .innerJoin('product_skus as s', 's.id', 'o.sku_id')
      .select(['o.id', 'o.status', 'o.starts_at', 'o.ends_at', 'o.stock_cap', 'o.taken_count', 'o.start_price_fen', 'o.floor_price_fen', 'o.helpers_needed', 'o.helper_rule', 'o.time_limit_hours', 'p.status as productStatus', 's.retired_at'])
      .where('o.id', '=', offerId)
      .executeTakeFirst();
    if (!offer) throw notFound('BARGAIN_OFFER_NOT_FOUND', `bargain offer ${offerId} does not exist`);
    if (offer.starts_at > now) throw unprocessable('BARGAIN_NOT_STARTED', `this bargain offer starts at ${offer.starts_at.toISOString()}`);
    if (offer.status !== 'active' || offer.ends_at <= now || offer.productStatus !== 'on_sale' || offer.retired_at) throw unprocessable('BARGAIN_ENDED', 'this bargain offer has ended');
    if (offer.taken_count >= offer.stock_cap) throw conflict('BARGAIN_SOLD_OUT', 'every bargain of this offer has been bought');
    // a bargain of mine past its time limit that the job has not reached yet makes room now
    await tx
      .updateTable('bargains')
      .set({ status: 'expired' })
      .where('offer_id', '=', offerId)
      .where('starter_id', '=', memberId)
      .where('status', 'in', ['open', 'complete'])
      .where('expires_at', '<=', now)
      .where('order_id', 'is', null)
      .execute();
    const plan = planCuts(offer.start_price_fen - offer.floor_price_fen, offer.helpers_needed, this.draw);
    const row = await tx
      .insertInto('bargains')
      .values({
        offer_id: offer.id,
        starter_id: memberId,
        start_price_fen: offer.start_price_fen,
        floor_price_fen: offer.floor_price_fen,
        helpers_needed: offer.helpers_needed,
        helper_rule: offer.helper_rule,
        cut_plan: JSON.stringify(plan),
        started_at: now,
        expires_at: new Date(now.getTime() + offer.time_limit_hours * HOUR_MS),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * A friend's cut: the next one of the plan. The bargain's row is locked first, so helpers arriving
   * together cut one after another and never past the floor; the unique (bargain, helper) key is the
   * backstop of "once each".
   */
  async help(helperId: number, bargainId: number) {
    const cutFen = await inTransaction(this.db, async (tx) => {
      const now = this.clock.now();
      const b = await tx.selectFrom('bargains').selectAll().where('id', '=', bargainId).forUpdate().executeTakeFirst();
      if (!b) throw notFound('BARGAIN_NOT_FOUND', `bargain ${bargainId} does not exist`);
      if (b.starter_id === helperId) throw unprocessable('BARGAIN_SELF_HELP', 'the starter cannot cut their own bargain');
      if (b.status === 'bought') throw conflict('BARGAIN_ENDED', 'this bargain has been bought');
      if (b.status === 'expired' || b.expires_at <= now) throw conflict('BARGAIN_EXPIRED', 'this bargain’s time is up');
      if (b.status === 'complete') throw conflict('BARGAIN_COMPLETE', 'this bargain has reached its floor price');
      const helped = await tx.selectFrom('bargain_helps').select('seq').where('bargain_id', '=', bargainId).where('helper_id', '=', helperId).executeTakeFirst();
      if (helped) throw conflict('BARGAIN_ALREADY_HELPED', 'you have already cut this bargain');
      if (b.helper_rule === 'new_members') await checkNewMember(tx, helperId, b.started_at);
      const seq = b.helped_count + 1;
      const cut = b.cut_plan[b.helped_count];
      await tx.insertInto('bargain_helps').values({ bargain_id: bargainId, helper_id: helperId, seq, cut_fen: cut, created_at: now }).execute();
      const complete = seq === b.helpers_needed;
      await tx
        .updateTable('bargains')
        .set({ helped_count: seq, cut_fen: b.cut_fen + cut, ...(complete ? { status: 'complete' as const, completed_at: now } : {}) })
        .where('id', '=', bargainId)
        .execute();
      return cut;
    });
    return { cutFen, bargain: await this.progress(this.db, bargainId, helperId) };
  }

  /**
   * The job: bargains past their time limit that no order holds are expired (nothing was paid, so
   * nothing to refund); one an unpaid order holds waits for it to be paid or closed (onClosed then
   * expires it). Claimed SKIP LOCKED in batches, so instances and a helper's lock never wait on it.
   */
  async expireDue(batch = 500): Promise<{ expired: number }> {
    let expired = 0;
    for (;;) {
      const now = this.clock.now();
      const done = await sql<{ id: number }>`
        update bargains set status = 'expired'
        where id in (
          select id from bargains
          where status in ('open', 'complete') and expires_at <= ${now} and order_id is null
          order by expires_at limit ${batch}
          for update skip locked)
        returning id`.execute(this.db);
      expired += done.rows.length;
      if (done.rows.length < batch) return { expired };
    }
  }

  private async alreadyStarted(offerId: number, memberId: number) {
    const live = await this.db
      .selectFrom('bargains')
      .select('id')
      .where('offer_id', '=', offerId)
      .where('starter_id', '=', memberId)
      .where('status', 'in', ['open', 'complete'])
      .executeTakeFirst();
    return conflict('BARGAIN_ALREADY_STARTED', 'you already have a bargain of this offer running', { bargainId: live?.id ?? null });
  }
}

/** 仅限新用户: a helper who registered after the bargain started (e.g. through its share link). */
async function checkNewMember(tx: Tx, helperId: number, startedAt: Date): Promise<void> {
  const helper = await tx.selectFrom('members').select('created_at').where('id', '=', helperId).executeTakeFirstOrThrow();
  if (helper.created_at < startedAt) throw unprocessable('BARGAIN_NEW_MEMBERS_ONLY', 'only members who registered after this bargain started may cut it');
}
