// 待我审批: everything that waits for a second HQ member under the two-person rule, in one list — adjustments
// above the line (this module), withdrawals with a first approval (payouts' face) and rule changes past a
// second-approval line (rules' face). Read only; each item is decided on its own route.
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { HqRole } from '../members/index.js';
import { countSecondPayoutApprovals, type PayoutsService } from '../payouts/index.js';
import type { RulesService } from '../rules/index.js';
import type { AdjustmentApprovals } from './adjustments.js';

/** Who decides the two-person items (money limits' roles: src/modules/rules/limits.ts). */
const DECIDERS: readonly HqRole[] = ['owner', 'finance'];
const PER_KIND = 100;

export type PendingKind = 'adjustment' | 'payout' | 'rule_change';

export interface PendingItem {
  kind: PendingKind;
  /** the adjustment approval's, the payout's or the rule change's id */
  id: number;
  /** adjustment: pending | approved (being applied); payout: reviewing; rule change: pending */
  status: string;
  memberId: number | null;
  memberNickname: string | null;
  /** signed for an adjustment; null for a rule change */
  amountFen: number | null;
  /** the adjustment's reason, the payout's number, the rule change's note */
  note: string | null;
  /** a rule change's fields past a line; empty otherwise */
  fields: string[];
  /** the adjustment's maker, the payout's first approver, the rule change's proposer */
  startedBy: number;
  startedByName: string | null;
  startedAt: Date;
  /** the caller started it: it waits for someone else */
  mine: boolean;
  /** the caller may approve it now (a stale rule change cannot be approved) */
  canApprove: boolean;
}

type RuleChange = Awaited<ReturnType<RulesService['changes']['list']>>[number];

export class ApprovalsInbox {
  constructor(
    private readonly adjustments: AdjustmentApprovals,
    private readonly payouts: PayoutsService,
    private readonly rules: RulesService,
  ) {}

  /** Oldest first: what has waited longest comes first. */
  async pendingFor(ex: Executor, actor: { id: number; role: HqRole | null }): Promise<PendingItem[]> {
    const decides = actor.role !== null && DECIDERS.includes(actor.role);
    const adjustments = await this.adjustments.list(ex, { open: true, limit: PER_KIND });
    const payouts = await this.payouts.reviewList(ex, { status: 'reviewing', firstApproved: true, limit: PER_KIND, offset: 0 });
    const changes = await this.rules.changes.list(ex, { status: 'pending', limit: PER_KIND });
    const names = await nicknames(ex, payouts.map((p) => p.memberId));
    const items: PendingItem[] = [
      ...adjustments.map((a): PendingItem => {
        const mine = a.requestedBy === actor.id;
        return { kind: 'adjustment', id: a.id, status: a.status, memberId: a.memberId, memberNickname: a.memberNickname, amountFen: a.amountFen, note: a.reason, fields: [], startedBy: a.requestedBy, startedByName: a.requestedByName, startedAt: a.requestedAt, mine, canApprove: decides && !mine && a.status === 'pending' };
      }),
      ...payouts.map((p): PendingItem => {
        const mine = p.firstApprovedBy === actor.id;
        return { kind: 'payout', id: p.id, status: p.status, memberId: p.memberId, memberNickname: names.get(p.memberId) ?? null, amountFen: p.amountFen, note: p.payoutNo, fields: [], startedBy: p.firstApprovedBy!, startedByName: p.firstApprovedByName, startedAt: p.firstApprovedAt!, mine, canApprove: decides && !mine };
      }),
      ...changes.map((c) => ruleChangeItem(c, actor.id, decides)),
    ];
    return items.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id);
  }

  /** How many of those the caller may approve now (canApprove), counted kind by kind: the dashboard's 待办. */
  async countFor(ex: Executor, actor: { id: number; role: HqRole | null }): Promise<number> {
    if (actor.role === null || !DECIDERS.includes(actor.role)) return 0;
    const [adjustments, payouts, changes] = await Promise.all([
      // adjustment_approvals_open_idx holds the open ones
      ex.selectFrom('adjustment_approvals').select(sql<number>`count(*)`.as('n')).where('status', '=', sql.lit('pending')).where('requested_by', '<>', actor.id).executeTakeFirst(),
      countSecondPayoutApprovals(ex, actor.id),
      this.rules.changes.countAwaiting(ex, actor.id),
    ]);
    return Number(adjustments?.n ?? 0) + payouts + changes;
  }
}

async function nicknames(ex: Executor, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex.selectFrom('members').select(['id', 'nickname']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((m) => [m.id, m.nickname]));
}

function ruleChangeItem(c: RuleChange, actorId: number, decides: boolean): PendingItem {
  const mine = c.proposedBy === actorId;
  return {
    kind: 'rule_change',
    id: c.id,
    status: c.status,
    memberId: null,
    memberNickname: null,
    amountFen: null,
    note: c.note,
    fields: c.triggers.map((t) => t.field),
    startedBy: c.proposedBy,
    startedByName: c.proposedByName,
    startedAt: c.createdAt,
    mine,
    canApprove: decides && !mine && !c.stale,
  };
}
