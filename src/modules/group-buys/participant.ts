// 拼团 in the order's life (orders/participants.ts). A checkout with campaign {kind: 'group_buy', id}
// opens a group (pending until the opener pays), with {groupId} joins an open one; the offer's group
// price is the lines' unit price (campaignTerms, so 满减, member price and coupons apply as on any
// price). A place is held from checkout: the group's row is locked while places are counted (paid
// members and unpaid holds), so N places are never exceeded however many join at once, and an unpaid
// hold lasts until its order is paid or closed. The Nth payment succeeds the group in the payment's
// transaction; until then its orders do not ship.
import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/idempotency.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { CheckoutContext, OrderParticipant, PaidOrder, RefundedOrder } from '../orders/index.js';
import type { GroupStatus } from './tables.js';

const HOLDING = ['unpaid', 'paid'] as const;
const HOUR_MS = 3_600_000;

interface GroupRow {
  id: number;
  offer_id: number;
  status: GroupStatus;
  group_size: number;
  expires_at: Date | null;
}

async function offerFor(ex: Executor, offerId: number) {
  const offer = await ex.selectFrom('group_buy_offers').select(['id', 'group_size', 'time_limit_hours', 'starts_at', 'ends_at']).where('id', '=', offerId).executeTakeFirst();
  if (!offer) throw notFound('GROUP_BUY_NOT_FOUND', `group-buy offer ${offerId} does not exist`);
  const skus = await ex
    .selectFrom('group_buy_offer_skus as g')
    .innerJoin('product_skus as s', 's.id', 'g.sku_id')
    .select(['g.sku_id', 'g.group_price_fen', 's.price_fen'])
    .where('g.offer_id', '=', offerId)
    .execute();
  // never above the SKU's own price, should that have been lowered below the group price since
  return { ...offer, prices: new Map(skus.map((s) => [s.sku_id, Math.min(s.group_price_fen, s.price_fen)])) };
}

/** Places held in a group: paid members and unpaid holds. */
async function placesHeld(ex: Executor, groupId: number): Promise<number> {
  const row = await ex.selectFrom('group_buy_members').select(sql<number>`count(*)::int`.as('n')).where('group_id', '=', groupId).where('status', 'in', HOLDING).executeTakeFirstOrThrow();
  return row.n;
}

/** The member's place in a pending or open group of this offer, if any. */
async function livePlace(ex: Executor, offerId: number, memberId: number) {
  return ex.selectFrom('group_buy_members').select(['group_id']).where('offer_id', '=', offerId).where('member_id', '=', memberId).where('live', '=', true).executeTakeFirst();
}

/** Why this buyer may not join this group now (the same checks with the row locked at checkout). */
async function checkJoinable(ex: Executor, group: GroupRow, buyerId: number, now: Date): Promise<void> {
  if (group.status === 'pending') throw conflict('GROUP_NOT_OPEN', 'this group opens when its opener has paid');
  if (group.status === 'succeeded') throw conflict('GROUP_FULL', 'this group is complete');
  if (group.status !== 'open' || !group.expires_at || group.expires_at <= now) throw conflict('GROUP_EXPIRED', 'this group has run out of time');
  const place = await livePlace(ex, group.offer_id, buyerId);
  if (place?.group_id === group.id) throw conflict('GROUP_ALREADY_JOINED', 'you are in this group already');
  if (place) throw conflict('GROUP_BUY_IN_OPEN_GROUP', 'you are in another open group of this offer', { groupId: place.group_id });
  if ((await placesHeld(ex, group.id)) >= group.group_size) throw conflict('GROUP_FULL', 'every place in this group is taken');
}

async function groupOf(ex: Executor, offerId: number, groupId: number, lock: boolean): Promise<GroupRow> {
  let q = ex.selectFrom('group_buy_groups').select(['id', 'offer_id', 'status', 'group_size', 'expires_at']).where('id', '=', groupId).where('offer_id', '=', offerId);
  if (lock) q = q.forUpdate();
  const group = await q.executeTakeFirst();
  if (!group) throw notFound('GROUP_BUY_GROUP_NOT_FOUND', `group ${groupId} is not a group of offer ${offerId}`);
  return group;
}

function campaignOf(ctx: CheckoutContext) {
  const c = ctx.input.campaign;
  return c?.kind === 'group_buy' ? c : undefined;
}

/** A group's members no longer hold live places (it succeeded, failed or was cancelled). */
export async function finishGroup(tx: Tx, groupId: number, status: 'succeeded' | 'failed' | 'cancelled', at: Date, simulatedSlots = 0): Promise<void> {
  await tx.updateTable('group_buy_groups').set({ status, finished_at: at, simulated_slots: simulatedSlots }).where('id', '=', groupId).execute();
  await tx.updateTable('group_buy_members').set({ live: false }).where('group_id', '=', groupId).where('live', '=', true).execute();
}

/** Inserts a place; a concurrent checkout of the same member that took one first is told so. */
async function insertPlace(tx: Tx, values: { group_id: number; offer_id: number; member_id: number; order_id: number; is_opener: boolean; joined_at: Date }): Promise<void> {
  try {
    await tx.insertInto('group_buy_members').values(values).execute();
  } catch (error) {
    if (isUniqueViolation(error, 'group_buy_members_live_idx')) throw conflict('GROUP_BUY_IN_OPEN_GROUP', 'you are in another open group of this offer');
    if (isUniqueViolation(error, 'group_buy_members_once_idx')) throw conflict('GROUP_ALREADY_JOINED', 'you are in this group already');
    throw error;
  }
}

async function onPaid(tx: Tx, order: PaidOrder): Promise<void> {
  // checkout recorded the campaign: other orders cost no read
  if (order.campaign !== undefined && order.campaign?.kind !== 'group_buy') return;
  const place = await tx.selectFrom('group_buy_members').select(['id', 'group_id', 'is_opener']).where('order_id', '=', order.orderId).where('status', '=', 'unpaid').executeTakeFirst();
  if (!place) return;
  // the group's row is the lock: two last members paying at once count one after the other
  const group = await tx.selectFrom('group_buy_groups').select(['id', 'status', 'group_size', 'time_limit_hours']).where('id', '=', place.group_id).forUpdate().executeTakeFirstOrThrow();
  await tx.updateTable('group_buy_members').set({ status: 'paid', paid_at: order.paidAt }).where('id', '=', place.id).execute();
  if (group.status === 'pending' && place.is_opener) {
    await tx
      .updateTable('group_buy_groups')
      .set({ status: 'open', opened_at: order.paidAt, expires_at: new Date(order.paidAt.getTime() + group.time_limit_hours * HOUR_MS) })
      .where('id', '=', group.id)
      .execute();
  } else if (group.status === 'open') {
    const paid = await tx.selectFrom('group_buy_members').select(sql<number>`count(*)::int`.as('n')).where('group_id', '=', group.id).where('status', '=', 'paid').executeTakeFirstOrThrow();
    if (paid.n >= group.group_size) await finishGroup(tx, group.id, 'succeeded', order.paidAt);
  } else if (group.status === 'refunded') {
    // paid after the group failed and its members were refunded: the settlement job refunds this one too
    await tx.updateTable('group_buy_groups').set({ status: 'failed' }).where('id', '=', group.id).execute();
  }
}

/** A full refund takes the member out (a place in a live group is freed); a failed group whose paid members are all refunded is refunded. */
async function onRefunded(tx: Tx, refund: RefundedOrder): Promise<void> {
  if (!refund.fullyRefunded) return;
  const place = await tx
    .updateTable('group_buy_members')
    .set({ status: 'refunded', live: false })
    .where('order_id', '=', refund.orderId)
    .where('status', 'in', ['paid', 'refunding'])
    .returning('group_id')
    .executeTakeFirst();
  if (!place) return;
  const waiting = await tx.selectFrom('group_buy_members').select('id').where('group_id', '=', place.group_id).where('status', 'in', ['paid', 'refunding']).limit(1).executeTakeFirst();
  if (!waiting) await tx.updateTable('group_buy_groups').set({ status: 'refunded' }).where('id', '=', place.group_id).where('status', '=', 'failed').execute();
}

export function groupBuyParticipant(): OrderParticipant {
  return {
    name: 'group-buys',

    async campaignTerms(tx, ctx) {
      const campaign = campaignOf(ctx);
      if (!campaign) return undefined;
      const offer = await offerFor(tx, campaign.id);
      const unitPricesFen = new Map<number, number>();
      for (const item of ctx.input.items) {
        const price = offer.prices.get(item.skuId);
        if (price === undefined) throw unprocessable('GROUP_BUY_SKU_NOT_IN_OFFER', `sku ${item.skuId} is not in this group-buy offer`, { skuId: item.skuId });
        unitPricesFen.set(item.skuId, price);
      }
      if (campaign.groupId !== undefined) {
        await checkJoinable(tx, await groupOf(tx, offer.id, campaign.groupId, false), ctx.buyerId, ctx.now);
      } else {
        if (ctx.now < offer.starts_at) throw unprocessable('GROUP_BUY_NOT_STARTED', 'this group-buy offer has not started');
        if (ctx.now >= offer.ends_at) throw unprocessable('GROUP_BUY_ENDED', 'this group-buy offer has ended');
        const place = await livePlace(tx, offer.id, ctx.buyerId);
        if (place) throw conflict('GROUP_BUY_IN_OPEN_GROUP', 'you are in another open group of this offer', { groupId: place.group_id });
      }
      return { unitPricesFen, ownStockSkuIds: new Set<number>() };
    },

    async afterCheckout(tx, ctx) {
      const campaign = campaignOf(ctx);
      if (!campaign) return;
      const place = { offer_id: campaign.id, member_id: ctx.buyerId, order_id: ctx.orderId, joined_at: ctx.now };
      if (campaign.groupId === undefined) {
        const offer = await offerFor(tx, campaign.id);
        const group = await tx
          .insertInto('group_buy_groups')
          .values({ offer_id: offer.id, opener_id: ctx.buyerId, group_size: offer.group_size, time_limit_hours: offer.time_limit_hours, created_at: ctx.now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await insertPlace(tx, { ...place, group_id: group.id, is_opener: true });
        return;
      }
      // counted again with the group locked: the check in campaignTerms may be stale by now
      const group = await groupOf(tx, campaign.id, campaign.groupId, true);
      await checkJoinable(tx, group, ctx.buyerId, ctx.now);
      await insertPlace(tx, { ...place, group_id: group.id, is_opener: false });
    },

    async onClosed(tx, order) {
      const place = await tx.updateTable('group_buy_members').set({ status: 'dropped', live: false }).where('order_id', '=', order.orderId).where('status', '=', 'unpaid').returning(['group_id', 'is_opener']).executeTakeFirst();
      // an opener who never paid: the group never opened
      if (place?.is_opener) {
        const pending = await tx.selectFrom('group_buy_groups').select('id').where('id', '=', place.group_id).where('status', '=', 'pending').forUpdate().executeTakeFirst();
        if (pending) await finishGroup(tx, pending.id, 'cancelled', order.at);
      }
    },

    onPaid: (tx, order) => onPaid(tx, order),
    onRefunded: (tx, refund) => onRefunded(tx, refund),

    async assertShippable(tx, orderId) {
      const row = await tx
        .selectFrom('group_buy_members as m')
        .innerJoin('group_buy_groups as g', 'g.id', 'm.group_id')
        .select(['g.id', 'g.status'])
        .where('m.order_id', '=', orderId)
        .where('m.status', '=', 'paid')
        .executeTakeFirst();
      if (row && row.status !== 'succeeded') throw conflict('GROUP_BUY_PENDING', `order ${orderId} ships when its group succeeds (group ${row.id} is ${row.status})`, { groupId: row.id, status: row.status });
    },
  };
}
