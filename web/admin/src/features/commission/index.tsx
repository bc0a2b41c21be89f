// The commission earnings screen (佣金明细) of the finance group (see features/types.ts): a list of every
// earning with its state, and the earnings export. Its strings live in the core dictionary (i18n.ts).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  screens: [
    // the export is for the owner, finance and the auditor (src/http/routes/admin-exports.ts)
    { key: 'finance-earnings', path: '/commission-earnings', label: 'nav.earnings', group: 'g-finance', roles: ['owner', 'finance', 'auditor'], element: lazy(() => import('./EarningsPage')) },
  ],
};
