// The contests feature: squads (战队) and PK contests, wired from the core (see src/services.ts).
import type { CoreServices } from '../../services.js';
import { ContestsService } from './service.js';
import { SquadsService } from './squads.js';

export function createContests(core: CoreServices) {
  const squads = new SquadsService(core.db, core.clock, core.audit);
  const contests = new ContestsService(core.db, core.clock, core.audit, core.commission, core.notifications);
  core.extensions.addJob({ name: 'contests.finalize', run: () => contests.finalizeDue() });
  core.extensions.addJob({ name: 'contests.daily-report', run: () => contests.sendDailyReports() });
  // invites contests paying cash with no compliance override, for HQ's compliance report
  core.compliance.addFindings((ex) => contests.complianceFindings(ex));
  // a captain signs in to no console screen; the shop's squad page is enough
  return { squads, contests };
}
export { seedContests } from './demo.js';
export type { PointsGranter } from './service.js';
