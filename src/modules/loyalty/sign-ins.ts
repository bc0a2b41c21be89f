// Daily sign-in (签到): once per member per Asia/Shanghai calendar day, even when requests race
// (the primary key (member_id, day) decides; the loser answers with the winner's sign-in).
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { shanghaiDayStart } from '../../money.js';
import { STREAK_BADGE_DAYS, type BadgesService } from './badges.js';
import type { PointsService } from './points.js';
import type { LoyaltySettings, LoyaltySettingsService } from './settings.js';

const DAY_MS = 86_400_000;

/** The Shanghai calendar day of an instant, as YYYY-MM-DD. */
export function shanghaiDay(at: Date): string {
  return new Date(shanghaiDayStart(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** Points for a sign-in on the given streak day: the base, plus the bonus on every n-th day. */
export function signInPoints(settings: LoyaltySettings, streak: number) {
  const bonus = streak % settings.streakBonusEveryDays === 0 ? settings.streakBonusPoints : 0;
  return { basePoints: settings.signInBasePoints, bonusPoints: bonus };
}

export class SignInsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: LoyaltySettingsService,
    private readonly points: PointsService,
    private readonly badges: BadgesService,
  ) {}

  async signIn(memberId: number) {
    const day = shanghaiDay(this.clock.now());
    return inTransaction(this.db, async (tx) => {
      const yesterday = await tx.selectFrom('loyalty_sign_ins').select('streak').where('member_id', '=', memberId).where('day', '=', previousDay(day)).executeTakeFirst();
      const streak = (yesterday?.streak ?? 0) + 1;
      const { basePoints, bonusPoints } = signInPoints(await this.settings.current(tx), streak);
      // on a race the second insert waits for the first to commit, then inserts nothing
      const inserted = await tx
        .insertInto('loyalty_sign_ins')
        .values({ member_id: memberId, day, streak, base_points: basePoints, bonus_points: bonusPoints, created_at: this.clock.now() })
        .onConflict((oc) => oc.columns(['member_id', 'day']).doNothing())
        .returning('day')
        .executeTakeFirst();
      if (!inserted) {
        const today = await tx.selectFrom('loyalty_sign_ins').selectAll().where('member_id', '=', memberId).where('day', '=', day).executeTakeFirstOrThrow();
        return { duplicate: true, day, streak: today.streak, points: today.base_points + today.bonus_points, bonusPoints: today.bonus_points };
      }
      const points = basePoints + bonusPoints;
      if (points > 0) await this.points.record(tx, { memberId, points, reason: 'sign_in', refType: 'sign_in', refId: null, idempotencyKey: `sign_in:${memberId}:${day}`, memo: `streak ${streak}` });
      if (streak >= STREAK_BADGE_DAYS) await this.badges.award(tx, memberId, 'sign_in_streak_7');
      return { duplicate: false, day, streak, points, bonusPoints };
    });
  }

  /** Today's state for the sign-in button: signed or not, the streak so far, and what the next sign-in pays. */
  async status(ex: Executor, memberId: number) {
    const day = shanghaiDay(this.clock.now());
    const recent = await ex.selectFrom('loyalty_sign_ins').select(['day', 'streak']).where('member_id', '=', memberId).where('day', 'in', [day, previousDay(day)]).execute();
    const today = recent.find((r) => r.day === day);
    const yesterday = recent.find((r) => r.day === previousDay(day));
    const streak = today?.streak ?? yesterday?.streak ?? 0;
    const settings = await this.settings.current(ex);
    const nextStreak = today ? today.streak + 1 : streak + 1;
    const next = signInPoints(settings, nextStreak);
    return {
      day,
      signedToday: !!today,
      streak,
      nextPoints: next.basePoints + next.bonusPoints,
      bonusEveryDays: settings.streakBonusEveryDays,
      bonusPoints: settings.streakBonusPoints,
      daysToBonus: settings.streakBonusEveryDays - (nextStreak % settings.streakBonusEveryDays || settings.streakBonusEveryDays),
    };
  }

  async recent(ex: Executor, memberId: number, limit: number) {
    return ex.selectFrom('loyalty_sign_ins').select(['day', 'streak', 'base_points as basePoints', 'bonus_points as bonusPoints']).where('member_id', '=', memberId).orderBy('day', 'desc').limit(limit).execute();
  }
}
