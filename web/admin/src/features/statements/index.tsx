// The finance rails' console screens (see features/types.ts): bank-card payout batches (批量代发). The
// provider statements (对账单) live on the core reconciliation screen (StatementsSection).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  screens: [
    // the batch API is finance and the owner only (src/http/routes/payout-batches.ts)
    { key: 'finance-payout-batches', path: '/payout-batches', label: 'batches.nav', group: 'g-finance', roles: ['owner', 'finance'], element: lazy(() => import('./PayoutBatchesPage')) },
  ],
};
