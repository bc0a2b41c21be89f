// PK contests (PK 赛): squads compete on one metric inside a hard window [startAt, deadline);
// standings are live; a daily report goes to every member; at the deadline the results freeze and
// the prizes are paid through the ledger exactly once.
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { shanghaiDayStart } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import { overrideColumns, overrideOf, recruitingCashRefused, type ComplianceFinding, type ComplianceOverrideInput } from '../compliance/index.js';
import type { NotificationsService } from '../notifications/index.js';
import { ContestFinalizer, type PointsGranter } from './finalize.js';
import { contestContributions, formatMetricValue, type Contribution } from './metrics.js';

export { formatMetricValue } from './metrics.js';
import { paysCashForRecruiting, prizeFromRow, prizeView, rankSquads, splitSquadPrize, squadAwards, type Prize } from './prizes.js';
import type { ContestMetric, PrizeKind } from './tables.js';

export type { PointsGranter } from './finalize.js';

export type ContestState = 'scheduled' | 'running' | 'closing' | 'finished';

export interface ContestInput {
  name: string;
  metric: ContestMetric;
  startAt: Date;
  deadline: Date;
  squadIds: number[];
  /** cash by default; points and honours are what an invites contest may give without an override */
  prizes: PrizeInput[];
  /** lets an invites contest pay cash prizes (recorded with who and when, audited) */
  complianceOverride?: ComplianceOverrideInput | null;
}

export interface PrizeInput {
  rank: number;
  kind?: PrizeKind;
  amountFen?: number;
  points?: number;
  title?: string;
}

export interface SquadStanding {
  squadId: number;
  name: string;
  captainId: number;
  captainNickname: string;
  rank: number;
  value: number;
  /** paid or withheld (finished), or due at the current rank (live) */
  prizeFen: number;
  prizePoints: number;
  honour: string | null;
  members: Array<{ memberId: number; nickname: string; value: number; prizeFen: number; prizePoints: number }>;
}

const MAX_WINDOW_MS = 92 * 86_400_000;
/** a contest may be created starting a moment ago (the form's "now"), never backdated further */
const START_GRACE_MS = 5 * 60_000;

export interface ContestRow {
  id: number;
  name: string;
  metric: ContestMetric;
  start_at: Date;
  deadline: Date;
  status: 'open' | 'finished';
  finalized_at: Date | null;
}

/** The prizes as the rows store them; 422 PRIZE_INVALID when a prize's fields do not fit its kind. */
function toPrizes(input: PrizeInput[]): Prize[] {
  return input.map((p) => {
    const kind = p.kind ?? 'cash';
    const fits =
      kind === 'cash' ? p.amountFen !== undefined && p.amountFen > 0 && p.points === undefined && !p.title
      : kind === 'points' ? p.points !== undefined && p.points > 0 && p.amountFen === undefined && !p.title
      : !!p.title && p.amountFen === undefined && p.points === undefined;
    if (!fits) throw unprocessable('PRIZE_INVALID', `the prize for rank ${p.rank} is ${kind}: ${kind === 'cash' ? 'amountFen' : kind === 'points' ? 'points' : 'title'} only`);
    if (kind === 'points') return { rank: p.rank, kind, points: p.points! };
    if (kind === 'honour') return { rank: p.rank, kind, title: p.title! };
    return { rank: p.rank, kind, amountFen: p.amountFen! };
  });
}

type ContestViewRow = ContestRow & {
  created_at: Date;
  compliance_override_reason: string | null;
  compliance_override_by: number | null;
  compliance_override_at: Date | null;
  prizes_withheld_at: Date | null;
  prizes_released_at: Date | null;
};


export class ContestsService {
  private readonly finalizer: ContestFinalizer;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    commission: CommissionService,
    private readonly notifications: NotificationsService,
  ) {
    this.finalizer = new ContestFinalizer(db, clock, audit, commission, notifications, (ex, c, contributions) => this.outcome(ex, c, contributions));
  }

  /** Points prizes are granted through the loyalty feature (wired in services.ts). */
  setPointsGranter(grant: PointsGranter): void {
    this.finalizer.setPointsGranter(grant);
  }

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
    const prizes = toPrizes(input.prizes);
    const recruitingCash = paysCashForRecruiting(input.metric, prizes);
    if (recruitingCash && !input.complianceOverride) {
      const cashRanks = prizes.filter((p) => p.kind === 'cash').map((p) => p.rank);
      throw recruitingCashRefused('prizes', `an invites contest pays cash prizes (ranks ${cashRanks.join(', ')})`, { metric: input.metric, ranks: cashRanks });
    }
    return { squadIds, prizes, recruitingCash };
  }

  /** The override columns for a save, and its audit entry when it allows cash for an invites contest. */
  private async recordOverride(tx: Tx, actorId: number | null, contestId: number, input: ContestInput, recruitingCash: boolean, before: ReturnType<typeof overrideOf>) {
    const columns = overrideColumns(input.complianceOverride, recruitingCash, actorId, this.clock.now());
    await tx.updateTable('contests').set(columns).where('id', '=', contestId).execute();
    if (columns.compliance_override_reason === null) return;
    await this.audit.record(tx, {
      actorId,
      action: 'contests.compliance_override',
      targetType: 'contest',
      targetId: contestId,
      before: before ? { reason: before.reason, by: before.by, at: before.at } : null,
      after: { code: 'COMPLIANCE_RECRUITING_CASH', field: 'prizes', metric: input.metric, cashPrizes: input.prizes.filter((p) => (p.kind ?? 'cash') === 'cash') },
      reason: columns.compliance_override_reason,
    });
  }

  async create(actorId: number | null, input: ContestInput, options: { backfill?: boolean } = {}) {
    return inTransaction(this.db, async (tx) => {
      const { squadIds, prizes, recruitingCash } = await this.validate(tx, input, options);
      const contest = await tx
        .insertInto('contests')
        .values({ name: input.name, metric: input.metric, start_at: input.startAt, deadline: input.deadline, created_by: actorId, created_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.writeSquadsAndPrizes(tx, contest.id, squadIds, prizes);
      await this.audit.record(tx, { actorId, action: 'contests.create', targetType: 'contest', targetId: contest.id, after: input });
      await this.recordOverride(tx, actorId, contest.id, input, recruitingCash, null);
      return (await this.detail(tx, contest.id))!;
    });
  }

  private async writeSquadsAndPrizes(tx: Tx, contestId: number, squadIds: number[], prizes: Prize[]) {
    await tx.deleteFrom('contest_squads').where('contest_id', '=', contestId).execute();
    await tx.deleteFrom('contest_prizes').where('contest_id', '=', contestId).execute();
    await tx.insertInto('contest_squads').values(squadIds.map((squadId) => ({ contest_id: contestId, squad_id: squadId }))).execute();
    if (prizes.length > 0)
      await tx
        .insertInto('contest_prizes')
        .values(prizes.map((p) => ({ contest_id: contestId, rank: p.rank, kind: p.kind, amount_fen: p.kind === 'cash' ? p.amountFen : null, points: p.kind === 'points' ? p.points : null, title: p.kind === 'honour' ? p.title : null })))
        .execute();
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
      const { squadIds, prizes, recruitingCash } = await this.validate(tx, input, {});
      await tx.updateTable('contests').set({ name: input.name, metric: input.metric, start_at: input.startAt, deadline: input.deadline }).where('id', '=', contestId).execute();
      await this.writeSquadsAndPrizes(tx, contestId, squadIds, prizes);
      await this.audit.record(tx, { actorId, action: 'contests.update', targetType: 'contest', targetId: contestId, before, after: input });
      await this.recordOverride(tx, actorId, contestId, input, recruitingCash, overrideOf(before));
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

  private toView(c: ContestViewRow, squads: Array<{ id: number; name: string }>, prizes: Prize[]) {
    const override = overrideOf(c);
    return {
      id: c.id,
      name: c.name,
      metric: c.metric,
      startAt: c.start_at,
      deadline: c.deadline,
      state: this.stateOf(c),
      finalizedAt: c.finalized_at,
      squads,
      prizes: prizes.map(prizeView),
      prizeTotalFen: prizes.reduce((s, p) => s + (p.kind === 'cash' ? p.amountFen : 0), 0),
      prizeTotalPoints: prizes.reduce((s, p) => s + (p.kind === 'points' ? p.points : 0), 0),
      complianceOverride: override ? { reason: override.reason, byId: override.by, at: override.at } : null,
      prizesWithheldAt: c.prizes_withheld_at,
      prizesReleasedAt: c.prizes_released_at,
      createdAt: c.created_at,
    };
  }

  async detail(ex: Executor, contestId: number) {
    const c = await ex.selectFrom('contests').selectAll().where('id', '=', contestId).executeTakeFirst();
    if (!c) return undefined;
    const squads = await ex.selectFrom('contest_squads as cs').innerJoin('squads as s', 's.id', 'cs.squad_id').select(['s.id', 's.name']).where('cs.contest_id', '=', contestId).orderBy('s.id').execute();
    const prizes = await ex.selectFrom('contest_prizes').select(['rank', 'kind', 'amount_fen', 'points', 'title']).where('contest_id', '=', contestId).orderBy('rank').execute();
    return this.toView(c, squads, prizes.map(prizeFromRow));
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
  async outcome(ex: Executor, c: ContestRow, contributions: Contribution[]): Promise<SquadStanding[]> {
    const info = await this.squadInfo(ex, c.id);
    const bySquad = new Map<number, Contribution[]>();
    for (const id of info.keys()) bySquad.set(id, []);
    for (const m of contributions) bySquad.get(m.squadId)?.push(m);
    const ranked = rankSquads([...bySquad.entries()].map(([squadId, members]) => ({ squadId, value: members.reduce((s, m) => s + m.value, 0) })));
    const prizeRows = await ex.selectFrom('contest_prizes').select(['rank', 'kind', 'amount_fen', 'points', 'title']).where('contest_id', '=', c.id).execute();
    const awards = squadAwards(ranked, prizeRows.map(prizeFromRow));
    const names = await this.nicknames(ex, contributions.map((m) => m.memberId));
    return ranked.map((s) => {
      const squad = info.get(s.squadId)!;
      const award = awards.get(s.squadId) ?? { cashFen: 0, points: 0, honour: null };
      const members = bySquad.get(s.squadId)!;
      const cash = splitSquadPrize(award.cashFen, squad.captain_id, members);
      const points = splitSquadPrize(award.points, squad.captain_id, members);
      return {
        squadId: s.squadId,
        name: squad.name,
        captainId: squad.captain_id,
        captainNickname: squad.nickname,
        rank: s.rank,
        value: s.value,
        prizeFen: award.cashFen,
        prizePoints: award.points,
        honour: award.honour,
        members: members
          .map((m) => ({ memberId: m.memberId, nickname: names.get(m.memberId) ?? '', value: m.value, prizeFen: cash.get(m.memberId) ?? 0, prizePoints: points.get(m.memberId) ?? 0 }))
          .sort((a, b) => b.value - a.value || a.memberId - b.memberId),
      };
    });
  }

  private async frozenStandings(ex: Executor, contestId: number): Promise<SquadStanding[]> {
    const squads = await ex
      .selectFrom('contest_results as r')
      .innerJoin('members as c', 'c.id', 'r.captain_id')
      .select(['r.squad_id', 'r.squad_name', 'r.captain_id', 'c.nickname', 'r.rank', 'r.value', 'r.prize_fen', 'r.prize_points', 'r.honour'])
      .where('r.contest_id', '=', contestId)
      .orderBy('r.rank')
      .orderBy('r.squad_id')
      .execute();
    const members = await ex
      .selectFrom('contest_member_results as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select(['r.squad_id', 'r.member_id', 'm.nickname', 'r.value', 'r.prize_fen', 'r.prize_points'])
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
      prizePoints: Number(s.prize_points),
      honour: s.honour,
      members: members.filter((m) => m.squad_id === s.squad_id).map((m) => ({ memberId: m.member_id, nickname: m.nickname, value: m.value, prizeFen: m.prize_fen, prizePoints: Number(m.prize_points) })),
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
      me: mine?.members.find((m) => m.memberId === memberId) ?? { memberId, nickname: '', value: 0, prizeFen: 0, prizePoints: 0 },
    };
  }

  /** A member's finished contests: their squad's rank, their contribution and prize. */
  async resultsOfMember(ex: Executor, memberId: number) {
    return ex
      .selectFrom('contest_member_results as m')
      .innerJoin('contest_results as r', (j) => j.onRef('r.contest_id', '=', 'm.contest_id').onRef('r.squad_id', '=', 'm.squad_id'))
      .innerJoin('contests as c', 'c.id', 'm.contest_id')
      .select(['c.id as contestId', 'c.name', 'c.metric', 'c.deadline', 'r.squad_name as squadName', 'r.rank', 'm.value', 'm.prize_fen as prizeFen', 'm.prize_points as prizePoints', 'r.honour', 'c.prizes_withheld_at as prizesWithheldAt', 'c.prizes_released_at as prizesReleasedAt'])
      .where('m.member_id', '=', memberId)
      .orderBy('c.deadline', 'desc')
      .limit(50)
      .execute();
  }

  // --- the deadline (finalize.ts) ---

  /** Finalises every open contest past its deadline (finalize.ts): results frozen, prizes paid or withheld. */
  finalizeDue(): Promise<number> {
    return this.finalizer.finalizeDue();
  }

  /** HQ records the compliance override for an invites contest whose cash prizes were withheld, and pays them. */
  releaseWithheldPrizes(actorId: number, contestId: number, override: ComplianceOverrideInput) {
    return this.finalizer.releaseWithheld(actorId, contestId, override).then(async (released) => ({ ...released, contest: (await this.detail(this.db, contestId))! }));
  }

  /** Invites contests that pay cash with no override: open ones will be withheld, finished ones are. */
  complianceFindings(ex: Executor): Promise<ComplianceFinding[]> {
    return this.finalizer.findings(ex);
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
