// The payouts module's face: what other modules and the app may use of it.
export { PayoutBatchesService } from './batches.js';
export { payoutProviderFor } from './channels.js';
export type { PayoutProvider } from './providers.js';
export { PayoutsService } from './service.js';
export { countFailedPayouts, countPayoutsToReview, countSecondPayoutApprovals } from './todo.js';
export type { BatchFileRow } from './batches.js';
export type { presentPayout } from './service.js';
export type { PayoutChannel, PayoutStatus } from './tables.js';
