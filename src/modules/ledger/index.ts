// The ledger module's face: what other modules and the app may use of it.
export { LedgerService } from './service.js';
export type { MemberAccounts, TransferInput } from './service.js';
