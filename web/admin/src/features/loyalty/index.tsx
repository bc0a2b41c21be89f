// The loyalty screens of the console (see features/types.ts): points settings and ledger, the
// points mall and its redemptions, notes moderation, badges and honour.
import { GiftOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const ALL = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-loyalty', label: 'loyalty.nav.group', icon: <GiftOutlined /> }],
  screens: [
    { key: 'loyalty-points', path: '/loyalty/points', label: 'loyalty.nav.points', group: 'g-loyalty', roles: ALL, element: lazy(() => import('./PointsPage')) },
    { key: 'loyalty-mall', path: '/loyalty/mall', label: 'loyalty.nav.mall', group: 'g-loyalty', roles: ALL, element: lazy(() => import('./MallPage')) },
    { key: 'loyalty-notes', path: '/loyalty/notes', label: 'loyalty.nav.notes', group: 'g-loyalty', roles: ['owner', 'operator', 'support', 'auditor'], element: lazy(() => import('./NotesPage')) },
    { key: 'loyalty-badges', path: '/loyalty/badges', label: 'loyalty.nav.badges', group: 'g-loyalty', roles: ALL, element: lazy(() => import('./BadgesPage')) },
  ],
};
