// Squads (战队): HQ tags members and picks captains; captains invite members with a code; a member
// is in at most one squad; the roster locks while one of the squad's contests is under way.
import { randomInt } from 'node:crypto';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, forbidden, unprocessable } from '../../errors.js';
import { maskPhone } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import { salesByMember } from './metrics.js';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export interface SquadMemberView {
  memberId: number;
  nickname: string;
  joinedAt: Date;
  isCaptain: boolean;
}

export class SquadsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  // --- member tags ---

  async listTags(ex: Executor) {
    const rows = await ex.selectFrom('member_tags').select(['tag', (eb) => eb.fn.countAll<number>().as('members')]).groupBy('tag').orderBy('tag').execute();
    return rows.map((r) => ({ tag: r.tag, members: Number(r.members) }));
  }

  async tagsOf(ex: Executor, memberIds: number[]): Promise<Map<number, string[]>> {
    const map = new Map<number, string[]>();
    if (memberIds.length === 0) return map;
    const rows = await ex.selectFrom('member_tags').select(['member_id', 'tag']).where('member_id', 'in', memberIds).orderBy('tag').execute();
    for (const r of rows) map.set(r.member_id, [...(map.get(r.member_id) ?? []), r.tag]);
    return map;
  }

  /** Replaces a member's tags (HQ), audited. */
  async setTags(actorId: number, memberId: number, tags: string[]) {
    const unique = [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))];
    return inTransaction(this.db, async (tx) => {
      const exists = await tx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
      if (!exists) throw notFound('MEMBER_NOT_FOUND', 'no such member');
      const before = (await this.tagsOf(tx, [memberId])).get(memberId) ?? [];
      await tx.deleteFrom('member_tags').where('member_id', '=', memberId).execute();
      if (unique.length > 0) await tx.insertInto('member_tags').values(unique.map((tag) => ({ member_id: memberId, tag, created_at: this.clock.now() }))).execute();
      await this.audit.record(tx, { actorId, action: 'contests.member_tags', targetType: 'member', targetId: memberId, before, after: unique });
      return { memberId, tags: unique.sort() };
    });
  }

  /** Members with a tag (or all tagged members), with their tags. */
  async taggedMembers(ex: Executor, filter: { tag?: string; limit: number; offset: number }) {
    let q = ex.selectFrom('members as m').select(['m.id', 'm.nickname', 'm.phone']).where((eb) => eb.exists(eb.selectFrom('member_tags as t').select('t.member_id').whereRef('t.member_id', '=', 'm.id').$if(!!filter.tag, (qb) => qb.where('t.tag', '=', filter.tag!))));
    const total = Number((await q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    q = q.orderBy('m.id').limit(filter.limit).offset(filter.offset);
    const rows = await q.execute();
    const tags = await this.tagsOf(ex, rows.map((r) => r.id));
    return { total, items: rows.map((r) => ({ memberId: r.id, nickname: r.nickname, phone: maskPhone(r.phone), tags: tags.get(r.id) ?? [] })) };
  }

  /** Captain candidates: members with the tag (if given) and at least minSalesFen of sales in [from, to), best first. */
  async captainCandidates(ex: Executor, filter: { tag?: string; from: Date; to: Date; minSalesFen: number; limit: number }) {
    if (filter.to <= filter.from) throw unprocessable('WINDOW_INVALID', 'the window must end after it starts');
    const sales = await salesByMember(ex, filter.from, filter.to);
    let q = ex.selectFrom('members as m').leftJoin('squad_members as sm', 'sm.member_id', 'm.id').select(['m.id', 'm.nickname', 'm.phone', 'm.distributor_status', 'sm.squad_id']).where('m.hq_role', 'is', null);
    if (filter.tag) q = q.where((eb) => eb.exists(eb.selectFrom('member_tags as t').select('t.member_id').whereRef('t.member_id', '=', 'm.id').where('t.tag', '=', filter.tag!)));
    else if (filter.minSalesFen > 0) q = q.where('m.id', 'in', [0, ...[...sales.entries()].filter(([, v]) => v >= filter.minSalesFen).map(([id]) => id)]);
    const rows = await q.execute();
    const candidates = rows
      .map((r) => ({ memberId: r.id, nickname: r.nickname, phone: maskPhone(r.phone), distributorStatus: r.distributor_status, squadId: r.squad_id, salesFen: sales.get(r.id) ?? 0 }))
      .filter((c) => c.salesFen >= filter.minSalesFen)
      .sort((a, b) => b.salesFen - a.salesFen || a.memberId - b.memberId)
      .slice(0, filter.limit);
    const tags = await this.tagsOf(ex, candidates.map((c) => c.memberId));
    return candidates.map((c) => ({ ...c, tags: tags.get(c.memberId) ?? [] }));
  }

  // --- squads ---

  /** A squad's roster is locked from the start of one of its contests until that contest is finalised. */
  async isLocked(ex: Executor, squadId: number): Promise<boolean> {
    const row = await ex
      .selectFrom('contest_squads as cs')
      .innerJoin('contests as c', 'c.id', 'cs.contest_id')
      .select('c.id')
      .where('cs.squad_id', '=', squadId)
      .where('c.status', '=', 'open')
      .where('c.start_at', '<=', this.clock.now())
      .executeTakeFirst();
    return !!row;
  }

  private async lockSquad(tx: Tx, squadId: number) {
    const squad = await tx.selectFrom('squads').selectAll().where('id', '=', squadId).forUpdate().executeTakeFirst();
    if (!squad) throw notFound('SQUAD_NOT_FOUND', 'no such squad');
    return squad;
  }

  private async addMember(tx: Tx, squadId: number, memberId: number) {
    const inserted = await tx.insertInto('squad_members').values({ member_id: memberId, squad_id: squadId, joined_at: this.clock.now() }).onConflict((oc) => oc.column('member_id').doNothing()).returning('member_id').executeTakeFirst();
    if (!inserted) throw conflict('ALREADY_IN_SQUAD', 'this member is already in a squad');
  }

  async create(actorId: number, input: { name: string; captainId: number }) {
    return inTransaction(this.db, async (tx) => {
      const captain = await tx.selectFrom('members').select(['id', 'hq_role']).where('id', '=', input.captainId).executeTakeFirst();
      if (!captain) throw notFound('MEMBER_NOT_FOUND', 'no such member');
      let squad;
      // an invite-code collision is astronomically rare; retry once on it
      for (let attempt = 0; !squad; attempt++) {
        squad = await tx.insertInto('squads').values({ name: input.name, captain_id: input.captainId, invite_code: newInviteCode(), created_by: actorId, created_at: this.clock.now() }).onConflict((oc) => oc.column('invite_code').doNothing()).returningAll().executeTakeFirst();
        if (attempt > 3) throw new Error('could not draw a free invite code');
      }
      await this.addMember(tx, squad.id, input.captainId);
      await this.audit.record(tx, { actorId, action: 'contests.squad_create', targetType: 'squad', targetId: squad.id, after: { name: input.name, captainId: input.captainId } });
      return (await this.detail(tx, squad.id))!;
    });
  }

  async update(actorId: number, squadId: number, input: { name?: string; captainId?: number }) {
    return inTransaction(this.db, async (tx) => {
      const squad = await this.lockSquad(tx, squadId);
      if (input.captainId !== undefined && input.captainId !== squad.captain_id) {
        if (await this.isLocked(tx, squadId)) throw conflict('SQUAD_LOCKED', 'the squad is in a running contest');
        const membership = await tx.selectFrom('squad_members').select('squad_id').where('member_id', '=', input.captainId).executeTakeFirst();
        if (membership && membership.squad_id !== squadId) throw conflict('ALREADY_IN_SQUAD', 'the new captain is in another squad');
        if (!membership) {
          const exists = await tx.selectFrom('members').select('id').where('id', '=', input.captainId).executeTakeFirst();
          if (!exists) throw notFound('MEMBER_NOT_FOUND', 'no such member');
          await this.addMember(tx, squadId, input.captainId);
        }
      }
      await tx.updateTable('squads').set({ name: input.name ?? squad.name, captain_id: input.captainId ?? squad.captain_id }).where('id', '=', squadId).execute();
      await this.audit.record(tx, { actorId, action: 'contests.squad_update', targetType: 'squad', targetId: squadId, before: { name: squad.name, captainId: squad.captain_id }, after: input });
      return (await this.detail(tx, squadId))!;
    });
  }

  /** Only a squad that never took part in a contest can be deleted (results refer to squads). */
  async remove(actorId: number, squadId: number) {
    return inTransaction(this.db, async (tx) => {
      const squad = await this.lockSquad(tx, squadId);
      const enrolled = await tx.selectFrom('contest_squads').select('contest_id').where('squad_id', '=', squadId).executeTakeFirst();
      if (enrolled) throw conflict('SQUAD_IN_CONTEST', 'the squad takes or took part in a contest');
      await tx.deleteFrom('squads').where('id', '=', squadId).execute();
      await this.audit.record(tx, { actorId, action: 'contests.squad_delete', targetType: 'squad', targetId: squadId, before: { name: squad.name, captainId: squad.captain_id } });
    });
  }

  async list(ex: Executor, filter: { limit: number; offset: number }) {
    const rows = await ex
      .selectFrom('squads as s')
      .innerJoin('members as c', 'c.id', 's.captain_id')
      .select(['s.id', 's.name', 's.captain_id', 'c.nickname as captain_nickname', 's.invite_code', 's.created_at'])
      .select((eb) => eb.selectFrom('squad_members as sm').select((e) => e.fn.countAll<number>().as('n')).whereRef('sm.squad_id', '=', 's.id').as('member_count'))
      .orderBy('s.id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    const total = Number((await ex.selectFrom('squads').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const items = [];
    for (const r of rows) items.push({ id: r.id, name: r.name, captainId: r.captain_id, captainNickname: r.captain_nickname, inviteCode: r.invite_code, memberCount: Number(r.member_count ?? 0), locked: await this.isLocked(ex, r.id), createdAt: r.created_at });
    return { total, items };
  }

  async detail(ex: Executor, squadId: number) {
    const squad = await ex.selectFrom('squads as s').innerJoin('members as c', 'c.id', 's.captain_id').select(['s.id', 's.name', 's.captain_id', 'c.nickname as captain_nickname', 's.invite_code', 's.created_at']).where('s.id', '=', squadId).executeTakeFirst();
    if (!squad) return undefined;
    const members = await ex.selectFrom('squad_members as sm').innerJoin('members as m', 'm.id', 'sm.member_id').select(['m.id', 'm.nickname', 'sm.joined_at']).where('sm.squad_id', '=', squadId).orderBy('sm.joined_at').orderBy('m.id').execute();
    return {
      id: squad.id,
      name: squad.name,
      captainId: squad.captain_id,
      captainNickname: squad.captain_nickname,
      inviteCode: squad.invite_code,
      locked: await this.isLocked(ex, squadId),
      createdAt: squad.created_at,
      members: members.map((m): SquadMemberView => ({ memberId: m.id, nickname: m.nickname, joinedAt: m.joined_at, isCaptain: m.id === squad.captain_id })),
    };
  }

  async squadIdOf(ex: Executor, memberId: number): Promise<number | undefined> {
    return (await ex.selectFrom('squad_members').select('squad_id').where('member_id', '=', memberId).executeTakeFirst())?.squad_id;
  }

  /** The public face of an invite code, for the join page. */
  async preview(ex: Executor, code: string) {
    const squad = await ex.selectFrom('squads as s').innerJoin('members as c', 'c.id', 's.captain_id').select(['s.id', 's.name', 'c.nickname as captain_nickname']).where('s.invite_code', '=', code.toUpperCase()).executeTakeFirst();
    if (!squad) throw notFound('SQUAD_NOT_FOUND', 'no squad has this invite code');
    const count = await ex.selectFrom('squad_members').select((eb) => eb.fn.countAll<number>().as('n')).where('squad_id', '=', squad.id).executeTakeFirstOrThrow();
    return { id: squad.id, name: squad.name, captainNickname: squad.captain_nickname, memberCount: Number(count.n), locked: await this.isLocked(ex, squad.id) };
  }

  async join(memberId: number, code: string) {
    return inTransaction(this.db, async (tx) => {
      const found = await tx.selectFrom('squads').select('id').where('invite_code', '=', code.toUpperCase()).executeTakeFirst();
      if (!found) throw notFound('SQUAD_NOT_FOUND', 'no squad has this invite code');
      await this.lockSquad(tx, found.id);
      if (await this.isLocked(tx, found.id)) throw conflict('SQUAD_LOCKED', 'the squad is in a running contest: no one joins until it ends');
      await this.addMember(tx, found.id, memberId);
      return (await this.detail(tx, found.id))!;
    });
  }

  async leave(memberId: number) {
    return inTransaction(this.db, async (tx) => {
      const squadId = await this.squadIdOf(tx, memberId);
      if (squadId === undefined) throw notFound('NOT_IN_SQUAD', 'you are not in a squad');
      const squad = await this.lockSquad(tx, squadId);
      if (squad.captain_id === memberId) throw conflict('CAPTAIN_CANNOT_LEAVE', 'the captain cannot leave the squad');
      if (await this.isLocked(tx, squadId)) throw conflict('SQUAD_LOCKED', 'the squad is in a running contest: no one leaves until it ends');
      await tx.deleteFrom('squad_members').where('member_id', '=', memberId).execute();
    });
  }

  /** A captain (or HQ, actorIsHq) removes a member of the squad before a contest starts. */
  async removeMember(actorId: number, squadId: number, memberId: number, actorIsHq: boolean) {
    return inTransaction(this.db, async (tx) => {
      const squad = await this.lockSquad(tx, squadId);
      if (!actorIsHq && squad.captain_id !== actorId) throw forbidden('NOT_CAPTAIN', 'only the captain manages the squad');
      const row = await tx.selectFrom('squad_members').select('member_id').where('member_id', '=', memberId).where('squad_id', '=', squadId).executeTakeFirst();
      if (!row) throw notFound('MEMBER_NOT_IN_SQUAD', 'this member is not in the squad');
      if (memberId === squad.captain_id) throw conflict('CAPTAIN_CANNOT_LEAVE', 'the captain cannot be removed; appoint another captain first');
      if (await this.isLocked(tx, squadId)) throw conflict('SQUAD_LOCKED', 'the squad is in a running contest');
      await tx.deleteFrom('squad_members').where('member_id', '=', memberId).execute();
      if (actorIsHq) await this.audit.record(tx, { actorId, action: 'contests.squad_remove_member', targetType: 'squad', targetId: squadId, before: { memberId } });
    });
  }
}
