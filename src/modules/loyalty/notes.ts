// Notes (种草): members post reviews with photos, optionally about a product; others like them.
// When a note first reaches HQ's like threshold its author gets the reward — points and/or cash —
// exactly once: the note row is locked for every like, `rewarded_at` is set in the same
// transaction, and both payments carry a per-note idempotency key.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import { maskName } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import { POPULAR_NOTE_LIKES, type BadgesService } from './badges.js';
import type { PointsService } from './points.js';
import type { LoyaltySettingsService } from './settings.js';

export interface NoteInput {
  title: string;
  body: string;
  photoUrls: string[];
  productId?: number | null;
}

export const MAX_NOTE_PHOTOS = 9;

export class NotesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: LoyaltySettingsService,
    private readonly points: PointsService,
    private readonly badges: BadgesService,
    private readonly commission: CommissionService,
    private readonly audit: AuditService,
  ) {}

  async create(memberId: number, input: NoteInput) {
    if (input.photoUrls.length > MAX_NOTE_PHOTOS) throw unprocessable('NOTE_TOO_MANY_PHOTOS', `a note has at most ${MAX_NOTE_PHOTOS} photos`);
    return inTransaction(this.db, async (tx) => {
      if (input.productId != null) {
        const product = await tx.selectFrom('products').select('id').where('id', '=', input.productId).executeTakeFirst();
        if (!product) throw unprocessable('PRODUCT_NOT_FOUND', `product ${input.productId} does not exist`);
      }
      const note = await tx
        .insertInto('loyalty_notes')
        .values({ member_id: memberId, title: input.title, body: input.body, photo_urls: JSON.stringify(input.photoUrls), product_id: input.productId ?? null, created_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return this.require(tx, note.id, memberId);
    });
  }

  private listQuery(ex: Executor, viewerId: number | null) {
    return ex
      .selectFrom('loyalty_notes as n')
      .innerJoin('members as m', 'm.id', 'n.member_id')
      .leftJoin('products as p', 'p.id', 'n.product_id')
      .select([
        'n.id',
        'n.member_id as authorId',
        'm.nickname as authorName',
        'm.avatar_url as authorAvatarUrl',
        'n.title',
        'n.body',
        'n.photo_urls as photoUrls',
        'n.product_id as productId',
        'p.title as productTitle',
        'p.image_url as productImageUrl',
        'n.status',
        'n.like_count as likeCount',
        'n.rewarded_at as rewardedAt',
        'n.created_at as createdAt',
        viewerId === null
          ? sql<boolean>`false`.as('likedByMe')
          : sql<boolean>`exists (select 1 from loyalty_note_likes l where l.note_id = n.id and l.member_id = ${viewerId})`.as('likedByMe'),
      ]);
  }

  /** The public feed (visible notes), optionally of one product or one author; author names masked except the viewer's own. */
  async feed(ex: Executor, query: { productId?: number; authorId?: number; viewerId: number | null; limit: number; offset: number }) {
    let q = this.listQuery(ex, query.viewerId).where('n.status', '=', 'visible').orderBy('n.id', 'desc').limit(query.limit).offset(query.offset);
    if (query.productId) q = q.where('n.product_id', '=', query.productId);
    if (query.authorId) q = q.where('n.member_id', '=', query.authorId);
    const rows = await q.execute();
    return rows.map((r) => this.forMembers(r, query.viewerId));
  }

  private forMembers<T extends { authorId: number; authorName: string }>(row: T, viewerId: number | null) {
    return { ...row, authorName: row.authorId === viewerId ? row.authorName : maskName(row.authorName), mine: row.authorId === viewerId };
  }

  /** One note for members: visible ones, or the viewer's own even when hidden. */
  async getForMember(ex: Executor, id: number, viewerId: number | null) {
    const row = await this.listQuery(ex, viewerId).where('n.id', '=', id).executeTakeFirst();
    if (!row || (row.status !== 'visible' && row.authorId !== viewerId)) throw notFound('NOTE_NOT_FOUND', `note ${id} does not exist`);
    return this.forMembers(row, viewerId);
  }

  private async require(ex: Executor, id: number, viewerId: number | null) {
    const row = await this.listQuery(ex, viewerId).where('n.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('NOTE_NOT_FOUND', `note ${id} does not exist`);
    return row;
  }

  async mine(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    return this.listQuery(ex, memberId).where('n.member_id', '=', memberId).orderBy('n.id', 'desc').limit(page.limit).offset(page.offset).execute();
  }

  /** HQ's moderation list: every note, hidden ones too, with the hide reason. */
  async listForHq(ex: Executor, query: { status?: 'visible' | 'hidden'; productId?: number; memberId?: number; limit: number; offset: number }) {
    let q = this.listQuery(ex, null).select(['n.hidden_reason as hiddenReason', 'n.reward_points as rewardPoints', 'n.reward_cash_fen as rewardCashFen']).orderBy('n.id', 'desc').limit(query.limit).offset(query.offset);
    let count = ex.selectFrom('loyalty_notes as n').select(sql<number>`count(*)`.as('n'));
    if (query.status) {
      q = q.where('n.status', '=', query.status);
      count = count.where('n.status', '=', query.status);
    }
    if (query.productId) {
      q = q.where('n.product_id', '=', query.productId);
      count = count.where('n.product_id', '=', query.productId);
    }
    if (query.memberId) {
      q = q.where('n.member_id', '=', query.memberId);
      count = count.where('n.member_id', '=', query.memberId);
    }
    const [items, total] = await Promise.all([q.execute(), count.executeTakeFirstOrThrow()]);
    return { total: Number(total.n), items };
  }

  async setVisibility(actorId: number, id: number, status: 'visible' | 'hidden', reason: string | null) {
    return inTransaction(this.db, async (tx) => {
      const note = await tx.selectFrom('loyalty_notes').select(['id', 'status', 'hidden_reason']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!note) throw notFound('NOTE_NOT_FOUND', `note ${id} does not exist`);
      await tx.updateTable('loyalty_notes').set({ status, hidden_reason: status === 'hidden' ? reason : null }).where('id', '=', id).execute();
      await this.audit.record(tx, { actorId, action: status === 'hidden' ? 'loyalty.note_hide' : 'loyalty.note_show', targetType: 'loyalty_note', targetId: id, before: { status: note.status }, after: { status }, reason });
      return { id, status };
    });
  }

  /** Like a visible note (not one's own); a second like is a no-op. Pays the reward when the note reaches the threshold. */
  async like(memberId: number, noteId: number) {
    return inTransaction(this.db, async (tx) => {
      const note = await this.lockVisible(tx, noteId);
      if (note.member_id === memberId) throw unprocessable('NOTE_SELF_LIKE', 'you cannot like your own note');
      const inserted = await tx
        .insertInto('loyalty_note_likes')
        .values({ note_id: noteId, member_id: memberId, created_at: this.clock.now() })
        .onConflict((oc) => oc.columns(['note_id', 'member_id']).doNothing())
        .returning('note_id')
        .executeTakeFirst();
      let likeCount = note.like_count;
      if (inserted) {
        likeCount += 1;
        await tx.updateTable('loyalty_notes').set({ like_count: likeCount }).where('id', '=', noteId).execute();
        if (likeCount >= POPULAR_NOTE_LIKES) await this.badges.award(tx, note.member_id, 'popular_note');
      }
      const rewarded = note.rewarded_at === null ? await this.rewardIfDue(tx, { id: noteId, authorId: note.member_id, likeCount }) : false;
      return { noteId, liked: true, likeCount, rewarded };
    });
  }

  async unlike(memberId: number, noteId: number) {
    return inTransaction(this.db, async (tx) => {
      const note = await this.lockVisible(tx, noteId);
      const deleted = await tx.deleteFrom('loyalty_note_likes').where('note_id', '=', noteId).where('member_id', '=', memberId).executeTakeFirst();
      const likeCount = note.like_count - Number(deleted.numDeletedRows);
      if (likeCount !== note.like_count) await tx.updateTable('loyalty_notes').set({ like_count: likeCount }).where('id', '=', noteId).execute();
      // a reward already paid stays paid: the rule pays once per note
      return { noteId, liked: false, likeCount };
    });
  }

  private async lockVisible(tx: Tx, noteId: number) {
    const note = await tx.selectFrom('loyalty_notes').select(['id', 'member_id', 'status', 'like_count', 'rewarded_at']).where('id', '=', noteId).forUpdate().executeTakeFirst();
    if (!note || note.status !== 'visible') throw notFound('NOTE_NOT_FOUND', `note ${noteId} does not exist`);
    return note;
  }

  /** Pays the note reward once, under the note's row lock; the rule in force now is recorded on the note. */
  private async rewardIfDue(tx: Tx, note: { id: number; authorId: number; likeCount: number }): Promise<boolean> {
    const rule = await this.settings.current(tx);
    if (note.likeCount < rule.noteRewardLikes || (rule.noteRewardPoints === 0 && rule.noteRewardCashFen === 0)) return false;
    await tx
      .updateTable('loyalty_notes')
      .set({ rewarded_at: this.clock.now(), reward_points: rule.noteRewardPoints, reward_cash_fen: rule.noteRewardCashFen })
      .where('id', '=', note.id)
      .execute();
    if (rule.noteRewardPoints > 0) {
      await this.points.record(tx, { memberId: note.authorId, points: rule.noteRewardPoints, reason: 'note_reward', refType: 'loyalty_note', refId: note.id, idempotencyKey: `note_reward:${note.id}` });
    }
    if (rule.noteRewardCashFen > 0) {
      await this.commission.award(tx, {
        memberId: note.authorId,
        amountFen: rule.noteRewardCashFen,
        code: 'loyalty.note_reward',
        memo: `note ${note.id} reached ${rule.noteRewardLikes} likes`,
        idempotencyKey: `loyalty:note:${note.id}`,
        refType: 'loyalty_note',
        refId: note.id,
      });
    }
    return true;
  }
}
