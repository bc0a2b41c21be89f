// HQ's loyalty settings: points per yuan, sign-in points and streak bonus, the note reward rule.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';

export interface LoyaltySettings {
  /** points per yuan (100 fen) of goods paid, rounded down per order */
  pointsPerYuan: number;
  signInBasePoints: number;
  /** every n-th consecutive day earns the bonus on top (7 → days 7, 14, 21…) */
  streakBonusEveryDays: number;
  streakBonusPoints: number;
  /** a note that reaches this many likes earns its author the reward, once */
  noteRewardLikes: number;
  noteRewardPoints: number;
  noteRewardCashFen: number;
}

export class LoyaltySettingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async current(ex: Executor): Promise<LoyaltySettings> {
    const row = await ex.selectFrom('loyalty_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    return {
      pointsPerYuan: row.points_per_yuan,
      signInBasePoints: row.sign_in_base_points,
      streakBonusEveryDays: row.streak_bonus_every_days,
      streakBonusPoints: row.streak_bonus_points,
      noteRewardLikes: row.note_reward_likes,
      noteRewardPoints: row.note_reward_points,
      noteRewardCashFen: row.note_reward_cash_fen,
    };
  }

  async update(actorId: number, changes: Partial<LoyaltySettings>): Promise<LoyaltySettings> {
    return inTransaction(this.db, async (tx) => {
      await tx.selectFrom('loyalty_settings').select('id').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
      const before = await this.current(tx);
      const after = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as LoyaltySettings;
      await tx
        .updateTable('loyalty_settings')
        .set({
          points_per_yuan: after.pointsPerYuan,
          sign_in_base_points: after.signInBasePoints,
          streak_bonus_every_days: after.streakBonusEveryDays,
          streak_bonus_points: after.streakBonusPoints,
          note_reward_likes: after.noteRewardLikes,
          note_reward_points: after.noteRewardPoints,
          note_reward_cash_fen: after.noteRewardCashFen,
          updated_by: actorId,
          updated_at: this.clock.now(),
        })
        .where('id', '=', 1)
        .execute();
      await this.audit.record(tx, { actorId, action: 'loyalty.settings', targetType: 'loyalty_settings', targetId: 1, before, after });
      return after;
    });
  }
}
