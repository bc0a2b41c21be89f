// The two-person rule's console screen (see features/types.ts): 待我审批 in the finance group, for the roles the
// API admits (src/modules/approvals/routes.ts). Its parts on 佣金调整 and 提现审核 come from this folder too.
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  screens: [
    { key: 'finance-approvals', path: '/approvals', label: 'approvals.nav', group: 'g-finance', roles: ['owner', 'finance', 'auditor'], element: lazy(() => import('./InboxPage')) },
  ],
};
