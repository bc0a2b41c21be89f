// The 拼团 screen of the console (see features/types.ts): offers with their groups; operators create
// and edit them, every HQ role reads (src/http/routes/group-buys.ts).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  screens: [{ key: 'group-buys', path: '/promotions/group-buys', label: 'groupBuys.nav', group: 'g-promotions', roles: READERS, element: lazy(() => import('./GroupBuyOffersPage')) }],
};
