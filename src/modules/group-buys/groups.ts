// Reading groups: the open ones of an offer, one group as the shop shows it (members' nicknames
// masked), a member's own groups, and HQ's view of an offer's groups with every member.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { maskName } from '../../privacy.js';
import type { GroupMemberStatus, GroupStatus } from './tables.js';

/** Members shown in a group: the ones who paid (a failed group's refunded ones too). */
const SHOWN: GroupMemberStatus[] = ['paid', 'refunding', 'refunded'];

/** Places held in the group `g`: paid members and unpaid holds. */
const HELD = sql<number>`(select count(*)::int from group_buy_members h where h.group_id = g.id and h.status in ('unpaid', 'paid'))`.as('held');

const GROUP_COLUMNS = [
  'g.id',
  'g.offer_id as offerId',
  'g.status',
  'g.group_size as groupSize',
  'g.simulated_slots as simulatedSlots',
  'g.opened_at as openedAt',
  'g.expires_at as expiresAt',
  'g.finished_at as finishedAt',
  'g.created_at as createdAt',
] as const;

export class GroupBuyGroups {
  constructor(private readonly clock: Clock) {}

  /** An offer's groups one may join now, ending soonest first, with their openers masked. */
  async openGroups(ex: Executor, offerId: number, limit = 10) {
    const rows = await ex
      .selectFrom('group_buy_groups as g')
      .innerJoin('members as m', 'm.id', 'g.opener_id')
      .select([...GROUP_COLUMNS, 'm.nickname', 'm.avatar_url as avatarUrl', HELD])
      .where('g.offer_id', '=', offerId)
      .where('g.status', '=', 'open')
      .where('g.expires_at', '>', this.clock.now())
      .orderBy('g.expires_at')
      .limit(limit * 2)
      .execute();
    return rows
      .filter((r) => r.held < r.groupSize)
      .slice(0, limit)
      .map(({ nickname, avatarUrl, held, ...g }) => ({ ...g, opener: { nickname: maskName(nickname), avatarUrl }, slotsLeft: g.groupSize - held }));
  }

  /** One group as the shop shows it: members (masked), places left, the opener's invite code for the share link; the viewer's own place. */
  async detail(ex: Executor, groupId: number, viewerId: number | null) {
    const group = await ex
      .selectFrom('group_buy_groups as g')
      .innerJoin('members as m', 'm.id', 'g.opener_id')
      .select([...GROUP_COLUMNS, 'm.invite_code as openerInviteCode', HELD])
      .where('g.id', '=', groupId)
      .executeTakeFirst();
    if (!group) throw notFound('GROUP_BUY_GROUP_NOT_FOUND', `group ${groupId} does not exist`);
    const members = await ex
      .selectFrom('group_buy_members as p')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .select(['p.member_id', 'p.is_opener as isOpener', 'p.paid_at as paidAt', 'm.nickname', 'm.avatar_url as avatarUrl'])
      .where('p.group_id', '=', groupId)
      .where('p.status', 'in', SHOWN)
      .orderBy('p.is_opener', 'desc')
      .orderBy('p.paid_at')
      .execute();
    const mine = viewerId === null ? undefined : await ex.selectFrom('group_buy_members').select(['status', 'order_id as orderId']).where('group_id', '=', groupId).where('member_id', '=', viewerId).orderBy('id', 'desc').executeTakeFirst();
    const { held, ...rest } = group;
    const joinable = group.status === 'open' && group.expiresAt !== null && group.expiresAt > this.clock.now() && held < group.groupSize;
    return {
      ...rest,
      slotsLeft: group.status === 'open' ? Math.max(group.groupSize - held, 0) : 0,
      joinable,
      members: members.map((m) => ({ nickname: maskName(m.nickname), avatarUrl: m.avatarUrl, isOpener: m.isOpener, paidAt: m.paidAt })),
      mine: mine ?? null,
    };
  }

  /** My groups, newest first: where I stand and how the group did. */
  async mine(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    const rows = await ex
      .selectFrom('group_buy_members as p')
      .innerJoin('group_buy_groups as g', 'g.id', 'p.group_id')
      .innerJoin('group_buy_offers as o', 'o.id', 'g.offer_id')
      .innerJoin('products as pr', 'pr.id', 'o.product_id')
      .select([...GROUP_COLUMNS, 'o.title', 'o.product_id as productId', 'pr.title as productTitle', 'p.status as memberStatus', 'p.is_opener as isOpener', 'p.order_id as orderId', HELD])
      .where('p.member_id', '=', memberId)
      .where('p.status', '<>', 'dropped')
      .orderBy('p.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(({ held, ...r }) => ({ ...r, slotsLeft: r.status === 'open' ? Math.max(r.groupSize - held, 0) : 0 }));
  }

  /** HQ: an offer's groups, newest first, each with its members (phones for the route to mask). */
  async forOffer(ex: Executor, offerId: number, filter: { status?: GroupStatus; limit: number; offset: number }) {
    let q = ex
      .selectFrom('group_buy_groups as g')
      .innerJoin('members as m', 'm.id', 'g.opener_id')
      .select([...GROUP_COLUMNS, 'g.opener_id as openerId', 'm.nickname as openerNickname'])
      .where('g.offer_id', '=', offerId);
    if (filter.status) q = q.where('g.status', '=', filter.status);
    const groups = await q.orderBy('g.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const members = groups.length
      ? await ex
          .selectFrom('group_buy_members as p')
          .innerJoin('members as m', 'm.id', 'p.member_id')
          .select(['p.group_id', 'p.member_id as memberId', 'm.nickname', 'm.phone', 'p.is_opener as isOpener', 'p.status', 'p.order_id as orderId', 'p.refund_no as refundNo', 'p.joined_at as joinedAt', 'p.paid_at as paidAt'])
          .where('p.group_id', 'in', groups.map((g) => g.id))
          .orderBy('p.id')
          .execute()
      : [];
    return groups.map((g) => ({
      ...g,
      members: members.filter((m) => m.group_id === g.id).map(({ group_id: _group, ...m }) => m),
    }));
  }
}
