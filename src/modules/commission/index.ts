// The commission module's face: what other modules and the app may use of it.
export type { HeldEarning, LinkedMembers } from './holds.js';
export type { ChainMember, CommissionLine, PlannedEarning } from './plan.js';
export { shareEarnings } from './plan.js';
export { CommissionService } from './service.js';
export { countHeldEarnings } from './todo.js';
export type { EarningKind, EarningState } from './tables.js';
