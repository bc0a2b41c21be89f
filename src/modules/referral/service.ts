// The referral tree: bindings (member → referrer) kept with full history, and a closure table
// (every ancestor/descendant pair with its distance) so uplines, "is X above Y" and team
// queries are index lookups at any depth.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, LOCK_KEYS, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { ChainMember } from '../commission/index.js';
import type { RuleConfig } from '../rules/index.js';
import { chainOf, chainRowsNeeded } from './chain.js';

type BindingRules = RuleConfig['binding'];
const DAY_MS = 86_400_000;

export type BindOutcome =
  | { bound: true; referrerId: number }
  | { bound: false; reason: 'no_referrer' | 'self' | 'cycle' | 'already_bound' | 'not_new_user' | 'same_referrer' | 'policy' };

export interface TeamQuery {
  /** 1 = direct referrals; undefined = every level */
  depth?: number;
  limit: number;
  offset: number;
}

export class ReferralService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    /** whether the member ever paid an order: "new users only" binding depends on it */
    private readonly hasPaidOrders: (ex: Executor, memberId: number) => Promise<boolean>,
  ) {}

  async memberByInviteCode(ex: Executor, inviteCode: string): Promise<{ id: number; nickname: string; avatarUrl: string | null; isDistributor: boolean } | undefined> {
    const row = await ex
      .selectFrom('members')
      .select(['id', 'nickname', 'avatar_url', 'distributor_status'])
      .where('invite_code', '=', inviteCode.trim().toUpperCase())
      .executeTakeFirst();
    return row ? { id: row.id, nickname: row.nickname, avatarUrl: row.avatar_url, isDistributor: row.distributor_status === 'active' } : undefined;
  }

  async referrerOf(ex: Executor, memberId: number): Promise<{ referrerId: number; source: string; boundAt: Date; expiresAt: Date | null } | undefined> {
    const row = await ex.selectFrom('referral_bindings').selectAll().where('member_id', '=', memberId).executeTakeFirst();
    return row ? { referrerId: row.referrer_id, source: row.source, boundAt: row.bound_at, expiresAt: row.expires_at } : undefined;
  }

  /** A new member joins the tree; the binding policy decides whether and to whom they bind now. */
  async onRegistered(tx: Tx, memberId: number, via: { inviteCode?: string; visitorKey?: string }, rules: RuleConfig): Promise<BindOutcome> {
    await sql`select pg_advisory_xact_lock_shared(${LOCK_KEYS.referralTree})`.execute(tx);
    const now = this.clock.now();
    if (via.visitorKey) {
      await tx.updateTable('referral_visits').set({ member_id: memberId }).where('visitor_key', '=', via.visitorKey).where('member_id', 'is', null).execute();
    }
    const invited = via.inviteCode ? await this.memberByInviteCode(tx, via.inviteCode) : undefined;
    const binding = rules.binding;
    let referrerId = invited?.id;
    if (binding.trigger === 'first_visit') referrerId = (await this.claimingReferrer(tx, memberId, binding)) ?? referrerId;
    const bindsNow = binding.trigger !== 'first_order' && referrerId !== undefined && referrerId !== memberId;
    if (bindsNow) return this.attachNewMember(tx, memberId, referrerId!, 'registration', binding);
    await tx.insertInto('referral_closure').values({ ancestor_id: memberId, descendant_id: memberId, distance: 0 }).execute();
    if (binding.trigger === 'first_order') {
      // remember the invite; the binding forms when the first order is paid
      if (invited) await tx.insertInto('referral_visits').values({ visitor_key: `member:${memberId}`, member_id: memberId, referrer_id: invited.id, created_at: now }).execute();
      return { bound: false, reason: 'policy' };
    }
    return { bound: false, reason: referrerId === memberId ? 'self' : 'no_referrer' };
  }

  /** The visit whose claim holds: the first one inside the protection window, or the latest under last-touch. */
  private async claimingReferrer(ex: Executor, memberId: number, binding: BindingRules): Promise<number | undefined> {
    const since = new Date(this.clock.now().getTime() - binding.protectionDays * DAY_MS);
    const row = await ex
      .selectFrom('referral_visits')
      .select('referrer_id')
      .where('member_id', '=', memberId)
      .where('referrer_id', '<>', memberId)
      .where('created_at', '>=', since)
      .orderBy('id', binding.permanence === 'last_touch' ? 'desc' : 'asc')
      .limit(1)
      .executeTakeFirst();
    return row?.referrer_id;
  }

  private expiryFor(binding: BindingRules, from: Date): Date | null {
    return binding.permanence === 'days' ? new Date(from.getTime() + binding.validDays * DAY_MS) : null;
  }

  /**
   * A new member (no descendants, no closure rows yet) hangs under the referrer: binding, its own
   * and its ancestors' closure rows, the team delta and the history row in one statement, since
   * registration waits on each round trip.
   */
  private async attachNewMember(tx: Tx, memberId: number, referrerId: number, source: string, binding: BindingRules): Promise<BindOutcome> {
    const now = this.clock.now();
    await sql`
      with bound as (
        insert into referral_bindings (member_id, referrer_id, source, bound_at, expires_at)
        values (${memberId}, ${referrerId}, ${source}, ${now}, ${this.expiryFor(binding, now)})),
      closure as (
        insert into referral_closure (ancestor_id, descendant_id, distance)
        select ${memberId}::bigint, ${memberId}::bigint, 0
        union all
        select ancestor_id, ${memberId}, distance + 1 from referral_closure where descendant_id = ${referrerId}),
      -- one row: every ancestor's team grows by one (the fold spreads it through the closure)
      team as (
        insert into referral_team_deltas (member_id, size_delta, direct_delta, depth_at_least, spread)
        values (${memberId}, 1, 1, 1, true))
      insert into referral_binding_history (member_id, old_referrer_id, new_referrer_id, source, reason, actor_id, created_at)
      values (${memberId}, null, ${referrerId}, ${source}, null, null, ${now})`.execute(tx);
    return { bound: true, referrerId };
  }

  /**
   * A share link or poster was opened. The visit is kept; for a signed-in member the policy may
   * bind now (first visit), rebind (last touch, or an expired N-day binding), or wait for the first order.
   */
  async recordVisit(input: { inviteCode: string; visitorKey: string; memberId?: number }, rules: RuleConfig) {
    return inTransaction(this.db, async (tx) => {
      const referrer = await this.memberByInviteCode(tx, input.inviteCode);
      if (!referrer) throw notFound('INVITE_CODE_NOT_FOUND', 'this invite code does not exist');
      await tx
        .insertInto('referral_visits')
        .values({ visitor_key: input.visitorKey, member_id: input.memberId ?? null, referrer_id: referrer.id, created_at: this.clock.now() })
        .execute();
      let outcome: BindOutcome = { bound: false, reason: 'policy' };
      if (input.memberId !== undefined && input.memberId !== referrer.id) {
        outcome = await this.bindByVisit(tx, input.memberId, rules.binding);
      }
      return { referrer, outcome };
    });
  }

  private async bindByVisit(tx: Tx, memberId: number, binding: BindingRules): Promise<BindOutcome> {
    const current = await this.referrerOf(tx, memberId);
    const now = this.clock.now();
    if (!current) {
      if (binding.trigger !== 'first_visit') return { bound: false, reason: 'policy' };
      if (binding.newUsersOnly && (await this.hasPaidOrders(tx, memberId))) return { bound: false, reason: 'not_new_user' };
    } else {
      const expired = current.expiresAt !== null && current.expiresAt <= now;
      if (binding.permanence === 'permanent' || (binding.permanence === 'days' && !expired)) return { bound: false, reason: 'already_bound' };
    }
    const referrerId = await this.claimingReferrer(tx, memberId, binding);
    if (referrerId === undefined) return { bound: false, reason: 'no_referrer' };
    if (current?.referrerId === referrerId) return { bound: false, reason: 'same_referrer' };
    return this.move(tx, memberId, referrerId, current ? 'last_touch' : 'first_visit', binding, null, null);
  }

  /** Under the first-order policy, the buyer binds to their claiming visit (or the sharer) when first paying. */
  async onOrderPaid(tx: Tx, buyerId: number, sharerId: number | null, rules: RuleConfig): Promise<BindOutcome> {
    if (rules.binding.trigger !== 'first_order') return { bound: false, reason: 'policy' };
    if (await this.referrerOf(tx, buyerId)) return { bound: false, reason: 'already_bound' };
    // a visit inside the protection window first; else the invite given at registration, however old; else the sharer
    const registrationInvite = await tx
      .selectFrom('referral_visits')
      .select('referrer_id')
      .where('visitor_key', '=', `member:${buyerId}`)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const referrerId = (await this.claimingReferrer(tx, buyerId, rules.binding)) ?? registrationInvite?.referrer_id ?? sharerId ?? undefined;
    if (referrerId === undefined || referrerId === buyerId) return { bound: false, reason: 'no_referrer' };
    return this.move(tx, buyerId, referrerId, 'first_order', rules.binding, null, null);
  }

  /** HQ moves a member (with their whole team) under another referrer, or detaches them; audited. */
  async rebindByHq(actorId: number, memberId: number, newReferrerId: number | null, reason: string, binding: BindingRules) {
    return inTransaction(this.db, async (tx) => {
      const member = await tx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
      if (!member) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      if (newReferrerId !== null) {
        const referrer = await tx.selectFrom('members').select('id').where('id', '=', newReferrerId).executeTakeFirst();
        if (!referrer) throw unprocessable('REFERRER_NOT_FOUND', `member ${newReferrerId} does not exist`);
      }
      const before = await this.referrerOf(tx, memberId);
      if ((before?.referrerId ?? null) === newReferrerId) throw conflict('BINDING_UNCHANGED', 'the member already has this referrer');
      const outcome = await this.move(tx, memberId, newReferrerId, 'hq', binding, actorId, reason);
      if (!outcome.bound && newReferrerId !== null) {
        throw unprocessable(outcome.reason === 'cycle' ? 'BINDING_CYCLE' : 'BINDING_SELF', outcome.reason === 'cycle' ? 'the new referrer is inside this member’s team' : 'a member cannot refer themself');
      }
      await this.audit.record(tx, {
        actorId,
        action: 'referral.rebind',
        targetType: 'member',
        targetId: memberId,
        before: { referrerId: before?.referrerId ?? null },
        after: { referrerId: newReferrerId },
        reason,
      });
      return { memberId, referrerId: newReferrerId };
    });
  }

  /**
   * Re-hangs a member and their subtree. Takes the tree lock exclusively so two moves can
   * never interleave into a cycle; new leaves take it shared.
   */
  private async move(tx: Tx, memberId: number, referrerId: number | null, source: string, binding: BindingRules, actorId: number | null, reason: string | null): Promise<BindOutcome> {
    if (referrerId === memberId) return { bound: false, reason: 'self' };
    await sql`select pg_advisory_xact_lock(${LOCK_KEYS.referralTree})`.execute(tx);
    if (referrerId !== null && (await this.isAbove(tx, memberId, referrerId))) return { bound: false, reason: 'cycle' };
    const before = await this.referrerOf(tx, memberId);
    const now = this.clock.now();
    // pending spread deltas inside the moving subtree belong to its current ancestors: pin them there
    // before the closure changes (the fold takes the tree lock shared, so none is being folded now)
    await sql`
      with pinned as (
        delete from referral_team_deltas d using referral_closure s
        where d.spread and s.ancestor_id = ${memberId} and s.descendant_id = d.member_id
        returning d.member_id, d.size_delta, d.direct_delta, d.sales_delta, d.depth_at_least)
      insert into referral_team_deltas (member_id, size_delta, direct_delta, sales_delta, depth_at_least)
      select c.ancestor_id, p.size_delta, case when c.distance = 1 then p.direct_delta else 0 end, p.sales_delta,
             case when p.depth_at_least > 0 then c.distance else 0 end
      from pinned p join referral_closure c on c.descendant_id = p.member_id and c.distance > 0`.execute(tx);
    // the moving subtree's figures leave the old ancestors' teams and join the new ones'
    const subtree = (
      await sql<{ size: number; sales_fen: number; depth: number }>`
        select count(*) as size, coalesce(sum(s.paid_fen - s.refunded_fen), 0) as sales_fen, coalesce(max(c.distance), 0) as depth
        from referral_closure c left join referral_member_sales s on s.member_id = c.descendant_id
        where c.ancestor_id = ${memberId}`.execute(tx)
    ).rows[0];
    await sql`
      insert into referral_team_deltas (member_id, size_delta, direct_delta, sales_delta, recheck_depth)
      select ancestor_id, -${subtree.size}::int, -((distance = 1)::int), -${subtree.sales_fen}::bigint, true
      from referral_closure where descendant_id = ${memberId} and distance > 0`.execute(tx);
    // detach the subtree from every ancestor of the member
    await sql`
      delete from referral_closure
      where descendant_id in (select descendant_id from referral_closure where ancestor_id = ${memberId})
        and ancestor_id in (select ancestor_id from referral_closure where descendant_id = ${memberId} and distance > 0)`.execute(tx);
    if (referrerId === null) {
      await tx.deleteFrom('referral_bindings').where('member_id', '=', memberId).execute();
    } else {
      await sql`
        insert into referral_closure (ancestor_id, descendant_id, distance)
        select up.ancestor_id, down.descendant_id, up.distance + down.distance + 1
        from referral_closure up cross join referral_closure down
        where up.descendant_id = ${referrerId} and down.ancestor_id = ${memberId}`.execute(tx);
      await sql`
        insert into referral_team_deltas (member_id, size_delta, direct_delta, sales_delta, depth_at_least)
        select ancestor_id, ${subtree.size}::int, (distance = 0)::int, ${subtree.sales_fen}::bigint, distance + 1 + ${subtree.depth}::int
        from referral_closure where descendant_id = ${referrerId}`.execute(tx);
      await tx
        .insertInto('referral_bindings')
        .values({ member_id: memberId, referrer_id: referrerId, source, bound_at: now, expires_at: this.expiryFor(binding, now) })
        .onConflict((oc) => oc.column('member_id').doUpdateSet({ referrer_id: referrerId, source, bound_at: now, expires_at: this.expiryFor(binding, now) }))
        .execute();
    }
    await tx
      .insertInto('referral_binding_history')
      .values({ member_id: memberId, old_referrer_id: before?.referrerId ?? null, new_referrer_id: referrerId, source, reason, actor_id: actorId, created_at: now })
      .execute();
    return referrerId === null ? { bound: false, reason: 'no_referrer' } : { bound: true, referrerId };
  }

  async isAbove(ex: Executor, ancestorId: number, descendantId: number): Promise<boolean> {
    const row = await ex
      .selectFrom('referral_closure')
      .select('distance')
      .where('ancestor_id', '=', ancestorId)
      .where('descendant_id', '=', descendantId)
      .where('distance', '>', 0)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ancestors nearest first (distance 1 = referrer). */
  async uplines(ex: Executor, memberId: number, limit = 100) {
    return ex
      .selectFrom('referral_closure as c')
      .innerJoin('members as m', 'm.id', 'c.ancestor_id')
      .select(['m.id', 'm.nickname', 'm.phone', 'm.distributor_status as distributorStatus', 'm.tier_id as tierId', 'c.distance'])
      .where('c.descendant_id', '=', memberId)
      .where('c.distance', '>', 0)
      .orderBy('c.distance')
      .limit(limit)
      .execute();
  }

  /**
   * Who earns on a purchase: the nearest active distributors up the tree (skipping plain members),
   * level 1 first; under self-purchase a distributor buyer is their own level 1. Members linked to the
   * buyer (the risk module's graph) are the buyer, never its referrers (chain.ts).
   */
  async commissionChain(ex: Executor, buyerId: number, levels: number, selfPurchase: boolean, linked?: ReadonlySet<number>): Promise<ChainMember[]> {
    const rows = await ex
      .selectFrom('referral_closure as c')
      .innerJoin('members as m', 'm.id', 'c.ancestor_id')
      .select(['m.id', 'm.tier_id'])
      .where('c.descendant_id', '=', buyerId)
      .where('c.distance', '>=', selfPurchase ? 0 : 1)
      .where('m.distributor_status', '=', 'active')
      .orderBy('c.distance')
      .limit(chainRowsNeeded(levels, linked))
      .execute();
    return chainOf(rows, buyerId, levels, selfPurchase, linked);
  }

  async team(ex: Executor, memberId: number, query: TeamQuery) {
    let q = ex
      .selectFrom('referral_closure as c')
      .innerJoin('members as m', 'm.id', 'c.descendant_id')
      .leftJoin('referral_member_sales as s', 's.member_id', 'c.descendant_id')
      .select([
        'm.id',
        'm.nickname',
        'm.phone',
        'm.avatar_url as avatarUrl',
        'm.distributor_status as distributorStatus',
        'm.created_at as joinedAt',
        'c.distance as level',
        sql<number>`coalesce(s.paid_fen - s.refunded_fen, 0)`.as('salesFen'),
        sql<number>`coalesce(s.order_count, 0)`.as('orderCount'),
      ])
      .where('c.ancestor_id', '=', memberId);
    q = query.depth !== undefined ? q.where('c.distance', '=', query.depth) : q.where('c.distance', '>', 0);
    // the whole team and the direct referrals are counted by the roll-up; a deeper level is counted here
    const countTotal = async () => {
      if (query.depth === undefined || query.depth === 1) {
        const summary = await this.teamSummary(ex, memberId);
        return query.depth === 1 ? summary.directCount : summary.teamSize;
      }
      const row = await ex.selectFrom('referral_closure').select(sql<number>`count(*)`.as('n')).where('ancestor_id', '=', memberId).where('distance', '=', query.depth).executeTakeFirstOrThrow();
      return row.n;
    };
    const [items, total] = await Promise.all([q.orderBy('c.distance').orderBy('m.id', 'desc').limit(query.limit).offset(query.offset).execute(), countTotal()]);
    return { items, total };
  }

  /** Size, direct referrals, sales (net of refunds) and depth of a member's team: the roll-up plus unfolded deltas. */
  async teamSummary(ex: Executor, memberId: number) {
    const row = await sql<{ team_size: number; direct_count: number; team_sales_fen: number; max_depth: number }>`
      select coalesce(t.team_size, 0) + coalesce(d.size, 0) as team_size,
             coalesce(t.direct_count, 0) + coalesce(d.direct, 0) as direct_count,
             coalesce(t.team_sales_fen, 0) + coalesce(d.sales, 0) as team_sales_fen,
             case when coalesce(t.depth_stale, false) or coalesce(d.recheck, false)
               -- a subtree just moved out: the depth is not known from the roll-up until the fold rechecks it
               then (select coalesce(max(distance), 0) from referral_closure where ancestor_id = ${memberId})
               else greatest(coalesce(t.max_depth, 0), coalesce(d.depth, 0)) end as max_depth
      from (select 1) one
      left join referral_team_totals t on t.member_id = ${memberId}
      cross join lateral (
        select sum(size)::bigint as size, sum(direct)::bigint as direct, sum(sales)::bigint as sales,
               max(depth) as depth, bool_or(recheck) as recheck
        from (
          select size_delta as size, direct_delta as direct, sales_delta as sales, depth_at_least as depth, recheck_depth as recheck
          from referral_team_deltas where member_id = ${memberId} and not spread
          union all
          -- a pending registration or sale below this member (spread rows are few: the fold keeps up)
          select d.size_delta, case when c.distance = 1 then d.direct_delta else 0 end, d.sales_delta,
                 case when d.depth_at_least > 0 then c.distance else 0 end, false
          from referral_team_deltas d join referral_closure c on c.ancestor_id = ${memberId} and c.descendant_id = d.member_id and c.distance > 0
          where d.spread) pending) d`.execute(ex);
    const r = row.rows[0];
    return { teamSize: r.team_size, directCount: r.direct_count, teamSalesFen: r.team_sales_fen, maxDepth: r.max_depth };
  }

  /**
   * Folds team deltas into the totals: claimed with SKIP LOCKED and deleted in the same statement,
   * so each delta counts once however many instances fold at the same time. Then recomputes the
   * depth of teams a subtree moved out of.
   */
  async foldTeamTotals(options: { batchSize?: number } = {}): Promise<{ deltas: number; depthsRechecked: number }> {
    const batchSize = options.batchSize ?? 20_000;
    return inTransaction(this.db, async (tx) => {
      // shared with registrations and sales, exclusive against moves: a spread delta is spread over
      // the ancestors it had when it was written
      await sql`select pg_advisory_xact_lock_shared(${LOCK_KEYS.referralTree})`.execute(tx);
      const folded = await sql<{ n: number }>`
        with claimed as (
          delete from referral_team_deltas where id in (
            select id from referral_team_deltas order by id limit ${batchSize} for update skip locked)
          returning member_id, size_delta, direct_delta, sales_delta, depth_at_least, recheck_depth, spread),
        contributions as (
          select member_id, size_delta as size, direct_delta as direct, sales_delta as sales, depth_at_least as depth, recheck_depth as recheck
          from claimed where not spread
          union all
          select c.ancestor_id, d.size_delta, case when c.distance = 1 then d.direct_delta else 0 end, d.sales_delta,
                 case when d.depth_at_least > 0 then c.distance else 0 end, false
          from claimed d join referral_closure c on c.descendant_id = d.member_id and c.distance > 0
          where d.spread),
        summed as (
          select member_id, sum(size) as size, sum(direct) as direct, sum(sales) as sales,
                 max(depth) as depth, bool_or(recheck) as recheck
          from contributions group by member_id),
        upserted as (
          insert into referral_team_totals as t (member_id, team_size, direct_count, team_sales_fen, max_depth, depth_stale)
          select member_id, size, direct, sales, depth, recheck from summed
          on conflict (member_id) do update set
            team_size = t.team_size + excluded.team_size,
            direct_count = t.direct_count + excluded.direct_count,
            team_sales_fen = t.team_sales_fen + excluded.team_sales_fen,
            max_depth = greatest(t.max_depth, excluded.max_depth),
            depth_stale = t.depth_stale or excluded.depth_stale
          returning 1)
        select (select count(*) from claimed)::int as n`.execute(tx);
      const rechecked = await sql`
        update referral_team_totals t set max_depth = coalesce((select max(distance) from referral_closure c where c.ancestor_id = t.member_id), 0), depth_stale = false
        where t.member_id in (select member_id from referral_team_totals where depth_stale limit 100 for update skip locked)`.execute(tx);
      return { deltas: folded.rows[0].n, depthsRechecked: Number(rechecked.numAffectedRows ?? 0) };
    });
  }

  async bindingHistory(ex: Executor, memberId: number) {
    return ex
      .selectFrom('referral_binding_history')
      .select(['id', 'old_referrer_id as oldReferrerId', 'new_referrer_id as newReferrerId', 'source', 'reason', 'actor_id as actorId', 'created_at as createdAt'])
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute();
  }

  /** Keeps each member's own sales, and their ancestors' team sales; called in the order's transaction. */
  async recordSale(tx: Tx, buyerId: number, delta: { paidFen?: number; refundedFen?: number; orders?: number }): Promise<void> {
    const paid = delta.paidFen ?? 0;
    const refunded = delta.refundedFen ?? 0;
    const orders = delta.orders ?? 0;
    // one statement, since the payment waits on each round trip. The shared tree lock (taken before
    // the delta row is written, as the delta reads from it) keeps a move from re-hanging this buyer
    // until this transaction ends; moves take it exclusively and pin the subtree's pending deltas
    await sql`
      with tree as (select pg_advisory_xact_lock_shared(${LOCK_KEYS.referralTree}) as locked),
      team as (
        insert into referral_team_deltas (member_id, sales_delta, spread)
        select ${buyerId}::bigint, ${paid - refunded}::bigint, true from tree where ${paid - refunded}::bigint <> 0),
      updated as (
        update referral_member_sales
        set paid_fen = paid_fen + ${paid}, refunded_fen = refunded_fen + ${refunded}, order_count = order_count + ${orders}
        where member_id = ${buyerId}
        returning member_id)
      -- the first sale of this member inserts (a refund always follows its sale, so it never lands
      -- here first: the row's checks would refuse a refund of nothing); a race of two first sales
      -- meets in the conflict clause
      insert into referral_member_sales (member_id, paid_fen, refunded_fen, order_count)
      select ${buyerId}::bigint, ${paid}::bigint, ${refunded}::bigint, ${orders}::int where not exists (select 1 from updated)
      on conflict (member_id) do update set
        paid_fen = referral_member_sales.paid_fen + excluded.paid_fen,
        refunded_fen = referral_member_sales.refunded_fen + excluded.refunded_fen,
        order_count = referral_member_sales.order_count + excluded.order_count`.execute(tx);
  }
}
