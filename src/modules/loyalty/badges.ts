// Badges (徽章), awarded by rules once each, and the honour rank by lifetime points earned.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Executor, Tx } from '../../db/database.js';
import { maskName } from '../../privacy.js';

export type BadgeCode = 'first_order' | 'sign_in_streak_7' | 'popular_note' | 'points_1000';

export interface BadgeDefinition {
  code: BadgeCode;
  name: string;
  nameEn: string;
  description: string;
}

/** The badge catalogue; each rule awards its badge where the event happens (see the callers of award). */
export const BADGES: readonly BadgeDefinition[] = [
  { code: 'first_order', name: '首单达人', nameEn: 'First order', description: '完成第一笔支付订单' },
  { code: 'sign_in_streak_7', name: '签到七日', nameEn: '7-day streak', description: '连续签到 7 天' },
  { code: 'popular_note', name: '人气种草', nameEn: 'Popular note', description: '一篇笔记获得 10 个赞' },
  { code: 'points_1000', name: '千分会员', nameEn: '1,000 points', description: '累计获得 1,000 积分' },
];

export const POPULAR_NOTE_LIKES = 10;
export const STREAK_BADGE_DAYS = 7;
export const LIFETIME_POINTS_BADGE = 1_000;

/** Honour levels by lifetime points earned, lowest first. */
export const HONOUR_LEVELS = [
  { code: 'bronze', name: '青铜', minPoints: 0 },
  { code: 'silver', name: '白银', minPoints: 500 },
  { code: 'gold', name: '黄金', minPoints: 2_000 },
  { code: 'platinum', name: '铂金', minPoints: 5_000 },
  { code: 'diamond', name: '钻石', minPoints: 20_000 },
] as const;

export function honourLevelOf(lifetimeEarned: number) {
  let level: (typeof HONOUR_LEVELS)[number] = HONOUR_LEVELS[0];
  for (const l of HONOUR_LEVELS) if (lifetimeEarned >= l.minPoints) level = l;
  const next = HONOUR_LEVELS.find((l) => l.minPoints > lifetimeEarned) ?? null;
  return { code: level.code, name: level.name, nextCode: next?.code ?? null, nextAtPoints: next?.minPoints ?? null };
}

export class BadgesService {
  constructor(private readonly clock: Clock) {}

  /** Awards a badge once; true when it is new. */
  async award(tx: Tx, memberId: number, code: BadgeCode): Promise<boolean> {
    const inserted = await tx
      .insertInto('loyalty_member_badges')
      .values({ member_id: memberId, badge_code: code, awarded_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['member_id', 'badge_code']).doNothing())
      .returning('badge_code')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** After points were earned: the lifetime badge (awarded at `at`, default now). */
  async checkLifetime(tx: Tx, memberId: number, at: Date = this.clock.now()): Promise<void> {
    // one statement: the award reads the balance row it depends on
    await tx
      .insertInto('loyalty_member_badges')
      .columns(['member_id', 'badge_code', 'awarded_at'])
      .expression((eb) =>
        eb
          .selectFrom('points_accounts')
          // typed casts: parameters in an INSERT … SELECT list have no column type to infer from on every driver
          .select([eb.cast<number>(eb.val(memberId), 'bigint').as('member_id'), eb.cast<string>(eb.val('points_1000'), 'text').as('badge_code'), eb.cast<Date>(eb.val(at), 'timestamptz').as('awarded_at')])
          .where('member_id', '=', memberId)
          .where('lifetime_earned', '>=', LIFETIME_POINTS_BADGE),
      )
      .onConflict((oc) => oc.columns(['member_id', 'badge_code']).doNothing())
      .execute();
  }

  async ofMember(ex: Executor, memberId: number) {
    const rows = await ex.selectFrom('loyalty_member_badges').select(['badge_code', 'awarded_at']).where('member_id', '=', memberId).execute();
    const earned = new Map(rows.map((r) => [r.badge_code, r.awarded_at]));
    return BADGES.map((b) => ({ ...b, earned: earned.has(b.code), awardedAt: earned.get(b.code) ?? null }));
  }

  /** The catalogue with how many members hold each badge. */
  async catalogue(ex: Executor) {
    const counts = await ex.selectFrom('loyalty_member_badges').select(['badge_code', sql<number>`count(*)`.as('holders')]).groupBy('badge_code').execute();
    const byCode = new Map(counts.map((c) => [c.badge_code, Number(c.holders)]));
    return BADGES.map((b) => ({ ...b, holders: byCode.get(b.code) ?? 0 }));
  }

  async awards(ex: Executor, query: { badgeCode?: string; memberId?: number; limit: number; offset: number }) {
    let q = ex
      .selectFrom('loyalty_member_badges as b')
      .innerJoin('members as m', 'm.id', 'b.member_id')
      .select(['b.member_id as memberId', 'm.nickname', 'b.badge_code as badgeCode', 'b.awarded_at as awardedAt'])
      .orderBy('b.awarded_at', 'desc')
      .orderBy('b.member_id', 'desc')
      .limit(query.limit)
      .offset(query.offset);
    if (query.badgeCode) q = q.where('b.badge_code', '=', query.badgeCode);
    if (query.memberId) q = q.where('b.member_id', '=', query.memberId);
    return q.execute();
  }

  /** The honour top list by lifetime points earned; names are masked (it is public to members). */
  async topList(ex: Executor, limit: number) {
    const rows = await ex
      .selectFrom('points_accounts as a')
      .innerJoin('members as m', 'm.id', 'a.member_id')
      .select(['a.member_id', 'm.nickname', 'a.lifetime_earned'])
      .where('a.lifetime_earned', '>', 0)
      .orderBy('a.lifetime_earned', 'desc')
      .orderBy('a.member_id')
      .limit(limit)
      .execute();
    return rows.map((r, i) => ({ rank: i + 1, name: maskName(r.nickname), lifetimeEarned: r.lifetime_earned, level: honourLevelOf(r.lifetime_earned).code }));
  }

  /** A member's honour: level and position (1 + members strictly ahead; ties share a position). */
  async honourOf(ex: Executor, memberId: number) {
    const account = await ex.selectFrom('points_accounts').select('lifetime_earned').where('member_id', '=', memberId).executeTakeFirst();
    const lifetimeEarned = account?.lifetime_earned ?? 0;
    const ahead = await ex.selectFrom('points_accounts').select(sql<number>`count(*)`.as('n')).where('lifetime_earned', '>', lifetimeEarned).executeTakeFirstOrThrow();
    return { lifetimeEarned, level: honourLevelOf(lifetimeEarned), rank: lifetimeEarned > 0 ? Number(ahead.n) + 1 : null };
  }
}
