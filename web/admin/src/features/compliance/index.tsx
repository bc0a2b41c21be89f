// The compliance screen of the console (see features/types.ts): 合规报告 — the rule version and levels in force,
// every compliance override with who and when, the money paid per metric, and what crosses the line with no
// override, with its XLSX download. For the owner, finance and the auditor, as the API is (src/http/routes/compliance.ts).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  screens: [
    { key: 'compliance-report', path: '/compliance', label: 'compliance.nav', group: 'g-audit', roles: ['owner', 'finance', 'auditor'], element: lazy(() => import('./CompliancePage')) },
  ],
};
