// The growth screens of the console (see features/types.ts): leaderboards and tier upgrade rules.
import { RiseOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const ALL = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-growth', label: 'growth.nav.group', icon: <RiseOutlined /> }],
  screens: [
    { key: 'growth-leaderboards', path: '/growth/leaderboards', label: 'growth.nav.leaderboards', group: 'g-growth', roles: ALL, element: lazy(() => import('./LeaderboardsPage')) },
    { key: 'growth-tier-rules', path: '/growth/tier-rules', label: 'growth.nav.tierRules', group: 'g-growth', roles: ALL, element: lazy(() => import('./TierRulesPage')) },
  ],
};
