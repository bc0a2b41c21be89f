// The risk screens of the console (风控, see features/types.ts): the queue of held earnings — their reasons,
// the members and signals behind them as a small graph, release or void with a reason (owner and finance; the
// auditor reads) — and the risk rules with their dry run, as the API allows (src/http/routes/risk.ts).
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  groups: [{ key: 'g-risk', label: 'risk.group', icon: <SafetyCertificateOutlined /> }],
  screens: [
    { key: 'risk-queue', path: '/risk-queue', label: 'risk.nav.queue', group: 'g-risk', roles: ['owner', 'finance', 'auditor'], element: lazy(() => import('./RiskQueuePage')) },
    { key: 'risk-rules', path: '/risk-rules', label: 'risk.nav.rules', group: 'g-risk', roles: ['owner', 'finance', 'auditor'], element: lazy(() => import('./RiskRulesPage')) },
  ],
};
