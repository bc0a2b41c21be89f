// A contest's deadline: the results freeze as of the deadline and the prizes are handed out exactly
// once — cash through the ledger (commission.award), points through the loyalty feature, honours on
// the squad's result. An invites contest pays cash for recruiting alone, so its cash prizes are paid
// only under a compliance override recorded on the contest; without one they are frozen in the results
// but withheld, until HQ records the override and releases them (releaseWithheld), or never.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound } from '../../errors.js';
import { formatYuan } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import { RECRUITING_CASH, overrideColumns, type ComplianceFinding, type ComplianceOverrideInput } from '../compliance/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { contestContributions, formatMetricValue, type Contribution } from './metrics.js';
import { paysCashForRecruiting } from './prizes.js';
import type { ContestRow, SquadStanding } from './service.js';

/** Grants points once per idempotency key (the loyalty feature's points, reason `reward`). */
export type PointsGranter = (tx: Tx, grant: { memberId: number; points: number; refType: string; refId: number; idempotencyKey: string; memo: string }) => Promise<void>;

type Outcome = (ex: Executor, contest: ContestRow, contributions: Contribution[]) => Promise<SquadStanding[]>;

interface MemberRow {
  contest_id: number;
  squad_id: number;
  member_id: number;
  value: number;
  prize_fen: number;
  prize_points: number;
}

const prizeKey = (contestId: number, squadId: number, memberId: number) => `contest:${contestId}:squad:${squadId}:member:${memberId}`;

export class ContestFinalizer {
  private grantPoints: PointsGranter | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly commission: CommissionService,
    private readonly notifications: NotificationsService,
    private readonly outcome: Outcome,
  ) {}

  setPointsGranter(grant: PointsGranter): void {
    this.grantPoints = grant;
  }

  /**
   * Finalises every open contest past its deadline, one transaction each: results frozen as of the
   * deadline, prizes handed out, status finished. The row lock (SKIP LOCKED) keeps two instances apart;
   * the status guard and the idempotency keys make a replay pay nothing.
   */
  async finalizeDue(): Promise<number> {
    let finalized = 0;
    for (;;) {
      const done = await inTransaction(this.db, async (tx) => {
        const contest = await tx
          .selectFrom('contests')
          .select(['id', 'name', 'metric', 'start_at', 'deadline', 'status', 'finalized_at', 'compliance_override_reason'])
          .where('status', '=', 'open')
          .where('deadline', '<=', this.clock.now())
          .orderBy('deadline')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!contest) return false;
        const { squads, withheld } = await this.finalize(tx, contest);
        // the results' notes commit with the prizes: a reader right after the job sees both
        await this.notifyResults(tx, contest, squads, withheld);
        return true;
      });
      if (!done) return finalized;
      finalized += 1;
    }
  }

  private async finalize(tx: Tx, contest: ContestRow & { compliance_override_reason: string | null }) {
    const contributions = await contestContributions(tx, contest.id, contest.metric, contest.start_at, contest.deadline);
    const squads = await this.outcome(tx, contest, contributions);
    if (squads.length > 0)
      await tx
        .insertInto('contest_results')
        .values(squads.map((s) => ({ contest_id: contest.id, squad_id: s.squadId, squad_name: s.name, captain_id: s.captainId, rank: s.rank, value: s.value, prize_fen: s.prizeFen, prize_points: s.prizePoints, honour: s.honour })))
        .execute();
    // members with nothing recorded still get a row: the captain may take a prize without contributing
    const memberRows = squads.flatMap((s) => {
      const rows: MemberRow[] = s.members.map((m) => ({ contest_id: contest.id, squad_id: s.squadId, member_id: m.memberId, value: m.value, prize_fen: m.prizeFen, prize_points: m.prizePoints }));
      if (!rows.some((r) => r.member_id === s.captainId) && (s.prizeFen > 0 || s.prizePoints > 0))
        rows.push({ contest_id: contest.id, squad_id: s.squadId, member_id: s.captainId, value: 0, prize_fen: s.prizeFen, prize_points: s.prizePoints });
      return rows;
    });
    if (memberRows.length > 0) await tx.insertInto('contest_member_results').values(memberRows).execute();
    const cashFen = memberRows.reduce((sum, r) => sum + r.prize_fen, 0);
    const prizeKinds = await tx.selectFrom('contest_prizes').select('kind').where('contest_id', '=', contest.id).execute();
    // recruiting alone pays no cash without the override: the cash stays in the results, unpaid
    const withheld = cashFen > 0 && paysCashForRecruiting(contest.metric, prizeKinds) && contest.compliance_override_reason === null;
    if (!withheld) await this.payCash(tx, contest, memberRows);
    await this.payPoints(tx, contest, memberRows);
    const now = this.clock.now();
    await tx
      .updateTable('contests')
      .set({ status: 'finished', finalized_at: now < contest.deadline ? contest.deadline : now, ...(withheld ? { prizes_withheld_at: now } : {}) })
      .where('id', '=', contest.id)
      .where('status', '=', 'open')
      .execute();
    await this.audit.record(tx, {
      actorId: null,
      action: 'contests.finalize',
      targetType: 'contest',
      targetId: contest.id,
      after: squads.map((s) => ({ squadId: s.squadId, rank: s.rank, value: s.value, prizeFen: s.prizeFen, prizePoints: s.prizePoints, honour: s.honour })),
    });
    if (withheld)
      await this.audit.record(tx, {
        actorId: null,
        action: 'contests.prizes_withheld',
        targetType: 'contest',
        targetId: contest.id,
        after: { code: RECRUITING_CASH, metric: contest.metric, cashFen, members: memberRows.filter((r) => r.prize_fen > 0).length },
        reason: 'an invites contest pays cash for recruiting alone and has no compliance override',
      });
    return { squads, withheld };
  }

  private async payCash(tx: Tx, contest: ContestRow, rows: MemberRow[]) {
    for (const row of rows) {
      if (row.prize_fen <= 0) continue;
      await this.commission.award(tx, {
        memberId: row.member_id,
        amountFen: row.prize_fen,
        code: 'contest.prize',
        memo: `PK 赛「${contest.name}」奖金`,
        idempotencyKey: prizeKey(contest.id, row.squad_id, row.member_id),
        refType: 'contest',
        refId: contest.id,
      });
    }
  }

  private async payPoints(tx: Tx, contest: ContestRow, rows: MemberRow[]) {
    for (const row of rows) {
      if (row.prize_points <= 0) continue;
      if (!this.grantPoints) throw new Error('points prizes need the loyalty feature (setPointsGranter)');
      await this.grantPoints(tx, {
        memberId: row.member_id,
        points: row.prize_points,
        refType: 'contest',
        refId: contest.id,
        idempotencyKey: `${prizeKey(contest.id, row.squad_id, row.member_id)}:points`,
        memo: `PK 赛「${contest.name}」积分奖励`,
      });
    }
  }

  private async notifyResults(tx: Tx, contest: ContestRow, squads: SquadStanding[], withheld: boolean) {
    for (const s of squads)
      for (const m of s.members.length > 0 ? s.members : [{ memberId: s.captainId, value: 0, prizeFen: s.prizeFen, prizePoints: s.prizePoints }]) {
        const parts: string[] = [];
        if (m.prizeFen > 0) parts.push(withheld ? `奖金 ¥${formatYuan(m.prizeFen)} 待总部审核` : `奖金 ¥${formatYuan(m.prizeFen)} 已到账`);
        if (m.prizePoints > 0) parts.push(`${m.prizePoints} 积分已到账`);
        if (s.honour) parts.push(`战队获得「${s.honour}」称号`);
        await this.notifications.notifyIn(tx, m.memberId, {
          kind: 'contest.finished',
          title: `${contest.name} 已结束：战队第 ${s.rank} 名`,
          body: `战队「${s.name}」成绩 ${formatMetricValue(contest.metric, s.value)}，你贡献了 ${formatMetricValue(contest.metric, m.value)}${parts.map((p) => `，${p}`).join('')}`,
          amountFen: m.prizeFen > 0 && !withheld ? m.prizeFen : null,
          refType: 'contest',
          refId: contest.id,
        });
      }
  }

  /**
   * HQ accepts, with a reason, that an invites contest whose cash prizes were withheld pays them: the
   * override is recorded on the contest (who, when) and audited, and each member's frozen prize is
   * paid under the key the deadline would have used, once. 409 when nothing is withheld or it was released.
   */
  async releaseWithheld(actorId: number, contestId: number, override: ComplianceOverrideInput) {
    return inTransaction(this.db, async (tx) => {
      const contest = await tx.selectFrom('contests').selectAll().where('id', '=', contestId).forUpdate().executeTakeFirst();
      if (!contest) throw notFound('CONTEST_NOT_FOUND', 'no such contest');
      if (contest.prizes_withheld_at === null) throw conflict('CONTEST_PRIZES_NOT_WITHHELD', 'this contest has no withheld cash prizes');
      if (contest.prizes_released_at !== null) throw conflict('CONTEST_PRIZES_RELEASED', 'the withheld prizes were released already');
      const rows = await tx.selectFrom('contest_member_results').selectAll().where('contest_id', '=', contestId).where('prize_fen', '>', 0).orderBy('member_id').execute();
      await this.payCash(tx, contest, rows);
      const now = this.clock.now();
      await tx.updateTable('contests').set({ ...overrideColumns(override, true, actorId, now), prizes_released_at: now }).where('id', '=', contestId).execute();
      const cashFen = rows.reduce((sum, r) => sum + r.prize_fen, 0);
      await this.audit.record(tx, {
        actorId,
        action: 'contests.compliance_override',
        targetType: 'contest',
        targetId: contestId,
        before: { prizesWithheldAt: contest.prizes_withheld_at },
        after: { code: RECRUITING_CASH, field: 'prizes', metric: contest.metric, releasedFen: cashFen, members: rows.length },
        reason: override.reason,
      });
      for (const row of rows)
        await this.notifications.notifyIn(tx, row.member_id, {
          kind: 'contest.prize_released',
          title: `${contest.name}：奖金已到账`,
          body: `PK 赛「${contest.name}」的奖金 ¥${formatYuan(row.prize_fen)} 已到账`,
          amountFen: row.prize_fen,
          refType: 'contest',
          refId: contestId,
        });
      return { releasedFen: cashFen, members: rows.length };
    });
  }

  /** Invites contests paying cash with no override: open ones will be withheld at the deadline; finished ones are. */
  async findings(ex: Executor): Promise<ComplianceFinding[]> {
    const rows = await ex
      .selectFrom('contests as c')
      .select(['c.id', 'c.name', 'c.status', 'c.prizes_withheld_at'])
      .where('c.metric', '=', 'invites')
      .where('c.compliance_override_reason', 'is', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.status', '=', 'open'), eb.exists(eb.selectFrom('contest_prizes as p').select('p.rank').whereRef('p.contest_id', '=', 'c.id').where('p.kind', '=', 'cash'))]),
          eb.and([eb('c.prizes_withheld_at', 'is not', null), eb('c.prizes_released_at', 'is', null)]),
        ]),
      )
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({
      area: 'contest' as const,
      id: r.id,
      name: r.name,
      code: RECRUITING_CASH,
      field: 'prizes',
      effect: r.prizes_withheld_at ? 'cash_withheld' : 'cash_will_be_withheld',
    }));
  }
}
