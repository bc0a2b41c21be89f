// The two-person rule (四眼原则, issue 16) for what has no module of its own to hold it: manual adjustments
// above the line wait here for a second owner/finance member (adjustments.ts), and 待我审批 lists every item
// waiting for one, withdrawals and rule changes included (inbox.ts). Withdrawals keep their first approval
// on the payout itself (payouts/review.ts); rule changes have theirs in the rules module (rules/changes.ts).
import type { Clock } from '../../context.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import type { MembersService } from '../members/index.js';
import type { PayoutsService } from '../payouts/index.js';
import type { RulesService } from '../rules/index.js';
import { AdjustmentApprovals } from './adjustments.js';
import { ApprovalsInbox } from './inbox.js';

export interface ApprovalsDeps {
  db: Db;
  clock: Clock;
  commission: CommissionService;
  rules: RulesService;
  members: MembersService;
  audit: AuditService;
  payouts: PayoutsService;
}

export class ApprovalsService {
  readonly adjustments: AdjustmentApprovals;
  readonly inbox: ApprovalsInbox;

  constructor(deps: ApprovalsDeps) {
    this.adjustments = new AdjustmentApprovals(deps.db, deps.clock, deps.commission, deps.rules, deps.members, deps.audit);
    this.inbox = new ApprovalsInbox(this.adjustments, deps.payouts, deps.rules);
  }
}
