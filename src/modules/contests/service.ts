// PK contests (PK 赛): squads compete on one metric inside a hard window [startAt, deadline);
// standings are live; a daily report goes to every member; at the deadline the results freeze and
// the prizes are paid through the ledger exactly once.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { formatYuan, shanghaiDayStart } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { contestContributions, type Contribution } from './metrics.js';
import { rankSquads, splitSquadPrize, squadPrizes } from './prizes.js';
import type { ContestMetric } from './tables.js';

export type ContestState = 'scheduled' | 'running' | 'closing' | 'finished';

export interface ContestInput {
  name: string;
  metric: ContestMetric;
  startAt: Date;
  deadline: Date;
  squadIds: number[];
  prizes: Array<{ rank: number; amountFen: number }>;
}

export interface SquadStanding {
  squadId: number;
  name: string;
  captainId: number;
  captainNickname: string;
  rank: number;
  value: number;
  /** paid (finished) or due at the current rank (live) */
  prizeFen: number;
  members: Array<{ memberId: number; nickname: string; value: number; prizeFen: number }>;
}

const MAX_WINDOW_MS = 92 * 86_400_000;
/** a contest may be created starting a moment ago (the form's "now"), never backdated further */
const START_GRACE_MS = 5 * 60_000;

interface ContestRow {
  id: number;
  name: string;
  metric: ContestMetric;
  start_at: Date;
  deadline: Date;
  status: 'open' | 'finished';
  finalized_at: Date | null;
}

export function formatMetricValue(metric: ContestMetric, value: number): string {
  if (metric === 'sales') return `¥${formatYuan(value)}`;
  return metric === 'invites' ? `${value} 人` : `${value} 积分`;
}

export class ContestsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly commission: CommissionService,
    private readonly notifications: NotificationsService,
  ) {}

  stateOf(c: Pick<ContestRow, 'start_at' | 'deadline' | 'status'>, now = this.clock.now()): ContestState {
    if (c.status === 'finished') return 'finished';
    if (now < c.start_at) return 'scheduled';
    return now < c.deadline ? 'running' : 'closing';
  }

  private async validate(ex: Executor, input: ContestInput, options: { backfill?: boolean }) {
    if (input.deadline <= input.startAt) throw unprocessable('WINDOW_INVALID', 'the deadline must be after the start');
    if (input.deadline.getTime() - input.startAt.getTime() > MAX_WINDOW_MS) throw unprocessable('WINDOW_TOO_LONG', 'a contest runs at most 92 days');
    if (!options.backfill && input.startAt.getTime() < this.clock.now().getTime() - START_GRACE_MS) throw unprocessable('START_IN_PAST', 'a contest cannot start in the past');
    const squadIds = [...new Set(input.squadIds)];
    if (squadIds.length < 2) throw unprocessable('SQUADS_TOO_FEW', 'a contest needs at least two squads');
    const found = await ex.selectFrom('squads').select('id').where('id', 'in', squadIds).execute();
    if (found.length !== squadIds.length) throw unprocessable('SQUAD_NOT_FOUND', 'a squad does not exist');
    const ranks = input.prizes.map((p) => p.rank);
    if (new Set(ranks).size !== ranks.length) throw unprocessable('PRIZE_RANK_DUPLICATE', 'each rank has one prize');
    if (ranks.some((r) => r > squadIds.length)) throw unprocessable('PRIZE_RANK_INVALID', 'a prize for a rank no squad can reach');
    return squadIds;
  }

  async create(actorId: number | null, input: ContestInput, options: { backfill?: boolean } = {}) {
    return inTransaction(this.db, async (tx) => {
      const squadIds = await this.validate(tx, input, options);
      const contest = await tx
        .insertInto('contests')
        .values({ name: input.name, metric: input.metric, start_at: input.startAt, deadline: input.deadline, created_by: actorId, created_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.writeSquadsAndPrizes(tx, contest.id, squadIds, input.prizes);
      await this.audit.record(tx, { actorId, action: 'contests.create', targetType: 'contest', targetId: contest.id, after: input });
      return (await this.detail(tx, contest.id))!;
    });
  }

  private async writeSquadsAndPrizes(tx: Tx, contestId: number, squadIds: number[], prizes: ContestInput['prizes']) {
    await tx.deleteFrom('contest_squads').where('contest_id', '=', contestId).execute();
    await tx.deleteFrom('contest_prizes').where('contest_id', '=', contestId).execute();
    await tx.insertInto('contest_squads').values(squadIds.map((squadId) => ({ contest_id: contestId, squad_id: squadId }))).execute();
    if (prizes.length > 0) await tx.insertInto('contest_prizes').values(prizes.map((p) => ({ contest_id: contestId, rank: p.rank, amount_fen: p.amountFen }))).execute();
  }

  private async lockScheduled(tx: Tx, contestId: number) {
    const contest = await tx.selectFrom('contests').selectAll().where('id', '=', contestId).forUpdate().executeTakeFirst();
    if (!contest) throw notFound('CONTEST_NOT_FOUND', 'no such contest');
    if (this.stateOf(contest) !== 'scheduled') throw conflict('CONTEST_STARTED', 'a contest cannot change once it started');
    return contest;
  }

  /** Everything can change until the start; after it the contest is fixed. */
  async update(actorId: number, contestId: number, input: ContestInput) {
    return inTransaction(this.db, async (tx) => {
      const before = await this.lockScheduled(tx, contestId);
      const squadIds = await this.validate(tx, input, {});
      await tx.updateTable('contests').set({ name: input.name, metric: input.metric, start_at: input.startAt, deadline: input.deadline }).where('id', '=', contestId).execute();
      await this.writeSquadsAndPrizes(tx, contestId, squadIds, input.prizes);
      await this.audit.record(tx, { actorId, action: 'contests.update', targetType: 'contest', targetId: contestId, before, after: input });
      return (await this.detail(tx, contestId))!;
    });
  }

  async remove(actorId: number, contestId: number) {
    return inTransaction(this.db, async (tx) => {
      const before = await this.lockScheduled(tx, contestId);
      await tx.deleteFrom('contests').where('id', '=', contestId).execute();
      await this.audit.record(tx, { actorId, action: 'contests.delete', targetType: 'contest', targetId: contestId, before });
    });
  }

  private toView(c: ContestRow & { created_at: Date }, squads: Array<{ id: number; name: string }>, prizes: Array<{ rank: number; amountFen: number }>) {
    return {
      id: c.id,
      name: c.name,
      metric: c.metric,
      startAt: c.start_at,
      deadline: c.deadline,
      state: this.stateOf(c),
      finalizedAt: c.finalized_at,
      squads,
      prizes,
      prizeTotalFen: prizes.reduce((s, p) => s + p.amountFen, 0),
      createdAt: c.created_at,
    };
  }

  async detail(ex: Executor, contestId: number) {
    const c = await ex.selectFrom('contests').selectAll().where('id', '=', contestId).executeTakeFirst();
    if (!c) return undefined;
    const squads = await ex.selectFrom('contest_squads as cs').innerJoin('squads as s', 's.id', 'cs.squad_id').select(['s.id', 's.name']).where('cs.contest_id', '=', contestId).orderBy('s.id').execute();
    const prizes = await ex.selectFrom('contest_prizes').select(['rank', 'amount_fen as amountFen']).where('contest_id', '=', contestId).orderBy('rank').execute();
    return this.toView(c, squads, prizes);
  }

  /** Contests, newest first; a squad's member sees only its squad's (squadId). */
  async list(ex: Executor, filter: { squadId?: number; limit: number; offset: number }) {
    let q = ex.selectFrom('contests as c');
    if (filter.squadId !== undefined) q = q.where((eb) => eb.exists(eb.selectFrom('contest_squads as cs').select('cs.contest_id').whereRef('cs.contest_id', '=', 'c.id').where('cs.squad_id', '=', filter.squadId!)));
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.select('c.id').orderBy('c.start_at', 'desc').orderBy('c.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const items = [];
    for (const r of rows) items.push((await this.detail(ex, r.id))!);
    return { total, items };
  }

  // --- standings ---

  private async squadInfo(ex: Executor, contestId: number) {
    const rows = await ex
      .selectFrom('contest_squads as cs')
      .innerJoin('squads as s', 's.id', 'cs.squad_id')
      .innerJoin('members as c', 'c.id', 's.captain_id')
      .select(['s.id', 's.name', 's.captain_id', 'c.nickname'])
      .where('cs.contest_id', '=', contestId)
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async nicknames(ex: Executor, ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await ex.selectFrom('members').select(['id', 'nickname']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.nickname]));
  }

  /**
   * The outcome as of the deadline (or live): squads ranked, prizes by rank, each squad's prize
   * split among its members. Pure given the contributions.
   */
  private async outcome(ex: Executor, c: ContestRow, contributions: Contribution[]): Promise<SquadStanding[]> {
    const info = await this.squadInfo(ex, c.id);
    const bySquad = new Map<number, Contribution[]>();
    for (const id of info.keys()) bySquad.set(id, []);
    for (const m of contributions) bySquad.get(m.squadId)?.push(m);
    const ranked = rankSquads([...bySquad.entries()].map(([squadId, members]) => ({ squadId, value: members.reduce((s, m) => s + m.value, 0) })));
    const prizeRows = await ex.selectFrom('contest_prizes').select(['rank', 'amount_fen']).where('contest_id', '=', c.id).execute();
    const prizes = squadPrizes(ranked, new Map(prizeRows.map((p) => [p.rank, p.amount_fen])));
    const names = await this.nicknames(ex, contributions.map((m) => m.memberId));
    return ranked.map((s) => {
      const squad = info.get(s.squadId)!;
      const prizeFen = prizes.get(s.squadId) ?? 0;
      const members = bySquad.get(s.squadId)!;
      const split = splitSquadPrize(prizeFen, squad.captain_id, members);
      return {
        squadId: s.squadId,
        name: squad.name,
        captainId: squad.captain_id,
        captainNickname: squad.nickname,
        rank: s.rank,
        value: s.value,
        prizeFen,
        members: members
          .map((m) => ({ memberId: m.memberId, nickname: names.get(m.memberId) ?? '', value: m.value, prizeFen: split.get(m.memberId) ?? 0 }))
          .sort((a, b) => b.value - a.value || a.memberId - b.memberId),
      };
    });
  }

  private async frozenStandings(ex: Executor, contestId: number): Promise<SquadStanding[]> {
    const squads = await ex
      .selectFrom('contest_results as r')
      .innerJoin('members as c', 'c.id', 'r.captain_id')
      .select(['r.squad_id', 'r.squad_name', 'r.captain_id', 'c.nickname', 'r.rank', 'r.value', 'r.prize_fen'])
      .where('r.contest_id', '=', contestId)
      .orderBy('r.rank')
      .orderBy('r.squad_id')
      .execute();
    const members = await ex
      .selectFrom('contest_member_results as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select(['r.squad_id', 'r.member_id', 'm.nickname', 'r.value', 'r.prize_fen'])
      .where('r.contest_id', '=', contestId)
      .orderBy('r.value', 'desc')
      .orderBy('r.member_id')
      .execute();
    return squads.map((s) => ({
      squadId: s.squad_id,
      name: s.squad_name,
      captainId: s.captain_id,
      captainNickname: s.nickname,
      rank: s.rank,
      value: s.value,
      prizeFen: s.prize_fen,
      members: members.filter((m) => m.squad_id === s.squad_id).map((m) => ({ memberId: m.member_id, nickname: m.nickname, value: m.value, prizeFen: m.prize_fen })),
    }));
  }

  /** Live standings of an open contest (activity in [start, deadline) so far), or the frozen results. */
  async standings(ex: Executor, contestId: number) {
    const contest = await this.detail(ex, contestId);
    if (!contest) throw notFound('CONTEST_NOT_FOUND', 'no such contest');
    const row: ContestRow = { id: contest.id, name: contest.name, metric: contest.metric, start_at: contest.startAt, deadline: contest.deadline, status: contest.state === 'finished' ? 'finished' : 'open', finalized_at: contest.finalizedAt };
    const squads =
      contest.state === 'finished'
        ? await this.frozenStandings(ex, contestId)
        : await this.outcome(ex, row, contest.state === 'scheduled' ? [] : await contestContributions(ex, contestId, contest.metric, contest.startAt, contest.deadline));
    return { contest, asOf: contest.state === 'finished' ? contest.deadline : this.clock.now(), squads };
  }

  /** A member's view: every squad's total, but only their own squad's member contributions. */
  async standingsForMember(ex: Executor, memberId: number, contestId: number) {
    const own = await ex.selectFrom('squad_members as sm').innerJoin('contest_squads as cs', 'cs.squad_id', 'sm.squad_id').select('sm.squad_id').where('sm.member_id', '=', memberId).where('cs.contest_id', '=', contestId).executeTakeFirst();
    const past = await ex.selectFrom('contest_member_results').select('squad_id').where('member_id', '=', memberId).where('contest_id', '=', contestId).executeTakeFirst();
    const squadId = past?.squad_id ?? own?.squad_id;
    if (squadId === undefined) throw notFound('CONTEST_NOT_FOUND', 'no such contest for your squad');
    const { contest, asOf, squads } = await this.standings(ex, contestId);
    const mine = squads.find((s) => s.squadId === squadId);
    return {
      contest,
      asOf,
      squads: squads.map(({ members: _members, ...s }) => ({ ...s, mine: s.squadId === squadId })),
      mySquad: mine ?? null,
      me: mine?.members.find((m) => m.memberId === memberId) ?? { memberId, nickname: '', value: 0, prizeFen: 0 },
    };
  }

  /** A member's finished contests: their squad's rank, their contribution and prize. */
  async resultsOfMember(ex: Executor, memberId: number) {
    return ex
      .selectFrom('contest_member_results as m')
      .innerJoin('contest_results as r', (j) => j.onRef('r.contest_id', '=', 'm.contest_id').onRef('r.squad_id', '=', 'm.squad_id'))
      .innerJoin('contests as c', 'c.id', 'm.contest_id')
      .select(['c.id as contestId', 'c.name', 'c.metric', 'c.deadline', 'r.squad_name as squadName', 'r.rank', 'm.value', 'm.prize_fen as prizeFen'])
      .where('m.member_id', '=', memberId)
      .orderBy('c.deadline', 'desc')
      .limit(50)
      .execute();
  }

  // --- the deadline ---

  /**
   * Finalises every open contest past its deadline, one transaction each: results frozen as of the
   * deadline, prizes paid through the ledger, status finished. The row lock (SKIP LOCKED) keeps two
   * instances apart; the status guard and the award idempotency keys make a replay pay nothing.
   */
  async finalizeDue(): Promise<number> {
    let finalized = 0;
    for (;;) {
      const done = await inTransaction(this.db, async (tx) => {
        const contest = await tx
          .selectFrom('contests')
          .select(['id', 'name', 'metric', 'start_at', 'deadline', 'status', 'finalized_at'])
          .where('status', '=', 'open')
          .where('deadline', '<=', this.clock.now())
          .orderBy('deadline')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!contest) return false;
        const squads = await this.finalize(tx, contest);
        // the results' notes commit with the prizes: a reader right after the job sees both
        await this.notifyResults(tx, contest, squads);
        return true;
      });
      if (!done) return finalized;
      finalized += 1;
    }
  }

  private async finalize(tx: Tx, contest: ContestRow): Promise<SquadStanding[]> {
    const contributions = await contestContributions(tx, contest.id, contest.metric, contest.start_at, contest.deadline);
    const squads = await this.outcome(tx, contest, contributions);
    if (squads.length > 0)
      await tx
        .insertInto('contest_results')
        .values(squads.map((s) => ({ contest_id: contest.id, squad_id: s.squadId, squad_name: s.name, captain_id: s.captainId, rank: s.rank, value: s.value, prize_fen: s.prizeFen })))
        .execute();
    // members with nothing recorded still get a row: the captain may take a prize without contributing
    const memberRows = squads.flatMap((s) => {
      const rows = s.members.map((m) => ({ contest_id: contest.id, squad_id: s.squadId, member_id: m.memberId, value: m.value, prize_fen: m.prizeFen }));
      if (!rows.some((r) => r.member_id === s.captainId) && s.prizeFen > 0) rows.push({ contest_id: contest.id, squad_id: s.squadId, member_id: s.captainId, value: 0, prize_fen: s.prizeFen });
      return rows;
    });
    if (memberRows.length > 0) await tx.insertInto('contest_member_results').values(memberRows).execute();
    for (const row of memberRows) {
      if (row.prize_fen <= 0) continue;
      await this.commission.award(tx, {
        memberId: row.member_id,
        amountFen: row.prize_fen,
        code: 'contest.prize',
        memo: `PK 赛「${contest.name}」奖金`,
        idempotencyKey: `contest:${contest.id}:squad:${row.squad_id}:member:${row.member_id}`,
        refType: 'contest',
        refId: contest.id,
      });
    }
    const now = this.clock.now();
    await tx.updateTable('contests').set({ status: 'finished', finalized_at: now < contest.deadline ? contest.deadline : now }).where('id', '=', contest.id).where('status', '=', 'open').execute();
    await this.audit.record(tx, { actorId: null, action: 'contests.finalize', targetType: 'contest', targetId: contest.id, after: squads.map((s) => ({ squadId: s.squadId, rank: s.rank, value: s.value, prizeFen: s.prizeFen })) });
    return squads;
  }

  private async notifyResults(tx: Tx, contest: ContestRow, squads: SquadStanding[]) {
    for (const s of squads)
      for (const m of s.members.length > 0 ? s.members : [{ memberId: s.captainId, value: 0, prizeFen: s.prizeFen }]) {
        const prize = m.prizeFen > 0 ? `，奖金 ¥${formatYuan(m.prizeFen)} 已到账` : '';
        await this.notifications.notifyIn(tx, m.memberId, {
          kind: 'contest.finished',
          title: `${contest.name} 已结束：战队第 ${s.rank} 名`,
          body: `战队「${s.name}」成绩 ${formatMetricValue(contest.metric, s.value)}，你贡献了 ${formatMetricValue(contest.metric, m.value)}${prize}`,
          amountFen: m.prizeFen > 0 ? m.prizeFen : null,
          refType: 'contest',
          refId: contest.id,
        });
      }
  }

  // --- the daily report ---

  /**
   * Once per Shanghai day of a running contest (from the day after its start), each squad member
   * gets an inbox note with the squad's rank and their contribution so far. The report row is the
   * claim: inserted before the note is sent, so a replay or a second instance sends nothing.
   */
  async sendDailyReports(): Promise<number> {
    const now = this.clock.now();
    const dayStart = shanghaiDayStart(now);
    const day = new Date(dayStart.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const running = await this.db
      .selectFrom('contests as c')
      .select(['c.id', 'c.name', 'c.metric', 'c.start_at', 'c.deadline', 'c.status', 'c.finalized_at'])
      .where('c.status', '=', 'open')
      .where('c.start_at', '<', dayStart)
      .where('c.deadline', '>', now)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('contest_daily_reports as r').select('r.contest_id').whereRef('r.contest_id', '=', 'c.id').where('r.report_day', '=', day))))
      .execute();
    let sent = 0;
    for (const contest of running) {
      const squads = await this.outcome(this.db, contest, await contestContributions(this.db, contest.id, contest.metric, contest.start_at, contest.deadline));
      const reports = squads.flatMap((s) => s.members.map((m) => ({ squad: s, member: m })));
      if (reports.length === 0) continue;
      const claimed = await this.db
        .insertInto('contest_daily_reports')
        .values(reports.map((r) => ({ contest_id: contest.id, report_day: day, member_id: r.member.memberId, squad_rank: r.squad.rank, value: r.member.value, sent_at: now })))
        .onConflict((oc) => oc.columns(['contest_id', 'report_day', 'member_id']).doNothing())
        .returning('member_id')
        .execute();
      const claimedIds = new Set(claimed.map((c) => c.member_id));
      for (const { squad, member } of reports) {
        if (!claimedIds.has(member.memberId)) continue;
        await this.notifications.notify(member.memberId, {
          kind: 'contest.daily',
          title: `${contest.name} 日报：战队第 ${squad.rank} 名`,
          body: `战队「${squad.name}」目前 ${formatMetricValue(contest.metric, squad.value)}，你贡献了 ${formatMetricValue(contest.metric, member.value)}`,
          amountFen: null,
          refType: 'contest',
          refId: contest.id,
        });
        sent += 1;
      }
    }
    return sent;
  }
}
