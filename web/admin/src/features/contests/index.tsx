// The contests screens of the console: squads & member tags, and PK contests (see features/types.ts).
import { TrophyOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  groups: [{ key: 'g-contests', label: 'contests.group', icon: <TrophyOutlined /> }],
  screens: [
    { key: 'contest-squads', path: '/squads', label: 'contests.nav.squads', group: 'g-contests', roles: ['owner', 'operator', 'finance', 'support', 'auditor'], element: lazy(() => import('./SquadsPage')) },
    { key: 'contests', path: '/contests', label: 'contests.nav.contests', group: 'g-contests', roles: ['owner', 'operator', 'finance', 'support', 'auditor'], element: lazy(() => import('./ContestsPage')) },
  ],
};
